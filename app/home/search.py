"""Global search over customers, contacts, products, quotations and contracts.

Each searchable model has an indexer that turns a record into one ``SearchEntry``; a session hook
keeps the entries current on every flush, so no area has to remember to. Bulk loads that bypass
the ORM call ``reindex``.
"""
import re
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from babel import Locale
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.home.models import SearchEntry

KIND_LABELS = {
    "customer": _l("Customers"),
    "contact": _l("Contacts"),
    "quotation": _l("Quotations"),
    "contract": _l("Contracts"),
    "product": _l("Products"),
}
KIND_ORDER = list(KIND_LABELS)
POOL_KINDS = ("customer", "contact")
MIN_TRIGRAM = 3
# Chinese, Japanese and Korean runs (a two-character term is a whole word there: 宁波, 王伟, 越南)
CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
WORD = re.compile(r"\w+")


@dataclass
class Indexer:
    kind: str
    model: type
    entry: object  # fn(record) -> dict(title, subtitle, text, owner_id, parent_id)
    endpoint: str
    arg: str


def country_names(code: str | None) -> list[str]:
    """The country in English and Chinese, so that 越南 or Vietnam finds Vietnamese customers."""
    if not code:
        return []
    return [loc.territories.get(code.upper(), "") for loc in _LOCALES]


_LOCALES = [Locale.parse("en"), Locale.parse("zh_Hans_CN")]


def short_terms(text: str) -> str:
    """What a two-character search finds, as ``|xy|`` words: every pair of neighbouring characters in a
    Chinese, Japanese or Korean run (宁波市 → |宁波| |波市|) and the first two letters of every other word
    (Golden Harbor → |go| |ha|). Trigram indexes cannot serve two characters; these four-character words
    they can, so a two-character search is an index look-up instead of a scan of every entry."""
    pairs = set()
    for run in CJK_RUN.findall(text):
        pairs.update(run[i:i + 2] for i in range(len(run) - 1))
    for word in WORD.findall(CJK_RUN.sub(" ", text)):
        if len(word) >= 2:
            pairs.add(word[:2].lower())
    return " ".join(f"|{pair}|" for pair in sorted(pairs))


def searchable(text: str) -> str:
    """An entry's text as stored: the text, then its two-character words (see ``short_terms``)."""
    extra = short_terms(text)
    return f"{text} {extra}" if extra else text


def _customer(c) -> dict:
    text = " ".join(filter(None, [c.name, c.local_name, c.name_key, c.domain, c.city, c.country,
                                  *country_names(c.country)]))
    return dict(title=c.name, subtitle=" · ".join(filter(None, [c.local_name, c.country])), text=text,
                owner_id=c.owner_id, parent_id=None)


def _contact(p) -> dict:
    from app.customers.models import Customer

    owner = sa.select(Customer.owner_id).where(Customer.id == p.customer_id).scalar_subquery()
    customer = sa.select(Customer.name).where(Customer.id == p.customer_id).scalar_subquery()
    return dict(title=p.name, subtitle=customer, text=contact_text(p.name, p.email, p.phone, p.messaging),
                owner_id=owner, parent_id=p.customer_id)


def contact_text(name: str, email: str, phone: str, messaging: str) -> str:
    """What a contact is found by (also used by the bulk customer import)."""
    return " ".join(filter(None, [name, email, phone, messaging]))


def _product(p) -> dict:
    return dict(title=f"{p.sku} {p.name_en}", subtitle=p.name_zh or "",
                text=" ".join(filter(None, [p.sku, p.name_en, p.name_zh, p.hs_code])), owner_id=None, parent_id=None)


def _numbered(record) -> dict:
    from app.customers.models import Customer

    customer = sa.select(Customer.name).where(Customer.id == record.customer_id).scalar_subquery()
    return dict(title=record.number, subtitle=customer, text=record.number, owner_id=record.owner_id,
                parent_id=record.customer_id)


_indexers: list[Indexer] | None = None


def indexers() -> list[Indexer]:
    """The searchable models that exist in this build."""
    global _indexers
    if _indexers is None:
        from app.customers.models import Contact, Customer
        from app.pricing.models import Product

        found = [Indexer("customer", Customer, _customer, "customers.detail", "customer_id"),
                 Indexer("contact", Contact, _contact, "customers.detail", "customer_id"),
                 Indexer("product", Product, _product, "pricing.show_product", "product_id")]
        try:
            from app.pricing.models import Quotation

            found.append(Indexer("quotation", Quotation, _numbered, "pricing.show_quotation", "quotation_id"))
        except ImportError:
            pass
        try:
            from app.contracts.models import Contract

            found.append(Indexer("contract", Contract, _numbered, "contracts.detail", "contract_id"))
        except ImportError:
            pass
        _indexers = found
    return _indexers


def _indexer_for(obj) -> Indexer | None:
    for indexer in indexers():
        if type(obj) is indexer.model:
            return indexer
    return None


