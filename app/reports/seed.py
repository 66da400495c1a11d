"""Demo data: three years of sales for the demo reps, the rates they need, and monthly reports in every state."""
import random
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask import current_app

from app.core.calendar import company_today, company_tz
from app.core.models import ExchangeRate
from app.core.registry import seeder
from app.core.settings import base_currency
from app.extensions import db
from app.reports.models import MonthlyReport, NegotiationTarget, ReportReview, SalesRecord, ScorecardComment
from app.reports.periods import Period, add_months
from app.reports.services import RateBook, rebuild_monthly, row_key, sync_contract_sales

# Yuan per unit, roughly as Chinese bank boards showed them; the seeder adds one rate per month.
CNY_PER = {"CNY": Decimal("1"), "USD": Decimal("7.15"), "EUR": Decimal("7.80"), "GBP": Decimal("9.10"),
           "AUD": Decimal("4.75"), "JPY": Decimal("0.0490")}
BUYERS = [
    ("Pacific Coast Importers Inc.", "US", "USD"), ("Lone Star Kitchenware LLC", "US", "USD"),
    ("Toronto Kitchen Depot Inc.", "CA", "USD"), ("Hamburg Haushaltwaren GmbH", "DE", "EUR"),
    ("Maison & Jardin SARL", "FR", "EUR"), ("Nordic Home Supplies AB", "SE", "EUR"),
    ("Polska Dom Sp. z o.o.", "PL", "EUR"), ("Brightline Retail Ltd", "GB", "GBP"),
    ("Aussie Outdoor Living Pty Ltd", "AU", "AUD"), ("Tokyo Zakka Trading K.K.", "JP", "JPY"),
    ("Al Noor General Trading LLC", "AE", "USD"), ("Santos Distribuidora Ltda", "BR", "USD"),
    ("Mercado Hogar S.A. de C.V.", "MX", "USD"), ("Cape Town Homeware (Pty) Ltd", "ZA", "USD"),
    ("Seoul Living Co., Ltd.", "KR", "USD"), ("Milano Casa S.r.l.", "IT", "EUR"),
]
GOODS = [("Stainless steel vacuum flask 500 ml", Decimal("3.60")), ("Borosilicate glass food container set", Decimal("5.20")),
         ("Bamboo cutting board 40 cm", Decimal("4.10")), ("Silicone baking mat", Decimal("1.35")),
         ("Ceramic non-stick frying pan 28 cm", Decimal("9.80")), ("Cast iron casserole 24 cm", Decimal("18.50")),
         ("Electric kettle 1.7 L", Decimal("11.20")), ("Kitchen knife set 5 pcs", Decimal("14.90"))]
# Busy before the Western holidays, quiet around Chinese New Year and in August.
SEASON = {1: 0.85, 2: 0.55, 3: 1.05, 4: 1.10, 5: 1.10, 6: 1.00, 7: 0.95, 8: 0.80, 9: 1.20, 10: 1.25, 11: 1.15, 12: 0.90}
REPS = ("rep1", "rep2", "rep3")


def _ensure_rates(first: date, last: date) -> int:
    """One rate per currency and month from ``first`` to ``last`` where none exists yet (idempotent)."""
    base = base_currency()
    if base not in CNY_PER:
        return 0
    have = {(c, d) for c, d in db.session.execute(
        sa.select(ExchangeRate.currency, ExchangeRate.effective_on).where(ExchangeRate.base_currency == base))}
    rng = random.Random(50)
    added = 0
    month = first.replace(day=1)
    while month <= last:
        for currency, cny in CNY_PER.items():
            if currency == base or (currency, month) in have:
                continue
            drift = Decimal(str(1 + rng.uniform(-0.025, 0.025)))
            rate = (cny / CNY_PER[base] * drift).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
            db.session.add(ExchangeRate(currency=currency, base_currency=base, rate=rate, effective_on=month))
            added += 1
        month = add_months(month, 1)
    db.session.flush()
    return added


