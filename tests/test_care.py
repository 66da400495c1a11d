"""Customer care (D3): interactions and follow-ups, complaints, surveys, case records, reports."""
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def shop(app, users):
    """rep1 owns "A & B <Ltd>" (two contacts); rep2 owns a Chinese customer; one customer is in the pool."""
    from app.customers.models import Contact, Customer

    with app.app_context():
        mine = Customer(name="A & B <Ltd>", local_name="", country="DE", owner_id=users["rep1"])
        mine.contacts = [Contact(name="Hans Müller", email="hans@ab-ltd.de", phone="+49 40 123"),
                         Contact(name="Eva Braun", email="eva@ab-ltd.de")]
        theirs = Customer(name="Shenzhen Bright Lighting Co., Ltd.", local_name="深圳明亮照明有限公司", country="CN",
                          owner_id=users["rep2"])
        theirs.contacts = [Contact(name="Li Lei", email="lilei@bright.cn")]
        pool = Customer(name="Pool Trading LLC", country="AE", owner_id=None)
        db.session.add_all([mine, theirs, pool])
        db.session.commit()
        ids = {"mine": mine.id, "theirs": theirs.id, "pool": pool.id, "hans": mine.contacts[0].id,
               "eva": mine.contacts[1].id, "lilei": theirs.contacts[0].id}
        db.session.remove()
    return ids


def english(client):
    """Switch the logged-in user's interface to English (remembered on the user)."""
    client.post("/locale", data={"locale": "en"})
    return client


def _local_now_text(delta=timedelta()):
    from zoneinfo import ZoneInfo

    return (datetime.now(ZoneInfo("Asia/Shanghai")) + delta).strftime("%Y-%m-%dT%H:%M")


def _interaction(**overrides):
    data = {"kind": "call", "contact_id": "0", "occurred_at": _local_now_text(timedelta(minutes=-30)),
            "summary": "Discussed the FOB Ningbo price for 2 × 40HQ.", "next_step": "Send revised quotation",
            "next_follow_up_on": ""}
    data.update(overrides)
    return data


def _row(app, model, **where):
    with app.app_context():
        obj = db.session.scalar(sa.select(model).filter_by(**where))
        db.session.expunge_all()
        return obj


# ---------------------------------------------------------------- interactions


def test_rep_logs_an_interaction_and_it_keeps_the_customer_out_of_the_pool(app, login_as, shop):
    from app.care.models import Interaction
    from app.customers.models import Customer

    rep1 = login_as("rep1")
    response = rep1.post(f"/care/customers/{shop['mine']}/interactions/new",
                         data=_interaction(contact_id=str(shop["hans"]), is_follow_up_visit="y"))
    assert response.status_code == 303
    row = _row(app, Interaction, customer_id=shop["mine"])
    assert row.contact_id == shop["hans"] and row.is_follow_up_visit and row.kind == "call"
    customer = _row(app, Customer, id=shop["mine"])
    assert customer.last_interaction_at == row.occurred_at
    page = rep1.get(f"/care/customers/{shop['mine']}").get_data(as_text=True)
    assert "Discussed the FOB Ningbo price" in page
    assert "A &amp; B &lt;Ltd&gt;" in page and "A & B <Ltd>" not in page


def test_an_older_interaction_does_not_move_the_last_contact_back(app, login_as, shop):
    from app.customers.models import Customer

    rep1 = login_as("rep1")
    rep1.post(f"/care/customers/{shop['mine']}/interactions/new", data=_interaction())
    latest = _row(app, Customer, id=shop["mine"]).last_interaction_at
    rep1.post(f"/care/customers/{shop['mine']}/interactions/new",
              data=_interaction(occurred_at=_local_now_text(timedelta(days=-10))))
    assert _row(app, Customer, id=shop["mine"]).last_interaction_at == latest


def test_quick_add_by_htmx_answers_a_fresh_form_and_triggers_the_timeline(login_as, shop):
    rep1 = login_as("rep1")
    response = rep1.htmx_post(f"/care/customers/{shop['mine']}/interactions/new", data=_interaction())
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "care-interaction-added"
    assert 'id="care-quick-add"' in response.get_data(as_text=True)
    timeline = rep1.htmx_get(f"/care/customers/{shop['mine']}/timeline").get_data(as_text=True)
    assert "<html" not in timeline and "Discussed the FOB Ningbo price" in timeline


