"""The page shell in a real browser: login, language switch, htmx with CSRF, no script errors."""
from playwright.sync_api import expect


def test_manager_logs_in_and_switches_language(page, login):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login("manager")
    assert page.locator("text=退出登录").count() == 1 or page.locator("summary").count() == 1
    page.click("button[name=locale][value=en]")
    page.wait_for_load_state()
    assert "Good day" in page.content()
    page.click("button[name=locale][value=zh_CN]")
    page.wait_for_load_state()
    assert "您好" in page.content()
    assert not errors, errors


def test_htmx_request_carries_csrf_and_swaps(page, login):
    login("admin")
    page.goto("/admin/calendar")
    page.fill("#check-day", "2026-10-10")
    page.dispatch_event("#check-day", "change")
    expect(page.locator("#day-check")).to_have_text("工作日")  # polls without eval (the CSP forbids it)
    page.fill("input[name=day]", "2027-02-06")
    page.select_option("select[name=is_working]", "1")
    page.click("form.form-grid button[type=submit]")
    page.wait_for_selector(".flash-success")
    assert "2027" in page.content()
