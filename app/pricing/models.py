"""Products (shared: competitor prices, quotations and contracts refer to them), quotations with
their revisions and lines, negotiations with their rounds and the customer's feedback."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from app.core.audit import Audited
from app.core.locking import Versioned
from app.core.models import utcnow
from app.core.types import Amount, Quantity, Rate
from app.extensions import db


class Product(Audited, Versioned, db.Model):
    """A product we sell. ``unit_cost_amount`` (CNY) is for finance and managers only."""

    __tablename__ = "products"
    __audit_entity__ = "product"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    sku: so.Mapped[str] = so.mapped_column(sa.String(60), unique=True)
    name_en: so.Mapped[str] = so.mapped_column(sa.String(200), index=True)
    name_zh: so.Mapped[str] = so.mapped_column(sa.String(200), default="", index=True)
    hs_code: so.Mapped[str] = so.mapped_column(sa.String(12), default="")
    category: so.Mapped[str] = so.mapped_column(sa.String(100), default="", index=True)
    specification: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    unit: so.Mapped[str] = so.mapped_column(sa.String(20), default="pcs")
    moq: so.Mapped[Decimal | None] = so.mapped_column(Quantity())
    unit_cost_amount: so.Mapped[Decimal | None] = so.mapped_column(Amount())
    cost_currency: so.Mapped[str] = so.mapped_column(sa.String(3), default="CNY")
    units_per_carton: so.Mapped[int | None] = so.mapped_column()
    carton_size: so.Mapped[str] = so.mapped_column(sa.String(60), default="")
    gross_weight_kg: so.Mapped[Decimal | None] = so.mapped_column(Quantity())
    net_weight_kg: so.Mapped[Decimal | None] = so.mapped_column(Quantity())
    image_file_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("stored_files.id"))
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    image = so.relationship("StoredFile", foreign_keys=[image_file_id])

    @property
    def display_name(self) -> str:
        return f"{self.sku} {self.name_en}" + (f" / {self.name_zh}" if self.name_zh else "")


QUOTATION_STATUSES = {
    "draft": lazy_pgettext("quotation status", "Draft"),
    "pending_approval": lazy_pgettext("quotation status", "Awaiting approval"),
    "approved": lazy_pgettext("quotation status", "Approved"),
    "sent": lazy_pgettext("quotation status", "Sent"),
    "accepted": lazy_pgettext("quotation status", "Accepted"),
    "rejected": lazy_pgettext("quotation status", "Rejected"),
    "expired": lazy_pgettext("quotation status", "Expired"),
}
STATUS_CLASS = {"draft": "", "pending_approval": "status-warn", "approved": "status-ok", "sent": "status-ok",
                "accepted": "status-good", "rejected": "status-bad", "expired": "status-bad"}
NEGOTIATION_STATUSES = {
    "open": lazy_pgettext("negotiation status", "Open"),
    "won": lazy_pgettext("negotiation status", "Won"),
    "lost": lazy_pgettext("negotiation status", "Lost"),
}
LOST_REASONS = {
    "price": _l("Price"),
    "quality": _l("Quality"),
    "delivery": _l("Delivery"),
    "payment_terms": _l("Payment terms"),
    "competitor": _l("Competitor"),
    "other": _l("Other"),
}
PRICE_PERCEPTIONS = {
    "too_high": _l("Too high"),
    "slightly_high": _l("Slightly high"),
    "acceptable": _l("Acceptable"),
    "competitive": _l("Competitive"),
}
MAIN_CONCERNS = {
    "price": _l("Price"),
    "quality": _l("Quality"),
    "delivery": _l("Delivery time"),
    "payment_terms": _l("Payment terms"),
    "certification": _l("Certification"),
    "packaging": _l("Packaging"),
    "service": _l("Service"),
    "other": _l("Other"),
}


class Quotation(Audited, Versioned, db.Model):
    """A quotation (报价单) QT-YYYY-NNNN; what is offered lives in its revisions v1, v2, …

    ``status`` describes the current revision: draft → (pending_approval → approved) → sent →
    accepted / rejected / expired. ``sent_at``/``sent_on`` are those of the latest revision sent.
    """

    __tablename__ = "quotations"
    __audit_entity__ = "quotation"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    number: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    customer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("customers.id"), index=True)
    contact_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("contacts.id", ondelete="SET NULL"))
    owner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="draft", index=True)
    current_revision_no: so.Mapped[int] = so.mapped_column(default=1)
    sent_at: so.Mapped[datetime | None] = so.mapped_column()
    sent_on: so.Mapped[date | None] = so.mapped_column(index=True)
    valid_until_on: so.Mapped[date | None] = so.mapped_column(index=True)
    accepted_at: so.Mapped[datetime | None] = so.mapped_column()
    accepted_revision_no: so.Mapped[int | None] = so.mapped_column()
    rejected_at: so.Mapped[datetime | None] = so.mapped_column()
    expired_on: so.Mapped[date | None] = so.mapped_column()
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    customer = so.relationship("Customer")
    contact = so.relationship("Contact")
    owner = so.relationship("User", foreign_keys=[owner_id])
    revisions: so.Mapped[list["QuotationRevision"]] = so.relationship(
        back_populates="quotation", order_by="QuotationRevision.revision_no", cascade="all, delete-orphan")

    __table_args__ = (sa.Index("ix_quotations_owner_status", "owner_id", "status"),)

    def revision(self, no: int | None = None) -> "QuotationRevision | None":
        no = self.current_revision_no if no is None else no
        return next((r for r in self.revisions if r.revision_no == no), None)

    @property
    def current(self) -> "QuotationRevision":
        return self.revision()

    @property
    def editable(self) -> bool:
        return self.status in ("draft", "pending_approval", "approved")


class QuotationRevision(Audited, db.Model):
    """One version of what we offer. Once ``sent_at`` is set nothing in it or its lines changes.

    ``exchange_rate`` is base-currency units per 1 unit of ``currency`` on ``quoted_on``;
    ``margin_percent`` is the gross margin of the goods (freight and insurance pass through at cost).
    """

    __tablename__ = "quotation_revisions"
    __audit_entity__ = "quotation_revision"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    quotation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("quotations.id", ondelete="CASCADE"), index=True)
    revision_no: so.Mapped[int] = so.mapped_column()
    quoted_on: so.Mapped[date] = so.mapped_column()
    currency: so.Mapped[str] = so.mapped_column(sa.String(3))
    incoterm: so.Mapped[str] = so.mapped_column(sa.String(3))
    named_place: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    transport_mode: so.Mapped[str] = so.mapped_column(sa.String(12), default="sea")
    valid_until_on: so.Mapped[date] = so.mapped_column()
    payment_terms: so.Mapped[str] = so.mapped_column(sa.String(12), default="tt")
    payment_terms_note: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    lead_time_days: so.Mapped[int | None] = so.mapped_column()
    freight_amount: so.Mapped[Decimal] = so.mapped_column(Amount(), default=Decimal("0"))
    insurance_amount: so.Mapped[Decimal] = so.mapped_column(Amount(), default=Decimal("0"))
    goods_amount: so.Mapped[Decimal] = so.mapped_column(Amount(), default=Decimal("0"))
    total_amount: so.Mapped[Decimal] = so.mapped_column(Amount(), default=Decimal("0"))
    exchange_rate: so.Mapped[Decimal | None] = so.mapped_column(Rate())
    margin_percent: so.Mapped[Decimal | None] = so.mapped_column(Amount())
    min_margin_percent: so.Mapped[Decimal | None] = so.mapped_column(Amount())
    below_floor: so.Mapped[bool] = so.mapped_column(default=False)
    remarks: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    approval_requested_at: so.Mapped[datetime | None] = so.mapped_column()
    approved_at: so.Mapped[datetime | None] = so.mapped_column()
    approved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    approval_note: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    sent_at: so.Mapped[datetime | None] = so.mapped_column()
    sent_on: so.Mapped[date | None] = so.mapped_column(index=True)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    quotation: so.Mapped[Quotation] = so.relationship(back_populates="revisions")
    lines: so.Mapped[list["QuotationLine"]] = so.relationship(
        back_populates="revision", order_by="QuotationLine.position", cascade="all, delete-orphan")
    approved_by = so.relationship("User", foreign_keys=[approved_by_id])

    __table_args__ = (sa.UniqueConstraint("quotation_id", "revision_no", name="uq_quotation_revision_no"),)

    @property
    def locked(self) -> bool:
        return self.sent_at is not None

    @property
    def label(self) -> str:
        return f"v{self.revision_no}"


class QuotationLine(Audited, db.Model):
    """A product line. ``unit_cost_amount`` is the product cost in the base currency at the
    revision's rate (finance and managers only); ``margin_percent`` = (price − cost) / price."""

    __tablename__ = "quotation_lines"
    __audit_entity__ = "quotation_line"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    revision_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("quotation_revisions.id", ondelete="CASCADE"), index=True)
    position: so.Mapped[int] = so.mapped_column(default=0)
    product_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("products.id"), index=True)
    description_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    description_zh: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    quantity: so.Mapped[Decimal] = so.mapped_column(Quantity())
    unit: so.Mapped[str] = so.mapped_column(sa.String(20), default="pcs")
    unit_price_amount: so.Mapped[Decimal] = so.mapped_column(Amount())
    line_amount: so.Mapped[Decimal] = so.mapped_column(Amount())
    unit_cost_amount: so.Mapped[Decimal | None] = so.mapped_column(Amount())
    margin_percent: so.Mapped[Decimal | None] = so.mapped_column(Amount())
    price_index: so.Mapped[Decimal | None] = so.mapped_column(Rate())

    revision: so.Mapped[QuotationRevision] = so.relationship(back_populates="lines")
    product = so.relationship(Product)


