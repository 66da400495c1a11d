"""D7 sales data, import, analysis, monthly sales reports and their Word document."""
import io
import re
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from app.core.models import ExchangeRate, Notification
from app.extensions import db
from app.reports.models import MonthlyReport, SalesImport, SalesMonthly, SalesRecord
from app.reports.services import refresh_monthly


def add_rates(*rows):
    for currency, on, rate in rows:
        db.session.add(ExchangeRate(currency=currency, base_currency="CNY", rate=Decimal(rate), effective_on=on))


def add_sale(owner_id, sold_on, base, country="US", customer="Acme Inc.", product="Flask", currency="CNY",
             amount=None, source="import"):
    amount = Decimal(amount if amount is not None else base)
    record = SalesRecord(sold_on=sold_on, customer_name=customer, country=country, product_name=product,
                         amount=amount, currency=currency, exchange_rate=Decimal(base) / amount,
                         base_amount=Decimal(base), owner_id=owner_id, source=source)
    db.session.add(record)
    return record


def seed_sales(users):
    rows = [
        (users["rep1"], date(2024, 3, 5), "100.00", "US", "Acme Inc."),
        (users["rep1"], date(2025, 2, 1), "200.00", "DE", "Berlin GmbH"),
        (users["rep1"], date(2025, 3, 1), "120.00", "US", "Acme Inc."),
        (users["rep1"], date(2025, 3, 31), "180.00", "US", "Zeta LLC"),
        (users["rep2"], date(2025, 3, 15), "999.00", "FR", "Paris SARL"),
    ]
    for owner, on, base, country, customer in rows:
        add_sale(owner, on, base, country=country, customer=customer)
    db.session.flush()
    refresh_monthly({r[1] for r in rows})
    db.session.commit()


def csv_bytes(text: str, encoding: str) -> bytes:
    return text.encode(encoding)


# ---------------------------------------------------------------- access

@pytest.mark.parametrize("path", ["/reports/", "/reports/analysis", "/reports/sales", "/reports/sales/import",
                                  "/reports/monthly", "/reports/scorecard"])
def test_reports_pages_are_for_reps_and_managers_only(login_as, path):
    assert login_as("legal").get(path).status_code == 403
    assert login_as("finance").get(path).status_code == 403
    assert login_as("rep1").get(path).status_code in (200, 302)
    assert login_as("manager").get(path).status_code in (200, 302)


# ---------------------------------------------------------------- import

GBK_CSV = (
    "日期,客户,国家,产品,数量,金额,币种\n"
    "2025-03-10,汉堡家居有限公司,德国,保温杯,100,1000.00,EUR\n"
    "2025/03/11,Acme Inc.,US,Flask,50,500,USD\n"
    "2025-03-12,Acme Inc.,US,Flask,50,500,JPY\n"
    "not a date,Acme Inc.,US,Flask,1,10,USD\n"
    "2025-03-13,Acme Inc.,Atlantis,Flask,1,10,USD\n"
    "2025-03-14,,US,Flask,1,10,USD\n"
    "2025-03-15,Acme Inc.,US,Flask,1,-5,USD\n"
    "2025-03-16,Acme Inc.,US,Flask,1,10,XXX\n"
)


