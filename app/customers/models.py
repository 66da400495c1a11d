"""Customers (the companies we sell to) and their contacts: shared by every duty."""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from app.core.audit import Audited
from app.core.locking import Versioned
from app.core.models import utcnow
from app.extensions import db

STAGES = {
    "lead": _l("Lead"),
    "valid": _l("Valid customer"),
    "negotiating": _l("Negotiating"),
    "won": _l("Won"),
    "lost": _l("Lost"),
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


class Customer(Audited, Versioned, db.Model):
    """A company we sell to. ``owner_id`` empty means the customer is in the public pool (公海)."""

    __tablename__ = "customers"
    __audit_entity__ = "customer"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200), index=True)
    local_name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    name_key: so.Mapped[str] = so.mapped_column(sa.String(200), default="", index=True)
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
    owner_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    valid_at: so.Mapped[datetime | None] = so.mapped_column(index=True)
    last_interaction_at: so.Mapped[datetime | None] = so.mapped_column(index=True)
    claimed_at: so.Mapped[datetime | None] = so.mapped_column()
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    owner = so.relationship("User", foreign_keys=[owner_id])
    contacts: so.Mapped[list["Contact"]] = so.relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="Contact.id")

    __table_args__ = (sa.Index("ix_customers_owner_stage_name", "owner_id", "stage", "name"),)

    @property
    def in_public_pool(self) -> bool:
        return self.owner_id is None

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
