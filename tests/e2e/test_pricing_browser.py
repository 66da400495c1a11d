"""The pricing helper inside the quotation form, in a real browser: price a line, use the price, save, send."""
import re
from datetime import timedelta
from decimal import Decimal

from app.core.calendar import company_today
from app.core.models import ExchangeRate
from app.extensions import db


def _setup(app, users):
    from app.customers.models import Contact, Customer
    from app.pricing.models import Product

    with app.app_context():
        start = company_today() - timedelta(days=30)
        db.session.add(ExchangeRate(currency="EUR", base_currency="CNY", rate=Decimal("7.80"), effective_on=start))
        db.session.add(Product(sku="AF-45", name_en="Digital air fryer 4.5 L", name_zh="数显空气炸锅",
                               hs_code="8516.60.00", unit="pcs", unit_cost_amount=Decimal("138.00")))
        customer = Customer(name="Küchen & Co <GmbH>", country="DE", owner_id=users["rep1"])
        customer.contacts.append(Contact(name="Anna Weber", email="anna@kuechen.example"))
        db.session.add(customer)
        db.session.commit()
        ids = customer.id
        db.session.remove()
    return ids


def test_rep_prices_a_line_with_the_helper_and_sends_the_quotation(app, users, page, login):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    customer_id = _setup(app, users)
    login("rep1")
    page.goto("/quotations/new")
    page.select_option("select[name=customer_id]", str(customer_id))
    page.locator("#contact_id option").nth(1).wait_for(state="attached")
    page.select_option("select[name=currency]", "EUR")
    page.fill("input[name=named_place]", "Shanghai")
    page.select_option("select[name='lines-0-product_id']", label="AF-45 · Digital air fryer 4.5 L / 数显空气炸锅")
    page.fill("input[name='lines-0-quantity']", "1000")
    page.click("#line-0 .pricing-helper-button")
    page.wait_for_selector("#price-ladder")
    ladder = page.text_content("#price-ladder")
    # FOB at the default 20 % margin: 138 / 0.8 = 172.5 CNY / 7.80 = 22.115… → €22.12
    assert "22.12" in ladder and "FOB" in ladder
    assert "138.00" not in page.text_content("#helper-panel")  # a rep never sees the cost
    page.fill("#h-margin", "25")
    page.dispatch_event("#h-margin", "change")
    page.locator("#price-ladder", has_text="23.59").wait_for()
    page.click("#price-ladder tr.pricing-chosen button[data-fill]")
    assert page.input_value("input[name='lines-0-unit_price']") == "23.59"
    page.click("button[name=save]")
    page.wait_for_url(re.compile(r".*/quotations/\d+$"))
    assert "QT-" in page.text_content("h1")
    assert "€23,590.00" in page.text_content("#quotation-lines") or "€23,590.00" in page.content()
    page.click("#quotation-actions button.primary")
    page.wait_for_selector(".flash-success")
    assert "已发送" in page.text_content("h1")
    assert not errors, errors
