"""Coordination rules: who may see and act, request transitions, metrics 5a/5b, the monthly summary."""
import calendar as pycalendar
import importlib
import importlib.util
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.auth.models import Department, User
from app.coordination.models import (
    OPEN_REQUEST_STATUSES,
    REQUEST_STATUSES,
    ActionItem,
    Meeting,
    ResourceRequest,
    meeting_attendees,
    meeting_carried_items,
    meeting_departments,
)
from app.core.calendar import company_today, company_tz
from app.core.models import utcnow
from app.core.notify import N_, notify
from app.extensions import db

# ---------------------------------------------------------------- time


def to_utc(local: datetime) -> datetime:
    """A company-local wall-clock time as naive UTC."""
    return local.replace(tzinfo=company_tz()).astimezone(timezone.utc).replace(tzinfo=None)


def to_local(moment: datetime) -> datetime:
    """A naive-UTC timestamp as company-local wall-clock time (naive)."""
    return moment.replace(tzinfo=timezone.utc).astimezone(company_tz()).replace(tzinfo=None)


def utc_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[start, end) in naive UTC covering the company-local days ``first`` … ``last``."""
    start = to_utc(datetime.combine(first, time.min))
    end = to_utc(datetime.combine(date.fromordinal(last.toordinal() + 1), time.min))
    return start, end


def month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, pycalendar.monthrange(year, month)[1])


# ---------------------------------------------------------------- who may do what


def sees_all(user) -> bool:
    """Managers and administrators see every meeting and request."""
    return user.has_role("manager", "admin")


def department_ids_of(user) -> set[int]:
    """The departments a user works for: the one they belong to and any they head."""
    ids = {user.department_id} if user.department_id else set()
    ids |= set(db.session.scalars(sa.select(Department.id).where(Department.head_id == user.id)))
    return ids


def head_of(user, department_id: int | None) -> bool:
    if department_id is None:
        return False
    return db.session.scalar(sa.select(Department.head_id).where(Department.id == department_id)) == user.id


def meeting_visibility(user):
    """SQL condition for the meetings ``user`` may open: organised, attended, or holding one of its items."""
    if sees_all(user):
        return sa.true()
    carried_owner = (sa.select(meeting_carried_items.c.meeting_id)
                     .join(ActionItem, ActionItem.id == meeting_carried_items.c.action_item_id)
                     .where(ActionItem.owner_id == user.id))
    return sa.or_(
        Meeting.organiser_id == user.id,
        Meeting.id.in_(sa.select(meeting_attendees.c.meeting_id).where(meeting_attendees.c.user_id == user.id)),
        Meeting.id.in_(sa.select(ActionItem.meeting_id).where(ActionItem.owner_id == user.id)),
        Meeting.id.in_(carried_owner),
    )


def may_see_meeting(user, meeting: Meeting) -> bool:
    return sees_all(user) or meeting.involves(user)


def may_edit_meeting(user, meeting: Meeting) -> bool:
    """The organiser keeps the minutes; managers and administrators may correct them."""
    return sees_all(user) or meeting.organiser_id == user.id


def may_update_item(user, item: ActionItem) -> bool:
    """Mark done or reopen: the owner, the meeting's organiser, the head of the item's department, managers."""
    return item_updater(user)(item)


def item_updater(user):
    """``may_update_item`` for many rows: the departments the user heads are read once."""
    if sees_all(user):
        return lambda item: True
    heads = set(db.session.scalars(sa.select(Department.id).where(Department.head_id == user.id)))
    return lambda item: (item.owner_id == user.id or item.meeting.organiser_id == user.id
                         or item.department_id in heads)


def request_visibility(user):
    """SQL condition for the requests ``user`` may open: their own, their departments', or all (managers)."""
    if sees_all(user):
        return sa.true()
    departments = department_ids_of(user)
    return sa.or_(ResourceRequest.requester_id == user.id, ResourceRequest.department_id.in_(departments))


def may_see_request(user, req: ResourceRequest) -> bool:
    return sees_all(user) or req.requester_id == user.id or req.department_id in department_ids_of(user)


def may_handle_request(user, req: ResourceRequest) -> bool:
    """Accept, fulfil, reject: members and the head of the addressed department; managers and
    administrators may record it on the department's behalf (the audit log shows who did)."""
    return sees_all(user) or req.department_id in department_ids_of(user)


