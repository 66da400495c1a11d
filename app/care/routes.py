"""Customer care (客户关系维护): interactions, follow-ups, complaints, surveys, case records, reports."""
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, current_app, flash, make_response, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.models import Department, User
from app.care import bp, services
from app.care import seed as _seed  # noqa: F401  (registers the demo-data seeder)
from app.care.forms import (
    AssignForm,
    AttachmentForm,
    CaseRecordForm,
    ComplaintForm,
    InteractionForm,
    PublicSurveyForm,
    ResolveForm,
    SurveyForm,
    TransitionForm,
)
from app.care.models import (
    COMPLAINT_CATEGORIES,
    COMPLAINT_STATUSES,
    INTERACTION_KINDS,
    SEVERITIES,
    CaseRecord,
    Complaint,
    Interaction,
    SatisfactionSurvey,
)
from app.core.access import owner_or_manager, public, require_owner_or_manager, roles_required
from app.core.audit import history
from app.core.calendar import company_today, to_company_time
from app.core.forms import choices
from app.core.locking import StaleEdit, ensure_current
from app.core.models import StoredFile, utcnow
from app.core.notify import N_, notify
from app.core.numbering import next_number
from app.core.registry import home_panel
from app.core.settings import get_setting
from app.core.uploads import UploadError, save_upload
from app.core.views import int_arg, render_page, see_other, wants_fragment
from app.customers.models import Customer
from app.extensions import db

ATTACHMENT_KINDS = {"png", "jpeg", "gif", "webp", "pdf", "docx", "xlsx"}
PER_PAGE = 30
SALES = ("rep", "manager")

services.register_access()


def _fragment_or_page(page: str, fragment: str, status: int = 200, **ctx):
    response = render_page(page, fragment, **ctx)
    response.status_code = status
    return response


def _rep_filter() -> int | None:
    """Managers may look at one rep (``?rep=``) or everyone; a rep always sees their own records."""
    if current_user.is_manager:
        rep = request.args.get("rep", type=int)
        return rep or None
    return current_user.id


# ---------------------------------------------------------------- area home


@bp.get("/")
def index():
    """The area home: what needs attention, the month's figures, and the way in to each record type."""
    today = company_today()
    ctx = {"today": today}
    if current_user.has_role(*SALES):
        owner = None if current_user.is_manager else current_user.id
        due = db.session.scalar(sa.select(sa.func.count()).select_from(
            services.follow_ups_query(owner, "due", today).subquery()))
        first, last = services.month_range(today.year, today.month)
        team, per_rep = services.survey_figures(first, last, None if current_user.is_manager else current_user.id)
        ctx.update(due=due, visits=services.follow_up_visit_count(current_user.id, today.year, today.month),
                   visit_target=get_setting("target_followup_visits"), csat=team.csat, responses=team.responses,
                   csat_target=get_setting("target_csat_percent") / 100)
        recent = db.session.scalars(
            _interaction_query(owner).options(so.joinedload(Interaction.customer), so.joinedload(Interaction.user))
            .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(10)).all()
        ctx["recent"] = recent
    open_complaints = db.session.scalar(sa.select(sa.func.count(Complaint.id)).where(
        services.complaint_visibility(current_user), Complaint.status.in_(("open", "in_progress"))))
    ctx["open_complaints"] = open_complaints
    return render_template("care/index.html", **ctx)


@bp.get("/customers")
@roles_required(*SALES)
def customers():
    """Find a customer to work on: a rep's own customers, every customer for managers."""
    q = (request.args.get("q") or "").strip()
    query = sa.select(Customer).options(so.joinedload(Customer.owner))
    if not current_user.is_manager:
        query = query.where(Customer.owner_id == current_user.id)
    if q:
        like = f"%{q}%"
        query = query.where(sa.or_(Customer.name.ilike(like), Customer.local_name.ilike(like)))
    query = query.order_by(Customer.last_interaction_at.desc().nulls_last(), Customer.name)
    pagination = db.paginate(query, page=int_arg("page"), per_page=PER_PAGE, error_out=False)
    return render_page("care/customers.html", "care/_customer_rows.html", pagination=pagination, q=q)


# ---------------------------------------------------------------- customer care page and its sections


def _interaction_form(customer: Customer, formdata=None) -> InteractionForm:
    form = InteractionForm(formdata=formdata)
    form.contact_id.choices = choices([(0, "—")] + [(c.id, c.name) for c in customer.contacts])
    if formdata is None and form.occurred_at.data is None:
        form.occurred_at.data = to_company_time(utcnow()).replace(second=0, microsecond=0)
    return form


def _survey_form(customer: Customer) -> SurveyForm:
    form = SurveyForm()
    form.contact_id.choices = choices([(c.id, f"{c.name} <{c.email}>" if c.email else c.name)
                                       for c in customer.contacts])
    return form


