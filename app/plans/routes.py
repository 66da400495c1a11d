"""Sales plans and targets (D2): the target grid, plans with tasks and approval, progress against target."""
import sqlalchemy as sa
import sqlalchemy.orm as so
from babel.dates import format_skeleton, get_month_names
from flask import abort, flash, make_response, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import User
from app.core.access import require_owner_or_manager, roles_required
from app.core.audit import history
from app.core.calendar import company_today
from app.core.forms import choices
from app.core.i18n import country_choices
from app.core.locking import StaleEdit, ensure_current
from app.core.models import AuditLog, utcnow
from app.core.notify import N_, notify
from app.core.settings import base_currency
from app.core.views import int_arg, render_page, see_other, wants_fragment
from app.extensions import db
from app.plans import bp, documents, panels, seed  # noqa: F401 - panels and seed register themselves
from app.plans.forms import AdjustmentForm, PlanForm, ReviewForm, TaskDoneForm, TaskForm
from app.plans.models import (
    PLAN_KINDS,
    PLAN_STATUSES,
    TASK_STATUSES,
    PlanAdjustment,
    PlanTask,
    SalesPlan,
    SalesTarget,
)
from app.plans.services import (
    MONTH_SLOTS,
    QUARTER_SLOTS,
    Period,
    TargetInputError,
    active_reps,
    chart,
    contracts_available,
    parse_customer_target,
    parse_target_amount,
    period_days,
    plan_period,
    progress_for,
    set_target,
    targets_for,
    team_cells,
)
from app.research.models import ResearchReport

MEASURES = ("amount", "customers")


def _month_labels() -> list[str]:
    names = get_month_names("abbreviated", locale=get_locale())
    return [names[m] for m in range(1, 13)]


def _columns() -> list[tuple[str, str]]:
    labels = _month_labels()
    out = []
    for q in range(1, 5):
        out += [(f"m{m}", labels[m - 1]) for m in range(3 * q - 2, 3 * q + 1)]
        out.append((f"q{q}", f"Q{q}"))
    out.append(("year", _("Full year")))
    return out


# --- targets -------------------------------------------------------------------------------------

def _year_arg() -> int:
    return int_arg("year", company_today().year, 2000, 2100)


def _measure_arg(source=None) -> str:
    value = (source or request.args).get("measure", "amount")
    return value if value in MEASURES else "amount"


def _grid_context(year: int, measure: str, editing: tuple[int, str] | None = None, **extra) -> dict:
    reps = active_reps() if current_user.is_manager else [current_user]
    targets = targets_for(reps, year)
    return dict(year=year, measure=measure, reps=list(targets.values()), team=team_cells(targets, measure),
                columns=_columns(), can_edit=current_user.is_manager, editing=editing, currency=base_currency(),
                **extra)


@bp.get("/targets")
def targets():
    """The year × reps target grid; the manager edits cells inline, a rep sees only their own row."""
    year, measure = _year_arg(), _measure_arg()
    editing = None
    if current_user.is_manager and ":" in request.args.get("edit", ""):
        uid, _sep, slot = request.args["edit"].partition(":")
        if uid.isdigit() and slot in MONTH_SLOTS + QUARTER_SLOTS:
            editing = (int(uid), slot)
    return render_page("plans/targets.html", "plans/_targets_grid.html", **_grid_context(year, measure, editing))


def _cell_args(source) -> tuple[User, int, str, str]:
    """The rep, year, slot and measure a cell request names; 404 for anything else."""
    try:
        user_id, year = int(source.get("user_id", "")), int(source.get("year", ""))
    except ValueError:
        abort(404)
    slot, measure = source.get("slot", ""), source.get("measure", "")
    rep = db.session.get(User, user_id)
    if (rep is None or not rep.has_role("rep") or slot not in MONTH_SLOTS + QUARTER_SLOTS
            or measure not in MEASURES or not 2000 <= year <= 2100):
        abort(404)
    return rep, year, slot, measure


