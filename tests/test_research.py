"""Market research (D1): reports and their review, the Word document, sharing, competitor prices, needs."""
import io
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from docx import Document

from app.extensions import db


def _english(client):
    client.post("/locale", data={"locale": "en"})
    return client


def _customer(app, owner_id, name="Saigon Home Appliances JSC", country="VN"):
    from app.customers.models import Customer

    with app.app_context():
        c = Customer(name=name, country=country, owner_id=owner_id)
        db.session.add(c)
        db.session.commit()
        cid = c.id
        db.session.remove()
    return cid


def _report_form(**over):
    form = {"title": "Kettles in Vietnam", "markets": "Vietnam, TH, Southeast Asia", "industry": "Small appliances",
            "period_start_on": "2026-07-01", "period_end_on": "2026-09-30", "sources": "Customs data",
            "findings": "Imports grew 18 %.\n\nBuyers want 2-year warranty.", "competitor_analysis": "Foshan cheaper",
            "opportunities": "Bundle kettle and toaster", "version_id": "1"}
    form.update(over)
    return form


def _department_user(app, make_user, username, code):
    from app.auth.models import Department

    with app.app_context():
        dept_id = db.session.scalar(sa.select(Department.id).where(Department.code == code))
    return make_user(username, roles=(), department_id=dept_id)


def test_report_workflow_draft_submit_review(app, login_as, users):
    from app.research.models import ResearchReport

    cid = _customer(app, users["rep1"])
    rep = _english(login_as("rep1"))
    bad = rep.post("/research/reports/new", data=_report_form(period_end_on="2026-06-01", markets="XX, Asia"))
    body = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "cannot end before it starts" in body
    response = rep.post("/research/reports/new", data=_report_form(customer_ids=[str(cid)], findings=""))
    assert response.status_code == 303
    report_id = int(response.location.rsplit("/", 1)[-1])
    with app.app_context():
        report = db.session.get(ResearchReport, report_id)
        assert report.markets == "VN,TH,Southeast Asia" and [c.id for c in report.customers] == [cid]
        assert report.status == "draft" and report.owner_id == users["rep1"]
    page = rep.post(f"/research/reports/{report_id}/submit", follow_redirects=True).get_data(as_text=True)
    assert "Write the Findings before submitting" in page
    rep.post(f"/research/reports/{report_id}/edit", data=_report_form(customer_ids=[str(cid)]))
    rep.post(f"/research/reports/{report_id}/submit")
    assert rep.get(f"/research/reports/{report_id}/edit").status_code == 303, "a submitted report is frozen"
    assert rep.post(f"/research/reports/{report_id}/review", data={"accuracy_score": "5",
                                                                  "usefulness_score": "5"}).status_code == 403
    assert login_as("rep2").get(f"/research/reports/{report_id}").status_code == 404

    manager = _english(login_as("manager"))
    response = manager.post(f"/research/reports/{report_id}/review", data={"accuracy_score": "6",
                                                                          "usefulness_score": "3"})
    assert response.status_code == 422
    response = manager.post(f"/research/reports/{report_id}/review",
                            data={"accuracy_score": "4", "usefulness_score": "3", "review_comment": "Good sources"})
    assert response.status_code == 303
    with app.app_context():
        report = db.session.get(ResearchReport, report_id)
        assert (report.status, report.accuracy_score, report.usefulness_score) == ("reviewed", 4, 3)
        assert report.reviewed_by_id == users["manager"] and report.reviewed_at is not None
        assert report.mean_score == Decimal("3.5")
        from app.core.models import Notification

        assert db.session.scalar(sa.select(sa.func.count(Notification.id))
                                 .where(Notification.user_id == users["rep1"])) == 1
    assert manager.post(f"/research/reports/{report_id}/review",
                        data={"accuracy_score": "1", "usefulness_score": "1"}).status_code == 303
    with app.app_context():
        assert db.session.get(ResearchReport, report_id).accuracy_score == 4, "a reviewed report is not re-scored"


