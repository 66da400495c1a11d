"""Demo research: competitors with observed prices (for the demo products when they exist) and two reports."""
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.core.calendar import company_today
from app.core.models import utcnow
from app.core.registry import seeder
from app.customers.models import Customer
from app.extensions import db
from app.pricing.models import Product
from app.research.models import Competitor, CompetitorPrice, ResearchReport

COMPETITORS = [
    ("Foshan Midea-style Appliances Co., Ltd.", "CN", "www.fs-appliances.example", "Kettles, toasters, rice cookers",
     "Large Shunde maker; aggressive FOB prices, weak after-sales in Southeast Asia."),
    ("Zhongshan Brightstar Lighting Co., Ltd.", "CN", "www.zs-brightstar.example", "LED bulbs, panels, downlights",
     "Guzhen lighting cluster; lowest bulb prices, CE files often incomplete."),
    ("Vinh Phat Electric JSC", "VN", "www.vinhphat.example", "LED bulbs for the Vietnamese market",
     "Local assembler; benefits from no import duty, limited range."),
    ("Turkish Beyaz Eşya A.Ş.", "TR", "www.beyaz.example", "Kettles, toasters for the Middle East",
     "Short transit to the GCC; prices 10–15 % above Chinese suppliers."),
]
# competitor index, SKU (or None), free product name, category, price, currency, incoterm, days ago, source
PRICES = [
    (0, "KT-1708S", "", "Kitchen appliances", "7.95", "USD", "FOB", 20, "Canton Fair price list, phase 1"),
    (0, "KT-1708S", "", "Kitchen appliances", "8.10", "USD", "FOB", 75, "Quotation seen at Saigon Home Appliances"),
    (0, "TS-2S02", "", "Kitchen appliances", "10.60", "USD", "FOB", 20, "Canton Fair price list, phase 1"),
    (0, "RC-1850", "", "Kitchen appliances", "12.90", "USD", "FOB", 40, "Alibaba listing, 1 000 pcs tier"),
    (0, "AF-4500D", "", "Kitchen appliances", "21.80", "EUR", "CIF", 15, "Buyer feedback, Hamburg Haushaltwaren"),
    (1, "LB-A60-9", "", "LED lighting", "0.43", "USD", "FOB", 10, "Alibaba listing, 10 000 pcs tier"),
    (1, "LB-A60-9", "", "LED lighting", "0.46", "USD", "CFR", 30, "Al Noor General Trading (counter-offer)"),
    (1, "PL-6060-40", "", "LED lighting", "8.40", "USD", "FOB", 25, "Guangzhou lighting fair"),
    (1, "DL-12R", "", "LED lighting", "1.70", "EUR", "DAP", 12, "Polska Dom tender result"),
    (2, None, "LED bulb 9 W E27 (local brand)", "LED lighting", "11500", "VND", "DAP", 18,
     "Shelf price check, Hanoi electrical market"),
    (3, "KT-1708S", "", "Kitchen appliances", "9.40", "USD", "CFR", 35, "Riyadh Home Center (buyer shared)"),
    (3, None, "Stainless kettle 1.7 L, Turkish made", "Kitchen appliances", "9.10", "USD", "FOB", 50,
     "Istanbul Home Expo"),
]


@seeder(55)
def seed_research(users) -> None:
    """Competitors and prices (products linked by SKU when D6's demo products exist) and two reports."""
    existing = {c.name: c for c in db.session.scalars(sa.select(Competitor))}
    today = company_today()
    created = []
    for name, country, website, products, notes in COMPETITORS:
        if name not in existing:
            existing[name] = Competitor(name=name, country=country, website=website, main_products=products,
                                        notes=notes, created_by_id=users["rep1"].id if "rep1" in users else None)
            db.session.add(existing[name])
            created.append(name)
    db.session.flush()
    skus = {p.sku: p for p in db.session.scalars(sa.select(Product))}
    for idx, sku, free_name, category, price, currency, incoterm, ago, source in PRICES:
        competitor = existing[COMPETITORS[idx][0]]
        if competitor.name not in created:
            continue
        product = skus.get(sku) if sku else None
        db.session.add(CompetitorPrice(
            competitor=competitor, product_id=product.id if product else None,
            product_name=free_name or ("" if product else sku or ""), product_category=category,
            price_amount=Decimal(price), currency=currency, unit="pcs", incoterm=incoterm,
            observed_on=today - timedelta(days=ago), source=source,
            created_by_id=users["rep1"].id if "rep1" in users else None))
    _reports(users, existing, today)
    db.session.flush()