def _upload(client, data: bytes, name: str):
    return client.post("/reports/sales/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_gbk_csv_import_maps_previews_converts_and_reports_every_refused_row(app, login_as, users):
    with app.app_context():
        add_rates(("EUR", date(2025, 3, 1), "7.800000"), ("USD", date(2025, 3, 1), "7.100000"),
                  ("USD", date(2025, 3, 11), "7.200000"))
        db.session.commit()
    rep = login_as("rep1")
    response = _upload(rep, csv_bytes(GBK_CSV, "gbk"), "sales.csv")
    assert response.status_code == 303
    import_id = int(re.search(r"/import/(\d+)", response.location).group(1))
    page = rep.get(f"/reports/sales/import/{import_id}").get_data(as_text=True)
    assert "GBK" in page and "日期" in page
    assert '<option selected value="日期">' in page  # the Chinese headers were recognised
    assert "Preview" in page or "预览" in page
    response = rep.post(f"/reports/sales/import/{import_id}/run")
    assert response.status_code == 303
    with app.app_context():
        batch = db.session.get(SalesImport, import_id)
        assert (batch.rows_total, batch.rows_imported, len(batch.rejected)) == (8, 2, 6)
        reasons = {r["line"]: " ".join(r["reasons"]) for r in batch.rejected}
        assert "JPY" in reasons[4] and "2025-03-12" in reasons[4]  # no JPY rate: refused, never 1.0
        assert set(reasons) == {4, 5, 6, 7, 8, 9}
        rows = db.session.scalars(sa.select(SalesRecord).order_by(SalesRecord.sold_on)).all()
        assert [(r.customer_name, r.country, r.currency, r.amount, r.base_amount, r.owner_id) for r in rows] == [
            ("汉堡家居有限公司", "DE", "EUR", Decimal("1000.00"), Decimal("7800.00"), users["rep1"]),
            ("Acme Inc.", "US", "USD", Decimal("500.00"), Decimal("3600.00"), users["rep1"]),  # rate of 11 March
        ]
        monthly = db.session.execute(sa.select(sa.func.sum(SalesMonthly.base_amount), sa.func.sum(SalesMonthly.deal_count))
                                     .where(SalesMonthly.month_on == date(2025, 3, 1))).one()
        assert (Decimal(str(monthly[0])).quantize(Decimal("0.01")), monthly[1]) == (Decimal("11400.00"), 2)
    result = rep.get(f"/reports/sales/import/{import_id}/result").get_data(as_text=True)
    assert "Atlantis" in result and "XXX" in result
    sheet = openpyxl.load_workbook(io.BytesIO(rep.get(f"/reports/sales/import/{import_id}/rejected.xlsx").data)).active
    assert sheet.max_row == 7
    # importing the same file again refuses every row as already imported
    again = _upload(rep, csv_bytes(GBK_CSV, "gbk"), "sales.csv")
    again_id = int(re.search(r"/import/(\d+)", again.location).group(1))
    rep.post(f"/reports/sales/import/{again_id}/run")
    with app.app_context():
        assert db.session.get(SalesImport, again_id).rows_imported == 0
        assert db.session.scalar(sa.select(sa.func.count(SalesRecord.id))) == 2


def test_utf8_bom_csv_and_xlsx_import_with_manual_mapping(app, login_as, users):
    with app.app_context():
        add_rates(("USD", date(2025, 1, 1), "7.000000"))
        db.session.commit()
    manager = login_as("manager")
    response = _upload(manager, csv_bytes("Day;Buyer;Value;Rep\n2025-02-03;A & B <Ltd>;1234.5;rep2\n", "utf-8-sig"),
                       "s.csv")
    import_id = int(re.search(r"/import/(\d+)", response.location).group(1))
    # no date column chosen: the mapping is refused with a clear message
    bad = manager.post(f"/reports/sales/import/{import_id}", data={"customer": "Buyer", "amount": "Value"})
    assert bad.status_code == 422
    assert "date of sale" in bad.get_data(as_text=True) or "销售日期" in bad.get_data(as_text=True)
    ok = manager.post(f"/reports/sales/import/{import_id}", data={
        "sold_on": "Day", "customer": "Buyer", "amount": "Value", "owner": "Rep", "default_currency": "USD"})
    assert ok.status_code == 200
    assert "A &amp; B &lt;Ltd&gt;" in ok.get_data(as_text=True)
    manager.post(f"/reports/sales/import/{import_id}/run")
    book = openpyxl.Workbook()
    book.active.append(["Date", "Customer", "Country", "Amount", "Currency"])
    book.active.append([datetime(2025, 2, 4), "Xlsx Buyer", "United States", 100, "USD"])
    data = io.BytesIO()
    book.save(data)
    response = _upload(manager, data.getvalue(), "s.xlsx")
    xid = int(re.search(r"/import/(\d+)", response.location).group(1))
    manager.post(f"/reports/sales/import/{xid}", data={"sold_on": "Date", "customer": "Customer", "country": "Country",
                                                       "amount": "Amount", "currency": "Currency"})
    manager.post(f"/reports/sales/import/{xid}/run")
    with app.app_context():
        rows = db.session.scalars(sa.select(SalesRecord).order_by(SalesRecord.sold_on)).all()
        assert [(r.customer_name, r.base_amount, r.owner_id, r.country) for r in rows] == [
            ("A & B <Ltd>", Decimal("8641.50"), users["rep2"], ""),
            ("Xlsx Buyer", Decimal("700.00"), None, "US"),
        ]


def test_rep_cannot_import_for_a_colleague_or_open_someone_elses_import(app, login_as, users):
    with app.app_context():
        add_rates(("USD", date(2025, 1, 1), "7.000000"))
        db.session.commit()
    rep = login_as("rep1")
    response = _upload(rep, b"date,customer,amount,currency,rep\n2025-02-03,X,10,USD,rep2\n", "s.csv")
    import_id = int(re.search(r"/import/(\d+)", response.location).group(1))
    assert login_as("rep2").get(f"/reports/sales/import/{import_id}").status_code == 404
    rep.post(f"/reports/sales/import/{import_id}/run")
    with app.app_context():
        batch = db.session.get(SalesImport, import_id)
        assert batch.rows_imported == 0
        assert "own" in batch.rejected[0]["reasons"][0] or "自己" in batch.rejected[0]["reasons"][0]


def test_upload_that_is_not_a_spreadsheet_is_refused(login_as):
    response = _upload(login_as("rep1"), b"%PDF-1.4 fake", "sales.csv")
    assert response.status_code == 422


# ---------------------------------------------------------------- analysis

def test_monthly_series_growth_and_dimensions_hand_computed(app, users, ctx):
    from app.reports import analysis

    seed_sales(users)
    f = analysis.Filters(date(2025, 2, 1), date(2025, 3, 31), owner_ids=[users["rep1"]])
    series = analysis.monthly_series(f)
    assert [m.strftime("%Y-%m") for m in series["month"]] == ["2025-02", "2025-03"]
    assert list(series["amount"]) == [200.0, 300.0]
    assert list(series["deals"]) == [2 - 1, 2]
    assert analysis.ratio(series["mom"].iloc[0]) is None  # January had no sales: no growth figure, not +∞
    assert analysis.ratio(series["mom"].iloc[1]) == Decimal("0.5")
    assert analysis.ratio(series["yoy"].iloc[1]) == Decimal("2")  # 300 against 100 in March 2024
    countries = analysis.by_dimension(f, "country")
    assert list(countries["country"]) == ["US", "DE"]
    assert [analysis.ratio(v) for v in countries["share"]] == [Decimal("0.6"), Decimal("0.4")]
    assert analysis.ratio(countries["yoy"].iloc[0]) == Decimal("2")
    top = analysis.top_customers(f)
    assert list(top["customer"]) == ["Berlin GmbH", "Zeta LLC", "Acme Inc."]
    assert analysis.totals(f) == {"amount": Decimal("500.00"), "deals": 3, "avg_deal": Decimal("166.67")}
    team = analysis.totals(analysis.Filters(date(2025, 3, 1), date(2025, 3, 31)))
    assert team["amount"] == Decimal("1299.00")


def test_summary_table_matches_the_sales_rows(app, users, ctx):
    from app.reports.models import SalesMonthlyCountry, SalesMonthlyProduct

    seed_sales(users)
    totals = set()
    for grain in ("rep_country", "rep", "country"):
        totals.add(Decimal(str(db.session.scalar(sa.select(sa.func.sum(SalesMonthlyCountry.base_amount))
                                                 .where(SalesMonthlyCountry.grain == grain)))).quantize(Decimal("0.01")))
    totals.add(Decimal(str(db.session.scalar(sa.select(sa.func.sum(SalesMonthlyProduct.base_amount))))).quantize(Decimal("0.01")))
    assert totals == {Decimal("1599.00")}
    grouped = db.session.execute(sa.select(SalesRecord.owner_id, sa.func.sum(SalesRecord.base_amount))
                                 .group_by(SalesRecord.owner_id)).all()
    summary = dict(db.session.execute(sa.select(SalesMonthly.owner_id, sa.func.sum(SalesMonthly.base_amount))
                                      .group_by(SalesMonthly.owner_id)).all())
    for owner, total in grouped:
        assert Decimal(str(summary[owner])).quantize(Decimal("0.01")) == Decimal(str(total)).quantize(Decimal("0.01"))


def test_analysis_page_rep_sees_only_own_sales_and_htmx_gets_the_fragment(app, login_as, users):
    with app.app_context():
        seed_sales(users)
    rep = login_as("rep1")
    page = rep.get("/reports/analysis?from=2025-01&to=2025-03").get_data(as_text=True)
    assert "<svg" in page and "style=" not in page
    assert ">德国</a>" in page and "法国" not in page  # by country: rep1 sold to DE and US, rep2 to FR
    assert 'hx-get="/reports/analysis/section/customers?from=2025-01' in page
    customers = rep.htmx_get("/reports/analysis/section/customers?from=2025-01&to=2025-03").get_data(as_text=True)
    assert "Zeta LLC" in customers and "Paris SARL" not in customers and "<html" not in customers
    full = rep.get("/reports/analysis/section/funnel?from=2025-01&to=2025-03")
    assert full.status_code == 200 and "<html" in full.get_data(as_text=True)
    fragment = rep.htmx_get("/reports/analysis?from=2025-01&to=2025-03&country=US")
    body = fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"] and "<html" not in body
    assert ">美国</a>" in body and ">德国</a>" not in body
    manager = login_as("manager")
    assert "法国" in manager.get("/reports/analysis?from=2025-01&to=2025-03").get_data(as_text=True)
    by_rep = manager.get(f"/reports/analysis?from=2025-01&to=2025-03&rep={users['rep2']}").get_data(as_text=True)
    assert ">法国</a>" in by_rep and ">德国</a>" not in by_rep
    assert manager.get("/reports/analysis/section/nothing").status_code == 404


@pytest.mark.parametrize("table", ["monthly", "country", "product", "customers", "funnel"])
def test_every_analysis_table_downloads_as_xlsx(app, login_as, users, table):
    with app.app_context():
        seed_sales(users)
    response = login_as("rep1").get(f"/reports/analysis/{table}.xlsx?from=2025-02&to=2025-03")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    if table == "monthly":
        assert values[6:9] == ["2025-02", 200, 1]
    if table == "customers":
        assert "Paris SARL" not in values and "Zeta LLC" in values


def test_rep_cannot_export_the_by_rep_table(login_as):
    assert login_as("rep1").get("/reports/analysis/owner.xlsx").status_code == 404
    assert login_as("manager").get("/reports/analysis/owner.xlsx").status_code == 200


def test_funnel_counts_customers_by_stage_and_quotations_sent(app, users, ctx):
    from app.customers.models import Customer
    from app.pricing.models import Quotation
    from app.reports import analysis

    rep = users["rep1"]
    made = datetime(2025, 3, 5, 3, 0)
    customers = [Customer(name=f"C{i}", country="US", owner_id=rep, created_at=made, stage=stage,
                          valid_at=made if stage != "lead" else None)
                 for i, stage in enumerate(["lead", "lead", "valid", "valid", "negotiating", "won"])]
    db.session.add_all(customers)
    db.session.flush()
    for c, sent in ((customers[3], True), (customers[4], True), (customers[5], True), (customers[2], False)):
        db.session.add(Quotation(number=f"QT-2025-{c.id:04d}", customer_id=c.id, owner_id=rep, status="sent" if sent else "draft",
                                 sent_at=made if sent else None))
    db.session.commit()
    fun = analysis.funnel(analysis.Filters(date(2025, 3, 1), date(2025, 3, 31), owner_ids=[rep]))
    assert [(s.key, s.count, s.rate_from_previous) for s in fun["stages"]] == [
        ("lead", 6, None), ("valid", 4, Decimal("0.6667")), ("quoted", 3, Decimal("0.75")), ("won", 1, Decimal("0.3333"))]
    assert fun["overall"] == Decimal("0.1667")


def test_signed_contracts_become_sales_and_leave_when_no_longer_signed(app, users, ctx):
    from app.contracts.models import Contract
    from app.customers.models import Customer
    from app.reports.services import sync_contract_sales

    customer = Customer(name="Contract Buyer", country="GB", owner_id=users["rep1"])
    db.session.add(customer)
    db.session.flush()
    signed = Contract(number="SC-2025-0001", customer_id=customer.id, owner_id=users["rep1"], status="signed",
                      currency="USD", exchange_rate=Decimal("7.1"), total_amount=Decimal("1000.00"),
                      signed_on=date(2025, 3, 31))
    draft = Contract(number="SC-2025-0002", customer_id=customer.id, owner_id=users["rep1"], status="draft",
                     currency="USD", exchange_rate=None, total_amount=Decimal("50.00"))
    db.session.add_all([signed, draft])
    db.session.commit()
    assert sync_contract_sales() == 1
    assert sync_contract_sales() == 0
    record = db.session.scalar(sa.select(SalesRecord))
    assert (record.source, record.contract_id, record.base_amount, record.country, record.customer_name) == (
        "contract", signed.id, Decimal("7100.00"), "GB", "Contract Buyer")
    assert db.session.scalar(sa.select(sa.func.sum(SalesMonthly.deal_count))) == 1
    signed.status = "amended"
    signed.total_amount = Decimal("1200.00")
    db.session.commit()
    assert sync_contract_sales() == 1
    assert db.session.scalar(sa.select(SalesRecord.base_amount)) == Decimal("8520.00")
    db.session.delete(signed)
    db.session.commit()
    sync_contract_sales()
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(SalesRecord.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(SalesMonthly.id))) == 0


