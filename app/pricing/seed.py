"""Demo data: products (small kitchen appliances, LED lighting), exchange rates, quotations in every state."""
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.core.calendar import company_today
from app.core.models import ExchangeRate, utcnow
from app.core.numbering import next_number
from app.core.registry import seeder
from app.core.settings import base_currency
from app.extensions import db
from app.pricing import services
from app.pricing.models import (
    CustomerFeedback,
    Negotiation,
    NegotiationRound,
    Product,
    Quotation,
    QuotationLine,
    QuotationRevision,
)

D = Decimal

PRODUCTS = [
    # sku, name_en, name_zh, hs, category, spec, unit, moq, cost CNY, per carton, carton, gw, nw
    ("KT-1708S", "Electric kettle 1.7 L, stainless steel", "1.7升不锈钢电热水壶", "8516.79.00", "Kitchen appliances",
     "1850–2200 W, Strix controller, 360° base, boil-dry protection, CE/GS/LFGB", "pcs", "1000", "48.50", 6,
     "56×36×28", "8.4", "7.2"),
    ("TS-2S02", "2-slice toaster, brushed steel", "双片不锈钢多士炉", "8516.72.00", "Kitchen appliances",
     "850 W, 7 browning levels, defrost/reheat/cancel, crumb tray", "pcs", "1000", "62.00", 4, "60×40×42", "9.6", "8.0"),
    ("CM-1210", "Drip coffee maker 1.25 L", "1.25升滴漏式咖啡机", "8516.71.00", "Kitchen appliances",
     "900 W, 10 cups, keep-warm plate, anti-drip valve", "pcs", "800", "85.00", 4, "64×42×36", "10.8", "9.2"),
    ("BL-600G", "Table blender 1.5 L glass jar", "1.5升玻璃杯搅拌机", "8509.40.00", "Kitchen appliances",
     "600 W, 2 speeds + pulse, 4-blade stainless cutter", "pcs", "800", "96.00", 4, "58×40×46", "14.2", "12.6"),
    ("RC-1850", "Rice cooker 1.8 L", "1.8升电饭煲", "8516.60.00", "Kitchen appliances",
     "700 W, non-stick inner pot, steam tray, auto keep-warm", "pcs", "1000", "72.00", 4, "62×34×30", "10.4", "9.0"),
    ("AF-4500D", "Digital air fryer 4.5 L", "4.5升数显空气炸锅", "8516.60.00", "Kitchen appliances",
     "1500 W, 8 presets, 80–200 °C, 60 min timer, PFAS-free basket", "pcs", "500", "138.00", 2, "38×34×68",
     "11.6", "10.2"),
    ("HM-300", "Hand mixer 300 W", "300瓦手持打蛋器", "8509.40.00", "Kitchen appliances",
     "5 speeds + turbo, chrome beaters and dough hooks", "pcs", "1500", "41.00", 8, "48×34×36", "8.8", "7.6"),
    ("GR-2000", "Contact grill 2000 W", "2000瓦双面电烤盘", "8516.60.00", "Kitchen appliances",
     "Floating hinge, removable plates, drip tray", "pcs", "500", "110.00", 2, "46×38×34", "9.8", "8.6"),
    ("MW-20M", "Microwave oven 20 L, mechanical", "20升机械式微波炉", "8516.50.00", "Kitchen appliances",
     "700 W, 5 power levels, 30 min timer, defrost", "pcs", "300", "310.00", 1, "50×40×30", "11.5", "10.5"),
    ("LB-A60-9", "LED bulb A60 9 W E27", "9瓦A60 LED球泡灯 E27", "8539.52.00", "LED lighting",
     "806 lm, 2700 K / 4000 K / 6500 K, Ra>80, 15 000 h", "pcs", "10000", "3.20", 100, "52×42×26", "6.8", "5.9"),
    ("LB-A60-12", "LED bulb A60 12 W E27", "12瓦A60 LED球泡灯 E27", "8539.52.00", "LED lighting",
     "1055 lm, 4000 K, Ra>80, 15 000 h", "pcs", "10000", "4.10", 100, "52×42×26", "7.4", "6.5"),
    ("PL-6060-40", "LED panel 600×600 40 W", "600×600 40瓦LED面板灯", "9405.11.00", "LED lighting",
     "4000 lm, UGR<19, flicker-free driver, back-lit", "pcs", "500", "58.00", 4, "62×62×16", "11.2", "10.0"),
    ("DL-12R", "LED downlight 12 W, round", "12瓦圆形LED筒灯", "9405.11.00", "LED lighting",
     "Cut-out 150 mm, 1100 lm, IP44, 3CCT switch", "pcs", "2000", "11.50", 40, "54×34×34", "9.6", "8.4"),
    ("FL-50W", "LED floodlight 50 W IP65", "50瓦LED投光灯 IP65", "9405.42.00", "LED lighting",
     "5000 lm, die-cast aluminium, 120° beam", "pcs", "1000", "46.00", 10, "44×36×30", "12.4", "11.2"),
    ("ST-5M-2835", "LED strip 5 m 2835 12 V", "5米2835 12伏LED灯带", "9405.42.00", "LED lighting",
     "60 LEDs/m, 4.8 W/m, IP20, 3M tape", "roll", "2000", "18.00", 100, "50×40×30", "9.0", "8.0"),
]