def _render_row(rep: User, year: int, measure: str, editing: str | None = None, status: int = 200, **extra):
    rep_targets = targets_for([rep], year)[rep.id]
    html = render_template("plans/_target_row.html", rt=rep_targets, year=year, measure=measure, columns=_columns(),
                           can_edit=True, editing=(rep.id, editing) if editing else None,
                           currency=base_currency(), **extra)
    reps = active_reps() if status == 200 and editing is None else []
    if len(reps) > 1:
        all_targets = targets_for(reps, year)
        html += render_template("plans/_targets_foot.html", team=team_cells(all_targets, measure), oob=True,
                                year=year, measure=measure)
    response = make_response(html, status)
    response.headers.add("Vary", "HX-Request")
    return response


@bp.get("/targets/row")
@roles_required("manager")
def target_row():
    """One rep's row of the grid (used to cancel an inline edit)."""
    rep, year, _slot, measure = _cell_args({**request.args, "slot": "m1"})
    return _render_row(rep, year, measure)


@bp.route("/targets/cell", methods=["GET", "POST"])
@roles_required("manager")
def target_cell():
    """Edit one cell of the grid: a month amount, a quarter override (empty = sum of months) or a customer count.

    Amounts are in the base currency, ≥ 0, with at most its decimals; every change is audited.
    """
    source = request.form if request.method == "POST" else request.args
    rep, year, slot, measure = _cell_args(source)
    if request.method == "GET":
        if not wants_fragment():
            return see_other(url_for("plans.targets", year=year, measure=measure, edit=f"{rep.id}:{slot}"))
        cell = targets_for([rep], year)[rep.id].cell(slot, measure)
        return _render_row(rep, year, measure, slot, typed=_cell_text(cell, slot))
    typed = source.get("value", "")
    currency = base_currency()
    row = targets_for([rep], year)[rep.id].rows.get(slot)
    try:
        if (row.version_id if row else 0) != int(source.get("version_id", "-1") or -1):
            raise StaleEdit()
        value = parse_target_amount(typed, currency) if measure == "amount" else parse_customer_target(typed)
    except StaleEdit as exc:
        return _cell_failed(rep, year, slot, measure, typed, str(exc.message), 409)
    except (TargetInputError, ValueError) as exc:
        message = str(exc.message) if isinstance(exc, TargetInputError) else _("Enter a valid value.")
        return _cell_failed(rep, year, slot, measure, typed, message, 422)
    set_target(rep.id, year, slot, measure, value, current_user.id)
    db.session.commit()
    if not wants_fragment():
        flash(_("Target saved."), "success")
        return see_other(url_for("plans.targets", year=year, measure=measure))
    return _render_row(rep, year, measure)


def _cell_text(cell, slot: str) -> str:
    if cell.value is None or (slot.startswith("q") and not cell.overridden):
        return ""
    return str(cell.value)


def _cell_failed(rep, year, slot, measure, typed, message, status):
    if wants_fragment():
        return _render_row(rep, year, measure, slot, status, typed=typed, error=message)
    context = _grid_context(year, measure, (rep.id, slot), typed=typed, error=message)
    response = make_response(render_template("plans/targets.html", **context), status)
    return response


@bp.get("/targets/history")
@roles_required("manager")
def target_history():
    """Every change to the targets of a year, newest first (from the audit log)."""
    year = _year_arg()
    ids = sa.select(SalesTarget.id).where(SalesTarget.year == year)
    query = (sa.select(AuditLog).where(AuditLog.entity == "sales_target", AuditLog.entity_id.in_(ids))
             .order_by(AuditLog.at.desc(), AuditLog.id.desc()))
    pagination = db.paginate(query, page=int_arg("page"), per_page=50, error_out=False)
    rows = {t.id: t for t in db.session.scalars(
        sa.select(SalesTarget).where(SalesTarget.id.in_({e.entity_id for e in pagination.items}))
        .options(so.joinedload(SalesTarget.user)))}
    return render_page("plans/target_history.html", "plans/_target_history_rows.html", pagination=pagination,
                       targets=rows, year=year, month_labels=_month_labels())


