"""Customers and contacts: list, detail, create/edit, stages, duplicates, public pool, import and export."""
import io
from datetime import datetime, time, timedelta, timezone
from time import monotonic

import click
import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from app.auth.models import User, UserRole
from app.core.access import roles_required
from app.core.audit import history
from app.core.calendar import company_today, company_tz, to_company_date
from app.core.forms import choices
from app.core.i18n import country_choices, country_name
from app.core.locking import StaleEdit, ensure_current
from app.core.models import AuditLog, StoredFile, utcnow
from app.core.registry import home_panel
from app.core.settings import get_setting
from app.core.uploads import UploadError, save_upload, storage
from app.core.views import int_arg, render_page, see_other, wants_fragment
from app.customers import bp, importing, services
from app.customers.forms import (
    AssignForm,
    ContactForm,
    CustomerForm,
    ImportOptionsForm,
    ImportUploadForm,
    KeepBothForm,
    NewCustomerForm,
)
from app.customers.models import (
    GRADES,
    POOL_EVENTS,
    SOURCES,
    STAGES,
    TRANSITIONS,
    Contact,
    Customer,
    CustomerImport,
    PoolEvent,
)
from app.customers.sections import sections_for
from app.extensions import db

SORTS = {
    "name": Customer.name,
    "country": Customer.country,
    "stage": Customer.stage,
    "created": Customer.created_at,
    "valid": Customer.valid_at,
    "interaction": Customer.last_interaction_at,
}
FIELD_LABELS = {
    "name": _l("Company name"), "local_name": _l("Local name"), "country": _l("Country"), "city": _l("City"),
    "address": _l("Address"), "industry": _l("Industry"), "website": _l("Website"), "source": _l("Source"),
    "grade": _l("Grade"), "stage": _l("Stage"), "tags": _l("Tags"), "notes": _l("Notes"), "owner_id": _l("Owner"),
    "valid_at": _l("Valid since"), "merged_into_id": _l("Merged into"), "customer_id": _l("Customer"),
    "title": _l("Position"), "email": _l("E-mail"), "phone": _l("Phone"), "messaging": _l("Messaging app"),
    "is_primary": _l("Primary contact"),
}


@bp.before_request
def customers_roles():
    """Sales reps, managers, legal and finance (read-only) use customers; everyone else gets 403."""
    if current_user.is_authenticated and not services.may_use_customers(current_user):
        abort(403)


def _writer_only():
    if not services.may_write(current_user):
        abort(403)


# --- list and export ------------------------------------------------------------------------------

def _rep_choices(include_pool: bool = False, include_me: bool = False):
    reps = db.session.scalars(sa.select(User).join(UserRole, UserRole.user_id == User.id)
                              .where(UserRole.role == "rep", User.active).order_by(User.full_name, User.username))
    pairs = []
    if include_me:
        pairs.append(("me", _("Me")))
    if include_pool:
        pairs.append(("pool", _("Public pool")))
    pairs += [(str(u.id), u.display_name) for u in reps if not (include_me and u.id == current_user.id)]
    return pairs


def _filters() -> dict:
    args = request.args
    return {k: (args.get(k) or "").strip() for k in ("q", "stage", "country", "source", "grade", "owner", "tag",
                                                    "sort", "dir")}


