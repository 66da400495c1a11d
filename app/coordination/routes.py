"""Cross-department coordination (跨部门协调): meetings, action items, resource requests, monthly summary."""
import io
from datetime import date, timedelta

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.auth.models import Department, User
from app.contracts.models import Contract
from app.coordination import bp, panels, seed  # noqa: F401 - panels and the seeder register themselves
from app.coordination.documents import render_minutes
from app.coordination.forms import (
    AcceptForm,
    ActionItemForm,
    DoneForm,
    FulfilForm,
    MeetingForm,
    NextMeetingForm,
    RejectForm,
    ResourceRequestForm,
)
from app.coordination.models import (
    ACTION_STATUSES,
    OPEN_REQUEST_STATUSES,
    REQUEST_KINDS,
    REQUEST_STATUSES,
    ActionItem,
    Meeting,
    ResourceRequest,
    meeting_departments,
)
from app.coordination.services import (
    TransitionError,
    accept_request,
    active_departments,
    active_users,
    department_ids_of,
    department_month_detail,
    fulfil_request,
    item_updater,
    may_edit_meeting,
    may_edit_request,
    may_handle_request,
    may_see_meeting,
    may_see_request,
    may_update_item,
    meeting_achievement,
    meeting_visibility,
    month_range,
    monthly_summary,
    need_priorities,
    next_meeting,
    reject_request,
    request_visibility,
    resource_timeliness,
    sees_all,
    submit_request,
    to_local,
    to_utc,
    utc_bounds,
)
from app.core.audit import history
from app.core.calendar import company_today
from app.core.documents import safe_filename
from app.core.forms import choices
from app.core.locking import StaleEdit, ensure_current
from app.core.models import utcnow
from app.core.settings import get_setting
from app.core.views import int_arg, render_page, see_other, wants_fragment
from app.customers.models import Customer
from app.extensions import db

PAGE_SIZE = 25


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _period_arg() -> tuple[int, int]:
    """``?period=2026-05`` (an <input type=month>), else the current month."""
    raw = request.args.get("period", "")
    try:
        year, month = (int(x) for x in raw.split("-"))
        date(year, month, 1)
        return year, month
    except ValueError:
        today = company_today()
        return today.year, today.month


def _safe_next(default: str) -> str:
    target = request.form.get("next", "")
    if target.startswith("/coordination/") and not target.startswith("//"):
        return target
    return default


# ---------------------------------------------------------------- area home


@bp.get("/")
def index():
    """The area home: this month's 5a/5b (own figures; team figures for managers) and what is open."""
    today = company_today()
    first, last = month_range(today.year, today.month)
    mine = None if sees_all(current_user) else current_user.id
    achievement = meeting_achievement(first, last, owner_id=mine)
    timeliness = resource_timeliness(first, last, requester_id=mine)
    my_items = db.session.scalars(
        sa.select(ActionItem).where(ActionItem.owner_id == current_user.id, ActionItem.status == "open")
        .options(selectinload(ActionItem.meeting), selectinload(ActionItem.department))
        .order_by(ActionItem.due_on, ActionItem.id).limit(10)).all()
    my_requests = db.session.scalars(
        sa.select(ResourceRequest).where(ResourceRequest.requester_id == current_user.id,
                                         ResourceRequest.status.in_(OPEN_REQUEST_STATUSES))
        .options(selectinload(ResourceRequest.department))
        .order_by(ResourceRequest.needed_by_on, ResourceRequest.id).limit(10)).all()
    departments = department_ids_of(current_user)
    queue_count = db.session.scalar(
        sa.select(sa.func.count(ResourceRequest.id)).where(ResourceRequest.department_id.in_(departments),
                                                          ResourceRequest.status.in_(OPEN_REQUEST_STATUSES))
    ) if departments else None
    upcoming = db.session.scalars(
        sa.select(Meeting).where(meeting_visibility(current_user), Meeting.starts_at >= utcnow() - timedelta(hours=12))
        .options(selectinload(Meeting.departments)).order_by(Meeting.starts_at).limit(5)).all()
    return render_template("coordination/index.html", achievement=achievement, timeliness=timeliness,
                           my_items=my_items, my_requests=my_requests, queue_count=queue_count,
                           upcoming=upcoming, today=today, team=mine is None, to_local=to_local,
                           target_5a=get_setting("target_meeting_achievement_percent"),
                           target_5b=get_setting("target_resource_timeliness_percent"))


# ---------------------------------------------------------------- meetings