# --- plans ---------------------------------------------------------------------------------------

def _plan_or_404(plan_id: int) -> SalesPlan:
    """The plan if the current user owns it or is a manager; 404 otherwise."""
    plan = db.session.get(SalesPlan, plan_id)
    if plan is None:
        abort(404)
    require_owner_or_manager(plan.owner_id)
    return plan


def _owner_arg() -> int | None:
    value = request.args.get("owner_id", "")
    return int(value) if value.isdigit() else None


@bp.get("/")
def index():
    """Plans: a rep's own, or the whole team's for a manager; filtered and paged as an htmx partial."""
    status = request.args.get("status", "")
    kind = request.args.get("kind", "")
    year = request.args.get("year", "")
    owner_id = _owner_arg() if current_user.is_manager else None
    task_stats = (sa.select(PlanTask.plan_id, sa.func.count(PlanTask.id).label("total"),
                            sa.func.sum(sa.case((PlanTask.status == "done", 1), else_=0)).label("done"))
                  .where(PlanTask.status != "cancelled").group_by(PlanTask.plan_id).subquery())
    query = (sa.select(SalesPlan, task_stats.c.total, task_stats.c.done)
             .outerjoin(task_stats, task_stats.c.plan_id == SalesPlan.id)
             .options(so.joinedload(SalesPlan.owner)))
    if not current_user.is_manager:
        query = query.where(SalesPlan.owner_id == current_user.id)
    elif owner_id:
        query = query.where(SalesPlan.owner_id == owner_id)
    if status in PLAN_STATUSES:
        query = query.where(SalesPlan.status == status)
    if kind in PLAN_KINDS:
        query = query.where(SalesPlan.kind == kind)
    if year.isdigit():
        query = query.where(SalesPlan.year == int(year))
    query = query.order_by(sa.case((SalesPlan.status == "submitted", 0), else_=1), SalesPlan.year.desc(),
                           sa.func.coalesce(SalesPlan.month, SalesPlan.quarter * 3).desc(), SalesPlan.id.desc())
    page = int_arg("page")
    per_page = 30
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    pagination = _Page(page, per_page, total)
    reps = active_reps() if current_user.is_manager else []
    return render_page("plans/index.html", "plans/_plan_rows.html", rows=rows, pagination=pagination,
                       statuses=PLAN_STATUSES, kinds=PLAN_KINDS, reps=reps,
                       filters={"status": status, "kind": kind, "year": year, "owner_id": owner_id})


