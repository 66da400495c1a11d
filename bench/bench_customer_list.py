"""Customer list: GET /customers/ filtered by owner and stage, page 2 of 50 rows, as a rep, at 100k customers.

Target (PERFORMANCE.md): ≤ 2× the floor "list page" (Flask + SQLAlchemy + Jinja in-process).
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import count_queries, emit, login, make_app, median_ms  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args(argv)
    app = make_app()
    from app.extensions import db

    client = login(app, "rep1")
    url = "/customers/?owner=me&stage=won&page=2"
    r = client.get(url)
    assert r.status_code == 200, r.status_code
    html = r.get_data(as_text=True)
    rows = html.count('href="/customers/') - html.count('href="/customers/?')
    with app.app_context():
        with count_queries(db.engine) as q:
            client.get(url)
    ms, _ = median_ms(lambda: client.get(url), args.runs)
    extra = {}
    for name, u in (("htmx fragment (same filter)", url), ("public pool, leads, page 2", "/customers/?owner=pool&stage=lead&page=2"),
                    ("unfiltered first page", "/customers/")):
        headers = {"HX-Request": "true"} if name.startswith("htmx") else {}
        assert client.get(u, headers=headers).status_code == 200
        extra[name] = round(median_ms(lambda u=u, headers=headers: client.get(u, headers=headers), max(20, args.runs // 4))[0], 2)
    from common import PAGER_BUG, ROOT

    bug = PAGER_BUG in (ROOT / "templates" / "_macros.html").read_text()
    emit(dict(job="customer_list", pager_bug_in_app=bug, ms=round(ms, 2), queries=q["n"], links_on_page=rows, url=url, variants_ms=extra))


if __name__ == "__main__":
    main()
