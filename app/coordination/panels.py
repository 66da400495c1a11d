"""Home-page panels: my action items, my resource requests, my department's queue."""
from datetime import timedelta

import sqlalchemy as sa
from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.coordination import bp
from app.coordination.models import OPEN_REQUEST_STATUSES, ActionItem, ResourceRequest
from app.coordination.services import department_ids_of
from app.core.calendar import company_today
from app.core.registry import home_panel
from app.extensions import db

HORIZON_DAYS = 7
LIMIT = 8


@bp.get("/panels/action-items")
@home_panel("coordination_action_items", _l("My action items due"), order=40)
def panel_action_items():
    """Open action items the user owns that are overdue or due within a week."""
    today = company_today()
    where = [ActionItem.owner_id == current_user.id, ActionItem.status == "open",
             ActionItem.due_on <= today + timedelta(days=HORIZON_DAYS)]
    total = db.session.scalar(sa.select(sa.func.count(ActionItem.id)).where(*where))
    items = db.session.scalars(sa.select(ActionItem).where(*where).options(selectinload(ActionItem.meeting))
                               .order_by(ActionItem.due_on, ActionItem.id).limit(LIMIT)).all()
    return render_template("coordination/_panel_action_items.html", items=items, total=total, today=today)


@bp.get("/panels/requests")
@home_panel("coordination_requests", _l("My resource requests due"), order=41)
def panel_requests():
    """The user's open requests needed within a week, overdue ones flagged."""
    today = company_today()
    where = [ResourceRequest.requester_id == current_user.id, ResourceRequest.status.in_(OPEN_REQUEST_STATUSES),
             ResourceRequest.needed_by_on <= today + timedelta(days=HORIZON_DAYS)]
    total = db.session.scalar(sa.select(sa.func.count(ResourceRequest.id)).where(*where))
    rows = db.session.scalars(sa.select(ResourceRequest).where(*where)
                              .options(selectinload(ResourceRequest.department))
                              .order_by(ResourceRequest.needed_by_on, ResourceRequest.id).limit(LIMIT)).all()
    return render_template("coordination/_panel_requests.html", rows=rows, total=total, today=today)


@bp.get("/panels/queue")
@home_panel("coordination_queue", _l("My department's queue"), order=42)
def panel_queue():
    """Open requests addressed to the departments the user belongs to or heads."""
    today = company_today()
    departments = department_ids_of(current_user)
    rows, total, overdue = [], 0, 0
    if departments:
        where = [ResourceRequest.department_id.in_(departments), ResourceRequest.status.in_(OPEN_REQUEST_STATUSES)]
        total, overdue = db.session.execute(sa.select(
            sa.func.count(ResourceRequest.id),
            sa.func.count(ResourceRequest.id).filter(ResourceRequest.needed_by_on < today)).where(*where)).one()
        rows = db.session.scalars(sa.select(ResourceRequest).where(*where)
                                  .options(selectinload(ResourceRequest.requester),
                                           selectinload(ResourceRequest.department))
                                  .order_by(ResourceRequest.needed_by_on, ResourceRequest.id).limit(LIMIT)).all()
    return render_template("coordination/_panel_queue.html", rows=rows, total=total, overdue=overdue,
                           today=today, has_department=bool(departments))