def _timeline_context(customer: Customer) -> dict:
    query = (sa.select(Interaction).where(Interaction.customer_id == customer.id)
             .options(so.joinedload(Interaction.user), so.joinedload(Interaction.contact))
             .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()))
    pagination = db.paginate(query, page=int_arg("page"), per_page=20, error_out=False)
    return {"customer": customer, "timeline": pagination}


def _complaints_context(customer: Customer) -> dict:
    rows = db.session.scalars(sa.select(Complaint).where(Complaint.customer_id == customer.id)
                              .options(so.joinedload(Complaint.assignee), so.joinedload(Complaint.department))
                              .order_by(Complaint.opened_at.desc())).all()
    return {"customer": customer, "complaints": rows}


def _surveys_context(customer: Customer) -> dict:
    rows = db.session.scalars(sa.select(SatisfactionSurvey).where(SatisfactionSurvey.customer_id == customer.id)
                              .options(so.joinedload(SatisfactionSurvey.contact),
                                       so.joinedload(SatisfactionSurvey.created_by))
                              .order_by(SatisfactionSurvey.created_at.desc())).all()
    return {"customer": customer, "surveys": rows, "survey_form": _survey_form(customer), "now": utcnow()}


@bp.get("/customers/<int:customer_id>")
@roles_required(*SALES)
def customer(customer_id: int):
    """The customer's care page: quick-add, timeline, complaints, surveys, cases (404 unless owner/manager)."""
    cust = services.customer_for_care(customer_id)
    cases = db.session.scalars(sa.select(CaseRecord).where(CaseRecord.customer_id == cust.id)
                               .order_by(CaseRecord.occurred_on.desc())).all()
    ctx = {**_timeline_context(cust), **_complaints_context(cust), **_surveys_context(cust)}
    return render_template("care/customer.html", form=_interaction_form(cust), cases=cases,
                           customer_page="customers.detail" in current_app.view_functions, **ctx)


@bp.get("/customers/<int:customer_id>/timeline")
@roles_required(*SALES)
def customer_timeline(customer_id: int):
    """The customer's interactions, newest first (section fragment; 404 unless owner/manager)."""
    cust = services.customer_for_care(customer_id)
    return render_page("care/timeline.html", "care/_timeline.html", **_timeline_context(cust))


@bp.get("/customers/<int:customer_id>/complaints")
@roles_required(*SALES)
def customer_complaints(customer_id: int):
    """The customer's complaints (section fragment; 404 unless owner/manager)."""
    cust = services.customer_for_care(customer_id)
    return render_page("care/customer_complaints.html", "care/_customer_complaints.html",
                       **_complaints_context(cust))


@bp.get("/customers/<int:customer_id>/surveys")
@roles_required(*SALES)
def customer_surveys(customer_id: int):
    """The customer's satisfaction surveys and the form to send one (section fragment)."""
    cust = services.customer_for_care(customer_id)
    return render_page("care/customer_surveys.html", "care/_customer_surveys.html", **_surveys_context(cust))


