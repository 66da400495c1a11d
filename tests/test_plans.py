"""D2 sales plans and targets: the target grid, plan workflow, progress figures, documents, panels."""
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from docx import Document

from app.core.audit import history
from app.core.models import ExchangeRate, Notification
from app.extensions import db
from app.plans import services
from app.plans.models import PlanAdjustment, PlanTask, SalesPlan, SalesTarget
from app.plans.services import Period, progress_for, task_counts


def _target(user_id, year=2026, month=None, quarter=None, amount=None, customers=None):
    row = SalesTarget(user_id=user_id, year=year, month=month, quarter=quarter, currency="CNY",
                      target_amount=Decimal(amount) if amount is not None else None, new_customer_target=customers)
    db.session.add(row)
    return row


def _customer(name="Müller & Söhne GmbH"):
    from app.customers.models import Customer

    customer = Customer(name=name, country="DE")
    db.session.add(customer)
    db.session.flush()
    return customer


_numbers = iter(range(1, 10_000))


def _contract(owner_id, customer, signed_on, amount, currency, rate, status="signed"):
    from app.contracts.models import Contract

    row = Contract(number=f"SC-2026-{next(_numbers):04d}", customer_id=customer.id, owner_id=owner_id, status=status,
                   currency=currency, exchange_rate=Decimal(rate) if rate is not None else None,
                   total_amount=Decimal(amount), signed_on=signed_on)
    db.session.add(row)
    return row


def _plan(owner_id, kind="monthly", year=2026, month=10, quarter=None, status="draft", strategy="Push DE market",
          tasks=()):
    plan = SalesPlan(owner_id=owner_id, kind=kind, year=year, month=month if kind == "monthly" else None,
                     quarter=quarter if kind == "quarterly" else None, status=status, strategy=strategy)
    db.session.add(plan)
    db.session.flush()
    for title, due_on, state, done_on in tasks:
        db.session.add(PlanTask(plan_id=plan.id, owner_id=owner_id, title=title, due_on=due_on, status=state,
                                done_on=done_on))
    return plan


def _user(users, name):
    from app.auth.models import User

    return db.session.get(User, users[name])


# --- targets grid ---------------------------------------------------------------------------------

def test_manager_sets_month_targets_and_the_quarter_defaults_to_their_sum(app, login_as, users):
    manager = login_as("manager")
    rep = users["rep1"]
    for month, value in [(1, "300,000"), (2, "300000"), (3, "400000.50")]:
        r = manager.htmx_post("/plans/targets/cell", data={"user_id": rep, "year": 2026, "slot": f"m{month}",
                                                           "measure": "amount", "value": value, "version_id": 0})
        assert r.status_code == 200, r.get_data(as_text=True)
    html = r.get_data(as_text=True)
    assert 'id="target-row-%d"' % rep in html
    assert 'id="targets-team-row" hx-swap-oob="true"' in html
    q1 = re.search(r'data-slot="q1">(.*?)</td>', html, re.S).group(1)
    assert "1,000,000.5" in q1 and "Σ" in q1
    with app.app_context():
        reps = services.targets_for([_user(users, "rep1")], 2026)
        assert reps[rep].for_period(Period(2026, quarter=1)) == Decimal("1000000.50")
        assert reps[rep].for_period(Period(2026, month=3)) == Decimal("400000.50")


