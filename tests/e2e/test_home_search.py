"""Search from the header as you type, then open the result with the keyboard."""
from app.extensions import db


def test_search_from_the_header_and_open_the_result(app, page, login, users):
    from app.customers.models import Contact, Customer

    with app.app_context():
        customer = Customer(name="Hanoi Lighting Trading Co., Ltd.", local_name="河内照明贸易有限公司", country="VN",
                            owner_id=users["rep1"])
        customer.contacts.append(Contact(name="Nguyen Van An", email="an.nguyen@hanoilighting.vn"))
        db.session.add(customer)
        db.session.commit()
        customer_id = customer.id
    login("rep1")
    page.fill("#global-search", "越南")
    page.wait_for_selector("#search-dropdown a")
    assert "Hanoi Lighting" in page.text_content("#search-dropdown")
    page.fill("#global-search", "an.nguyen@hanoi")
    page.wait_for_selector("#search-dropdown a:has-text('Nguyen Van An')")
    page.press("#global-search", "ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/customers/{customer_id}")
    assert "Hanoi Lighting" in page.content()