# ---------------------------------------------------------------- monthly sales report

def _report_for(app, login, username, period="2025-03"):
    client = login(username)
    response = client.post("/reports/monthly/start", data={"period": period})
    assert response.status_code == 303, response.get_data(as_text=True)
    return client, int(re.search(r"/monthly/(\d+)", response.location).group(1))


def test_deadline_is_the_nth_working_day_of_next_month_around_holidays(ctx):
    from app.core.settings import set_setting
    from app.reports.monthly import deadline_for

    assert deadline_for(2025, 9) == date(2025, 10, 14)  # National Day week, then Saturday 11 Oct is worked (调休)
    assert deadline_for(2026, 1) == date(2026, 2, 6)
    assert deadline_for(2025, 3) == date(2025, 4, 8)  # Qingming on Friday 4 April
    set_setting("report_deadline_working_day", 3)
    assert deadline_for(2025, 9) == date(2025, 10, 11)


def test_monthly_report_workflow_submit_correct_resubmit_approve(app, login_as, users):
    with app.app_context():
        seed_sales(users)
    rep, report_id = _report_for(app, login_as, "rep1")
    page = rep.get(f"/reports/monthly/{report_id}").get_data(as_text=True)
    assert "Zeta LLC" in page  # live figures of March
    with app.app_context():
        version = db.session.get(MonthlyReport, report_id).version_id
        assert db.session.get(MonthlyReport, report_id).deadline_on == date(2025, 4, 8)
    # submitting with no analysis is refused and keeps what was typed
    response = rep.post(f"/reports/monthly/{report_id}", data={"version_id": version, "analysis": "",
                                                               "suggestions": "Keep calling", "action": "submit"})
    assert response.status_code == 422
    assert "Keep calling" in response.get_data(as_text=True)
    response = rep.post(f"/reports/monthly/{report_id}", data={"version_id": version, "analysis": "US grew",
                                                               "suggestions": "Visit Germany", "action": "submit"})
    assert response.status_code == 303
    with app.app_context():
        report = db.session.get(MonthlyReport, report_id)
        assert report.status == "submitted" and report.figures["total"] == "300.00"
        assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == users["manager"])) == 1
        version = report.version_id
    # a rep cannot review, another rep cannot even see it
    assert rep.post(f"/reports/monthly/{report_id}/review", data={"decision": "approve"}).status_code == 403
    assert login_as("rep2").get(f"/reports/monthly/{report_id}").status_code == 404
    manager = login_as("manager")
    response = manager.post(f"/reports/monthly/{report_id}/review",
                            data={"version_id": version, "decision": "correct", "comment": ""})
    assert response.status_code == 422
    response = manager.post(f"/reports/monthly/{report_id}/review",
                            data={"version_id": version, "decision": "correct", "comment": "Check the German figures"})
    assert response.status_code == 303
    with app.app_context():
        report = db.session.get(MonthlyReport, report_id)
        assert (report.status, report.correction_requested) == ("correction_requested", True)
        note = db.session.scalar(sa.select(Notification).where(Notification.user_id == users["rep1"]))
        assert note.params["comment"] == "Check the German figures"
        version = report.version_id
        first = report.first_submitted_at
    rep.post(f"/reports/monthly/{report_id}", data={"version_id": version, "analysis": "US grew; DE fixed",
                                                    "suggestions": "Visit Germany", "action": "submit"})
    with app.app_context():
        report = db.session.get(MonthlyReport, report_id)
        assert report.status == "submitted" and report.first_submitted_at == first
        version = report.version_id
    manager.post(f"/reports/monthly/{report_id}/review", data={"version_id": version, "decision": "approve"})
    with app.app_context():
        report = db.session.get(MonthlyReport, report_id)
        assert report.status == "approved" and report.correction_requested is True
    locked = rep.post(f"/reports/monthly/{report_id}", data={"version_id": report.version_id, "analysis": "x",
                                                             "suggestions": "y", "action": "save"})
    assert locked.status_code == 303
    with app.app_context():
        assert db.session.get(MonthlyReport, report_id).analysis == "US grew; DE fixed"


