"""Sales data, its monthly summary, monthly sales reports and the scorecard's own records."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from app.core.locking import Versioned
from app.core.models import utcnow
from app.core.types import Amount, Quantity, Rate
from app.extensions import db

SOURCES = {"import": _l("Imported"), "contract": _l("Signed contract")}

REPORT_STATUSES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "approved": _l("Approved"),
    "correction_requested": _l("Correction requested"),
}


class SalesRecord(db.Model):
    """One sale: an imported historical row or a signed contract, with its amount in the base currency."""

    __tablename__ = "sales_records"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    sold_on: so.Mapped[date] = so.mapped_column(index=True)
    customer_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("customers.id", ondelete="SET NULL"))
    customer_name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    country: so.Mapped[str] = so.mapped_column(sa.String(2), default="")
    product_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("products.id", ondelete="SET NULL"))
    product_name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    quantity: so.Mapped[Decimal | None] = so.mapped_column(Quantity())
    amount: so.Mapped[Decimal] = so.mapped_column(Amount())
    currency: so.Mapped[str] = so.mapped_column(sa.String(3))
    exchange_rate: so.Mapped[Decimal] = so.mapped_column(Rate())
    base_amount: so.Mapped[Decimal] = so.mapped_column(Amount())
    owner_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    source: so.Mapped[str] = so.mapped_column(sa.String(10), default="import")
    contract_id: so.Mapped[int | None] = so.mapped_column(unique=True)
    import_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("sales_imports.id", ondelete="SET NULL"),
                                                        index=True)
    row_key: so.Mapped[str] = so.mapped_column(sa.String(64), default="", index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    owner = so.relationship("User", foreign_keys=[owner_id])
    customer = so.relationship("Customer", foreign_keys=[customer_id])
    product = so.relationship("Product", foreign_keys=[product_id])

    __table_args__ = (
        sa.Index("ix_sales_records_owner_sold", "owner_id", "sold_on"),
        sa.Index("ix_sales_records_customer_sold", "customer_id", "sold_on"),
        sa.Index("ix_sales_records_sold_customer", "sold_on", "customer_id", "customer_name", "country", "base_amount"),
        sa.Index("ix_sales_records_country_sold", "country", "sold_on"),
        sa.Index("ix_sales_records_product_sold", "product_id", "sold_on"),
        sa.Index("ix_sales_records_source_sold", "source", "sold_on"),
    )

    @property
    def month_on(self) -> date:
        return self.sold_on.replace(day=1)


class SalesMonthly(db.Model):
    """Sales summed by month × rep × country × product; rebuilt for a month whenever its sales change."""

    __tablename__ = "sales_monthly"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    month_on: so.Mapped[date] = so.mapped_column(index=True)
    owner_id: so.Mapped[int | None] = so.mapped_column()
    country: so.Mapped[str] = so.mapped_column(sa.String(2), default="")
    product_id: so.Mapped[int | None] = so.mapped_column()
    product_name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    base_amount: so.Mapped[Decimal] = so.mapped_column(Amount())
    quantity: so.Mapped[Decimal | None] = so.mapped_column(Quantity())
    deal_count: so.Mapped[int] = so.mapped_column(default=0)

    __table_args__ = (sa.Index("ix_sales_monthly_owner_month", "owner_id", "month_on"),
                      sa.Index("ix_sales_monthly_country_month", "country", "month_on"))


class SalesMonthlyCountry(db.Model):
    """Sales summed by month at three grains (``grain``): 'rep_country' (month × rep × country), 'rep'
    (month × rep) and 'country' (month × country, whole team); month series, totals and the by-country and
    by-rep tables read the smallest grain that answers them."""

    __tablename__ = "sales_monthly_country"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    grain: so.Mapped[str] = so.mapped_column(sa.String(12), default="rep_country")
    month_on: so.Mapped[date] = so.mapped_column(index=True)
    owner_id: so.Mapped[int | None] = so.mapped_column()
    country: so.Mapped[str] = so.mapped_column(sa.String(2), default="")
    base_amount: so.Mapped[Decimal] = so.mapped_column(Amount())
    deal_count: so.Mapped[int] = so.mapped_column(default=0)

    __table_args__ = (sa.Index("ix_sales_monthly_country_owner_month", "grain", "owner_id", "month_on"),
                      sa.Index("ix_sales_monthly_country_grain_month", "grain", "month_on"))


class SalesMonthlyProduct(db.Model):
    """Sales summed by month × product for the whole team: what the unfiltered by-product table reads."""

    __tablename__ = "sales_monthly_product"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    month_on: so.Mapped[date] = so.mapped_column(index=True)
    product_id: so.Mapped[int | None] = so.mapped_column()
    product_name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    base_amount: so.Mapped[Decimal] = so.mapped_column(Amount())
    deal_count: so.Mapped[int] = so.mapped_column(default=0)


class SyncState(db.Model):
    """What the last synchronisation of signed contracts saw, so that an unchanged state costs one query."""

    __tablename__ = "reports_sync_state"

    key: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    fingerprint: so.Mapped[str] = so.mapped_column(sa.String(200), default="")


class SalesImport(db.Model):
    """An upload of historical sales: its column mapping, then what was imported and what was refused."""

    __tablename__ = "sales_imports"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    file_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("stored_files.id"))
    uploaded_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    default_owner_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default="mapping")
    encoding: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    columns: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    mapping: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    rows_total: so.Mapped[int] = so.mapped_column(default=0)
    rows_imported: so.Mapped[int] = so.mapped_column(default=0)
    rejected: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    imported_at: so.Mapped[datetime | None] = so.mapped_column()

    file = so.relationship("StoredFile")
    uploaded_by = so.relationship("User", foreign_keys=[uploaded_by_id])


class MonthlyReport(Versioned, db.Model):
    """A rep's monthly sales analysis report (销售分析报告) and its review by the manager."""

    __tablename__ = "monthly_reports"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    owner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    year: so.Mapped[int] = so.mapped_column()
    month: so.Mapped[int] = so.mapped_column()
    status: so.Mapped[str] = so.mapped_column(sa.String(24), default="draft", index=True)
    analysis: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    suggestions: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    figures: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    deadline_on: so.Mapped[date] = so.mapped_column()
    first_submitted_at: so.Mapped[datetime | None] = so.mapped_column()
    submitted_at: so.Mapped[datetime | None] = so.mapped_column()
    reviewed_at: so.Mapped[datetime | None] = so.mapped_column()
    reviewed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    review_comment: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    correction_requested: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    owner = so.relationship("User", foreign_keys=[owner_id])
    reviewed_by = so.relationship("User", foreign_keys=[reviewed_by_id])

    __table_args__ = (sa.UniqueConstraint("owner_id", "year", "month", name="uq_monthly_reports_owner_month"),)

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def editable(self) -> bool:
        return self.status in ("draft", "correction_requested")