@bp.get("/meetings")
def meetings():
    """Meetings the user organised, attended or holds an item of (all of them for managers)."""
    query = sa.select(Meeting).where(meeting_visibility(current_user))
    q = request.args.get("q", "").strip()
    if q:
        query = query.where(Meeting.title.ilike(f"%{q}%"))
    department = int_arg("department", 0, 0)
    if department:
        query = query.where(Meeting.id.in_(sa.select(meeting_departments.c.meeting_id)
                                           .where(meeting_departments.c.department_id == department)))
    first, last = _date_arg("from"), _date_arg("to")
    if first:
        query = query.where(Meeting.starts_at >= utc_bounds(first, first)[0])
    if last:
        query = query.where(Meeting.starts_at < utc_bounds(last, last)[1])
    query = query.options(selectinload(Meeting.departments), selectinload(Meeting.organiser)).order_by(
        Meeting.starts_at.desc(), Meeting.id.desc())
    pagination = db.paginate(query, page=int_arg("page"), per_page=PAGE_SIZE, error_out=False)
    counts = _item_counts([m.id for m in pagination.items])
    return render_page("coordination/meetings.html", "coordination/_meeting_rows.html", pagination=pagination,
                       counts=counts, departments=active_departments(), to_local=to_local)


def _item_counts(meeting_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(open, all) own action items per meeting, in one query."""
    if not meeting_ids:
        return {}
    rows = db.session.execute(
        sa.select(ActionItem.meeting_id, sa.func.count(ActionItem.id).filter(ActionItem.status == "open"),
                  sa.func.count(ActionItem.id)).where(ActionItem.meeting_id.in_(meeting_ids))
        .group_by(ActionItem.meeting_id))
    return {m: (o, n) for m, o, n in rows}


def _meeting_choices(form: MeetingForm, meeting: Meeting | None) -> None:
    departments = active_departments()
    users = active_users()
    if meeting is not None:
        departments += [d for d in meeting.departments if d not in departments]
        users += [u for u in meeting.attendees if u not in users]
    form.department_ids.choices = choices((d.id, d.display_name()) for d in departments)
    form.attendee_ids.choices = choices((u.id, u.display_name) for u in users)


def _apply_meeting(form: MeetingForm, meeting: Meeting) -> None:
    meeting.title = form.title.data
    meeting.starts_at = to_utc(form.starts_at.data)
    meeting.duration_minutes = form.duration_minutes.data
    meeting.location = form.location.data or ""
    meeting.external_attendees = form.external_attendees.data or ""
    meeting.agenda = form.agenda.data or ""
    meeting.minutes = form.minutes.data or ""
    meeting.decisions = form.decisions.data or ""
    meeting.departments = db.session.scalars(sa.select(Department).where(
        Department.id.in_(form.department_ids.data or []))).all()
    meeting.attendees = db.session.scalars(sa.select(User).where(User.id.in_(form.attendee_ids.data or []))).all()


@bp.route("/meetings/new", methods=["GET", "POST"])
def create_meeting():
    """Anyone may call a cross-department meeting; they become its organiser."""
    form = MeetingForm()
    _meeting_choices(form, None)
    if request.method == "GET":
        form.starts_at.data = (to_local(utcnow()) + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
        form.attendee_ids.data = [current_user.id]
        if current_user.department_id:
            form.department_ids.data = [current_user.department_id]
    if form.validate_on_submit():
        meeting = Meeting(organiser_id=current_user.id)
        _apply_meeting(form, meeting)
        db.session.add(meeting)
        db.session.commit()
        flash(_("Meeting saved. Add its action items below."), "success")
        return redirect(url_for("coordination.meeting_detail", meeting_id=meeting.id), 303)
    return render_template("coordination/meeting_form.html", form=form, meeting=None), 422 if form.errors else 200


def _load_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.scalar(
        sa.select(Meeting).where(Meeting.id == meeting_id).options(
            selectinload(Meeting.departments), selectinload(Meeting.attendees), selectinload(Meeting.organiser),
            selectinload(Meeting.action_items).selectinload(ActionItem.owner),
            selectinload(Meeting.action_items).selectinload(ActionItem.department),
            selectinload(Meeting.carried_items).selectinload(ActionItem.owner),
            selectinload(Meeting.carried_items).selectinload(ActionItem.department),
            selectinload(Meeting.carried_items).selectinload(ActionItem.meeting)))
    if meeting is None or not may_see_meeting(current_user, meeting):
        abort(404)
    return meeting


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit_meeting(meeting_id: int):
    """The organiser (or a manager) records minutes and decisions; a stale form is refused (409)."""
    meeting = _load_meeting(meeting_id)
    if not may_edit_meeting(current_user, meeting):
        abort(403)
    form = MeetingForm(obj=meeting)
    _meeting_choices(form, meeting)
    if request.method == "GET":
        form.starts_at.data = to_local(meeting.starts_at)
        form.department_ids.data = [d.id for d in meeting.departments]
        form.attendee_ids.data = [u.id for u in meeting.attendees]
        form.version_id.data = meeting.version_id
    stale = False
    if form.validate_on_submit():
        try:
            ensure_current(meeting, form.version_id.data)
            _apply_meeting(form, meeting)
            db.session.commit()
            flash(_("Meeting saved."), "success")
            return redirect(url_for("coordination.meeting_detail", meeting_id=meeting.id), 303)
        except (StaleEdit, StaleDataError):
            db.session.rollback()
            meeting = _load_meeting(meeting_id)
            form.version_id.data = meeting.version_id
            stale = True
            flash(str(StaleEdit.message), "error")
    status = 409 if stale else 422 if form.errors else 200
    return render_template("coordination/meeting_form.html", form=form, meeting=meeting, stale=stale,
                           to_local=to_local), status


def _item_form(meeting: Meeting, form: ActionItemForm | None = None) -> ActionItemForm:
    form = form or ActionItemForm(formdata=None)
    users = active_users()
    form.owner_id.choices = choices([(0, "—")] + [(u.id, u.display_name) for u in users])
    form.department_id.choices = choices([(0, _("— the owner's department"))]
                                         + [(d.id, d.display_name()) for d in active_departments()])
    return form


def _items_fragment(meeting: Meeting, form: ActionItemForm | None = None, status: int = 200):
    response = render_page("coordination/meeting.html", "coordination/_action_items.html",
                           **_meeting_context(meeting, form))
    response.status_code = status
    return response


def _meeting_context(meeting: Meeting, form: ActionItemForm | None = None) -> dict:
    today = company_today()
    next_form = NextMeetingForm(formdata=None)
    next_form.starts_at.data = to_local(meeting.starts_at) + timedelta(days=7)
    return dict(meeting=meeting, item_form=_item_form(meeting, form), next_form=next_form, today=today,
                may_edit=may_edit_meeting(current_user, meeting), to_local=to_local,
                may_update=item_updater(current_user),
                followers=db.session.scalars(sa.select(Meeting).where(Meeting.previous_meeting_id == meeting.id)
                                             .order_by(Meeting.starts_at)).all())


@bp.get("/meetings/<int:meeting_id>")
def meeting_detail(meeting_id: int):
    """Minutes, decisions and action items; 404 unless the user organised, attended or holds an item."""
    meeting = _load_meeting(meeting_id)
    return render_template("coordination/meeting.html", **_meeting_context(meeting))


@bp.post("/meetings/<int:meeting_id>/action-items")
def add_action_item(meeting_id: int):
    """Add an action item (organiser or manager); htmx gets the refreshed list, 422 with errors."""
    meeting = _load_meeting(meeting_id)
    if not may_edit_meeting(current_user, meeting):
        abort(403)
    form = _item_form(meeting, ActionItemForm())
    if form.validate_on_submit():
        owner = db.session.get(User, form.owner_id.data)
        meeting_day = to_local(meeting.starts_at).date()
        if form.due_on.data < meeting_day:
            form.due_on.errors.append(_("The due date cannot be before the meeting (%(day)s).",
                                        day=meeting_day.isoformat()))
        else:
            db.session.add(ActionItem(meeting_id=meeting.id, owner_id=owner.id, title=form.title.data,
                                      department_id=form.department_id.data or owner.department_id,
                                      due_on=form.due_on.data, created_by_id=current_user.id))
            db.session.commit()
            flash(_("Action item added."), "success")
            if not wants_fragment():
                return redirect(url_for("coordination.meeting_detail", meeting_id=meeting.id), 303)
            db.session.expire_all()
            return _items_fragment(_load_meeting(meeting_id))
    if not wants_fragment():
        return render_template("coordination/meeting.html", **_meeting_context(meeting, form)), 422
    return _items_fragment(meeting, form, 422)


@bp.post("/meetings/<int:meeting_id>/next")
def create_next_meeting(meeting_id: int):
    """Start the next meeting of the series, linking the open action items (organiser or manager)."""
    previous = _load_meeting(meeting_id)
    if not may_edit_meeting(current_user, previous):
        abort(403)
    form = NextMeetingForm()
    if not form.validate_on_submit():
        for error in form.starts_at.errors:
            flash(error, "error")
        return see_other(url_for("coordination.meeting_detail", meeting_id=previous.id))
    meeting = next_meeting(previous, current_user, to_utc(form.starts_at.data))
    db.session.commit()
    flash(_("Next meeting created with %(n)s open action items carried over.", n=len(meeting.carried_items)),
          "success")
    return see_other(url_for("coordination.edit_meeting", meeting_id=meeting.id))


@bp.get("/meetings/<int:meeting_id>/print")
def print_meeting(meeting_id: int):
    meeting = _load_meeting(meeting_id)
    return render_template("coordination/meeting_print.html", meeting=meeting, to_local=to_local,
                           today=company_today())


@bp.get("/meetings/<int:meeting_id>/minutes.docx")
def meeting_docx(meeting_id: int):
    """The bilingual minutes as a Word file (same visibility as the meeting)."""
    meeting = _load_meeting(meeting_id)
    data = render_minutes(meeting)
    name = f"minutes-{to_local(meeting.starts_at):%Y%m%d}-{safe_filename(meeting.title)}.docx"
    return send_file(data, as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


# ---------------------------------------------------------------- action items


def _item_visibility():
    if sees_all(current_user):
        return sa.true()
    heads = sa.select(Department.id).where(Department.head_id == current_user.id)
    return sa.or_(ActionItem.owner_id == current_user.id,
                  ActionItem.meeting_id.in_(sa.select(Meeting.id).where(Meeting.organiser_id == current_user.id)),
                  ActionItem.department_id.in_(heads))


def _load_item(item_id: int) -> ActionItem:
    item = db.session.scalar(sa.select(ActionItem).where(ActionItem.id == item_id).options(
        selectinload(ActionItem.meeting), selectinload(ActionItem.owner), selectinload(ActionItem.department)))
    if item is None or not (may_update_item(current_user, item) or may_see_meeting(current_user, item.meeting)):
        abort(404)
    return item


@bp.get("/action-items")
def action_items():
    """Own action items (and those of meetings one organises or departments one heads); managers see all."""
    today = company_today()
    query = sa.select(ActionItem).where(_item_visibility())
    status = request.args.get("status", "open")
    if status == "overdue":
        query = query.where(ActionItem.status == "open", ActionItem.due_on < today)
    elif status in ACTION_STATUSES:
        query = query.where(ActionItem.status == status)
    owner = int_arg("owner", 0, 0)
    if owner:
        query = query.where(ActionItem.owner_id == owner)
    department = int_arg("department", 0, 0)
    if department:
        query = query.where(ActionItem.department_id == department)
    first, last = _date_arg("from"), _date_arg("to")
    if first:
        query = query.where(ActionItem.due_on >= first)
    if last:
        query = query.where(ActionItem.due_on <= last)
    query = query.options(selectinload(ActionItem.meeting), selectinload(ActionItem.owner),
                          selectinload(ActionItem.department)).order_by(ActionItem.due_on, ActionItem.id)
    pagination = db.paginate(query, page=int_arg("page"), per_page=PAGE_SIZE, error_out=False)
    return render_page("coordination/action_items.html", "coordination/_action_item_rows.html",
                       pagination=pagination, status=status, statuses=ACTION_STATUSES, today=today,
                       departments=active_departments(), users=active_users() if sees_all(current_user) else [],
                       may_update=item_updater(current_user), context_meeting=0)


def _item_row(item: ActionItem, form: DoneForm | None = None, status: int = 200):
    context_meeting = request.form.get("context", type=int) or 0
    html = render_template("coordination/_action_item_row.html", item=item, today=company_today(),
                           may_update=item_updater(current_user), context_meeting=context_meeting,
                           done_form=form, show_meeting=request.form.get("show_meeting") == "1")
    return html, status


def _after_item_change(item: ActionItem, form: DoneForm | None = None, status: int = 200):
    if wants_fragment():
        return _item_row(item, form, status)
    if form is not None and form.errors:
        for error in form.done_on.errors:
            flash(error, "error")
    return redirect(_safe_next(url_for("coordination.meeting_detail", meeting_id=item.meeting_id)), 303)


@bp.post("/action-items/<int:item_id>/done")
def complete_action_item(item_id: int):
    """Mark an item done on a date (not in the future): owner, organiser, department head or manager."""
    item = _load_item(item_id)
    if not may_update_item(current_user, item):
        abort(403)
    form = DoneForm()
    if item.status != "open":
        flash(_("Only an open action item can be marked done."), "error")
        return _after_item_change(item, None, 409)
    if not form.validate_on_submit():
        return _after_item_change(item, form, 422)
    item.status, item.done_on, item.done_by_id = "done", form.done_on.data, current_user.id
    db.session.commit()
    return _after_item_change(item)


@bp.post("/action-items/<int:item_id>/reopen")
def reopen_action_item(item_id: int):
    item = _load_item(item_id)
    if not may_update_item(current_user, item):
        abort(403)
    if item.status == "open":
        return _after_item_change(item)
    item.status, item.done_on, item.done_by_id = "open", None, None
    db.session.commit()
    return _after_item_change(item)


@bp.post("/action-items/<int:item_id>/cancel")
def cancel_action_item(item_id: int):
    """Cancel an item that is no longer wanted (organiser or manager); it then leaves metric 5a."""
    item = _load_item(item_id)
    if not may_edit_meeting(current_user, item.meeting):
        abort(403)
    if item.status == "open":
        item.status = "cancelled"
        db.session.commit()
    return _after_item_change(item)


@bp.route("/action-items/<int:item_id>/edit", methods=["GET", "POST"])
def edit_action_item(item_id: int):
    """Change an item's text, owner, department or due date (organiser or manager; audited)."""
    item = _load_item(item_id)
    if not may_edit_meeting(current_user, item.meeting):
        abort(403)
    form = _item_form(item.meeting, ActionItemForm(obj=item))
    if request.method == "GET":
        form.department_id.data = item.department_id or 0
    if form.validate_on_submit():
        owner = db.session.get(User, form.owner_id.data)
        item.title, item.owner_id, item.due_on = form.title.data, owner.id, form.due_on.data
        item.department_id = form.department_id.data or owner.department_id
        db.session.commit()
        flash(_("Action item saved."), "success")
        return redirect(url_for("coordination.meeting_detail", meeting_id=item.meeting_id), 303)
    return render_template("coordination/action_item_form.html", form=form, item=item), 422 if form.errors else 200


# ---------------------------------------------------------------- resource requests


def _request_filters(query, status: str, today: date):
    if status == "open":
        query = query.where(ResourceRequest.status.in_(OPEN_REQUEST_STATUSES))
    elif status == "overdue":
        query = query.where(ResourceRequest.status.in_(OPEN_REQUEST_STATUSES), ResourceRequest.needed_by_on < today)
    elif status in REQUEST_STATUSES:
        query = query.where(ResourceRequest.status == status)
    kind = request.args.get("kind", "")
    if kind in REQUEST_KINDS:
        query = query.where(ResourceRequest.kind == kind)
    q = request.args.get("q", "").strip()
    if q:
        query = query.where(sa.or_(ResourceRequest.title.ilike(f"%{q}%"),
                                   ResourceRequest.contract_reference.ilike(f"%{q}%")))
    first, last = _date_arg("from"), _date_arg("to")
    if first:
        query = query.where(ResourceRequest.needed_by_on >= first)
    if last:
        query = query.where(ResourceRequest.needed_by_on <= last)
    return query


def _request_query(status: str, today: date):
    query = sa.select(ResourceRequest).where(request_visibility(current_user))
    department = int_arg("department", 0, 0)
    if department:
        query = query.where(ResourceRequest.department_id == department)
    if request.args.get("mine") == "1":
        query = query.where(ResourceRequest.requester_id == current_user.id)
    return _request_filters(query, status, today).options(
        selectinload(ResourceRequest.department), selectinload(ResourceRequest.requester),
        selectinload(ResourceRequest.customer)).order_by(ResourceRequest.needed_by_on.desc(),
                                                         ResourceRequest.id.desc())


@bp.get("/requests")
def requests_list():
    """The allocation log (资源调配记录): own requests and one's departments'; managers see all."""
    today = company_today()
    status = request.args.get("status", "all")
    pagination = db.paginate(_request_query(status, today), page=int_arg("page"), per_page=PAGE_SIZE,
                             error_out=False)
    return render_page("coordination/requests.html", "coordination/_request_rows.html", pagination=pagination,
                       status=status, today=today, departments=active_departments(), kinds=REQUEST_KINDS,
                       statuses=REQUEST_STATUSES)


@bp.get("/requests.xlsx")
def requests_xlsx():
    """The filtered allocation log as an Excel file (same visibility as the list)."""
    from openpyxl import Workbook

    today = company_today()
    rows = db.session.scalars(_request_query(request.args.get("status", "all"), today).limit(20000)).all()
    book = Workbook()
    sheet = book.active
    sheet.title = "Requests"
    sheet.append(["#", _("Subject"), _("Kind"), _("Department"), _("Requested by"), _("Customer"),
                  _("Contract number"), _("Requested on"), _("Needed by"), _("Status"), _("Fulfilled on"),
                  _("On time")])
    for r in rows:
        on_time = r.on_time
        sheet.append([r.id, r.title, str(REQUEST_KINDS.get(r.kind, r.kind)), r.department.display_name(),
                      r.requester.display_name, r.customer.name if r.customer else "", r.contract_reference,
                      to_local(r.created_at).date(), r.needed_by_on, str(REQUEST_STATUSES[r.status]),
                      r.fulfilled_on, "" if on_time is None else (_("Yes") if on_time else _("No"))])
    for column in ("H", "I", "K"):
        for cell in sheet[column][1:]:
            cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return send_file(out, as_attachment=True, download_name=f"resource-requests-{today.isoformat()}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _request_choices(form: ResourceRequestForm, req: ResourceRequest | None) -> None:
    departments = active_departments()
    if req is not None and req.department not in departments:
        departments.append(req.department)
    form.department_id.choices = choices([(0, "—")] + [(d.id, d.display_name()) for d in departments])
    owner_id = req.requester_id if req else current_user.id
    customers = db.session.execute(sa.select(Customer.id, Customer.name, Customer.local_name)
                                   .where(Customer.owner_id == owner_id).order_by(Customer.name).limit(500)).all()
    pairs = [(c.id, f"{c.name} ({c.local_name})" if c.local_name else c.name) for c in customers]
    if req is not None and req.customer is not None and req.customer_id not in {p[0] for p in pairs}:
        pairs.append((req.customer_id, req.customer.display_name))
    form.customer_id.choices = choices([(0, "—")] + pairs)


def _apply_request(form: ResourceRequestForm, req: ResourceRequest) -> bool:
    """Copy the form into the request; False (with field errors) when the contract number is unknown,
    belongs to a colleague, or is another customer's. A contract without a customer chosen sets it."""
    reference = (form.contract_reference.data or "").upper()
    contract = None
    if reference:
        contract = db.session.scalar(sa.select(Contract).where(Contract.number == reference))
        if contract is None or not (sees_all(current_user) or contract.owner_id in {req.requester_id,
                                                                                    current_user.id}):
            form.contract_reference.errors.append(_("No contract with this number."))
            return False
        if form.customer_id.data and form.customer_id.data != contract.customer_id:
            form.contract_reference.errors.append(_("This contract is with another customer."))
            return False
    req.department_id = form.department_id.data
    req.kind = form.kind.data
    req.title = form.title.data
    req.details = form.details.data or ""
    req.customer_id = form.customer_id.data or (contract.customer_id if contract else None)
    req.contract_id = contract.id if contract else None
    req.contract_reference = contract.number if contract else ""
    req.needed_by_on = form.needed_by_on.data
    return True


@bp.route("/requests/new", methods=["GET", "POST"])
def create_request():
    """Ask a department for something; its head and members are notified."""
    form = ResourceRequestForm()
    _request_choices(form, None)
    if request.method == "GET":
        form.department_id.data = request.args.get("department", 0, type=int)
        form.customer_id.data = request.args.get("customer", 0, type=int)
    if form.validate_on_submit():
        if form.needed_by_on.data < company_today():
            form.needed_by_on.errors.append(_("The needed-by date cannot be in the past."))
        else:
            req = ResourceRequest(requester_id=current_user.id, status="requested")
            if _apply_request(form, req):
                submit_request(req)
                db.session.commit()
                flash(_("Request sent to %(department)s.", department=req.department.display_name()), "success")
                return redirect(url_for("coordination.request_detail", request_id=req.id), 303)
    return render_template("coordination/request_form.html", form=form, req=None), 422 if form.errors else 200


def _load_request(request_id: int) -> ResourceRequest:
    req = db.session.scalar(sa.select(ResourceRequest).where(ResourceRequest.id == request_id).options(
        selectinload(ResourceRequest.department), selectinload(ResourceRequest.requester),
        selectinload(ResourceRequest.customer), selectinload(ResourceRequest.contract)))
    if req is None or not may_see_request(current_user, req):
        abort(404)
    return req


@bp.route("/requests/<int:request_id>/edit", methods=["GET", "POST"])
def edit_request(request_id: int):
    """The requester changes a request until it is accepted (403 after); a stale form gets 409."""
    req = _load_request(request_id)
    if not may_edit_request(current_user, req):
        abort(403)
    form = ResourceRequestForm(obj=req)
    _request_choices(form, req)
    if request.method == "GET":
        form.customer_id.data = req.customer_id or 0
        form.version_id.data = req.version_id
    stale = False
    if form.validate_on_submit():
        if form.needed_by_on.data != req.needed_by_on and form.needed_by_on.data < company_today():
            form.needed_by_on.errors.append(_("The needed-by date cannot be in the past."))
        else:
            try:
                ensure_current(req, form.version_id.data)
                if _apply_request(form, req):
                    db.session.commit()
                    flash(_("Request saved."), "success")
                    return redirect(url_for("coordination.request_detail", request_id=req.id), 303)
            except (StaleEdit, StaleDataError):
                db.session.rollback()
                req = _load_request(request_id)
                form.version_id.data = req.version_id
                stale = True
                flash(str(StaleEdit.message), "error")
    status = 409 if stale else 422 if form.errors else 200
    return render_template("coordination/request_form.html", form=form, req=req, stale=stale), status


def _request_context(req: ResourceRequest, **forms) -> dict:
    accept_form = forms.get("accept_form") or AcceptForm(formdata=None)
    fulfil_form = forms.get("fulfil_form") or FulfilForm(formdata=None)
    if fulfil_form.fulfilled_on.data is None:
        fulfil_form.fulfilled_on.data = company_today()
    reject_form = forms.get("reject_form") or RejectForm(formdata=None)
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(
        User.id.in_({req.accepted_by_id, req.fulfilled_by_id, req.rejected_by_id} - {None})))}
    return dict(req=req, today=company_today(), accept_form=accept_form, fulfil_form=fulfil_form,
                reject_form=reject_form, may_handle=may_handle_request(current_user, req),
                may_edit=may_edit_request(current_user, req), people=users, to_local=to_local,
                history=history(db.session, "resource_request", req.id), kinds=REQUEST_KINDS,
                statuses=REQUEST_STATUSES, has_endpoint=lambda e: e in current_app.view_functions,
                may_open=lambda owner_id: sees_all(current_user) or owner_id == current_user.id)


