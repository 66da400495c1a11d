"""Payments views (回款): a contract's schedule and receipts, the receivables list, its export, the home panel.

Reps see their own contracts (404 for colleagues'), managers and finance all; only finance records or
reverses receipts (403 for everyone else).
"""
import io

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, current_app, flash, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.contracts import bp, payment_seed, payments, services  # noqa: F401  (payment_seed registers the seeder)
from app.contracts.forms import ReceiptForm, ReversalForm
from app.contracts.models import INSTALMENT_KINDS, Contract, PaymentReceipt
from app.contracts.routes import _commit_or_stale
from app.core.calendar import company_today
from app.core.money import quantize
from app.core.registry import home_panel
from app.core.settings import base_currency
from app.core.views import int_arg, render_page, see_other
from app.extensions import db


def _load_payments(contract_id: int) -> Contract:
    """The contract with its schedule and receipts; 404 unless the user may see it (reps: their own)."""
    contract = db.session.scalar(
        sa.select(Contract).where(Contract.id == contract_id).options(
            so.joinedload(Contract.customer), so.joinedload(Contract.owner), so.selectinload(Contract.versions),
            so.selectinload(Contract.instalments),
            so.selectinload(Contract.receipts).joinedload(PaymentReceipt.recorded_by),
            so.selectinload(Contract.receipts).joinedload(PaymentReceipt.reversed_by)))
    if contract is None or not services.can_view(contract, current_user):
        abort(404)
    if not current_user.has_role("manager", "finance") and contract.owner_id != current_user.id:
        abort(404)
    return contract


def _payments_page(contract: Contract, form: ReceiptForm | None = None, error=None, status: int = 200):
    is_finance = current_user.has_role("finance")
    if form is None and is_finance:
        form = ReceiptForm(formdata=None)
        form.received_on.data = company_today()
        form.currency.data = contract.currency
    return render_template("contracts/payments.html", contract=contract, pay=payments.figures(contract),
                           form=form if is_finance else None, reversal_form=ReversalForm(formdata=None),
                           error=error, kinds=INSTALMENT_KINDS, states=payments.INSTALMENT_STATES,
                           rules=payments, today=company_today()), status


@bp.get("/<int:contract_id>/payments")
def payments_view(contract_id: int):
    """The payment schedule with paid / outstanding / overdue, and the receipts."""
    return _payments_page(_load_payments(contract_id))


@bp.post("/<int:contract_id>/receipts")
def record_receipt(contract_id: int):
    """Finance records a receipt (403 for anyone else); a refused receipt keeps what was typed (422)."""
    contract = _load_payments(contract_id)
    if not current_user.has_role("finance"):
        abort(403)
    form = ReceiptForm()
    if not form.validate_on_submit():
        return _payments_page(contract, form, status=422)
    try:
        payments.record_receipt(contract, current_user, form.received_on.data, form.amount.data, form.currency.data,
                                form.bank_reference.data, form.note.data or "", bool(form.confirm_overpayment.data))
    except payments.PaymentError as exc:
        db.session.rollback()
        contract = _load_payments(contract_id)
        target = getattr(form, exc.field, None) if exc.field else None
        if target is not None:
            target.errors = list(target.errors) + [str(exc.message)]
            return _payments_page(contract, form, status=422)
        return _payments_page(contract, form, error=exc.message, status=422)
    if _commit_or_stale():
        flash(_("Receipt recorded on %(number)s.", number=contract.number), "success")
    return see_other(url_for("contracts.payments_view", contract_id=contract_id))


@bp.post("/<int:contract_id>/receipts/<int:receipt_id>/reverse")
def reverse_receipt(contract_id: int, receipt_id: int):
    """Finance reverses a receipt recorded by mistake, with a reason (403 for anyone else)."""
    contract = _load_payments(contract_id)
    if not current_user.has_role("finance"):
        abort(403)
    receipt = next((r for r in contract.receipts if r.id == receipt_id), None) or abort(404)
    form = ReversalForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for reversing the receipt."), "error")
        return see_other(url_for("contracts.payments_view", contract_id=contract_id))
    try:
        payments.reverse_receipt(contract, receipt, current_user, form.reason.data)
    except payments.PaymentError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        if _commit_or_stale():
            flash(_("Receipt %(ref)s reversed.", ref=receipt.bank_reference), "success")
    return see_other(url_for("contracts.payments_view", contract_id=contract_id))


# --------------------------------------------------------------------------- receivables

def _filters() -> dict:
    status = request.args.get("status", "open")
    return {"owner_id": int_arg("owner", 0, minimum=0) if current_user.has_role("manager", "finance") else 0,
            "status": status if status in payments.RECEIVABLE_STATUSES else "",
            "overdue_only": request.args.get("overdue") in ("1", "y", "on")}