class ReportReview(db.Model):
    """Each review decision on a monthly report (approve or request correction), with the comment."""

    __tablename__ = "monthly_report_reviews"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("monthly_reports.id", ondelete="CASCADE"), index=True)
    reviewer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    decision: so.Mapped[str] = so.mapped_column(sa.String(24))
    comment: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    reviewer = so.relationship("User")


class ScorecardComment(Versioned, db.Model):
    """The manager's comment on a rep's monthly scorecard (绩效考核表)."""

    __tablename__ = "scorecard_comments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    year: so.Mapped[int] = so.mapped_column()
    month: so.Mapped[int] = so.mapped_column()
    comment: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    author_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    author = so.relationship("User", foreign_keys=[author_id])

    __table_args__ = (sa.UniqueConstraint("user_id", "year", "month", name="uq_scorecard_comments_user_month"),)


class NegotiationTarget(db.Model):
    """Metric 6a's target: negotiations a rep should win in a quarter, set by the manager."""

    __tablename__ = "negotiation_targets"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    year: so.Mapped[int] = so.mapped_column()
    quarter: so.Mapped[int] = so.mapped_column()
    won_target: so.Mapped[int] = so.mapped_column()

    __table_args__ = (sa.UniqueConstraint("user_id", "year", "quarter", name="uq_negotiation_targets_user_quarter"),)
