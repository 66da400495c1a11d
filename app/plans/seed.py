"""Demo data: 2026 targets for rep1–rep3, an approved plan for rep1 this month, rep2's next-quarter plan submitted."""
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.core.calendar import company_today
from app.core.models import utcnow
from app.core.registry import seeder
from app.core.settings import base_currency
from app.extensions import db
from app.plans.models import PlanTask, SalesPlan, SalesTarget
from app.plans.services import Period

# Monthly targets in thousands of the base currency: quiet around Chinese New Year, busy before Christmas.
SEASON = [900, 800, 1100, 1150, 1200, 1250, 1200, 1150, 1300, 1250, 1400, 1500]
SCALE = {"rep1": Decimal("1.00"), "rep2": Decimal("0.85"), "rep3": Decimal("0.70")}
NEW_CUSTOMERS = {"rep1": 12, "rep2": 10, "rep3": 8}


def _seed_targets(users) -> None:
    currency = base_currency()
    for username, scale in SCALE.items():
        user = users.get(username)
        if user is None:
            continue
        have = {(t.month, t.quarter) for t in db.session.scalars(
            sa.select(SalesTarget).where(SalesTarget.user_id == user.id, SalesTarget.year == 2026))}
        for month, thousands in enumerate(SEASON, start=1):
            if (month, None) not in have:
                amount = (Decimal(thousands) * 1000 * scale).quantize(Decimal("1000"))
                db.session.add(SalesTarget(user_id=user.id, year=2026, month=month, target_amount=amount,
                                           currency=currency, new_customer_target=NEW_CUSTOMERS[username]))
        if username == "rep1" and (None, 4) not in have:
            db.session.add(SalesTarget(user_id=user.id, year=2026, quarter=4, target_amount=Decimal("4000000"),
                                       currency=currency))


def _plan(owner, kind: str, period: Period):
    column = SalesPlan.month if kind == "monthly" else SalesPlan.quarter
    return db.session.scalar(sa.select(SalesPlan).where(SalesPlan.owner_id == owner.id, SalesPlan.year == period.year,
                                                        SalesPlan.kind == kind,
                                                        column == (period.month or period.quarter)))


def _focus_products(limit: int = 2):
    from app.pricing.models import Product

    return list(db.session.scalars(sa.select(Product).where(Product.active.is_(True)).order_by(Product.id).limit(limit)))


def _link_focus(plan: SalesPlan, rep) -> None:
    from app.research.models import ResearchReport

    if not plan.products:
        plan.products = _focus_products()
    if not plan.research_reports:
        plan.research_reports = list(db.session.scalars(
            sa.select(ResearchReport).where(ResearchReport.owner_id == rep.id).order_by(ResearchReport.id).limit(1)))


def _seed_rep1_plan(users, today) -> None:
    rep, manager = users.get("rep1"), users.get("manager")
    period = Period.month_of(today)
    if rep is None or manager is None:
        return
    if _plan(rep, "monthly", period):
        return
    plan = SalesPlan(
        owner_id=rep.id, kind="monthly", year=period.year, month=period.month, status="approved",
        strategy=("Follow up every quotation sent last month within three working days.\n"
                  "在德国和波兰重点推广新款不锈钢保温杯，借助年底促销季争取试单。\n"
                  "Offer CIF Hamburg prices to distributors who asked for landed costs."),
        markets="DE,PL,US", submitted_at=utcnow() - timedelta(days=25), approved_at=utcnow() - timedelta(days=24),
        approved_by_id=manager.id)
    db.session.add(plan)
    _link_focus(plan, rep)
    db.session.flush()
    first, last = period.first, period.last
    tasks = [
        ("回访上月询盘客户（Müller & Söhne GmbH 等 8 家）", first + timedelta(days=4), first + timedelta(days=3)),
        ("Send updated price list (CIF Hamburg) to German distributors", first + timedelta(days=9),
         first + timedelta(days=11)),
        ("准备圣诞季样品并安排寄样", min(first + timedelta(days=14), last), None),
        ("Video call with Walmart sourcing office about the 2027 programme", min(first + timedelta(days=21), last),
         None),
        ("整理本月客户需求并反馈产品部", last, None),
    ]
    for title, due_on, done_on in tasks:
        done = done_on is not None and done_on <= today
        db.session.add(PlanTask(plan_id=plan.id, owner_id=rep.id, title=title, due_on=due_on,
                                status="done" if done else "open", done_on=done_on if done else None))


def _seed_rep2_plan(users, today) -> None:
    rep = users.get("rep2")
    period = Period.quarter_of(today).shifted(1)
    if rep is None or _plan(rep, "quarterly", period):
        return
    plan = SalesPlan(
        owner_id=rep.id, kind="quarterly", year=period.year, quarter=period.quarter, status="submitted",
        strategy=("东南亚市场：通过越南、泰国代理商扩大 LED 灯具出货量，目标新增有效客户 10 家。\n"
                  "Attend the Bangkok trade show and convert at least three leads into sample orders.\n"
                  "Quote FOB Ningbo by default; CIF only for repeat buyers with L/C at sight."),
        markets="VN,TH,MY", submitted_at=utcnow() - timedelta(days=2))
    db.session.add(plan)
    db.session.flush()
    months = period.months
    for title, month, day in [
        ("Confirm booth and samples for the Bangkok trade show", months[0], 20),
        ("拜访胡志明市代理商，洽谈年度框架协议", months[1], 15),
        ("Send quotation follow-ups to all trade-show leads", months[2], 10),
    ]:
        db.session.add(PlanTask(plan_id=plan.id, owner_id=rep.id, title=title,
                                due_on=Period(period.year, month=month).first + timedelta(days=day - 1)))


@seeder(30)
def seed_plans(users) -> None:
    """Idempotent: adds only what is missing."""
    today = company_today()
    _seed_targets(users)
    _seed_rep1_plan(users, today)
    _seed_rep2_plan(users, today)
    db.session.flush()


@seeder(58)
def link_plan_focus(users) -> None:
    """After products (50) and research reports (55) exist: rep1's plan names its focus products and research."""
    rep = users.get("rep1")
    plan = _plan(rep, "monthly", Period.month_of(company_today())) if rep else None
    if plan is not None:
        _link_focus(plan, rep)
        db.session.flush()
