"""Login throttling, kept in the database so every worker and server sees the same failures."""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.core.models import LoginAttempt, utcnow
from app.extensions import db


def is_locked(username: str) -> bool:
    window = utcnow() - timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    failures = db.session.scalar(
        sa.select(sa.func.count(LoginAttempt.id))
        .where(LoginAttempt.username == username.lower(), LoginAttempt.at >= window)
    )
    return failures >= current_app.config["LOGIN_MAX_FAILURES"]


def record_failure(username: str, remote_addr: str) -> None:
    db.session.add(LoginAttempt(username=username.lower()[:80], remote_addr=(remote_addr or "")[:64]))
    db.session.commit()


def clear_failures(username: str) -> None:
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.username == username.lower()))