def _list_query(f: dict):
    query = sa.select(Customer).where(services.visible_filter(current_user))
    if f["q"]:
        like = f"%{f['q']}%"
        text = sa.or_(Customer.name.ilike(like), Customer.local_name.ilike(like), Customer.city.ilike(like),
                      Customer.industry.ilike(like))
        if "@" in f["q"]:
            text = sa.or_(text, Customer.id.in_(sa.select(Contact.customer_id)
                                                .where(Contact.email == f["q"].lower())))
        query = query.where(text)
    if f["stage"] in STAGES:
        query = query.where(Customer.stage == f["stage"])
    if f["country"]:
        query = query.where(Customer.country == f["country"].upper()[:2])
    if f["source"] in SOURCES:
        query = query.where(Customer.source == f["source"])
    if f["grade"] in GRADES:
        query = query.where(Customer.grade == f["grade"])
    if f["owner"] == "me":
        query = query.where(Customer.owner_id == current_user.id)
    elif f["owner"] == "pool":
        query = query.where(Customer.owner_id.is_(None))
    elif f["owner"].isdigit() and current_user.has_role(*services.READ_ALL_ROLES):
        query = query.where(Customer.owner_id == int(f["owner"]))
    if f["tag"]:
        query = query.where((sa.literal(",") + Customer.tags + sa.literal(",")).like(f"%,{f['tag']},%"))
    column = SORTS.get(f["sort"], Customer.created_at if not f["sort"] else Customer.name)
    ascending = f["dir"] == "asc" or (not f["dir"] and f["sort"] in ("name", "country", "stage"))
    order = column.asc() if ascending else column.desc()
    if column.nullable:
        order = order.nulls_last()
    return query.order_by(order, Customer.id.asc() if ascending else Customer.id.desc())


@bp.get("/")
def index():
    """The customers the user may see, filtered, sorted and paginated (htmx swaps the rows only)."""
    f = _filters()
    query = _list_query(f).options(joinedload(Customer.owner))
    pagination = db.paginate(query, page=int_arg("page"), per_page=current_app.config["PAGE_SIZE"],
                             error_out=False, count=True)
    owner_choices = [("", _("Everyone I may see")), ("me", _("Mine")), ("pool", _("Public pool"))]
    if current_user.has_role(*services.READ_ALL_ROLES):
        owner_choices += _rep_choices()
    countries = [] if wants_fragment() else sorted(_countries_in_use(), key=country_name)
    return render_page("customers/index.html", "customers/_rows.html", pagination=pagination, f=f,
                       contacts=services.listed_contacts([c.id for c in pagination.items]),
                       stages=STAGES, sources=SOURCES, grades=GRADES, owner_choices=owner_choices,
                       countries=countries, may_write=services.may_write(current_user),
                       show_details=services.shows_contact_details)


_COUNTRIES: dict[str, object] = {"at": 0.0, "codes": ()}


def _countries_in_use() -> tuple[str, ...]:
    """The countries customers are in, for the filter; re-read at most once a minute per process."""
    now = monotonic()
    if now - _COUNTRIES["at"] > 60:
        _COUNTRIES["codes"] = tuple(c for c in db.session.scalars(sa.select(Customer.country).distinct()) if c)
        _COUNTRIES["at"] = now
    return _COUNTRIES["codes"]


@sa.event.listens_for(Customer, "after_insert")
@sa.event.listens_for(Customer, "after_update")
def _forget_countries(mapper, connection, target) -> None:
    # only a country the list does not offer yet matters (logging a call updates the customer too)
    if target.country and target.country not in _COUNTRIES["codes"]:
        _COUNTRIES["at"] = 0.0