def _reps():
    from app.auth.models import User, UserRole

    if not current_user.has_role("manager", "finance"):
        return []
    return db.session.execute(sa.select(User.id, User.full_name, User.username)
                              .join(UserRole, UserRole.user_id == User.id)
                              .where(UserRole.role == "rep").order_by(User.username)).all()


def _receivables_query(conds, today):
    inst, _rec = payments._aggregates(today)
    return (sa.select(Contract).join(inst, inst.c.contract_id == Contract.id).where(*conds)
            .options(so.joinedload(Contract.customer), so.joinedload(Contract.owner))
            .order_by(inst.c.overdue_since.is_(None), inst.c.overdue_since, inst.c.next_due_on.is_(None),
                      inst.c.next_due_on, Contract.id))


@bp.get("/receivables")
def receivables():
    """应收账款: signed contracts with paid / outstanding / overdue, totals per currency and in base currency."""
    if not payments.may_see_receivables(current_user):
        abort(403)
    today = company_today()
    f = _filters()
    conds = payments.receivable_conditions(current_user, today=today, **f)
    pagination = db.paginate(_receivables_query(conds, today), page=int_arg("page"),
                             per_page=current_app.config["PAGE_SIZE"], error_out=False)
    figures = payments.receivables_for([c.id for c in pagination.items], today)
    totals, in_base, missing_rate = payments.receivable_totals(conds, today)
    return render_page("contracts/receivables.html", "contracts/_receivables_rows.html", pagination=pagination,
                       figures=figures, totals=totals, in_base=in_base, missing_rate=missing_rate,
                       statuses=payments.RECEIVABLE_STATUSES, reps=_reps(), today=today, **f)


@bp.get("/receivables.xlsx")
def receivables_export():
    """The filtered receivables as .xlsx: one row per contract, and the totals on a second sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    if not payments.may_see_receivables(current_user):
        abort(403)
    today = company_today()
    conds = payments.receivable_conditions(current_user, today=today, **_filters())
    base = base_currency()
    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Receivables")
    ws.append([_("Contract"), _("Customer"), _("Sales rep"), _("Signed on"), _("Currency"), _("Total"), _("Paid"),
               _("Outstanding"), _("Overdue"), _("Overdue since"), _("Next due"), _("Exchange rate"),
               _("Outstanding (%(base)s)", base=base), _("Overdue (%(base)s)", base=base)])
    query = _receivables_query(conds, today)
    offset = 0
    while True:
        chunk = db.session.scalars(query.limit(500).offset(offset)).unique().all()
        if not chunk:
            break
        figures = payments.receivables_for([c.id for c in chunk], today)
        for c in chunk:
            r = figures[c.id]
            rate = 1 if c.currency == base else c.exchange_rate
            ws.append([c.number, c.customer.display_name, c.owner.display_name, c.signed_on, c.currency, r.scheduled,
                       r.paid, r.outstanding, r.overdue, r.overdue_since, r.next_due_on, rate,
                       None if rate is None else quantize(r.outstanding * rate, base),
                       None if rate is None else quantize(r.overdue * rate, base)])
        offset += len(chunk)
    for cell in ws[1]:
        cell.font = bold
    totals, in_base, _missing = payments.receivable_totals(conds, today)
    sheet = wb.create_sheet(_("Totals"))
    sheet.append([_("Currency"), _("Contracts"), _("Total"), _("Paid"), _("Outstanding"), _("Overdue")])
    for t in [*totals, in_base]:
        label = t.currency if t is not in_base else _("All, in %(base)s at the contract rates", base=base)
        sheet.append([label, t.count, t.scheduled, t.paid, t.outstanding, t.overdue])
    for cell in sheet[1]:
        cell.font = bold
    for column in ("F", "G", "H", "I", "M", "N"):
        for cell in ws[column][1:]:
            cell.number_format = "#,##0.00"
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return send_file(out, as_attachment=True, download_name=f"receivables-{today.isoformat()}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/panels/overdue-receivables")
@home_panel("contract_overdue_receivables", _l("Overdue receivables"), order=33, roles={"finance", "manager", "rep"})
def panel_overdue_receivables():
    """Contracts with overdue instalments, the longest overdue first (reps: their own)."""
    if not payments.may_see_receivables(current_user):
        abort(403)
    today = company_today()
    conds = payments.receivable_conditions(current_user, overdue_only=True, today=today)
    rows = db.session.scalars(_receivables_query(conds, today).limit(10)).unique().all()
    _totals, in_base, _missing = payments.receivable_totals(conds, today)
    return render_template("contracts/_panel_receivables.html", rows=rows, today=today, in_base=in_base,
                           figures=payments.receivables_for([c.id for c in rows], today))