def test_quarter_override_wins_is_marked_and_clearing_it_returns_to_the_sum(app, login_as, users):
    rep = users["rep1"]
    with app.app_context():
        for m in (10, 11, 12):
            _target(rep, month=m, amount="500000")
        db.session.commit()
    manager = login_as("manager")
    r = manager.htmx_post("/plans/targets/cell", data={"user_id": rep, "year": 2026, "slot": "q4", "measure": "amount",
                                                       "value": "1,800,000", "version_id": 0})
    q4 = re.search(r'<td class="num plans-cell plans-q plans-overridden" data-slot="q4">(.*?)</td>',
                   r.get_data(as_text=True), re.S).group(1)
    assert "1,800,000" in q4 and "1,500,000" in q4  # the override, and the months' sum in its title
    with app.app_context():
        assert services.targets_for([_user(users, "rep1")], 2026)[rep].for_period(Period(2026, quarter=4)) == 1800000
        year_total = services.targets_for([_user(users, "rep1")], 2026)[rep].cell("year").value
        assert year_total == Decimal("1800000")
        row = db.session.scalar(sa.select(SalesTarget).where(SalesTarget.quarter == 4))
        version = row.version_id
    r = manager.htmx_post("/plans/targets/cell", data={"user_id": rep, "year": 2026, "slot": "q4", "measure": "amount",
                                                       "value": "", "version_id": version})
    assert r.status_code == 200
    assert "plans-overridden" not in r.get_data(as_text=True)
    with app.app_context():
        assert services.targets_for([_user(users, "rep1")], 2026)[rep].for_period(Period(2026, quarter=4)) == 1500000
        changes = history(db.session, "sales_target", row.id)
        amounts = [(c.old_value, c.new_value) for c in changes if c.field == "target_amount"]
        assert ("1800000.00", None) in amounts and (None, "1800000.00") in amounts
        assert all(c.user_id == users["manager"] for c in changes)


def test_target_cell_validation_keeps_the_input_and_explains(login_as, users):
    manager = login_as("manager")
    manager.post("/locale", data={"locale": "en"})
    base = {"user_id": users["rep2"], "year": 2026, "slot": "m5", "measure": "amount", "version_id": 0}
    for value, message in [("-100", "cannot be negative"), ("12abc", "Enter an amount"),
                           ("100.123", "At most 2 decimal places for CNY"), ("1e20", "too large")]:
        r = manager.htmx_post("/plans/targets/cell", data={**base, "value": value})
        assert r.status_code == 422
        body = r.get_data(as_text=True)
        assert message in body and f'value="{value}"' in body
    r = manager.htmx_post("/plans/targets/cell", data={**base, "measure": "customers", "value": "2.5"})
    assert r.status_code == 422 and "whole number" in r.get_data(as_text=True)
    manager.post("/locale", data={"locale": "zh_CN"})
    r = manager.htmx_post("/plans/targets/cell", data={**base, "value": "-1"})
    assert "目标不能为负数" in r.get_data(as_text=True)
    full = manager.post("/plans/targets/cell", data={**base, "value": "-1"})
    assert full.status_code == 422 and "<html" in full.get_data(as_text=True)


def test_stale_target_cell_is_refused_with_409(app, login_as, users):
    with app.app_context():
        _target(users["rep1"], month=4, amount="100")
        db.session.commit()
    manager = login_as("manager")
    r = manager.htmx_post("/plans/targets/cell", data={"user_id": users["rep1"], "year": 2026, "slot": "m4",
                                                       "measure": "amount", "value": "200", "version_id": 0})
    assert r.status_code == 409
    assert 'value="200"' in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(SalesTarget.target_amount)) == Decimal("100.00")


def test_only_managers_edit_targets_and_reps_see_only_their_own(app, login_as, users):
    with app.app_context():
        _target(users["rep1"], month=1, amount="123456")
        _target(users["rep2"], month=1, amount="654321")
        db.session.commit()
    rep = login_as("rep1")
    r = rep.post("/plans/targets/cell", data={"user_id": users["rep1"], "year": 2026, "slot": "m1",
                                              "measure": "amount", "value": "9", "version_id": 1})
    assert r.status_code == 403
    assert rep.get(f"/plans/targets/cell?user_id={users['rep1']}&year=2026&slot=m1&measure=amount").status_code == 403
    page = rep.get("/plans/targets?year=2026").get_data(as_text=True)
    assert "123,456" in page and "654,321" not in page and "plans-cell-link" not in page
    assert rep.get("/plans/targets/history?year=2026").status_code == 403
    manager = login_as("manager")
    page = manager.get("/plans/targets?year=2026").get_data(as_text=True)
    assert "123,456" in page and "654,321" in page and "777,777" in page  # the team row
    history_page = manager.get("/plans/targets/history?year=2026").get_data(as_text=True)
    assert "Zhang Wei" in history_page


