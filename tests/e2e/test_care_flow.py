"""Customer care in a real browser: log a call, send a survey, answer it on a phone, close a complaint."""
from datetime import date, timedelta

from app.extensions import db


def _customer(app, users):
    from app.customers.models import Contact, Customer

    with app.app_context():
        customer = Customer(name="Hamburg Haus & Garten <GmbH>", country="DE", owner_id=users["rep1"])
        customer.contacts = [Contact(name="Jonas Weber", email="jonas@hhg.de")]
        db.session.add(customer)
        db.session.commit()
        customer_id = customer.id
        db.session.remove()
    return customer_id


def test_rep_logs_a_call_sends_a_survey_and_closes_a_complaint(app, page, login, browser, users):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    customer_id = _customer(app, users)
    login("rep1")

    page.goto(f"/care/customers/{customer_id}")
    assert "Hamburg Haus & Garten <GmbH>" in page.text_content("h1")
    page.select_option("#care-quick-add select[name=kind]", "call")
    page.fill("#care-quick-add textarea[name=summary]", "Called Jonas about the spring order; he wants 2 × 40HQ.")
    follow_up = (date.today() + timedelta(days=3)).isoformat()
    page.fill("#care-quick-add input[name=next_follow_up_on]", follow_up)
    page.click("#care-quick-add button[type=submit]")
    page.wait_for_selector("#care-timeline >> text=Called Jonas about the spring order")
    assert page.input_value("#care-quick-add textarea[name=summary]") == ""

    page.click("#care-customer-surveys button[type=submit]")
    page.wait_for_selector("input.care-link")
    link = page.input_value("input.care-link")
    assert "/care/survey/" in link and "尊敬的 Jonas Weber" in page.input_value("textarea.care-mail >> nth=1")

    phone = browser.new_context(viewport={"width": 375, "height": 667}, locale="en-US", is_mobile=True,
                                has_touch=True)
    customer_page = phone.new_page()
    customer_page.set_default_timeout(10_000)
    customer_page.goto(link)
    assert customer_page.text_content("h1") == "How satisfied are you with us?"
    assert customer_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    customer_page.click("label.care-score:has(input[name=overall][value='4'])")
    customer_page.click("label.care-score:has(input[name=delivery][value='5'])")
    customer_page.fill("textarea[name=comments]", "Quick answers, thank you.")
    customer_page.click("button[type=submit]")
    customer_page.wait_for_selector("text=Thank you!")
    customer_page.goto(link)
    assert customer_page.text_content("h1") == "This survey link is not valid"
    phone.close()

    page.goto("/care/surveys")
    assert "已回复" in page.text_content("#care-rows")
    page.goto("/care/surveys/results")
    assert page.text_content("#care-csat") == "100.0%"

    page.goto(f"/care/customers/{customer_id}/complaints/new")
    page.select_option("select[name=category]", "delivery")
    page.fill("input[name=subject]", "Cartons crushed on arrival")
    page.fill("textarea[name=description]", "12 cartons crushed; photos follow.")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#care-complaint")
    page.click("#care-complaint button:has-text('开始处理')")
    page.wait_for_selector("#care-complaint .care-status-in_progress")
    page.click("button[name=locale][value=en]")
    page.wait_for_selector("text=Mark resolved")
    page.fill("textarea[name=resolution]", "Replacement cartons sent with the next shipment.")
    page.click("button:has-text('Mark resolved')")
    page.wait_for_selector("#care-complaint .care-status-resolved")
    page.click("button:has-text('Close (customer confirmed)')")
    page.wait_for_selector("#care-complaint .care-status-closed")
    assert "Replacement cartons sent" in page.text_content("#care-resolution")
    assert "In progress → Resolved" in page.text_content("#care-complaint")
    assert not errors, errors