@bp.get("/requests/<int:request_id>")
def request_detail(request_id: int):
    """A request, its answer and its history; 404 unless requester, its department, or a manager."""
    req = _load_request(request_id)
    return render_template("coordination/request.html", **_request_context(req))


def _transition(request_id: int, action: str):
    req = _load_request(request_id)
    if not may_handle_request(current_user, req):
        abort(403)
    form = {"accept": AcceptForm, "fulfil": FulfilForm, "reject": RejectForm}[action]()
    if not form.validate_on_submit():
        return render_template("coordination/request.html",
                               **_request_context(req, **{f"{action}_form": form})), 422
    if action == "fulfil" and form.fulfilled_on.data < to_local(req.created_at).date():
        form.fulfilled_on.errors.append(_("The request was made on %(day)s; it cannot be fulfilled before.",
                                          day=to_local(req.created_at).date().isoformat()))
        return render_template("coordination/request.html", **_request_context(req, fulfil_form=form)), 422
    try:
        if action == "accept":
            accept_request(req, current_user, form.note.data or "")
            message = _("Request accepted.")
        elif action == "fulfil":
            fulfil_request(req, current_user, form.fulfilled_on.data, form.note.data or "")
            message = _("Request fulfilled.")
        else:
            reject_request(req, current_user, form.reason.data)
            message = _("Request rejected.")
        db.session.commit()
    except TransitionError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(_safe_next(url_for("coordination.request_detail", request_id=request_id)), 303)
    except StaleDataError:
        db.session.rollback()
        flash(_("Someone else changed this request at the same moment. Check its status and try again."), "error")
        return redirect(url_for("coordination.request_detail", request_id=request_id), 303)
    flash(message, "success")
    return redirect(_safe_next(url_for("coordination.request_detail", request_id=request_id)), 303)


