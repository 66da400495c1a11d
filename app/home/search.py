"""Global search over customers, contacts, products, quotations and contracts.

Each searchable model has an indexer that turns a record into one ``SearchEntry``; a session hook
keeps the entries current on every flush, so no area has to remember to. Bulk loads that bypass
the ORM call ``reindex``.
"""
from dataclasses import dataclass

import sqlalchemy as sa
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


@dataclass
class Indexer:
    kind: str
    model: type
    entry: object  # fn(record) -> dict(title, subtitle, text, owner_id, parent_id)
    endpoint: str
    arg: str


def _country_names(code: str | None) -> list[str]:
    """The country in English and Chinese, so that 越南 or Vietnam finds Vietnamese customers."""
    if not code:
        return []
    return [loc.territories.get(code.upper(), "") for loc in _LOCALES]


_LOCALES = [Locale.parse("en"), Locale.parse("zh_Hans_CN")]


def _customer(c) -> dict:
    text = " ".join(filter(None, [c.name, c.local_name, c.name_key, c.domain, c.city, c.country,
                                  *_country_names(c.country)]))
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


def _visible(user):
    """Reps see their own records, the public pool and products; managers and staff roles see all."""
    if user.has_role("manager", "admin", "legal", "finance"):
        return sa.true()
    if user.has_role("rep"):
        return sa.or_(SearchEntry.kind == "product", SearchEntry.owner_id == user.id,
                      sa.and_(SearchEntry.kind.in_(POOL_KINDS), SearchEntry.owner_id.is_(None)))
    return SearchEntry.kind == "product"


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(user, query: str, per_kind: int = 6) -> dict[str, list[SearchEntry]]:
    """Entries matching ``query`` anywhere in their text, grouped by kind, at most ``per_kind`` each."""
    term = " ".join(query.split())[:100]
    if len(term) < 2:
        return {}
    bind = db.session.get_bind()
    trigram = len(term) >= MIN_TRIGRAM
    if bind.dialect.name == "sqlite" and trigram:
        phrase = '"' + term.replace('"', '""') + '"'
        match = SearchEntry.id.in_(sa.select(sa.literal_column("rowid")).select_from(sa.table("search_fts"))
                                   .where(sa.text("search_fts MATCH :phrase").bindparams(phrase=phrase)))
    else:
        match = SearchEntry.text.ilike(f"%{_escape_like(term)}%", escape="\\")
    grouped: dict[str, list[SearchEntry]] = {}
    for kind in KIND_ORDER:
        query = sa.select(SearchEntry).where(SearchEntry.kind == kind, match, _visible(user)).limit(per_kind)
        if trigram:
            # An indexed match is small enough to rank; a short term scans, so it stops at the first hits.
            query = query.order_by(sa.func.length(SearchEntry.title), SearchEntry.id)
        rows = db.session.scalars(query).all()
        if rows:
            grouped[kind] = rows
    return grouped


def url_for_entry(entry: SearchEntry) -> str:
    indexer = next((i for i in indexers() if i.kind == entry.kind), None)
    if indexer is None or indexer.endpoint not in current_app.view_functions:
        return "#"
    ref = entry.parent_id if entry.kind == "contact" else entry.ref_id
    return url_for(indexer.endpoint, **{indexer.arg: ref})