def test_manager_returns_a_report_for_rework(app, login_as, users):
    from app.research.models import ResearchReport

    rep = login_as("rep1")
    response = rep.post("/research/reports/new", data=_report_form())
    report_id = int(response.location.rsplit("/", 1)[-1])
    rep.post(f"/research/reports/{report_id}/submit")
    manager = login_as("manager")
    manager.post(f"/research/reports/{report_id}/return", data={"ret-review_comment": "Add the Thai customs data"})
    with app.app_context():
        report = db.session.get(ResearchReport, report_id)
        assert report.status == "draft" and report.review_comment == "Add the Thai customs data"
    assert "Add the Thai customs data" in rep.get(f"/research/reports/{report_id}").get_data(as_text=True)


def test_report_document_is_bilingual_and_escapes_values(app, login_as, users):
    from app.core import documents
    from app.research.models import Competitor, CompetitorPrice, ResearchReport
    from app.research.services import REPORT_DOCUMENT, REPORT_VARIABLES

    assert documents.undeclared_variables(documents.TEMPLATE_DIR / REPORT_DOCUMENT) <= REPORT_VARIABLES | {
        "para", "c", "k", "p"}
    assert REPORT_VARIABLES - {"reviewed"} <= documents.undeclared_variables(documents.TEMPLATE_DIR / REPORT_DOCUMENT)
    cid = _customer(app, users["rep1"], name="A & B <Ltd>")
    with app.app_context():
        competitor = Competitor(name="Foshan & Sons <Appliances>", country="CN")
        competitor.prices.append(CompetitorPrice(product_name="Kettle 1.7 L", price_amount=Decimal("7.95"),
                                                 currency="USD", incoterm="FOB", observed_on=date(2026, 10, 1),
                                                 source="Canton Fair"))
        report = ResearchReport(owner_id=users["rep1"], title="Kettles & toasters <VN>", markets="VN,Southeast Asia",
                                period_start_on=date(2026, 7, 1), period_end_on=date(2026, 9, 30),
                                findings="First finding.\nSecond finding.", sources="Customs", opportunities="More",
                                status="reviewed", accuracy_score=4, usefulness_score=5,
                                review_comment="Clear & useful", reviewed_by_id=users["manager"])
        report.customers = [db.session.get(__import__("app.customers.models", fromlist=["Customer"]).Customer, cid)]
        report.competitors = [competitor]
        db.session.add(report)
        db.session.commit()
        report_id = report.id
    response = login_as("rep1").get(f"/research/reports/{report_id}/document.docx")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    doc = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "Market Research Report 市场调研报告" in text
    assert "First finding." in text and "Second finding." in text
    assert "Kettles & toasters <VN>" in cells and "A & B <Ltd>" in cells and "Foshan & Sons <Appliances>" in cells
    assert "Vietnam, Southeast Asia" in cells and "越南, Southeast Asia" in cells
    assert "Reviewed / 已评审" in cells and "Clear & useful" in cells and "4 / 5" in cells
    assert "USD 7.95" in cells and "Not reviewed yet" not in text


def test_share_with_marketing_records_and_notifies_and_grants_reading(app, login_as, users, make_user):
    from app.core.models import Notification
    from app.research.models import ResearchShare

    rep = _english(login_as("rep1"))
    report_id = int(rep.post("/research/reports/new", data=_report_form()).location.rsplit("/", 1)[-1])
    page = rep.post(f"/research/reports/{report_id}/share", follow_redirects=True).get_data(as_text=True)
    assert "Submit the report before sharing" in page
    rep.post(f"/research/reports/{report_id}/submit")
    page = rep.post(f"/research/reports/{report_id}/share", follow_redirects=True).get_data(as_text=True)
    assert "no active members" in page
    marketer = _department_user(app, make_user, "marketer", "marketing")
    assert login_as("marketer").get(f"/research/reports/{report_id}").status_code == 404
    page = rep.post(f"/research/reports/{report_id}/share", follow_redirects=True).get_data(as_text=True)
    assert "Shared with marketing: marketer" in page
    with app.app_context():
        share = db.session.scalar(sa.select(ResearchShare))
        assert (share.user_id, share.shared_by_id) == (marketer, users["rep1"])
        assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(Notification.user_id == marketer)) == 1
    reader = login_as("marketer")
    assert reader.get(f"/research/reports/{report_id}").status_code == 200
    assert reader.get(f"/research/reports/{report_id}/document.docx").status_code == 200
    assert reader.get("/research/competitors").status_code == 403
    assert reader.post(f"/research/reports/{report_id}/review", data={"accuracy_score": "5",
                                                                     "usefulness_score": "5"}).status_code == 403