class Negotiation(Audited, Versioned, db.Model):
    """The negotiation record (谈判记录) of one quotation: rounds, then won at a price or lost with a reason.

    ``won_price_amount`` is the agreed deal value in ``currency``; metric 6a counts
    negotiations with status 'won' by ``closed_on``.
    """

    __tablename__ = "negotiations"
    __audit_entity__ = "negotiation"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    customer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("customers.id"), index=True)
    quotation_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("quotations.id"), unique=True)
    owner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="open", index=True)
    opened_on: so.Mapped[date] = so.mapped_column()
    closed_on: so.Mapped[date | None] = so.mapped_column(index=True)
    won_price_amount: so.Mapped[Decimal | None] = so.mapped_column(Amount())
    currency: so.Mapped[str] = so.mapped_column(sa.String(3))
    lost_reason: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    outcome_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    customer = so.relationship("Customer")
    quotation = so.relationship(Quotation)
    owner = so.relationship("User", foreign_keys=[owner_id])
    rounds: so.Mapped[list["NegotiationRound"]] = so.relationship(
        back_populates="negotiation", order_by="NegotiationRound.round_no", cascade="all, delete-orphan")
    feedback: so.Mapped[list["CustomerFeedback"]] = so.relationship(
        back_populates="negotiation", order_by="CustomerFeedback.received_on", cascade="all, delete-orphan")


