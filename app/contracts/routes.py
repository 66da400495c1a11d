"""Contracts (外贸合同): drafting, compliance review, finance's payment-term approval, sending, signing,
amendments, documents, change log and review report.

Every view that loads a contract answers 404 to anyone who may not see it (``services.can_view``) and
403 to a viewer whose role may not perform the action.
"""
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, current_app, flash, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.contracts import bp, payments, services, texts
from app.contracts import documents as contract_documents
from app.contracts.forms import (
    AmendForm,
    ContractForm,
    NoteForm,
    PaymentDecisionForm,
    ReasonForm,
    ReviewForm,
    SignForm,
)
from app.contracts.models import (
    CHECKLIST,
    INSTALMENT_KINDS,
    RESULTS,
    STATUSES,
    ComplianceReview,
    Contract,
    ContractEvent,
    ContractVersion,
    PaymentTermsApproval,
)
from app.core import workdays
from app.core.calendar import company_today, overrides, to_company_date
from app.core.i18n import country_choices
from app.core.locking import StaleEdit, ensure_current
from app.core.registry import home_panel
from app.core.uploads import register_file_access
from app.core.views import int_arg, render_page, see_other
from app.customers.models import Customer
from app.extensions import db
from app.pricing.models import Product

EXTRA_LINE_ROWS = 2


def _may_download(user, contract_id) -> bool:
    contract = db.session.get(Contract, contract_id)
    return contract is not None and services.can_view(contract, user)


register_file_access("contract", _may_download)

from app.contracts import seed  # noqa: E402,F401  (registers the demo-data seeder)

# --------------------------------------------------------------------------- helpers

def _load(contract_id: int) -> Contract:
    """The contract with its versions, lines, reviews and timeline; 404 unless the user may see it."""
    contract = db.session.scalar(
        sa.select(Contract).where(Contract.id == contract_id).options(
            so.joinedload(Contract.customer), so.joinedload(Contract.owner),
            so.selectinload(Contract.versions).selectinload(ContractVersion.lines),
            so.selectinload(Contract.versions).joinedload(ContractVersion.created_by),
            so.selectinload(Contract.reviews).joinedload(ComplianceReview.reviewer),
            so.selectinload(Contract.events).joinedload(ContractEvent.user)))
    if contract is None or not services.can_view(contract, current_user):
        abort(404)
    return contract


def _load_version(contract_id: int, version_no: int | None = None) -> tuple[Contract, ContractVersion]:
    """The contract and one version with its lines, for its Word file (no reviews or timeline); 404 unless the
    user may see it or the version does not exist."""
    contract = db.session.get(Contract, contract_id)
    if contract is None or not services.can_view(contract, current_user):
        abort(404)
    version = db.session.scalar(sa.select(ContractVersion).where(
        ContractVersion.contract_id == contract.id,
        ContractVersion.version_no == (contract.current_version_no if version_no is None else version_no))
        .options(so.selectinload(ContractVersion.lines)))
    if version is None:
        abort(404)
    return contract, version


def _require(contract: Contract, action: str) -> None:
    """403 when the user may see the contract but not perform ``action`` on it now."""
    if action not in services.allowed_actions(contract, current_user):
        abort(403)


def _refused(contract: Contract, message):
    flash(message, "error")
    return see_other(url_for("contracts.detail", contract_id=contract.id))


def _commit_or_stale() -> bool:
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        flash(str(StaleEdit.message), "error")
        return False
    return True


def _product_pairs():
    rows = db.session.execute(sa.select(Product.id, Product.sku, Product.name_en, Product.name_zh)
                              .where(Product.active).order_by(Product.sku))
    return [(pid, f"{sku} · {name_zh if _zh() and name_zh else name_en}") for pid, sku, name_en, name_zh in rows]


def _zh() -> bool:
    from app.core.i18n import is_zh

    return is_zh()


def _customer_choices():
    query = sa.select(Customer.id, Customer.name, Customer.local_name).order_by(Customer.name)
    if current_user.is_manager:
        query = query.where(Customer.owner_id.is_not(None)).limit(1000)
    else:
        query = query.where(Customer.owner_id == current_user.id)
    return [(cid, f"{name} ({local})" if local else name) for cid, name, local in db.session.execute(query)]


