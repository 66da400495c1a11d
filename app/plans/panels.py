"""Home-page panels: a rep's tasks due this week; plans awaiting approval and reps off pace for the manager."""
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.core.access import roles_required
from app.core.calendar import company_today
from app.core.registry import home_panel
from app.core.settings import base_currency
from app.extensions import db
from app.plans import bp
from app.plans.models import SalesPlan
from app.plans.services import Period, active_reps, open_tasks_due_by, progress_for, week_end


@bp.get("/panels/tasks-due")
@home_panel("plans_tasks_due", _l("Plan tasks due this week"), order=35, roles={"rep"})
def panel_tasks_due():
    """The current user's open plan tasks due by Sunday, overdue ones first."""
    today = company_today()
    tasks = open_tasks_due_by(current_user.id, week_end(today))
    return render_template("plans/_panel_tasks.html", tasks=tasks, today=today)


@bp.get("/panels/awaiting-approval")
@home_panel("plans_awaiting_approval", _l("Plans awaiting approval"), order=25, roles={"manager"})
@roles_required("manager")
def panel_awaiting_approval():
    plans = list(db.session.scalars(
        sa.select(SalesPlan).where(SalesPlan.status == "submitted", SalesPlan.owner_id != current_user.id)
        .options(so.joinedload(SalesPlan.owner)).order_by(SalesPlan.submitted_at).limit(20)))
    return render_template("plans/_panel_approvals.html", plans=plans)


@bp.get("/panels/off-pace")
@home_panel("plans_off_pace", _l("Reps off pace this month"), order=36, roles={"manager"})
@roles_required("manager")
def panel_off_pace():
    """Reps whose signed sales this month are below the pacing line (target × working days elapsed)."""
    period = Period.month_of(company_today())
    rows, _team = progress_for(active_reps(), period)
    behind = [r for r in rows if r.on_pace is False]
    no_target = [r for r in rows if r.target is None]
    return render_template("plans/_panel_off_pace.html", behind=behind, no_target=no_target, period=period,
                           currency=base_currency())