@bp.get("/export.xlsx")
def export():
    """The current filtered list as .xlsx (contacts of pool customers stay masked for reps)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    f = _filters()
    query = _list_query(f).options(joinedload(Customer.owner), selectinload(Customer.contacts)) \
        .execution_options(yield_per=1000)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Customers"))
    header = [_("Company name"), _("Local name"), _("Country"), _("City"), _("Industry"), _("Website"),
              _("Source"), _("Grade"), _("Stage"), _("Owner"), _("Tags"), _("Contact"), _("Position"), _("E-mail"),
              _("Phone"), _("Valid since"), _("Last interaction"), pgettext("customers", "Created")]
    ws.append(importing.sheet_row(ws, header, Font(bold=True)))
    for c in db.session.scalars(query):
        contact = c.primary_contact
        visible = services.shows_contact_details(current_user, c)
        email = (contact.email if visible else services.mask_email(contact.email)) if contact else ""
        phone = (contact.phone if visible else services.mask_phone(contact.phone)) if contact else ""
        ws.append(importing.sheet_row(ws, [
            c.name, c.local_name, country_name(c.country), c.city, c.industry, c.website,
            str(SOURCES.get(c.source, c.source)), c.grade, str(STAGES.get(c.stage, c.stage)),
            c.owner.display_name if c.owner else _("Public pool"), c.tags,
            contact.name if contact else "", contact.title if contact else "", email, phone,
            c.valid_at, c.last_interaction_at, c.created_at]))
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    name = f"customers-{company_today().isoformat()}.xlsx"
    return send_file(out, as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- create / edit --------------------------------------------------------------------------------

def _setup(form):
    form.country.choices = choices([("", _("— choose —"))] + country_choices())
    if hasattr(form, "owner"):
        pairs = [("me", _("Me")), ("pool", _("Public pool"))]
        if current_user.is_manager:
            pairs += _rep_choices()
        form.owner.choices = choices(pairs)


def _owner_from(value: str):
    """(owner User or None for the pool, error message or None)."""
    if value == "pool":
        return None, None
    if value == "me" or not current_user.is_manager:
        return current_user, None
    if value.isdigit():
        user = db.session.get(User, int(value))
        if user is not None and user.active and user.has_role("rep"):
            return user, None
    return None, _("Choose an owner from the list.")


@bp.route("/new", methods=["GET", "POST"])
def create():
    """A new customer; possible duplicates are shown and the user decides (keep both or add to existing)."""
    _writer_only()
    form = NewCustomerForm()
    _setup(form)
    matches = []
    if form.validate_on_submit():
        emails = [form.contact_email.data] if form.contact_email.data else []
        matches = services.find_duplicates(form.name.data, form.local_name.data, form.website.data, emails)
        owner, owner_error = _owner_from(form.owner.data)
        action = form.duplicate_action.data or ""
        if owner_error:
            form.owner.errors.append(owner_error)
        elif owner is not None and owner.has_role("rep") and services.capacity_problem(owner):
            form.owner.errors.append(str(services.capacity_problem(owner)))
        elif matches and action.startswith("merge:"):
            return _add_to_existing(form, matches, action)
        elif matches and action != "keep":
            flash(_("This company may already exist. Compare the records below and decide."), "warning")
        elif matches and len((form.duplicate_reason.data or "").strip()) < 3:
            form.duplicate_reason.errors.append(_("Give the reason for keeping both records."))
        else:
            customer = Customer(owner_id=owner.id if owner else None, created_by_id=current_user.id,
                                claimed_at=utcnow() if owner else None, stage="lead")
            _apply(form, customer)
            if form.contact_name.data:
                customer.contacts.append(Contact(
                    name=form.contact_name.data, title=form.contact_title.data or "",
                    email=form.contact_email.data or "", phone=form.contact_phone.data or "",
                    messaging=form.contact_messaging.data or "", is_primary=True))
            db.session.add(customer)
            db.session.flush()
            if matches:
                services.keep_both(customer, [m.customer for m in matches], form.duplicate_reason.data,
                                   current_user.id)
            db.session.commit()
            flash(_("Customer %(name)s created.", name=customer.name), "success")
            return redirect(url_for("customers.detail", customer_id=customer.id), 303)
    status = 422 if form.errors else 200
    return render_template("customers/form.html", stages=STAGES, form=form, customer=None, matches=matches,
                           can_view=services.can_view, can_edit=services.can_edit), status


def _add_to_existing(form, matches, action: str):
    """The user chose "this is the same company": add the typed contact to the existing record."""
    target_id = action.partition(":")[2]
    target = next((m.customer for m in matches if str(m.customer.id) == target_id), None)
    if target is None or not services.can_edit(current_user, target):
        flash(_("You can only add contacts to a customer you own. Ask its owner or the manager."), "error")
        return render_template("customers/form.html", stages=STAGES, form=form, customer=None, matches=matches,
                               can_view=services.can_view, can_edit=services.can_edit), 422
    added = 0
    if form.contact_name.data:
        email = (form.contact_email.data or "").strip().lower()
        if not email or email not in {c.email for c in target.contacts}:
            target.contacts.append(Contact(name=form.contact_name.data, title=form.contact_title.data or "",
                                           email=email, phone=form.contact_phone.data or "",
                                           messaging=form.contact_messaging.data or ""))
            added = 1
    db.session.commit()
    flash(_("No new customer was created; %(n)s contact(s) added to %(name)s.", n=added, name=target.name),
          "success")
    return redirect(url_for("customers.detail", customer_id=target.id), 303)


def _apply(form, customer: Customer) -> None:
    for name in ("name", "local_name", "country", "city", "address", "industry", "website", "source", "grade",
                 "tags", "notes"):
        setattr(customer, name, getattr(form, name).data or "")


@bp.route("/<int:customer_id>/edit", methods=["GET", "POST"])
def edit(customer_id: int):
    """Edit (owner or manager; 404 for other reps, 403 for a pool customer before claiming).
    A stale form is refused and the newer saved values are shown next to the user's input."""
    customer = services.get_customer(customer_id, current_user, edit=True)
    form = CustomerForm(obj=customer)
    _setup(form)
    stale = None
    if form.validate_on_submit():
        try:
            ensure_current(customer, form.version_id.data)
        except StaleEdit as exc:
            stale = exc.message
            form.version_id.data = customer.version_id
        else:
            _apply(form, customer)
            db.session.commit()
            if services.unresolved_duplicates(customer):
                flash(_("Saved. This customer may duplicate another record: decide below."), "warning")
            else:
                flash(_("Customer saved."), "success")
            return redirect(url_for("customers.detail", customer_id=customer.id), 303)
    status = 409 if stale else (422 if form.errors else 200)
    return render_template("customers/form.html", stages=STAGES, form=form, customer=customer, matches=[], stale=stale,
                           can_view=services.can_view, can_edit=services.can_edit), status


