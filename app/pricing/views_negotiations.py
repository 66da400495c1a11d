"""Negotiation records (谈判记录): rounds, outcome, customer feedback forms (客户反馈表), and the analysis."""
from collections import defaultdict
from decimal import Decimal
from statistics import median

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import User
from app.core.calendar import company_today
from app.core.views import int_arg, render_page, see_other
from app.customers.models import Contact
from app.extensions import db
from app.pricing import bp, services
from app.pricing.forms import FeedbackForm, OutcomeForm, RoundForm
from app.pricing.models import (
    LOST_REASONS,
    MAIN_CONCERNS,
    NEGOTIATION_STATUSES,
    PRICE_PERCEPTIONS,
    CustomerFeedback,
    Negotiation,
    NegotiationRound,
    Product,
    Quotation,
    QuotationLine,
    QuotationRevision,
)
from app.pricing.views_quotations import _load


def _forms(q: Quotation, neg: Negotiation | None):
    today = company_today()
    round_form = RoundForm(prefix="round")
    outcome_form = OutcomeForm(prefix="outcome")
    feedback_form = FeedbackForm(prefix="feedback")
    if request.method == "GET":
        round_form.held_on.data = today
        feedback_form.received_on.data = today
        round_form.our_offer_amount.data = q.current.total_amount
        outcome_form.won_price_amount.data = q.current.total_amount
    contacts = db.session.scalars(sa.select(Contact).where(Contact.customer_id == q.customer_id)
                                  .order_by(Contact.name)).all()
    from app.core.forms import choices

    feedback_form.contact_id.choices = choices([(0, "—")] + [(c.id, c.name) for c in contacts])
    if request.method == "GET" and q.contact_id:
        feedback_form.contact_id.data = q.contact_id
    return round_form, outcome_form, feedback_form


def _page(q: Quotation, round_form=None, outcome_form=None, feedback_form=None, status=200):
    neg = db.session.scalar(sa.select(Negotiation).where(Negotiation.quotation_id == q.id)
                            .options(so.selectinload(Negotiation.rounds),
                                     so.selectinload(Negotiation.feedback).joinedload(CustomerFeedback.contact)))
    defaults = _forms(q, neg)
    return render_template(
        "pricing/negotiation.html", quotation=q, negotiation=neg,
        round_form=round_form or defaults[0], outcome_form=outcome_form or defaults[1],
        feedback_form=feedback_form or defaults[2], can_edit=services.may_edit(current_user, q),
        statuses=NEGOTIATION_STATUSES, lost_reasons=LOST_REASONS, perceptions=PRICE_PERCEPTIONS,
        concerns=MAIN_CONCERNS), status


@bp.get("/quotations/<int:quotation_id>/negotiation")
def negotiation(quotation_id: int):
    """The negotiation record of a quotation (404 unless the user may see the quotation)."""
    return _page(_load(quotation_id))


@bp.post("/quotations/<int:quotation_id>/negotiation/rounds")
def add_round(quotation_id: int):
    """Record one round: our offer, their counter-offer, concessions (owner or manager)."""
    q = _load(quotation_id, edit=True)
    form = RoundForm(prefix="round")
    if not form.validate_on_submit():
        return _page(q, round_form=form, status=422)
    neg = services.ensure_negotiation(q)
    if neg.status != "open":
        flash(_("This negotiation is closed."), "error")
        return see_other(url_for("pricing.negotiation", quotation_id=q.id))
    db.session.flush()
    number = (db.session.scalar(sa.select(sa.func.max(NegotiationRound.round_no))
                                .where(NegotiationRound.negotiation_id == neg.id)) or 0) + 1
    db.session.add(NegotiationRound(
        negotiation_id=neg.id, round_no=number, held_on=form.held_on.data, revision_no=q.current_revision_no,
        our_offer_amount=form.our_offer_amount.data, their_counter_amount=form.their_counter_amount.data,
        concessions=form.concessions.data or "", notes=form.notes.data or "", created_by_id=current_user.id))
    db.session.commit()
    flash(_("Round %(n)s recorded.", n=number), "success")
    return see_other(url_for("pricing.negotiation", quotation_id=q.id))