def test_competitor_prices_validate_and_summarise(app, login_as, users):
    from app.pricing.models import Product
    from app.research.models import Competitor, CompetitorPrice

    with app.app_context():
        product = Product(sku="KT-1708S", name_en="Electric kettle 1.7 L", category="Kitchen appliances")
        competitor = Competitor(name="Foshan Appliances")
        db.session.add_all([product, competitor])
        db.session.commit()
        product_id, competitor_id = product.id, competitor.id
    rep = _english(login_as("rep1"))
    url = f"/research/competitors/{competitor_id}"
    base = {"product_id": "0", "price_amount": "7.95", "currency": "usd", "incoterm": "FOB",
            "observed_on": "2026-10-01", "source": "Canton Fair"}
    body = rep.post(url, data=base).get_data(as_text=True)
    assert "Choose one of our products or name the product" in body
    tomorrow = (date.today() + timedelta(days=3)).isoformat()
    body = rep.post(url, data=dict(base, product_id=str(product_id), observed_on=tomorrow)).get_data(as_text=True)
    assert "cannot be in the future" in body
    body = rep.post(url, data=dict(base, product_id=str(product_id), currency="XYZ")).get_data(as_text=True)
    assert "ISO 4217" in body
    for price in ("7.95", "8.10", "8.40"):
        assert rep.post(url, data=dict(base, product_id=str(product_id), price_amount=price)).status_code == 303
    rep.post(url, data=dict(base, product_name="Turkish kettle", price_amount="9.10", currency="EUR", incoterm="CFR"))
    with app.app_context():
        rows = db.session.scalars(sa.select(CompetitorPrice).order_by(CompetitorPrice.id)).all()
        assert [(r.product_id, r.currency, r.price_amount, r.product_category) for r in rows[:1]] == [
            (product_id, "USD", Decimal("7.95"), "Kitchen appliances")]
        assert rows[-1].product_id is None and rows[-1].product_name == "Turkish kettle"
    page = rep.get(f"/research/prices?product_id={product_id}").get_data(as_text=True)
    assert "$7.95" in page and "$8.15" in page and "$8.40" in page, "min, mean (8.15) and max in USD FOB"
    assert "Turkish kettle" not in page
    other = login_as("rep2")
    price_id = rows[0].id
    assert other.post(f"/research/prices/{price_id}/delete").status_code == 403
    assert login_as("legal").get("/research/prices").status_code == 403


