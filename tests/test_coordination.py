"""D5 cross-department coordination: meetings, action items, resource requests, metrics 5a/5b, summary."""
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.extensions import db

EN = {"Accept-Language": "en"}


def _today() -> date:
    """The company's today (Asia/Shanghai), which is what the app compares dates with."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


@pytest.fixture
def depts(app, users):
    from app.auth.models import Department

    with app.app_context():
        return {d.code: d.id for d in db.session.scalars(sa.select(Department))}


@pytest.fixture
def logistics(app, depts, make_user):
    """A logistics clerk (no sales role) and the logistics head."""
    from app.auth.models import Department

    clerk = make_user("liu", roles=(), full_name="Liu Yang 刘洋", department_id=depts["logistics"])
    head = make_user("zhou", roles=(), full_name="Zhou Qiang 周强", department_id=depts["logistics"])
    with app.app_context():
        db.session.get(Department, depts["logistics"]).head_id = head
        db.session.commit()
    return {"clerk": clerk, "head": head}


def _meeting(organiser_id, starts=datetime(2026, 3, 2, 1, 30), title="Weekly logistics meeting", **fields):
    from app.coordination.models import Meeting

    meeting = Meeting(title=title, starts_at=starts, organiser_id=organiser_id, **fields)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def _item(meeting, owner_id, due_on, status="open", done_on=None, department_id=None, title="Do it",
          created_at=datetime(2026, 3, 2, 3)):
    from app.coordination.models import ActionItem

    item = ActionItem(meeting_id=meeting.id, owner_id=owner_id, due_on=due_on, status=status, done_on=done_on,
                      department_id=department_id, title=title, created_at=created_at)
    db.session.add(item)
    db.session.flush()
    return item


def _request(requester_id, department_id, needed_by_on, status="requested", fulfilled_on=None, title="Booking",
             created_at=None, kind="shipping_booking"):
    from app.coordination.models import ResourceRequest

    req = ResourceRequest(requester_id=requester_id, department_id=department_id, kind=kind, title=title,
                          needed_by_on=needed_by_on, status=status, fulfilled_on=fulfilled_on,
                          created_at=created_at or datetime(2026, 2, 20, 2))
    db.session.add(req)
    db.session.flush()
    return req


# ---------------------------------------------------------------- metrics


def test_meeting_achievement_counts_items_due_in_the_period_done_by_their_due_date(app, ctx, users, depts):
    from app.coordination.services import meeting_achievement

    rep = users["rep1"]
    m = _meeting(users["manager"])
    _item(m, rep, date(2026, 3, 10), "done", date(2026, 3, 8))    # before: on time
    _item(m, rep, date(2026, 3, 12), "done", date(2026, 3, 12))   # on the day: on time
    _item(m, rep, date(2026, 3, 15), "done", date(2026, 3, 16))   # a day late
    _item(m, rep, date(2026, 3, 20))                               # still open
    _item(m, rep, date(2026, 3, 21), "cancelled")                  # not counted
    _item(m, rep, date(2026, 4, 1), "done", date(2026, 3, 5))     # due next month: not in March
    _item(m, users["rep2"], date(2026, 3, 11), "done", date(2026, 3, 11), department_id=depts["logistics"])

    mine = meeting_achievement(date(2026, 3, 1), date(2026, 3, 31), owner_id=rep)
    assert (mine.achieved, mine.counted) == (2, 4)
    assert mine.value == Decimal("0.5")
    everyone = meeting_achievement(date(2026, 3, 1), date(2026, 3, 31))
    assert (everyone.achieved, everyone.counted) == (3, 5)
    logistics = meeting_achievement(date(2026, 3, 1), date(2026, 3, 31), department_id=depts["logistics"])
    assert logistics.value == 1
    nothing = meeting_achievement(date(2026, 5, 1), date(2026, 5, 31), owner_id=rep)
    assert nothing.counted == 0 and nothing.value is None


def test_resource_timeliness_counts_requests_needed_in_the_period_fulfilled_on_or_before(app, ctx, users, depts):
    from app.coordination.services import resource_timeliness

    rep, lg = users["rep1"], depts["logistics"]
    _request(rep, lg, date(2026, 3, 10), "fulfilled", date(2026, 3, 9))    # early
    _request(rep, lg, date(2026, 3, 12), "fulfilled", date(2026, 3, 12))   # on the day
    _request(rep, lg, date(2026, 3, 14), "fulfilled", date(2026, 3, 17))   # late
    _request(rep, lg, date(2026, 3, 18), "rejected")                       # not fulfilled
    _request(rep, lg, date(2026, 3, 25), "accepted")                       # still open
    _request(rep, lg, date(2026, 4, 2), "fulfilled", date(2026, 3, 30))    # needed in April
    _request(users["rep2"], depts["finance"], date(2026, 3, 5), "fulfilled", date(2026, 3, 5))

    mine = resource_timeliness(date(2026, 3, 1), date(2026, 3, 31), requester_id=rep)
    assert (mine.achieved, mine.counted) == (2, 5)
    assert mine.value == Decimal("0.4")
    logistics = resource_timeliness(date(2026, 3, 1), date(2026, 3, 31), department_id=lg)
    assert (logistics.achieved, logistics.counted) == (2, 5)
    assert resource_timeliness(date(2026, 3, 1), date(2026, 3, 31)).counted == 6
    assert resource_timeliness(date(2026, 6, 1), date(2026, 6, 30), requester_id=rep).value is None


def test_area_home_shows_a_dash_when_nothing_was_due(login_as):
    html = login_as("rep3").get("/coordination/", headers=EN).get_data(as_text=True)
    assert '<div class="value" id="kpi-5a">—</div>' in html
    assert '<div class="value" id="kpi-5b">—</div>' in html
    assert "done by their due date" in html  # the definition is on the page


# ---------------------------------------------------------------- meetings and action items


def test_only_organiser_attendees_item_owners_and_managers_see_a_meeting(app, users, login_as):
    with app.app_context():
        from app.auth.models import User

        m = _meeting(users["rep1"])
        m.attendees = [db.session.get(User, users["rep2"])]
        _item(m, users["legal"], date(2026, 3, 9))
        db.session.commit()
        mid = m.id
    url = f"/coordination/meetings/{mid}"
    for who, code in (("rep1", 200), ("rep2", 200), ("legal", 200), ("manager", 200), ("admin", 200),
                      ("rep3", 404), ("finance", 404)):
        assert login_as(who).get(url).status_code == code, who
    assert mid in [m_id for m_id in _listed_meetings(login_as("rep2"))]
    assert mid not in _listed_meetings(login_as("rep3"))
    assert login_as("rep2").get(url + "/edit").status_code == 403
    assert login_as("rep2").post(url + "/action-items", data={"title": "x"}).status_code == 403


def _listed_meetings(client):
    html = client.get("/coordination/meetings").get_data(as_text=True)
    return [int(x) for x in re.findall(r'/coordination/meetings/(\d+)"', html)]


def test_organiser_records_a_meeting_and_adds_items_with_validation(app, users, depts, login_as):
    rep = login_as("rep1")
    response = rep.post("/coordination/meetings/new", data={
        "title": "Hamburg order kick-off", "starts_at": "2026-03-02T09:30", "duration_minutes": "45",
        "department_ids": [str(depts["sales"]), str(depts["logistics"])],
        "attendee_ids": [str(users["rep1"]), str(users["manager"])], "external_attendees": "Mr. Chen (forwarder)\r\n",
        "agenda": "1. Booking\r\n2. Samples", "minutes": "Agreed to book 1x40HQ.", "decisions": "Book FOB Ningbo"})
    assert response.status_code == 303
    from app.coordination.models import ActionItem, Meeting

    with app.app_context():
        meeting = db.session.scalar(sa.select(Meeting))
        assert meeting.starts_at == datetime(2026, 3, 2, 1, 30)  # 09:30 Shanghai is 01:30 UTC
        assert meeting.agenda == "1. Booking\n2. Samples"
        assert {d.code for d in meeting.departments} == {"sales", "logistics"}
        mid = meeting.id

    missing = rep.post("/coordination/meetings/new", data={"title": "", "starts_at": "", "duration_minutes": "60",
                                                           "agenda": "kept text"}, headers=EN)
    assert missing.status_code == 422
    body = missing.get_data(as_text=True)
    assert "Enter a title." in body and "Choose at least one department." in body and "kept text" in body

    url = f"/coordination/meetings/{mid}/action-items"
    bad = rep.htmx_post(url, data={"title": "Send CE copies", "owner_id": str(users["rep2"]), "department_id": "0",
                                   "due_on": "2026-03-01"}, headers=EN)
    assert bad.status_code == 422
    assert "cannot be before the meeting" in bad.get_data(as_text=True)
    assert 'value="Send CE copies"' in bad.get_data(as_text=True)
    ok = rep.htmx_post(url, data={"title": "Send CE copies", "owner_id": str(users["rep2"]), "department_id": "0",
                                  "due_on": "2026-03-06"})
    assert ok.status_code == 200 and 'id="action-items"' in ok.get_data(as_text=True)
    with app.app_context():
        item = db.session.scalar(sa.select(ActionItem))
        assert (item.title, item.owner_id, item.department_id) == ("Send CE copies", users["rep2"], depts["sales"])


def test_marking_done_inline_and_who_may(app, users, login_as):
    from app.coordination.models import ActionItem

    with app.app_context():
        m = _meeting(users["rep1"])
        item = _item(m, users["rep2"], date(2026, 3, 9))
        db.session.commit()
        iid = item.id
    url = f"/coordination/action-items/{iid}/done"
    assert login_as("rep3").post(url, data={"done_on": "2026-03-08"}).status_code == 404
    future = (_today() + timedelta(days=3)).isoformat()
    owner = login_as("rep2")
    refused = owner.htmx_post(url, data={"done_on": future}, headers=EN)
    assert refused.status_code == 422 and "cannot be in the future" in refused.get_data(as_text=True)
    done = owner.htmx_post(url, data={"done_on": "2026-03-10", "context": "0"}, headers=EN)
    assert done.status_code == 200
    row = done.get_data(as_text=True)
    assert row.lstrip().startswith(f'<tr id="item-{iid}"') and "Late" in row
    with app.app_context():
        item = db.session.get(ActionItem, iid)
        assert (item.status, item.done_on, item.done_by_id) == ("done", date(2026, 3, 10), users["rep2"])
    assert owner.post(f"/coordination/action-items/{iid}/cancel").status_code == 403  # only organiser/manager
    assert owner.post(f"/coordination/action-items/{iid}/reopen").status_code == 303
    with app.app_context():
        assert db.session.get(ActionItem, iid).done_on is None


def test_next_meeting_links_open_items_and_5a_counts_them_once(app, users, login_as):
    from app.coordination.models import ActionItem, Meeting
    from app.coordination.services import meeting_achievement

    with app.app_context():
        first = _meeting(users["rep1"], agenda="Standing agenda")
        _item(first, users["rep1"], date(2026, 3, 4), "done", date(2026, 3, 4), title="Closed")
        carried = _item(first, users["rep2"], date(2026, 3, 12), title="Still open")
        db.session.commit()
        fid, cid = first.id, carried.id
    response = login_as("rep1").post(f"/coordination/meetings/{fid}/next", data={"starts_at": "2026-03-09T09:30"})
    assert response.status_code == 303
    with app.app_context():
        second = db.session.scalar(sa.select(Meeting).where(Meeting.previous_meeting_id == fid))
        assert [i.id for i in second.carried_items] == [cid]
        assert second.agenda == "Standing agenda" and second.action_items == []
        assert db.session.scalar(sa.select(sa.func.count(ActionItem.id))) == 2
        sid = second.id
    page = login_as("rep2").get(f"/coordination/meetings/{sid}", headers=EN).get_data(as_text=True)
    assert "Carried over from earlier meetings" in page and "Still open" in page
    login_as("rep2").post(f"/coordination/action-items/{cid}/done", data={"done_on": "2026-03-11"})
    login_as("rep1").post(f"/coordination/meetings/{sid}/next", data={"starts_at": "2026-03-16T09:30"})
    with app.app_context():
        third = db.session.scalar(sa.select(Meeting).where(Meeting.previous_meeting_id == sid))
        assert third.carried_items == []  # done items are not carried again
        ratio = meeting_achievement(date(2026, 3, 1), date(2026, 3, 31))
        assert (ratio.achieved, ratio.counted) == (2, 2)


def test_stale_meeting_edit_is_refused_and_keeps_the_input(app, users, depts, login_as):
    with app.app_context():
        m = _meeting(users["rep1"])
        db.session.commit()
        mid, version = m.id, m.version_id
    form = {"title": "Mine", "starts_at": "2026-03-02T09:30", "duration_minutes": "60",
            "department_ids": [str(depts["sales"])], "minutes": "my minutes", "version_id": str(version)}
    assert login_as("manager").post(f"/coordination/meetings/{mid}/edit",
                                    data=dict(form, minutes="manager's minutes")).status_code == 303
    stale = login_as("rep1").post(f"/coordination/meetings/{mid}/edit", data=form, headers=EN)
    assert stale.status_code == 409
    body = stale.get_data(as_text=True)
    assert "my minutes" in body and "manager&#39;s minutes" in body


def test_minutes_word_document_is_bilingual_and_escaped(app, users, login_as):
    from docx import Document

    from app.coordination.documents import MINUTES_DOCUMENT, MINUTES_VARIABLES
    from app.core.documents import template_path, undeclared_variables

    with app.app_context():
        assert undeclared_variables(template_path(MINUTES_DOCUMENT)) == MINUTES_VARIABLES
        first = _meeting(users["rep1"], title="Old meeting")
        carried = _item(first, users["rep2"], date(2026, 3, 20), title="Carried <item>")
        m = _meeting(users["rep1"], title="Review with A & B <Ltd>", minutes="Line one\nLine two",
                     starts=datetime(2026, 3, 9, 1, 30), external_attendees="Mr. Müller\nMs. O'Neil")
        m.carried_items = [carried]
        _item(m, users["rep2"], date(2026, 3, 13), "done", date(2026, 3, 12), title="Book 1×40'HQ & insure")
        db.session.commit()
        mid = m.id
    response = login_as("rep1").get(f"/coordination/meetings/{mid}/minutes.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "会议纪要" in text and "Meeting Minutes" in text
    assert "Review with A & B <Ltd>" in cells
    assert "2026-03-09 09:30" in cells and "Mr. Müller; Ms. O'Neil" in cells
    assert "Line one\nLine two" in text
    assert "Book 1×40'HQ & insure" in cells and "Done 已完成" in cells and "2026-03-12" in cells
    assert "Carried <item> (carried over from Old meeting" in cells
    assert login_as("rep3").get(f"/coordination/meetings/{mid}/minutes.docx").status_code == 404


# ---------------------------------------------------------------- resource requests


def test_request_workflow_per_role(app, users, depts, logistics, login_as):
    from app.coordination.models import ResourceRequest
    from app.core.models import AuditLog, Notification

    today = _today()
    rep = login_as("rep1")
    past = rep.post("/coordination/requests/new", headers=EN, data={
        "department_id": str(depts["logistics"]), "kind": "shipping_booking", "title": "Book 1x40HQ to Hamburg",
        "needed_by_on": (today - timedelta(days=1)).isoformat(), "details": "ETD week 12"})
    assert past.status_code == 422
    assert "cannot be in the past" in past.get_data(as_text=True) and "ETD week 12" in past.get_data(as_text=True)
    created = rep.post("/coordination/requests/new", data={
        "department_id": str(depts["logistics"]), "kind": "shipping_booking", "title": "Book 1x40HQ to Hamburg",
        "needed_by_on": today.isoformat(), "details": "ETD week 12"})
    assert created.status_code == 303
    with app.app_context():
        req = db.session.scalar(sa.select(ResourceRequest))
        rid = req.id
        told = set(db.session.scalars(sa.select(Notification.user_id)))
        from app.auth.models import User

        members = set(db.session.scalars(sa.select(User.id).where(User.department_id == depts["logistics"])))
        assert {logistics["clerk"], logistics["head"]} <= told
        assert told == members | {logistics["head"]}
    base = f"/coordination/requests/{rid}"

    assert login_as("rep2").get(base).status_code == 404          # another rep's request
    assert login_as("finance").get(base).status_code == 404       # another department
    assert rep.post(base + "/accept").status_code == 403          # the requester cannot accept for logistics
    clerk = login_as("liu")
    assert clerk.get(base).status_code == 200
    assert clerk.get(base + "/edit").status_code == 403           # only the requester edits
    clerk.post(base + "/fulfil", data={"fulfilled_on": today.isoformat()})  # not accepted yet: refused
    with app.app_context():
        assert db.session.get(ResourceRequest, rid).status == "requested"
    assert clerk.post(base + "/accept", data={"note": "On it"}).status_code == 303
    assert rep.get(base + "/edit").status_code == 403             # accepted: no more edits
    with app.app_context():  # time passes: it was needed three days ago
        db.session.get(ResourceRequest, rid).needed_by_on = today - timedelta(days=3)
        db.session.commit()
    future = clerk.post(base + "/fulfil", data={"fulfilled_on": (today + timedelta(days=1)).isoformat()}, headers=EN)
    assert future.status_code == 422 and "cannot be in the future" in future.get_data(as_text=True)
    assert clerk.post(base + "/fulfil", data={"fulfilled_on": today.isoformat()}).status_code == 303
    with app.app_context():
        req = db.session.get(ResourceRequest, rid)
        assert (req.status, req.fulfilled_on, req.fulfilled_by_id, req.accepted_by_id) == (
            "fulfilled", today, logistics["clerk"], logistics["clerk"])
        assert req.on_time is False
        changes = {(a.field, a.new_value, a.user_id) for a in db.session.scalars(
            sa.select(AuditLog).where(AuditLog.entity == "resource_request", AuditLog.entity_id == rid))}
        assert ("status", "accepted", logistics["clerk"]) in changes
        assert ("status", "fulfilled", logistics["clerk"]) in changes
    assert clerk.post(base + "/reject", data={"reason": "too late"}).status_code == 303  # refused: already fulfilled
    with app.app_context():
        assert db.session.get(ResourceRequest, rid).status == "fulfilled"
    page = rep.get(base, headers=EN).get_data(as_text=True)
    assert "Late" in page and "Liu Yang" in page


def test_reject_needs_a_reason_and_managers_may_act_for_a_department(app, users, depts, login_as):
    from app.coordination.models import ResourceRequest

    with app.app_context():
        rid = _request(users["rep1"], depts["finance"], _today() + timedelta(days=5), kind="credit_approval").id
        db.session.commit()
    base = f"/coordination/requests/{rid}"
    finance = login_as("finance")  # member of the finance department
    empty = finance.post(base + "/reject", data={"reason": " "}, headers=EN)
    assert empty.status_code == 422 and "Say why the request is rejected." in empty.get_data(as_text=True)
    assert login_as("legal").post(base + "/reject", data={"reason": "no"}).status_code == 404
    assert login_as("manager").post(base + "/reject", data={"reason": "Buyer's credit insurance refused"}).status_code == 303
    with app.app_context():
        req = db.session.get(ResourceRequest, rid)
        assert (req.status, req.rejected_by_id, req.response_note) == (
            "rejected", users["manager"], "Buyer's credit insurance refused")


def test_queue_is_for_department_members_and_flags_overdue(app, users, depts, logistics, login_as):
    today = _today()
    with app.app_context():
        _request(users["rep1"], depts["logistics"], today - timedelta(days=2), title="Overdue booking")
        _request(users["rep2"], depts["logistics"], today + timedelta(days=2), "accepted", title="Next booking")
        _request(users["rep2"], depts["product"], today + timedelta(days=2), title="Samples")
        db.session.commit()
    queue = login_as("liu").get("/coordination/queue", headers=EN).get_data(as_text=True)
    assert "Overdue booking" in queue and "Next booking" in queue and "Samples" not in queue
    assert queue.count('class="overdue"') == 1
    assert login_as("rep3").get("/coordination/queue").status_code == 200  # sales department member
    assert login_as("admin").get("/coordination/queue").status_code == 200
    assert login_as("rep3").get(f"/coordination/queue?department={depts['logistics']}", headers=EN) \
        .get_data(as_text=True).count("Overdue booking") == 0
    panel = login_as("zhou").get("/coordination/panels/queue", headers=EN).get_data(as_text=True)
    assert "2 open requests" in panel and "1 overdue" in panel
    mine = login_as("rep1").get("/coordination/panels/requests", headers=EN).get_data(as_text=True)
    assert "Overdue booking" in mine and "Overdue" in mine


def test_flag_overdue_requests_notifies_requester_and_head_once(app, users, depts, logistics, runner):
    from app.core.models import Notification

    today = _today()
    with app.app_context():
        _request(users["rep1"], depts["logistics"], today - timedelta(days=1), title="Late booking")
        _request(users["rep2"], depts["logistics"], today - timedelta(days=1), "fulfilled", today, title="Done")
        _request(users["rep2"], depts["logistics"], today, title="Due today")
        db.session.commit()
    result = runner.invoke(args=["flag-overdue-requests"])
    assert result.exit_code == 0 and "1 overdue" in result.output
    with app.app_context():
        rows = db.session.scalars(sa.select(Notification)).all()
        assert sorted(n.user_id for n in rows) == sorted([users["rep1"], logistics["head"]])
        assert all("Late booking" == n.params["title"] for n in rows)
    again = runner.invoke(args=["flag-overdue-requests"])
    assert "0 overdue" in again.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 2


def test_request_list_shows_own_requests_only_and_does_not_grow_queries(app, users, depts, login_as):
    from sqlalchemy import event

    with app.app_context():
        for n in range(3):
            _request(users["rep1"], depts["logistics"], date(2026, 3, 10 + n), title=f"Mine {n}")
        _request(users["rep2"], depts["logistics"], date(2026, 3, 10), title="Colleague's")
        db.session.commit()
    rep = login_as("rep1")
    html = rep.get("/coordination/requests").get_data(as_text=True)
    assert "Mine 2" in html and "Colleague" not in html

    def count_queries(client):
        statements = []
        listener = lambda *args: statements.append(1)  # noqa: E731
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                client.htmx_get("/coordination/requests?status=all")
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    few = count_queries(rep)
    with app.app_context():
        for n in range(10):
            _request(users["rep1"], depts["finance"], date(2026, 3, 20), title=f"More {n}")
        db.session.commit()
    assert count_queries(rep) == few


# ---------------------------------------------------------------- the monthly summary


def test_monthly_summary_per_department_with_hand_computed_figures(app, users, depts, logistics, login_as):
    from app.auth.models import Department

    lg = depts["logistics"]
    with app.app_context():
        m = _meeting(users["manager"], starts=datetime(2026, 3, 2, 1, 30))
        m.departments = [db.session.get(Department, lg), db.session.get(Department, depts["sales"])]
        _meeting(users["manager"], starts=datetime(2026, 2, 27, 1, 30)).departments = [db.session.get(Department, lg)]
        a = dict(department_id=lg)
        _item(m, logistics["clerk"], date(2026, 3, 5), "done", date(2026, 3, 5), **a)   # on time
        _item(m, logistics["clerk"], date(2026, 3, 6), "done", date(2026, 3, 9), **a)   # late → overdue
        _item(m, logistics["clerk"], date(2026, 3, 20), **a)                             # open past due → overdue
        _item(m, logistics["clerk"], date(2026, 4, 3), "done", date(2026, 3, 30), **a)   # done in March, due April
        march = datetime(2026, 3, 3, 2)
        _request(users["rep1"], lg, date(2026, 3, 10), "fulfilled", date(2026, 3, 10), created_at=march)
        _request(users["rep1"], lg, date(2026, 3, 12), "fulfilled", date(2026, 3, 14), created_at=march)
        _request(users["rep1"], lg, date(2026, 3, 25), "accepted", created_at=march)
        _request(users["rep1"], lg, date(2026, 4, 8), "requested", created_at=datetime(2026, 2, 20))
        db.session.commit()
    manager = login_as("manager")
    page = manager.get("/coordination/summary?period=2026-03", headers=EN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    row = html.split('data-department="logistics"')[1].split("</tr>")[0]
    numbers = [cell.strip() for cell in re.findall(r'<td class="num[^"]*">(.*?)</td>', row, re.S)]
    # meetings, opened, done, overdue, 5a, received, fulfilled, rejected, open now, 5b
    assert numbers[:4] == ["1", "4", "3", "2"]
    assert "33.3%" in row and "(1/3)" in row          # 5a: one of three due in March on time
    assert numbers[5:9] == ["3", "2", "0", "2"]
    assert "(1/3)" in row.split("coord-5b")[1]         # 5b: one of three needed in March on time
    assert "done by their due date" in html

    detail = manager.get(f"/coordination/summary/{lg}?period=2026-03", headers=EN)
    assert detail.status_code == 200 and "Weekly logistics meeting" in detail.get_data(as_text=True)

    xlsx = manager.get("/coordination/summary.xlsx?period=2026-03", headers=EN)
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]}
    logistics_row = rows["Logistics"]
    assert logistics_row[1:8] == (1, 4, 3, 2, 3, 1, pytest.approx(1 / 3, abs=1e-4))
    assert rows["Legal"][7] == "—"

    zh = manager.get("/coordination/summary?period=2026-03", headers={"Accept-Language": "zh-CN"})
    assert "跨部门沟通总结" in zh.get_data(as_text=True)


def test_summary_is_limited_to_ones_departments(app, users, depts, logistics, login_as):
    assert login_as("admin").get("/coordination/summary").status_code == 200
    clerk = login_as("liu").get("/coordination/summary", headers=EN).get_data(as_text=True)
    assert 'data-department="logistics"' in clerk and 'data-department="finance"' not in clerk
    assert login_as("liu").get(f"/coordination/summary/{depts['finance']}").status_code == 404
    from app.auth.models import User

    with app.app_context():
        db.session.get(User, users["rep3"]).department_id = None
        db.session.commit()
    assert login_as("rep3").get("/coordination/summary").status_code == 403
    assert login_as("rep3").get("/coordination/queue").status_code == 403


def test_seeder_is_idempotent_and_has_every_request_state(app, users):
    from app.coordination.models import ActionItem, Meeting, ResourceRequest
    from app.coordination.seed import seed_coordination
    from app.core.cli import seed_users

    with app.app_context():
        demo = seed_users("demo")
        seed_coordination(demo)
        seed_coordination(demo)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 4
        states = set(db.session.scalars(sa.select(ResourceRequest.status)))
        assert states == {"requested", "accepted", "fulfilled", "rejected"}
        items = db.session.scalars(sa.select(ActionItem).where(ActionItem.status == "done")).all()
        assert any(i.done_on > i.due_on for i in items) and any(i.done_on <= i.due_on for i in items)


def test_summary_counts_customer_needs_sent_to_product_and_complaints_assigned(app, users, depts, login_as):
    from app.care.models import Complaint
    from app.customers.models import Customer
    from app.research.models import CustomerNeed

    with app.app_context():
        customer = Customer(name="A & B <Ltd>", country="DE", owner_id=users["rep1"])
        db.session.add(customer)
        db.session.flush()
        db.session.add_all([
            CustomerNeed(customer_id=customer.id, product_category="LED panels", priority="high",
                         sent_to_product_at=datetime(2026, 3, 10, 3)),
            CustomerNeed(customer_id=customer.id, product_category="Drivers", sent_to_product_at=datetime(2026, 2, 27)),
            CustomerNeed(customer_id=customer.id, product_category="Not sent"),
            Complaint(number="CP-2026-0001", customer_id=customer.id, category="quality", severity="high",
                      subject="Cracked housings", description="12 pcs", department_id=depts["customer_service"],
                      opened_at=datetime(2026, 3, 4, 2), resolved_at=datetime(2026, 3, 9, 2)),
            Complaint(number="CP-2026-0002", customer_id=customer.id, category="delivery", severity="low",
                      subject="Late", description="", department_id=depts["customer_service"],
                      opened_at=datetime(2026, 4, 1, 2)),
        ])
        db.session.commit()
    manager = login_as("manager")
    html = manager.get("/coordination/summary?period=2026-03", headers=EN).get_data(as_text=True)
    product = html.split('data-department="product"')[1].split("</tr>")[0]
    service = html.split('data-department="customer_service"')[1].split("</tr>")[0]
    assert re.findall(r'<td class="num">(\d*)</td>', product)[-3:] == ["1", "0", "0"]  # 1 need; no complaints
    assert re.findall(r'<td class="num">(\d*)</td>', service)[-3:] == ["", "1", "1"]   # complaints assigned/resolved
    detail = manager.get(f"/coordination/summary/{depts['product']}?period=2026-03", headers=EN).get_data(as_text=True)
    assert "LED panels" in detail and "A &amp; B &lt;Ltd&gt;" in detail and "Drivers" not in detail
    care = manager.get(f"/coordination/summary/{depts['customer_service']}?period=2026-03",
                       headers=EN).get_data(as_text=True)
    assert "Cracked housings" in care and "Late" not in care.split("Complaints assigned")[-1]


def test_request_links_one_of_the_requesters_contracts_by_number(app, users, depts, login_as):
    from app.contracts.models import Contract
    from app.coordination.models import ResourceRequest
    from app.customers.models import Customer

    with app.app_context():
        mine = Customer(name="Müller Handels GmbH", country="DE", owner_id=users["rep1"])
        other = Customer(name="Lagos Lighting Ltd", country="NG", owner_id=users["rep2"])
        db.session.add_all([mine, other])
        db.session.flush()
        db.session.add_all([Contract(number="SC-2026-0007", customer_id=mine.id, owner_id=users["rep1"]),
                            Contract(number="SC-2026-0008", customer_id=other.id, owner_id=users["rep2"])])
        db.session.commit()
        mine_id = mine.id
    rep = login_as("rep1")
    form = {"department_id": str(depts["finance"]), "kind": "credit_approval", "title": "L/C at sight check",
            "needed_by_on": (_today() + timedelta(days=4)).isoformat()}
    colleague = rep.post("/coordination/requests/new", data=dict(form, contract_reference="SC-2026-0008"), headers=EN)
    assert colleague.status_code == 422 and "No contract with this number." in colleague.get_data(as_text=True)
    unknown = rep.post("/coordination/requests/new", data=dict(form, contract_reference="SC-2026-9999"), headers=EN)
    assert unknown.status_code == 422
    assert rep.post("/coordination/requests/new", data=dict(form, contract_reference="sc-2026-0007")).status_code == 303
    with app.app_context():
        req = db.session.scalar(sa.select(ResourceRequest))
        assert (req.contract.number, req.contract_reference, req.customer_id) == ("SC-2026-0007", "SC-2026-0007",
                                                                                   mine_id)