@bp.post("/requests/<int:request_id>/accept")
def accept(request_id: int):
    """requested → accepted (department members and head; managers on their behalf)."""
    return _transition(request_id, "accept")


@bp.post("/requests/<int:request_id>/fulfil")
def fulfil(request_id: int):
    """accepted → fulfilled on a date that is neither in the future nor before the request."""
    return _transition(request_id, "fulfil")


@bp.post("/requests/<int:request_id>/reject")
def reject(request_id: int):
    """requested / accepted → rejected, with a reason for the requester."""
    return _transition(request_id, "reject")


@bp.get("/queue")
def queue():
    """A department's queue for its members and head (403 for people outside any department);
    managers and administrators may open any department's queue."""
    allowed = [d for d in active_departments()] if sees_all(current_user) else [
        d for d in active_departments() if d.id in department_ids_of(current_user)]
    if not allowed:
        abort(403)
    chosen = int_arg("department", 0, 0)
    department = next((d for d in allowed if d.id == chosen), None)
    if department is None:
        department = next((d for d in allowed if d.id == current_user.department_id), allowed[0])
    today = company_today()
    status = request.args.get("status", "open")
    query = _request_filters(sa.select(ResourceRequest).where(ResourceRequest.department_id == department.id),
                             status, today)
    query = query.options(selectinload(ResourceRequest.requester), selectinload(ResourceRequest.customer)).order_by(
        ResourceRequest.needed_by_on, ResourceRequest.id)
    pagination = db.paginate(query, page=int_arg("page"), per_page=PAGE_SIZE, error_out=False)
    return render_page("coordination/queue.html", "coordination/_queue_rows.html", pagination=pagination,
                       department=department, allowed=allowed, status=status, today=today,
                       statuses=REQUEST_STATUSES, kinds=REQUEST_KINDS)