def _reports(users, competitors, today) -> None:
    if db.session.scalar(sa.select(sa.func.count(ResearchReport.id))) or "rep1" not in users:
        return
    now = utcnow()
    rep1, rep2, manager = users["rep1"], users.get("rep2"), users.get("manager")
    customers = {c.name: c for c in db.session.scalars(sa.select(Customer))}
    first = ResearchReport(
        owner_id=rep1.id, title="Small kitchen appliances in Vietnam and Thailand, H2 / 越南与泰国小家电市场（下半年）",
        markets="VN,TH,Southeast Asia", industry="Small kitchen appliances",
        period_start_on=today - timedelta(days=120), period_end_on=today - timedelta(days=30),
        sources="Vietnam and Thailand customs data (HS 8516), Canton Fair meetings, Shopee and Lazada best-seller "
                "lists, interviews with 6 buyers.\n越南、泰国海关数据，广交会客户面谈，Shopee/Lazada 热销榜。",
        findings="Imports of electric kettles into Vietnam grew about 18 % year on year; modern retail chains now "
                 "buy direct from China instead of through Ho Chi Minh City wholesalers.\n"
                 "Thai buyers require TIS marks; lead time of the TIS test is 8–10 weeks and is the main obstacle "
                 "for new suppliers.",
        competitor_analysis="Foshan makers quote 5–8 % below us on kettles but their after-sales support in Vietnam "
                            "is weak. Local Vietnamese assemblers only cover LED bulbs.",
        opportunities="Offer TIS-certified air fryers to Bangkok Kitchen Mart before Q4; propose a bundled "
                      "kettle + toaster range to Saigon Home Appliances with a 2-year warranty.",
        status="reviewed", submitted_at=now - timedelta(days=25), accuracy_score=4, usefulness_score=5,
        review_comment="Well sourced; the TIS lead time is exactly what we need for the Q4 plan.",
        reviewed_at=now - timedelta(days=20), reviewed_by_id=manager.id if manager else None,
    )
    first.customers = [c for n, c in customers.items() if n in ("Saigon Home Appliances JSC",
                                                              "Bangkok Kitchen Mart Co., Ltd.")]
    first.competitors = [competitors[COMPETITORS[0][0]], competitors[COMPETITORS[2][0]]]
    db.session.add(first)
    if rep2 is not None:
        second = ResearchReport(
            owner_id=rep2.id, title="LED lighting demand in the GCC / 海湾国家LED照明需求",
            markets="AE,SA,QA", industry="LED lighting",
            period_start_on=today - timedelta(days=60), period_end_on=today - timedelta(days=5),
            sources="Dubai Light + Building fair, SASO and ESMA registration lists, buyer interviews.",
            findings="SASO IECEE registration is now checked at customs for every lighting shipment to Saudi "
                     "Arabia; buyers prefer suppliers who hold the certificate themselves.",
            competitor_analysis="Zhongshan suppliers win on price for A60 bulbs (USD 0.43 FOB) but rarely hold "
                                "SASO certificates; Turkish suppliers are 10–15 % dearer with shorter transit.",
            opportunities="Register our 9 W and 12 W bulbs with SASO before the Riyadh Home Center tender.",
            status="submitted", submitted_at=now - timedelta(days=2),
        )
        second.customers = [c for n, c in customers.items() if n in ("Al Noor General Trading LLC",
                                                                   "Riyadh Home Center Co.")]
        second.competitors = [competitors[COMPETITORS[1][0]], competitors[COMPETITORS[3][0]]]
        db.session.add(second)
