"""Sales analysis page over 1M sales rows: GET /reports/analysis for five years (monthly series), as the manager.

Target: ≤ 0.3× the floor "full monthly series" (a full-scan GROUP BY month over 1M rows on SQLite).
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import count_queries, emit, login, make_app, median_ms  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    app = make_app()
    from app.extensions import db

    client = login(app, "manager")
    url = "/reports/analysis?from=2021-12&to=2026-11"
    r = client.get(url)
    assert r.status_code == 200, r.status_code
    with app.app_context():
        with count_queries(db.engine) as q:
            client.get(url)
    ms, _ = median_ms(lambda: client.get(url), args.runs)
    rep = login(app, "rep1")
    assert rep.get(url).status_code == 200
    rep_ms, _ = median_ms(lambda: rep.get(url), max(5, args.runs // 2))
    htmx_ms, _ = median_ms(lambda: client.get(url, headers={"HX-Request": "true"}), max(5, args.runs // 2))
    emit(dict(job="analysis", ms=round(ms, 2), url=url, queries=q["n"], rep_ms=round(rep_ms, 2),
              htmx_ms=round(htmx_ms, 2)))


if __name__ == "__main__":
    main()
