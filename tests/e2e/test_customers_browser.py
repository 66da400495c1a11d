"""Customers in a real browser: import a GBK CSV from Chinese Excel, then find the customers in the list."""
from playwright.sync_api import expect

CSV = ("公司名称,国家,城市,联系人,邮箱,电话\r\n"
       "河内照明贸易有限公司,越南,河内,陈文德,duc@hanoilighting.vn,+84 24 3933 1122\r\n"
       "Bangkok Kitchen Mart Co.; Ltd.,泰国,曼谷,Somchai,somchai@bkkkitchenmart.co.th,\r\n"
       "火星贸易公司,火星,,,,\r\n")


def test_rep_imports_a_gbk_csv_and_finds_the_customers(page, login, tmp_path):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    path = tmp_path / "潜在客户.csv"
    path.write_bytes(CSV.encode("gbk"))
    login("rep1")
    page.goto("/customers/")
    page.click("a[href='/customers/import']")
    page.set_input_files("input[name=file]", str(path))
    page.click("form button[type=submit]")
    page.wait_for_url("**/mapping")
    assert page.input_value("select[name=map_name]") == "公司名称"
    assert page.input_value("select[name=map_country]") == "国家"
    assert page.input_value("select[name=map_contact_email]") == "邮箱"
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/preview")
    assert "火星" in page.text_content(".customers-problems")
    page.click("form[action$='/run'] button[type=submit]")
    page.wait_for_url("**/import/*")
    assert page.locator(".customers-problems tbody tr").count() == 1
    assert page.get_attribute("a[href$='rejected.xlsx']", "href")

    page.goto("/customers/")
    page.fill("#f-q", "河内照明")
    expect(page.locator("#customer-rows tbody tr")).to_have_count(1)
    assert "河内照明贸易有限公司" in page.text_content("#customer-rows")
    assert "Bangkok" not in page.text_content("#customer-rows")
    assert "q=" in page.url, "the filter is pushed into the address bar"
    page.click("#customer-rows a:has-text('河内照明贸易有限公司')")
    page.wait_for_selector("#contacts")
    assert "duc@hanoilighting.vn" in page.text_content("#contacts")
    assert not errors, errors


def test_rep_qualifies_a_lead_after_recording_a_need(page, login, app, users):
    from app.customers.models import Contact, Customer
    from app.extensions import db

    with app.app_context():
        c = Customer(name="Siam LED Solutions Co., Ltd.", country="TH", owner_id=users["rep1"])
        c.contacts.append(Contact(name="Kanya", email="kanya@siamled.co.th", is_primary=True))
        db.session.add(c)
        db.session.commit()
        cid = c.id
    login("rep1")
    page.goto(f"/customers/{cid}")
    page.click("#stage button[value=valid]")
    page.wait_for_selector("#stage .form-error")
    assert "需求" in page.text_content("#stage .form-error")
    page.click("#needs a.button")
    page.fill("input[name=product_category]", "LED lighting")
    page.fill("input[name=quantity]", "8000")
    page.fill("input[name=target_price_amount]", "8.20")
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"**/customers/{cid}*")
    page.click("#stage button[value=valid]")
    page.wait_for_selector(".customers-stages li.current:has-text('有效客户')")
    with app.app_context():
        assert db.session.get(Customer, cid).valid_at is not None