def test_stale_report_form_is_refused_and_keeps_the_input(app, login_as, users):
    rep, report_id = _report_for(app, login_as, "rep1")
    with app.app_context():
        version = db.session.get(MonthlyReport, report_id).version_id
    rep.post(f"/reports/monthly/{report_id}", data={"version_id": version, "analysis": "first", "suggestions": "",
                                                    "action": "save"})
    stale = rep.post(f"/reports/monthly/{report_id}", data={"version_id": version, "analysis": "second tab",
                                                            "suggestions": "", "action": "save"})
    assert stale.status_code == 409
    assert "second tab" in stale.get_data(as_text=True)


def test_future_months_cannot_be_reported(login_as):
    response = login_as("rep1").post("/reports/monthly/start", data={"period": "2099-01"})
    assert response.status_code == 303 and response.location.endswith("/reports/monthly")


def test_monthly_report_word_document_is_bilingual_and_escaped(app, login_as, users):
    from docx import Document

    with app.app_context():
        seed_sales(users)
        add_sale(users["rep1"], date(2025, 3, 20), "50.00", customer="A & B <Ltd>")
        refresh_monthly([date(2025, 3, 1)])
        db.session.commit()
    rep, report_id = _report_for(app, login_as, "rep1")
    with app.app_context():
        version = db.session.get(MonthlyReport, report_id).version_id
    rep.post(f"/reports/monthly/{report_id}", data={"version_id": version, "analysis": "Line one & <two>\n第二行",
                                                    "suggestions": "多拜访客户", "action": "save"})
    response = login_as("manager").get(f"/reports/monthly/{report_id}.docx")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "MONTHLY SALES ANALYSIS REPORT" in text and "销售分析报告" in text
    assert "Line one & <two>" in text and "第二行" in text and "多拜访客户" in text
    assert "A & B <Ltd>" in cells and "Zhang Wei" in cells and "2025-03" in cells
    assert "Sales this month / 本月销售额" in cells and "350.00" in cells
    assert "United States / 美国" in cells
    assert login_as("rep2").get(f"/reports/monthly/{report_id}.docx").status_code == 404