def test_invalid_interaction_is_refused_and_keeps_what_was_typed(app, login_as, shop):
    from app.care.models import Interaction

    rep1 = login_as("rep1")
    response = rep1.htmx_post(f"/care/customers/{shop['mine']}/interactions/new",
                              data=_interaction(summary="", next_step="Call the QC manager"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Call the QC manager" in html and 'role="alert"' in html
    future = rep1.htmx_post(f"/care/customers/{shop['mine']}/interactions/new",
                            data=_interaction(occurred_at=_local_now_text(timedelta(days=2))))
    assert future.status_code == 422
    early = rep1.htmx_post(f"/care/customers/{shop['mine']}/interactions/new",
                           data=_interaction(next_follow_up_on=(date.today() - timedelta(days=5)).isoformat()))
    assert early.status_code == 422
    other_contact = rep1.htmx_post(f"/care/customers/{shop['mine']}/interactions/new",
                                   data=_interaction(contact_id=str(shop["lilei"])))
    assert other_contact.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Interaction.id))) == 0


def test_reps_work_only_on_their_own_customers(login_as, shop):
    rep2 = login_as("rep2")
    for url in (f"/care/customers/{shop['mine']}", f"/care/customers/{shop['mine']}/timeline",
                f"/care/customers/{shop['mine']}/interactions/new", f"/care/customers/{shop['pool']}",
                f"/care/customers/{shop['mine']}/complaints/new"):
        assert rep2.get(url).status_code == 404, url
    assert rep2.post(f"/care/customers/{shop['mine']}/interactions/new", data=_interaction()).status_code == 404
    assert rep2.post(f"/care/customers/{shop['mine']}/surveys", data={"contact_id": shop["hans"]}).status_code == 404
    manager = login_as("manager")
    assert manager.post(f"/care/customers/{shop['mine']}/interactions/new", data=_interaction()).status_code == 303
    assert login_as("legal").get("/care/interactions").status_code == 403


def test_interaction_list_shows_a_rep_only_their_own_and_filters(app, login_as, shop):
    login_as("rep1").post(f"/care/customers/{shop['mine']}/interactions/new",
                          data=_interaction(summary="rep1 visit", kind="visit", is_follow_up_visit="y"))
    login_as("rep2").post(f"/care/customers/{shop['theirs']}/interactions/new",
                          data=_interaction(summary="rep2 call"))
    rep1 = login_as("rep1").get("/care/interactions?rep=999").get_data(as_text=True)
    assert "rep1 visit" in rep1 and "rep2 call" not in rep1
    manager = login_as("manager")
    both = manager.get("/care/interactions").get_data(as_text=True)
    assert "rep1 visit" in both and "rep2 call" in both
    visits = manager.htmx_get("/care/interactions?visits=1").get_data(as_text=True)
    assert "rep1 visit" in visits and "rep2 call" not in visits and "<html" not in visits
    by_text = manager.htmx_get("/care/interactions?q=Bright").get_data(as_text=True)
    assert "rep2 call" in by_text and "rep1 visit" not in by_text


def test_interaction_list_query_count_does_not_grow_with_rows(app, login_as, shop):
    manager = login_as("manager")
    manager.post(f"/care/customers/{shop['mine']}/interactions/new", data=_interaction(contact_id=str(shop["hans"])))
    counts = []
    for _ in range(2):
        statements = []

        def count(*args, seen=statements):
            seen.append(1)

        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", count)
            try:
                assert manager.get("/care/interactions").status_code == 200
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", count)
        counts.append(len(statements))
        for n in range(6):
            manager.post(f"/care/customers/{shop['theirs' if n % 2 else 'mine']}/interactions/new",
                         data=_interaction(contact_id=str(shop["lilei" if n % 2 else "eva"])))
    assert counts[0] == counts[1]


# ---------------------------------------------------------------- follow-ups


