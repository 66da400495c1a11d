"""Home-page panels: the rep's metrics of the month so far; the team's metrics and reports to review."""
import sqlalchemy as sa
from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.core.access import roles_required
from app.core.registry import home_panel
from app.extensions import db
from app.reports import bp, metrics
from app.reports.models import MonthlyReport
from app.reports.periods import Period
from app.reports.scorecard_routes import records_url, team_reps

PANEL_CODES = ("1a", "2a", "3a", "3b", "4b", "5a", "6a", "7a")


@bp.get("/panels/my-month")
@home_panel("reports_my_month", _l("My metrics this month"), order=20, roles={"rep"})
@roles_required("rep")
def panel_my_month():
    """This month's metrics so far for the signed-in rep."""
    period = Period.current()
    results = {code: metrics.BY_CODE[code].compute(period, [current_user.id])[current_user.id] for code in PANEL_CODES}
    report = db.session.scalar(sa.select(MonthlyReport).where(
        MonthlyReport.owner_id == current_user.id, MonthlyReport.status == "correction_requested").limit(1))
    return render_template("reports/_panel_metrics.html", period=period, results=results,
                           defs=metrics.BY_CODE, codes=PANEL_CODES, user_id=current_user.id,
                           records_url=records_url, returned=report)


@bp.get("/panels/team")
@home_panel("reports_team", _l("Team metrics and reports to review"), order=20, roles={"manager"})
@roles_required("manager")
def panel_team():
    """The team's metrics this month so far and the monthly reports waiting for review."""
    period = Period.current()
    ids = [u.id for u in team_reps()]
    results = {code: metrics.BY_CODE[code].compute(period, ids)[None] for code in PANEL_CODES} if ids else {}
    waiting = db.session.scalars(sa.select(MonthlyReport).options(selectinload(MonthlyReport.owner))
                                 .where(MonthlyReport.status == "submitted")
                                 .order_by(MonthlyReport.submitted_at).limit(10)).all()
    return render_template("reports/_panel_team.html", period=period, results=results, defs=metrics.BY_CODE,
                           codes=PANEL_CODES if ids else (), records_url=records_url, waiting=waiting)
