"""Quotations: list, create/edit with lines, approval gate, send, accept/reject, revisions, Word documents, helper."""
import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, current_app, flash, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import User
from app.core.access import roles_required
from app.core.audit import history
from app.core.calendar import company_today
from app.core.documents import safe_filename
from app.core.forms import choices
from app.core.locking import StaleEdit, ensure_current
from app.core.models import ExchangeRate, utcnow
from app.core.money import minor_units, quantize
from app.core.rates import MissingRate
from app.core.settings import base_currency, get_setting
from app.core.views import int_arg, render_page, see_other
from app.customers.models import Contact, Customer
from app.extensions import db
from app.pricing import bp, docs, services, terms
from app.pricing.forms import DeclineForm, NoteForm, RejectForm, quotation_form
from app.pricing.models import (
    LOST_REASONS,
    QUOTATION_STATUSES,
    STATUS_CLASS,
    Negotiation,
    Product,
    Quotation,
    QuotationLine,
    QuotationRevision,
)
from app.pricing.views_products import decimal_text, product_choices

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_LINE_KEY = re.compile(r"^lines-(\d+)-")


def _options():
    return (so.joinedload(Quotation.customer), so.joinedload(Quotation.contact), so.joinedload(Quotation.owner),
            so.selectinload(Quotation.revisions).selectinload(QuotationRevision.lines)
            .joinedload(QuotationLine.product).joinedload(Product.image))


def _load(quotation_id: int, edit: bool = False) -> Quotation:
    """404 unless the user may see the quotation (own, or manager/finance); 403 for finance editing."""
    q = db.session.scalar(sa.select(Quotation).where(Quotation.id == quotation_id).options(*_options()))
    if q is None or not services.may_view(current_user, q):
        abort(404)
    if edit and not services.may_edit(current_user, q):
        abort(403)
    return q


def _can_quote() -> bool:
    return current_user.has_role("rep", "manager")


# ---------------------------------------------------------------- list