def _waiting(contracts) -> dict[int, int]:
    """Working days since the current submission, for many contracts with one calendar query."""
    dated = {c.id: to_company_date(c.submitted_at) for c in contracts if c.submitted_at}
    if not dated:
        return {}
    today = company_today()
    known = overrides(min(dated.values()), today)
    return {cid: workdays.working_days_between(day, today, known) for cid, day in dated.items()}


def _turnaround(contracts) -> dict[int, int]:
    dated = {c.id: (to_company_date(c.first_submitted_at), c.signed_on or company_today())
             for c in contracts if c.first_submitted_at}
    if not dated:
        return {}
    known = overrides(min(a for a, _b in dated.values()), max(b for _a, b in dated.values()))
    return {cid: workdays.working_days_between(a, b, known) for cid, (a, b) in dated.items()}


def _form_for(version: ContractVersion | None, formdata=None, data: dict | None = None, extra: int = 0):
    """The contract form, filled from the request, a version or initial ``data``."""
    if formdata is not None:
        form = ContractForm(formdata=formdata)
    elif version is not None:
        form = ContractForm(obj=version)
        form.documents_required.data = version.documents_list
        for name in ("more_or_less_percent", "deposit_percent", "insurance_percent"):
            getattr(form, name).data = _plain(getattr(version, name))
        while len(form.lines.entries):
            form.lines.pop_entry()
        for line in version.lines:
            form.lines.append_entry({"product_id": line.product_id or 0, "hs_code": line.hs_code,
                                     "description_en": line.description_en, "description_zh": line.description_zh,
                                     "quantity": _plain(line.quantity), "unit": line.unit,
                                     "unit_price_amount": _plain(line.unit_price_amount)})
        form.version_id.data = version.version_id
    else:
        form = ContractForm(data={k: v for k, v in (data or {}).items() if k != "documents_required"})
        form.documents_required.data = [c for c in (data or {}).get("documents_required", "").split(",") if c]
    if formdata is None:
        for _i in range(EXTRA_LINE_ROWS):
            form.lines.append_entry()
    for _i in range(extra):
        form.lines.append_entry()
    form.setup(country_choices(), _product_pairs())
    return form


def _plain(value: Decimal | None) -> Decimal | None:
    """6000.000 → 6000 (not 6E+3) so that the form shows what a person would type."""
    return None if value is None else Decimal(services.plain_number(value))


def _check(form: ContractForm):
    """Run the field and cross-field rules; (terms, lines) when valid, else None with errors on the form."""
    valid = form.validate()
    terms = services.normalise(form.terms())
    lines = form.line_values()
    services.fill_from_products(lines)
    errors = services.term_errors(terms)
    for field, messages in errors.items():
        getattr(form, field).errors = list(getattr(form, field).errors) + messages
    overall, per_line = services.line_errors(lines)
    form.line_problems = overall
    if per_line:
        filled = [entry for entry in form.lines if not entry.form.is_blank()]
        for index, errs in per_line.items():
            for field, messages in errs.items():
                sub = getattr(filled[index].form, field)
                sub.errors = list(sub.errors) + messages
    if not valid or errors or overall or per_line:
        return None
    return terms, lines


def _returned_comments(contract: Contract) -> dict[str, list[tuple[str, str]]]:
    """Legal's comments of the latest return of the current version, keyed by the form field they concern."""
    review = services.latest_review(contract, contract.current_version_no)
    if review is None or review.passed:
        return {}
    by_field: dict[str, list[tuple[str, str]]] = {}
    for item, comment in (review.item_comments or {}).items():
        for field in services.CHECKLIST_FIELDS.get(item, ()):
            by_field.setdefault(field, []).append((str(CHECKLIST.get(item, item)), comment))
    return by_field


# --------------------------------------------------------------------------- list

