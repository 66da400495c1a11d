"""Cross-cutting tables: settings, audit log, numbering, calendar, exchange rates, files, logins."""
from datetime import date, datetime, timezone
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.core.types import Rate
from app.extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Setting(db.Model):
    __tablename__ = "settings"
    key: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    value: so.Mapped[str] = so.mapped_column(sa.Text, default="")


class AuditLog(db.Model):
    """One changed field of one record: who, when, old → new."""

    __tablename__ = "audit_log"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    entity: so.Mapped[str] = so.mapped_column(sa.String(40))
    entity_id: so.Mapped[int] = so.mapped_column()
    action: so.Mapped[str] = so.mapped_column(sa.String(20))
    field: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    old_value: so.Mapped[str | None] = so.mapped_column(sa.Text)
    new_value: so.Mapped[str | None] = so.mapped_column(sa.Text)

    user = so.relationship("User", lazy="joined")

    __table_args__ = (sa.Index("ix_audit_log_entity", "entity", "entity_id"),)


class DocumentCounter(db.Model):
    __tablename__ = "document_counters"
    prefix: so.Mapped[str] = so.mapped_column(sa.String(8), primary_key=True)
    year: so.Mapped[int] = so.mapped_column(primary_key=True)
    last_value: so.Mapped[int] = so.mapped_column(default=0)


class CalendarDay(db.Model):
    """An admin-entered exception to the calendar: a holiday or a make-up working day (调休)."""

    __tablename__ = "calendar_days"
    day: so.Mapped[date] = so.mapped_column(primary_key=True)
    is_working: so.Mapped[bool] = so.mapped_column()
    note: so.Mapped[str] = so.mapped_column(sa.String(200), default="")


class ExchangeRate(db.Model):
    """How many units of the base currency one unit of ``currency`` buys, from ``effective_on``."""

    __tablename__ = "exchange_rates"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    currency: so.Mapped[str] = so.mapped_column(sa.String(3), index=True)
    base_currency: so.Mapped[str] = so.mapped_column(sa.String(3))
    rate: so.Mapped[Decimal] = so.mapped_column(Rate())
    effective_on: so.Mapped[date] = so.mapped_column(index=True)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("currency", "base_currency", "effective_on", name="uq_exchange_rates_day"),)


class StoredFile(db.Model):
    """An uploaded file: kept under a random key, served only to whoever may see its owner."""

    __tablename__ = "stored_files"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    storage_key: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    original_name: so.Mapped[str] = so.mapped_column(sa.String(255))
    content_type: so.Mapped[str] = so.mapped_column(sa.String(100))
    kind: so.Mapped[str] = so.mapped_column(sa.String(10))
    size: so.Mapped[int] = so.mapped_column()
    owner_type: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    owner_id: so.Mapped[int | None] = so.mapped_column()
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    __table_args__ = (sa.Index("ix_stored_files_owner", "owner_type", "owner_id"),)


class LoginAttempt(db.Model):
    """Failed logins, kept in the database so that every worker and server agrees on throttling."""

    __tablename__ = "login_attempts"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(80), index=True)
    remote_addr: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)


class Notification(db.Model):
    """A message to one user; ``message`` is a gettext msgid rendered in the reader's language."""

    __tablename__ = "notifications"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    message: so.Mapped[str] = so.mapped_column(sa.String(255))
    params: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    link: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    read_at: so.Mapped[datetime | None] = so.mapped_column()

    __table_args__ = (sa.Index("ix_notifications_unread", "user_id", "read_at"),)