class _Page:
    """The bits of a Flask-SQLAlchemy pagination the pager macro reads, for a multi-column query."""

    def __init__(self, page: int, per_page: int, total: int):
        self.page, self.per_page, self.total = page, per_page, total
        self.pages = max(1, -(-total // per_page))
        self.has_prev, self.has_next = page > 1, page < self.pages
        self.prev_num, self.next_num = page - 1, page + 1


def _plan_form_choices(form: PlanForm, owner_id: int) -> None:
    from app.pricing.models import Product

    form.markets.choices = choices(country_choices())
    products = db.session.scalars(sa.select(Product).where(Product.active.is_(True)).order_by(Product.sku))
    form.product_ids.choices = choices((p.id, p.display_name) for p in products)
    form.research_report_ids.choices = choices(_research_choices(owner_id))


def _research_choices(owner_id: int):
    """The plan owner's own research reports, newest first."""
    reports = db.session.scalars(sa.select(ResearchReport).where(ResearchReport.owner_id == owner_id)
                                 .order_by(ResearchReport.period_end_on.desc(), ResearchReport.id.desc()))
    return [(r.id, f"{r.title} ({r.period_start_on.isoformat()} – {r.period_end_on.isoformat()})") for r in reports]


def _validate_period(form: PlanForm, owner_id: int, plan_id: int | None) -> bool:
    kind, year = form.kind.data, form.year.data
    column = SalesPlan.month if kind == "monthly" else SalesPlan.quarter
    number = form.month.data if kind == "monthly" else form.quarter.data
    clash = db.session.scalar(sa.select(SalesPlan.id).where(SalesPlan.owner_id == owner_id, SalesPlan.year == year,
                                                            SalesPlan.kind == kind, column == number,
                                                            SalesPlan.id != (plan_id or 0)))
    if clash:
        form.year.errors.append(_("You already have a plan for this period."))
        return False
    return True


def _apply_plan_form(form: PlanForm, plan: SalesPlan) -> None:
    from app.pricing.models import Product

    plan.kind = form.kind.data
    plan.year = form.year.data
    plan.month = form.month.data if plan.kind == "monthly" else None
    plan.quarter = form.quarter.data if plan.kind == "quarterly" else None
    plan.strategy = (form.strategy.data or "").strip()
    plan.markets = ",".join(sorted(set(form.markets.data or [])))
    wanted = set(form.product_ids.data or [])
    plan.products = list(db.session.scalars(sa.select(Product).where(Product.id.in_(wanted)))) if wanted else []
    wanted = set(form.research_report_ids.data or [])
    plan.research_reports = list(db.session.scalars(
        sa.select(ResearchReport).where(ResearchReport.id.in_(wanted)))) if wanted else []


@bp.route("/new", methods=["GET", "POST"])
def new_plan():
    """A rep starts a monthly or quarterly plan for themselves (one per period)."""
    form = PlanForm()
    _plan_form_choices(form, current_user.id)
    today = company_today()
    if request.method == "GET":
        form.kind.data = request.args.get("kind") if request.args.get("kind") in PLAN_KINDS else "monthly"
        form.year.data = today.year
        form.month.data = today.month
        form.quarter.data = (today.month - 1) // 3 + 1
    if form.validate_on_submit() and _validate_period(form, current_user.id, None):
        plan = SalesPlan(owner_id=current_user.id, status="draft")
        _apply_plan_form(form, plan)
        db.session.add(plan)
        db.session.commit()
        flash(_("Plan created. Add its tasks, then submit it for approval."), "success")
        return see_other(url_for("plans.plan", plan_id=plan.id))
    return render_template("plans/plan_form.html", form=form, plan=None), 200 if request.method == "GET" else 422


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
def edit_plan(plan_id: int):
    """Edit a draft or returned plan (the owner only); approved plans change through adjustment notes."""
    plan = _plan_or_404(plan_id)
    if plan.owner_id != current_user.id:
        abort(403)
    if not plan.editable:
        flash(_("This plan can no longer be edited."), "error")
        return see_other(url_for("plans.plan", plan_id=plan.id))
    form = PlanForm(obj=plan)
    _plan_form_choices(form, plan.owner_id)
    if request.method == "GET":
        form.month.data = plan.month or plan.first_day.month
        form.quarter.data = plan.quarter or (plan.first_day.month - 1) // 3 + 1
        form.markets.data = plan.market_codes
        form.product_ids.data = [p.id for p in plan.products]
        form.research_report_ids.data = [r.id for r in plan.research_reports]
    status = 200
    if form.validate_on_submit():
        try:
            ensure_current(plan, form.version_id.data)
        except StaleEdit as exc:
            flash(str(exc.message), "error")
            form.version_id.data = plan.version_id
            status = 409
        else:
            if _validate_period(form, plan.owner_id, plan.id):
                _apply_plan_form(form, plan)
                db.session.commit()
                flash(_("Plan saved."), "success")
                return see_other(url_for("plans.plan", plan_id=plan.id))
    if request.method == "POST" and status == 200:
        status = 422
    return render_template("plans/plan_form.html", form=form, plan=plan), status


def _task_owner_choices(default_id: int):
    users = db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.full_name, User.username))
    pairs = [(u.id, u.display_name) for u in users]
    pairs.sort(key=lambda p: p[0] != default_id)
    return choices(pairs)