def test_target_cell_for_a_non_rep_is_404(login_as, users):
    manager = login_as("manager")
    r = manager.htmx_post("/plans/targets/cell", data={"user_id": users["legal"], "year": 2026, "slot": "m1",
                                                       "measure": "amount", "value": "1", "version_id": 0})
    assert r.status_code == 404


def test_no_js_fallback_opens_the_cell_in_the_full_page(login_as, users):
    manager = login_as("manager")
    r = manager.get(f"/plans/targets/cell?user_id={users['rep1']}&year=2026&slot=m2&measure=amount")
    assert r.status_code == 303
    page = manager.get(r.location).get_data(as_text=True)
    assert 'name="value"' in page and "<html" in page
    r = manager.post("/plans/targets/cell", data={"user_id": users["rep1"], "year": 2026, "slot": "m2",
                                                  "measure": "amount", "value": "50000", "version_id": 0})
    assert r.status_code == 303 and "/plans/targets" in r.location


# --- achievement, pacing, plan execution ------------------------------------------------------------

def test_achievement_counts_each_contract_at_its_own_rate_across_a_mid_quarter_rate_change(app, ctx, users):
    """Q4 2026 target 1,000,000 CNY; USD and EUR contracts at their own signing rates.

    Finance's rate table says 7.00 then 7.30 for USD; the contracts carry 7.10 and 7.20, and those count:
    50,000 × 7.10 + 20,000 × 7.20 + 10,000 × 7.80 (EUR) = 355,000 + 144,000 + 78,000 = 577,000 → 57.7 %.
    """
    rep1, rep2 = _user(users, "rep1"), _user(users, "rep2")
    for m, amount in [(10, "300000"), (11, "300000"), (12, "400000")]:
        _target(rep1.id, month=m, amount=amount)
    db.session.add_all([ExchangeRate(currency="USD", base_currency="CNY", rate=Decimal("7.00"),
                                     effective_on=date(2026, 10, 1)),
                        ExchangeRate(currency="USD", base_currency="CNY", rate=Decimal("7.30"),
                                     effective_on=date(2026, 11, 15))])
    customer = _customer()
    _contract(rep1.id, customer, date(2026, 10, 12), "50000", "USD", "7.10")
    _contract(rep1.id, customer, date(2026, 11, 20), "20000", "USD", "7.20", status="amended")
    _contract(rep1.id, customer, date(2026, 12, 1), "10000", "EUR", "7.80", status="closed")
    _contract(rep1.id, customer, date(2026, 11, 2), "99999", "USD", "7.20", status="sent")        # not signed
    _contract(rep1.id, customer, date(2026, 9, 30), "99999", "USD", "7.20")                       # Q3
    _contract(rep2.id, customer, date(2026, 10, 20), "1000", "USD", "7.00")                       # rep2
    db.session.commit()
    rows, team = progress_for([rep1, rep2], Period(2026, quarter=4), today=date(2026, 12, 31))
    mine = rows[0]
    assert mine.target == Decimal("1000000.00")
    assert mine.actual == Decimal("577000.00")
    assert mine.achievement == Decimal("0.577")
    assert mine.gap == Decimal("423000.00")
    assert rows[1].actual == Decimal("7000.00") and rows[1].achievement is None
    assert team.actual == Decimal("584000.00") and team.target == Decimal("1000000.00")
    october, _ = progress_for([rep1], Period(2026, month=10), today=date(2026, 12, 31))
    assert october[0].actual == Decimal("355000.00") and october[0].achievement == Decimal("355000") / 300000