# ---------------------------------------------------------------- departments and the monthly summary


@bp.get("/departments")
def departments():
    """Who is in which department and what is open there (read-only; administrators edit departments)."""
    rows = db.session.scalars(sa.select(Department).where(Department.active).order_by(Department.id)
                              .options(selectinload(Department.members), selectinload(Department.head))).all()
    open_requests = dict(db.session.execute(
        sa.select(ResourceRequest.department_id, sa.func.count(ResourceRequest.id))
        .where(ResourceRequest.status.in_(OPEN_REQUEST_STATUSES)).group_by(ResourceRequest.department_id)).all())
    open_items = dict(db.session.execute(
        sa.select(ActionItem.department_id, sa.func.count(ActionItem.id))
        .where(ActionItem.status == "open").group_by(ActionItem.department_id)).all())
    mine = department_ids_of(current_user)
    return render_template("coordination/departments.html", departments=rows, open_requests=open_requests,
                           open_items=open_items, mine=mine, all_queues=sees_all(current_user))


def _summary_departments() -> list[Department]:
    """Managers see every department's summary; others the departments they belong to or head (403 if none)."""
    departments = active_departments()
    if not sees_all(current_user):
        mine = department_ids_of(current_user)
        departments = [d for d in departments if d.id in mine]
    if not departments:
        abort(403)
    return departments


