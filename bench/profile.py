"""Profile one page in-process with pyinstrument (pip install pyinstrument into the venv) and print the
SQL it runs with timings — how the Findings in RESULTS.md were diagnosed.

    .venv/bin/python bench/profile.py /customers/?owner=me&stage=won&page=2 --user rep1
"""
import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sqlalchemy as sa  # noqa: E402
from common import login, make_app  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--user", default="rep1")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--htmx", action="store_true")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN QUERY PLAN of the slowest statements")
    args = parser.parse_args(argv)
    app = make_app()
    from app.extensions import db

    client = login(app, args.user)
    headers = {"HX-Request": "true"} if args.htmx else {}
    assert client.get(args.url, headers=headers).status_code == 200
    timings = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["t"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        timings.append(((time.perf_counter() - conn.info["t"]) * 1000, statement, parameters))

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", before)
        sa.event.listen(db.engine, "after_cursor_execute", after)
        client.get(args.url, headers=headers)
        sa.event.remove(db.engine, "before_cursor_execute", before)
        sa.event.remove(db.engine, "after_cursor_execute", after)
        report(timings, args.explain, db.engine)
    from pyinstrument import Profiler

    p = Profiler(interval=0.0005)
    p.start()
    for _ in range(args.runs):
        client.get(args.url, headers=headers)
    p.stop()
    print(p.output_text(unicode=True, color=False))


def report(timings, explain, engine):
    print(f"{len(timings)} statements, {sum(t for t, *_ in timings):.1f} ms in the database")
    for ms, statement, params in sorted(timings, key=lambda t: -t[0])[:8]:
        print(f"--- {ms:.1f} ms: {' '.join(statement.split())[:400]}  {str(params)[:150]}")
        if explain and engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, tuple(params)
                                                if isinstance(params, (list, tuple)) else params):
                    print("    plan:", row[-1])


if __name__ == "__main__":
    main()
