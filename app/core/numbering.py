"""Document numbers such as QT-2026-0001 and SC-2026-0001, unique under concurrent requests."""
import sqlalchemy as sa

from app.core.models import DocumentCounter
from app.extensions import db


def next_number(prefix: str, year: int, width: int = 4) -> str:
    """Take the next number of ``prefix`` in ``year`` inside the caller's transaction.

    One ``UPDATE … RETURNING`` increments the counter: PostgreSQL holds the row lock and
    SQLite the database write lock until the transaction ends, so two requests never
    receive the same number, and a rolled-back transaction gives its number back.
    """
    table = DocumentCounter.__table__
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(
        insert(table).values(prefix=prefix, year=year, last_value=0).on_conflict_do_nothing()
    )
    value = db.session.execute(
        sa.update(table)
        .where(table.c.prefix == prefix, table.c.year == year)
        .values(last_value=table.c.last_value + 1)
        .returning(table.c.last_value)
    ).scalar_one()
    return f"{prefix}-{year}-{value:0{width}d}"