def _products():
    from app.pricing.models import Product

    rows = db.session.execute(sa.select(Product.id, Product.name_en).where(Product.active).limit(12)).all()
    if rows:
        rng = random.Random(7)
        return [(pid, name, Decimal(str(round(rng.uniform(2, 20), 2)))) for pid, name in rows]
    return [(None, name, price) for name, price in GOODS]


def _buyers(owner_id: int):
    from app.customers.models import Customer

    own = db.session.execute(sa.select(Customer.id, Customer.name, Customer.country)
                             .where(Customer.owner_id == owner_id).limit(8)).all()
    eur = {"DE", "FR", "IT", "ES", "NL", "BE", "AT", "PL", "SE", "FI", "IE", "PT", "GR"}
    found = [(cid, name, country, "EUR" if country in eur else "GBP" if country == "GB" else "USD")
             for cid, name, country in own]
    named = {name.lower(): cid for cid, name in db.session.execute(
        sa.select(Customer.id, Customer.name).where(Customer.name.in_([b[0] for b in BUYERS])))}
    return found + [(named.get(n.lower()), n, c, cur) for n, c, cur in BUYERS]


def _seed_sales(users: dict) -> None:
    reps = [users[u] for u in REPS if u in users]
    if not reps or db.session.scalar(sa.select(sa.func.count(SalesRecord.id)).where(
            SalesRecord.source == "import", SalesRecord.owner_id.in_([u.id for u in reps]))):
        return
    today = company_today()
    first = add_months(today, -36)
    _ensure_rates(add_months(first, -1), today)
    book = RateBook()
    products = _products()
    rows = []
    for n, rep in enumerate(reps):
        rng = random.Random(900 + n)
        buyers = _buyers(rep.id)[: 10 + 2 * n]
        month = first
        while month <= today:
            years_in = (month.year - first.year) + (month.month - first.month) / 12
            deals = max(3, int(rng.gauss(26 + 6 * n, 4) * SEASON[month.month] * (1 + 0.12 * years_in)))
            last_day = (add_months(month, 1) - timedelta(days=1))
            if month.year == today.year and month.month == today.month:
                last_day = today
                deals = max(1, deals * today.day // 30)
            for _ in range(deals):
                sold_on = month + timedelta(days=rng.randrange((last_day - month).days + 1))
                customer_id, customer, country, currency = rng.choice(buyers)
                product_id, product, usd_price = rng.choice(products)
                quantity = Decimal(rng.choice([300, 500, 800, 1000, 1200, 2000, 3000, 5000]))
                unit = usd_price * CNY_PER["USD"] / CNY_PER[currency] * Decimal(str(rng.uniform(0.92, 1.12)))
                places = 0 if currency == "JPY" else 2
                amount = (quantity * unit).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
                rows.append(SalesRecord(
                    sold_on=sold_on, customer_id=customer_id, customer_name=customer, country=country,
                    product_id=product_id, product_name=product, quantity=quantity, amount=amount,
                    currency=currency, exchange_rate=book.rate(currency, sold_on),
                    base_amount=book.to_base(amount, currency, sold_on), owner_id=rep.id, source="import",
                    row_key=row_key(sold_on, customer, product, quantity, amount, currency, rep.id)))
            month = add_months(month, 1)
    db.session.add_all(rows)
    db.session.flush()
    rebuild_monthly()


def _utc(day: date, hour: int) -> datetime:
    local = datetime.combine(day, time(hour), tzinfo=company_tz())
    return local.astimezone(timezone.utc).replace(tzinfo=None)


ANALYSIS = {
    "en": ("Sales came mainly from our long-standing buyers in North America and Europe. Orders for vacuum "
           "flasks grew after the spring trade show; two customers postponed orders because of freight costs.",
           "Follow up the trade-show leads within two weeks; offer FOB Ningbo prices to the buyers who complained "
           "about freight; prepare the Q4 Christmas range samples early."),
    "zh": ("本月销售主要来自北美和欧洲的老客户。春季展会后保温杯订单明显增长；两家客户因海运费上涨推迟下单。",
           "展会线索两周内完成回访；对关注运费的客户报FOB宁波价；提前准备第四季度圣诞系列样品。"),
}


def _seed_reports(users: dict) -> None:
    from app.reports.monthly import compute_figures, deadline_for

    reps = [users[u] for u in REPS if u in users]
    manager = users.get("manager")
    if not reps or manager is None or db.session.scalar(sa.select(sa.func.count(MonthlyReport.id)).where(
            MonthlyReport.owner_id.in_([u.id for u in reps]))):
        return
    # (months back, state, days relative to the deadline of the first submission, correction first?)
    plans = {
        0: [(4, "approved", -2, False), (3, "approved", -1, True), (2, "approved", 0, False), (1, "submitted", -3, False)],
        1: [(4, "approved", 2, False), (3, "approved", -1, False), (2, "correction_requested", -1, True), (1, "draft", None, False)],
        2: [(4, "approved", -4, False), (3, "approved", 1, True), (2, "submitted", -2, False)],
    }
    today = company_today()
    for n, rep in enumerate(reps):
        for back, state, offset, corrected in plans.get(n, []):
            period = Period.month(add_months(today, -back).year, add_months(today, -back).month)
            deadline = deadline_for(period.year, period.month_no)
            lang = "zh" if n % 2 == 0 else "en"
            report = MonthlyReport(owner_id=rep.id, year=period.year, month=period.month_no, status=state,
                                   deadline_on=deadline, analysis=ANALYSIS[lang][0], suggestions=ANALYSIS[lang][1])
            if offset is not None:
                submitted_on = min(deadline + timedelta(days=offset), today)
                report.first_submitted_at = report.submitted_at = _utc(submitted_on, 10)
                report.figures = compute_figures(rep.id, period)
            db.session.add(report)
            db.session.flush()
            if corrected:
                at = report.first_submitted_at + timedelta(hours=20)
                report.correction_requested = True
                comment = ("请核对德国客户的成交金额，并补充运费上涨的影响分析。" if lang == "zh" else
                           "Please check the German customer's amounts and explain the effect of higher freight.")
                db.session.add(ReportReview(report_id=report.id, reviewer_id=manager.id, decision="correction_requested",
                                            comment=comment, at=at))
                report.reviewed_at, report.reviewed_by_id, report.review_comment = at, manager.id, comment
                if state == "approved":
                    report.submitted_at = at + timedelta(hours=26)
            if state == "approved":
                at = (report.submitted_at or report.first_submitted_at) + timedelta(hours=30)
                comment = "同意。" if lang == "zh" else "Approved, thank you."
                db.session.add(ReportReview(report_id=report.id, reviewer_id=manager.id, decision="approved",
                                            comment=comment, at=at))
                report.reviewed_at, report.reviewed_by_id, report.review_comment = at, manager.id, comment
        last = Period.previous()
        db.session.add(ScorecardComment(user_id=rep.id, year=last.year, month=last.month_no, author_id=manager.id,
                                        comment=("Good follow-up discipline; push quotation turnaround."
                                                 if n % 2 else "回访执行到位，报价跟进需加快。")))
        for quarter in {last.containing_quarter(), Period.current().containing_quarter()}:
            db.session.add(NegotiationTarget(user_id=rep.id, year=quarter.year, quarter=quarter.quarter_no,
                                             won_target=3 + n))
    db.session.flush()


@seeder(90)
def seed_reports(users: dict) -> None:
    """Sales history (three years, several currencies) and monthly reports; running it again adds nothing."""
    with current_app.test_request_context():
        _seed_sales(users)
        sync_contract_sales()
        _seed_reports(users)
