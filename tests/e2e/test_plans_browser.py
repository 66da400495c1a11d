"""D2 in a real browser: the manager edits the target grid inline; a rep's plan goes through approval."""
import re


def _errors(page):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "status of 422" not in m.text
            else None)  # the browser logs the 422 of a refused value, which htmx shows as intended
    return errors


def _edit_cell(page, rep_id: int, slot: str, value: str):
    page.click(f"#target-row-{rep_id} td[data-slot={slot}] a.plans-cell-link")
    field = page.locator(f"#target-row-{rep_id} input[name=value]")
    field.wait_for()
    field.fill(value)
    field.press("Enter")


def test_manager_edits_the_target_grid_inline(page, login, users):
    errors = _errors(page)
    login("manager")
    page.goto("/plans/targets?year=2026")
    rep = users["rep1"]
    for slot, value in [("m1", "300,000"), ("m2", "250000"), ("m3", "450000")]:
        _edit_cell(page, rep, slot, value)
        page.wait_for_selector(f"#target-row-{rep} td[data-slot={slot}] a.plans-cell-link")
    q1 = page.locator(f"#target-row-{rep} td[data-slot=q1]")
    assert "1,000,000" in q1.inner_text() and "Σ" in q1.inner_text()
    assert "1,000,000" in page.locator("#targets-foot").inner_text()  # the team row followed, out of band

    _edit_cell(page, rep, "q1", "-5")
    page.wait_for_selector(f"#target-row-{rep} .error")
    assert "目标不能为负数" in page.locator(f"#target-row-{rep} .error").inner_text()
    field = page.locator(f"#target-row-{rep} input[name=value]")
    assert field.input_value() == "-5"
    field.fill("1200000")
    field.press("Enter")
    page.wait_for_selector(f"#target-row-{rep} td[data-slot=q1].plans-overridden")
    q1 = page.locator(f"#target-row-{rep} td[data-slot=q1]")
    assert "1,200,000" in q1.inner_text() and "单独设定" in q1.inner_text()
    assert "1,200,000" in page.locator(f"#target-row-{rep} td[data-slot=year]").inner_text()

    page.reload()
    assert "1,200,000" in page.locator(f"#target-row-{rep} td[data-slot=q1]").inner_text()
    page.goto("/plans/targets/history?year=2026")
    assert page.locator("tbody tr").count() >= 5
    assert not errors, errors


def test_rep_submits_a_quarterly_plan_and_the_manager_approves_it(page, login, browser, live_server, users):
    errors = _errors(page)
    login("rep1")
    page.goto("/plans/new?kind=quarterly")
    page.select_option("select[name=kind]", "quarterly")
    page.fill("input[name=year]", "2026")
    page.select_option("select[name=quarter]", "4")
    page.fill("textarea[name=strategy]", "主攻越南、泰国代理渠道 & <重点> 推广 LED 灯具")
    page.select_option("select[name=markets]", ["VN", "TH"])
    page.click("form.card button[type=submit]")
    page.wait_for_selector(".flash-success")
    plan_url = page.url
    assert re.search(r"/plans/\d+$", plan_url)
    page.fill("input[name=title]", "拜访胡志明市代理商")
    page.fill("input[name=due_on]", "2026-11-20")
    page.click("form.plans-task-form button[type=submit]")
    page.wait_for_selector("text=拜访胡志明市代理商")
    page.click("text=提交审批")
    page.wait_for_selector(".plans-status-submitted")

    manager_context = browser.new_context(base_url=live_server, locale="zh-CN")
    manager = manager_context.new_page()
    manager.goto("/auth/login")
    manager.fill("input[name=username]", "manager")
    manager.fill("input[name=password]", "demo")
    manager.click("button[type=submit]")
    manager.wait_for_url("**/")
    manager.wait_for_selector("#panel-plans_awaiting_approval a")
    manager.click("#panel-plans_awaiting_approval a")
    manager.wait_for_selector("#review")
    assert "主攻越南、泰国代理渠道 & <重点> 推广 LED 灯具" in manager.inner_text(".plans-text")
    manager.click("#review button.primary")
    manager.wait_for_selector(".plans-status-approved")
    manager_context.close()

    page.goto(plan_url)
    assert page.locator(".plans-status-approved").count() == 1
    assert page.locator("text=调整计划").count() == 1
    assert not errors, errors