def test_due_and_overdue_follow_ups_reach_the_reps_home_panel(app, login_as, shop):
    from app.care.models import Interaction
    from app.core.calendar import company_today

    with app.test_request_context():
        today = company_today()
    with app.app_context():
        rep1_id = db.session.scalar(sa.text("select id from users where username='rep1'"))
        for days, summary in ((-3, "Overdue one"), (0, "Due today one"), (4, "Later one")):
            db.session.add(Interaction(customer_id=shop["mine"] if days != 4 else shop["mine"], user_id=rep1_id,
                                       kind="email", occurred_at=datetime(2025, 1, 1, 8), summary=summary,
                                       next_step=summary + " step", next_follow_up_on=today + timedelta(days=days)))
        db.session.commit()
    rep1 = login_as("rep1")
    panel = rep1.htmx_get("/care/panels/follow-ups").get_data(as_text=True)
    assert "Overdue one step" in panel and "Due today one step" in panel and "Later one step" not in panel
    assert "Overdue one step" not in login_as("rep2").htmx_get("/care/panels/follow-ups").get_data(as_text=True)
    assert "Overdue one step" in login_as("manager").htmx_get("/care/panels/follow-ups").get_data(as_text=True)
    home = rep1.get("/").get_data(as_text=True)
    assert "/care/panels/follow-ups" in home
    upcoming = rep1.get("/care/follow-ups?status=upcoming").get_data(as_text=True)
    assert "Later one step" in upcoming and "Overdue one step" not in upcoming


def test_a_new_interaction_closes_earlier_follow_ups_and_reminders_can_be_marked_done(app, login_as, shop):
    from app.care.models import Interaction

    rep1 = login_as("rep1")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    rep1.post(f"/care/customers/{shop['mine']}/interactions/new",
              data=_interaction(summary="first", occurred_at=_local_now_text(timedelta(hours=-5)),
                                next_follow_up_on=tomorrow))
    rep1.post(f"/care/customers/{shop['mine']}/interactions/new",
              data=_interaction(summary="second", next_follow_up_on=tomorrow))
    first = _row(app, Interaction, summary="first")
    second = _row(app, Interaction, summary="second")
    assert first.follow_up_done_at is not None and second.follow_up_done_at is None
    assert login_as("rep2").post(f"/care/follow-ups/{second.id}/done").status_code == 404
    assert rep1.htmx_post(f"/care/follow-ups/{second.id}/done").status_code == 200
    assert _row(app, Interaction, summary="second").follow_up_done_at is not None


# ---------------------------------------------------------------- metric 3b and the follow-up report


def test_follow_up_visits_count_by_company_month(app, users, shop):
    from app.care.models import Interaction
    from app.care.services import follow_up_visit_count

    with app.app_context():
        rep = users["rep1"]
        rows = [
            (datetime(2026, 1, 31, 15, 30), True),   # 23:30 on 31 Jan in Shanghai: January
            (datetime(2026, 1, 31, 16, 10), True),   # 00:10 on 1 Feb in Shanghai: February
            (datetime(2026, 2, 28, 15, 59), True),   # 23:59 on 28 Feb: February
            (datetime(2026, 2, 28, 16, 0), True),    # 00:00 on 1 Mar: March
            (datetime(2026, 2, 10, 3, 0), False),    # not a follow-up visit
        ]
        for at, visit in rows:
            db.session.add(Interaction(customer_id=shop["mine"], user_id=rep, kind="visit", occurred_at=at,
                                       summary="visit", is_follow_up_visit=visit))
        db.session.add(Interaction(customer_id=shop["theirs"], user_id=users["rep2"], kind="visit",
                                   occurred_at=datetime(2026, 2, 5), summary="other rep", is_follow_up_visit=True))
        db.session.commit()
        with app.test_request_context():
            assert follow_up_visit_count(rep, 2026, 1) == 1
            assert follow_up_visit_count(rep, 2026, 2) == 2
            assert follow_up_visit_count(rep, 2026, 3) == 1
            assert follow_up_visit_count(users["rep2"], 2026, 2) == 1


def test_follow_up_report_lists_visits_against_the_target_and_is_private(app, login_as, users, shop):
    from app.care.models import Interaction

    with app.app_context():
        for day in (3, 12, 20):
            db.session.add(Interaction(customer_id=shop["mine"], user_id=users["rep1"], kind="visit",
                                       occurred_at=datetime(2026, 3, day, 2), summary=f"Visit on day {day}",
                                       is_follow_up_visit=True))
        db.session.commit()
    rep1 = english(login_as("rep1"))
    html = rep1.get("/care/reports/follow-ups?month=2026-03").get_data(as_text=True)
    assert "3 follow-up visits; target 3 a month." in html and "Visit on day 12" in html and "Target met" in html
    april = rep1.get("/care/reports/follow-ups?month=2026-04").get_data(as_text=True)
    assert "0 follow-up visits" in april and "Below target" in april
    assert login_as("rep2").get(f"/care/reports/follow-ups?rep={users['rep1']}").status_code == 404
    team = login_as("manager").get("/care/reports/follow-ups?month=2026-03").get_data(as_text=True)
    assert "Zhang Wei" in team and "已达标" in team and "未达标" in team


