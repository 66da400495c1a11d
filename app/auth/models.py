"""Users, their roles and departments."""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from app.core.models import utcnow
from app.extensions import db

ROLES = {
    "rep": _l("Sales rep"),
    "manager": _l("Sales manager"),
    "legal": _l("Legal"),
    "finance": _l("Finance"),
    "admin": _l("Administrator"),
}


class Department(db.Model):
    """A department that meetings, action items and resource requests are addressed to."""

    __tablename__ = "departments"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    name_en: so.Mapped[str] = so.mapped_column(sa.String(100))
    name_zh: so.Mapped[str] = so.mapped_column(sa.String(100))
    head_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", use_alter=True))
    active: so.Mapped[bool] = so.mapped_column(default=True)

    head = so.relationship("User", foreign_keys=[head_id])
    members = so.relationship("User", foreign_keys="User.department_id", back_populates="department")

    def display_name(self, locale: str | None = None) -> str:
        from flask_babel import get_locale

        loc = locale or str(get_locale() or "zh_CN")
        return self.name_zh if loc.startswith("zh") else self.name_en


class UserRole(db.Model):
    __tablename__ = "user_roles"
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: so.Mapped[str] = so.mapped_column(sa.String(20), primary_key=True)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    full_name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    email: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    active: so.Mapped[bool] = so.mapped_column(default=True)
    locale: so.Mapped[str | None] = so.mapped_column(sa.String(10))
    department_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("departments.id"), index=True)
    session_token: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_login_at: so.Mapped[datetime | None] = so.mapped_column()

    # Loaded with the signed-in user (app.core.web.load_user) and with the admin's user list; other pages show
    # users by name only, so their roles are not fetched for every joined owner or author.
    role_rows: so.Mapped[list[UserRole]] = so.relationship(cascade="all, delete-orphan")
    department = so.relationship(Department, foreign_keys=[department_id], back_populates="members")

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}

    @roles.setter
    def roles(self, names) -> None:
        wanted = set(names)
        self.role_rows = [r for r in self.role_rows if r.role in wanted]
        have = {r.role for r in self.role_rows}
        for name in sorted(wanted - have):
            if name not in ROLES:
                raise ValueError(name)
            self.role_rows.append(UserRole(role=name))

    def has_role(self, *names: str) -> bool:
        return bool(self.roles & set(names))

    @property
    def is_manager(self) -> bool:
        return "manager" in self.roles

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def set_password(self, password: str) -> None:
        import secrets

        from flask import current_app

        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)
        self.session_token = secrets.token_hex(16)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def __repr__(self) -> str:
        return f"<User {self.username}>"