RATES = {"USD": (D("7.0950"), D("7.1180"), D("7.1240")), "EUR": (D("7.6820"), D("7.7410"), D("7.7265")),
         "GBP": (D("8.9930"), D("9.0480"), D("9.0615")), "JPY": (D("0.047310"), D("0.047620"), D("0.047580"))}


def _products() -> dict[str, Product]:
    existing = {p.sku: p for p in db.session.scalars(sa.select(Product))}
    for sku, en, zh, hs, cat, spec, unit, moq, cost, per, carton, gw, nw in PRODUCTS:
        if sku in existing:
            continue
        existing[sku] = Product(sku=sku, name_en=en, name_zh=zh, hs_code=hs, category=cat, specification=spec,
                                unit=unit, moq=D(moq), unit_cost_amount=D(cost), cost_currency="CNY",
                                units_per_carton=per, carton_size=carton, gross_weight_kg=D(gw), net_weight_kg=D(nw))
        db.session.add(existing[sku])
    db.session.flush()
    return existing


def _rates(users) -> None:
    today = company_today()
    base = base_currency()
    finance = users.get("finance")
    days = (today - timedelta(days=60), today - timedelta(days=30), today - timedelta(days=2))
    for code, values in RATES.items():
        if code == base:
            continue
        for on, rate in zip(days, values, strict=True):
            exists = db.session.scalar(sa.select(ExchangeRate.id).where(
                ExchangeRate.currency == code, ExchangeRate.base_currency == base, ExchangeRate.effective_on == on))
            if not exists:
                db.session.add(ExchangeRate(currency=code, base_currency=base, rate=rate, effective_on=on,
                                            created_by_id=finance.id if finance else None))
    db.session.flush()


# (rep, customer index of that rep, currency, incoterm, place, mode, status, lines [(sku, qty, price)], freight,
#  days ago quoted, validity days)
PLAN = [
    ("rep1", 0, "USD", "FOB", "Ningbo", "sea", "sent", [("KT-1708S", 2000, "8.60"), ("TS-2S02", 1000, "11.20")],
     "0", 20, 25),
    ("rep1", 1, "EUR", "CIF", "Hamburg", "sea", "accepted", [("AF-4500D", 1000, "23.50")], "1850", 40, 30),
    ("rep1", 2, "USD", "CFR", "Jebel Ali", "sea", "pending_approval", [("LB-A60-9", 50000, "0.47")], "1450", 2, 30),
    ("rep1", 0, "USD", "FOB", "Ningbo", "sea", "draft", [("RC-1850", 1000, "13.40"), ("HM-300", 1500, "7.30")],
     "0", 1, 30),
    ("rep2", 0, "GBP", "CIP", "Felixstowe", "multimodal", "sent_v2", [("PL-6060-40", 1200, "8.90")], "2100", 15, 30),
    ("rep2", 1, "USD", "FOB", "Shanghai", "sea", "rejected", [("MW-20M", 600, "52.00")], "0", 50, 20),
    ("rep2", 2, "EUR", "DAP", "Warsaw", "rail", "approved", [("FL-50W", 2000, "6.05"), ("DL-12R", 4000, "1.85")],
     "3200", 3, 30),
    ("rep3", 0, "JPY", "CIF", "Yokohama", "sea", "sent", [("CM-1210", 800, "2150"), ("BL-600G", 800, "2400")],
     "180000", 10, 14),
    ("rep3", 1, "USD", "FCA", "Shenzhen", "air", "expired", [("ST-5M-2835", 3000, "3.05")], "0", 60, 15),
    ("rep3", 2, "USD", "FOB", "Shenzhen", "sea", "draft", [("GR-2000", 500, "18.90")], "0", 0, 30),
]


@seeder(50)
def seed_pricing(users) -> None:
    from app.customers.models import Customer

    products = _products()
    _rates(users)
    if db.session.scalar(sa.select(sa.func.count(Quotation.id))):
        return
    today = company_today()
    for rep, idx, cur, rule, place, mode, status, lines, freight, ago, validity in PLAN:
        user = users.get(rep)
        if user is None:
            continue
        customers = db.session.scalars(sa.select(Customer).where(Customer.owner_id == user.id)
                                       .order_by(Customer.name)).all()
        if len(customers) <= idx:
            continue
        customer = customers[idx]
        contact = customer.contacts[0] if customer.contacts else None
        quoted = today - timedelta(days=ago)
        q = Quotation(number=next_number("QT", quoted.year), customer_id=customer.id, customer=customer,
                      contact_id=contact.id if contact else None, owner_id=user.id, status="draft",
                      current_revision_no=1)
        db.session.add(q)
        rev = _revision(1, quoted, validity, cur, rule, place, mode, lines, freight, products, user.id)
        q.revisions.append(rev)
        services.compute_revision(rev)
        q.valid_until_on = rev.valid_until_on
        _advance(q, rev, status, users, today, products, lines, validity)
    db.session.flush()