# ---------------------------------------------------------------- complaints


@pytest.fixture
def cs_agent(app, users, make_user):
    from app.auth.models import Department

    with app.app_context():
        dept = db.session.scalar(sa.select(Department).where(Department.code == "customer_service"))
        tech = db.session.scalar(sa.select(Department).where(Department.code == "tech_support"))
        ids = {"customer_service": dept.id, "tech_support": tech.id}
    ids["agent"] = make_user("cs1", roles=(), full_name="Zhou Kefu 周客服", department_id=ids["customer_service"])
    ids["engineer"] = make_user("tech1", roles=(), full_name="Wu Gong 吴工", department_id=ids["tech_support"])
    return ids


def _new_complaint(client, shop, cs_agent, **overrides):
    data = {"category": "quality", "severity": "high", "subject": "Rust on 3 % of the goods",
            "description": "Cartons got wet in transit; photos attached.", "contract_id": "0",
            "department_id": str(cs_agent["customer_service"]), "assignee_id": str(cs_agent["agent"])}
    data.update(overrides)
    return client.post(f"/care/customers/{shop['mine']}/complaints/new", data=data,
                       content_type="multipart/form-data")


def test_complaint_goes_from_open_to_closed_with_timings_and_audit(app, login_as, shop, cs_agent):
    from app.care.models import Complaint
    from app.core.models import Notification

    rep1 = login_as("rep1")
    response = _new_complaint(rep1, shop, cs_agent, attachment=(io.BytesIO(PNG), "rust.png"))
    assert response.status_code == 303
    complaint = _row(app, Complaint, customer_id=shop["mine"])
    assert complaint.number.startswith("CP-") and complaint.status == "open"
    with app.app_context():
        assert db.session.scalar(sa.select(Notification.message).where(Notification.user_id == cs_agent["agent"]))

    agent = english(login_as("cs1"))
    queue = agent.get("/care/complaints?scope=department").get_data(as_text=True)
    assert complaint.number in queue
    page = agent.get(f"/care/complaints/{complaint.id}").get_data(as_text=True)
    file_id = re.search(r"/files/(\d+)", page).group(1)
    assert agent.get(f"/files/{file_id}").status_code == 200
    assert login_as("rep2").get(f"/files/{file_id}").status_code == 404

    assert agent.post(f"/care/complaints/{complaint.id}/start", data={"version_id": complaint.version_id}
                      ).status_code == 303
    started = _row(app, Complaint, id=complaint.id)
    assert started.status == "in_progress" and started.responded_at is not None

    missing = agent.htmx_post(f"/care/complaints/{complaint.id}/resolve",
                              data={"resolution": "", "version_id": started.version_id})
    assert missing.status_code == 422 and "Describe how the complaint was resolved." in missing.get_data(as_text=True)
    stale = agent.htmx_post(f"/care/complaints/{complaint.id}/resolve",
                            data={"resolution": "Credit note", "version_id": started.version_id - 1})
    assert stale.status_code == 409
    assert agent.post(f"/care/complaints/{complaint.id}/resolve",
                      data={"resolution": "Credit note USD 420 & new cartons", "version_id": started.version_id}
                      ).status_code == 303
    resolved = _row(app, Complaint, id=complaint.id)
    assert resolved.status == "resolved" and resolved.resolved_at is not None
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == resolved.owner_id))

    assert rep1.post(f"/care/complaints/{complaint.id}/start", data={"version_id": resolved.version_id}
                     ).status_code == 409
    assert rep1.post(f"/care/complaints/{complaint.id}/close", data={"version_id": resolved.version_id}
                     ).status_code == 303
    closed = _row(app, Complaint, id=complaint.id)
    assert closed.status == "closed" and closed.closed_at is not None

    with app.app_context():
        from app.core.audit import history

        steps = [(e.old_value, e.new_value, e.user.username) for e in history(db.session, "complaint", complaint.id)
                 if e.field == "status"]
    assert sorted(steps) == sorted([("open", "in_progress", "cs1"), ("in_progress", "resolved", "cs1"),
                                    ("resolved", "closed", "rep1")])
    detail = rep1.get(f"/care/complaints/{complaint.id}").get_data(as_text=True)
    assert "Credit note USD 420 &amp; new cartons" in detail and "响应用时" in detail and "解决用时" in detail


