"""Sales analysis with pandas over SQL aggregates (the monthly summary), never over raw rows in Python."""
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import sqlalchemy as sa

from app.auth.models import User
from app.core.i18n import country_name
from app.customers.models import Customer
from app.extensions import db
from app.reports.models import SalesMonthly, SalesMonthlyCountry, SalesMonthlyProduct, SalesRecord
from app.reports.periods import add_months
from app.reports.services import SIGNED_STATUSES, area_model

CENT = Decimal("0.01")


@dataclass
class Filters:
    first: date
    last: date
    owner_ids: list[int] | None = None
    country: str = ""
    product: str = ""

    @property
    def months(self) -> list[date]:
        out, day = [], self.first
        while day <= self.last:
            out.append(day)
            day = add_months(day, 1)
        return out


def money(value) -> Decimal | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(value) -> Decimal | None:
    if value is None or pd.isna(value) or value in (float("inf"), float("-inf")):
        return None
    return Decimal(str(round(float(value), 6)))


def summary_table(f: Filters, by: str = ""):
    """The smallest summary that can answer: month × product for the whole team, one grain of the month ×
    rep × country summary when no product is involved, else the full month × rep × country × product one."""
    if by == "product" or f.product:
        return SalesMonthlyProduct if f.owner_ids is None and not f.country else SalesMonthly
    return SalesMonthlyCountry


def _grain(f: Filters, by: str = "") -> str:
    needs_owner = f.owner_ids is not None or by == "owner"
    needs_country = bool(f.country) or by == "country"
    if needs_owner and needs_country:
        return "rep_country"
    return "rep" if needs_owner else "country"


def _summary_where(query, f: Filters, first: date, t=SalesMonthly, by: str = ""):
    query = query.where(t.month_on >= first, t.month_on <= f.last)
    if t is SalesMonthlyCountry:
        query = query.where(t.grain == _grain(f, by))
    if f.owner_ids is not None:
        query = query.where(t.owner_id.in_(f.owner_ids))
    if f.country:
        query = query.where(t.country == f.country)
    if f.product.startswith("p:") and f.product[2:].isdigit():
        query = query.where(t.product_id == int(f.product[2:]))
    elif f.product.startswith("n:"):
        query = query.where(t.product_id.is_(None), t.product_name == f.product[2:])
    return query


def _frame(rows, columns) -> pd.DataFrame:
    frame = pd.DataFrame([tuple(r) for r in rows], columns=columns)
    if "amount" in frame:
        frame["amount"] = frame["amount"].map(lambda v: float(v) if v is not None else 0.0).astype("float64")
    if "deals" in frame:
        frame["deals"] = frame["deals"].fillna(0).astype("int64")
    return frame


def monthly_series(f: Filters) -> pd.DataFrame:
    """Amount and deals per month of the filter, with month-on-month and year-on-year growth."""
    first = add_months(f.first, -12)
    t = summary_table(f)
    query = _summary_where(
        sa.select(t.month_on, sa.func.sum(t.base_amount), sa.func.sum(t.deal_count)).group_by(t.month_on), f, first, t)
    frame = _frame(db.session.execute(query), ["month", "amount", "deals"])
    frame["month"] = pd.to_datetime(frame["month"])
    index = pd.date_range(pd.Timestamp(first), pd.Timestamp(f.last), freq="MS")
    frame = frame.set_index("month").reindex(index, fill_value=0)
    frame["amount"] = frame["amount"].astype("float64")
    frame["deals"] = frame["deals"].astype("int64")
    prev = frame["amount"].shift(1)
    last_year = frame["amount"].shift(12)
    frame["prior_year"] = last_year
    frame["mom"] = (frame["amount"] / prev - 1).where(prev > 0)
    frame["yoy"] = (frame["amount"] / last_year - 1).where(last_year > 0)
    frame["avg_deal"] = (frame["amount"] / frame["deals"]).where(frame["deals"] > 0)
    frame = frame[frame.index >= pd.Timestamp(f.first)]
    frame.index.name = "month"
    return frame.reset_index()


DIMENSIONS = {"country": ("country",), "product": ("product_id", "product_name"), "owner": ("owner_id",)}


