"""The job description's second case in a browser: a customer disputes a clause of a signed contract,
the rep records the dispute and amends it, finance and legal approve again, and the new version is signed."""
import re
from datetime import date, timedelta
from decimal import Decimal

from app.extensions import db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _customer(app, users) -> int:
    from app.core.models import ExchangeRate
    from app.customers.models import Contact, Customer

    with app.app_context():
        customer = Customer(name="Saigon Home Appliances JSC", local_name="Công ty CP Gia dụng Sài Gòn", country="VN",
                            city="Ho Chi Minh City", address="12 Nguyen Hue, District 1", owner_id=users["rep1"],
                            stage="valid")
        customer.contacts.append(Contact(name="Nguyen Thi Lan", email="lan.nguyen@saigonhome.vn",
                                         phone="+84 28 3822 5566", is_primary=True))
        db.session.add_all([customer, ExchangeRate(currency="USD", base_currency="CNY", rate=Decimal("7.1200"),
                                                   effective_on=date(2020, 1, 1))])
        db.session.commit()
        return customer.id


def _as(page, login, username):
    page.context.clear_cookies()
    login(username)


def _approve_and_pass(page, login, contract_url):
    _as(page, login, "finance")
    page.goto("/contracts/payment-terms")
    page.click("button[name=decision][value=approve]")
    page.wait_for_selector(".flash-success")
    _as(page, login, "legal")
    page.goto("/")
    page.wait_for_selector("#panel-contract_reviews a")
    page.click("#panel-contract_reviews a")
    page.wait_for_url("**/review")
    page.click("button[name=decision][value=pass]")
    page.wait_for_url(contract_url)
    assert page.locator(".flash-success").count() == 1


def _send_and_sign(page, login, contract_url):
    _as(page, login, "rep1")
    page.goto(contract_url)
    page.click("form[action$='/send'] button")
    page.wait_for_selector(".flash-success")
    page.click("a[href$='/sign']")
    page.set_input_files("input[name=scan]", files=[{"name": "countersigned.pdf", "mimeType": "application/pdf",
                                                     "buffer": PDF}])
    page.click("form button[type=submit]")
    page.wait_for_url(contract_url)


def test_customer_disputes_the_payment_clause_and_the_amended_contract_is_signed(app, page, login, users):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda dialog: dialog.accept())
    customer_id = _customer(app, users)
    shipment = (date.today() + timedelta(days=60)).isoformat()

    login("rep1")
    page.goto(f"/contracts/new?customer_id={customer_id}")
    assert page.input_value("input[name=buyer_name]") == "Saigon Home Appliances JSC"
    page.select_option("select[name=incoterm]", "CIF")
    page.fill("input[name=named_place]", "Ho Chi Minh City")
    page.fill("input[name=port_of_loading]", "Ningbo, China")
    page.fill("input[name=port_of_destination]", "Cat Lai, Ho Chi Minh City")
    page.fill("input[name=latest_shipment_on]", shipment)
    page.select_option("select[name=insurance_coverage]", "ICC_A")
    page.fill("input[name=insurance_percent]", "110")
    page.check("input[name=documents_required][value=insurance]")
    page.fill("input[name='lines-0-hs_code']", "8516.79.00")
    page.fill("textarea[name='lines-0-description_en']", "Electric kettle 1.7 L, stainless steel")
    page.fill("textarea[name='lines-0-description_zh']", "1.7升不锈钢电热水壶")
    page.fill("input[name='lines-0-quantity']", "6000")
    page.fill("input[name='lines-0-unit']", "pcs")
    page.fill("input[name='lines-0-unit_price_amount']", "8.40")
    page.click("form.contracts-form button.primary")
    page.wait_for_url(re.compile(r".*/contracts/\d+$"))
    contract_url = page.url
    assert "美元伍万零肆佰元整" in page.content()
    assert "SAY US DOLLARS FIFTY THOUSAND FOUR HUNDRED ONLY" in page.content()
    page.click("form[action$='/submit'] button")
    page.wait_for_selector(".flash-success")

    _approve_and_pass(page, login, contract_url)
    _send_and_sign(page, login, contract_url)
    assert "已签署" in page.text_content("h1")

    # The buyer disputes the payment clause: the rep records it and amends the contract.
    page.click("a[href*='kind=customer_dispute']")
    page.select_option("select[name=clause]", "payment")
    page.fill("textarea[name=reason]", "buyer asks for a 20 % deposit instead of 30 %")
    page.click("form button.primary")
    page.wait_for_url("**/edit")
    page.fill("input[name=deposit_percent]", "20")
    page.click("form.contracts-form button.primary")
    page.wait_for_url(contract_url)
    assert "变更中" in page.text_content("h1")
    assert page.locator("form[action$='/send']").count() == 0  # no sending before the new review
    page.click("form[action$='/submit'] button")
    page.wait_for_selector(".flash-success")

    _approve_and_pass(page, login, contract_url)
    _send_and_sign(page, login, contract_url)
    assert "已签署" in page.text_content("h1")

    page.goto(contract_url + "/changes")
    log = page.text_content("main")
    assert "客户异议" in log and "buyer asks for a 20 % deposit instead of 30 %" in log
    row = page.locator("tr", has_text="定金比例")
    assert row.locator(".contracts-old").text_content() == "30" and row.locator(".contracts-new").text_content() == "20"
    for version in (1, 2):
        with page.expect_download() as download:
            page.click(f"a[href*='/versions/{version}/'][href$='.docx']")
        assert download.value.suggested_filename.endswith(f"-v{version}.docx")
    assert not errors, errors
