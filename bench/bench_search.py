"""Global search at 100k customers: app.home.search.search(user, q) and GET /search?q= as htmx (the dropdown),
for a rep and for the manager; queries of 2, 3 and 6+ characters, Latin and Chinese, hits and misses.

Target: ≤ 50 ms median (per query; the table reports the median over all queries and the slowest query).
"""
import argparse
import statistics
import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sqlalchemy as sa  # noqa: E402
from common import count_queries, emit, login, make_app, median_ms  # noqa: E402

QUERIES = [
    ("2 Latin hit", "Go"), ("2 Chinese hit", "宁波"), ("2 Latin miss", "qx"), ("2 Chinese miss", "鬣鬣"),
    ("3 Latin hit", "Gol"), ("3 Chinese hit", "贸易有"), ("3 Latin miss", "zqx"), ("3 Chinese miss", "鬣狗鬣"),
    ("6+ Latin hit", "Golden Harbor"), ("6+ Chinese hit", "深圳市海天"), ("6+ Chinese hit (name)", "海天华美"),
    ("6+ Latin miss", "Nonexistent Widgets"), ("6+ Chinese miss", "不存在的公司名称"),
    ("e-mail hit", "john.smith"), ("phone digits", "+84 9"), ("number", "QT-2025-01"), ("sku", "TD-0012"),
]


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    app = make_app()
    from app.auth.models import User
    from app.extensions import db
    from app.home.search import search

    per_query = {}
    with app.test_request_context():
        for who in ("rep1", "manager"):
            user = db.session.scalar(sa.select(User).where(User.username == who))
            for label, q in QUERIES:
                hits = sum(len(v) for v in search(user, q).values())
                ms, _ = median_ms(lambda user=user, q=q: search(user, q), args.runs, warmup=1)
                per_query[f"{who}: {label} “{q}”"] = dict(ms=round(ms, 2), hits=hits)
    http = {}
    client = login(app, "rep1")
    for label, q in QUERIES:
        url = "/search?q=" + quote(q)
        r = client.get(url, headers={"HX-Request": "true"})
        assert r.status_code == 200, (url, r.status_code)
        ms, _ = median_ms(lambda url=url: client.get(url, headers={"HX-Request": "true"}), args.runs, warmup=1)
        http[f"rep1 htmx: {label} “{q}”"] = round(ms, 2)
    with app.app_context():
        with count_queries(db.engine) as qc:
            client.get("/search?q=Golden", headers={"HX-Request": "true"})
    service = [v["ms"] for v in per_query.values()]
    worst = max(per_query.items(), key=lambda kv: kv[1]["ms"])
    worst_http = max(http.items(), key=lambda kv: kv[1])
    emit(dict(job="search", ms=round(statistics.median(service), 2), http_ms=round(statistics.median(http.values()), 2),
              worst=f"{worst[0]}: {worst[1]['ms']} ms", worst_http=f"{worst_http[0]}: {worst_http[1]} ms",
              worst_ms=worst[1]["ms"], worst_http_ms=worst_http[1], http_queries=qc["n"],
              per_query=per_query, per_query_http=http))


if __name__ == "__main__":
    main()