def _upsert(connection, indexer: Indexer, record) -> None:
    values = dict(kind=indexer.kind, ref_id=record.id, **indexer.entry(record))
    values["text"] = searchable(values["text"])
    if isinstance(values["title"], str):
        values["title"] = values["title"][:300]
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(SearchEntry.__table__).values(**values)
    update = {k: statement.excluded[k] for k in ("title", "subtitle", "text", "owner_id", "parent_id")}
    connection.execute(statement.on_conflict_do_update(index_elements=["kind", "ref_id"], set_=update))


@event.listens_for(Session, "after_flush")
def _keep_index_current(session: Session, flush_context) -> None:
    try:
        registry = indexers()
    except Exception:  # models not importable while the app is being built
        return
    if not registry:
        return
    connection = session.connection()
    for obj in list(session.new) + list(session.dirty):
        indexer = _indexer_for(obj)
        if indexer is None or obj.id is None:
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        _upsert(connection, indexer, obj)
        if indexer.kind == "customer":
            connection.execute(sa.update(SearchEntry.__table__)
                               .where(SearchEntry.kind == "contact", SearchEntry.parent_id == obj.id)
                               .values(owner_id=obj.owner_id))
    for obj in session.deleted:
        indexer = _indexer_for(obj)
        if indexer is not None:
            connection.execute(sa.delete(SearchEntry.__table__)
                               .where(SearchEntry.kind == indexer.kind, SearchEntry.ref_id == obj.id))


def reindex(kinds: list[str] | None = None, batch: int = 2000) -> int:
    """Rebuild the entries of ``kinds`` (all by default); for bulk imports and `flask reindex-search`."""
    count = 0
    for indexer in indexers():
        if kinds and indexer.kind not in kinds:
            continue
        db.session.execute(sa.delete(SearchEntry).where(SearchEntry.kind == indexer.kind))
        last = 0
        while True:
            rows = db.session.scalars(sa.select(indexer.model).where(indexer.model.id > last)
                                      .order_by(indexer.model.id).limit(batch)).all()
            if not rows:
                break
            connection = db.session.connection()
            for row in rows:
                _upsert(connection, indexer, row)
            count += len(rows)
            last = rows[-1].id
            db.session.expunge_all()
    db.session.commit()
    return count


def index_records(kind: str, ids: list[int]) -> None:
    """Index records written with bulk inserts (which bypass the session hook)."""
    indexer = next(i for i in indexers() if i.kind == kind)
    connection = db.session.connection()
    for start in range(0, len(ids), 1000):
        for row in db.session.scalars(sa.select(indexer.model).where(indexer.model.id.in_(ids[start:start + 1000]))):
            _upsert(connection, indexer, row)


def _visible(user, kind: str, entry=SearchEntry):
    """Who sees what of ``kind``: None when the user sees none of it. Reps see their own records, the public
    pool and products; managers and staff roles see all. "Own or pool" is written as ``coalesce(...)`` so
    that the database filters the matches by it rather than starting from every pool entry."""
    if kind == "product" or user.has_role("manager", "admin", "legal", "finance"):
        return sa.true()
    if not user.has_role("rep"):
        return None
    if kind not in POOL_KINDS:
        return entry.owner_id == user.id
    return sa.func.coalesce(entry.owner_id, 0).in_([0, user.id])


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(user, query: str, per_kind: int = 6) -> dict[str, list[SearchEntry]]:
    """Entries matching ``query`` anywhere in their text, grouped by kind, at most ``per_kind`` each.

    Two characters find Chinese/Japanese/Korean words anywhere and other words by their start (see
    ``short_terms``); three and more find any substring."""
    term = " ".join(query.split())[:100]
    if len(term) < 2:
        return {}
    pattern = term if len(term) >= MIN_TRIGRAM else f"|{term.lower()}|"
    kinds = [kind for kind in KIND_ORDER if _visible(user, kind) is not None]
    if db.session.get_bind().dialect.name == "sqlite":
        grouped = _sqlite(kinds, pattern, user, per_kind)
    else:
        grouped = _postgresql(kinds, term, pattern, user, per_kind)
    return {kind: rows for kind, rows in grouped.items() if rows}


def _sqlite(kinds, pattern, user, limit) -> dict[str, list[SearchEntry]]:
    """FTS5 trigram: every match is known at once (one look-up for all kinds), so within each kind the
    shortest titles — the closest matches — come first."""
    phrase = '"' + pattern.replace('"', '""') + '"'
    match = SearchEntry.id.in_(sa.select(sa.literal_column("rowid")).select_from(sa.table("search_fts"))
                               .where(sa.text("search_fts MATCH :phrase").bindparams(phrase=phrase)))
    visible = sa.or_(*[sa.and_(SearchEntry.kind == kind, _visible(user, kind)) for kind in kinds])
    rank = sa.func.row_number().over(partition_by=SearchEntry.kind,
                                     order_by=(sa.func.length(SearchEntry.title), SearchEntry.id)).label("rank")
    ranked = sa.select(SearchEntry.id, rank).where(match, visible).subquery()
    grouped: dict[str, list[SearchEntry]] = {kind: [] for kind in kinds}
    for row in db.session.scalars(sa.select(SearchEntry).join(ranked, ranked.c.id == SearchEntry.id)
                                  .where(ranked.c.rank <= limit).order_by(ranked.c.rank)):
        grouped[row.kind].append(row)
    return grouped