# --- detail ---------------------------------------------------------------------------------------

def _history(customer: Customer) -> list[dict]:
    entries = history(db.session, "customer", customer.id)
    contact_ids = [c.id for c in customer.contacts]
    if contact_ids:
        entries += list(db.session.scalars(sa.select(AuditLog).where(AuditLog.entity == "contact",
                                                                     AuditLog.entity_id.in_(contact_ids))))
    entries.sort(key=lambda e: (e.at, e.id), reverse=True)
    user_ids = {int(v) for e in entries if e.field == "owner_id" for v in (e.old_value, e.new_value) if v}
    names = {u.id: u.display_name for u in db.session.scalars(sa.select(User).where(User.id.in_(user_ids)))} \
        if user_ids else {}
    contact_names = {c.id: c.name for c in customer.contacts}

    def show(field, value):
        if value is None or value == "":
            return "—"
        if field == "owner_id":
            return names.get(int(value), value)
        if field == "stage":
            return str(STAGES.get(value, value))
        if field == "source":
            return str(SOURCES.get(value, value))
        if field == "country":
            return country_name(value)
        return value

    rows = []
    for e in entries[:200]:
        subject = _("Contact %(name)s", name=contact_names.get(e.entity_id, e.entity_id)) \
            if e.entity == "contact" else ""
        rows.append({"at": e.at, "user": e.user.display_name if e.user else _("System"), "action": e.action,
                     "subject": subject, "field": str(FIELD_LABELS.get(e.field, e.field or "")),
                     "old": show(e.field, e.old_value), "new": show(e.field, e.new_value)})
    return rows


def _detail_context(customer: Customer, stage_problems=None) -> dict:
    editable = services.can_edit(current_user, customer)
    events = db.session.scalars(sa.select(PoolEvent).where(PoolEvent.customer_id == customer.id)
                                .options(joinedload(PoolEvent.from_owner), joinedload(PoolEvent.to_owner))
                                .order_by(PoolEvent.at.desc()).limit(20)).all()
    returns_on = services.returns_to_pool_on(customer)
    assign_form = None
    if current_user.is_manager and customer.merged_into_id is None:
        assign_form = AssignForm()
        assign_form.owner_id.choices = choices([(0, _("— choose —"))] + [(int(v), n) for v, n in _rep_choices()])
    return {
        "customer": customer, "can_edit": editable, "stages": STAGES, "sources": SOURCES,
        "next_stages": TRANSITIONS.get(customer.stage, ()) if editable else (),
        "stage_problems": stage_problems or [],
        "show_details": services.shows_contact_details(current_user, customer),
        "mask_email": services.mask_email, "mask_phone": services.mask_phone,
        "matches": services.unresolved_duplicates(customer) if editable else [],
        "keep_form": KeepBothForm(),
        "can_view": services.can_view,
        "history": _history(customer), "pool_events": events, "pool_event_labels": POOL_EVENTS,
        "returns_on": returns_on,
        "returns_soon": returns_on is not None and returns_on - utcnow() < timedelta(days=7),
        "sections": sections_for(customer, current_user, editable),
        "assign_form": assign_form,
        "may_claim": customer.owner_id is None and customer.merged_into_id is None
        and current_user.has_role("rep", "manager"),
        "may_release": customer.owner_id is not None and editable and customer.stage in ("lead", "valid"),
    }