@bp.get("/summary")
def summary():
    """跨部门沟通总结: the month per department, printable."""
    year, month = _period_arg()
    rows = monthly_summary(year, month, _summary_departments())
    first, last = month_range(year, month)
    total_5a = meeting_achievement(first, last) if sees_all(current_user) else None
    total_5b = resource_timeliness(first, last) if sees_all(current_user) else None
    return render_template("coordination/summary.html", rows=rows, year=year, month=month,
                           period=f"{year:04d}-{month:02d}", total_5a=total_5a, total_5b=total_5b,
                           has_needs=rows[0].needs_received is not None,
                           has_complaints=rows[0].complaints_assigned is not None, today=company_today())


@bp.get("/summary/<int:department_id>")
def summary_department(department_id: int):
    """One department's month with the records behind every figure (404 outside one's departments)."""
    year, month = _period_arg()
    department = next((d for d in _summary_departments() if d.id == department_id), None)
    if department is None:
        abort(404)
    row = monthly_summary(year, month, [department])[0]
    detail = department_month_detail(department, year, month)
    return render_template("coordination/summary_department.html", row=row, department=department, year=year,
                           month=month, period=f"{year:04d}-{month:02d}", today=company_today(),
                           to_local=to_local, kinds=REQUEST_KINDS, statuses=REQUEST_STATUSES,
                           priorities=need_priorities(), has_endpoint=lambda e: e in current_app.view_functions,
                           **detail)