@bp.route("/customers/<int:customer_id>/interactions/new", methods=["GET", "POST"])
@roles_required(*SALES)
def add_interaction(customer_id: int):
    """Log a call, e-mail, meeting…: reps only for their own customers, managers for any (404 otherwise)."""
    cust = services.customer_for_care(customer_id)
    form = _interaction_form(cust, formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate_on_submit():
        occurred = services.local_to_utc(form.occurred_at.data)
        contact_ids = {c.id for c in cust.contacts}
        if occurred > utcnow() + timedelta(minutes=5):
            form.occurred_at.errors.append(_("An interaction cannot be in the future; "
                                             "plan it as the next follow-up instead."))
        elif form.contact_id.data and form.contact_id.data not in contact_ids:
            form.contact_id.errors.append(_("Choose one of this customer's contacts."))
        else:
            interaction = Interaction(
                customer_id=cust.id, contact_id=form.contact_id.data or None, user_id=current_user.id,
                kind=form.kind.data, occurred_at=occurred, summary=form.summary.data.strip(),
                next_step=(form.next_step.data or "").strip(), next_follow_up_on=form.next_follow_up_on.data,
                is_follow_up_visit=form.is_follow_up_visit.data)
            services.record_interaction(interaction)
            db.session.commit()
            flash(_("Interaction saved."), "success")
            if wants_fragment():
                response = make_response(render_template("care/_quick_add.html", customer=cust,
                                                         form=_interaction_form(cust)))
                response.headers["HX-Trigger"] = "care-interaction-added"
                return response
            return see_other(url_for("care.customer", customer_id=cust.id))
    status = 422 if request.method == "POST" else 200
    return _fragment_or_page("care/interaction_form.html", "care/_quick_add.html", status,
                             customer=cust, form=form)


@bp.get("/interactions")
@roles_required(*SALES)
def interactions():
    """Interactions per rep (a rep sees their own; managers everyone's or one rep's), with filters."""
    rep = _rep_filter()
    query = _interaction_query(rep).options(so.joinedload(Interaction.customer), so.joinedload(Interaction.user),
                                            so.joinedload(Interaction.contact))
    kind = request.args.get("kind", "")
    if kind in INTERACTION_KINDS:
        query = query.where(Interaction.kind == kind)
    if request.args.get("visits") == "1":
        query = query.where(Interaction.is_follow_up_visit)
    first, last = services.parse_day(request.args.get("from")), services.parse_day(request.args.get("to"))
    if first:
        query = query.where(Interaction.occurred_at >= services.day_bounds_utc(first, first)[0])
    if last:
        query = query.where(Interaction.occurred_at < services.day_bounds_utc(last, last)[1])
    q = (request.args.get("q") or "").strip()
    if q:
        like = f"%{q}%"
        query = query.where(sa.or_(Interaction.summary.ilike(like),
                                   Interaction.customer.has(sa.or_(Customer.name.ilike(like),
                                                                   Customer.local_name.ilike(like)))))
    query = query.order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
    pagination = db.paginate(query, page=int_arg("page"), per_page=PER_PAGE, error_out=False)
    return render_page("care/interactions.html", "care/_interaction_rows.html", pagination=pagination,
                       kinds=INTERACTION_KINDS, reps=services.reps() if current_user.is_manager else [],
                       rep=rep, kind=kind, q=q, first=first, last=last)


def _interaction_query(user_id: int | None):
    query = sa.select(Interaction)
    if user_id is not None:
        query = query.where(Interaction.user_id == user_id)
    return query


# ---------------------------------------------------------------- follow-ups


FOLLOW_UP_STATUSES = {
    "due": _l("Due today and overdue"),
    "overdue": _l("Overdue"),
    "today": _l("Due today"),
    "upcoming": _l("Upcoming"),
    "open": _l("All open"),
    "done": _l("Done"),
}


@bp.get("/follow-ups")
@roles_required(*SALES)
def follow_ups():
    """Follow-up reminders of the rep's customers (managers: the team's, or one rep's)."""
    rep = _rep_filter()
    status = request.args.get("status", "due")
    if status not in FOLLOW_UP_STATUSES:
        status = "due"
    query = services.follow_ups_query(rep, status).options(
        so.joinedload(Interaction.customer).joinedload(Customer.owner), so.joinedload(Interaction.contact))
    pagination = db.paginate(query, page=int_arg("page"), per_page=PER_PAGE, error_out=False)
    return render_page("care/follow_ups.html", "care/_follow_up_rows.html", pagination=pagination,
                       statuses=FOLLOW_UP_STATUSES, status=status, today=company_today(),
                       reps=services.reps() if current_user.is_manager else [], rep=rep)


@bp.post("/follow-ups/<int:interaction_id>/done")
@roles_required(*SALES)
def complete_follow_up(interaction_id: int):
    """Mark a reminder done without logging a new interaction (404 unless the customer's owner or a manager)."""
    interaction = db.session.get(Interaction, interaction_id)
    if interaction is None or interaction.next_follow_up_on is None:
        abort(404)
    require_owner_or_manager(interaction.customer.owner_id)
    interaction.follow_up_done_at = interaction.follow_up_done_at or utcnow()
    db.session.commit()
    flash(_("Follow-up marked as done."), "success")
    if wants_fragment():
        return make_response("", 200)
    return see_other(request.form.get("next") if (request.form.get("next") or "").startswith("/care/")
                     else url_for("care.follow_ups"))


@home_panel("care_follow_ups", _l("Follow-ups due"), order=20, roles={"rep", "manager"})
@bp.get("/panels/follow-ups")
@roles_required(*SALES)
def panel_follow_ups():
    """Home panel: the follow-ups due today and overdue (a manager sees the team's)."""
    owner = None if current_user.is_manager else current_user.id
    query = services.follow_ups_query(owner, "due").options(
        so.joinedload(Interaction.customer).joinedload(Customer.owner))
    rows = db.session.scalars(query.limit(10)).all()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(
        services.follow_ups_query(owner, "due").subquery()))
    return render_template("care/_panel_follow_ups.html", rows=rows, total=total, today=company_today())


@home_panel("care_complaints", _l("Open complaints"), order=45)
@bp.get("/panels/complaints")
def panel_complaints():
    """Home panel: open and in-progress complaints the user owns, is assigned, or whose department handles."""
    query = (sa.select(Complaint).where(services.complaint_visibility(current_user),
                                        Complaint.status.in_(("open", "in_progress")))
             .options(so.joinedload(Complaint.customer)).order_by(Complaint.opened_at))
    rows = db.session.scalars(query.limit(8)).all()
    return render_template("care/_panel_complaints.html", rows=rows)


# ---------------------------------------------------------------- complaints


def _department_choices() -> list:
    return choices([(d.id, d.display_name()) for d in services.complaint_departments()])


def _assignee_choices(department_ids) -> list:
    users = db.session.scalars(sa.select(User).where(User.active, User.department_id.in_(department_ids))
                               .options(so.joinedload(User.department))
                               .order_by(User.full_name, User.username)).all()
    return choices([(0, "—")] + [(u.id, f"{u.display_name} · {u.department.display_name()}") for u in users])