@bp.get("/<int:customer_id>")
def detail(customer_id: int):
    """The customer page (404 for a colleague's customer when the user is a rep)."""
    customer = services.get_customer(customer_id, current_user)
    return render_template("customers/detail.html", **_detail_context(customer))


@bp.post("/<int:customer_id>/stage")
def change_stage(customer_id: int):
    """Move to another stage; refused with the reasons (422) when the rules are not met."""
    customer = services.get_customer(customer_id, current_user, edit=True)
    stage = request.form.get("stage", "")
    problems = services.change_stage(customer, stage)
    if problems:
        db.session.rollback()
        if request.headers.get("HX-Request"):
            ctx = _detail_context(customer, stage_problems=problems)
            return render_template("customers/_stage.html", **ctx), 422
        for p in problems:
            flash(str(p), "error")
        return redirect(url_for("customers.detail", customer_id=customer.id), 303)
    db.session.commit()
    flash(_("Stage changed to %(stage)s.", stage=STAGES[stage]), "success")
    return see_other(url_for("customers.detail", customer_id=customer.id))


# --- contacts -------------------------------------------------------------------------------------

@bp.route("/<int:customer_id>/contacts/new", methods=["GET", "POST"])
@bp.route("/<int:customer_id>/contacts/<int:contact_id>", methods=["GET", "POST"])
def edit_contact(customer_id: int, contact_id: int | None = None):
    customer = services.get_customer(customer_id, current_user, edit=True)
    contact = None
    if contact_id is not None:
        contact = db.session.get(Contact, contact_id)
        if contact is None or contact.customer_id != customer.id:
            abort(404)
    form = ContactForm(obj=contact)
    if form.validate_on_submit():
        if contact is None:
            contact = Contact(customer=customer)
            db.session.add(contact)
        for name in ("name", "title", "email", "phone", "messaging", "notes"):
            setattr(contact, name, getattr(form, name).data or "")
        contact.is_primary = form.is_primary.data or len(customer.contacts) == 1
        if contact.is_primary:
            for other in customer.contacts:
                if other is not contact:
                    other.is_primary = False
        db.session.flush()
        clash = db.session.scalar(sa.select(Customer).join(Contact.customer).where(
            Contact.email == contact.email, Contact.customer_id != customer.id,
            Customer.merged_into_id.is_(None))) if contact.email else None
        db.session.commit()
        if clash is not None:
            flash(_("This e-mail also belongs to a contact of %(name)s: decide about the possible duplicate below.",
                    name=clash.name), "warning")
        else:
            flash(_("Contact saved."), "success")
        return redirect(url_for("customers.detail", customer_id=customer.id), 303)
    return render_template("customers/contact_form.html", form=form, customer=customer, contact=contact), \
        422 if form.errors else 200


@bp.post("/<int:customer_id>/contacts/<int:contact_id>/delete")
def delete_contact(customer_id: int, contact_id: int):
    customer = services.get_customer(customer_id, current_user, edit=True)
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.customer_id != customer.id:
        abort(404)
    db.session.delete(contact)
    db.session.commit()
    flash(_("Contact deleted."), "success")
    return redirect(url_for("customers.detail", customer_id=customer.id), 303)


# --- duplicates -----------------------------------------------------------------------------------

