"""Contract docx with 50 lines: GET /contracts/<id>/document.docx (a draft, so rendered on every download).

Target: ≤ 1.5× the floor "docx render" (bare docxtpl render with autoescape of a 50-line table).
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sqlalchemy as sa  # noqa: E402
from common import emit, login, make_app, median_ms, meta  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    app = make_app()
    from app.auth.models import User
    from app.contracts.models import Contract, ContractLine, ContractVersion
    from app.extensions import db

    cid = meta(app).get("doc_contract_id")
    with app.app_context():
        contract = db.session.get(Contract, cid)
        username = db.session.get(User, contract.owner_id).username
        lines = db.session.scalar(sa.select(sa.func.count()).select_from(ContractLine).join(ContractVersion)
                                  .where(ContractVersion.contract_id == cid))
        db.session.remove()
    client = login(app, username)
    url = f"/contracts/{cid}/document.docx"
    r = client.get(url)
    assert r.status_code == 200 and r.data[:2] == b"PK", r.status_code
    ms, _ = median_ms(lambda: client.get(url), args.runs)
    from app.contracts import documents as contract_documents

    with app.test_request_context():
        c = db.session.get(Contract, cid)
        v = c.current_version
        render_ms, _ = median_ms(lambda: contract_documents.render_version(c, v), args.runs)
    emit(dict(job="docx", ms=round(ms, 2), url=url, lines=lines, bytes=len(r.data), render_only_ms=round(render_ms, 2)))


if __name__ == "__main__":
    main()