def test_complaint_validation_assignment_and_visibility(app, login_as, shop, cs_agent):
    from app.care.models import Complaint

    rep1 = english(login_as("rep1"))
    bad = _new_complaint(rep1, shop, cs_agent, subject="")
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Cartons got wet in transit" in html and 'role="alert"' in html
    wrong_person = _new_complaint(rep1, shop, cs_agent, assignee_id=str(cs_agent["engineer"]))
    assert wrong_person.status_code == 422
    assert "The person must belong to the assigned department." in wrong_person.get_data(as_text=True)
    bad_file = _new_complaint(rep1, shop, cs_agent, attachment=(io.BytesIO(b"MZ\x00\x00exe"), "photo.png"))
    assert bad_file.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Complaint.id))) == 0

    assert _new_complaint(rep1, shop, cs_agent, assignee_id="0").status_code == 303
    complaint = _row(app, Complaint, customer_id=shop["mine"])
    engineer = login_as("tech1")
    assert engineer.get(f"/care/complaints/{complaint.id}").status_code == 404
    assert login_as("rep2").get(f"/care/complaints/{complaint.id}").status_code == 404
    assert login_as("cs1").post(f"/care/complaints/{complaint.id}/assign", data={
        "department_id": cs_agent["tech_support"], "assignee_id": cs_agent["engineer"],
        "version_id": complaint.version_id}).status_code == 303
    assert engineer.get(f"/care/complaints/{complaint.id}").status_code == 200
    assert complaint.number in engineer.htmx_get("/care/panels/complaints").get_data(as_text=True)
    assert login_as("cs1").get(f"/care/complaints/{complaint.id}").status_code == 404


def test_complaint_response_and_resolution_times_in_hours_and_working_days(app, ctx):
    from app.care.services import duration

    # Friday 2026-03-06 09:00 Shanghai (01:00 UTC) → Tuesday 2026-03-10 15:30 Shanghai (07:30 UTC)
    d = duration(datetime(2026, 3, 6, 1, 0), datetime(2026, 3, 10, 7, 30))
    assert d.hours == Decimal("102.5") and d.working_days == 2
    same_day = duration(datetime(2026, 3, 6, 1, 0), datetime(2026, 3, 6, 3, 20))
    assert same_day.hours == Decimal("2.3") and same_day.working_days == 0
    assert duration(datetime(2026, 3, 6, 1, 0), None) is None


# ---------------------------------------------------------------- surveys


def _create_survey(client, shop):
    response = client.post(f"/care/customers/{shop['mine']}/surveys", data={"contact_id": shop["hans"]})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    link = re.search(r'value="(http[^"]+/care/survey/([A-Za-z0-9_-]+))"', html)
    return html, link.group(1), link.group(2)


def test_survey_link_is_random_hashed_and_comes_with_bilingual_email(app, login_as, shop):
    from app.care.models import SatisfactionSurvey

    rep1 = login_as("rep1")
    html, link, token = _create_survey(rep1, shop)
    assert len(token) >= 43
    survey = _row(app, SatisfactionSurvey, customer_id=shop["mine"])
    assert survey.token_hash != token and len(survey.token_hash) == 64 and token not in survey.token_hash
    assert "Dear Hans Müller" in html and "尊敬的" in html and html.count(link) >= 3
    assert (survey.expires_at - survey.created_at) == timedelta(days=30)
    assert "A &amp; B &lt;Ltd&gt;" in html
    _html, _link, token2 = _create_survey(rep1, shop)
    assert token2 != token