def _check_assignee(form) -> bool:
    if form.assignee_id.data:
        user = db.session.get(User, form.assignee_id.data)
        if user is None or user.department_id != form.department_id.data:
            form.assignee_id.errors.append(_("The person must belong to the assigned department."))
            return False
    return True


@bp.route("/customers/<int:customer_id>/complaints/new", methods=["GET", "POST"])
@roles_required(*SALES)
def new_complaint(customer_id: int):
    """Record a complaint for a customer the user may work on (404 otherwise)."""
    cust = services.customer_for_care(customer_id)
    form = ComplaintForm()
    departments = services.complaint_departments()
    form.department_id.choices = _department_choices()
    form.assignee_id.choices = _assignee_choices([d.id for d in departments])
    contracts = services.contract_choices(cust.id)
    form.contract_id.choices = choices([(0, "—")] + contracts)
    if request.method == "GET" and departments:
        form.department_id.data = departments[0].id
    if form.validate_on_submit() and _check_assignee(form):
        complaint = Complaint(
            number=next_number("CP", company_today().year), customer_id=cust.id,
            contract_id=form.contract_id.data or None, owner_id=cust.owner_id or current_user.id,
            created_by_id=current_user.id, category=form.category.data, severity=form.severity.data,
            subject=form.subject.data.strip(), description=form.description.data.strip(),
            department_id=form.department_id.data, assignee_id=form.assignee_id.data or None,
            opened_at=utcnow())
        db.session.add(complaint)
        db.session.flush()
        upload = form.attachment.data
        try:
            if upload and upload.filename:
                save_upload(upload, ATTACHMENT_KINDS, owner_type="complaint", owner_id=complaint.id,
                            user_id=current_user.id)
        except UploadError as exc:
            db.session.rollback()
            form.attachment.errors.append(str(exc.message))
        else:
            if complaint.assignee_id and complaint.assignee_id != current_user.id:
                notify(complaint.assignee_id, N_("Complaint %(number)s from %(customer)s was assigned to you."),
                       link=url_for("care.complaint", complaint_id=complaint.id), number=complaint.number,
                       customer=cust.name)
            db.session.commit()
            flash(_("Complaint %(number)s recorded.", number=complaint.number), "success")
            return see_other(url_for("care.complaint", complaint_id=complaint.id))
    return render_template("care/complaint_form.html", form=form, customer=cust,
                           has_contracts=bool(contracts)), 422 if request.method == "POST" else 200


@bp.get("/complaints")
def complaints():
    """The complaints the user may see: own, assigned, the department's queue; managers all. Filterable."""
    query = (sa.select(Complaint).where(services.complaint_visibility(current_user))
             .options(so.joinedload(Complaint.customer), so.joinedload(Complaint.assignee),
                      so.joinedload(Complaint.department), so.joinedload(Complaint.owner)))
    status = request.args.get("status", "active")
    if status in COMPLAINT_STATUSES:
        query = query.where(Complaint.status == status)
    elif status == "active":
        query = query.where(Complaint.status.in_(("open", "in_progress")))
    else:
        status = "all"
    category = request.args.get("category", "")
    if category in COMPLAINT_CATEGORIES:
        query = query.where(Complaint.category == category)
    scope = request.args.get("scope", "")
    if scope == "mine":
        query = query.where(sa.or_(Complaint.owner_id == current_user.id, Complaint.assignee_id == current_user.id))
    elif scope == "department" and current_user.department_id:
        query = query.where(Complaint.department_id == current_user.department_id)
    q = (request.args.get("q") or "").strip()
    if q:
        like = f"%{q}%"
        query = query.where(sa.or_(Complaint.number.ilike(like), Complaint.subject.ilike(like),
                                   Complaint.customer.has(Customer.name.ilike(like))))
    query = query.order_by(Complaint.opened_at.desc(), Complaint.id.desc())
    pagination = db.paginate(query, page=int_arg("page"), per_page=PER_PAGE, error_out=False)
    return render_page("care/complaints.html", "care/_complaint_rows.html", pagination=pagination,
                       statuses=COMPLAINT_STATUSES, categories=COMPLAINT_CATEGORIES, status=status,
                       category=category, scope=scope, q=q)


TIMESTAMP_FIELDS = {"opened_at", "responded_at", "resolved_at", "closed_at", "updated_at"}


