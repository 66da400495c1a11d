"""Finance records a receipt on a signed contract in a browser: a receipt in the wrong currency is refused with
the typed values kept, the corrected one is allocated to the deposit, and the rep sees paid and outstanding."""
from datetime import date
from decimal import Decimal

from app.extensions import db
from tests.contracts_support import create, sign, to_sent


def _signed_contract(app, users, login_as) -> int:
    from app.core.models import ExchangeRate
    from app.customers.models import Contact, Customer

    with app.app_context():
        customer = Customer(name="Saigon Home Appliances JSC", country="VN", city="Ho Chi Minh City",
                            address="12 Nguyen Hue, District 1", owner_id=users["rep1"], stage="valid")
        customer.contacts.append(Contact(name="Nguyen Thi Lan", email="lan@saigonhome.vn", phone="+84 28 3822 5566",
                                         is_primary=True))
        db.session.add_all([customer, ExchangeRate(currency="USD", base_currency="CNY", rate=Decimal("7.1000"),
                                                   effective_on=date(2020, 1, 1))])
        db.session.commit()
        customer_id = customer.id
        db.session.remove()
    rep = login_as("rep1")
    cid = create(rep, customer_id)
    to_sent(login_as, cid)
    assert sign(rep, cid).status_code == 303
    return cid


def test_finance_records_a_receipt_and_the_rep_sees_what_is_outstanding(app, page, login, users, login_as):
    cid = _signed_contract(app, users, login_as)

    login("finance")
    page.goto("/contracts/receivables")
    page.click(f"#receivable-rows a[href$='/contracts/{cid}/payments']")
    page.wait_for_url(f"**/contracts/{cid}/payments")
    assert "回款计划" in page.content() and "定金" in page.content()

    page.fill("input[name=amount]", "10000")
    page.select_option("select[name=currency]", "EUR")
    page.fill("input[name=bank_reference]", "BOC-TT-0001")
    page.fill("textarea[name=note]", "First part of the deposit")
    page.click(".contracts-receipt-form button[type=submit]")
    page.wait_for_selector(".contracts-receipt-form .error")
    assert "本合同以 USD 结算" in page.inner_text(".contracts-receipt-form")
    assert page.input_value("input[name=bank_reference]") == "BOC-TT-0001"

    page.select_option("select[name=currency]", "USD")
    page.click(".contracts-receipt-form button[type=submit]")
    page.wait_for_selector(".flash-success")
    receipts = page.inner_text(".contracts-receipts")
    assert "BOC-TT-0001" in receipts and "10,000.00" in receipts
    assert "部分收款" in page.inner_text(".contracts-schedule")

    page.context.clear_cookies()
    login("rep1")
    page.goto(f"/contracts/{cid}")
    card = page.inner_text(".contracts-payments")
    assert "65,873.16" in card  # outstanding: 75,873.16 − 10,000
    page.goto(f"/contracts/{cid}/payments")
    assert page.locator(".contracts-receipt-form").count() == 0