class NegotiationRound(db.Model):
    """One exchange: our offer and their counter-offer (deal values in the negotiation currency)."""

    __tablename__ = "negotiation_rounds"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    negotiation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("negotiations.id", ondelete="CASCADE"),
                                                      index=True)
    round_no: so.Mapped[int] = so.mapped_column()
    held_on: so.Mapped[date] = so.mapped_column()
    our_offer_amount: so.Mapped[Decimal | None] = so.mapped_column(Amount())
    their_counter_amount: so.Mapped[Decimal | None] = so.mapped_column(Amount())
    revision_no: so.Mapped[int | None] = so.mapped_column()
    concessions: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    negotiation: so.Mapped[Negotiation] = so.relationship(back_populates="rounds")


class CustomerFeedback(db.Model):
    """Customer feedback form (客户反馈表) recorded during a negotiation."""

    __tablename__ = "customer_feedback"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    negotiation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("negotiations.id", ondelete="CASCADE"),
                                                      index=True)
    customer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("customers.id"), index=True)
    contact_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("contacts.id", ondelete="SET NULL"))
    received_on: so.Mapped[date] = so.mapped_column()
    price_perception: so.Mapped[str] = so.mapped_column(sa.String(20))
    main_concern: so.Mapped[str] = so.mapped_column(sa.String(20))
    target_price_amount: so.Mapped[Decimal | None] = so.mapped_column(Amount())
    comments: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    negotiation: so.Mapped[Negotiation] = so.relationship(back_populates="feedback")
    contact = so.relationship("Contact")
    created_by = so.relationship("User", foreign_keys=[created_by_id])
