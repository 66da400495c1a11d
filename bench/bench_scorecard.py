"""Team scorecard: GET /reports/scorecard/team/<month> as the manager — 50 reps, one month, all 14 metrics
(and, for information, its print page with one A4 sheet per rep).

Target: ≤ 6× the floor "team aggregate" (one SQL aggregate over 1M sales rows for the month), and a query
count that does not depend on the number of reps (counted for 5 and for 50 active reps).
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sqlalchemy as sa  # noqa: E402
from common import count_queries, emit, login, make_app, median_ms  # noqa: E402

PERIOD = "2026-10"


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    app = make_app()
    from app.auth.models import User, UserRole
    from app.extensions import db

    client = login(app, "manager")
    url = f"/reports/scorecard/team/{PERIOD}"
    r = client.get(url)
    assert r.status_code == 200, r.status_code

    def queries() -> tuple[int, int]:
        with app.app_context():
            reps = db.session.scalar(sa.select(sa.func.count()).select_from(User).join(UserRole)
                                     .where(UserRole.role == "rep", User.active))
            db.session.remove()
            with count_queries(db.engine) as q:
                assert client.get(url).status_code == 200
        return reps, q["n"]

    reps50, q50 = queries()
    ms, _ = median_ms(lambda: client.get(url), args.runs)
    # the 50 printable A4 sheets, built only on their own page since the sheets were split off the table
    assert client.get(url + "/print").status_code == 200
    print_ms, _ = median_ms(lambda: client.get(url + "/print"), max(5, args.runs // 2))
    # 5 reps: deactivate the others for one request (restored right after)
    with app.app_context():
        keep = db.session.scalars(sa.select(User.id).join(UserRole).where(UserRole.role == "rep", User.active)
                                  .order_by(User.id).limit(5)).all()
        others = db.session.scalars(sa.select(User.id).join(UserRole).where(
            UserRole.role == "rep", User.active, User.id.not_in(keep))).all()
        db.session.execute(sa.update(User).where(User.id.in_(others)).values(active=False))
        db.session.commit()
    try:
        reps5, q5 = queries()
        ms5, _ = median_ms(lambda: client.get(url), max(5, args.runs // 2))
    finally:
        with app.app_context():
            db.session.execute(sa.update(User).where(User.id.in_(others)).values(active=True))
            db.session.commit()
    # the metrics alone (service level), for the breakdown
    from app.reports import metrics
    from app.reports.periods import Period

    with app.test_request_context():
        ids = db.session.scalars(sa.select(User.id).join(UserRole).where(UserRole.role == "rep")).all()
        p = Period.parse(PERIOD)
        metrics_ms, _ = median_ms(lambda: metrics.compute_all(p, ids), max(5, args.runs // 2))
        from app.reports.services import sync_contract_sales

        sync_ms, _ = median_ms(lambda: (sync_contract_sales(), db.session.rollback()), 5)
    emit(dict(job="scorecard", ms=round(ms, 2), url=url, print_sheets_ms=round(print_ms, 2), reps=reps50, queries_50=q50, reps_small=reps5,
              queries_5=q5, ms_5_reps=round(ms5, 2), metrics_only_ms=round(metrics_ms, 2),
              sync_contract_sales_ms=round(sync_ms, 2)))


if __name__ == "__main__":
    main()