def test_customer_answers_once_in_either_language_and_the_rep_is_notified(app, login_as, shop, client):
    from app.care.models import SatisfactionSurvey
    from app.core.models import Notification

    _html, _link, token = _create_survey(login_as("rep1"), shop)
    english = client.get(f"/care/survey/{token}", headers={"Accept-Language": "en-GB,en;q=0.9"})
    text = english.get_data(as_text=True)
    assert english.status_code == 200 and "How satisfied are you with us?" in text
    assert "A &amp; B &lt;Ltd&gt;" in text
    for secret in ("Hans", "hans@ab-ltd.de", "Zhang Wei", "rep1", "/care/customers", "/customers/"):
        assert secret not in text
    chinese = client.get(f"/care/survey/{token}", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "您对我们的总体满意度如何" in chinese.get_data(as_text=True)
    switched = client.get(f"/care/survey/{token}?lang=en", headers={"Accept-Language": "zh-CN"})
    assert "How satisfied are you with us?" in switched.get_data(as_text=True)

    missing = client.post(f"/care/survey/{token}?lang=en", data={"comments": "kept text"})
    assert missing.status_code == 422
    assert "Please choose a score from 1 to 5." in missing.get_data(as_text=True)
    assert "kept text" in missing.get_data(as_text=True)

    answered = client.post(f"/care/survey/{token}?lang=zh_CN", data={
        "overall": "4", "quality": "5", "delivery": "0", "communication": "3", "comments": "交期再快一点"})
    assert answered.status_code == 200 and "谢谢" in answered.get_data(as_text=True)
    survey = _row(app, SatisfactionSurvey, customer_id=shop["mine"])
    assert (survey.overall, survey.quality, survey.delivery, survey.communication) == (4, 5, None, 3)
    assert survey.comments == "交期再快一点" and survey.answered_at is not None and survey.answer_locale == "zh_CN"
    with app.app_context():
        note = db.session.scalar(sa.select(Notification).where(Notification.user_id == survey.created_by_id))
        assert note is not None and note.params["score"] == 4

    again = client.post(f"/care/survey/{token}?lang=en", data={"overall": "1"})
    assert again.status_code == 404
    assert _row(app, SatisfactionSurvey, id=survey.id).overall == 4


def test_unknown_used_and_expired_links_get_the_same_response(app, login_as, shop, client):
    from app.care.models import SatisfactionSurvey

    rep1 = login_as("rep1")
    _h, _l, used = _create_survey(rep1, shop)
    client.post(f"/care/survey/{used}", data={"overall": "5"})
    _h, _l, expired = _create_survey(rep1, shop)
    with app.app_context():
        from app.care.services import token_hash

        row = db.session.scalar(sa.select(SatisfactionSurvey).where(SatisfactionSurvey.token_hash == token_hash(expired)))
        row.expires_at = datetime(2020, 1, 1)
        db.session.commit()
    unknown = "x" * 43
    responses = [client.get(f"/care/survey/{t}", headers={"Accept-Language": "en"}) for t in (unknown, used, expired)]
    assert {r.status_code for r in responses} == {404}
    assert len({r.get_data() for r in responses}) == 1
    assert "This survey link is not valid" in responses[0].get_data(as_text=True)
    posted = client.post(f"/care/survey/{expired}", data={"overall": "5"}, headers={"Accept-Language": "en"})
    assert posted.status_code == 404 and posted.get_data() == responses[0].get_data()


def test_anonymous_survey_visitor_reaches_nothing_else(client, login_as, shop):
    _h, _l, token = _create_survey(login_as("rep1"), shop)
    page = client.get(f"/care/survey/{token}").get_data(as_text=True)
    links = re.findall(r'href="([^"]+)"', page)
    assert all(link.startswith("/static/") or link.startswith("?lang=") for link in links), links
    for url in ("/care/", "/care/surveys", f"/care/customers/{shop['mine']}", "/care/surveys/results",
                "/care/complaints"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.location


def _answered(app, users, shop, scores, when):
    from app.care.models import SatisfactionSurvey

    with app.app_context():
        for n, (overall, quality, rep) in enumerate(scores):
            db.session.add(SatisfactionSurvey(
                customer_id=shop["mine"], created_by_id=users[rep], token_hash=f"{rep}-{when}-{n}".ljust(64, "0"),
                created_at=when - timedelta(days=2), expires_at=when + timedelta(days=28), answered_at=when,
                overall=overall, quality=quality))
        db.session.commit()


def test_csat_with_mixed_scores_and_without_responses(app, login_as, users, shop):
    from app.care.services import survey_figures

    march = datetime(2026, 3, 10, 4)
    _answered(app, users, shop, [(5, 4, "rep1"), (4, None, "rep1"), (3, 2, "rep1"), (2, 3, "rep2"),
                                 (4, 5, "rep2")], march)
    with app.test_request_context():
        team, per_rep = survey_figures(date(2026, 3, 1), date(2026, 3, 31))
        assert team.responses == 5 and team.csat == Decimal(3) / Decimal(5)
        assert team.distribution == {1: 0, 2: 1, 3: 1, 4: 2, 5: 1}
        assert team.average("quality") == Decimal("3.50") and team.average("delivery") is None
        assert per_rep[users["rep1"]].csat == Decimal(2) / Decimal(3)
        empty, _ = survey_figures(date(2026, 4, 1), date(2026, 4, 30))
        assert empty.csat is None and empty.responses == 0
    manager = login_as("manager")
    html = manager.get("/care/surveys/results?from=2026-03-01&to=2026-03-31").get_data(as_text=True)
    assert "60.0%" in html and "66.7%" in html and "50.0%" in html
    none = manager.get("/care/surveys/results?from=2026-04-01&to=2026-04-30").get_data(as_text=True)
    assert 'id="care-csat">—<' in none and "0.0%" not in none
    rep2 = login_as("rep2").get("/care/surveys/results?from=2026-03-01&to=2026-03-31&rep="
                                f"{users['rep1']}").get_data(as_text=True)
    assert "50.0%" in rep2 and "66.7%" not in rep2


# ---------------------------------------------------------------- case records


def test_case_record_from_a_complaint_is_printable_and_private(app, login_as, shop, cs_agent):
    from app.care.models import CaseRecord, Complaint

    rep1 = login_as("rep1")
    _new_complaint(rep1, shop, cs_agent)
    complaint = _row(app, Complaint, customer_id=shop["mine"])
    form = rep1.get(f"/care/cases/new?complaint_id={complaint.id}").get_data(as_text=True)
    assert "Rust on 3 % of the goods" in form
    bad = rep1.post(f"/care/cases/new?complaint_id={complaint.id}", data={
        "title": "Wet cartons", "occurred_on": "2026-03-02", "problem": "Rust", "actions": "", "outcome": "",
        "lessons": "Use 5-ply cartons"})
    assert bad.status_code == 422 and "Use 5-ply cartons" in bad.get_data(as_text=True)
    ok = rep1.post(f"/care/cases/new?complaint_id={complaint.id}", data={
        "title": "Wet cartons <B&B>", "occurred_on": "2026-03-02", "problem": "Rust", "actions": "Credit note",
        "outcome": "Customer reordered", "lessons": "Use 5-ply cartons"})
    assert ok.status_code == 303
    case = _row(app, CaseRecord, complaint_id=complaint.id)
    assert case.customer_id == shop["mine"]
    page = rep1.get(f"/care/cases/{case.id}").get_data(as_text=True)
    assert "Wet cartons &lt;B&amp;B&gt;" in page and "data-print" in page and complaint.number in page
    assert login_as("rep2").get(f"/care/cases/{case.id}").status_code == 404
    assert login_as("rep2").get(f"/care/cases/new?complaint_id={complaint.id}").status_code == 404
    assert "Wet cartons" in login_as("manager").get("/care/cases").get_data(as_text=True)
    stale = rep1.post(f"/care/cases/{case.id}/edit", data={
        "title": "Changed", "occurred_on": "2026-03-02", "problem": "Rust", "actions": "Credit note",
        "outcome": "Customer reordered", "lessons": "x", "version_id": case.version_id + 5})
    assert stale.status_code == 409 and "Changed" in stale.get_data(as_text=True)


# ---------------------------------------------------------------- seeder


def test_seeder_adds_care_data_once_for_existing_customers_only(app, users, shop, login_as):
    from app.auth.models import User
    from app.care.models import CaseRecord, Complaint, Interaction, SatisfactionSurvey
    from app.care.seed import seed_care

    with app.app_context():
        by_name = {u.username: u for u in db.session.scalars(sa.select(User))}
        seed_care(by_name)
        db.session.commit()
        counts = [db.session.scalar(sa.select(sa.func.count(m.id)))
                  for m in (Interaction, Complaint, SatisfactionSurvey, CaseRecord)]
        assert all(counts) and db.session.scalar(sa.select(sa.func.count(Interaction.id)).where(
            Interaction.is_follow_up_visit))
        assert {c.status for c in db.session.scalars(sa.select(Complaint))} >= {"open", "closed"}
        seed_care(by_name)
        db.session.commit()
        assert counts == [db.session.scalar(sa.select(sa.func.count(m.id)))
                          for m in (Interaction, Complaint, SatisfactionSurvey, CaseRecord)]


def test_seeder_creates_nothing_without_customers(app, users):
    from app.auth.models import User
    from app.care.models import Interaction
    from app.care.seed import seed_care

    with app.app_context():
        seed_care({u.username: u for u in db.session.scalars(sa.select(User))})
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(Interaction.id))) == 0


