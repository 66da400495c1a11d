"""Optimistic locking: a form carries the version it was opened at; a stale save is refused."""
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l


class Versioned:
    version_id: so.Mapped[int] = so.mapped_column(sa.Integer, nullable=False, default=1)

    @so.declared_attr.directive
    def __mapper_args__(cls):  # noqa: N805
        return {"version_id_col": cls.__table__.c.version_id}


class StaleEdit(Exception):
    message = _l("Someone else saved this record after you opened it. Their values are shown; "
                 "re-apply your changes and save again.")


def ensure_current(obj: Versioned, submitted_version) -> None:
    """Raise ``StaleEdit`` unless the form was opened at the record's current version."""
    try:
        submitted = int(submitted_version)
    except (TypeError, ValueError):
        raise StaleEdit() from None
    if submitted != obj.version_id:
        raise StaleEdit()