@bp.get("/quotations/")
def index():
    """Quotations: reps their own, managers and finance all (403 for other roles). Overdue ones expire here."""
    if not current_user.has_role("rep", "manager", "finance"):
        abort(403)
    if services.expire_due(owner_id=None if current_user.has_role("manager", "finance") else current_user.id):
        db.session.commit()
    query = services.visible_quotations(current_user).options(
        so.joinedload(Quotation.customer), so.joinedload(Quotation.owner), so.selectinload(Quotation.revisions))
    status = request.args.get("status", "")
    if status in QUOTATION_STATUSES:
        query = query.where(Quotation.status == status)
    text = (request.args.get("q") or "").strip()
    if text:
        like = f"%{text}%"
        query = query.where(sa.or_(Quotation.number.ilike(like),
                                   Quotation.customer.has(sa.or_(Customer.name.ilike(like),
                                                                 Customer.local_name.ilike(like)))))
    owner_id = int_arg("owner", 0, 0)
    if owner_id and current_user.has_role("manager", "finance"):
        query = query.where(Quotation.owner_id == owner_id)
    if request.args.get("expiring") == "1":
        today = company_today()
        query = query.where(Quotation.status == "sent", Quotation.valid_until_on <= today + timedelta(days=7))
    query = query.order_by(Quotation.created_at.desc(), Quotation.id.desc())
    pagination = db.paginate(query, page=int_arg("page"), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    owners = db.session.scalars(sa.select(User).where(User.id.in_(sa.select(Quotation.owner_id).distinct()))
                                .order_by(User.username)).all() if current_user.has_role("manager", "finance") else []
    return render_page("pricing/quotations.html", "pricing/_quotation_rows.html", pagination=pagination,
                       statuses=QUOTATION_STATUSES, status_class=STATUS_CLASS, owners=owners,
                       can_create=_can_quote())


# ---------------------------------------------------------------- create / edit

def _allowed_customer(customer_id: int) -> Customer | None:
    customer = db.session.get(Customer, customer_id) if customer_id else None
    if customer is None:
        return None
    if not current_user.is_manager and customer.owner_id != current_user.id:
        return None
    return customer


def _customer_choices(selected: int | None):
    query = sa.select(Customer.id, Customer.name, Customer.local_name).order_by(Customer.name)
    if not current_user.is_manager:
        query = query.where(Customer.owner_id == current_user.id)
    rows = db.session.execute(query.limit(1000)).all()
    pairs = [(r.id, r.name + (f" ({r.local_name})" if r.local_name else "")) for r in rows]
    if selected and selected not in {p[0] for p in pairs}:
        extra = _allowed_customer(selected)
        if extra:
            pairs.insert(0, (extra.id, extra.display_name))
    return choices([(0, _("— choose a customer —"))] + pairs)


def _contact_choices(customer_id: int | None):
    rows = db.session.scalars(sa.select(Contact).where(Contact.customer_id == (customer_id or 0))
                              .order_by(Contact.is_primary.desc(), Contact.name)).all() if customer_id else []
    return choices([(0, "—")] + [(c.id, c.name + (f" <{c.email}>" if c.email else "")) for c in rows])


def _currency_choices(current: str | None):
    codes = set(db.session.scalars(sa.select(ExchangeRate.currency).distinct())) | {base_currency()}
    if current:
        codes.add(current)
    return choices([(c, c) for c in sorted(codes)])


def _posted_line_count() -> int:
    indices = {int(m.group(1)) for key in request.form for m in [_LINE_KEY.match(key)] if m}
    return (max(indices) + 1) if indices else 0


def _build_form(q: Quotation | None, rev: QuotationRevision | None):
    if request.method == "POST":
        count = _posted_line_count() + (1 if "add_line" in request.form else 0)
        form = quotation_form(max(count, 1))
    else:
        lines = rev.lines if rev else []
        form = quotation_form(len(lines) + 2)
        if q is not None:
            form.version_id.data = q.version_id
            form.customer_id.data = q.customer_id
            form.contact_id.data = q.contact_id or 0
            for name in ("quoted_on", "currency", "transport_mode", "incoterm", "named_place", "valid_until_on",
                         "payment_terms", "payment_terms_note", "lead_time_days", "remarks"):
                getattr(form, name).data = getattr(rev, name)
            form.freight_amount.data = rev.freight_amount or None
            form.insurance_amount.data = rev.insurance_amount or None
            for entry, line in zip(form.lines.entries, lines, strict=False):
                f = entry.form
                f.product_id.data = line.product_id or 0
                f.description_en.data = line.description_en
                f.description_zh.data = line.description_zh
                f.quantity.data = line.quantity
                f.unit.data = line.unit
                f.unit_price.data = line.unit_price_amount
        else:
            today = company_today()
            form.quoted_on.data = today
            form.valid_until_on.data = today + timedelta(days=30)
            form.customer_id.data = int_arg("customer_id", 0, 0)
            form.currency.data = "USD"
            form.lead_time_days.data = 30
    selected = form.customer_id.data or (q.customer_id if q else None)
    form.customer_id.choices = _customer_choices(selected)
    form.contact_id.choices = _contact_choices(q.customer_id if q else selected)
    form.currency.choices = _currency_choices(form.currency.data)
    products = choices([(0, "—")] + product_choices())
    for entry in form.lines.entries:
        entry.form.product_id.choices = products
    return form


def _apply_form(form, rev: QuotationRevision) -> bool:
    """Copy the form into the draft revision; False (with field errors) when a line is incomplete."""
    for name in ("quoted_on", "currency", "transport_mode", "incoterm", "named_place", "valid_until_on",
                 "payment_terms", "payment_terms_note", "lead_time_days", "remarks"):
        value = getattr(form, name).data
        setattr(rev, name, value.strip() if isinstance(value, str) else value)
    rev.freight_amount = form.freight_amount.data or Decimal(0)
    rev.insurance_amount = form.insurance_amount.data or Decimal(0)
    ok = True
    new_lines = []
    products = {}
    wanted = {e.form.product_id.data for e in form.lines.entries if e.form.product_id.data}
    if wanted:
        products = {p.id: p for p in db.session.scalars(sa.select(Product).where(Product.id.in_(wanted)))}
    for entry in form.lines.entries:
        f = entry.form
        if f.is_blank:
            continue
        product = products.get(f.product_id.data)
        if product is None:
            f.product_id.errors.append(_("Choose a product."))
            ok = False
        if f.quantity.data is None:
            f.quantity.errors.append(_("Enter the quantity."))
            ok = False
        if f.unit_price.data is None:
            f.unit_price.errors.append(_("Enter the unit price."))
            ok = False
        elif f.unit_price.data != quantize(f.unit_price.data, rev.currency):
            f.unit_price.errors.append(_("At most %(n)s decimals in %(currency)s.", n=minor_units(rev.currency),
                                         currency=rev.currency))
            ok = False
        if not ok or product is None:
            continue
        new_lines.append(QuotationLine(
            product_id=product.id, product=product,
            description_en=(f.description_en.data or "").strip() or product.name_en,
            description_zh=(f.description_zh.data or "").strip() or product.name_zh,
            quantity=f.quantity.data, unit=(f.unit.data or "").strip() or product.unit,
            unit_price_amount=f.unit_price.data, line_amount=Decimal(0)))
    if ok and not new_lines:
        form.lines.errors.append(_("Add at least one line: product, quantity and unit price."))
        ok = False
    if ok:
        rev.lines = new_lines
    return ok


def _fill_insurance(rev: QuotationRevision) -> None:
    """CIF/CIP with no insurance entered: the premium at the company rate on 110 % of the value."""
    if terms.includes_insurance(rev.incoterm) and not rev.insurance_amount:
        goods = sum((ln.quantity * ln.unit_price_amount for ln in rev.lines), Decimal(0))
        rev.insurance_amount = services.suggested_insurance(goods, rev.freight_amount or Decimal(0), rev.currency)


def _has_errors(form) -> bool:
    return bool(form.errors) or any(e.form.errors for e in form.lines.entries)


def _render_form(form, q, status=200, stale=False):
    return render_template("pricing/quotation_form.html", form=form, quotation=q, stale=stale,
                           helper_defaults=_helper_defaults()), status


def _helper_defaults() -> dict:
    return {"margin": get_setting("target_margin_percent"), "insurance_rate": get_setting("insurance_rate_percent")}


@bp.route("/quotations/new", methods=["GET", "POST"])
def create_quotation():
    """Reps and managers create quotations for customers they own (managers: any customer); 403 otherwise."""
    if not _can_quote():
        abort(403)
    form = _build_form(None, None)
    if request.method == "POST" and "add_line" not in request.form and form.validate_on_submit():
        customer = _allowed_customer(form.customer_id.data)
        if customer is None:
            form.customer_id.errors.append(_("Choose one of your customers."))
        contact_id = form.contact_id.data or None
        if contact_id and not db.session.scalar(sa.select(Contact.id).where(Contact.id == contact_id,
                                                                             Contact.customer_id == form.customer_id.data)):
            form.contact_id.errors.append(_("This contact does not belong to the customer."))
        if not form.errors:
            rev = QuotationRevision(revision_no=1, created_by_id=current_user.id)
            if _apply_form(form, rev):
                _fill_insurance(rev)
                try:
                    services.compute_revision(rev)
                except MissingRate as exc:
                    db.session.rollback()
                    form.currency.errors.append(exc.message())
                else:
                    q = services.create_quotation(customer, current_user.id, contact_id, rev.quoted_on)
                    q.revisions.append(rev)
                    q.valid_until_on = rev.valid_until_on
                    db.session.commit()
                    flash(_("Quotation %(number)s saved as a draft.", number=q.number), "success")
                    return see_other(url_for("pricing.show_quotation", quotation_id=q.id))
    status = 422 if (request.method == "POST" and "add_line" not in request.form and _has_errors(form)) else 200
    return _render_form(form, None, status)


@bp.route("/quotations/<int:quotation_id>/edit", methods=["GET", "POST"])
def edit_quotation(quotation_id: int):
    """Edit the current draft revision (owner or manager). Editing voids a pending or given approval."""
    q = _load(quotation_id, edit=True)
    if not q.editable:
        flash(_("Revision %(rev)s was sent and cannot change; start a new revision.", rev=q.current.label), "error")
        return see_other(url_for("pricing.show_quotation", quotation_id=q.id))
    rev = q.current
    form = _build_form(q, rev)
    if request.method == "POST" and "add_line" not in request.form and form.validate_on_submit():
        try:
            ensure_current(q, form.version_id.data)
        except StaleEdit as exc:
            db.session.refresh(q)
            form.version_id.data = q.version_id
            flash(str(exc.message), "error")
            return _render_form(form, q, 409, stale=True)
        contact_id = form.contact_id.data or None
        if contact_id and not db.session.scalar(sa.select(Contact.id).where(Contact.id == contact_id,
                                                                             Contact.customer_id == q.customer_id)):
            form.contact_id.errors.append(_("This contact does not belong to the customer."))
        elif _apply_form(form, rev):
            _fill_insurance(rev)
            try:
                services.compute_revision(rev)
            except MissingRate as exc:
                db.session.rollback()
                q = _load(quotation_id, edit=True)
                form.currency.errors.append(exc.message())
                return _render_form(form, q, 422)
            was = q.status
            services.reopen_draft(q)
            q.contact_id = contact_id
            q.valid_until_on = rev.valid_until_on
            q.updated_at = utcnow()
            db.session.commit()
            if was != q.status:
                flash(_("Changes saved; the approval no longer applies and the quotation is a draft again."), "warning")
            else:
                flash(_("Quotation %(number)s saved.", number=q.number), "success")
            return see_other(url_for("pricing.show_quotation", quotation_id=q.id))
    status = 422 if (request.method == "POST" and "add_line" not in request.form and _has_errors(form)) else 200
    return _render_form(form, q, status)


@bp.get("/quotations/contact-options")
def contact_options():
    """<option>s of the contacts of a customer the user may quote to (empty otherwise)."""
    customer = _allowed_customer(int_arg("customer_id", 0, 0))
    return render_template("pricing/_contact_options.html",
                           options=_contact_choices(customer.id if customer else None))


# ---------------------------------------------------------------- show and workflow

def _show(q: Quotation, rev: QuotationRevision):
    if services.expire_if_due(q):
        db.session.commit()
    neg = db.session.scalar(sa.select(Negotiation).where(Negotiation.quotation_id == q.id))
    floor = get_setting("margin_floor_percent")
    has_contract_view = "contracts.create_from_quotation" in current_app.view_functions
    return render_template(
        "pricing/quotation.html", quotation=q, rev=rev, negotiation=neg, floor=floor,
        statuses=QUOTATION_STATUSES, status_class=STATUS_CLASS, show_cost=services.sees_costs(current_user),
        can_edit=services.may_edit(current_user, q), lost_reasons=LOST_REASONS,
        reject_form=RejectForm(), decline_form=DeclineForm(), note_form=NoteForm(),
        has_contract_view=has_contract_view, terms=terms, base_code=base_currency(),
        audit=history(db.session, "quotation", q.id)[:30])


@bp.get("/quotations/<int:quotation_id>")
def show_quotation(quotation_id: int):
    q = _load(quotation_id)
    return _show(q, q.current)


@bp.get("/quotations/<int:quotation_id>/revisions/<int:revision_no>")
def show_revision(quotation_id: int, revision_no: int):
    q = _load(quotation_id)
    rev = q.revision(revision_no) or abort(404)
    return _show(q, rev)


def _workflow(quotation_id: int, action, success: str):
    q = _load(quotation_id, edit=True)
    try:
        result = action(q)
    except services.WorkflowError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    except MissingRate as exc:
        db.session.rollback()
        flash(exc.message(), "error")
    else:
        db.session.commit()
        if result is not False:
            flash(success if not callable(success) else success(q), "success")
    return see_other(url_for("pricing.show_quotation", quotation_id=quotation_id))


@bp.post("/quotations/<int:quotation_id>/send")
def send_quotation(quotation_id: int):
    """Send the current revision, or submit it for approval when under the margin floor (owner or manager)."""
    def action(q):
        return services.submit_or_send(q, current_user)

    def message(q):
        if q.status == "pending_approval":
            return _("Quotation %(number)s is under the margin floor and was sent to the manager for approval.",
                     number=q.number)
        return _("Revision %(rev)s of %(number)s is marked as sent.", rev=q.current.label, number=q.number)

    return _workflow(quotation_id, action, message)


@bp.post("/quotations/<int:quotation_id>/approve")
@roles_required("manager")
def approve_quotation(quotation_id: int):
    """Managers only (403): approve a quotation under the margin floor; the rep is notified."""
    form = NoteForm()
    if not form.validate_on_submit():
        abort(400)
    return _workflow(quotation_id, lambda q: services.approve(q, current_user, form.note.data or ""),
                     _("Quotation approved; the rep was notified."))


@bp.post("/quotations/<int:quotation_id>/decline")
@roles_required("manager")
def decline_quotation(quotation_id: int):
    """Managers only (403): return a quotation under the floor to the rep with a reason."""
    form = DeclineForm()
    if not form.validate_on_submit():
        flash(_("Say why the quotation is returned."), "error")
        return see_other(url_for("pricing.show_quotation", quotation_id=quotation_id))
    return _workflow(quotation_id, lambda q: services.decline_approval(q, current_user, form.note.data),
                     _("Quotation returned to the rep."))


@bp.post("/quotations/<int:quotation_id>/accept")
def accept_quotation(quotation_id: int):
    """The buyer accepted the current revision (owner or manager): negotiation won, customer won."""
    return _workflow(quotation_id, lambda q: services.accept(q), _("Quotation accepted; the negotiation is won."))


@bp.post("/quotations/<int:quotation_id>/reject")
def reject_quotation(quotation_id: int):
    _load(quotation_id, edit=True)
    form = RejectForm()
    if not form.validate_on_submit():
        flash(_("Choose why the quotation was lost."), "error")
        return see_other(url_for("pricing.show_quotation", quotation_id=quotation_id))
    return _workflow(quotation_id, lambda q: services.reject(q, form.reason.data, form.note.data or ""),
                     _("Quotation marked as rejected; the negotiation is lost."))


@bp.post("/quotations/<int:quotation_id>/revise")
def revise_quotation(quotation_id: int):
    """Start v(n+1) from the sent, rejected or expired revision; the earlier revisions stay as they were."""
    q = _load(quotation_id, edit=True)
    try:
        rev = services.new_revision(q, current_user.id)
        services.compute_revision(rev)
    except services.WorkflowError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return see_other(url_for("pricing.show_quotation", quotation_id=quotation_id))
    except MissingRate as exc:
        db.session.rollback()
        flash(exc.message(), "error")
        return see_other(url_for("pricing.show_quotation", quotation_id=quotation_id))
    db.session.commit()
    flash(_("Revision %(rev)s started from the previous one; change it and send it.", rev=rev.label), "success")
    return see_other(url_for("pricing.edit_quotation", quotation_id=quotation_id))


# ---------------------------------------------------------------- documents

def _document(q: Quotation, rev: QuotationRevision, name: str, prefix: str):
    data = docs.render(name, q, rev)
    filename = safe_filename(f"{prefix}-{q.number}-{rev.label}") + ".docx"
    return send_file(data, as_attachment=True, download_name=filename, mimetype=DOCX)


@bp.get("/quotations/<int:quotation_id>/document.docx")
def quotation_document(quotation_id: int):
    q = _load(quotation_id)
    return _document(q, q.current, "quotation.docx", "Quotation")


@bp.get("/quotations/<int:quotation_id>/proforma.docx")
def proforma_document(quotation_id: int):
    q = _load(quotation_id)
    return _document(q, q.current, "proforma.docx", "Proforma")


@bp.get("/quotations/<int:quotation_id>/revisions/<int:revision_no>/document.docx")
def revision_document(quotation_id: int, revision_no: int):
    q = _load(quotation_id)
    return _document(q, q.revision(revision_no) or abort(404), "quotation.docx", "Quotation")


@bp.get("/quotations/<int:quotation_id>/revisions/<int:revision_no>/proforma.docx")
def revision_proforma(quotation_id: int, revision_no: int):
    q = _load(quotation_id)
    return _document(q, q.revision(revision_no) or abort(404), "proforma.docx", "Proforma")


# ---------------------------------------------------------------- pricing helper (报价策略)

def _decimal_arg(name: str, default: Decimal | None = None) -> Decimal | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _date_arg(name: str) -> date:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return company_today()


@bp.get("/quotations/helper")
def pricing_helper():
    """cost → margin → currency → freight/insurance → suggested price, beside competitor prices.

    Called as a page, or by htmx from a quotation line (``line`` names the line whose product and
    quantity are used). Reps see prices and margin %, never the unit cost.
    """
    if not _can_quote() and not current_user.has_role("finance"):
        abort(403)
    line = request.args.get("line", "")
    prefix = f"lines-{line}-" if line.isdigit() else ""
    product_id = int_arg(prefix + "product_id", 0, 0) or int_arg("product_id", 0, 0)
    quantity = _decimal_arg(prefix + "quantity") or _decimal_arg("quantity")
    params = {
        "product_id": product_id,
        "quantity": quantity,
        "currency": (request.args.get("currency") or "USD").upper()[:3],
        "incoterm": (request.args.get("incoterm") or "FOB").upper()[:3],
        "transport_mode": request.args.get("transport_mode") or "sea",
        "quoted_on": _date_arg("quoted_on"),
        "margin": _decimal_arg("margin", Decimal(get_setting("target_margin_percent"))),
        "domestic": _decimal_arg("domestic", Decimal(0)),
        "freight": _decimal_arg("freight", None) if request.args.get("freight") else _decimal_arg(
            "freight_amount", Decimal(0)),
        "insurance_rate": _decimal_arg("insurance_rate", Decimal(get_setting("insurance_rate_percent"))),
        "line": line if line.isdigit() else "",
    }
    if params["incoterm"] not in terms.INCOTERMS:
        params["incoterm"] = "FOB"
    if params["transport_mode"] not in terms.TRANSPORT_MODES:
        params["transport_mode"] = "sea"
    product = db.session.get(Product, product_id) if product_id else None
    ladder, error, stats, index = None, None, None, None
    if product is not None:
        stats = services.competitor_stats(product.id, params["currency"], params["quoted_on"])
        bad = [k for k in ("quantity", "margin", "domestic", "freight", "insurance_rate") if params[k] is None]
        if bad or params["quantity"] is None:
            error = _("Enter numbers for quantity, margin, charges, freight and insurance rate.")
        elif params["insurance_rate"] < 0 or params["insurance_rate"] >= 50 or params["domestic"] < 0 \
                or params["freight"] < 0:
            error = _("Charges, freight and the insurance rate cannot be negative.")
        else:
            try:
                ladder = services.price_ladder(
                    product, params["quantity"], params["currency"], params["quoted_on"], params["margin"],
                    domestic_charges_base=params["domestic"], freight_total=params["freight"],
                    insurance_rate_percent=params["insurance_rate"], mode=params["transport_mode"],
                    rule=params["incoterm"])
            except MissingRate as exc:
                error = exc.message()
            except ValueError as exc:
                error = str(exc.args[0])
            else:
                index = services.price_index(ladder.goods_price, stats.mean)
    context = dict(params=params, product=product, ladder=ladder, error=error, stats=stats, index=index,
                   base=base_currency(), show_cost=services.sees_costs(current_user),
                   products=product_choices(), currencies=_currency_choices(params["currency"]),
                   incoterms=terms.INCOTERMS, modes=terms.TRANSPORT_MODES, decimal_text=decimal_text)
    return render_page("pricing/helper.html", "pricing/_helper.html", **context)


# ---------------------------------------------------------------- the customer page section (D1 registry)

def customer_section_context(customer, user):
    """Quotations of this customer on the customer page; None for users who do not see quotations."""
    if not user.has_role("rep", "manager", "finance"):
        return None
    query = (services.visible_quotations(user).where(Quotation.customer_id == customer.id)
             .options(so.selectinload(Quotation.revisions), so.joinedload(Quotation.owner))
             .order_by(Quotation.created_at.desc()).limit(20))
    return {"quotations": db.session.scalars(query).all(), "statuses": QUOTATION_STATUSES,
            "status_class": STATUS_CLASS, "can_quote": user.has_role("rep", "manager")}