def test_area_pages_render_for_each_role(login_as, shop, cs_agent):
    for user in ("rep1", "manager"):
        client = login_as(user)
        for url in ("/care/", "/care/customers", "/care/interactions", "/care/follow-ups", "/care/complaints",
                    "/care/surveys", "/care/surveys/results", "/care/cases", "/care/cases/new",
                    "/care/reports/follow-ups", f"/care/customers/{shop['mine']}"):
            assert client.get(url).status_code == 200, (user, url)
    agent = login_as("cs1")
    assert agent.get("/care/").status_code == 200
    assert agent.get("/care/complaints").status_code == 200
    assert agent.get("/care/surveys").status_code == 403


def test_a_logged_in_user_only_previews_the_survey_and_cannot_answer_it(app, login_as, shop):
    from app.care.models import SatisfactionSurvey

    rep1 = login_as("rep1")
    _h, _l, token = _create_survey(rep1, shop)
    preview = rep1.get(f"/care/survey/{token}?lang=en").get_data(as_text=True)
    assert "this is a preview" in preview and "disabled" in preview
    response = rep1.post(f"/care/survey/{token}?lang=en", data={"overall": "5"})
    assert response.status_code == 403
    assert _row(app, SatisfactionSurvey, customer_id=shop["mine"]).answered_at is None


