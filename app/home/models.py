"""The search index: one row per searchable record, kept current by a session hook."""
import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy import event

from app.extensions import db


class SearchEntry(db.Model):
    """``owner_id`` decides visibility for reps (NULL on a customer or contact: the public pool)."""

    __tablename__ = "search_entries"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    ref_id: so.Mapped[int] = so.mapped_column()
    parent_id: so.Mapped[int | None] = so.mapped_column(index=True)
    owner_id: so.Mapped[int | None] = so.mapped_column(index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    subtitle: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    text: so.Mapped[str] = so.mapped_column(sa.Text, deferred=True)  # written by core statements, read by none

    __table_args__ = (sa.UniqueConstraint("kind", "ref_id", name="uq_search_entries_kind_ref"),
                      sa.Index("ix_search_entries_kind_owner", "kind", "owner_id"))


SQLITE_FTS = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(text, content='search_entries', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS search_entries_ai AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS search_entries_ad AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER IF NOT EXISTS search_entries_au AFTER UPDATE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text); END",
]
SQLITE_FTS_DROP = ["DROP TRIGGER IF EXISTS search_entries_au", "DROP TRIGGER IF EXISTS search_entries_ad",
                   "DROP TRIGGER IF EXISTS search_entries_ai", "DROP TABLE IF EXISTS search_fts"]
# The kinds of entry (app.home.search.KIND_LABELS lists the same, in the order results are shown).
SEARCH_KINDS = ("customer", "contact", "quotation", "contract", "product")
POSTGRES_TRGM = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # One trigram index per kind: a search asks each kind for a few matches, and a term that is common in one
    # kind ("QT-2026" in quotation numbers) then costs nothing when the other kinds are searched.
    *[f"CREATE INDEX IF NOT EXISTS ix_search_entries_trgm_{kind} ON search_entries USING gin (text gin_trgm_ops) "
      f"WHERE kind = '{kind}'" for kind in SEARCH_KINDS],
    # titles that start with what was typed come first: an ordered index range, no sort. The C collation
    # both serves LIKE 'abc%' and gives the ORDER BY the index's own order (text_pattern_ops does the
    # first only, so PostgreSQL would fetch and sort every title with the prefix).
    "CREATE INDEX IF NOT EXISTS ix_search_entries_kind_title_prefix ON search_entries "
    "(kind, (lower(title) COLLATE \"C\"), owner_id)",
]
HAND_MADE_INDEXES = ("ix_search_entries_text_trgm", "ix_search_entries_kind_title_prefix",
                     *[f"ix_search_entries_trgm_{kind}" for kind in SEARCH_KINDS])


def create_text_index(connection) -> None:
    """The substring index: FTS5 trigram on SQLite, pg_trgm GIN on PostgreSQL (also used by the migration)."""
    statements = SQLITE_FTS if connection.dialect.name == "sqlite" else POSTGRES_TRGM
    for statement in statements:
        connection.exec_driver_sql(statement)


@event.listens_for(SearchEntry.__table__, "after_create")
def _after_create(target, connection, **kw) -> None:
    create_text_index(connection)


@event.listens_for(SearchEntry.__table__, "before_drop")
def _before_drop(target, connection, **kw) -> None:
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_FTS_DROP:
            connection.exec_driver_sql(statement)


def created_by_hand(name: str | None, type_: str) -> bool:
    """The text index objects above, which Alembic must neither create nor drop on its own."""
    return bool(name) and ((type_ == "table" and name.startswith("search_fts"))
                           or (type_ == "index" and name in HAND_MADE_INDEXES))