@bp.post("/quotations/<int:quotation_id>/negotiation/outcome")
def close_negotiation(quotation_id: int):
    """Won at a price (the sent quotation becomes accepted, the customer won) or lost with a reason."""
    q = _load(quotation_id, edit=True)
    form = OutcomeForm(prefix="outcome")
    if not form.validate_on_submit():
        return _page(q, outcome_form=form, status=422)
    try:
        if form.outcome.data == "won":
            if q.status == "accepted":
                neg = services.ensure_negotiation(q)
                neg.status, neg.closed_on = "won", neg.closed_on or company_today()
                neg.won_price_amount = form.won_price_amount.data
            else:
                if q.status != "sent":
                    raise services.WorkflowError(_("Send the quotation before recording a win."))
                neg = services.accept(q, won_price=form.won_price_amount.data)
        else:
            neg = services.reject(q, form.lost_reason.data)
        if form.note.data:
            neg.outcome_note = form.note.data
    except services.WorkflowError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return see_other(url_for("pricing.negotiation", quotation_id=q.id))
    db.session.commit()
    flash(_("Negotiation closed as %(status)s.", status=NEGOTIATION_STATUSES[neg.status]), "success")
    return see_other(url_for("pricing.negotiation", quotation_id=q.id))


@bp.post("/quotations/<int:quotation_id>/negotiation/feedback")
def add_feedback(quotation_id: int):
    """Record a customer feedback form (客户反馈表): price perception, main concern, comments."""
    q = _load(quotation_id, edit=True)
    form = FeedbackForm(prefix="feedback")
    _r, _o, defaults = _forms(q, None)
    form.contact_id.choices = defaults.contact_id.choices
    if not form.validate_on_submit():
        return _page(q, feedback_form=form, status=422)
    contact_id = form.contact_id.data or None
    if contact_id and not db.session.scalar(sa.select(Contact.id).where(Contact.id == contact_id,
                                                                         Contact.customer_id == q.customer_id)):
        form.contact_id.errors.append(_("This contact does not belong to the customer."))
        return _page(q, feedback_form=form, status=422)
    neg = services.ensure_negotiation(q)
    db.session.flush()
    row = CustomerFeedback(negotiation_id=neg.id, customer_id=q.customer_id, contact_id=contact_id,
                           received_on=form.received_on.data, price_perception=form.price_perception.data,
                           main_concern=form.main_concern.data, target_price_amount=form.target_price_amount.data,
                           comments=form.comments.data or "", created_by_id=current_user.id)
    db.session.add(row)
    db.session.commit()
    flash(_("Customer feedback recorded."), "success")
    return see_other(url_for("pricing.feedback_form", quotation_id=q.id, feedback_id=row.id))


@bp.get("/quotations/<int:quotation_id>/negotiation/feedback/<int:feedback_id>")
def feedback_form(quotation_id: int, feedback_id: int):
    """The printable customer feedback form (客户反馈表), bilingual."""
    q = _load(quotation_id)
    row = db.session.get(CustomerFeedback, feedback_id)
    if row is None or row.negotiation.quotation_id != q.id:
        abort(404)
    return render_template("pricing/feedback_print.html", quotation=q, feedback=row, neg=row.negotiation,
                           perceptions=PRICE_PERCEPTIONS, concerns=MAIN_CONCERNS)


