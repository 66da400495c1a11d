"""The audit log: every change to an audited model is written here by one session hook.

A model opts in with ``Audited`` and names its audited fields in ``__audit_fields__``
(default: every column except ids, timestamps and version counters).
"""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.models import AuditLog

_SKIP = {"id", "created_at", "updated_at", "version_id"}


class Audited:
    __audit_fields__: tuple[str, ...] | None = None

    @classmethod
    def audited_columns(cls) -> list[str]:
        if cls.__audit_fields__ is not None:
            return list(cls.__audit_fields__)
        return [c.key for c in sa.inspect(cls).column_attrs if c.key not in _SKIP]


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _current_user_id() -> int | None:
    try:
        from flask import has_request_context
        from flask_login import current_user

        if has_request_context() and current_user and current_user.is_authenticated:
            return current_user.id
    except Exception:  # pragma: no cover - outside Flask entirely
        return None
    return None


def _entity(obj) -> str:
    return getattr(obj, "__audit_entity__", obj.__tablename__)


@event.listens_for(Session, "before_flush")
def _collect(session: Session, flush_context, instances) -> None:
    pending = session.info.setdefault("audit_pending", [])
    user_id = _current_user_id()
    for obj in session.new:
        if isinstance(obj, Audited):
            pending.append((obj, "create", None, user_id))
    for obj in session.dirty:
        if not isinstance(obj, Audited) or not session.is_modified(obj, include_collections=False):
            continue
        state = sa.inspect(obj)
        changes = []
        for key in obj.audited_columns():
            hist = state.attrs[key].history
            if hist.has_changes():
                old = hist.deleted[0] if hist.deleted else None
                new = hist.added[0] if hist.added else None
                if _text(old) != _text(new):
                    changes.append((key, _text(old), _text(new)))
        if changes:
            pending.append((obj, "update", changes, user_id))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            pending.append((obj, "delete", None, user_id))


@event.listens_for(Session, "after_flush")
def _write(session: Session, flush_context) -> None:
    pending = session.info.pop("audit_pending", [])
    rows = []
    for obj, action, changes, user_id in pending:
        base = {"entity": _entity(obj), "entity_id": obj.id, "user_id": user_id, "action": action}
        if changes:
            rows += [dict(base, field=f, old_value=o, new_value=n) for f, o, n in changes]
        else:
            rows.append(dict(base, field=None, old_value=None, new_value=None))
    if rows:
        session.execute(sa.insert(AuditLog), rows)


def history(session, entity: str, entity_id: int) -> list[AuditLog]:
    return list(
        session.scalars(
            sa.select(AuditLog)
            .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
            .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        )
    )
