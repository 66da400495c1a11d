"""Customer care: interactions and follow-ups, complaints, satisfaction surveys, case feedback records."""
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from app.core.audit import Audited
from app.core.locking import Versioned
from app.core.models import utcnow
from app.extensions import db

INTERACTION_KINDS = {
    "call": _l("Phone call"),
    "email": lazy_pgettext("interaction", "E-mail"),
    "meeting": _l("Meeting"),
    "visit": _l("Visit"),
    "messaging": _l("Messaging app"),
    "trade_show": _l("Trade show"),
}

COMPLAINT_CATEGORIES = {
    "quality": _l("Quality"),
    "delivery": lazy_pgettext("complaint category", "Delivery"),
    "documents": _l("Documents"),
    "payment": _l("Payment"),
    "service": _l("Service"),
}
SEVERITIES = {
    "low": _l("Low"),
    "medium": _l("Medium"),
    "high": _l("High"),
    "critical": _l("Critical"),
}
COMPLAINT_STATUSES = {
    "open": lazy_pgettext("complaint status", "Open"),
    "in_progress": _l("In progress"),
    "resolved": _l("Resolved"),
    "closed": _l("Closed"),
}
COMPLAINT_DEPARTMENTS = ("customer_service", "tech_support")


class Interaction(db.Model):
    """One contact with a customer (沟通记录); ``is_follow_up_visit`` marks a 回访 (metric 3b).

    ``next_follow_up_on`` is a reminder for the customer's owner until ``follow_up_done_at`` is set.
    """

    __tablename__ = "interactions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    customer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    contact_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("contacts.id", ondelete="SET NULL"))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    occurred_at: so.Mapped[datetime] = so.mapped_column(index=True)
    summary: so.Mapped[str] = so.mapped_column(sa.Text)
    next_step: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    next_follow_up_on: so.Mapped[date | None] = so.mapped_column()  # indexed below, open reminders only
    follow_up_done_at: so.Mapped[datetime | None] = so.mapped_column()
    is_follow_up_visit: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    customer = so.relationship("Customer")
    contact = so.relationship("Contact")
    user = so.relationship("User")

    __table_args__ = (
        sa.Index("ix_interactions_customer_occurred", "customer_id", "occurred_at"),
        sa.Index("ix_interactions_user_visit_occurred", "user_id", "is_follow_up_visit", "occurred_at"),
        # the open reminders only (a few percent of all interactions), by customer for a rep's reminders and
        # by date for the lists in date order; a done reminder is read only with its customer
        sa.Index("ix_interactions_open_follow_ups", "customer_id", "next_follow_up_on",
                 sqlite_where=sa.text("follow_up_done_at IS NULL AND next_follow_up_on IS NOT NULL"),
                 postgresql_where=sa.text("follow_up_done_at IS NULL AND next_follow_up_on IS NOT NULL")),
        sa.Index("ix_interactions_open_follow_ups_by_date", "next_follow_up_on",
                 sqlite_where=sa.text("follow_up_done_at IS NULL AND next_follow_up_on IS NOT NULL"),
                 postgresql_where=sa.text("follow_up_done_at IS NULL AND next_follow_up_on IS NOT NULL")),
    )

    @property
    def kind_label(self):
        return INTERACTION_KINDS.get(self.kind, self.kind)


class Complaint(Audited, Versioned, db.Model):
    """A customer complaint (投诉): open → in progress → resolved → closed; every change is audited."""

    __tablename__ = "complaints"
    __audit_entity__ = "complaint"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    number: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    customer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("customers.id"), index=True)
    contract_id: so.Mapped[int | None] = so.mapped_column(index=True)
    owner_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    category: so.Mapped[str] = so.mapped_column(sa.String(20))
    severity: so.Mapped[str] = so.mapped_column(sa.String(20))
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="open", index=True)
    subject: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text)
    department_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("departments.id"), index=True)
    assignee_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    resolution: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    opened_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    responded_at: so.Mapped[datetime | None] = so.mapped_column()
    resolved_at: so.Mapped[datetime | None] = so.mapped_column()
    closed_at: so.Mapped[datetime | None] = so.mapped_column()
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    customer = so.relationship("Customer")
    owner = so.relationship("User", foreign_keys=[owner_id])
    assignee = so.relationship("User", foreign_keys=[assignee_id])
    department = so.relationship("Department")

    @property
    def status_label(self):
        return COMPLAINT_STATUSES.get(self.status, self.status)

    @property
    def category_label(self):
        return COMPLAINT_CATEGORIES.get(self.category, self.category)

    @property
    def severity_label(self):
        return SEVERITIES.get(self.severity, self.severity)


class SatisfactionSurvey(db.Model):
    """A survey sent to a customer contact; only the SHA-256 of its single-use link token is stored."""

    __tablename__ = "satisfaction_surveys"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    customer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    contact_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("contacts.id", ondelete="SET NULL"))
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column()
    answered_at: so.Mapped[datetime | None] = so.mapped_column(index=True)
    answer_locale: so.Mapped[str] = so.mapped_column(sa.String(10), default="")
    overall: so.Mapped[int | None] = so.mapped_column()
    quality: so.Mapped[int | None] = so.mapped_column()
    delivery: so.Mapped[int | None] = so.mapped_column()
    communication: so.Mapped[int | None] = so.mapped_column()
    comments: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    customer = so.relationship("Customer")
    contact = so.relationship("Contact")
    created_by = so.relationship("User")

    __table_args__ = (sa.Index("ix_satisfaction_surveys_rep_answered", "created_by_id", "answered_at"),)

    def state(self, now: datetime) -> str:
        if self.answered_at is not None:
            return "answered"
        return "expired" if self.expires_at <= now else "pending"


class CaseRecord(Audited, Versioned, db.Model):
    """A case feedback record (案例反馈记录): what went wrong, what was done, what we learned."""

    __tablename__ = "case_records"
    __audit_entity__ = "case_record"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    owner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    customer_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("customers.id", ondelete="SET NULL"),
                                                          index=True)
    complaint_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("complaints.id", ondelete="SET NULL"),
                                                           index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    occurred_on: so.Mapped[date] = so.mapped_column(index=True)
    problem: so.Mapped[str] = so.mapped_column(sa.Text)
    actions: so.Mapped[str] = so.mapped_column(sa.Text)
    outcome: so.Mapped[str] = so.mapped_column(sa.Text)
    lessons: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    owner = so.relationship("User")
    customer = so.relationship("Customer")
    complaint = so.relationship("Complaint")