@bp.get("/<int:plan_id>")
def plan(plan_id: int):
    """A plan with its tasks, adjustment notes and target progress (owner or manager; 404 otherwise)."""
    plan = db.session.scalar(
        sa.select(SalesPlan).where(SalesPlan.id == plan_id)
        .options(so.joinedload(SalesPlan.owner), so.selectinload(SalesPlan.tasks).joinedload(PlanTask.owner),
                 so.selectinload(SalesPlan.adjustments).joinedload(PlanAdjustment.author),
                 so.selectinload(SalesPlan.products)))
    if plan is None:
        abort(404)
    require_owner_or_manager(plan.owner_id)
    return _render_plan(plan)


def _render_plan(plan: SalesPlan, task_form: TaskForm | None = None, review_form: ReviewForm | None = None,
                 status: int = 200):
    today = company_today()
    task_form = task_form or TaskForm(formdata=None)
    task_form.owner_id.choices = _task_owner_choices(plan.owner_id)
    if task_form.due_on.data is None and not task_form.errors:
        task_form.owner_id.data = plan.owner_id
    review_form = review_form or ReviewForm(formdata=None, version_id=plan.version_id)
    review_form.version_id.data = plan.version_id
    period = plan_period(plan)
    rows, _team = progress_for([plan.owner], period, today)
    return render_template(
        "plans/plan.html", plan=plan, today=today, task_form=task_form, review_form=review_form,
        done_form=TaskDoneForm(formdata=None, done_on=today), statuses=PLAN_STATUSES, kinds=PLAN_KINDS,
        task_statuses=TASK_STATUSES, progress=rows[0], is_owner=plan.owner_id == current_user.id,
        audit=history(db.session, "sales_plan", plan.id) if current_user.is_manager else [],
        contracts_available=contracts_available(), currency=base_currency(),
    ), status


@bp.post("/<int:plan_id>/delete")
def delete_plan(plan_id: int):
    """The owner deletes a draft that was never submitted."""
    plan = _plan_or_404(plan_id)
    if plan.owner_id != current_user.id:
        abort(403)
    if plan.status != "draft":
        flash(_("Only a draft that was never submitted can be deleted."), "error")
        return see_other(url_for("plans.plan", plan_id=plan.id))
    db.session.delete(plan)
    db.session.commit()
    flash(_("Plan deleted."), "success")
    return see_other(url_for("plans.index"))


@bp.post("/<int:plan_id>/tasks")
def add_task(plan_id: int):
    """Add a task to a draft or returned plan; the due date must fall in the plan's period."""
    plan = _plan_or_404(plan_id)
    if plan.owner_id != current_user.id:
        abort(403)
    if not plan.editable:
        flash(_("Tasks of a submitted or approved plan change only through an adjustment note."), "error")
        return see_other(url_for("plans.plan", plan_id=plan.id))
    form = TaskForm()
    form.owner_id.choices = _task_owner_choices(plan.owner_id)
    if form.validate_on_submit() and _due_in_period(form.due_on, plan):
        db.session.add(PlanTask(plan_id=plan.id, owner_id=form.owner_id.data, title=form.title.data.strip(),
                                due_on=form.due_on.data, status="open"))
        plan.updated_at = utcnow()
        db.session.commit()
        flash(_("Task added."), "success")
        return see_other(url_for("plans.plan", plan_id=plan.id) + "#tasks")
    return _render_plan(plan, task_form=form, status=422)


def _due_in_period(field, plan: SalesPlan) -> bool:
    period = plan_period(plan)
    if field.data and not period.first <= field.data <= period.last:
        field.errors.append(_("The due date must fall within the plan period (%(first)s – %(last)s).",
                              first=period.first.isoformat(), last=period.last.isoformat()))
        return False
    return True


def _task_or_404(task_id: int) -> PlanTask:
    task = db.session.get(PlanTask, task_id)
    if task is None:
        abort(404)
    if task.owner_id != current_user.id:
        require_owner_or_manager(task.plan.owner_id)
    return task