@bp.get("/summary.xlsx")
def summary_xlsx():
    """The monthly summary as an Excel sheet, with the metric definitions under the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    year, month = _period_arg()
    rows = monthly_summary(year, month, _summary_departments())
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year:04d}-{month:02d}"
    period = f"{year:04d}-{month:02d}"
    sheet.append([_("Cross-department summary %(period)s", period=period)])
    sheet["A1"].font = Font(bold=True, size=13)
    header = [_("Department"), _("Meetings held"), _("Action items opened"), _("Action items done"),
              _("Action items overdue"), _("Action items due"), _("Done by the due date"), _("Meeting achievement (5a)"),
              _("Requests received"), _("Requests fulfilled"), _("Requests rejected"), _("Requests open"),
              _("Requests needed in the month"), _("Fulfilled on time"), _("Resource timeliness (5b)")]
    if rows[0].needs_received is not None:
        header.append(_("Customer needs sent to product"))
    if rows[0].complaints_assigned is not None:
        header += [_("Complaints assigned"), _("Complaints resolved")]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for r in rows:
        line = [r.department.display_name(), r.meetings_held, r.items_opened, r.items_done, r.items_overdue,
                r.achievement.counted, r.achievement.achieved,
                float(r.achievement.value) if r.achievement.value is not None else "—",
                r.requests_received, r.requests_fulfilled, r.requests_rejected, r.requests_open,
                r.timeliness.counted, r.timeliness.achieved,
                float(r.timeliness.value) if r.timeliness.value is not None else "—"]
        if r.needs_received is not None:
            line.append(r.needs_received if r.department.code == "product" else "")
        if r.complaints_assigned is not None:
            line += [r.complaints_assigned, r.complaints_resolved]
        sheet.append(line)
        for column in (8, 15):
            sheet.cell(row=sheet.max_row, column=column).number_format = "0.0%"
    sheet.append([])
    sheet.append([_("5a: action items due in the month done by their due date / action items due "
                    "(cancelled items are not counted; an item carried into later meetings counts once).")])
    sheet.append([_("5b: requests with a needed-by date in the month fulfilled on or before it / such requests "
                    "(rejected and open requests count as not on time).")])
    sheet.append([_("— means no data.")])
    sheet.column_dimensions["A"].width = 22
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return send_file(out, as_attachment=True, download_name=f"cross-department-summary-{year:04d}-{month:02d}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