def test_quarter_override_is_the_target_of_the_quarter(ctx, users):
    rep1 = _user(users, "rep1")
    for m in (10, 11, 12):
        _target(rep1.id, month=m, amount="300000")
    _target(rep1.id, quarter=4, amount="800000")
    _contract(rep1.id, _customer(), date(2026, 10, 12), "100000", "CNY", None)
    db.session.commit()
    rows, _team = progress_for([rep1], Period(2026, quarter=4), today=date(2026, 12, 31))
    assert rows[0].target == Decimal("800000.00")
    assert rows[0].actual == Decimal("100000.00")  # base currency without a rate counts at 1
    assert rows[0].achievement == Decimal("0.125")


def test_pacing_in_october_follows_the_national_day_holiday_and_make_up_day(ctx, users):
    """October 2026: 1–7 off, Saturday 10 a make-up working day → 18 working days; by the 9th only 2 elapsed."""
    rep1 = _user(users, "rep1")
    _target(rep1.id, month=10, amount="900000")
    _contract(rep1.id, _customer(), date(2026, 10, 8), "15000", "USD", "7.10")
    db.session.commit()
    period = Period(2026, month=10)
    days = services.period_days(period, today=date(2026, 10, 9))
    assert len(days.working) == 18 and days.elapsed == 2
    rows, _team = progress_for([rep1], period, today=date(2026, 10, 7))
    assert rows[0].pacing == Decimal("0.00")
    rows, _team = progress_for([rep1], period, today=date(2026, 10, 9))
    assert rows[0].pacing == Decimal("100000.00")
    assert rows[0].actual == Decimal("106500.00") and rows[0].on_pace is True
    rows, _team = progress_for([rep1], period, today=date(2026, 10, 10))
    assert rows[0].pacing == Decimal("150000.00") and rows[0].on_pace is False
    rows, _team = progress_for([rep1], period, today=date(2026, 11, 3))
    assert rows[0].pacing == Decimal("900000.00")


def test_contract_in_foreign_currency_without_a_rate_is_flagged_not_guessed(ctx, users):
    rep1 = _user(users, "rep1")
    _contract(rep1.id, _customer(), date(2026, 10, 12), "1000", "USD", None)
    _contract(rep1.id, _customer("B Co"), date(2026, 10, 13), "1000", "USD", "7")
    db.session.commit()
    rows, team = progress_for([rep1], Period(2026, month=10), today=date(2026, 10, 31))
    assert rows[0].actual == Decimal("7000.00") and rows[0].unconverted == 1 and team.unconverted == 1


def test_without_the_contracts_model_actual_sales_are_honestly_zero(ctx, users, monkeypatch):
    monkeypatch.setattr(services, "_contract_model", lambda: None)
    rep1 = _user(users, "rep1")
    _target(rep1.id, month=10, amount="100")
    db.session.commit()
    sales = services.signed_sales([rep1.id], date(2026, 10, 1), date(2026, 10, 31))
    assert sales.available is False and sales.total(rep1.id) == Decimal("0.00")
    rows, _ = progress_for([rep1], Period(2026, month=10), today=date(2026, 10, 31))
    assert rows[0].actual == 0 and rows[0].achievement == 0