def _revision(no, quoted, validity, cur, rule, place, mode, lines, freight, products, user_id):
    rev = QuotationRevision(revision_no=no, quoted_on=quoted, currency=cur, incoterm=rule, named_place=place,
                            transport_mode=mode, valid_until_on=quoted + timedelta(days=validity),
                            payment_terms="tt", payment_terms_note="30% deposit, balance against copy of B/L",
                            lead_time_days=35, freight_amount=D(freight), insurance_amount=D(0),
                            remarks="Export carton with inner box; shipping marks as per buyer.",
                            created_by_id=user_id)
    for pos, (sku, qty, price) in enumerate(lines):
        p = products[sku]
        rev.lines.append(QuotationLine(position=pos, product_id=p.id, product=p, description_en=p.name_en,
                                       description_zh=p.name_zh, quantity=D(qty), unit=p.unit,
                                       unit_price_amount=D(price), line_amount=D(0)))
    if rule in ("CIF", "CIP"):
        goods = sum((D(q) * D(pr) for _s, q, pr in lines), D(0))
        rev.insurance_amount = services.suggested_insurance(goods, D(freight), cur)
    return rev


def _send(q, rev, on):
    rev.sent_at = utcnow()
    rev.sent_on = on
    q.sent_at, q.sent_on, q.status = rev.sent_at, on, "sent"
    q.valid_until_on = rev.valid_until_on


def _advance(q, rev, status, users, today, products, lines, validity):
    manager = users.get("manager")
    if status == "draft":
        return
    if status in ("pending_approval", "approved"):
        rev.approval_requested_at = utcnow()
        q.status = "pending_approval"
        if status == "approved" and manager:
            rev.approved_at, rev.approved_by_id, q.status = utcnow(), manager.id, "approved"
        return
    _send(q, rev, rev.quoted_on)
    neg = Negotiation(customer_id=q.customer_id, quotation=q, owner_id=q.owner_id, status="open",
                      opened_on=rev.quoted_on, currency=rev.currency)
    db.session.add(neg)
    neg.rounds.append(NegotiationRound(round_no=1, held_on=rev.quoted_on + timedelta(days=3), revision_no=1,
                                       our_offer_amount=rev.total_amount,
                                       their_counter_amount=(rev.total_amount * D("0.92")).quantize(D("1")),
                                       concessions="", notes="Buyer compares with two Guangdong suppliers."))
    if status == "sent_v2":
        q.status = "sent"
        rev2 = services.new_revision(q, q.owner_id, today=rev.quoted_on + timedelta(days=5))
        for line in rev2.lines:
            line.unit_price_amount = (line.unit_price_amount * D("0.96")).quantize(D("0.01"))
        services.compute_revision(rev2)
        _send(q, rev2, rev2.quoted_on)
        neg.rounds.append(NegotiationRound(round_no=2, held_on=rev2.quoted_on, revision_no=2,
                                           our_offer_amount=rev2.total_amount,
                                           concessions="4 % price reduction; free spare parts (1 %).",
                                           notes="Sent v2; waiting for the buyer's purchase order."))
    elif status == "accepted":
        q.status, q.accepted_at, q.accepted_revision_no = "accepted", utcnow(), rev.revision_no
        neg.status, neg.closed_on, neg.won_price_amount = "won", rev.quoted_on + timedelta(days=9), rev.total_amount
        if q.customer is not None:
            q.customer.stage = "won"
        neg.feedback.append(CustomerFeedback(customer_id=q.customer_id, contact_id=q.contact_id,
                                             received_on=rev.quoted_on + timedelta(days=8),
                                             price_perception="acceptable", main_concern="delivery",
                                             comments="Needs goods on the water before week 40 for the autumn season."))
    elif status == "rejected":
        q.status, q.rejected_at = "rejected", utcnow()
        neg.status, neg.closed_on, neg.lost_reason = "lost", rev.quoted_on + timedelta(days=12), "price"
        neg.outcome_note = "Ordered from a Foshan factory about 8 % cheaper."
        neg.feedback.append(CustomerFeedback(customer_id=q.customer_id, contact_id=q.contact_id,
                                             received_on=rev.quoted_on + timedelta(days=11),
                                             price_perception="too_high", main_concern="price",
                                             target_price_amount=(rev.total_amount * D("0.9")).quantize(D("1")),
                                             comments="Competitor offers the same spec 8 % lower."))
    elif status == "expired":
        services.expire_if_due(q, today)


@seeder(56)
def seed_price_indices(users) -> None:
    """Market research seeds competitor prices after the quotations (order 55): fill the demo lines' price
    indices that could not be computed then. Only empty values are filled; nothing else changes."""
    rows = db.session.scalars(
        sa.select(QuotationLine).where(QuotationLine.price_index.is_(None), QuotationLine.product_id.is_not(None))
        .options(sa.orm.joinedload(QuotationLine.revision))).all()
    for line in rows:
        line.price_index = services.line_price_index(line, line.revision)
    db.session.flush()