def _complaint_context(complaint: Complaint, **forms) -> dict:
    assign = forms.get("assign_form") or AssignForm(formdata=None, obj=complaint)
    departments = services.complaint_departments()
    assign.department_id.choices = _department_choices()
    assign.assignee_id.choices = _assignee_choices([d.id for d in departments])
    if not forms.get("assign_form"):
        assign.assignee_id.data = complaint.assignee_id or 0
        assign.version_id.data = complaint.version_id
    resolve = forms.get("resolve_form") or ResolveForm(formdata=None, obj=complaint)
    if not forms.get("resolve_form"):
        resolve.version_id.data = complaint.version_id
    transition = TransitionForm(formdata=None)
    transition.version_id.data = complaint.version_id
    files = db.session.scalars(sa.select(StoredFile).where(StoredFile.owner_type == "complaint",
                                                           StoredFile.owner_id == complaint.id)
                               .order_by(StoredFile.uploaded_at)).all()
    cases = db.session.scalars(sa.select(CaseRecord).where(CaseRecord.complaint_id == complaint.id)).all()
    log = [e for e in history(db.session, "complaint", complaint.id) if e.field not in TIMESTAMP_FIELDS]
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(
        {int(e.new_value) for e in log if e.field == "assignee_id" and (e.new_value or "").isdigit()}
        | {int(e.old_value) for e in log if e.field == "assignee_id" and (e.old_value or "").isdigit()})))}
    return {
        "complaint": complaint, "assign_form": assign, "resolve_form": resolve, "transition_form": transition,
        "attachment_form": forms.get("attachment_form") or AttachmentForm(formdata=None), "files": files,
        "cases": cases, "history": log, "history_users": users, "statuses": COMPLAINT_STATUSES,
        "departments": {d.id: d for d in db.session.scalars(sa.select(Department))},
        "response_time": services.duration(complaint.opened_at, complaint.responded_at),
        "resolution_time": services.duration(complaint.opened_at, complaint.resolved_at),
        "contract_number": services.contract_numbers([complaint.contract_id]).get(complaint.contract_id),
        "may_open_customer": owner_or_manager(complaint.customer.owner_id),
        "categories": COMPLAINT_CATEGORIES, "severities": SEVERITIES,
    }


@bp.get("/complaints/<int:complaint_id>")
def complaint(complaint_id: int):
    """One complaint with its timings, attachments and audited history (404 unless the user may see it)."""
    item = services.complaint_for_user(complaint_id)
    return render_page("care/complaint.html", "care/_complaint.html", **_complaint_context(item))


def _after_complaint_change(item: Complaint, status: int = 200, **forms):
    if wants_fragment():
        return _fragment_or_page("care/complaint.html", "care/_complaint.html", status,
                                 **_complaint_context(item, **forms))
    if status >= 400:
        return _fragment_or_page("care/complaint.html", "care/_complaint.html", status,
                                 **_complaint_context(item, **forms))
    return see_other(url_for("care.complaint", complaint_id=item.id))


def _stale(item: Complaint):
    db.session.rollback()
    db.session.refresh(item)
    flash(str(StaleEdit.message), "error")
    return _after_complaint_change(item, 409)