def by_dimension(f: Filters, dimension: str) -> pd.DataFrame:
    """Amount, deals and share per country, product or rep, with the same period one year earlier."""
    t = summary_table(f, by=dimension)
    cols = [getattr(t, name) for name in DIMENSIONS[dimension]]
    prior_first, prior_last = add_months(f.first, -12), add_months(f.last, -12)
    in_current = t.month_on >= f.first
    query = _summary_where(
        sa.select(*cols,
                  sa.func.sum(sa.case((in_current, t.base_amount), else_=0)),
                  sa.func.sum(sa.case((in_current, t.deal_count), else_=0)),
                  sa.func.sum(sa.case((t.month_on <= prior_last, t.base_amount), else_=0)))
        .group_by(*cols), f, prior_first, t, by=dimension)
    query = query.where(sa.or_(in_current, t.month_on <= prior_last))
    names = list(DIMENSIONS[dimension])
    frame = _frame(db.session.execute(query), names + ["amount", "deals", "prior"])
    frame["prior"] = frame["prior"].map(lambda v: float(v) if v is not None else 0.0).astype("float64")
    frame = frame[(frame["amount"] != 0) | (frame["prior"] != 0)]
    total = frame["amount"].sum()
    frame["share"] = frame["amount"] / total if total else float("nan")
    frame["yoy"] = (frame["amount"] / frame["prior"] - 1).where(frame["prior"] > 0)
    frame["avg_deal"] = (frame["amount"] / frame["deals"]).where(frame["deals"] > 0)
    frame = frame.sort_values("amount", ascending=False).reset_index(drop=True)
    frame["label"] = _labels(frame, dimension)
    frame["key"] = _keys(frame, dimension)
    return frame


def _labels(frame: pd.DataFrame, dimension: str) -> list[str]:
    if frame.empty:
        return []
    if dimension == "country":
        return [country_name(c) if c else "—" for c in frame["country"]]
    if dimension == "owner":
        ids = [int(i) for i in frame["owner_id"].dropna().unique()]
        names = dict(db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(ids))).all()) if ids else {}
        return [names.get(int(i), "—") if pd.notna(i) else "—" for i in frame["owner_id"]]
    ids = [int(i) for i in frame["product_id"].dropna().unique()]
    product = area_model("app.pricing.models", "Product")
    names = {}
    if ids:
        for pid, sku, en, zh in db.session.execute(
                sa.select(product.id, product.sku, product.name_en, product.name_zh).where(product.id.in_(ids))):
            names[pid] = f"{sku} {en}" + (f" / {zh}" if zh else "")
    return [names.get(int(pid), name) if pd.notna(pid) else (name or "—")
            for pid, name in zip(frame["product_id"], frame["product_name"], strict=True)]


def _keys(frame: pd.DataFrame, dimension: str) -> list[str]:
    if frame.empty:
        return []
    if dimension == "country":
        return list(frame["country"])
    if dimension == "owner":
        return [str(int(i)) if pd.notna(i) else "" for i in frame["owner_id"]]
    return [f"p:{int(pid)}" if pd.notna(pid) else f"n:{name}"
            for pid, name in zip(frame["product_id"], frame["product_name"], strict=True)]


def _records_where(query, f: Filters):
    query = query.where(SalesRecord.sold_on >= f.first, SalesRecord.sold_on <= f.last)
    if f.owner_ids is not None:
        query = query.where(SalesRecord.owner_id.in_(f.owner_ids))
    if f.country:
        query = query.where(SalesRecord.country == f.country)
    if f.product.startswith("p:") and f.product[2:].isdigit():
        query = query.where(SalesRecord.product_id == int(f.product[2:]))
    elif f.product.startswith("n:"):
        query = query.where(SalesRecord.product_id.is_(None), SalesRecord.product_name == f.product[2:])
    return query


def top_customers(f: Filters, limit: int = 20) -> pd.DataFrame:
    """The customers who bought most in the period, with their share of the period's sales."""
    query = _records_where(
        sa.select(SalesRecord.customer_id, SalesRecord.customer_name,
                  sa.func.max(SalesRecord.country), sa.func.sum(SalesRecord.base_amount),
                  sa.func.count(), sa.func.max(SalesRecord.sold_on))
        .group_by(SalesRecord.customer_id, SalesRecord.customer_name)
        .order_by(sa.func.sum(SalesRecord.base_amount).desc()).limit(limit), f)
    frame = _frame(db.session.execute(query), ["customer_id", "customer", "country", "amount", "deals", "last_sold_on"])
    total = totals(f)["amount"]
    frame["share"] = frame["amount"] / float(total) if total else float("nan")
    frame["country_label"] = [country_name(c) if c else "—" for c in frame["country"]]
    return frame


def totals(f: Filters) -> dict:
    t = summary_table(f)
    query = _summary_where(sa.select(sa.func.sum(t.base_amount), sa.func.sum(t.deal_count)), f, f.first, t)
    amount, deals = db.session.execute(query).one()
    amount = Decimal(str(amount or 0)).quantize(CENT)
    deals = int(deals or 0)
    return {"amount": amount, "deals": deals,
            "avg_deal": (amount / deals).quantize(CENT, rounding=ROUND_HALF_UP) if deals else None}