def may_edit_request(user, req: ResourceRequest) -> bool:
    """The requester (or a manager) may change a request until the department has accepted it."""
    return req.status == "requested" and (sees_all(user) or req.requester_id == user.id)


# ---------------------------------------------------------------- action items and meetings


def mark_item_done(item: ActionItem, user, done_on: date) -> None:
    item.status = "done"
    item.done_on = done_on
    item.done_by_id = user.id


def reopen_item(item: ActionItem) -> None:
    item.status = "open"
    item.done_on = None
    item.done_by_id = None


def open_items_of(meeting: Meeting) -> list[ActionItem]:
    """The meeting's own open items and the open ones it carried over, each once."""
    seen, out = set(), []
    for item in list(meeting.action_items) + list(meeting.carried_items):
        if item.status == "open" and item.id not in seen:
            seen.add(item.id)
            out.append(item)
    return out


def next_meeting(previous: Meeting, user, starts_at: datetime) -> Meeting:
    """The next meeting of a recurring series: same title, place, departments and people; the open
    action items of ``previous`` (its own and those it carried) are linked in, not copied."""
    meeting = Meeting(
        title=previous.title, starts_at=starts_at, duration_minutes=previous.duration_minutes,
        location=previous.location, organiser_id=user.id, external_attendees=previous.external_attendees,
        agenda=previous.agenda, previous_meeting_id=previous.id,
    )
    meeting.departments = list(previous.departments)
    meeting.attendees = list(previous.attendees)
    meeting.carried_items = open_items_of(previous)
    db.session.add(meeting)
    return meeting


# ---------------------------------------------------------------- resource requests


class TransitionError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


TRANSITIONS = {
    "accept": ("requested",),
    "fulfil": ("accepted",),
    "reject": ("requested", "accepted"),
}


def _check(req: ResourceRequest, action: str) -> None:
    if req.status not in TRANSITIONS[action]:
        raise TransitionError(_l("This request is %(status)s; it cannot be changed that way any more.",
                                 status=REQUEST_STATUSES[req.status]))


def _link(req: ResourceRequest) -> str:
    return url_for("coordination.request_detail", request_id=req.id)


def submit_request(req: ResourceRequest) -> None:
    """Store a new request and tell the department (its head and members) it is waiting."""
    db.session.add(req)
    db.session.flush()
    department = db.session.get(Department, req.department_id)
    recipients = {u.id for u in department.members if u.active} | ({department.head_id} - {None})
    for uid in sorted(recipients - {req.requester_id}):
        notify(uid, N_("New resource request #%(id)s: %(title)s"), link=_link(req), id=req.id, title=req.title)


def accept_request(req: ResourceRequest, user, note: str = "") -> None:
    _check(req, "accept")
    req.status = "accepted"
    req.accepted_at = utcnow()
    req.accepted_by_id = user.id
    if note:
        req.response_note = note
    notify(req.requester_id, N_("Your resource request #%(id)s %(title)s was accepted."), link=_link(req),
           id=req.id, title=req.title)


def fulfil_request(req: ResourceRequest, user, fulfilled_on: date, note: str = "") -> None:
    _check(req, "fulfil")
    req.status = "fulfilled"
    req.fulfilled_on = fulfilled_on
    req.fulfilled_at = utcnow()
    req.fulfilled_by_id = user.id
    if note:
        req.response_note = note
    notify(req.requester_id, N_("Your resource request #%(id)s %(title)s was fulfilled."), link=_link(req),
           id=req.id, title=req.title)


def reject_request(req: ResourceRequest, user, reason: str) -> None:
    _check(req, "reject")
    req.status = "rejected"
    req.rejected_at = utcnow()
    req.rejected_by_id = user.id
    req.response_note = reason
    notify(req.requester_id, N_("Your resource request #%(id)s %(title)s was rejected: %(reason)s"),
           link=_link(req), id=req.id, title=req.title, reason=reason)


def overdue_requests_query(today: date):
    return sa.select(ResourceRequest).where(ResourceRequest.status.in_(OPEN_REQUEST_STATUSES),
                                            ResourceRequest.needed_by_on < today)