def _back_to(task: PlanTask) -> str:
    if owner_or_manager_of(task.plan):
        return url_for("plans.plan", plan_id=task.plan_id) + "#tasks"
    return url_for("home.index")


def owner_or_manager_of(plan: SalesPlan) -> bool:
    return current_user.is_manager or plan.owner_id == current_user.id


@bp.post("/tasks/<int:task_id>/delete")
def delete_task(task_id: int):
    """Remove a task from a draft or returned plan (the plan owner)."""
    task = _task_or_404(task_id)
    if task.plan.owner_id != current_user.id:
        abort(403)
    if not task.plan.editable:
        flash(_("Tasks of a submitted or approved plan change only through an adjustment note."), "error")
    else:
        db.session.delete(task)
        db.session.commit()
        flash(_("Task removed."), "success")
    return see_other(_back_to(task))


@bp.post("/tasks/<int:task_id>/done")
def complete_task(task_id: int):
    """Mark a task done on a date (today by default, never in the future): its owner, the plan owner or a manager."""
    task = _task_or_404(task_id)
    form = TaskDoneForm()
    today = company_today()
    if task.status == "cancelled":
        flash(_("A cancelled task cannot be marked done."), "error")
    elif not form.validate_on_submit():
        flash(_("Enter the date the task was done."), "error")
    elif form.done_on.data > today:
        flash(_("The done date cannot be in the future."), "error")
    else:
        task.status, task.done_on = "done", form.done_on.data
        db.session.commit()
        flash(_("Task marked done."), "success")
    return see_other(_back_to(task))


@bp.post("/tasks/<int:task_id>/reopen")
def reopen_task(task_id: int):
    task = _task_or_404(task_id)
    if task.status == "done":
        task.status, task.done_on = "open", None
        db.session.commit()
        flash(_("Task reopened."), "success")
    return see_other(_back_to(task))


@bp.post("/<int:plan_id>/submit")
def submit_plan(plan_id: int):
    """The owner submits a draft or returned plan; it needs a strategy and at least one task."""
    plan = _plan_or_404(plan_id)
    if plan.owner_id != current_user.id:
        abort(403)
    if not plan.editable:
        flash(_("This plan has already been submitted."), "error")
    elif not plan.strategy.strip():
        flash(_("Write the strategy before submitting the plan."), "error")
    elif not any(t.status != "cancelled" for t in plan.tasks):
        flash(_("Add at least one task before submitting the plan."), "error")
    else:
        plan.status, plan.submitted_at = "submitted", utcnow()
        link = url_for("plans.plan", plan_id=plan.id)
        for manager in _managers():
            if manager.id != plan.owner_id:
                notify(manager.id, N_("%(name)s submitted the sales plan %(period)s for approval."), link=link,
                       name=current_user.display_name, period=plan.period_label)
        db.session.commit()
        flash(_("Plan submitted for approval."), "success")
    return see_other(url_for("plans.plan", plan_id=plan.id))


def _managers() -> list[User]:
    from app.auth.models import UserRole

    return list(db.session.scalars(sa.select(User).join(UserRole, UserRole.user_id == User.id)
                                   .where(UserRole.role == "manager", User.active.is_(True))))