@dataclass
class FunnelStage:
    key: str
    count: int
    rate_from_previous: Decimal | None
    available: bool = True


def funnel(f: Filters) -> dict:
    """Customers created in the period, and how many of them became valid, were quoted and were won.

    lead = every customer created in the period (owned by the selected reps); valid = has ``valid_at``;
    quoted = at least one quotation of the customer was sent (needs the quotations area); won = stage
    'won' or at least one signed contract.
    """
    quotation = area_model("app.pricing.models", "Quotation")
    contract = area_model("app.contracts.models", "Contract")
    start, end = _utc_bounds(f)
    cohort = sa.and_(Customer.created_at >= start, Customer.created_at < end)
    won = Customer.stage == "won"
    if contract is not None:
        won = sa.or_(won, Customer.id.in_(sa.select(contract.customer_id).where(contract.status.in_(SIGNED_STATUSES))))
    columns = [sa.func.count(Customer.id),
               sa.func.sum(sa.case((Customer.valid_at.is_not(None), 1), else_=0)),
               sa.func.sum(sa.case((won, 1), else_=0))]
    if quotation is not None:
        quoted = Customer.id.in_(sa.select(quotation.customer_id).where(quotation.sent_at.is_not(None)))
        columns.append(sa.func.sum(sa.case((quoted, 1), else_=0)))
    query = sa.select(*columns).where(cohort)
    if f.owner_ids is not None:
        query = query.where(Customer.owner_id.in_(f.owner_ids))
    if f.country:
        query = query.where(Customer.country == f.country)
    row = db.session.execute(query).one()
    leads, valid, won_n = int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)
    quoted_n = int(row[3] or 0) if quotation is not None else None

    def rate(n, d):
        return (Decimal(n) / Decimal(d)).quantize(Decimal("0.0001")) if n is not None and d else None

    stages = [FunnelStage("lead", leads, None), FunnelStage("valid", valid, rate(valid, leads))]
    if quoted_n is None:
        stages.append(FunnelStage("quoted", 0, None, available=False))
        stages.append(FunnelStage("won", won_n, rate(won_n, valid)))
    else:
        stages.append(FunnelStage("quoted", quoted_n, rate(quoted_n, valid)))
        stages.append(FunnelStage("won", won_n, rate(won_n, quoted_n)))
    return {"stages": stages, "overall": rate(won_n, leads), "quotations_built": quotation is not None}


def win_rate(f: Filters) -> dict:
    """Negotiations closed in the period: won / (won + lost); None while the negotiations area is not built."""
    negotiation = area_model("app.pricing.models", "Negotiation")
    if negotiation is None:
        return {"available": False, "won": None, "closed": None, "rate": None}
    query = (sa.select(sa.func.sum(sa.case((negotiation.status == "won", 1), else_=0)), sa.func.count(negotiation.id))
             .where(negotiation.status.in_(("won", "lost")), negotiation.closed_on >= f.first,
                    negotiation.closed_on <= f.last))
    if f.owner_ids is not None:
        query = query.where(negotiation.owner_id.in_(f.owner_ids))
    won, closed = db.session.execute(query).one()
    won, closed = int(won or 0), int(closed or 0)
    return {"available": True, "won": won, "closed": closed,
            "rate": (Decimal(won) / Decimal(closed)).quantize(Decimal("0.0001")) if closed else None}


def _utc_bounds(f: Filters):
    from app.reports.periods import Period

    return Period(f.first, f.last).start_utc, Period(f.first, f.last).end_utc


def country_options(owner_ids: list[int] | None) -> list[str]:
    t = SalesMonthlyCountry
    query = sa.select(t.country).distinct().where(t.country != "", t.grain == ("country" if owner_ids is None
                                                                               else "rep_country"))
    if owner_ids is not None:
        query = query.where(t.owner_id.in_(owner_ids))
    return sorted(db.session.scalars(query))


def product_options(current: str = "") -> list[tuple[str, str]]:
    """Every product of the catalogue (a product imported by name only is picked from the product table)."""
    product = area_model("app.pricing.models", "Product")
    options = [(f"p:{pid}", f"{sku} {en}" + (f" / {zh}" if zh else ""))
               for pid, sku, en, zh in db.session.execute(
                   sa.select(product.id, product.sku, product.name_en, product.name_zh).order_by(product.sku))]
    if current.startswith("n:"):
        options.insert(0, (current, current[2:]))
    return options