@bp.get("/")
def index():
    """Contracts the user may see, filtered by status and text, newest first."""
    status = request.args.get("status", "")
    q = (request.args.get("q") or "").strip()
    owner_id = int_arg("owner", 0, minimum=0)
    query = services.visible_contracts_query(current_user).options(
        so.joinedload(Contract.customer), so.joinedload(Contract.owner))
    if status in STATUSES:
        query = query.where(Contract.status == status)
    elif status == "open":
        query = query.where(Contract.status.not_in(("closed", "cancelled")))
    if q:
        like = f"%{q}%"
        query = query.join(Customer, Customer.id == Contract.customer_id).where(
            sa.or_(Contract.number.ilike(like), Customer.name.ilike(like), Customer.local_name.ilike(like)))
    if owner_id and current_user.has_role("manager", "finance", "legal"):
        query = query.where(Contract.owner_id == owner_id)
    query = query.order_by(Contract.updated_at.desc(), Contract.id.desc())
    pagination = db.paginate(query, page=int_arg("page"), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    owners = []
    if current_user.has_role("manager", "finance", "legal"):
        from app.auth.models import User, UserRole

        owners = db.session.execute(sa.select(User.id, User.full_name, User.username)
                                    .join(UserRole, UserRole.user_id == User.id)
                                    .where(UserRole.role == "rep").order_by(User.username)).all()
    return render_page("contracts/index.html", "contracts/_rows.html", pagination=pagination, statuses=STATUSES,
                       status=status, q=q, owner_id=owner_id, owners=owners,
                       waiting=_waiting(pagination.items), limit=services.turnaround_limit(),
                       may_create=current_user.has_role("rep", "manager"))


# --------------------------------------------------------------------------- create and edit

@bp.route("/new", methods=["GET", "POST"])
def new():
    """Draft a contract for one of the user's customers (reps and managers; 403 otherwise)."""
    if not current_user.has_role("rep", "manager"):
        abort(403)
    customer_id = request.args.get("customer_id", type=int) or request.form.get("customer_id", type=int)
    if not customer_id:
        return render_template("contracts/new.html", customers=_customer_choices())
    customer = db.session.get(Customer, customer_id)
    if customer is None or not (current_user.is_manager or customer.owner_id == current_user.id):
        abort(404)
    if request.method == "POST":
        form = _form_for(None, formdata=request.form, extra=3 if "add_lines" in request.form else 0)
        if "add_lines" not in request.form:
            checked = _check(form)
            if checked:
                terms, lines = checked
                owner_id = customer.owner_id or current_user.id
                contract = services.create_contract(customer, owner_id, current_user, terms, lines)
                db.session.commit()
                flash(_("Contract %(number)s drafted.", number=contract.number), "success")
                return see_other(url_for("contracts.detail", contract_id=contract.id))
        status = 200 if "add_lines" in request.form else 422
        return render_template("contracts/form.html", form=form, contract=None, customer=customer,
                               comments={}), status
    form = _form_for(None, data=services.initial_terms(customer))
    return render_template("contracts/form.html", form=form, contract=None, customer=customer, comments={})


@bp.route("/from-quotation/<int:quotation_id>", methods=["GET", "POST"])
def create_from_quotation(quotation_id: int):
    """Draft a contract from an accepted quotation: its lines, currency, Incoterm, transport and payment kind.

    GET shows what will be copied and asks for confirmation; POST drafts. Reps for their own
    quotations, managers for any (404 otherwise); an existing contract of the quotation is opened
    instead of drafting a second one.
    """
    from app.pricing.services import quotation_for_contract

    if not current_user.has_role("rep", "manager"):
        abort(403)
    try:
        quotation = quotation_for_contract(quotation_id)
    except LookupError:
        abort(404)
    if not (current_user.is_manager or quotation["owner_id"] == current_user.id):
        abort(404)
    if request.method == "GET":
        return render_template("contracts/from_quotation.html", quotation=quotation, services=services,
                               customer=db.session.get(Customer, quotation["customer_id"]),
                               back_link=_endpoint_url("pricing.show_quotation", quotation_id=quotation_id))
    existing = db.session.scalar(sa.select(Contract).where(Contract.quotation_id == quotation_id,
                                                           Contract.status != "cancelled"))
    if existing is not None:
        flash(_("Contract %(number)s was already drafted from this quotation.", number=existing.number), "info")
        return see_other(url_for("contracts.detail", contract_id=existing.id))
    customer = db.session.get(Customer, quotation["customer_id"]) or abort(404)
    terms, lines = services.terms_from_quotation(customer, quotation)
    contract = services.create_contract(customer, quotation["owner_id"], current_user, terms, lines,
                                        quotation_id=quotation_id)
    db.session.commit()
    flash(_("Contract %(number)s drafted from quotation %(quotation)s: complete the ports, shipment date and "
            "payment details, then submit it for review.", number=contract.number, quotation=quotation["number"]),
          "success")
    if quotation.get("payment_terms_note"):
        flash(_("Payment note of the quotation: %(note)s", note=quotation["payment_terms_note"]), "info")
    return see_other(url_for("contracts.edit", contract_id=contract.id))


@bp.route("/<int:contract_id>/edit", methods=["GET", "POST"])
def edit(contract_id: int):
    """Edit the current version while it is a draft or returned; a stale form is refused (409)."""
    contract = _load(contract_id)
    _require(contract, "edit")
    version = contract.current_version
    comments = _returned_comments(contract)
    if request.method == "POST":
        form = _form_for(None, formdata=request.form, extra=3 if "add_lines" in request.form else 0)
        if "add_lines" in request.form:
            return render_template("contracts/form.html", form=form, contract=contract,
                                   customer=contract.customer, comments=comments)
        try:
            ensure_current(version, form.version_id.data)
        except StaleEdit as exc:
            newer = _newer_values(version, form)
            form.version_id.data = version.version_id
            flash(str(exc.message), "error")
            return render_template("contracts/form.html", form=form, contract=contract, customer=contract.customer,
                                   comments=comments, newer=newer), 409
        checked = _check(form)
        if checked:
            terms, lines = checked
            services.apply_terms(version, terms, lines)
            if _commit_or_stale():
                flash(_("Contract %(number)s saved.", number=contract.number), "success")
            return see_other(url_for("contracts.detail", contract_id=contract.id))
        return render_template("contracts/form.html", form=form, contract=contract, customer=contract.customer,
                               comments=comments), 422
    form = _form_for(version)
    return render_template("contracts/form.html", form=form, contract=contract, customer=contract.customer,
                           comments=comments)


def _newer_values(version: ContractVersion, form: ContractForm) -> list[tuple[str, str, str]]:
    """(field, value saved by the other person, value in this form) for the terms that differ."""
    mine = services.normalise(form.terms())
    out = []
    for field, label in services.TERM_FIELDS.items():
        saved = getattr(version, field)
        if services._canonical(saved) != services._canonical(mine.get(field)):
            out.append((str(label), services.display_value(field, saved), services.display_value(field,
                                                                                                 mine.get(field))))
    saved_lines = [services._line_text(li, version.currency) for li in version.lines]
    out += [(_("Line %(n)s", n=i), text, "") for i, text in enumerate(saved_lines, start=1)]
    return out


# --------------------------------------------------------------------------- detail

@bp.get("/<int:contract_id>")
def detail(contract_id: int):
    contract = _load(contract_id)
    version = contract.current_version
    actions = services.allowed_actions(contract, current_user)
    approval = services.payment_approval(contract, version)
    checks = services.auto_checks(contract, version) if version.status in ("draft", "returned", "in_review") else {}
    previous = contract.version(version.version_no - 1)
    may_see_payments = contract.is_signed and (current_user.has_role("manager", "finance")
                                               or contract.owner_id == current_user.id)
    return render_template(
        "contracts/detail.html", contract=contract, version=version, actions=actions, approval=approval,
        checks=checks, checklist=CHECKLIST, results=RESULTS, review=services.latest_review(contract),
        passed_review=services.passed_review(contract), words=services.amount_words(version),
        payment=services.payment_text(version), insured=services.insured_amount(version),
        waiting=services.waiting_days(contract), turnaround=services.turnaround_days(contract),
        in_time=services.signed_in_time(contract), flagged=services.is_flagged(contract),
        limit=services.turnaround_limit(), problems=services.problems(version) if version.editable else [],
        changes=services.differences(previous, version) if previous else [],
        amend_form=_amend_form(), reason_form=ReasonForm(), note_form=NoteForm(),
        payment_form=PaymentDecisionForm(), texts=texts, services=services,
        may_see_payments=may_see_payments, pay=payments.figures(contract) if may_see_payments else None,
        kinds=INSTALMENT_KINDS, states=payments.INSTALMENT_STATES,
        customer_link=_endpoint_url("customers.detail", customer_id=contract.customer_id),
        quotation_link=_endpoint_url("pricing.show_quotation", quotation_id=contract.quotation_id)
        if contract.quotation_id else None)


def _endpoint_url(endpoint: str, **values) -> str | None:
    """A link into another area when that area has the page (areas are built in parallel)."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except Exception:  # noqa: BLE001 - a different URL signature: no link rather than an error page
        return None


def _amend_form(formdata=None) -> AmendForm:
    form = AmendForm(formdata=formdata) if formdata is not None else AmendForm()
    form.setup()
    return form


@bp.get("/<int:contract_id>/versions/<int:version_no>")
def version_detail(contract_id: int, version_no: int):
    """One version's terms, read-only, with its differences to the previous version."""
    contract = _load(contract_id)
    version = contract.version(version_no) or abort(404)
    previous = contract.version(version_no - 1)
    return render_template("contracts/version.html", contract=contract, version=version,
                           words=services.amount_words(version), payment=services.payment_text(version),
                           insured=services.insured_amount(version), texts=texts, services=services,
                           changes=services.differences(previous, version) if previous else [])


# --------------------------------------------------------------------------- workflow

@bp.post("/<int:contract_id>/submit")
def submit_for_review(contract_id: int):
    """Owner or manager submits a draft or returned version to legal (403 for others)."""
    contract = _load(contract_id)
    _require(contract, "submit")
    try:
        services.submit(contract, current_user)
    except services.WorkflowError as exc:
        db.session.rollback()
        return _refused(contract, exc.message)
    if _commit_or_stale():
        flash(_("Contract %(number)s submitted for compliance review.", number=contract.number), "success")
    return see_other(url_for("contracts.detail", contract_id=contract_id))


@bp.route("/<int:contract_id>/review", methods=["GET", "POST"])
def review(contract_id: int):
    """Legal's compliance review of the version in review (403 for anyone but legal)."""
    contract = _load(contract_id)
    _require(contract, "review")
    version = contract.current_version
    checks = services.auto_checks(contract, version)
    form = ReviewForm()
    error = None
    if request.method == "GET":
        for item, (ok, _note) in checks.items():
            field = getattr(form, f"result_{item}")
            field.data = "fail" if ok is False else ("na" if item == "prices" and ok is None and
                                                     not contract.quotation_id else "pass")
    elif form.validate_on_submit():
        results = {item: getattr(form, f"result_{item}").data for item in CHECKLIST}
        comments = {item: getattr(form, f"comment_{item}").data or "" for item in CHECKLIST}
        try:
            services.review(contract, current_user, form.decision.data == "pass", results, comments,
                            form.comments.data or "")
        except services.WorkflowError as exc:
            db.session.rollback()
            error = exc.message
        else:
            if _commit_or_stale():
                flash(_("Review of %(number)s recorded.", number=contract.number), "success")
            return see_other(url_for("contracts.detail", contract_id=contract.id))
    previous = contract.version(version.version_no - 1)
    status = 422 if request.method == "POST" else 200
    return render_template("contracts/review.html", contract=contract, version=version, form=form, checks=checks,
                           checklist=CHECKLIST, error=error, approval=services.payment_approval(contract, version),
                           changes=services.differences(previous, version) if previous else [],
                           payment=services.payment_text(version), words=services.amount_words(version),
                           texts=texts, services=services, insured=services.insured_amount(version)), status


def _pending_approvals():
    """Pending approvals of versions that are the current one and in review."""
    current = so.aliased(ContractVersion)
    return (sa.select(PaymentTermsApproval).join(Contract, Contract.id == PaymentTermsApproval.contract_id)
            .join(current, (current.contract_id == Contract.id) & (current.version_no == Contract.current_version_no))
            .where(PaymentTermsApproval.status == "pending", current.status == "in_review",
                   PaymentTermsApproval.version_no == Contract.current_version_no))


@bp.get("/payment-terms")
def payment_terms_queue():
    """Finance's queue: payment terms of contracts in review waiting for approval (finance only)."""
    if not current_user.has_role("finance"):
        abort(403)
    pending = db.session.scalars(
        _pending_approvals()
        .options(so.joinedload(PaymentTermsApproval.contract).joinedload(Contract.customer),
                 so.joinedload(PaymentTermsApproval.contract).joinedload(Contract.owner),
                 so.joinedload(PaymentTermsApproval.contract).selectinload(Contract.versions))
        .order_by(PaymentTermsApproval.requested_at)).unique().all()
    pending = [p for p in pending if p.terms_key == services.terms_key(p.contract.current_version)]
    decided = db.session.scalars(
        sa.select(PaymentTermsApproval).where(PaymentTermsApproval.status.in_(("approved", "rejected")),
                                              PaymentTermsApproval.decided_by_id.is_not(None),
                                              PaymentTermsApproval.carried_from_version_no.is_(None))
        .options(so.joinedload(PaymentTermsApproval.contract).joinedload(Contract.customer),
                 so.joinedload(PaymentTermsApproval.decided_by))
        .order_by(PaymentTermsApproval.decided_at.desc()).limit(20)).all()
    return render_template("contracts/payment_queue.html", pending=pending, decided=decided,
                           form=PaymentDecisionForm(), services=services)


@bp.post("/<int:contract_id>/payment-terms")
def decide_payment_terms(contract_id: int):
    """Finance approves or rejects the payment terms of the version in review (403 for others)."""
    contract = _load(contract_id)
    if not current_user.has_role("finance"):
        abort(403)
    form = PaymentDecisionForm()
    if not form.validate_on_submit():
        return _refused(contract, _("Choose approve or reject."))
    try:
        services.decide_payment(contract, current_user, form.decision.data == "approve", form.comment.data or "")
    except services.WorkflowError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        if _commit_or_stale():
            flash(_("Payment terms of %(number)s: decision recorded.", number=contract.number), "success")
    target = request.form.get("next") or ""
    if target != "queue":
        return see_other(url_for("contracts.detail", contract_id=contract_id))
    return see_other(url_for("contracts.payment_terms_queue"))


@bp.post("/<int:contract_id>/send")
def send(contract_id: int):
    """Mark the approved contract as sent to the customer; its Word file is kept as sent."""
    contract = _load(contract_id)
    _require(contract, "send")
    try:
        services.send(contract, current_user)
    except services.WorkflowError as exc:
        db.session.rollback()
        return _refused(contract, exc.message)
    if _commit_or_stale():
        flash(_("Contract %(number)s marked as sent to the customer.", number=contract.number), "success")
    return see_other(url_for("contracts.detail", contract_id=contract_id))


@bp.route("/<int:contract_id>/sign", methods=["GET", "POST"])
def sign(contract_id: int):
    """Record the countersigned contract (date and scan); refused without a passed review of this version."""
    contract = _load(contract_id)
    _require(contract, "sign")
    form = SignForm()
    if request.method == "GET":
        form.signed_on.data = company_today()
    error = None
    if form.validate_on_submit():
        from app.core.uploads import UploadError

        try:
            services.sign(contract, current_user, form.signed_on.data, form.scan.data)
        except services.WorkflowError as exc:
            db.session.rollback()
            error = exc.message
        except UploadError as exc:
            db.session.rollback()
            form.scan.errors = list(form.scan.errors) + [exc.message]
        else:
            if _commit_or_stale():
                flash(_("Contract %(number)s signed.", number=contract.number), "success")
            return see_other(url_for("contracts.detail", contract_id=contract_id))
    status = 422 if request.method == "POST" else 200
    return render_template("contracts/sign.html", contract=contract, version=contract.current_version, form=form,
                           error=error, passed_review=services.passed_review(contract)), status


@bp.route("/<int:contract_id>/amend", methods=["GET", "POST"])
def amend(contract_id: int):
    """Start an amendment (a new version) of a sent or signed contract, e.g. after a customer dispute."""
    contract = _load(contract_id)
    _require(contract, "amend")
    form = _amend_form(request.form if request.method == "POST" else None)
    if request.method == "GET" and request.args.get("kind") in ("customer_dispute", "customer_request", "internal"):
        form.kind.data = request.args["kind"]
    if request.method == "POST":
        if form.kind.data == "customer_dispute" and not form.clause.data:
            form.clause.errors = [_("Choose the clause the customer disputes.")]
        if form.validate() and not form.clause.errors:
            try:
                services.amend(contract, current_user, form.kind.data, form.reason.data, form.clause.data or "")
            except services.WorkflowError as exc:
                db.session.rollback()
                return _refused(contract, exc.message)
            if _commit_or_stale():
                flash(_("Version %(n)s started: change the terms, then submit it for review.",
                        n=contract.current_version_no), "success")
                return see_other(url_for("contracts.edit", contract_id=contract_id))
            return see_other(url_for("contracts.detail", contract_id=contract_id))
        return render_template("contracts/amend.html", contract=contract, form=form), 422
    return render_template("contracts/amend.html", contract=contract, form=form)


@bp.post("/<int:contract_id>/withdraw")
def withdraw_amendment(contract_id: int):
    contract = _load(contract_id)
    _require(contract, "withdraw")
    try:
        services.withdraw_amendment(contract, current_user)
    except services.WorkflowError as exc:
        db.session.rollback()
        return _refused(contract, exc.message)
    if _commit_or_stale():
        flash(_("The amendment was withdrawn; version %(n)s is in force again.", n=contract.current_version_no),
              "success")
    return see_other(url_for("contracts.detail", contract_id=contract_id))


@bp.post("/<int:contract_id>/close")
def close(contract_id: int):
    contract = _load(contract_id)
    _require(contract, "close")
    form = NoteForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.close(contract, current_user, form.note.data or "")
    except services.WorkflowError as exc:
        db.session.rollback()
        return _refused(contract, exc.message)
    if _commit_or_stale():
        flash(_("Contract %(number)s closed.", number=contract.number), "success")
    return see_other(url_for("contracts.detail", contract_id=contract_id))


@bp.post("/<int:contract_id>/cancel")
def cancel(contract_id: int):
    contract = _load(contract_id)
    _require(contract, "cancel")
    form = ReasonForm()
    if not form.validate_on_submit():
        return _refused(contract, _("Give the reason for cancelling."))
    try:
        services.cancel(contract, current_user, form.reason.data)
    except services.WorkflowError as exc:
        db.session.rollback()
        return _refused(contract, exc.message)
    if _commit_or_stale():
        flash(_("Contract %(number)s cancelled.", number=contract.number), "success")
    return see_other(url_for("contracts.detail", contract_id=contract_id))


# --------------------------------------------------------------------------- documents and reports

def _docx_response(data: bytes, name: str):
    import io

    response = send_file(io.BytesIO(data), as_attachment=True, download_name=name,
                         mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<int:contract_id>/document.docx")
@bp.get("/<int:contract_id>/contract.docx")
def document(contract_id: int):
    """The current version's bilingual Word file."""
    contract, version = _load_version(contract_id)
    return _docx_response(contract_documents.version_document(contract, version),
                          contract_documents.file_name(contract, version))


@bp.get("/<int:contract_id>/versions/<int:version_no>/document.docx")
@bp.get("/<int:contract_id>/versions/<int:version_no>/contract.docx")
def version_document(contract_id: int, version_no: int):
    """A version's Word file: the stored file once the version was sent, unchanged ever after."""
    contract, version = _load_version(contract_id, version_no)
    return _docx_response(contract_documents.version_document(contract, version),
                          contract_documents.file_name(contract, version))


@bp.get("/<int:contract_id>/changes")
def change_log(contract_id: int):
    """合同变更记录: every version with its reason, author, time and field-level differences; printable."""
    contract = _load(contract_id)
    entries = []
    for version in contract.versions:
        previous = contract.version(version.version_no - 1)
        entries.append((version, services.differences(previous, version) if previous else []))
    return render_template("contracts/changes.html", contract=contract, entries=entries)


@bp.get("/<int:contract_id>/compliance-report")
def compliance_report(contract_id: int):
    """合规性审核报告: every review with its checklist, results and comments; printable."""
    contract = _load(contract_id)
    approvals = db.session.scalars(
        sa.select(PaymentTermsApproval).where(PaymentTermsApproval.contract_id == contract.id,
                                              PaymentTermsApproval.status != "superseded")
        .options(so.joinedload(PaymentTermsApproval.decided_by)).order_by(PaymentTermsApproval.id)).all()
    return render_template("contracts/compliance_report.html", contract=contract, checklist=CHECKLIST,
                           results=RESULTS, approvals=approvals, turnaround=services.turnaround_days(contract),
                           in_time=services.signed_in_time(contract), limit=services.turnaround_limit(),
                           passed_review=services.passed_review(contract))


# --------------------------------------------------------------------------- home panels

@bp.get("/panels/reviews")
@home_panel("contract_reviews", _l("Contracts waiting for compliance review"), order=30, roles={"legal"})
def panel_reviews():
    """Legal: contracts in review, oldest first, with the working days they have waited."""
    if not current_user.has_role("legal"):
        abort(403)
    current = so.aliased(ContractVersion)
    rows = db.session.scalars(
        sa.select(Contract)
        .join(current, (current.contract_id == Contract.id) & (current.version_no == Contract.current_version_no))
        .where(current.status == "in_review")
        .options(so.joinedload(Contract.customer)).order_by(Contract.submitted_at).limit(20)).all()
    return render_template("contracts/_panel_reviews.html", rows=rows, waiting=_waiting(rows),
                           turnaround=_turnaround(rows), limit=services.turnaround_limit())


@bp.get("/panels/mine")
@home_panel("contracts_waiting_on_me", _l("Contracts waiting on you"), order=31, roles={"rep"})
def panel_mine():
    """Rep: own contracts returned, approved but not sent, sent but not signed, or amendments in draft."""
    version = so.aliased(ContractVersion)
    rows = db.session.execute(
        sa.select(Contract, version.status)
        .join(version, (version.contract_id == Contract.id) & (version.version_no == Contract.current_version_no))
        .where(Contract.owner_id == current_user.id,
               version.status.in_(("returned", "approved", "sent")) | (
                   (version.status == "draft") & (version.version_no > 1)))
        .options(so.joinedload(Contract.customer)).order_by(Contract.first_submitted_at).limit(20)).all()
    contracts = [c for c, _s in rows]
    turnaround = _turnaround([c for c in contracts if c.signed_on is None])
    return render_template("contracts/_panel_mine.html", rows=rows, turnaround=turnaround,
                           limit=services.turnaround_limit())


@bp.get("/panels/payment-terms")
@home_panel("contract_payment_terms", _l("Payment terms to approve"), order=32, roles={"finance"})
def panel_payment_terms():
    """Finance: payment terms waiting for approval."""
    if not current_user.has_role("finance"):
        abort(403)
    rows = db.session.scalars(
        _pending_approvals()
        .options(so.joinedload(PaymentTermsApproval.contract).joinedload(Contract.customer))
        .order_by(PaymentTermsApproval.requested_at).limit(20)).all()
    return render_template("contracts/_panel_payment_terms.html", rows=rows)


from app.contracts import compliance_document, payment_routes  # noqa: E402,F401  (their views register on bp)