@bp.post("/complaints/<int:complaint_id>/start", defaults={"action": "start"}, endpoint="start_complaint")
@bp.post("/complaints/<int:complaint_id>/reopen", defaults={"action": "reopen"}, endpoint="reopen_complaint")
@bp.post("/complaints/<int:complaint_id>/close", defaults={"action": "close"}, endpoint="close_complaint")
def complaint_transition(complaint_id: int, action: str):
    """Start work on, reopen or close a complaint (404 unless the user may see it; 409 on a stale page)."""
    item = services.complaint_for_user(complaint_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        ensure_current(item, form.version_id.data)
        services.apply_transition(item, action)
    except StaleEdit:
        return _stale(item)
    except ValueError:
        flash(_("This step is not possible in the complaint's current status."), "error")
        return _after_complaint_change(item, 409)
    db.session.commit()
    flash(_("Complaint %(number)s is now: %(status)s.", number=item.number, status=item.status_label), "success")
    return _after_complaint_change(item)


@bp.post("/complaints/<int:complaint_id>/resolve")
def resolve_complaint(complaint_id: int):
    """Record the resolution (required) and mark the complaint resolved; the owner is notified."""
    item = services.complaint_for_user(complaint_id)
    form = ResolveForm()
    if not form.validate_on_submit():
        return _after_complaint_change(item, 422, resolve_form=form)
    try:
        ensure_current(item, form.version_id.data)
        services.apply_transition(item, "resolve", form.resolution.data.strip())
    except StaleEdit:
        return _stale(item)
    except ValueError:
        flash(_("This step is not possible in the complaint's current status."), "error")
        return _after_complaint_change(item, 409)
    if item.owner_id and item.owner_id != current_user.id:
        notify(item.owner_id, N_("Complaint %(number)s was resolved; confirm with the customer and close it."),
               link=url_for("care.complaint", complaint_id=item.id), number=item.number)
    db.session.commit()
    flash(_("Complaint %(number)s is now: %(status)s.", number=item.number, status=item.status_label), "success")
    return _after_complaint_change(item)


@bp.post("/complaints/<int:complaint_id>/assign")
def assign_complaint(complaint_id: int):
    """Change the assigned department and person (who must belong to it); the new assignee is notified."""
    item = services.complaint_for_user(complaint_id)
    form = AssignForm()
    form.department_id.choices = _department_choices()
    form.assignee_id.choices = _assignee_choices([d.id for d in services.complaint_departments()])
    if item.status == "closed":
        flash(_("A closed complaint cannot be reassigned."), "error")
        return _after_complaint_change(item, 409)
    if not form.validate_on_submit() or not _check_assignee(form):
        return _after_complaint_change(item, 422, assign_form=form)
    try:
        ensure_current(item, form.version_id.data)
    except StaleEdit:
        return _stale(item)
    previous = item.assignee_id
    item.department_id = form.department_id.data
    item.assignee_id = form.assignee_id.data or None
    if item.assignee_id and item.assignee_id != previous and item.assignee_id != current_user.id:
        notify(item.assignee_id, N_("Complaint %(number)s from %(customer)s was assigned to you."),
               link=url_for("care.complaint", complaint_id=item.id), number=item.number,
               customer=item.customer.name)
    db.session.commit()
    flash(_("Assignment saved."), "success")
    return _after_complaint_change(item)


@bp.post("/complaints/<int:complaint_id>/attachments")
def add_complaint_attachment(complaint_id: int):
    """Attach a photo, PDF or office file to a complaint (checked by content)."""
    item = services.complaint_for_user(complaint_id)
    form = AttachmentForm()
    if not form.validate_on_submit():
        abort(400)
    upload = form.attachment.data
    if not upload or not upload.filename:
        form.attachment.errors.append(_("Choose a file."))
        return _after_complaint_change(item, 422, attachment_form=form)
    try:
        save_upload(upload, ATTACHMENT_KINDS, owner_type="complaint", owner_id=item.id, user_id=current_user.id)
    except UploadError as exc:
        form.attachment.errors.append(str(exc.message))
        return _after_complaint_change(item, 422, attachment_form=form)
    db.session.commit()
    flash(_("Attachment added."), "success")
    return _after_complaint_change(item)


# ---------------------------------------------------------------- satisfaction surveys


@bp.post("/customers/<int:customer_id>/surveys")
@roles_required(*SALES)
def new_survey(customer_id: int):
    """Create a survey for one of the customer's contacts and show its link once (it is not stored)."""
    cust = services.customer_for_care(customer_id)
    form = _survey_form(cust)
    if not form.validate_on_submit():
        ctx = _surveys_context(cust)
        ctx["survey_form"] = form
        return _fragment_or_page("care/customer_surveys.html", "care/_customer_surveys.html", 422, **ctx)
    survey, token = services.create_survey(cust, form.contact_id.data, current_user.id)
    db.session.commit()
    link = url_for("care.public_survey", token=token, _external=True)
    emails = services.survey_email(survey, link, current_user.display_name)
    ctx = _surveys_context(cust)
    response = _fragment_or_page("care/survey_created.html", "care/_customer_surveys.html", 200,
                                 created=survey, link=link, emails=emails, **ctx)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/surveys")
@roles_required(*SALES)
def surveys():
    """Surveys sent: a rep's own, or the team's for managers; filter by state."""
    rep = _rep_filter()
    now = utcnow()
    s = SatisfactionSurvey
    query = sa.select(s).options(so.joinedload(s.customer), so.joinedload(s.contact), so.joinedload(s.created_by))
    if rep is not None:
        query = query.where(s.created_by_id == rep)
    state = request.args.get("state", "")
    if state == "answered":
        query = query.where(s.answered_at.is_not(None))
    elif state == "pending":
        query = query.where(s.answered_at.is_(None), s.expires_at > now)
    elif state == "expired":
        query = query.where(s.answered_at.is_(None), s.expires_at <= now)
    else:
        state = ""
    query = query.order_by(s.created_at.desc(), s.id.desc())
    pagination = db.paginate(query, page=int_arg("page"), per_page=PER_PAGE, error_out=False)
    return render_page("care/surveys.html", "care/_survey_rows.html", pagination=pagination, now=now,
                       state=state, reps=services.reps() if current_user.is_manager else [], rep=rep)


@bp.get("/surveys/<int:survey_id>")
@roles_required(*SALES)
def survey(survey_id: int):
    """One survey and its answers (404 unless the rep who sent it or a manager)."""
    item = db.session.get(SatisfactionSurvey, survey_id) or abort(404)
    require_owner_or_manager(item.created_by_id)
    return render_template("care/survey.html", survey=item, now=utcnow())


@bp.get("/surveys/results")
@roles_required(*SALES)
def survey_results():
    """CSAT (metric 3a), distribution and sub-score averages for the period, per rep and for the team."""
    today = company_today()
    first = services.parse_day(request.args.get("from")) or today.replace(day=1)
    last = services.parse_day(request.args.get("to")) or services.month_range(today.year, today.month)[1]
    if last < first:
        first, last = last, first
    rep = _rep_filter()
    team, per_rep = services.survey_figures(first, last, rep)
    rep_users = services.reps() if current_user.is_manager else [current_user]
    rows = [(u, per_rep.get(u.id)) for u in rep_users if rep is None or u.id == rep]
    known = {u.id for u, _f in rows}
    others = [(db.session.get(User, uid), fig) for uid, fig in per_rep.items() if uid not in known]
    return render_template("care/survey_results.html", team=team, rows=rows + others, first=first, last=last,
                           rep=rep, reps=services.reps() if current_user.is_manager else [],
                           target=get_setting("target_csat_percent") / 100)


def _survey_locale() -> str:
    lang = request.values.get("lang", "")
    if lang in ("en", "zh_CN"):
        return lang
    best = request.accept_languages.best_match(["en", "zh_CN", "zh", "zh-CN", "zh_Hans"])
    return "zh_CN" if best and best.startswith("zh") else "en" if best else "zh_CN"


def _public(body: str, status: int = 200):
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.route("/survey/<token>", methods=["GET", "POST"])
@public
def public_survey(token: str):
    """The customer's survey page (no login). Unknown, used and expired links all get the same 404 page.

    Someone logged in to TradeDesk sees a preview and cannot answer (403): only the customer may.
    """
    locale = _survey_locale()
    with force_locale(locale):
        item = services.open_survey(token)
        if item is None:
            return _public(render_template("care/survey_invalid.html", locale=locale), 404)
        form = PublicSurveyForm()
        company = get_setting("company_name_zh" if locale == "zh_CN" else "company_name_en")
        preview = current_user.is_authenticated
        if not preview and form.validate_on_submit():
            answers = {key: getattr(form, key).data or None for key in ("overall", "quality", "delivery",
                                                                         "communication")}
            answers["comments"] = (form.comments.data or "").strip()
            if not services.answer_survey(item, answers, locale):
                db.session.rollback()
                return _public(render_template("care/survey_invalid.html", locale=locale), 404)
            notify(item.created_by_id, N_("%(customer)s answered your satisfaction survey: overall %(score)s of 5."),
                   link=url_for("care.survey", survey_id=item.id), customer=item.customer.name,
                   score=answers["overall"])
            db.session.commit()
            return _public(render_template("care/survey_thanks.html", locale=locale, company=company))
        status = 403 if preview and request.method == "POST" else 422 if request.method == "POST" else 200
        return _public(render_template("care/survey_public.html", form=form, locale=locale, company=company,
                                       customer_name=item.customer.name, preview=preview), status)


# ---------------------------------------------------------------- case feedback records


def _case_links(customer_id, complaint_id):
    """The customer and complaint a case may be linked to (404 if the user may not see them)."""
    complaint_obj = services.complaint_for_user(complaint_id) if complaint_id else None
    if complaint_obj and not customer_id:
        customer_id = complaint_obj.customer_id
    customer_obj = None
    if customer_id:
        customer_obj = db.session.get(Customer, customer_id) or abort(404)
        if not owner_or_manager(customer_obj.owner_id) and not (
                complaint_obj and complaint_obj.customer_id == customer_obj.id):
            abort(404)
    if complaint_obj and customer_obj and complaint_obj.customer_id != customer_obj.id:
        abort(404)
    return customer_obj, complaint_obj


def _case_for_user(case_id: int) -> CaseRecord:
    item = db.session.get(CaseRecord, case_id)
    if item is None:
        abort(404)
    require_owner_or_manager(item.owner_id)
    return item


@bp.get("/cases")
def cases():
    """Case feedback records: the user's own, every one for managers; search and filter."""
    query = sa.select(CaseRecord).options(so.joinedload(CaseRecord.customer), so.joinedload(CaseRecord.owner),
                                          so.joinedload(CaseRecord.complaint))
    rep = _rep_filter()
    if rep is not None:
        query = query.where(CaseRecord.owner_id == rep)
    q = (request.args.get("q") or "").strip()
    if q:
        like = f"%{q}%"
        query = query.where(sa.or_(CaseRecord.title.ilike(like), CaseRecord.problem.ilike(like),
                                   CaseRecord.lessons.ilike(like),
                                   CaseRecord.customer.has(Customer.name.ilike(like))))
    query = query.order_by(CaseRecord.occurred_on.desc(), CaseRecord.id.desc())
    pagination = db.paginate(query, page=int_arg("page"), per_page=PER_PAGE, error_out=False)
    return render_page("care/cases.html", "care/_case_rows.html", pagination=pagination, q=q, rep=rep,
                       reps=services.reps() if current_user.is_manager else [])


@bp.route("/cases/new", methods=["GET", "POST"])
def new_case():
    """Write a case record, optionally linked to a customer (owner/manager) or a complaint (one the user sees)."""
    customer_obj, complaint_obj = _case_links(request.args.get("customer_id", type=int),
                                              request.args.get("complaint_id", type=int))
    form = CaseRecordForm()
    if request.method == "GET":
        form.occurred_on.data = company_today()
        if complaint_obj:
            form.title.data = complaint_obj.subject
            form.problem.data = complaint_obj.description
            form.actions.data = complaint_obj.resolution
    if form.validate_on_submit():
        item = CaseRecord(owner_id=current_user.id, customer_id=customer_obj.id if customer_obj else None,
                          complaint_id=complaint_obj.id if complaint_obj else None)
        _fill_case(item, form)
        db.session.add(item)
        db.session.commit()
        flash(_("Case record saved."), "success")
        return see_other(url_for("care.case", case_id=item.id))
    return render_template("care/case_form.html", form=form, item=None, customer=customer_obj,
                           complaint=complaint_obj), 422 if request.method == "POST" else 200


def _fill_case(item: CaseRecord, form: CaseRecordForm) -> None:
    item.title = form.title.data.strip()
    item.occurred_on = form.occurred_on.data
    for key in ("problem", "actions", "outcome", "lessons"):
        setattr(item, key, getattr(form, key).data.strip())


@bp.get("/cases/<int:case_id>")
def case(case_id: int):
    """One case record, printable (404 unless its author or a manager)."""
    item = _case_for_user(case_id)
    return render_template("care/case.html", item=item,
                           may_open_complaint=bool(item.complaint
                                                   and services.may_see_complaint(current_user, item.complaint)),
                           may_open_customer=bool(item.customer and owner_or_manager(item.customer.owner_id)))


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
def edit_case(case_id: int):
    """Edit a case record; a save over someone else's newer save is refused and their values shown."""
    item = _case_for_user(case_id)
    form = CaseRecordForm(obj=item if request.method == "GET" else None)
    if request.method == "GET":
        form.version_id.data = item.version_id
    status = 200
    if form.validate_on_submit():
        try:
            ensure_current(item, form.version_id.data)
        except StaleEdit:
            flash(str(StaleEdit.message), "error")
            return render_template("care/case_form.html", form=form, item=item, customer=item.customer,
                                   complaint=item.complaint, stale=True), 409
        _fill_case(item, form)
        db.session.commit()
        flash(_("Case record saved."), "success")
        return see_other(url_for("care.case", case_id=item.id))
    if request.method == "POST":
        status = 422
    return render_template("care/case_form.html", form=form, item=item, customer=item.customer,
                           complaint=item.complaint), status


# ---------------------------------------------------------------- reports


@bp.get("/reports/follow-ups")
@roles_required(*SALES)
def follow_up_report():
    """Monthly follow-up report (回访报告): a rep's follow-up visits in the month against the target.

    Reps see their own; a manager sees the team's counts and any rep's list (404 for a rep asking for another).
    """
    year, month = services.parse_month(request.args.get("month"))
    asked = request.args.get("rep", type=int)
    if asked:
        require_owner_or_manager(asked)
    rep_id = asked or (None if current_user.is_manager else current_user.id)
    target = get_setting("target_followup_visits")
    rep = db.session.get(User, rep_id) if rep_id else None
    if rep_id and rep is None:
        abort(404)
    visits = []
    if rep:
        visits = db.session.scalars(
            services.follow_up_visits_query(rep.id, year, month)
            .options(so.joinedload(Interaction.customer), so.joinedload(Interaction.contact))
            .order_by(Interaction.occurred_at)).all()
    team = []
    if current_user.is_manager:
        start, end = services.day_bounds_utc(*services.month_range(year, month))
        counts = dict(db.session.execute(
            sa.select(Interaction.user_id, sa.func.count()).where(
                Interaction.is_follow_up_visit, Interaction.occurred_at >= start, Interaction.occurred_at < end)
            .group_by(Interaction.user_id)).all())
        team = [(u, counts.get(u.id, 0)) for u in services.reps()]
    return render_template("care/follow_up_report.html", year=year, month=month, rep=rep, visits=visits,
                           team=team, target=target, reps=services.reps() if current_user.is_manager else [],
                           month_value=f"{year:04d}-{month:02d}")


# ---------------------------------------------------------------- sections of the customers area's customer page


def _works_on(customer: Customer, user) -> bool:
    return user.has_role(*SALES) and (user.is_manager or customer.owner_id == user.id)


def _quick_add_section(customer: Customer, user):
    return {"form": _interaction_form(customer)} if _works_on(customer, user) else None


def _timeline_section(customer: Customer, user):
    return _timeline_context(customer) if _works_on(customer, user) else None


def _complaints_section(customer: Customer, user):
    return _complaints_context(customer) if _works_on(customer, user) else None


def _surveys_section(customer: Customer, user):
    return _surveys_context(customer) if _works_on(customer, user) else None


try:
    from app.customers.sections import customer_section
except ImportError:  # without the customers area's page, /care/customers/<id> stands alone
    customer_section = None

if customer_section is not None:
    customer_section("care_quick_add", 20, "care/_section_quick_add.html", _quick_add_section)
    customer_section("care_timeline", 21, "care/_section_timeline.html", _timeline_section)
    customer_section("care_complaints", 40, "care/_section_complaints.html", _complaints_section)
    customer_section("care_surveys", 45, "care/_section_surveys.html", _surveys_section)
