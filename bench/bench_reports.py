"""Reporting (D7) at SPEC §6 scale: the 5-year monthly sales series, the analysis page and the team scorecard.

    .venv/bin/python bench/bench_reports.py [--runs 20]

Targets (issue 9): the 5-year monthly series read from the summary table (sales_monthly) takes ≤ 0.3× a
full-scan GROUP BY over sales_records; the analysis page and the 50-rep team scorecard stay interactive
with a number of SQL queries that does not depend on the number of reps or rows.
"""
import argparse
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import count_queries, emit, login, make_app, median_ms  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    app = make_app()
    import sqlalchemy as sa

    from app.extensions import db
    from app.reports import analysis, metrics
    from app.reports.models import SalesMonthlyProduct, SalesRecord
    from app.reports.periods import Period
    from app.reports.scorecard_routes import team_reps
    from app.reports.services import rebuild_monthly

    first, last = date(2021, 12, 1), date(2026, 11, 30)
    with app.test_request_context():
        db.create_all()  # a database generated before a summary table or index existed gets it here
        for table in db.metadata.tables.values():
            if table.name.startswith("sales_"):
                for index in table.indexes:
                    index.create(db.engine, checkfirst=True)
        if not db.session.scalar(sa.select(sa.func.count(SalesMonthlyProduct.id))):
            rebuild_monthly()
            db.session.commit()
        rows = db.session.scalar(sa.select(sa.func.count(SalesRecord.id)))
        if db.engine.dialect.name == "postgresql":
            month = sa.func.date_trunc("month", SalesRecord.sold_on)
        else:
            month = sa.func.strftime("%Y-%m", SalesRecord.sold_on)
        scan = (sa.select(month, sa.func.sum(SalesRecord.base_amount), sa.func.count(SalesRecord.id))
                .where(SalesRecord.sold_on >= first, SalesRecord.sold_on <= last).group_by(month))

        def full_scan():
            return db.session.execute(scan).all()

        def summary():
            return analysis.monthly_series(analysis.Filters(first, last))

        assert len(full_scan()) == len(summary()) == 60
        scan_ms, _ = median_ms(full_scan, args.runs, warmup=1)
        summary_ms, _ = median_ms(summary, args.runs, warmup=1)
        emit(dict(job="reports_monthly_series_5y", rows=rows, full_scan_group_by_ms=round(scan_ms, 2),
                  summary_ms=round(summary_ms, 2), ratio=round(summary_ms / scan_ms, 3), target_ratio=0.3))

        reps = [u.id for u in team_reps()]
        period = Period.month(2026, 10)
        metrics.compute_all(period, reps)
        with count_queries(db.engine) as q:
            metrics.compute_all(period, reps)
        compute_ms, _ = median_ms(lambda: metrics.compute_all(period, reps), max(5, args.runs // 2), warmup=1)
        with count_queries(db.engine) as q1:
            metrics.compute_all(period, reps[:1])
        emit(dict(job="reports_metrics_all_reps", reps=len(reps), ms=round(compute_ms, 2), queries=q["n"],
                  queries_for_one_rep=q1["n"]))

    manager = login(app, "manager")
    pages = {
        "team scorecard, 50 reps": "/reports/scorecard/team/2026-10",
        "analysis, last 12 months (default)": "/reports/analysis",
        "analysis, 5 years, all reps": "/reports/analysis?from=2021-12&to=2026-11",
        "analysis, 5 years, htmx filter by country": "/reports/analysis?from=2021-12&to=2026-11&country=US",
    }
    for name, url in pages.items():
        headers = {"HX-Request": "true"} if "htmx" in name else {}
        assert manager.get(url, headers=headers).status_code == 200, url
        with app.app_context():
            with count_queries(db.engine) as q:
                manager.get(url, headers=headers)
        ms, _ = median_ms(lambda u=url, h=headers: manager.get(u, headers=h), max(5, args.runs // 2), warmup=1)
        emit(dict(job="reports_page", page=name, url=url, ms=round(ms, 2), queries=q["n"]))


if __name__ == "__main__":
    main()