def _match_or_404(customer: Customer, other_id: int):
    match = next((m for m in services.duplicates_of(customer) if m.customer.id == other_id), None)
    if match is None:
        abort(404)
    return match.customer


@bp.post("/<int:customer_id>/duplicates/<int:other_id>/keep")
def keep_both(customer_id: int, other_id: int):
    """Record that two look-alike records are different companies, with the reason."""
    customer = services.get_customer(customer_id, current_user, edit=True)
    other = _match_or_404(customer, other_id)
    form = KeepBothForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for e in errors:
                flash(str(e), "error")
        return redirect(url_for("customers.detail", customer_id=customer.id), 303)
    services.keep_both(customer, [other], form.reason.data, current_user.id)
    db.session.commit()
    flash(_("Both records are kept: %(reason)s", reason=form.reason.data), "success")
    return redirect(url_for("customers.detail", customer_id=customer.id), 303)


@bp.post("/<int:customer_id>/duplicates/<int:other_id>/merge")
def merge(customer_id: int, other_id: int):
    """Merge this record into the other one: its contacts and needs move there; you must own both."""
    customer = services.get_customer(customer_id, current_user, edit=True)
    other = _match_or_404(customer, other_id)
    if not services.can_edit(current_user, other):
        flash(_("You can only merge into a customer you own. Ask its owner or the manager."), "error")
        return redirect(url_for("customers.detail", customer_id=customer.id), 303)
    moved = services.merge_into(customer, other, current_user.id)
    db.session.commit()
    flash(_("%(source)s was merged into %(target)s (%(n)s contact(s) moved).", source=customer.name,
            target=other.name, n=moved), "success")
    return redirect(url_for("customers.detail", customer_id=other.id), 303)


# --- public pool ----------------------------------------------------------------------------------

@bp.post("/<int:customer_id>/claim")
def claim(customer_id: int):
    """Claim a pool customer, within the daily claim limit and the holding cap."""
    _writer_only()
    customer = services.get_customer(customer_id, current_user)
    problems = services.claim(customer, current_user)
    if problems:
        for p in problems:
            flash(str(p), "error")
    else:
        db.session.commit()
        flash(_("%(name)s is now your customer.", name=customer.name), "success")
    return redirect(url_for("customers.detail", customer_id=customer_id), 303)


@bp.post("/<int:customer_id>/release")
def release(customer_id: int):
    customer = services.get_customer(customer_id, current_user, edit=True)
    if customer.owner_id is None or customer.stage not in ("lead", "valid"):
        abort(409)
    services.release(customer, current_user)
    db.session.commit()
    flash(_("%(name)s is back in the public pool.", name=customer.name), "success")
    return redirect(url_for("customers.index"), 303)


@bp.post("/<int:customer_id>/assign")
@roles_required("manager")
def assign(customer_id: int):
    customer = services.get_customer(customer_id, current_user)
    form = AssignForm()
    form.owner_id.choices = choices([(int(v), n) for v, n in _rep_choices()])
    if not form.validate_on_submit():
        flash(_("Choose a rep."), "error")
        return redirect(url_for("customers.detail", customer_id=customer.id), 303)
    owner = db.session.get(User, form.owner_id.data)
    problems = services.assign(customer, owner, current_user)
    if problems:
        for p in problems:
            flash(str(p), "error")
    else:
        db.session.commit()
        flash(_("%(name)s assigned to %(owner)s.", name=customer.name, owner=owner.display_name), "success")
    return redirect(url_for("customers.detail", customer_id=customer.id), 303)


@bp.cli.command("recycle-pool")
def recycle_pool_command():
    """Return idle leads and valid customers to the public pool (run daily from cron)."""
    with current_app.test_request_context():
        returned = services.recycle_pool()
        db.session.commit()
    click.echo(f"{len(returned)} customer(s) returned to the public pool.")


# --- import ---------------------------------------------------------------------------------------

def _import_or_404(import_id: int) -> CustomerImport:
    imp = db.session.get(CustomerImport, import_id)
    if imp is None or (imp.user_id != current_user.id and not current_user.is_manager):
        abort(404)
    return imp