def test_needs_are_recorded_sent_to_product_and_exported(app, login_as, users, make_user):
    from openpyxl import load_workbook

    from app.core.models import Notification
    from app.research.models import CustomerNeed

    cid = _customer(app, users["rep1"], name="Riyadh Home Center Co.", country="SA")
    rep = _english(login_as("rep1"))
    url = f"/research/needs/new?customer_id={cid}"
    body = rep.post(url, data={"product_category": "", "currency": "USD", "priority": "high"}).get_data(as_text=True)
    assert "This field is required" in body
    response = rep.post(url, data={"product_category": "Kitchen appliances", "product_id": "0", "quantity": "10000",
                                   "unit": "pcs", "target_price_amount": "9.50", "currency": "usd",
                                   "certifications": "SASO, G-Mark", "quality_requirements": "SASO IECEE",
                                   "delivery_requirements": "CFR Dammam, 50 days", "priority": "high"})
    assert response.status_code == 303
    assert login_as("rep2").get(url).status_code == 404
    with app.app_context():
        need = db.session.scalar(sa.select(CustomerNeed))
        assert (need.quantity, need.target_price_amount, need.currency) == (Decimal("10000"), Decimal("9.50"), "USD")
        need_id = need.id
    assert "Riyadh Home Center" in rep.get("/research/needs?priority=high").get_data(as_text=True)
    assert "Riyadh Home Center" not in rep.get("/research/needs?priority=low").get_data(as_text=True)
    product_person = _department_user(app, make_user, "pm", "product")

    def set_product_team_active(active):
        from app.auth.models import Department, User

        with app.app_context():
            dept = db.session.scalar(sa.select(Department).where(Department.code == "product"))
            for user in db.session.scalars(sa.select(User).where(User.department_id == dept.id)):
                user.active = active
            db.session.commit()

    set_product_team_active(False)
    page = rep.post(f"/research/needs/{need_id}/send", follow_redirects=True).get_data(as_text=True)
    assert "no active members" in page
    set_product_team_active(True)
    assert login_as("pm").get("/research/needs").status_code == 200
    assert "Riyadh Home Center" not in login_as("pm").get("/research/needs").get_data(as_text=True)
    rep.post(f"/research/needs/{need_id}/send")
    with app.app_context():
        need = db.session.get(CustomerNeed, need_id)
        assert need.sent_to_product_at is not None and need.sent_by_id == users["rep1"]
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))
                                 .where(Notification.user_id == product_person)) == 1
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))
                                 .where(Notification.user_id == users["product"])) == 1
    assert "Riyadh Home Center" in login_as("pm").get("/research/needs").get_data(as_text=True)
    sheet = load_workbook(io.BytesIO(rep.get("/research/needs/export.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "Customer 客户"
    assert rows[2][0] == "Riyadh Home Center Co." and rows[2][3] == "Kitchen appliances" and rows[2][5] == 10000
    assert rows[2][9] == "SASO, G-Mark" and rows[2][13] is not None


def test_needs_section_on_the_customer_page_and_the_validity_rule(app, login_as, users):
    cid = _customer(app, users["rep1"])
    rep = _english(login_as("rep1"))
    page = rep.get(f"/customers/{cid}").get_data(as_text=True)
    assert 'id="needs"' in page and "A customer needs at least one to become valid" in page
    rep.post(f"/research/needs/new?customer_id={cid}", data={"product_category": "LED lighting", "currency": "USD",
                                                            "priority": "medium"})
    assert "LED lighting" in rep.get(f"/customers/{cid}").get_data(as_text=True)


def test_home_panel_lists_reports_waiting_for_a_score(app, login_as, users):
    rep = login_as("rep1")
    report_id = int(rep.post("/research/reports/new", data=_report_form(title="GCC lighting")).location
                    .rsplit("/", 1)[-1])
    manager = login_as("manager")
    assert "GCC lighting" not in manager.get("/research/panels/reviews").get_data(as_text=True)
    rep.post(f"/research/reports/{report_id}/submit")
    assert "GCC lighting" in manager.get("/research/panels/reviews").get_data(as_text=True)
    assert rep.get("/research/panels/reviews").status_code == 200


def test_research_seed_links_products_by_sku_and_is_idempotent(app, users):
    from app.core.cli import seed_users
    from app.pricing.models import Product
    from app.research.models import Competitor, CompetitorPrice, ResearchReport
    from app.research.seed import seed_research

    with app.test_request_context():
        people = seed_users("demo")
        db.session.add(Product(sku="KT-1708S", name_en="Electric kettle", category="Kitchen appliances"))
        db.session.flush()
        seed_research(people)
        seed_research(people)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(Competitor.id))) == 4
        prices = db.session.scalars(sa.select(CompetitorPrice)).all()
        assert len(prices) == 12
        kettles = [p for p in prices if p.product_id is not None]
        assert len(kettles) == 3 and all(p.product.sku == "KT-1708S" for p in kettles)
        assert all(p.product_name for p in prices if p.product_id is None)
        assert db.session.scalar(sa.select(sa.func.count(ResearchReport.id))) == 2