def test_plan_execution_counts_tasks_of_approved_plans_done_by_their_due_date(ctx, users):
    """Due in October by the 20th: on time, late, open (overdue), cancelled (left out); draft plans left out."""
    rep1 = _user(users, "rep1")
    _plan(rep1.id, status="approved", tasks=[
        ("on time", date(2026, 10, 9), "done", date(2026, 10, 9)),
        ("early", date(2026, 10, 15), "done", date(2026, 10, 8)),
        ("late", date(2026, 10, 12), "done", date(2026, 10, 14)),
        ("still open", date(2026, 10, 16), "open", None),
        ("cancelled", date(2026, 10, 13), "cancelled", None),
        ("not due yet", date(2026, 10, 28), "open", None),
    ])
    _plan(rep1.id, kind="quarterly", quarter=4, status="draft",
          tasks=[("draft task", date(2026, 10, 10), "open", None)])
    db.session.commit()
    counts = task_counts([rep1.id], date(2026, 10, 1), date(2026, 10, 31), today=date(2026, 10, 20))
    assert (counts[rep1.id].due, counts[rep1.id].on_time, counts[rep1.id].overdue) == (4, 2, 1)
    assert counts[rep1.id].execution == Decimal("0.5")
    assert task_counts([rep1.id], date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 30)) == {}
    rows, _ = progress_for([rep1], Period(2026, month=11), today=date(2026, 11, 30))
    assert rows[0].tasks.execution is None


def test_progress_queries_do_not_grow_with_the_number_of_reps(app, login_as, users, make_user):
    def count_queries(client):
        statements = []

        def before(conn, cursor, statement, *args):
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            assert client.get("/plans/progress?period=2026-Q4").status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)
        return len(statements)

    with app.app_context():
        customer = _customer()
        for name in ("rep1", "rep2", "rep3"):
            _target(users[name], month=10, amount="100000")
            _contract(users[name], customer, date(2026, 10, 15), "1000", "USD", "7.1")
        db.session.commit()
    manager = login_as("manager")
    few = count_queries(manager)
    for i in range(4):
        uid = make_user(f"extra{i}", roles=("rep",), full_name=f"Extra {i}")
        with app.app_context():
            _target(uid, month=11, amount="5000")
            _contract(uid, _customer(f"C{i}"), date(2026, 11, 2), "10", "EUR", "7.8")
            _plan(uid, status="approved", month=11, tasks=[("t", date(2026, 11, 3), "open", None)])
            db.session.commit()
    assert count_queries(manager) == few


def test_progress_pages_show_figures_chart_and_respect_who_is_asking(app, login_as, users):
    with app.app_context():
        _target(users["rep1"], month=10, amount="300000")
        _contract(users["rep1"], _customer("A & B <Ltd>"), date(2026, 10, 12), "10000", "USD", "7.1")
        _plan(users["rep1"], status="approved", tasks=[("call Müller", date(2026, 10, 9), "open", None)])
        db.session.commit()
    manager = login_as("manager")
    manager.post("/locale", data={"locale": "en"})
    page = manager.get("/plans/progress?period=2026-10").get_data(as_text=True)
    assert "71,000.00" in page and "23.7%" in page and "<svg" in page and "style=" not in page
    assert "Behind pace" in page  # October is over: pacing is the whole 300,000 target
    rep_page = manager.get(f"/plans/progress/{users['rep1']}?period=2026-10").get_data(as_text=True)
    assert "call Müller" in rep_page and 'class="overdue' in rep_page
    fragment = manager.htmx_get("/plans/progress?period=2026-Q4").get_data(as_text=True)
    assert "<html" not in fragment and "Q4 2026" in fragment
    rep = login_as("rep1")
    own = rep.get("/plans/progress?period=2026-10").get_data(as_text=True)
    assert "71,000" in own and "Zhang Wei" in own
    assert rep.get(f"/plans/progress/{users['rep2']}").status_code == 404
    assert rep.get(f"/plans/progress/{users['rep1']}?period=garbage").status_code == 200


# --- plans workflow -------------------------------------------------------------------------------

def _new_plan(client, **extra):
    data = {"kind": "quarterly", "year": 2026, "month": 10, "quarter": 4, "strategy": "Grow Vietnam via agents",
            "markets": ["VN", "TH"], **extra}
    return client.post("/plans/new", data=data)