@bp.get("/quotations/negotiations")
def negotiations():
    """Negotiation records: reps their own, managers and finance all (403 for other roles)."""
    if not current_user.has_role("rep", "manager", "finance"):
        abort(403)
    query = sa.select(Negotiation).options(so.joinedload(Negotiation.customer), so.joinedload(Negotiation.owner),
                                           so.joinedload(Negotiation.quotation),
                                           so.selectinload(Negotiation.rounds))
    if not current_user.has_role("manager", "finance"):
        query = query.where(Negotiation.owner_id == current_user.id)
    status = request.args.get("status", "")
    if status in NEGOTIATION_STATUSES:
        query = query.where(Negotiation.status == status)
    owner_id = int_arg("owner", 0, 0)
    if owner_id and current_user.has_role("manager", "finance"):
        query = query.where(Negotiation.owner_id == owner_id)
    query = query.order_by(Negotiation.opened_on.desc(), Negotiation.id.desc())
    pagination = db.paginate(query, page=int_arg("page"), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    owners = db.session.scalars(sa.select(User).where(User.id.in_(sa.select(Negotiation.owner_id).distinct()))
                                .order_by(User.username)).all() if current_user.has_role("manager", "finance") else []
    return render_page("pricing/negotiations.html", "pricing/_negotiation_rows.html", pagination=pagination,
                       statuses=NEGOTIATION_STATUSES, lost_reasons=LOST_REASONS, owners=owners)


def _quarter(d) -> str:
    return f"{d.year} Q{(d.month - 1) // 3 + 1}"


def win_rates(rows) -> list[dict]:
    """Per rep and quarter of closing: won, lost, win rate (won / closed) and lost reasons."""
    groups = defaultdict(lambda: {"won": 0, "lost": 0, "reasons": defaultdict(int)})
    for neg in rows:
        g = groups[(_quarter(neg.closed_on), neg.owner_id)]
        g[neg.status] += 1
        if neg.status == "lost":
            g["reasons"][neg.lost_reason or "other"] += 1
    out = []
    for (quarter, owner_id), g in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1]), reverse=True):
        closed = g["won"] + g["lost"]
        out.append({"quarter": quarter, "owner_id": owner_id, "won": g["won"], "lost": g["lost"],
                    "rate": Decimal(g["won"]) / closed if closed else None, "reasons": dict(g["reasons"])})
    return out


@bp.get("/quotations/analysis")
def analysis():
    """Win rate and lost reasons per rep and quarter; median price index per product and month (sent lines)."""
    if not current_user.has_role("rep", "manager", "finance"):
        abort(403)
    team = current_user.has_role("manager", "finance")
    neg_query = sa.select(Negotiation).where(Negotiation.status.in_(("won", "lost")), Negotiation.closed_on.is_not(None))
    if not team:
        neg_query = neg_query.where(Negotiation.owner_id == current_user.id)
    rates = win_rates(db.session.scalars(neg_query))
    names = {u.id: u.display_name for u in db.session.scalars(sa.select(User))}
    line_query = (sa.select(QuotationLine.product_id, QuotationRevision.sent_on, QuotationLine.price_index)
                  .join(QuotationRevision, QuotationLine.revision_id == QuotationRevision.id)
                  .join(Quotation, QuotationRevision.quotation_id == Quotation.id)
                  .where(QuotationRevision.sent_on.is_not(None), QuotationLine.price_index.is_not(None)))
    if not team:
        line_query = line_query.where(Quotation.owner_id == current_user.id)
    series = defaultdict(lambda: defaultdict(list))
    for product_id, sent_on, idx in db.session.execute(line_query):
        series[product_id][f"{sent_on.year}-{sent_on.month:02d}"].append(idx)
    products = {p.id: p for p in db.session.scalars(sa.select(Product).where(Product.id.in_(list(series))))} \
        if series else {}
    index_rows = [{"product": products.get(pid), "months": sorted(((m, median(v), len(v)) for m, v in months.items()),
                                                                  reverse=True)}
                  for pid, months in series.items()]
    index_rows.sort(key=lambda r: r["product"].sku if r["product"] else "")
    return render_template("pricing/analysis.html", rates=rates, names=names, lost_reasons=LOST_REASONS,
                           index_rows=index_rows, team=team)