def _review(plan_id: int, approve: bool):
    plan = _plan_or_404(plan_id)
    form = ReviewForm()
    if plan.owner_id == current_user.id:
        flash(_("You cannot approve or return your own plan."), "error")
        return see_other(url_for("plans.plan", plan_id=plan.id))
    if plan.status != "submitted":
        flash(_("Only a submitted plan can be approved or returned."), "error")
        return see_other(url_for("plans.plan", plan_id=plan.id))
    if not form.validate_on_submit():
        return _render_plan(plan, review_form=form, status=422)
    try:
        ensure_current(plan, form.version_id.data)
    except StaleEdit as exc:
        flash(str(exc.message), "error")
        return see_other(url_for("plans.plan", plan_id=plan.id))
    comment = (form.comment.data or "").strip()
    link = url_for("plans.plan", plan_id=plan.id)
    if approve:
        plan.status, plan.approved_at, plan.approved_by_id = "approved", utcnow(), current_user.id
        notify(plan.owner_id, N_("Your sales plan %(period)s was approved."), link=link, period=plan.period_label)
        flash(_("Plan approved."), "success")
    else:
        if not comment:
            form.comment.errors.append(_("Say what needs to change before returning the plan."))
            return _render_plan(plan, review_form=form, status=422)
        plan.status, plan.returned_at, plan.returned_by_id = "returned", utcnow(), current_user.id
        plan.return_comment = comment
        notify(plan.owner_id, N_("Your sales plan %(period)s was returned: %(comment)s"), link=link,
               period=plan.period_label, comment=comment[:150])
        flash(_("Plan returned to %(name)s.", name=plan.owner.display_name), "success")
    db.session.commit()
    return see_other(link)


@bp.post("/<int:plan_id>/approve")
@roles_required("manager")
def approve_plan(plan_id: int):
    """The manager approves a submitted plan (not their own)."""
    return _review(plan_id, approve=True)


@bp.post("/<int:plan_id>/return")
@roles_required("manager")
def return_plan(plan_id: int):
    """The manager returns a submitted plan with a comment (required); the rep is notified."""
    return _review(plan_id, approve=False)


@bp.route("/<int:plan_id>/adjust", methods=["GET", "POST"])
def adjust_plan(plan_id: int):
    """A dated adjustment note on an approved plan (调整销售策略): what changed, why, and the change itself.

    The owner or a manager; the note is kept and shown, never edited.
    """
    plan = _plan_or_404(plan_id)
    if plan.status != "approved":
        flash(_("Only an approved plan is adjusted with notes; edit drafts and returned plans directly."), "error")
        return see_other(url_for("plans.plan", plan_id=plan.id))
    form = AdjustmentForm()
    open_tasks = [t for t in plan.tasks if t.status == "open"]
    form.cancel_task_id.choices = choices([(0, "—")] + [(t.id, f"{t.title} ({t.due_on.isoformat()})")
                                                        for t in open_tasks])
    form.task_owner_id.choices = _task_owner_choices(plan.owner_id)
    today = company_today()
    if request.method == "GET":
        form.made_on.data = today
        form.strategy.data = plan.strategy
        form.version_id.data = plan.version_id
        form.task_owner_id.data = plan.owner_id
    status = 200
    if form.validate_on_submit():
        ok = True
        if form.made_on.data > today:
            form.made_on.errors.append(_("The date cannot be in the future."))
            ok = False
        if form.task_title.data and form.task_title.data.strip():
            if not form.task_due_on.data:
                form.task_due_on.errors.append(_("Enter the due date of the new task."))
                ok = False
            elif not _due_in_period(form.task_due_on, plan):
                ok = False
        try:
            ensure_current(plan, form.version_id.data)
        except StaleEdit as exc:
            flash(str(exc.message), "error")
            form.version_id.data = plan.version_id
            ok, status = False, 409
        if ok:
            new_strategy = (form.strategy.data or "").strip()
            note = PlanAdjustment(plan_id=plan.id, author_id=current_user.id, made_on=form.made_on.data,
                                  what_changed=form.what_changed.data.strip(), reason=form.reason.data.strip())
            if new_strategy and new_strategy != plan.strategy:
                note.strategy_before = plan.strategy
                plan.strategy = new_strategy
            if form.cancel_task_id.data:
                task = next((t for t in open_tasks if t.id == form.cancel_task_id.data), None)
                if task:
                    task.status = "cancelled"
            if form.task_title.data and form.task_title.data.strip():
                db.session.add(PlanTask(plan_id=plan.id, owner_id=form.task_owner_id.data or plan.owner_id,
                                        title=form.task_title.data.strip(), due_on=form.task_due_on.data))
            plan.updated_at = utcnow()
            db.session.add(note)
            if current_user.id != plan.owner_id:
                notify(plan.owner_id, N_("Your sales plan %(period)s was adjusted by %(name)s."),
                       link=url_for("plans.plan", plan_id=plan.id), period=plan.period_label,
                       name=current_user.display_name)
            db.session.commit()
            flash(_("Adjustment note saved."), "success")
            return see_other(url_for("plans.plan", plan_id=plan.id) + "#adjustments")
    if request.method == "POST" and status == 200:
        status = 422
    return render_template("plans/adjust.html", plan=plan, form=form), status