def flag_overdue_requests(today: date | None = None) -> int:
    """Notify requester and department head once about each open request past its needed-by date."""
    today = today or company_today()
    rows = db.session.scalars(overdue_requests_query(today).where(ResourceRequest.overdue_notified_at.is_(None))
                              .options(selectinload(ResourceRequest.department))).all()
    for req in rows:
        link = url_for("coordination.request_detail", request_id=req.id)
        params = dict(id=req.id, title=req.title, needed_by=req.needed_by_on.isoformat())
        notify(req.requester_id, N_("Resource request #%(id)s %(title)s is overdue (needed by %(needed_by)s)."),
               link=link, **params)
        head = req.department.head_id
        if head and head != req.requester_id:
            notify(head, N_("Your department's request #%(id)s %(title)s is overdue (needed by %(needed_by)s)."),
                   link=link, **params)
        req.overdue_notified_at = utcnow()
    return len(rows)


# ---------------------------------------------------------------- metrics 5a and 5b


@dataclass
class Ratio:
    """Achieved / counted; ``value`` is None (shown as "—") when nothing was counted."""

    achieved: int
    counted: int

    @property
    def value(self) -> Decimal | None:
        if not self.counted:
            return None
        return (Decimal(self.achieved) / Decimal(self.counted)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def meeting_achievement(first: date, last: date, owner_id: int | None = None,
                        department_id: int | None = None) -> Ratio:
    """5a: action items due in [first, last] done by their due date / action items due (cancelled ones
    are not counted). An item carried into later meetings is still one item, counted once."""
    cond = [ActionItem.due_on >= first, ActionItem.due_on <= last, ActionItem.status != "cancelled"]
    if owner_id is not None:
        cond.append(ActionItem.owner_id == owner_id)
    if department_id is not None:
        cond.append(ActionItem.department_id == department_id)
    on_time = sa.and_(ActionItem.status == "done", ActionItem.done_on <= ActionItem.due_on)
    row = db.session.execute(sa.select(sa.func.count(ActionItem.id),
                                       sa.func.count(ActionItem.id).filter(on_time)).where(*cond)).one()
    return Ratio(achieved=row[1], counted=row[0])


def resource_timeliness(first: date, last: date, requester_id: int | None = None,
                        department_id: int | None = None) -> Ratio:
    """5b: requests whose needed-by date is in [first, last] fulfilled on or before it / such requests.
    Rejected and still-open requests count as not fulfilled on time."""
    cond = [ResourceRequest.needed_by_on >= first, ResourceRequest.needed_by_on <= last]
    if requester_id is not None:
        cond.append(ResourceRequest.requester_id == requester_id)
    if department_id is not None:
        cond.append(ResourceRequest.department_id == department_id)
    on_time = sa.and_(ResourceRequest.status == "fulfilled",
                      ResourceRequest.fulfilled_on <= ResourceRequest.needed_by_on)
    row = db.session.execute(sa.select(sa.func.count(ResourceRequest.id),
                                       sa.func.count(ResourceRequest.id).filter(on_time)).where(*cond)).one()
    return Ratio(achieved=row[1], counted=row[0])


# ---------------------------------------------------------------- the monthly cross-department summary


def _model(module: str, name: str, *fields: str):
    """Another area's model if that area has been built and has the fields we read; else None."""
    if importlib.util.find_spec(module) is None:
        return None
    model = getattr(importlib.import_module(module), name, None)
    if model is None or not all(hasattr(model, f) for f in fields):
        return None
    return model


def customer_need_model():
    return _model("app.research.models", "CustomerNeed", "sent_to_product_at", "customer_id")


def need_priorities() -> dict:
    if customer_need_model() is None:
        return {}
    return dict(getattr(importlib.import_module("app.research.models"), "PRIORITIES", {}))


def complaint_model():
    return _model("app.care.models", "Complaint", "department_id", "opened_at", "resolved_at", "subject",
                  "status_label", "category_label", "severity_label")


@dataclass
class DepartmentMonth:
    department: Department
    meetings_held: int = 0
    items_opened: int = 0
    items_done: int = 0
    items_overdue: int = 0
    requests_received: int = 0
    requests_fulfilled: int = 0
    requests_rejected: int = 0
    requests_open: int = 0
    needs_received: int | None = None
    complaints_assigned: int | None = None
    complaints_resolved: int | None = None
    achievement: Ratio = field(default_factory=lambda: Ratio(0, 0))
    timeliness: Ratio = field(default_factory=lambda: Ratio(0, 0))


def _grouped(query) -> dict[int, int]:
    return {k: v for k, v in db.session.execute(query) if k is not None}


def monthly_summary(year: int, month: int, departments: list[Department],
                    today: date | None = None) -> list[DepartmentMonth]:
    """跨部门沟通总结: per department, what the month brought (a fixed number of grouped queries).

    - meetings held: meetings the department took part in that started in the month (and have started);
    - action items opened (created in the month) and done (done date in the month);
    - overdue: items due in the month done after their due date, or still open past it;
    - requests received (created in the month), fulfilled / rejected in the month, open now;
    - 5a and 5b for the month;
    - customer needs sent to the product team (product department) and complaints assigned, when the
      research and customer-care areas record them.
    """
    today = today or company_today()
    first, last = month_range(year, month)
    start, end = utc_bounds(first, last)
    ids = [d.id for d in departments]
    AI, RR = ActionItem, ResourceRequest
    now = utcnow()

    meetings = _grouped(
        sa.select(meeting_departments.c.department_id, sa.func.count(Meeting.id))
        .join(Meeting, Meeting.id == meeting_departments.c.meeting_id)
        .where(Meeting.starts_at >= start, Meeting.starts_at < end, Meeting.starts_at <= now,
               meeting_departments.c.department_id.in_(ids))
        .group_by(meeting_departments.c.department_id))
    opened = _grouped(sa.select(AI.department_id, sa.func.count(AI.id))
                      .where(AI.created_at >= start, AI.created_at < end, AI.department_id.in_(ids))
                      .group_by(AI.department_id))
    done = _grouped(sa.select(AI.department_id, sa.func.count(AI.id))
                    .where(AI.status == "done", AI.done_on >= first, AI.done_on <= last, AI.department_id.in_(ids))
                    .group_by(AI.department_id))
    due_cond = [AI.due_on >= first, AI.due_on <= last, AI.status != "cancelled", AI.department_id.in_(ids)]
    late = sa.or_(sa.and_(AI.status == "done", AI.done_on > AI.due_on),
                  sa.and_(AI.status == "open", AI.due_on < today))
    on_time = sa.and_(AI.status == "done", AI.done_on <= AI.due_on)
    items = {k: (due, ok, bad) for k, due, ok, bad in db.session.execute(
        sa.select(AI.department_id, sa.func.count(AI.id), sa.func.count(AI.id).filter(on_time),
                  sa.func.count(AI.id).filter(late)).where(*due_cond).group_by(AI.department_id))}

    received = _grouped(sa.select(RR.department_id, sa.func.count(RR.id))
                        .where(RR.created_at >= start, RR.created_at < end, RR.department_id.in_(ids))
                        .group_by(RR.department_id))
    fulfilled = _grouped(sa.select(RR.department_id, sa.func.count(RR.id))
                         .where(RR.status == "fulfilled", RR.fulfilled_on >= first, RR.fulfilled_on <= last,
                                RR.department_id.in_(ids)).group_by(RR.department_id))
    rejected = _grouped(sa.select(RR.department_id, sa.func.count(RR.id))
                        .where(RR.status == "rejected", RR.rejected_at >= start, RR.rejected_at < end,
                               RR.department_id.in_(ids)).group_by(RR.department_id))
    still_open = _grouped(sa.select(RR.department_id, sa.func.count(RR.id))
                          .where(RR.status.in_(OPEN_REQUEST_STATUSES), RR.department_id.in_(ids))
                          .group_by(RR.department_id))
    rr_on_time = sa.and_(RR.status == "fulfilled", RR.fulfilled_on <= RR.needed_by_on)
    timeliness = {k: (n, ok) for k, n, ok in db.session.execute(
        sa.select(RR.department_id, sa.func.count(RR.id), sa.func.count(RR.id).filter(rr_on_time))
        .where(RR.needed_by_on >= first, RR.needed_by_on <= last, RR.department_id.in_(ids))
        .group_by(RR.department_id))}

    needs = None
    need_model = customer_need_model()
    if need_model is not None:
        needs = db.session.scalar(sa.select(sa.func.count(need_model.id)).where(
            need_model.sent_to_product_at >= start, need_model.sent_to_product_at < end))
    complaints = resolved = None
    complaint = complaint_model()
    if complaint is not None:
        complaints = _grouped(sa.select(complaint.department_id, sa.func.count(complaint.id))
                              .where(complaint.opened_at >= start, complaint.opened_at < end,
                                     complaint.department_id.in_(ids)).group_by(complaint.department_id))
        resolved = _grouped(sa.select(complaint.department_id, sa.func.count(complaint.id))
                            .where(complaint.resolved_at >= start, complaint.resolved_at < end,
                                   complaint.department_id.in_(ids)).group_by(complaint.department_id))

    rows = []
    for d in departments:
        due, ok, bad = items.get(d.id, (0, 0, 0))
        n, n_ok = timeliness.get(d.id, (0, 0))
        rows.append(DepartmentMonth(
            department=d, meetings_held=meetings.get(d.id, 0), items_opened=opened.get(d.id, 0),
            items_done=done.get(d.id, 0), items_overdue=bad, requests_received=received.get(d.id, 0),
            requests_fulfilled=fulfilled.get(d.id, 0), requests_rejected=rejected.get(d.id, 0),
            requests_open=still_open.get(d.id, 0),
            needs_received=(needs if d.code == "product" else 0) if needs is not None else None,
            complaints_assigned=complaints.get(d.id, 0) if complaints is not None else None,
            complaints_resolved=resolved.get(d.id, 0) if resolved is not None else None,
            achievement=Ratio(ok, due), timeliness=Ratio(n_ok, n)))
    return rows


def department_month_detail(department: Department, year: int, month: int) -> dict:
    """The records behind one department's figures for the month."""
    first, last = month_range(year, month)
    start, end = utc_bounds(first, last)
    load = selectinload
    meetings = db.session.scalars(
        sa.select(Meeting).join(meeting_departments, meeting_departments.c.meeting_id == Meeting.id)
        .where(meeting_departments.c.department_id == department.id, Meeting.starts_at >= start,
               Meeting.starts_at < end, Meeting.starts_at <= utcnow())
        .options(load(Meeting.organiser)).order_by(Meeting.starts_at)).all()
    items = db.session.scalars(
        sa.select(ActionItem).where(ActionItem.department_id == department.id, ActionItem.due_on >= first,
                                    ActionItem.due_on <= last, ActionItem.status != "cancelled")
        .options(load(ActionItem.owner), load(ActionItem.meeting)).order_by(ActionItem.due_on, ActionItem.id)).all()
    requests = db.session.scalars(
        sa.select(ResourceRequest).where(ResourceRequest.department_id == department.id,
                                         ResourceRequest.needed_by_on >= first, ResourceRequest.needed_by_on <= last)
        .options(load(ResourceRequest.requester), load(ResourceRequest.customer))
        .order_by(ResourceRequest.needed_by_on, ResourceRequest.id)).all()
    needs = []
    need_model = customer_need_model()
    if need_model is not None and department.code == "product":
        query = (sa.select(need_model).where(need_model.sent_to_product_at >= start,
                                             need_model.sent_to_product_at < end)
                 .order_by(need_model.sent_to_product_at))
        if hasattr(need_model, "customer"):
            query = query.options(load(need_model.customer))
        needs = db.session.scalars(query).all()
    complaints = []
    complaint = complaint_model()
    if complaint is not None:
        query = (sa.select(complaint).where(complaint.department_id == department.id,
                                            complaint.opened_at >= start, complaint.opened_at < end)
                 .order_by(complaint.opened_at))
        if hasattr(complaint, "customer"):
            query = query.options(load(complaint.customer))
        complaints = db.session.scalars(query).all()
    return {"meetings": meetings, "items": items, "requests": requests, "needs": needs, "complaints": complaints}


def active_departments() -> list[Department]:
    return db.session.scalars(sa.select(Department).where(Department.active).order_by(Department.id)).all()


def active_users() -> list[User]:
    return db.session.scalars(sa.select(User).where(User.active).order_by(User.full_name, User.username)).all()