def test_rep_writes_submits_and_manager_returns_then_approves(app, login_as, users):
    rep = login_as("rep1")
    r = _new_plan(rep)
    assert r.status_code == 303
    plan_url = r.location
    plan_id = int(plan_url.rstrip("/").rsplit("/", 1)[-1])
    r = rep.post(f"/plans/{plan_id}/submit")
    with app.app_context():
        assert db.session.get(SalesPlan, plan_id).status == "draft"  # no task yet
    bad = rep.post(f"/plans/{plan_id}/tasks", data={"title": "Visit Hanoi agent", "owner_id": users["rep1"],
                                                     "due_on": "2027-01-05"})
    assert bad.status_code == 422 and "2026-10-01" in bad.get_data(as_text=True)
    assert rep.post(f"/plans/{plan_id}/tasks", data={"title": "Visit Hanoi agent", "owner_id": users["rep1"],
                                                      "due_on": "2026-11-20"}).status_code == 303
    assert rep.post(f"/plans/{plan_id}/submit").status_code == 303

    other = login_as("rep2")
    assert other.get(f"/plans/{plan_id}").status_code == 404
    assert other.post(f"/plans/{plan_id}/approve", data={"version_id": 1}).status_code == 403
    assert rep.post(f"/plans/{plan_id}/approve", data={"version_id": 1}).status_code == 403

    manager = login_as("manager")
    manager.post("/locale", data={"locale": "en"})
    with app.app_context():
        version = db.session.get(SalesPlan, plan_id).version_id
    r = manager.post(f"/plans/{plan_id}/return", data={"comment": "", "version_id": version})
    assert r.status_code == 422 and "Say what needs to change" in r.get_data(as_text=True)
    r = manager.post(f"/plans/{plan_id}/return", data={"comment": "Add a Thailand task", "version_id": version})
    assert r.status_code == 303
    with app.app_context():
        plan = db.session.get(SalesPlan, plan_id)
        assert plan.status == "returned" and plan.return_comment == "Add a Thailand task"
        note = db.session.scalar(sa.select(Notification).where(Notification.user_id == users["rep1"]))
        assert "returned" in note.message and note.params["comment"] == "Add a Thailand task"
    assert rep.post(f"/plans/{plan_id}/tasks", data={"title": "Bangkok show", "owner_id": users["rep1"],
                                                      "due_on": "2026-12-10"}).status_code == 303
    rep.post(f"/plans/{plan_id}/submit")
    with app.app_context():
        plan = db.session.get(SalesPlan, plan_id)
        assert plan.status == "submitted"
        version = plan.version_id
    assert manager.post(f"/plans/{plan_id}/approve", data={"version_id": version - 1}).status_code == 303
    with app.app_context():
        assert db.session.get(SalesPlan, plan_id).status == "submitted"  # stale approval refused
    assert manager.post(f"/plans/{plan_id}/approve", data={"version_id": version}).status_code == 303
    with app.app_context():
        plan = db.session.get(SalesPlan, plan_id)
        assert plan.status == "approved" and plan.approved_by_id == users["manager"]
        messages = [n.message for n in db.session.scalars(sa.select(Notification).where(
            Notification.user_id == users["rep1"]))]
        assert any("approved" in m for m in messages)
    assert manager.get(f"/plans/{plan_id}").status_code == 200
    r = rep.post(f"/plans/{plan_id}/edit", data={"kind": "quarterly", "year": 2026, "quarter": 4, "month": 1,
                                                 "strategy": "sneaky", "version_id": 99})
    assert r.status_code == 303
    r = rep.post(f"/plans/{plan_id}/tasks", data={"title": "sneaky", "owner_id": users["rep1"], "due_on": "2026-11-1"})
    assert r.status_code == 303
    with app.app_context():
        plan = db.session.get(SalesPlan, plan_id)
        assert plan.strategy == "Grow Vietnam via agents" and len(plan.tasks) == 2


