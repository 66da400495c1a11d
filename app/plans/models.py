"""Sales targets per rep and period, sales plans with tasks, and adjustment notes (调整销售策略)."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from app.core.audit import Audited
from app.core.locking import Versioned
from app.core.models import utcnow
from app.core.types import Amount
from app.extensions import db

PLAN_KINDS = {"monthly": _l("Monthly plan"), "quarterly": _l("Quarterly plan")}
PLAN_STATUSES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "approved": _l("Approved"),
    "returned": _l("Returned"),
}
TASK_STATUSES = {"open": _l("Open"), "done": _l("Done"), "cancelled": _l("Cancelled")}


class SalesTarget(Audited, Versioned, db.Model):
    """One target of one rep: a month row (``month`` set) or a quarter override (``quarter`` set).

    A quarter without an override row, or whose override amount is empty, targets the sum of its
    months. Amounts are in the base currency recorded in ``currency``.
    """

    __tablename__ = "sales_targets"
    __audit_entity__ = "sales_target"
    __audit_fields__ = ("target_amount", "new_customer_target", "currency")

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    year: so.Mapped[int] = so.mapped_column(index=True)
    month: so.Mapped[int | None] = so.mapped_column()
    quarter: so.Mapped[int | None] = so.mapped_column()
    target_amount: so.Mapped[Decimal | None] = so.mapped_column(Amount())
    currency: so.Mapped[str] = so.mapped_column(sa.String(3), default="CNY")
    new_customer_target: so.Mapped[int | None] = so.mapped_column()
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    user = so.relationship("User", foreign_keys=[user_id])

    __table_args__ = (
        sa.CheckConstraint("(month IS NULL) <> (quarter IS NULL)", name="ck_sales_targets_one_period"),
        sa.CheckConstraint("month IS NULL OR (month BETWEEN 1 AND 12)", name="ck_sales_targets_month"),
        sa.CheckConstraint("quarter IS NULL OR (quarter BETWEEN 1 AND 4)", name="ck_sales_targets_quarter"),
        sa.CheckConstraint("target_amount IS NULL OR target_amount >= 0", name="ck_sales_targets_amount"),
        sa.CheckConstraint("new_customer_target IS NULL OR new_customer_target >= 0",
                           name="ck_sales_targets_new_customers"),
        sa.Index("uq_sales_targets_month", "user_id", "year", "month", unique=True,
                 sqlite_where=sa.text("month IS NOT NULL"), postgresql_where=sa.text("month IS NOT NULL")),
        sa.Index("uq_sales_targets_quarter", "user_id", "year", "quarter", unique=True,
                 sqlite_where=sa.text("quarter IS NOT NULL"), postgresql_where=sa.text("quarter IS NOT NULL")),
    )

    @property
    def slot(self) -> str:
        return f"m{self.month}" if self.month else f"q{self.quarter}"


plan_products = sa.Table(
    "sales_plan_products",
    db.metadata,
    sa.Column("plan_id", sa.ForeignKey("sales_plans.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("product_id", sa.ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
)
plan_research_reports = sa.Table(
    "sales_plan_research_reports",
    db.metadata,
    sa.Column("plan_id", sa.ForeignKey("sales_plans.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("report_id", sa.ForeignKey("research_reports.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class SalesPlan(Audited, Versioned, db.Model):
    """A rep's monthly or quarterly sales plan: draft → submitted → approved, or returned with a comment.

    Once approved, it changes only through dated ``PlanAdjustment`` notes.
    """

    __tablename__ = "sales_plans"
    __audit_entity__ = "sales_plan"
    __audit_fields__ = ("status", "strategy", "markets", "return_comment", "approved_by_id")

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    owner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(10))
    year: so.Mapped[int] = so.mapped_column()
    month: so.Mapped[int | None] = so.mapped_column()
    quarter: so.Mapped[int | None] = so.mapped_column()
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default="draft", index=True)
    strategy: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    markets: so.Mapped[str] = so.mapped_column(sa.String(400), default="")
    submitted_at: so.Mapped[datetime | None] = so.mapped_column()
    approved_at: so.Mapped[datetime | None] = so.mapped_column()
    approved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    returned_at: so.Mapped[datetime | None] = so.mapped_column()
    returned_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    return_comment: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    owner = so.relationship("User", foreign_keys=[owner_id])
    approved_by = so.relationship("User", foreign_keys=[approved_by_id])
    returned_by = so.relationship("User", foreign_keys=[returned_by_id])
    products = so.relationship("Product", secondary=plan_products, order_by="Product.sku")
    research_reports = so.relationship("ResearchReport", secondary=plan_research_reports,
                                       order_by="ResearchReport.period_end_on.desc()")
    tasks: so.Mapped[list["PlanTask"]] = so.relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="(PlanTask.due_on, PlanTask.id)")
    adjustments: so.Mapped[list["PlanAdjustment"]] = so.relationship(
        back_populates="plan", cascade="all, delete-orphan",
        order_by="(PlanAdjustment.made_on.desc(), PlanAdjustment.id.desc())")

    __table_args__ = (
        sa.CheckConstraint("kind IN ('monthly', 'quarterly')", name="ck_sales_plans_kind"),
        sa.CheckConstraint("(kind = 'monthly' AND month BETWEEN 1 AND 12 AND quarter IS NULL) OR "
                           "(kind = 'quarterly' AND quarter BETWEEN 1 AND 4 AND month IS NULL)",
                           name="ck_sales_plans_period"),
        sa.Index("uq_sales_plans_month", "owner_id", "year", "month", unique=True,
                 sqlite_where=sa.text("month IS NOT NULL"), postgresql_where=sa.text("month IS NOT NULL")),
        sa.Index("uq_sales_plans_quarter", "owner_id", "year", "quarter", unique=True,
                 sqlite_where=sa.text("quarter IS NOT NULL"), postgresql_where=sa.text("quarter IS NOT NULL")),
    )

    @property
    def market_codes(self) -> list[str]:
        return [c for c in (self.markets or "").split(",") if c]

    @property
    def period_label(self) -> str:
        return f"{self.year}-{self.month:02d}" if self.kind == "monthly" else f"{self.year}-Q{self.quarter}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month if self.kind == "monthly" else 3 * self.quarter - 2, 1)

    @property
    def editable(self) -> bool:
        return self.status in ("draft", "returned")


class PlanTask(Audited, db.Model):
    """A task of a plan; plan execution (metric 2b) counts tasks done on or before their due date."""

    __tablename__ = "plan_tasks"
    __audit_entity__ = "plan_task"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    plan_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("sales_plans.id", ondelete="CASCADE"), index=True)
    owner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    due_on: so.Mapped[date] = so.mapped_column(index=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default="open", index=True)
    done_on: so.Mapped[date | None] = so.mapped_column()
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    plan: so.Mapped[SalesPlan] = so.relationship(back_populates="tasks")
    owner = so.relationship("User", foreign_keys=[owner_id])

    __table_args__ = (
        sa.CheckConstraint("status IN ('open', 'done', 'cancelled')", name="ck_plan_tasks_status"),
        sa.CheckConstraint("(status = 'done') = (done_on IS NOT NULL)", name="ck_plan_tasks_done_on"),
    )

    def is_overdue(self, today: date) -> bool:
        return self.status == "open" and self.due_on < today


class PlanAdjustment(db.Model):
    """A dated adjustment note on an approved plan (调整销售策略): what changed and why. Never edited."""

    __tablename__ = "plan_adjustments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    plan_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("sales_plans.id", ondelete="CASCADE"), index=True)
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    made_on: so.Mapped[date] = so.mapped_column()
    what_changed: so.Mapped[str] = so.mapped_column(sa.Text)
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    strategy_before: so.Mapped[str | None] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    plan: so.Mapped[SalesPlan] = so.relationship(back_populates="adjustments")
    author = so.relationship("User", foreign_keys=[author_id])
