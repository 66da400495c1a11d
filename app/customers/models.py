"""Customers (the companies we sell to) and their contacts: shared by every duty."""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from app.core.audit import Audited
from app.core.locking import Versioned
from app.core.models import utcnow
from app.customers.normalise import domain_key, email_key, name_key, tags_text
from app.extensions import db

STAGES = {
    "lead": _l("Lead"),
    "valid": _l("Valid customer"),
    "negotiating": _l("Negotiating"),
    "won": lazy_pgettext("customer stage", "Won"),
    "lost": lazy_pgettext("customer stage", "Lost"),
}
SOURCES = {
    "trade_show": _l("Trade show"),
    "b2b_platform": _l("B2B platform"),
    "customs_data": _l("Customs data"),
    "social_media": _l("Social media"),
    "industry_association": _l("Industry association"),
    "referral": _l("Referral"),
    "inbound_inquiry": _l("Inbound inquiry"),
    "other": _l("Other"),
}
GRADES = {"A": "A", "B": "B", "C": "C"}
# Stages a customer may move to from each stage. Reaching *valid* has its own rule (services.validity_problems).
TRANSITIONS = {
    "lead": ("valid", "lost"),
    "valid": ("negotiating", "lost"),
    "negotiating": ("won", "valid", "lost"),
    "won": ("negotiating", "lost"),
    "lost": ("lead",),
}
# Stages that still count as "held" against the pool cap and that return to the public pool when idle.
ACTIVE_STAGES = ("lead", "valid", "negotiating")
RECYCLABLE_STAGES = ("lead", "valid")


class Customer(Audited, Versioned, db.Model):
    """A company we sell to. ``owner_id`` empty means the customer is in the public pool (公海).

    ``name_key``, ``local_name_key`` and ``domain`` are kept filled from ``name``, ``local_name`` and
    ``website`` whenever those are set; ``merged_into_id`` marks a duplicate whose contacts moved to
    another record (it stays for the history of whatever refers to it but leaves every list).
    """

    __tablename__ = "customers"
    __audit_entity__ = "customer"
    __audit_fields__ = ("name", "local_name", "country", "city", "address", "industry", "website", "source",
                        "grade", "stage", "tags", "notes", "owner_id", "valid_at", "merged_into_id")

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200), index=True)
    local_name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    name_key: so.Mapped[str] = so.mapped_column(sa.String(200), default="", index=True)
    local_name_key: so.Mapped[str] = so.mapped_column(sa.String(200), default="", index=True)
    country: so.Mapped[str] = so.mapped_column(sa.String(2), index=True)
    city: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    address: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    industry: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    website: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    domain: so.Mapped[str] = so.mapped_column(sa.String(255), default="", index=True)
    source: so.Mapped[str] = so.mapped_column(sa.String(30), default="other", index=True)
    grade: so.Mapped[str] = so.mapped_column(sa.String(1), default="C", index=True)
    stage: so.Mapped[str] = so.mapped_column(sa.String(20), default="lead", index=True)
    tags: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    owner_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))  # indexed below, with the order
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    valid_at: so.Mapped[datetime | None] = so.mapped_column(index=True)
    last_interaction_at: so.Mapped[datetime | None] = so.mapped_column(index=True)
    claimed_at: so.Mapped[datetime | None] = so.mapped_column()
    merged_into_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("customers.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    owner = so.relationship("User", foreign_keys=[owner_id])
    contacts: so.Mapped[list["Contact"]] = so.relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="Contact.id")

    created_by = so.relationship("User", foreign_keys=[created_by_id])
    merged_into = so.relationship("Customer", remote_side=[id], foreign_keys=[merged_into_id])

    __table_args__ = (sa.Index("ix_customers_owner_stage_name", "owner_id", "stage", "name"),
                      # the list's default order (newest first) for one owner or the pool, with or without a
                      # stage: a page is a walk down an index instead of sorting every matching customer
                      sa.Index("ix_customers_owner_created", "owner_id", "created_at"),
                      sa.Index("ix_customers_owner_stage_created", "owner_id", "stage", "created_at"))

    @so.validates("name", "local_name", "website", "tags")
    def _keep_keys(self, key, value):
        value = (value or "").strip()
        if key == "name":
            self.name_key = name_key(value)
        elif key == "local_name":
            self.local_name_key = name_key(value)
        elif key == "website":
            self.domain = domain_key(value)
        elif key == "tags":
            value = tags_text(value)
        return value

    @property
    def in_public_pool(self) -> bool:
        return self.owner_id is None

    @property
    def tag_list(self) -> list[str]:
        return [t for t in (self.tags or "").split(",") if t]

    @property
    def primary_contact(self):
        contacts = self.contacts
        return next((c for c in contacts if c.is_primary), contacts[0] if contacts else None)

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.local_name})" if self.local_name else self.name


class Contact(Audited, db.Model):
    __tablename__ = "contacts"
    __audit_entity__ = "contact"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    customer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    email: so.Mapped[str] = so.mapped_column(sa.String(255), default="", index=True)
    phone: so.Mapped[str] = so.mapped_column(sa.String(60), default="", index=True)
    messaging: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    is_primary: so.Mapped[bool] = so.mapped_column(default=False)
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    customer: so.Mapped[Customer] = so.relationship(back_populates="contacts")

    @so.validates("email")
    def _email(self, key, value):
        return email_key(value)

    @so.validates("name", "title", "phone", "messaging")
    def _trim(self, key, value):
        return (value or "").strip()

    @property
    def reachable(self) -> bool:
        return bool(self.email or self.phone)


class DuplicateDecision(db.Model):
    """A user's answer to "these two records look like the same company": keep both, with the reason."""

    __tablename__ = "customer_duplicate_decisions"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    customer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    other_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    decision: so.Mapped[str] = so.mapped_column(sa.String(20), default="kept_both")
    reason: so.Mapped[str] = so.mapped_column(sa.String(500))
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    decided_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    decided_by = so.relationship("User")
    other = so.relationship(Customer, foreign_keys=[other_id])


POOL_EVENTS = {
    "claimed": _l("Claimed from the public pool"),
    "assigned": _l("Assigned by the manager"),
    "released": _l("Returned to the public pool by the owner"),
    "recycled": _l("Returned to the public pool (no interaction)"),
}


class PoolEvent(db.Model):
    """One change of hands between the public pool and a rep (also counts the daily claims)."""

    __tablename__ = "customer_pool_events"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    customer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    from_owner_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    to_owner_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    from_owner = so.relationship("User", foreign_keys=[from_owner_id])
    to_owner = so.relationship("User", foreign_keys=[to_owner_id])

    __table_args__ = (sa.Index("ix_customer_pool_events_user_kind_at", "user_id", "kind", "at"),)


class CustomerImport(db.Model):
    """One upload of a customer list: its column mapping, options and, once run, the rejected rows."""

    __tablename__ = "customer_imports"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    file_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("stored_files.id"))
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="uploaded")
    headers: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    mapping: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    options: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    total_rows: so.Mapped[int] = so.mapped_column(default=0)
    imported_count: so.Mapped[int] = so.mapped_column(default=0)
    rejected_count: so.Mapped[int] = so.mapped_column(default=0)
    rejected: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    finished_at: so.Mapped[datetime | None] = so.mapped_column()

    user = so.relationship("User")
    file = so.relationship("StoredFile")
