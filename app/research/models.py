"""Market research reports, competitors and their observed prices, and the customer-needs analysis."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from app.core.locking import Versioned
from app.core.models import utcnow
from app.core.types import Amount, Quantity
from app.extensions import db

REPORT_STATUSES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "reviewed": lazy_pgettext("research", "Reviewed"),
}
PRIORITIES = {"high": _l("High"), "medium": _l("Medium"), "low": _l("Low")}
SCORES = (1, 2, 3, 4, 5)

report_customers = sa.Table(
    "research_report_customers", db.metadata,
    sa.Column("report_id", sa.ForeignKey("research_reports.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("customer_id", sa.ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True, index=True),
)
report_competitors = sa.Table(
    "research_report_competitors", db.metadata,
    sa.Column("report_id", sa.ForeignKey("research_reports.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("competitor_id", sa.ForeignKey("competitors.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ResearchReport(Versioned, db.Model):
    """市场调研报告: written by a rep, submitted, scored by the manager (accuracy and usefulness, 1–5).

    ``markets`` is a comma-separated list of ISO 3166 country codes and free region names
    ("VN,TH,Southeast Asia").
    """

    __tablename__ = "research_reports"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    owner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    markets: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    industry: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    period_start_on: so.Mapped[date] = so.mapped_column()
    period_end_on: so.Mapped[date] = so.mapped_column()
    sources: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    findings: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    competitor_analysis: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    opportunities: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="draft", index=True)
    submitted_at: so.Mapped[datetime | None] = so.mapped_column()
    accuracy_score: so.Mapped[int | None] = so.mapped_column()
    usefulness_score: so.Mapped[int | None] = so.mapped_column()
    review_comment: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    reviewed_at: so.Mapped[datetime | None] = so.mapped_column(index=True)
    reviewed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    shared_with_marketing_at: so.Mapped[datetime | None] = so.mapped_column()
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    owner = so.relationship("User", foreign_keys=[owner_id])
    reviewed_by = so.relationship("User", foreign_keys=[reviewed_by_id])
    customers = so.relationship("Customer", secondary=report_customers, order_by="Customer.name")
    competitors = so.relationship("Competitor", secondary=report_competitors, order_by="Competitor.name")
    shares: so.Mapped[list["ResearchShare"]] = so.relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ResearchShare.shared_at")

    __table_args__ = (
        sa.CheckConstraint("accuracy_score IS NULL OR accuracy_score BETWEEN 1 AND 5", name="accuracy_score"),
        sa.CheckConstraint("usefulness_score IS NULL OR usefulness_score BETWEEN 1 AND 5", name="usefulness_score"),
    )

    @property
    def market_list(self) -> list[str]:
        return [m for m in (self.markets or "").split(",") if m]

    @property
    def mean_score(self) -> Decimal | None:
        if self.accuracy_score is None or self.usefulness_score is None:
            return None
        return (Decimal(self.accuracy_score + self.usefulness_score) / 2).quantize(Decimal("0.1"))


class ResearchShare(db.Model):
    """Who a report was shared with (a member or the head of the marketing department), when and by whom."""

    __tablename__ = "research_shares"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("research_reports.id", ondelete="CASCADE"),
                                                 index=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    department_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("departments.id"))
    shared_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    shared_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    report: so.Mapped[ResearchReport] = so.relationship(back_populates="shares")
    user = so.relationship("User", foreign_keys=[user_id])
    shared_by = so.relationship("User", foreign_keys=[shared_by_id])


class Competitor(db.Model):
    __tablename__ = "competitors"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)
    country: so.Mapped[str] = so.mapped_column(sa.String(2), default="")
    website: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    main_products: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    prices: so.Mapped[list["CompetitorPrice"]] = so.relationship(
        back_populates="competitor", cascade="all, delete-orphan",
        order_by="(CompetitorPrice.observed_on.desc(), CompetitorPrice.id.desc())")


class CompetitorPrice(db.Model):
    """A competitor's price seen somewhere, for one of our products (``product_id``) or a product named freely.

    D6's pricing helper compares quotation prices with these (same product, currency-converted).
    """

    __tablename__ = "competitor_prices"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    competitor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("competitors.id", ondelete="CASCADE"),
                                                     index=True)
    product_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("products.id"), index=True)
    product_name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    product_category: so.Mapped[str] = so.mapped_column(sa.String(100), default="", index=True)
    price_amount: so.Mapped[Decimal] = so.mapped_column(Amount())
    currency: so.Mapped[str] = so.mapped_column(sa.String(3))
    unit: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    incoterm: so.Mapped[str] = so.mapped_column(sa.String(3), default="")
    observed_on: so.Mapped[date] = so.mapped_column(index=True)
    source: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    competitor: so.Mapped[Competitor] = so.relationship(back_populates="prices")
    product = so.relationship("Product")
    created_by = so.relationship("User")

    @property
    def product_label(self) -> str:
        if self.product is not None:
            return self.product.display_name
        return self.product_name or self.product_category


class CustomerNeed(Versioned, db.Model):
    """One row of the customer-needs analysis table (客户需求分析表): a customer's need in a product category."""

    __tablename__ = "customer_needs"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    customer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    product_category: so.Mapped[str] = so.mapped_column(sa.String(100), index=True)
    product_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("products.id"), index=True)
    quantity: so.Mapped[Decimal | None] = so.mapped_column(Quantity())
    unit: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    target_price_amount: so.Mapped[Decimal | None] = so.mapped_column(Amount())
    currency: so.Mapped[str] = so.mapped_column(sa.String(3), default="USD")
    certifications: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    quality_requirements: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    delivery_requirements: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    priority: so.Mapped[str] = so.mapped_column(sa.String(10), default="medium", index=True)
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    sent_to_product_at: so.Mapped[datetime | None] = so.mapped_column(index=True)
    sent_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    customer = so.relationship("Customer", backref=so.backref("needs", order_by="CustomerNeed.id",
                                                              cascade="all, delete-orphan",
                                                              passive_deletes=True))
    product = so.relationship("Product")
    sent_by = so.relationship("User", foreign_keys=[sent_by_id])