def test_document_template_declares_exactly_the_registered_variables(app):
    from app.core import documents
    from app.reports.document import TEMPLATE_NAME, VARIABLES

    with app.app_context():
        assert documents.undeclared_variables(documents.template_path(TEMPLATE_NAME)) == VARIABLES
        assert documents.REQUIRED[TEMPLATE_NAME] == VARIABLES


def test_home_panels_show_metrics_and_reports_to_review(app, login_as, users):
    rep = login_as("rep1")
    assert "panel-reports_my_month" in rep.get("/").get_data(as_text=True)
    body = rep.get("/reports/panels/my-month").get_data(as_text=True)
    assert "新增有效客户" in body
    assert rep.get("/reports/panels/team").status_code == 403
    manager = login_as("manager")
    assert "panel-reports_team" in manager.get("/").get_data(as_text=True)
    assert "没有待审阅" in manager.get("/reports/panels/team").get_data(as_text=True)
    with app.app_context():
        db.session.add(MonthlyReport(owner_id=users["rep2"], year=2025, month=3, status="submitted",
                                     deadline_on=date(2025, 4, 8), submitted_at=datetime(2025, 4, 2)))
        db.session.commit()
    assert "Li Na" in manager.get("/reports/panels/team").get_data(as_text=True)


def test_seeder_is_idempotent_and_creates_history_and_reports(app, users):
    from app.core.cli import seed_users
    from app.reports.seed import seed_reports

    with app.app_context():
        accounts = seed_users("demo")
        seed_reports(accounts)
        db.session.commit()
        count = db.session.scalar(sa.select(sa.func.count(SalesRecord.id)))
        reports = db.session.scalar(sa.select(sa.func.count(MonthlyReport.id)))
        seed_reports(accounts)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(SalesRecord.id))) == count
        assert db.session.scalar(sa.select(sa.func.count(MonthlyReport.id))) == reports
        assert 2000 < count < 8000
        currencies = set(db.session.scalars(sa.select(SalesRecord.currency).distinct()))
        assert {"USD", "EUR"} <= currencies
        statuses = set(db.session.scalars(sa.select(MonthlyReport.status)))
        assert {"approved", "submitted", "correction_requested", "draft"} <= statuses
        summed = db.session.scalar(sa.select(sa.func.sum(SalesMonthly.deal_count)))
        assert summed == count