def _plan(scan: str | None) -> None:
    """Let PostgreSQL read search_entries only by ``scan`` ("index" or "bitmap"), or by any means (None)."""
    flags = {"enable_seqscan": scan is None, "enable_indexscan": scan in (None, "index"),
             "enable_bitmapscan": scan in (None, "bitmap")}
    db.session.execute(sa.text("SELECT " + ", ".join(f"set_config('{name}', :{name}, true)" for name in flags)),
                       {name: "on" if on else "off" for name, on in flags.items()})


def _postgresql(kinds, term, pattern, user, limit) -> dict[str, list[SearchEntry]]:
    """pg_trgm. First, per kind, the titles that start with the term, in order (a range of the prefix index).
    Then, for every kind still short of ``limit``, other matches from that kind's trigram index, as the index
    finds them: ranking every match would read all of them (a common name matches thousands). Each inner
    query (``OFFSET 0`` keeps the planner from merging it) is planned for its trigram index alone; with the
    owner test inside, the planner misjudges how many rows match and scans the table instead."""
    title = sa.func.lower(SearchEntry.title).collate("C")  # as in the index: see app.home.models
    prefix = _escape_like(term.lower()) + "%"
    grouped = {}
    # The planner misjudges both steps: it cannot know how many titles share a prefix, nor how rare a
    # substring is (it guesses 5 % of the rows), and with a LIMIT it prefers to walk some other index, or the
    # table, filtering row by row — hundreds of milliseconds when the match is rare. So the prefix step may
    # only walk its index in title order and the substring step may only use its trigram index, each stopping
    # at what it needs. The settings are local to the transaction and put back as soon as the queries ran.
    _plan("index")
    try:
        per_kind = [sa.select(SearchEntry).where(SearchEntry.kind == kind, title.like(prefix, escape="\\"),
                                                 _visible(user, kind)).order_by(title).limit(limit) for kind in kinds]
        grouped = {kind: [] for kind in kinds}
        for row in db.session.scalars(sa.select(SearchEntry).from_statement(sa.union_all(*per_kind))):
            grouped[row.kind].append(row)
        for rows in grouped.values():  # a UNION ALL keeps each branch's order only as long as it runs serially
            rows.sort(key=lambda row: row.title.lower())
        short = [kind for kind in kinds if len(grouped[kind]) < limit]
        if short:
            _plan("bitmap")
            like = f"%{_escape_like(pattern)}%"
            branches = []
            for kind in short:
                matches = (sa.select(SearchEntry).where(SearchEntry.kind == kind,
                                                        SearchEntry.text.ilike(like, escape="\\"))
                           .offset(0).subquery())
                found = so.aliased(SearchEntry, matches)
                branches.append(sa.select(found).where(_visible(user, kind, found)).limit(limit + len(grouped[kind])))
            seen = {row.id for rows in grouped.values() for row in rows}
            for row in db.session.scalars(sa.select(SearchEntry).from_statement(sa.union_all(*branches))):
                if row.id not in seen and len(grouped[row.kind]) < limit:
                    grouped[row.kind].append(row)
    finally:
        _plan(None)
    return grouped


def url_for_entry(entry: SearchEntry) -> str:
    indexer = next((i for i in indexers() if i.kind == entry.kind), None)
    if indexer is None or indexer.endpoint not in current_app.view_functions:
        return "#"
    ref = entry.parent_id if entry.kind == "contact" else entry.ref_id
    return url_for(indexer.endpoint, **{indexer.arg: ref})


def add_short_terms(connection, batch: int = 5000) -> int:
    """Rewrite every entry's text with its two-character words (the migration that introduced them)."""
    table = SearchEntry.__table__
    last, count = 0, 0
    while True:
        rows = connection.execute(sa.select(table.c.id, table.c.text).where(table.c.id > last)
                                  .order_by(table.c.id).limit(batch)).all()
        if not rows:
            if connection.dialect.name == "sqlite":
                # rewriting every row leaves the FTS5 index in many small segments: merge them
                connection.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            return count
        changes = [{"row_id": i, "new_text": searchable(t)} for i, t in rows if not t.endswith("|")]
        if changes:  # an entry that already ends in a "|xy|" word was rewritten before
            connection.execute(sa.update(table).where(table.c.id == sa.bindparam("row_id"))
                               .values(text=sa.bindparam("new_text")), changes)
        count += len(rows)
        last = rows[-1][0]