def test_approved_plan_changes_only_through_kept_adjustment_notes(app, login_as, users):
    with app.app_context():
        plan = _plan(users["rep1"], status="approved", tasks=[("Old task", date(2026, 10, 20), "open", None)])
        db.session.commit()
        plan_id, version, task_id = plan.id, plan.version_id, plan.tasks[0].id
    rep = login_as("rep1")
    r = rep.post(f"/plans/{plan_id}/adjust", data={"made_on": "2026-10-05", "what_changed": "", "reason": "",
                                                   "version_id": version, "cancel_task_id": 0,
                                                   "task_owner_id": users["rep1"]})
    assert r.status_code == 422
    r = rep.post(f"/plans/{plan_id}/adjust", data={
        "made_on": "2026-10-05", "what_changed": "Focus moves from DE to PL", "reason": "DE distributor went bankrupt",
        "strategy": "Push PL market", "cancel_task_id": task_id, "task_title": "Visit Warsaw importer",
        "task_owner_id": users["rep1"], "task_due_on": "2026-10-25", "version_id": version})
    assert r.status_code == 303
    with app.app_context():
        plan = db.session.get(SalesPlan, plan_id)
        assert plan.strategy == "Push PL market"
        note = db.session.scalar(sa.select(PlanAdjustment))
        assert (note.made_on, note.strategy_before) == (date(2026, 10, 5), "Push DE market")
        assert {t.title: t.status for t in plan.tasks} == {"Old task": "cancelled", "Visit Warsaw importer": "open"}
    page = rep.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "DE distributor went bankrupt" in page and "Push DE market" in page


def test_duplicate_period_and_manager_own_plan_rules(app, login_as, users):
    rep = login_as("rep1")
    rep.post("/locale", data={"locale": "en"})
    assert _new_plan(rep).status_code == 303
    again = _new_plan(rep)
    assert again.status_code == 422 and "already have a plan" in again.get_data(as_text=True)
    assert "Grow Vietnam via agents" in again.get_data(as_text=True)
    with app.app_context():
        plan = _plan(users["manager"], status="submitted", tasks=[("x", date(2026, 10, 2), "open", None)])
        db.session.commit()
        plan_id, version = plan.id, plan.version_id
    manager = login_as("manager")
    manager.post(f"/plans/{plan_id}/approve", data={"version_id": version})
    with app.app_context():
        assert db.session.get(SalesPlan, plan_id).status == "submitted"


def test_task_done_date_rules_and_task_owner_access(app, login_as, users):
    with app.app_context():
        plan = _plan(users["rep1"], status="approved", tasks=[("Send samples", date(2026, 10, 20), "open", None)])
        plan.tasks[0].owner_id = users["rep2"]
        db.session.commit()
        task_id = plan.tasks[0].id
    rep2 = login_as("rep2")
    future = (date.today() + timedelta(days=5)).isoformat()
    rep2.post(f"/plans/tasks/{task_id}/done", data={"done_on": future})
    with app.app_context():
        assert db.session.get(PlanTask, task_id).status == "open"
    assert rep2.post(f"/plans/tasks/{task_id}/done", data={"done_on": "2026-10-19"}).status_code == 303
    with app.app_context():
        task = db.session.get(PlanTask, task_id)
        assert (task.status, task.done_on) == ("done", date(2026, 10, 19))
    assert login_as("rep3").post(f"/plans/tasks/{task_id}/reopen").status_code == 404


def test_plan_list_filters_and_scopes(app, login_as, users):
    with app.app_context():
        _plan(users["rep1"], month=9, status="approved")
        _plan(users["rep2"], month=9, status="submitted", strategy="rep2 plan")
        db.session.commit()
    rep = login_as("rep1")
    page = rep.get("/plans/").get_data(as_text=True)
    assert "2026-09" in page and "Li Na" not in page
    manager = login_as("manager")
    fragment = manager.htmx_get("/plans/?status=submitted").get_data(as_text=True)
    assert "Li Na" in fragment and "Zhang Wei" not in fragment and "<html" not in fragment


# --- document, panels, seed ------------------------------------------------------------------------

