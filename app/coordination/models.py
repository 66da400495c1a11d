"""Cross-department coordination: meetings with minutes and action items, resource requests (资源调配)."""
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from app.core.audit import Audited
from app.core.locking import Versioned
from app.core.models import utcnow
from app.extensions import db

ACTION_STATUSES = {
    "open": _l("Open"),
    "done": _l("Done"),
    "cancelled": _l("Cancelled"),
}

REQUEST_KINDS = {
    "samples": _l("Samples"),
    "shipping_booking": _l("Shipping booking"),
    "credit_approval": _l("Credit approval"),
    "customisation": _l("Product customisation"),
    "marketing_material": _l("Marketing material"),
    "transport_problem": _l("Transport problem"),
    "other": _l("Other"),
}

REQUEST_STATUSES = {
    "requested": _l("Requested"),
    "accepted": _l("Accepted"),
    "fulfilled": _l("Fulfilled"),
    "rejected": _l("Rejected"),
}
OPEN_REQUEST_STATUSES = ("requested", "accepted")

meeting_departments = sa.Table(
    "meeting_departments",
    db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("department_id", sa.ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)

meeting_attendees = sa.Table(
    "meeting_attendees",
    db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)

meeting_carried_items = sa.Table(
    "meeting_carried_items",
    db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("action_item_id", sa.ForeignKey("action_items.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)


class Meeting(Audited, Versioned, db.Model):
    """A cross-department meeting and its minutes (会议记录).

    A recurring meeting points at the one before it (``previous_meeting_id``). Open action items of
    the previous meeting are *linked* into the next one (``carried_items``), never copied: each
    action item stays one record, so metric 5a counts it exactly once, by its own due date.
    """

    __tablename__ = "meetings"
    __audit_entity__ = "meeting"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    starts_at: so.Mapped[datetime] = so.mapped_column(index=True)
    duration_minutes: so.Mapped[int] = so.mapped_column(default=60)
    location: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    organiser_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    external_attendees: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    agenda: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    minutes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    decisions: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    previous_meeting_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("meetings.id"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    organiser = so.relationship("User", foreign_keys=[organiser_id])
    departments = so.relationship("Department", secondary=meeting_departments, order_by="Department.code")
    attendees = so.relationship("User", secondary=meeting_attendees, order_by="User.full_name")
    action_items: so.Mapped[list["ActionItem"]] = so.relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="ActionItem.id")
    carried_items: so.Mapped[list["ActionItem"]] = so.relationship(
        secondary=meeting_carried_items, order_by="ActionItem.due_on")
    previous_meeting = so.relationship("Meeting", remote_side=[id], foreign_keys=[previous_meeting_id])

    @property
    def external_names(self) -> list[str]:
        return [n.strip() for n in self.external_attendees.splitlines() if n.strip()]

    def involves(self, user) -> bool:
        """Whether ``user`` organised, attended or owns an action item of this meeting."""
        if self.organiser_id == user.id or any(a.id == user.id for a in self.attendees):
            return True
        return any(i.owner_id == user.id for i in self.action_items + self.carried_items)


class ActionItem(Audited, db.Model):
    """One thing a meeting decided somebody does by a date.

    Metric 5a: an item counts in the period its ``due_on`` falls in; it is achieved when
    ``status == 'done'`` and ``done_on <= due_on``. Cancelled items are not counted.
    """

    __tablename__ = "action_items"
    __audit_entity__ = "action_item"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    owner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    department_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("departments.id"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    due_on: so.Mapped[date] = so.mapped_column(index=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default="open", index=True)
    done_on: so.Mapped[date | None] = so.mapped_column()
    done_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)

    meeting: so.Mapped[Meeting] = so.relationship(back_populates="action_items")
    owner = so.relationship("User", foreign_keys=[owner_id])
    department = so.relationship("Department", foreign_keys=[department_id])

    @property
    def on_time(self) -> bool:
        return self.status == "done" and self.done_on is not None and self.done_on <= self.due_on

    def is_overdue(self, today: date) -> bool:
        return self.status == "open" and self.due_on < today


class ResourceRequest(Audited, Versioned, db.Model):
    """A request to another department for resources (资源调配): samples, a booking, a credit approval…

    requested → accepted → fulfilled, or → rejected from requested or accepted. Who moved it and
    when is kept on the record and in the audit log. Metric 5b: a request counts in the period its
    ``needed_by_on`` falls in; it is on time when fulfilled with ``fulfilled_on <= needed_by_on``.
    ``contract_id`` links a sales contract (D4); ``contract_reference`` keeps its number for lists and exports.
    """

    __tablename__ = "resource_requests"
    __audit_entity__ = "resource_request"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    requester_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    department_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("departments.id"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(30), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    details: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    customer_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("customers.id"), index=True)
    contract_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("contracts.id"), index=True)
    contract_reference: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    needed_by_on: so.Mapped[date] = so.mapped_column(index=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default="requested", index=True)
    accepted_at: so.Mapped[datetime | None] = so.mapped_column()
    accepted_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    fulfilled_on: so.Mapped[date | None] = so.mapped_column()
    fulfilled_at: so.Mapped[datetime | None] = so.mapped_column()
    fulfilled_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    rejected_at: so.Mapped[datetime | None] = so.mapped_column()
    rejected_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    response_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    overdue_notified_at: so.Mapped[datetime | None] = so.mapped_column()
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    requester = so.relationship("User", foreign_keys=[requester_id])
    department = so.relationship("Department", foreign_keys=[department_id])
    customer = so.relationship("Customer", foreign_keys=[customer_id])
    contract = so.relationship("Contract", foreign_keys=[contract_id])
    accepted_by = so.relationship("User", foreign_keys=[accepted_by_id])
    fulfilled_by = so.relationship("User", foreign_keys=[fulfilled_by_id])
    rejected_by = so.relationship("User", foreign_keys=[rejected_by_id])

    __table_args__ = (sa.Index("ix_resource_requests_department_status", "department_id", "status"),)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.needed_by_on < today

    @property
    def on_time(self) -> bool | None:
        if self.status != "fulfilled" or self.fulfilled_on is None:
            return None
        return self.fulfilled_on <= self.needed_by_on
