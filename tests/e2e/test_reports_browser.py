"""The manager's month-end in a browser: team scorecard, drill into satisfaction, print one page per rep,
review a monthly report and download it in Word."""
import io
import re
from datetime import date, datetime

from app.extensions import db


def _seed(app, users):
    from app.care.models import SatisfactionSurvey
    from app.customers.models import Customer
    from app.reports.models import MonthlyReport

    with app.app_context():
        buyer = Customer(name="Hamburg Haushaltwaren GmbH", country="DE", owner_id=users["rep1"])
        other = Customer(name="Lone Star Kitchenware LLC", country="US", owner_id=users["rep1"])
        db.session.add_all([buyer, other])
        db.session.flush()
        for i, (customer, overall, answered) in enumerate([(buyer, 5, datetime(2025, 3, 4, 2)),
                                                           (other, 3, datetime(2025, 3, 20, 2)),
                                                           (other, 2, datetime(2025, 4, 2, 2))]):
            db.session.add(SatisfactionSurvey(customer_id=customer.id, created_by_id=users["rep1"], token_hash=f"e2e{i}",
                                              expires_at=datetime(2025, 5, 1), answered_at=answered, overall=overall))
        db.session.add(MonthlyReport(owner_id=users["rep2"], year=2025, month=3, status="submitted",
                                     deadline_on=date(2025, 4, 8), first_submitted_at=datetime(2025, 4, 7, 2),
                                     submitted_at=datetime(2025, 4, 7, 2), analysis="Europe grew 12 %.",
                                     suggestions="Visit Hamburg in May.",
                                     figures={"period": "2025-03", "currency": "CNY", "total": "0.00", "deals": 0,
                                              "avg_deal": None, "previous_total": None, "mom": None,
                                              "prior_year_total": None, "yoy": None, "new_valid_customers": 0,
                                              "countries": [], "products": [], "customers": []}))
        db.session.commit()


def test_manager_drills_into_satisfaction_prints_one_page_per_rep_and_reviews_a_report(app, page, login, users):
    from docx import Document

    _seed(app, users)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login("manager")
    page.goto("/reports/scorecard/team/2025-03")
    page.click("a[href$='/reports/scorecard/team/2025-03/print']")
    page.wait_for_url(re.compile(r".*/team/2025-03/print$"))
    assert page.locator("section.reports-sheet").count() == 3
    page.click(f"#sheet-{users['rep1']} a[data-metric='3a']")
    page.wait_for_url(re.compile(r".*/records/3a$"))
    rows = page.locator("#records tbody tr")
    assert rows.count() == 2
    assert "Hamburg Haushaltwaren GmbH" in page.text_content("#records")
    assert page.text_content("#metric-value").strip() == "50.0%"

    page.goto("/reports/scorecard/team/2025-03/print")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=False)
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf)) == 3
    page.emulate_media(media="screen")

    page.goto("/reports/monthly?status=submitted")
    page.click("#monthly-rows a:not([href$='.docx'])")
    page.select_option("select[name=decision]", "correct")
    page.click("form[action$='/review'] button[type=submit]")
    assert page.locator("[role=alert]").count() >= 1  # a correction needs a comment
    page.select_option("select[name=decision]", "correct")
    page.fill("textarea[name=comment]", "Please add the freight analysis & <details>")
    page.click("form[action$='/review'] button[type=submit]")
    page.wait_for_selector(".flash-success")
    assert "已退回修改" in page.content()
    with page.expect_download() as download:
        page.click(".page-head a[href$='.docx']")
    with open(download.value.path(), "rb") as f:
        doc = Document(io.BytesIO(f.read()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Please add the freight analysis & <details>" in text and "销售分析报告" in text
    assert "Europe grew 12 %." in text
    assert not errors, errors