def test_sections_render_inside_the_customer_page_convention(app, users, shop):
    """The customers area includes each section as ``{% set s = ctx %}{% include template %}``."""
    from flask import render_template_string
    from flask_login import login_user

    from app.auth.models import User
    from app.care import routes
    from app.customers.models import Customer

    sections = [(routes._quick_add_section, "care/_section_quick_add.html", "care-quick-add"),
                (routes._timeline_section, "care/_section_timeline.html", "care-timeline"),
                (routes._complaints_section, "care/_section_complaints.html", "care-customer-complaints"),
                (routes._surveys_section, "care/_section_surveys.html", "care-customer-surveys")]
    with app.test_request_context("/customers/1"):
        customer = db.session.get(Customer, shop["mine"])
        rep1, rep2 = db.session.get(User, users["rep1"]), db.session.get(User, users["rep2"])
        login_user(rep1)
        for context, template, element in sections:
            assert context(customer, rep2) is None
            ctx = dict(context(customer, rep1), customer=customer, can_edit=True)
            html = render_template_string("{% with %}{% set s = ctx %}{% include template %}{% endwith %}",
                                          ctx=ctx, template=template, customer=customer)
            assert f'id="{element}"' in html, template


def test_customer_page_of_the_customers_area_shows_the_care_sections(login_as, shop):
    rep1 = login_as("rep1")
    rep1.htmx_post(f"/care/customers/{shop['mine']}/interactions/new", data=_interaction(summary="Logged from D1"))
    html = rep1.get(f"/customers/{shop['mine']}").get_data(as_text=True)
    for element in ("care-quick-add", "care-timeline", "care-customer-complaints", "care-customer-surveys"):
        assert f'id="{element}"' in html, element
    assert "Logged from D1" in html
    care_page = rep1.get(f"/care/customers/{shop['mine']}").get_data(as_text=True)
    assert f'href="/customers/{shop["mine"]}"' in care_page


def test_lists_paginate_with_htmx_and_full_page_fallback(app, login_as, users, shop):
    from app.care.models import Interaction

    with app.app_context():
        for n in range(35):
            db.session.add(Interaction(customer_id=shop["mine"], user_id=users["rep1"], kind="email",
                                       occurred_at=datetime(2026, 1, 1) + timedelta(hours=n), summary=f"Mail {n:02d}"))
        db.session.commit()
    rep1 = english(login_as("rep1"))
    first = rep1.get("/care/interactions").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Mail 34" in first and "Mail 00" not in first
    assert 'hx-get="/care/interactions?page=2"' in first
    second = rep1.htmx_get("/care/interactions?page=2").get_data(as_text=True)
    assert "<html" not in second and "Mail 00" in second and "Mail 34" not in second
    timeline = rep1.get(f"/care/customers/{shop['mine']}/timeline?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in timeline and "Mail 00" in timeline