def test_plan_word_document_is_bilingual_and_escaped(app, login_as, users):
    from app.core import documents as core_documents
    from app.plans.documents import DOCUMENT, VARIABLES

    assert core_documents.undeclared_variables(core_documents.TEMPLATE_DIR / DOCUMENT) == VARIABLES
    with app.app_context():
        _target(users["rep1"], month=10, amount="850000")
        plan = _plan(users["rep1"], status="approved", strategy="Target A & B <Ltd> first\nThen <script> Co",
                     tasks=[("Quote A & B <Ltd>", date(2026, 10, 9), "done", date(2026, 10, 8))])
        plan.markets = "DE,PL"
        db.session.add(PlanAdjustment(plan_id=plan.id, author_id=users["manager"], made_on=date(2026, 10, 6),
                                      what_changed="Drop PL", reason="Price war"))
        db.session.commit()
        plan_id = plan.id
    r = login_as("rep1").get(f"/plans/{plan_id}/document")
    assert r.status_code == 200 and r.mimetype.endswith("wordprocessingml.document")
    doc = Document(io.BytesIO(r.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    text += "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    for expected in ("Sales Plan 销售计划", "Target A & B <Ltd> first", "Then <script> Co", "Quote A & B <Ltd>",
                     "Germany / 德国", "Monthly plan / 月度计划", "October 2026 / 2026年10月", "850,000.00",
                     "Done / 已完成", "Price war", "Approved / 已批准"):
        assert expected in text, expected
    assert login_as("rep2").get(f"/plans/{plan_id}/document").status_code == 404


def test_home_panels(app, login_as, users):
    from app.core.calendar import company_today

    with app.app_context():
        today = company_today()
        period = Period.month_of(today)
        _target(users["rep2"], year=today.year, month=today.month, amount="1000000")
        _plan(users["rep1"], year=today.year, month=today.month, status="approved",
              tasks=[("Due soon task", today, "open", None)])
        _plan(users["rep2"], kind="quarterly", year=today.year, quarter=(today.month - 1) // 3 + 1,
              status="submitted")
        db.session.commit()
        pacing_started = services.period_days(period).elapsed > 0
    rep = login_as("rep1")
    assert "Due soon task" in rep.htmx_get("/plans/panels/tasks-due").get_data(as_text=True)
    assert rep.get("/plans/panels/awaiting-approval").status_code == 403
    manager = login_as("manager")
    assert "Li Na" in manager.htmx_get("/plans/panels/awaiting-approval").get_data(as_text=True)
    off_pace = manager.htmx_get("/plans/panels/off-pace").get_data(as_text=True)
    if pacing_started:
        assert "Li Na" in off_pace
    home = manager.get("/").get_data(as_text=True)
    assert "/plans/panels/awaiting-approval" in home and "/plans/panels/tasks-due" not in home


def test_seeder_is_idempotent(app, users):
    from app.auth.models import User
    from app.plans.seed import seed_plans

    with app.app_context():
        people = {u.username: u for u in db.session.scalars(sa.select(User))}
        seed_plans(people)
        db.session.commit()
        counts = [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (SalesTarget, SalesPlan,
                                                                                          PlanTask)]
        seed_plans(people)
        db.session.commit()
        assert [db.session.scalar(sa.select(sa.func.count()).select_from(m))
                for m in (SalesTarget, SalesPlan, PlanTask)] == counts
        assert counts[0] == 37 and counts[1] == 2
        statuses = {p.owner.username: p.status for p in db.session.scalars(sa.select(SalesPlan))}
        assert statuses == {"rep1": "approved", "rep2": "submitted"}


@pytest.mark.parametrize("text,expected", [("1,200,000", Decimal("1200000.00")), (" 5 ", Decimal("5.00")),
                                           ("", None), ("0", Decimal("0.00"))])
def test_parse_target_amount(text, expected):
    assert services.parse_target_amount(text, "CNY") == expected