def _import_frame(imp: CustomerImport):
    stored = db.session.get(StoredFile, imp.file_id)
    return importing.read_table(storage().read(stored.storage_key), stored.kind)


@bp.route("/import", methods=["GET", "POST"])
def import_upload():
    """Step 1: upload an .xlsx or .csv (UTF-8, UTF-8 with BOM or GBK)."""
    _writer_only()
    form = ImportUploadForm()
    if form.validate_on_submit():
        try:
            stored = save_upload(form.file.data, {"xlsx", "csv"}, owner_type="customer_import",
                                 user_id=current_user.id)
            db.session.flush()
            frame = importing.read_table(storage().read(stored.storage_key), stored.kind)
        except (UploadError, importing.ImportFileError) as exc:
            db.session.rollback()
            form.file.errors.append(str(exc.message))
        else:
            imp = CustomerImport(user_id=current_user.id, file_id=stored.id, headers=list(frame.columns),
                                 mapping=importing.guess_mapping(list(frame.columns)), total_rows=len(frame))
            db.session.add(imp)
            db.session.flush()
            stored.owner_id = imp.id
            db.session.commit()
            return redirect(url_for("customers.import_mapping", import_id=imp.id), 303)
    recent = db.session.scalars(sa.select(CustomerImport).where(CustomerImport.user_id == current_user.id)
                                .order_by(CustomerImport.id.desc()).limit(10)).all()
    return render_template("customers/import_upload.html", form=form, recent=recent,
                           fields=importing.FIELDS), 422 if form.errors else 200


def _import_options_form(imp: CustomerImport):
    form = ImportOptionsForm(data=imp.options or None)
    pairs = [("me", _("Me")), ("pool", _("Public pool"))]
    if current_user.is_manager:
        pairs += _rep_choices()
    form.owner.choices = choices(pairs)
    return form


@bp.route("/import/<int:import_id>/mapping", methods=["GET", "POST"])
def import_mapping(import_id: int):
    """Step 2: which column holds which field (guessed from English and Chinese headers)."""
    _writer_only()
    imp = _import_or_404(import_id)
    if imp.status == "done":
        return redirect(url_for("customers.import_result", import_id=imp.id), 303)
    form = _import_options_form(imp)
    mapping = dict(imp.mapping or {})
    errors = []
    if request.method == "POST" and form.validate_on_submit():
        mapping = {f.key: request.form.get(f"map_{f.key}", "") for f in importing.FIELDS}
        mapping = {k: v for k, v in mapping.items() if v in imp.headers}
        used = [v for v in mapping.values()]
        if len(used) != len(set(used)):
            errors.append(_("Each column can be used for one field only."))
        for f in importing.FIELDS:
            if f.required and f.key not in mapping:
                errors.append(_("Choose the column for %(field)s.", field=f.label))
        owner, owner_error = _owner_from(form.owner.data)
        if owner_error:
            errors.append(owner_error)
        if not errors:
            imp.mapping = mapping
            imp.options = {"owner": form.owner.data, "source": form.source.data, "duplicates": form.duplicates.data}
            db.session.commit()
            return redirect(url_for("customers.import_preview", import_id=imp.id), 303)
    elif request.method == "POST":
        errors.append(_("Please correct the marked fields."))
    frame = _import_frame(imp)
    sample = frame.head(3).to_dict("list")
    return render_template("customers/import_mapping.html", imp=imp, form=form, mapping=mapping, errors=errors,
                           fields=importing.FIELDS, sample=sample), 422 if errors else 200


def _checked(imp: CustomerImport):
    frame = _import_frame(imp)
    result = importing.check(frame, imp.mapping, imp.options or {})
    owner, _error = _owner_from((imp.options or {}).get("owner", "me"))
    if owner is not None and owner.has_role("rep") and result.good:
        problem = services.capacity_problem(owner, adding=len(result.good))
        if problem:
            result.blocking.append(problem)
    return result, owner


