"""Pricing (D6): products, exchange rates, quotations with revisions and approval, documents, helper, negotiations."""
import io
import re
import struct
import zlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.core.calendar import company_today
from app.core.models import ExchangeRate, Notification
from app.extensions import db
from app.pricing import services
from app.pricing.models import Negotiation, Product, Quotation, QuotationRevision

D = Decimal


def _png() -> bytes:
    """A valid 2×2 red PNG."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def world(app, users):
    """Rates (CNY base): USD 7.00 and EUR 7.80 from 60 days ago; two products; customers of rep1 and rep2."""
    from app.customers.models import Contact, Customer

    with app.app_context():
        today = company_today()
        start = today - timedelta(days=60)
        db.session.add_all([
            ExchangeRate(currency="USD", base_currency="CNY", rate=D("7.00"), effective_on=start),
            ExchangeRate(currency="EUR", base_currency="CNY", rate=D("7.80"), effective_on=start),
        ])
        kettle = Product(sku="KT-1", name_en="Electric kettle 1.7 L", name_zh="电热水壶", hs_code="8516.79.00",
                         unit="pcs", moq=D("500"), unit_cost_amount=D("70.00"), cost_currency="CNY")
        lamp = Product(sku="LB-9", name_en="LED bulb", name_zh="LED球泡灯", hs_code="8539.52.00", unit="pcs",
                       unit_cost_amount=D("10.00"), cost_currency="EUR")
        c1 = Customer(name="A & B <Ltd>", local_name="甲乙公司", country="DE", city="Hamburg",
                      owner_id=users["rep1"], stage="negotiating")
        c1.contacts.append(Contact(name="Hans Becker", email="hans@ab.example"))
        c2 = Customer(name="Other Imports", country="GB", owner_id=users["rep2"])
        db.session.add_all([kettle, lamp, c1, c2])
        db.session.commit()
        ids = {"kettle": kettle.id, "lamp": lamp.id, "c1": c1.id, "c2": c2.id, "contact": c1.contacts[0].id,
               "today": today}
        db.session.remove()
    return ids


def _quote_data(world, **over):
    today = world["today"]
    data = {
        "customer_id": world["c1"], "contact_id": world["contact"], "quoted_on": today.isoformat(),
        "valid_until_on": (today + timedelta(days=30)).isoformat(), "currency": "USD", "transport_mode": "sea",
        "incoterm": "FOB", "named_place": "Ningbo", "payment_terms": "tt", "payment_terms_note": "30% deposit",
        "lead_time_days": "30", "freight_amount": "", "insurance_amount": "", "remarks": "",
        "lines-0-product_id": str(world["kettle"]), "lines-0-quantity": "100", "lines-0-unit_price": "12.00",
        "lines-0-description_en": "", "lines-0-description_zh": "", "lines-0-unit": "",
        "lines-1-product_id": str(world["lamp"]), "lines-1-quantity": "50", "lines-1-unit_price": "13.00",
        "lines-1-description_en": "", "lines-1-description_zh": "", "lines-1-unit": "",
    }
    data.update(over)
    return data


def _create(client, world, **over) -> int:
    response = client.post("/quotations/new", data=_quote_data(world, **over))
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return int(re.search(r"/quotations/(\d+)", response.location).group(1))


def _get(app, quotation_id) -> Quotation:
    q = db.session.get(Quotation, quotation_id)
    return q


# ---------------------------------------------------------------- products

def test_hs_codes_are_validated_and_normalised():
    assert services.normalise_hs_code("8516.79.00") == "8516.79.00"
    assert services.normalise_hs_code(" 85167900 ") == "8516.79.00"
    assert services.normalise_hs_code("8516 79 0000") == "8516.79.0000"
    assert services.normalise_hs_code("851679") == "8516.79"
    assert services.normalise_hs_code("") == ""
    for bad in ("85167", "85167900001", "8516-79", "HS8516"):
        with pytest.raises(ValueError):
            services.normalise_hs_code(bad)


def test_only_finance_and_managers_see_and_set_unit_costs(app, world, login_as):
    rep = login_as("rep1")
    page = rep.get(f"/products/{world['kettle']}").get_data(as_text=True)
    assert "电热水壶" in page and "70.00" not in page
    assert "70.00" not in rep.get("/products/").get_data(as_text=True)
    assert rep.get(f"/products/{world['kettle']}/edit").status_code == 403
    assert rep.post("/products/new", data={"sku": "X"}).status_code == 403
    with app.app_context():
        version = db.session.get(Product, world["kettle"]).version_id
    finance = login_as("finance")
    assert "70.00" in finance.get(f"/products/{world['kettle']}").get_data(as_text=True)
    response = finance.post(f"/products/{world['kettle']}/edit", data={
        "version_id": version, "sku": "KT-1", "name_en": "Electric kettle 1.7 L", "name_zh": "电热水壶",
        "hs_code": "8516 7900", "unit": "pcs", "unit_cost_amount": "72.50", "cost_currency": "cny", "active": "y"})
    assert response.status_code == 303
    with app.app_context():
        p = db.session.get(Product, world["kettle"])
        assert (p.unit_cost_amount, p.cost_currency, p.hs_code) == (D("72.50"), "CNY", "8516.79.00")
    # an admin may edit products but never touches the cost
    admin = login_as("admin")
    admin.post(f"/products/{world['kettle']}/edit", data={
        "version_id": version + 1, "sku": "KT-1", "name_en": "Kettle", "unit": "pcs", "unit_cost_amount": "1.00",
        "active": "y"})
    with app.app_context():
        assert db.session.get(Product, world["kettle"]).unit_cost_amount == D("72.50")


def test_product_form_keeps_input_and_explains_errors(login_as, world):
    manager = login_as("manager")
    response = manager.post("/products/new", data={"sku": "KT-1", "name_en": "Dup", "hs_code": "85AB",
                                                    "unit": "pcs", "gross_weight_kg": "5", "net_weight_kg": "6"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "HS" in html and "8516.79.00" in html  # the HS hint and message
    assert 'value="Dup"' in html
    assert "net weight cannot exceed" in html or "净重不能大于毛重" in html


def test_stale_product_edit_is_refused(app, world, login_as):
    manager = login_as("manager")
    data = {"version_id": "1", "sku": "KT-1", "name_en": "First", "unit": "pcs", "active": "y"}
    assert manager.post(f"/products/{world['kettle']}/edit", data=data).status_code == 303
    response = manager.post(f"/products/{world['kettle']}/edit", data=dict(data, name_en="Second"))
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(Product, world["kettle"]).name_en == "First"


def test_product_image_upload_and_every_user_may_see_it(app, world, login_as):
    manager = login_as("manager")
    response = manager.post(f"/products/{world['kettle']}/edit", data={
        "version_id": "1", "sku": "KT-1", "name_en": "Kettle", "unit": "pcs", "active": "y",
        "image_upload": (io.BytesIO(_png()), "kettle.png")}, content_type="multipart/form-data")
    assert response.status_code == 303
    with app.app_context():
        file_id = db.session.get(Product, world["kettle"]).image_file_id
    assert file_id
    assert login_as("rep2").get(f"/files/{file_id}").data == _png()
    fake = manager.post(f"/products/{world['lamp']}/edit", data={
        "version_id": "1", "sku": "LB-9", "name_en": "LED", "unit": "pcs", "active": "y",
        "image_upload": (io.BytesIO(b"not an image"), "lamp.png")}, content_type="multipart/form-data")
    assert fake.status_code == 422


def test_products_xlsx_round_trip_with_row_errors(app, world, login_as):
    from openpyxl import Workbook, load_workbook

    finance = login_as("finance")
    exported = load_workbook(io.BytesIO(finance.get("/products/export.xlsx").data))
    header = [c.value for c in exported.active[1]]
    assert "SKU / 货号" in header and "Unit cost / 单位成本" in header
    rep_export = load_workbook(io.BytesIO(login_as("rep1").get("/products/export.xlsx").data))
    assert "Unit cost / 单位成本" not in [c.value for c in rep_export.active[1]]

    wb = Workbook()
    ws = wb.active
    ws.append(["SKU", "英文品名", "HS code", "MOQ", "Unit cost", "每箱数量"])
    ws.append(["NEW-1", "Toaster", "8516.72.00", 1000, "55.5", 4])
    ws.append(["KT-1", None, "85167900", None, None, None])
    ws.append(["BAD-1", "Bad hs", "12AB", None, None, None])
    ws.append(["BAD-2", "Bad moq", "", "-5", None, "2.5"])
    ws.append([None, "No sku", None, None, None, None])
    ws.append(["NEW-1", "Twice", None, None, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    response = finance.post("/products/import", data={"file": (io.BytesIO(buf.getvalue()), "p.xlsx")},
                            content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    rows = dict(re.findall(r"<tr><td>(\d+)</td><td><ul>(.*?)</ul>", html, re.S))
    assert set(rows) == {"4", "5", "6", "7"}
    assert "appears twice" in rows["7"] or "重复" in rows["7"]
    with app.app_context():
        new = db.session.scalar(sa.select(Product).where(Product.sku == "NEW-1"))
        assert (new.name_en, new.hs_code, new.moq, new.unit_cost_amount, new.units_per_carton) == (
            "Toaster", "8516.72.00", D("1000.000"), D("55.50"), 4)
        assert db.session.scalar(sa.select(sa.func.count(Product.id)).where(Product.sku.like("BAD%"))) == 0
    rep = login_as("rep1")
    assert rep.post("/products/import", data={}).status_code == 403


# ---------------------------------------------------------------- exchange rates

def test_finance_maintains_rates_with_validation(app, world, login_as):
    assert login_as("rep1").post("/exchange-rates/", data={"currency": "GBP", "rate": "9", "effective_on": "2026-01-05"}
                                 ).status_code == 403
    finance = login_as("finance")
    for data, fragment in [
        ({"currency": "GBP", "rate": "-1", "effective_on": "2026-01-05"}, ("greater than 0", "大于0")),
        ({"currency": "XYZ", "rate": "9", "effective_on": "2026-01-05"}, ("ISO 4217",)),
        ({"currency": "CNY", "rate": "1", "effective_on": "2026-01-05"}, ("base currency", "本位币")),
        ({"currency": "USD", "rate": "7.1", "effective_on": (world["today"] - timedelta(days=60)).isoformat()},
         ("already has a rate", "已有汇率")),
    ]:
        response = finance.post("/exchange-rates/", data=data)
        assert response.status_code == 422, data
        assert any(f in response.get_data(as_text=True) for f in fragment), data
    assert finance.post("/exchange-rates/", data={"currency": "gbp", "rate": "9.0615", "effective_on": "2026-01-05"}
                        ).status_code == 303
    with app.app_context():
        row = db.session.scalar(sa.select(ExchangeRate).where(ExchangeRate.currency == "GBP"))
        assert row.rate == D("9.061500") and row.effective_on == date(2026, 1, 5)
    history = finance.get("/exchange-rates/gbp").get_data(as_text=True)
    assert "9.061500" in history
    panel = finance.get("/exchange-rates/panels/stale").get_data(as_text=True)
    assert "USD" in panel and "EUR" in panel  # 60 days old, older than rate_stale_days (7)


# ---------------------------------------------------------------- quotations: figures

def test_margin_in_two_currencies_uses_the_rate_of_the_quotation_date(app, world, login_as):
    rep = login_as("rep1")
    qid = _create(rep, world, quoted_on=(world["today"] - timedelta(days=10)).isoformat())
    with app.app_context():  # a later USD rate must not change a quotation dated before it
        db.session.add(ExchangeRate(currency="USD", base_currency="CNY", rate=D("7.50"), effective_on=world["today"]))
        db.session.commit()
        q = _get(app, qid)
        rev = q.current
        assert q.number == f"QT-{world['today'].year}-0001" and q.status == "draft"
        kettle, lamp = rev.lines
        # kettle: price 12.00 USD × 7.00 = 84 CNY, cost 70 → 16.67 %; lamp: 13 × 7 = 91 CNY, cost 10 EUR × 7.80 = 78
        assert (kettle.line_amount, kettle.unit_cost_amount, kettle.margin_percent) == (D("1200.00"), D("70.00"),
                                                                                         D("16.67"))
        assert (lamp.line_amount, lamp.unit_cost_amount, lamp.margin_percent) == (D("650.00"), D("78.00"), D("14.29"))
        # goods: 8400 + 4550 = 12950 CNY against 7000 + 3900 = 10900 → 15.83 %
        assert (rev.goods_amount, rev.total_amount, rev.margin_percent, rev.min_margin_percent) == (
            D("1850.00"), D("1850.00"), D("15.83"), D("14.29"))
        assert rev.exchange_rate == D("7.000000") and rev.below_floor is False
        assert (kettle.description_en, kettle.description_zh) == ("Electric kettle 1.7 L", "电热水壶")


def test_rounding_is_half_up_to_cents_and_totals_add_freight_and_insurance(app, world, login_as):
    rep = login_as("rep1")
    qid = _create(rep, world, incoterm="CIF", named_place="Hamburg", freight_amount="100.005",
                  **{"lines-0-quantity": "2.5", "lines-0-unit_price": "85.85", "lines-1-quantity": "1",
                     "lines-1-unit_price": "100.00"})
    with app.app_context():
        rev = _get(app, qid).current
        # 2.5 × 85.85 = 214.625 → 214.63 (half-up; banker's rounding would give 214.62)
        assert rev.lines[0].line_amount == D("214.63")
        assert rev.freight_amount == D("100.01")
        # insurance left empty on CIF: CFR / (1 − 1.1 × 0.3 %) − CFR with CFR = 214.625 + 100 + 100.005
        cfr = D("214.625") + D("100.00") + D("100.005")
        assert rev.insurance_amount == (cfr / (1 - D("0.0033")) - cfr).quantize(D("0.01"))
        assert rev.total_amount == D("314.63") + D("100.01") + rev.insurance_amount
    # freight on FOB is refused; CFR without freight is refused; FOB with air transport is refused
    for over, text in [({"freight_amount": "50"}, ("does not include freight", "不含运费")),
                       ({"incoterm": "CFR"}, ("enter the freight", "请填写运费")),
                       ({"transport_mode": "air"}, ("sea and inland waterway", "仅适用于海运")),
                       ({"lines-0-unit_price": "1.005"}, ("decimals", "小数"))]:
        response = rep.post("/quotations/new", data=_quote_data(world, **over))
        assert response.status_code == 422, over
        assert any(t in response.get_data(as_text=True) for t in text), over


def test_missing_rate_is_a_clear_error_and_nothing_is_saved(app, world, login_as):
    rep = login_as("rep1")
    old = (world["today"] - timedelta(days=90)).isoformat()
    response = rep.post("/quotations/new", data=_quote_data(world, quoted_on=old))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "USD" in html and old in html and ("No exchange rate" in html or "汇率" in html)
    assert 'value="Ningbo"' in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Quotation.id))) == 0
    assert _create(rep, world) and True
    with app.app_context():  # the failed attempt gave its number back
        assert db.session.scalar(sa.select(Quotation.number)) == f"QT-{world['today'].year}-0001"


# ---------------------------------------------------------------- workflow

def test_approval_gate_under_the_margin_floor(app, world, login_as, users):
    rep = login_as("rep1")
    qid = _create(rep, world, **{"lines-0-unit_price": "10.50"})  # 73.5 CNY vs 70 → 4.76 % < 10 %
    response = rep.post(f"/quotations/{qid}/send")
    assert response.status_code == 303
    with app.app_context():
        q = _get(app, qid)
        assert q.status == "pending_approval" and q.current.below_floor and q.current.sent_at is None
        note = db.session.scalar(sa.select(Notification).where(Notification.user_id == users["manager"]))
        assert note is not None and note.params["number"] == q.number
    assert rep.post(f"/quotations/{qid}/approve").status_code == 403
    assert rep.post(f"/quotations/{qid}/send").status_code == 303
    with app.app_context():
        assert _get(app, qid).status == "pending_approval"  # still waiting: sending was refused
    manager = login_as("manager")
    assert _get_number(app, qid) in manager.get("/quotations/panels/approvals").get_data(as_text=True)
    assert manager.post(f"/quotations/{qid}/approve", data={"note": "Strategic account"}).status_code == 303
    with app.app_context():
        q = _get(app, qid)
        assert q.status == "approved" and q.current.approved_by_id == users["manager"]
        assert db.session.scalar(sa.select(Notification).where(Notification.user_id == users["rep1"]))
    assert rep.post(f"/quotations/{qid}/send").status_code == 303
    with app.app_context():
        q = _get(app, qid)
        assert q.status == "sent" and q.current.sent_on == world["today"]


def _get_number(app, qid) -> str:
    with app.app_context():
        return db.session.get(Quotation, qid).number


def test_editing_voids_an_approval(app, world, login_as):
    rep = login_as("rep1")
    qid = _create(rep, world, **{"lines-0-unit_price": "10.50"})
    rep.post(f"/quotations/{qid}/send")
    login_as("manager").post(f"/quotations/{qid}/approve", data={"note": ""})
    with app.app_context():
        version = _get(app, qid).version_id
    response = rep.post(f"/quotations/{qid}/edit", data=_quote_data(world, version_id=version,
                                                                     **{"lines-0-unit_price": "10.00"}))
    assert response.status_code == 303
    with app.app_context():
        q = _get(app, qid)
        assert q.status == "draft" and q.current.approved_at is None


def test_stale_quotation_edit_is_refused_and_shows_the_newer_values(app, world, login_as):
    rep = login_as("rep1")
    qid = _create(rep, world)
    with app.app_context():
        version = _get(app, qid).version_id
    assert rep.post(f"/quotations/{qid}/edit", data=_quote_data(world, version_id=version, named_place="Shanghai")
                    ).status_code == 303
    response = rep.post(f"/quotations/{qid}/edit", data=_quote_data(world, version_id=version, named_place="Qingdao"))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'value="Qingdao"' in html and "Shanghai" in html
    with app.app_context():
        assert _get(app, qid).current.named_place == "Shanghai"


def test_sent_revisions_are_immutable_and_new_revisions_keep_the_old(app, world, login_as):
    rep = login_as("rep1")
    qid = _create(rep, world)
    rep.post(f"/quotations/{qid}/send")
    with app.app_context():
        version = _get(app, qid).version_id
    edit = rep.post(f"/quotations/{qid}/edit", data=_quote_data(world, version_id=version,
                                                                **{"lines-0-unit_price": "99.00"}))
    assert edit.status_code == 303 and edit.location.endswith(f"/quotations/{qid}")
    with app.test_request_context():
        q = _get(app, qid)
        assert q.current.lines[0].unit_price_amount == D("12.00")
        with pytest.raises(services.WorkflowError):
            services.compute_revision(q.current)
    assert rep.post(f"/quotations/{qid}/revise").status_code == 303
    with app.app_context():
        version = _get(app, qid).version_id
    rep.post(f"/quotations/{qid}/edit", data=_quote_data(world, version_id=version, **{"lines-0-unit_price": "11.50"}))
    rep.post(f"/quotations/{qid}/send")
    with app.app_context():
        q = _get(app, qid)
        v1, v2 = q.revisions
        assert (q.current_revision_no, q.status) == (2, "sent")
        assert v1.lines[0].unit_price_amount == D("12.00") and v1.total_amount == D("1850.00")
        assert v2.lines[0].unit_price_amount == D("11.50") and v2.total_amount == D("1800.00")
        assert v1.sent_at is not None and v2.sent_at is not None
    from docx import Document

    old = Document(io.BytesIO(rep.get(f"/quotations/{qid}/revisions/1/document.docx").data))
    text = "\n".join(c.text for t in old.tables for r in t.rows for c in r.cells)
    assert "$12.00" in text and "$11.50" not in text
    assert rep.get(f"/quotations/{qid}/revisions/3/document.docx").status_code == 404


def test_expiry_lazily_on_view_and_by_command(app, world, login_as, runner):
    rep = login_as("rep1")
    a = _create(rep, world)
    b = _create(rep, world)
    rep.post(f"/quotations/{a}/send")
    rep.post(f"/quotations/{b}/send")
    with app.app_context():
        for qid in (a, b):
            q = _get(app, qid)
            q.valid_until_on = q.current.valid_until_on = world["today"] - timedelta(days=1)
        db.session.commit()
    assert rep.get(f"/quotations/{a}").status_code == 200
    with app.app_context():
        assert _get(app, a).status == "expired" and _get(app, b).status == "sent"
    result = runner.invoke(args=["expire-quotations"])
    assert "1 quotation(s) expired" in result.output
    with app.app_context():
        assert _get(app, b).status == "expired" and _get(app, b).expired_on == world["today"]
    assert rep.post(f"/quotations/{b}/accept").status_code == 303
    with app.app_context():
        assert _get(app, b).status == "expired"


def test_expiring_panel_lists_the_reps_quotations_due_within_7_days(app, world, login_as):
    rep = login_as("rep1")
    qid = _create(rep, world, valid_until_on=(world["today"] + timedelta(days=5)).isoformat())
    later = _create(rep, world)
    rep.post(f"/quotations/{qid}/send")
    rep.post(f"/quotations/{later}/send")
    panel = rep.get("/quotations/panels/expiring").get_data(as_text=True)
    assert _get_number(app, qid) in panel and _get_number(app, later) not in panel
    assert _get_number(app, qid) not in login_as("rep2").get("/quotations/panels/expiring").get_data(as_text=True)


def test_reps_see_only_their_own_quotations_and_roles_are_checked(app, world, login_as):
    rep = login_as("rep1")
    qid = _create(rep, world)
    other = login_as("rep2")
    assert other.get(f"/quotations/{qid}").status_code == 404
    assert other.get(f"/quotations/{qid}/document.docx").status_code == 404
    assert other.post(f"/quotations/{qid}/send").status_code == 404
    assert _get_number(app, qid) not in other.get("/quotations/").get_data(as_text=True)
    # rep2 cannot quote to rep1's customer
    response = other.post("/quotations/new", data=_quote_data(world))
    assert response.status_code == 422
    finance = login_as("finance")
    assert finance.get(f"/quotations/{qid}").status_code == 200
    assert finance.post(f"/quotations/{qid}/send").status_code == 403
    assert login_as("legal").get("/quotations/").status_code == 403
    manager = login_as("manager")
    assert _get_number(app, qid) in manager.get("/quotations/").get_data(as_text=True)
    fragment = manager.htmx_get("/quotations/?status=draft")
    assert "HX-Request" in fragment.headers["Vary"] and "<html" not in fragment.get_data(as_text=True)
    # reps see margin % but never the cost
    page = rep.get(f"/quotations/{qid}").get_data(as_text=True)
    assert "16.67" in page and "¥70.00" not in page and "CN¥70.00" not in page
    assert "70.00" in manager.get(f"/quotations/{qid}").get_data(as_text=True)


def test_revision_accept_and_the_contract_hand_over(app, world, login_as):
    rep = login_as("rep1")
    qid = _create(rep, world)
    rep.post(f"/quotations/{qid}/send")
    rep.post(f"/quotations/{qid}/negotiation/rounds", data={
        "round-held_on": world["today"].isoformat(), "round-our_offer_amount": "1850",
        "round-their_counter_amount": "1700", "round-concessions": "", "round-notes": "Wants 8 % off"})
    rep.post(f"/quotations/{qid}/revise")
    with app.app_context():
        version = _get(app, qid).version_id
    rep.post(f"/quotations/{qid}/edit", data=_quote_data(world, version_id=version, **{"lines-0-unit_price": "11.50"}))
    rep.post(f"/quotations/{qid}/send")
    assert rep.post(f"/quotations/{qid}/accept").status_code == 303
    with app.app_context():
        q = _get(app, qid)
        assert (q.status, q.accepted_revision_no) == ("accepted", 2)
        neg = db.session.scalar(sa.select(Negotiation).where(Negotiation.quotation_id == qid))
        assert (neg.status, neg.won_price_amount, neg.closed_on) == ("won", D("1800.00"), world["today"])
        assert q.customer.stage == "won"
        data = services.quotation_for_contract(qid)
        assert data["revision_no"] == 2 and data["incoterm"] == "FOB" and data["currency"] == "USD"
        assert [ln["unit_price_amount"] for ln in data["lines"]] == [D("11.50"), D("13.00")]
        assert data["lines"][0]["hs_code"] == "8516.79.00" and data["total_amount"] == D("1800.00")
        other = _create(rep, world)
        with pytest.raises(LookupError):
            services.quotation_for_contract(other)
    page = rep.get(f"/quotations/{qid}").get_data(as_text=True)
    has_contracts = "contracts.create_from_quotation" in app.view_functions
    assert (f"/quotations/{qid}/create-contract" in page or "Create contract" in page or "创建合同" in page) \
        == has_contracts


def test_negotiation_lost_with_reason_and_feedback_form(app, world, login_as):
    rep = login_as("rep1")
    qid = _create(rep, world)
    rep.post(f"/quotations/{qid}/send")
    bad = rep.post(f"/quotations/{qid}/negotiation/outcome", data={"outcome-outcome": "lost", "outcome-lost_reason": ""})
    assert bad.status_code == 422
    response = rep.post(f"/quotations/{qid}/negotiation/feedback", data={
        "feedback-received_on": world["today"].isoformat(), "feedback-contact_id": str(world["contact"]),
        "feedback-price_perception": "too_high", "feedback-main_concern": "price",
        "feedback-target_price_amount": "1600", "feedback-comments": "Price <too> high & slow"})
    assert response.status_code == 303
    printable = rep.get(response.location).get_data(as_text=True)
    assert "客户反馈表" in printable and "Price &lt;too&gt; high &amp; slow" in printable and "☑" in printable
    assert rep.post(f"/quotations/{qid}/negotiation/outcome", data={
        "outcome-outcome": "lost", "outcome-lost_reason": "competitor", "outcome-note": "Cheaper in Foshan"}
    ).status_code == 303
    with app.app_context():
        neg = db.session.scalar(sa.select(Negotiation).where(Negotiation.quotation_id == qid))
        assert (neg.status, neg.lost_reason, _get(app, qid).status) == ("lost", "competitor", "rejected")
    analysis = rep.get("/quotations/analysis").get_data(as_text=True)
    assert "0.0%" in analysis or "0.0 %" in analysis
    assert login_as("rep2").get(f"/quotations/{qid}/negotiation").status_code == 404


# ---------------------------------------------------------------- documents

def test_quotation_and_proforma_documents_are_bilingual_escaped_and_show_images(app, world, login_as):
    from docx import Document

    manager = login_as("manager")
    manager.post(f"/products/{world['kettle']}/edit", data={
        "version_id": "1", "sku": "KT-1", "name_en": "Electric kettle 1.7 L", "name_zh": "电热水壶",
        "hs_code": "8516.79.00", "unit": "pcs", "active": "y",
        "image_upload": (io.BytesIO(_png()), "kettle.png")}, content_type="multipart/form-data")
    rep = login_as("rep1")
    qid = _create(rep, world, incoterm="CIF", named_place="Hamburg", freight_amount="150")
    for url, title in ((f"/quotations/{qid}/document.docx", "报价单"), (f"/quotations/{qid}/proforma.docx", "形式发票")):
        response = rep.get(url)
        assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
        doc = Document(io.BytesIO(response.data))
        text = "\n".join([p.text for p in doc.paragraphs]
                         + [c.text for t in doc.tables for r in t.rows for c in r.cells])
        assert title in text and "A & B <Ltd>" in text and "甲乙公司" in text
        assert "Electric kettle 1.7 L" in text and "电热水壶" in text and "8516.79.00" in text
        assert "CIF Cost, Insurance and Freight, Hamburg" in text and "成本、保险费加运费" in text
        assert "SAY US DOLLARS" in text and "美元" in text and "Bank of China" in text
        assert "Freight" in text and "$150.00" in text
        assert len(doc.inline_shapes) == 1
    with app.app_context():
        total = _get(app, qid).current.total_amount
        from app.core.money import amount_in_words_en, amount_in_words_zh

        assert amount_in_words_en(total, "USD") in text and amount_in_words_zh(total, "USD") in text


def test_document_templates_declare_their_variables():
    from app.core.documents import REQUIRED, TEMPLATE_DIR, undeclared_variables

    for name in ("quotation.docx", "proforma.docx"):
        assert REQUIRED[name] <= undeclared_variables(TEMPLATE_DIR / name)


# ---------------------------------------------------------------- pricing helper and competitor prices

def test_price_ladder_against_hand_computed_figures(ctx, world):
    product = db.session.get(Product, world["kettle"])
    ladder = services.price_ladder(product, D("1000"), "USD", world["today"], D("20"),
                                   domestic_charges_base=D("2000"), freight_total=D("700"),
                                   insurance_rate_percent=D("0.3"), mode="sea", rule="CIF")
    # EXW 70 / 0.8 = 87.5 CNY = 12.50 USD; FOB (70 + 2) / 0.8 = 90 → 12.857 → 12.86;
    # CFR 90 + 0.7 × 7 = 94.9 → 13.557 → 13.56; CIF 94.9 / (1 − 0.0033) = 95.2142 → 13.602 → 13.60
    assert ladder.steps == [("EXW", D("12.50")), ("FOB", D("12.86")), ("CFR", D("13.56")), ("CIF", D("13.60"))]
    # 换汇成本: (70 − 70 / 1.13 × 13 % + 2) / (90 / 7) = 4.9736 CNY per USD
    assert ladder.fx_cost == D("4.9736")
    assert ladder.goods_rule == "FOB" and ladder.goods_price == D("12.86")
    assert ladder.gross_margin_percent == D("22.24")  # (90.02 − 70) / 90.02
    assert ladder.freight_total == D("700.00")
    air = services.price_ladder(product, D("1000"), "USD", world["today"], D("20"), mode="air", rule="CIP")
    assert [s[0] for s in air.steps] == ["EXW", "FCA", "CPT", "CIP"]
    with pytest.raises(services.MissingRate):
        services.price_ladder(product, D("1000"), "GBP", world["today"], D("20"))


def test_competitor_prices_in_two_currencies_give_min_mean_max_and_price_index(ctx, world):
    stats = services.summarise_prices([(D("12.50"), "USD"), (D("11.00"), "EUR"), (D("5"), "GBP")], "USD",
                                      world["today"])
    # 11 EUR × 7.80 / 7.00 = 12.2571 USD; GBP has no rate and is listed, not guessed
    assert (stats.count, stats.minimum, stats.mean, stats.maximum) == (2, D("12.26"), D("12.38"), D("12.50"))
    assert stats.skipped == ["GBP"]
    assert services.price_index(D("12.00"), stats.mean) == D("0.9693")
    assert services.price_index(D("12.00"), None) is None


def test_competitor_prices_of_market_research_feed_helper_and_lines(app, world, login_as):
    model = services.competitor_price_model()
    assert model is not None, "the research area's CompetitorPrice model is missing"
    from app.research.models import Competitor

    with app.app_context():
        comp = Competitor(name="Foshan Appliances")
        db.session.add(comp)
        db.session.flush()
        for amount, cur in ((D("12.50"), "USD"), (D("11.00"), "EUR")):
            db.session.add(model(competitor_id=comp.id, product_id=world["kettle"], price_amount=amount, currency=cur,
                                 incoterm="FOB", observed_on=world["today"] - timedelta(days=5)))
        db.session.commit()
    rep = login_as("rep1")
    qid = _create(rep, world)
    with app.app_context():
        assert _get(app, qid).current.lines[0].price_index == D("0.9693")
    html = rep.htmx_get(f"/quotations/helper?line=0&lines-0-product_id={world['kettle']}&lines-0-quantity=1000"
                        "&currency=USD&incoterm=FOB&transport_mode=sea&margin=20").get_data(as_text=True)
    assert "$12.26" in html and "$12.38" in html and "$12.50" in html
    assert 'data-fill="lines-0-unit_price"' in html and "¥70.00" not in html
    # FOB at 20 % is 12.50 USD with no domestic charges → index 12.50 / 12.38 = 1.0097 → 1.01
    assert re.search(r"id=\"price-index\">.*1\.01", html, re.S)


def test_helper_shows_costs_to_finance_only_and_explains_bad_input(world, login_as):
    url = f"/quotations/helper?product_id={world['kettle']}&quantity=100&currency=USD&margin=20"
    assert "70.00" not in login_as("rep1").get(url).get_data(as_text=True)
    assert "70.00" in login_as("finance").get(url).get_data(as_text=True)
    bad = login_as("rep1").get(url.replace("margin=20", "margin=abc")).get_data(as_text=True)
    assert "Enter numbers" in bad or "请输入数字" in bad
    assert login_as("legal").get(url).status_code == 403


# ---------------------------------------------------------------- demo data

def test_seeder_is_idempotent_and_creates_quotations_in_several_states(app, world, users):
    from app.core.cli import seed_users
    from app.customers.models import Customer
    from app.pricing.seed import seed_pricing

    with app.app_context():
        for rep in ("rep1", "rep2", "rep3"):
            for i in range(3):
                db.session.add(Customer(name=f"{rep} buyer {i}", country="US", owner_id=users[rep]))
        db.session.commit()
        demo = seed_users("demo")
        seed_pricing(demo)
        db.session.commit()
        seed_pricing(demo)
        db.session.commit()
        statuses = set(db.session.scalars(sa.select(Quotation.status)))
        assert {"draft", "sent", "accepted", "rejected", "expired", "pending_approval", "approved"} <= statuses
        assert db.session.scalar(sa.select(sa.func.count(Quotation.id))) == 10
        assert db.session.scalar(sa.select(sa.func.count(Product.id))) == 17  # 15 demo + the 2 of the fixture
        assert db.session.scalar(sa.select(sa.func.count(QuotationRevision.id))) == 11
