"""Coordination in a real browser: hold a meeting, add action items, mark one done inline; a request's life."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.extensions import db


def _today():
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _departments(app) -> dict:
    from app.auth.models import Department

    with app.app_context():
        return {d.code: d.id for d in db.session.scalars(sa.select(Department))}


def test_hold_a_meeting_add_two_action_items_and_mark_one_done_inline(app, page, login, users):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    depts = _departments(app)
    login("rep1")
    page.goto("/coordination/meetings/new")
    page.fill("input[name=title]", "Hamburg order kick-off 汉堡订单启动会")
    page.check(f"input[name=department_ids][value='{depts['logistics']}']")
    page.check(f"input[name=department_ids][value='{depts['product']}']")
    page.select_option("select[name=attendee_ids]", [str(users["rep1"]), str(users["rep2"])])
    page.fill("textarea[name=minutes]", "Logistics confirms space on next week's sailing.")
    page.click("form.form-grid button[type=submit]")
    page.wait_for_selector("#action-items")
    assert "Hamburg order kick-off" in page.text_content("h1")

    due = (_today() + timedelta(days=3)).isoformat()
    for title, owner in (("Book 1×40'HQ Ningbo → Hamburg", users["rep2"]), ("Send CE certificate copies", users["rep1"])):
        page.fill("#action-items input[name=title]", title)
        page.select_option("#action-items select[name=owner_id]", str(owner))
        page.fill("#action-items input[name=due_on]", due)
        page.click("#action-items .coord-add-item button[type=submit]")
        page.wait_for_selector(f"#action-items td:has-text(\"{title}\")")
    rows = page.locator("#action-items table.coord-items tbody tr")
    assert rows.count() == 2
    assert page.url.endswith(tuple(str(i) for i in range(10)))  # still on the meeting page: htmx swapped the list

    first = rows.nth(0)
    row_id = first.get_attribute("id")
    first.locator("button:has-text('标记完成')").click()
    page.wait_for_selector(f"#{row_id} .status-ok")
    assert "完成" in page.text_content(f"#{row_id}")
    assert page.locator(f"#{row_id} button:has-text('重新打开')").count() == 1
    assert page.locator("#action-items table.coord-items tbody tr").nth(1).locator(
        "button:has-text('标记完成')").count() == 1

    from app.coordination.models import ActionItem

    with app.app_context():
        states = sorted(i.status for i in db.session.scalars(sa.select(ActionItem)))
    assert states == ["done", "open"]
    assert not errors, errors


def test_rep_asks_logistics_who_accepts_and_fulfils_from_the_queue(app, page, login, users, make_user):
    depts = _departments(app)
    make_user("liu", roles=(), full_name="Liu Yang 刘洋", department_id=depts["logistics"])
    login("rep1")
    page.goto("/coordination/requests/new")
    page.select_option("select[name=department_id]", str(depts["logistics"]))
    page.select_option("select[name=kind]", "shipping_booking")
    page.fill("input[name=title]", "Book 2×20'GP to Jebel Ali")
    page.fill("input[name=needed_by_on]", _today().isoformat())
    page.click("form.form-grid button[type=submit]")
    page.wait_for_selector("#request-status")
    assert "已申请" in page.text_content("#request-status")

    page.context.clear_cookies()
    login("liu")
    page.goto("/coordination/queue")
    assert "Jebel Ali" in page.text_content("#queue-rows")
    page.click("#queue-rows button:has-text('受理')")
    page.wait_for_selector(".flash-success")
    page.click("#queue-rows button:has-text('标记已完成')")
    page.wait_for_selector(".flash-success")
    page.select_option("select[name=status]", "fulfilled")
    page.wait_for_selector("#queue-rows td:has-text('Jebel Ali')")
    assert "已完成" in page.text_content("#queue-rows")
