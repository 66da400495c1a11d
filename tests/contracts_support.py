"""What the contract tests share: a consistent contract form, the customer and rate fixtures, and the steps of
the review-and-sign workflow. Loaded as a pytest plugin by tests/conftest.py, so its fixtures reach every test
module without being imported (importing a fixture trips ruff F811 in each test that takes it)."""
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from docx import Document

from app.extensions import db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ARBITRATION_ZH = "提交中国国际经济贸易仲裁委员会仲裁。"


def contract_form(**changes) -> dict:
    """A consistent CIF Ho Chi Minh City contract in USD, as the form posts it."""
    data = {
        "contract_on": "2026-11-02", "seller_name_en": "TradeDesk Demo Trading Co., Ltd.",
        "seller_name_zh": "示例进出口贸易有限公司", "seller_address_en": "No. 1 Trade Road, Ningbo",
        "seller_address_zh": "宁波市贸易路1号", "seller_contact": "+86 574 0000 0000", "seller_bank": "Bank of China",
        "buyer_name": "Saigon Home Appliances JSC", "buyer_address": "12 Nguyen Hue, District 1, Ho Chi Minh City",
        "buyer_country": "VN", "buyer_contact": "Nguyen Thi Lan", "buyer_email": "lan@saigonhome.vn",
        "buyer_phone": "+84 28 3822 5566", "currency": "USD", "incoterm": "CIF", "named_place": "Ho Chi Minh City",
        "transport_mode": "sea", "port_of_loading": "Ningbo, China", "port_of_destination": "Cat Lai, Ho Chi Minh City",
        "latest_shipment_on": "2026-12-20", "transshipment": "y", "more_or_less_percent": "5",
        "payment_terms": "tt", "deposit_percent": "30", "payment_days": "", "insurance_coverage": "ICC_A",
        "insurance_percent": "110", "packing_en": "Export cartons", "packing_zh": "出口纸箱",
        "shipping_marks": "SAIGON HOME\nC/NO. 1-UP", "documents_required": ["bl", "invoice", "packing_list", "insurance"],
        "inspection_en": "Inspection by CIQ.", "inspection_zh": "由海关检验。", "force_majeure_en": "Force majeure.",
        "force_majeure_zh": "不可抗力。", "arbitration_en": "Arbitration by CIETAC.", "arbitration_zh": ARBITRATION_ZH,
        "governing_law_en": "Laws of the PRC and the CISG.", "governing_law_zh": "适用中国法律及公约。",
        "language_clause_en": "English and Chinese, equally authentic.", "language_clause_zh": "中英文具有同等效力。",
        "remarks": "",
    }
    lines = [("8516.79.00", "Electric kettle 1.7 L", "1.7升电热水壶", "6000", "pcs", "8.40"),
             ("8516.60.00", "Rice cooker 1.8 L", "1.8升电饭煲", "2000", "pcs", "12.65"),
             ("8539.52.00", "LED bulb A60 9 W", "9瓦LED球泡灯", "333", "pcs", "0.52")]
    for i, (hs, en, zh, qty, unit, price) in enumerate(lines):
        data.update({f"lines-{i}-product_id": "0", f"lines-{i}-hs_code": hs, f"lines-{i}-description_en": en,
                     f"lines-{i}-description_zh": zh, f"lines-{i}-quantity": qty, f"lines-{i}-unit": unit,
                     f"lines-{i}-unit_price_amount": price})
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def customer(app, users):
    from app.customers.models import Contact, Customer

    def make(name="Saigon Home Appliances JSC", owner="rep1", country="VN") -> int:
        with app.app_context():
            row = Customer(name=name, country=country, city="Ho Chi Minh City", address="12 Nguyen Hue, District 1",
                           owner_id=users[owner], stage="valid")
            row.contacts.append(Contact(name="Nguyen Thi Lan", email="lan@saigonhome.vn", phone="+84 28 3822 5566",
                                        is_primary=True))
            db.session.add(row)
            db.session.commit()
            cid = row.id
            db.session.remove()
        return cid

    return make


def add_rate(app, currency, rate):
    from app.core.models import ExchangeRate

    with app.app_context():
        db.session.add(ExchangeRate(currency=currency, base_currency="CNY", rate=Decimal(rate),
                                    effective_on=date(2020, 1, 1)))
        db.session.commit()
        db.session.remove()


@pytest.fixture
def usd_rate(app):
    add_rate(app, "USD", "7.1000")


@pytest.fixture
def eur_rate(app):
    add_rate(app, "EUR", "7.8000")


def english(client):
    client.post("/locale", data={"locale": "en", "next": "/"})
    return client


def create(client, customer_id, **changes) -> int:
    response = client.post(f"/contracts/new?customer_id={customer_id}", data=contract_form(**changes))
    assert response.status_code == 303, response.get_data(as_text=True)[-3000:]
    return int(re.search(r"/contracts/(\d+)$", response.headers["Location"]).group(1))


def load(app, contract_id):
    from app.contracts.models import Contract

    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        snapshot = {
            "status": contract.status, "number": contract.number, "version": contract.current_version_no,
            "total": contract.total_amount, "rate": contract.exchange_rate, "signed_on": contract.signed_on,
            "first_submitted_at": contract.first_submitted_at,
            "versions": {v.version_no: (v.status, v.total_amount, v.deposit_percent) for v in contract.versions},
            "reviews": [(r.version_no, r.passed, r.is_first_review) for r in contract.reviews],
            "events": [e.action for e in contract.events],
        }
        db.session.remove()
    return snapshot


def review_form(decision="pass", **results) -> dict:
    from app.contracts.models import CHECKLIST

    data = {"decision": decision, "comments": results.pop("comments", "")}
    for item in CHECKLIST:
        data[f"result_{item}"] = results.get(item, "na" if item == "prices" else "pass")
        data[f"comment_{item}"] = results.get(f"{item}_comment", "")
    return data


def approve_payment(login_as, contract_id):
    response = login_as("finance").post(f"/contracts/{contract_id}/payment-terms", data={"decision": "approve"})
    assert response.status_code == 303


def to_sent(login_as, contract_id, rep="rep1"):
    client = login_as(rep)
    assert client.post(f"/contracts/{contract_id}/submit").status_code == 303
    approve_payment(login_as, contract_id)
    assert login_as("legal").post(f"/contracts/{contract_id}/review", data=review_form()).status_code == 303
    assert client.post(f"/contracts/{contract_id}/send").status_code == 303
    return client


def sign(client, contract_id, on=None):
    from app.core.calendar import company_today

    with client.application.test_request_context():
        today = company_today()
    return client.post(f"/contracts/{contract_id}/sign",
                       data={"signed_on": (on or today).isoformat(), "scan": (io.BytesIO(PDF), "signed.pdf")})


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)