@bp.get("/import/<int:import_id>/preview")
def import_preview(import_id: int):
    """Step 3: every row checked, nothing written yet; the problems are listed per row."""
    _writer_only()
    imp = _import_or_404(import_id)
    if imp.status == "done":
        return redirect(url_for("customers.import_result", import_id=imp.id), 303)
    if not imp.mapping or not imp.options:
        return redirect(url_for("customers.import_mapping", import_id=imp.id), 303)
    result, owner = _checked(imp)
    return render_template("customers/import_preview.html", imp=imp, result=result, owner=owner,
                           fields=importing.FIELDS, countries=country_name)


@bp.post("/import/<int:import_id>/run")
def import_run(import_id: int):
    """Step 4: import the good rows as leads and keep the rejected ones, with reasons, for the result."""
    _writer_only()
    imp = _import_or_404(import_id)
    if imp.status == "done":
        return redirect(url_for("customers.import_result", import_id=imp.id), 303)
    result, owner = _checked(imp)
    if result.blocking:
        for p in result.blocking:
            flash(str(p), "error")
        return redirect(url_for("customers.import_preview", import_id=imp.id), 303)
    imported = importing.insert(result.good, owner.id if owner else None, current_user.id)
    imp.status = "done"
    imp.imported_count = imported
    imp.rejected_count = result.rejected_count
    imp.rejected = result.rejected
    imp.total_rows = result.total
    imp.finished_at = utcnow()
    db.session.commit()
    flash(_("%(n)s customers imported, %(m)s rows rejected.", n=imported, m=result.rejected_count),
          "success" if not result.rejected_count else "warning")
    return redirect(url_for("customers.import_result", import_id=imp.id), 303)


@bp.get("/import/<int:import_id>")
def import_result(import_id: int):
    imp = _import_or_404(import_id)
    if imp.status != "done":
        return redirect(url_for("customers.import_preview", import_id=imp.id), 303)
    return render_template("customers/import_result.html", imp=imp)


@bp.get("/import/<int:import_id>/rejected.xlsx")
def import_rejected(import_id: int):
    imp = _import_or_404(import_id)
    if imp.status != "done":
        abort(404)
    return send_file(importing.rejected_workbook(imp), as_attachment=True,
                     download_name=f"rejected-rows-{imp.id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- home panels ----------------------------------------------------------------------------------

def month_bounds_utc(day=None) -> tuple[datetime, datetime]:
    """The company-local calendar month containing ``day`` as naive-UTC [start, end)."""
    day = day or company_today()
    first = day.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    tz = company_tz()

    def utc(d):
        return datetime.combine(d, time.min, tz).astimezone(timezone.utc).replace(tzinfo=None)

    return utc(first), utc(nxt)


@bp.get("/panels/pool-due")
@home_panel("customers_pool_due", _l("Customers about to return to the public pool"), order=15, roles={"rep"})
def panel_pool_due():
    rows = services.due_for_pool(current_user.id, within_days=7)
    today = company_today()
    items = [(c, max(0, (to_company_date(services.returns_to_pool_on(c)) - today).days)) for c in rows]
    days = get_setting("pool_days")
    return render_template("customers/_panel_pool_due.html", items=items, pool_days=days)


@bp.get("/panels/new-valid")
@home_panel("customers_new_valid", _l("New valid customers this month"), order=16, roles={"rep", "manager"})
def panel_new_valid():
    start, end = month_bounds_utc()
    target = get_setting("target_new_valid_customers")
    in_month = sa.and_(Customer.valid_at >= start, Customer.valid_at < end, Customer.merged_into_id.is_(None))
    if current_user.is_manager:
        rows = db.session.execute(
            sa.select(User, sa.func.count(Customer.id)).join(UserRole, UserRole.user_id == User.id)
            .outerjoin(Customer, sa.and_(Customer.owner_id == User.id, in_month))
            .where(UserRole.role == "rep", User.active).group_by(User.id).order_by(User.full_name)).all()
        return render_template("customers/_panel_new_valid.html", team=rows, target=target, mine=None)
    mine = db.session.scalars(sa.select(Customer).where(in_month, Customer.owner_id == current_user.id)
                              .order_by(Customer.valid_at.desc())).all()
    return render_template("customers/_panel_new_valid.html", team=None, target=target, mine=mine)


from app.customers import seed  # noqa: E402,F401