@bp.get("/<int:plan_id>/document")
def plan_document(plan_id: int):
    """The plan as a bilingual Word document (owner or manager)."""
    plan = _plan_or_404(plan_id)
    data = documents.render_plan(plan)
    filename = f"sales-plan-{plan.owner.username}-{plan.period_label}.docx"
    return send_file(data, as_attachment=True, download_name=filename,
                     mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


# --- progress ------------------------------------------------------------------------------------

def _period_title(period: Period) -> str:
    if period.is_month:
        return format_skeleton("yMMMM", period.first, locale=get_locale())
    return _("Q%(quarter)s %(year)s", quarter=period.quarter, year=period.year)


def _period_arg() -> Period:
    return Period.parse(request.args.get("period")) or Period.month_of(company_today())


@bp.get("/progress")
def progress():
    """Team progress for a month or quarter (manager); a rep sees their own progress."""
    period = _period_arg()
    if not current_user.is_manager:
        return _rep_progress(current_user, period)
    reps = active_reps()
    days = period_days(period)
    rows, team = progress_for(reps, period, days.today)
    return render_page("plans/progress.html", "plans/_progress_body.html", period=period, rows=rows, team=team,
                       days=days, chart=chart(team, days), links=period_links(period), title=_period_title(period), contracts_available=contracts_available(),
                       currency=base_currency(), month_labels=_month_labels())


@bp.get("/progress/<int:user_id>")
def rep_progress(user_id: int):
    """One rep's progress (the rep themselves or a manager; 404 otherwise)."""
    require_owner_or_manager(user_id)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return _rep_progress(user, _period_arg())


def _rep_progress(user: User, period: Period):
    days = period_days(period)
    rows, _team = progress_for([user], period, days.today)
    tasks = list(db.session.scalars(
        sa.select(PlanTask).join(SalesPlan, SalesPlan.id == PlanTask.plan_id)
        .where(SalesPlan.owner_id == user.id, SalesPlan.status == "approved", PlanTask.due_on >= period.first,
               PlanTask.due_on <= period.last)
        .options(so.contains_eager(PlanTask.plan), so.joinedload(PlanTask.owner))
        .order_by(PlanTask.due_on, PlanTask.id)))
    plans = list(db.session.scalars(
        sa.select(SalesPlan).where(SalesPlan.owner_id == user.id, SalesPlan.year == period.year,
                                   sa.or_(SalesPlan.month.in_(period.months),
                                          SalesPlan.quarter == (period.months[0] - 1) // 3 + 1))
        .order_by(SalesPlan.kind, SalesPlan.id)))
    return render_page("plans/rep_progress.html", "plans/_rep_progress_body.html", period=period, user=user,
                       row=rows[0], days=days, chart=chart(rows[0], days), links=period_links(period), title=_period_title(period), tasks=tasks, plans=plans,
                       today=days.today, contracts_available=contracts_available(), currency=base_currency(),
                       task_statuses=TASK_STATUSES, statuses=PLAN_STATUSES, kinds=PLAN_KINDS,
                       month_labels=_month_labels())


def period_links(period: Period) -> dict:
    today = company_today()
    return {"prev": period.shifted(-1).key, "next": period.shifted(1).key,
            "month": (Period.month_of(today) if not period.is_month else period).key,
            "quarter": Period.quarter_of(period.first).key if period.is_month else period.key,
            "this_month": Period.month_of(today).key, "this_quarter": Period.quarter_of(today).key}
