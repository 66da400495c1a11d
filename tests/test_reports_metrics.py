"""The SPEC §3 metrics against hand-computed cases built from the other areas' real models, and the scorecard."""
import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.reports.periods import Period

MARCH = Period.month(2025, 3)


def utc_from_beijing(y, m, d, hh=12, mm=0):
    """Company time (UTC+8) → the naive UTC the models store."""
    return datetime(y, m, d, hh, mm) - timedelta(hours=8)


@pytest.fixture
def world(app, users):
    """Rows of every area for rep1 and rep2 around March 2025 (Q1); expected figures are in the tests."""
    from app.auth.models import Department
    from app.care.models import Interaction, SatisfactionSurvey
    from app.contracts.models import ComplianceReview, Contract, ContractVersion
    from app.coordination.models import ActionItem, Meeting, ResourceRequest
    from app.customers.models import Customer
    from app.plans.models import PlanTask, SalesPlan, SalesTarget
    from app.pricing.models import Negotiation, Quotation, QuotationLine, QuotationRevision
    from app.reports.models import MonthlyReport, NegotiationTarget
    from app.research.models import ResearchReport

    r1, r2, mgr = users["rep1"], users["rep2"], users["manager"]
    with app.app_context():
        # 1a: valid_at around the month boundaries (company time)
        for i, moment in enumerate([utc_from_beijing(2025, 3, 1, 0, 30), utc_from_beijing(2025, 3, 31, 23, 30),
                                    utc_from_beijing(2025, 4, 1, 0, 10), utc_from_beijing(2025, 2, 28, 23, 59)]):
            db.session.add(Customer(name=f"Valid {i}", country="US", owner_id=r1, stage="valid", valid_at=moment))
        buyer = Customer(name="A & B <Ltd>", country="GB", owner_id=r1, stage="won")
        db.session.add(buyer)
        db.session.flush()
        # 1b
        for acc, use, at in [(4, 5, utc_from_beijing(2025, 3, 3)), (3, 4, utc_from_beijing(2025, 3, 28)),
                             (1, 1, utc_from_beijing(2025, 4, 2))]:
            db.session.add(ResearchReport(owner_id=r1, title=f"Market {acc}", period_start_on=date(2025, 1, 1),
                                          period_end_on=date(2025, 3, 31), status="reviewed", accuracy_score=acc,
                                          usefulness_score=use, reviewed_at=at, reviewed_by_id=mgr))
        # 2a targets
        db.session.add(SalesTarget(user_id=r1, year=2025, quarter=1, month=None, target_amount=Decimal("100000")))
        for m in (1, 2, 3):
            db.session.add(SalesTarget(user_id=r2, year=2025, month=m, quarter=None, target_amount=Decimal("10000")))
        # contracts: (number, owner, status, currency, rate, total, signed_on, first submitted (UTC), versions, reviews)
        contracts = [
            ("SC-2025-0001", r1, "closed", "USD", "7.1", "10000", date(2025, 1, 15), datetime(2025, 1, 10, 2), 1,
             [(1, True, datetime(2025, 1, 12), True)]),
            ("SC-2025-0002", r1, "signed", "EUR", "7.8", "1000", date(2025, 3, 10), datetime(2025, 3, 5, 2), 1,
             [(1, True, datetime(2025, 3, 5, 6), True)]),
            ("SC-2025-0003", r1, "amended", "CNY", "1", "5000", date(2025, 3, 20), datetime(2025, 3, 13, 2), 2,
             [(1, False, datetime(2025, 3, 14), True), (2, True, datetime(2025, 3, 18), False)]),
            ("SC-2025-0004", r1, "signed", "USD", "7.2", "400", date(2025, 3, 31), datetime(2025, 3, 28, 16, 30), 1,
             [(1, False, datetime(2025, 3, 30), True)]),
            ("SC-2025-0005", r1, "signed", "USD", "7.2", "999", date(2025, 4, 1), datetime(2025, 3, 31, 2), 1, []),
            ("SC-2025-0006", r1, "draft", "USD", None, "777", None, None, 1, []),
            ("SC-2025-0007", r2, "signed", "CNY", "1", "30000", date(2025, 2, 10), datetime(2025, 2, 7, 2), 1,
             [(1, True, datetime(2025, 2, 8), True)]),
        ]
        for number, owner, status, cur, rate, total, signed_on, submitted, versions, reviews in contracts:
            c = Contract(number=number, customer_id=buyer.id, owner_id=owner, status=status, currency=cur,
                         exchange_rate=Decimal(rate) if rate else None, total_amount=Decimal(total), signed_on=signed_on,
                         first_submitted_at=submitted, current_version_no=versions)
            db.session.add(c)
            db.session.flush()
            for v in range(1, versions + 1):
                db.session.add(ContractVersion(contract_id=c.id, version_no=v, contract_on=date(2025, 1, 1),
                                               signed_on=signed_on if v == versions else None))
            for version_no, passed, at, first in reviews:
                db.session.add(ComplianceReview(contract_id=c.id, version_no=version_no, reviewer_id=users["legal"],
                                                reviewed_at=at, passed=passed, is_first_review=first))
        # 2b
        plan = SalesPlan(owner_id=r1, kind="monthly", year=2025, month=3, status="approved")
        db.session.add(plan)
        db.session.flush()
        for title, due, status, done in [("On time", date(2025, 3, 10), "done", date(2025, 3, 10)),
                                         ("Late", date(2025, 3, 20), "done", date(2025, 3, 22)),
                                         ("Open", date(2025, 3, 31), "open", None),
                                         ("Cancelled", date(2025, 3, 15), "cancelled", None),
                                         ("April", date(2025, 4, 1), "done", date(2025, 3, 30))]:
            db.session.add(PlanTask(plan_id=plan.id, owner_id=r1, title=title, due_on=due, status=status, done_on=done))
        # 3a / 3b
        for i, (overall, answered) in enumerate([(5, utc_from_beijing(2025, 3, 2)), (4, utc_from_beijing(2025, 3, 31, 23)),
                                                 (3, utc_from_beijing(2025, 3, 15)), (5, utc_from_beijing(2025, 4, 1, 0, 5)),
                                                 (None, None)]):
            db.session.add(SatisfactionSurvey(customer_id=buyer.id, created_by_id=r1, token_hash=f"t{i}",
                                              expires_at=datetime(2025, 5, 1), answered_at=answered, overall=overall))
        for i, (flag, at) in enumerate([(True, utc_from_beijing(2025, 3, 3)), (True, utc_from_beijing(2025, 3, 12)),
                                        (True, utc_from_beijing(2025, 3, 31, 23)), (False, utc_from_beijing(2025, 3, 5)),
                                        (True, utc_from_beijing(2025, 4, 1, 1))]):
            db.session.add(Interaction(customer_id=buyer.id, user_id=r1, kind="visit", occurred_at=at,
                                       summary=f"Visit {i}", is_follow_up_visit=flag))
        # 5a / 5b
        meeting = Meeting(title="Weekly sales meeting", starts_at=datetime(2025, 3, 1, 2), organiser_id=mgr)
        db.session.add(meeting)
        db.session.flush()
        for due, status, done in [(date(2025, 3, 3), "done", date(2025, 3, 3)), (date(2025, 3, 10), "done", date(2025, 3, 9)),
                                  (date(2025, 3, 17), "done", date(2025, 3, 17)), (date(2025, 3, 24), "done", date(2025, 3, 25)),
                                  (date(2025, 3, 28), "cancelled", None), (date(2025, 4, 2), "open", None)]:
            db.session.add(ActionItem(meeting_id=meeting.id, owner_id=r1, title=f"Item {due}", due_on=due, status=status,
                                      done_on=done))
        logistics = db.session.scalar(sa.select(Department.id).where(Department.code == "logistics"))
        for needed, status, fulfilled in [(date(2025, 3, 10), "fulfilled", date(2025, 3, 10)),
                                          (date(2025, 3, 20), "fulfilled", date(2025, 3, 21)),
                                          (date(2025, 3, 25), "rejected", None), (date(2025, 4, 5), "fulfilled", date(2025, 3, 1))]:
            db.session.add(ResourceRequest(requester_id=r1, department_id=logistics, kind="samples", title=f"Samples {needed}",
                                           needed_by_on=needed, status=status, fulfilled_on=fulfilled))
        # 6a / 6b
        for status, closed in [("won", date(2025, 1, 20)), ("won", date(2025, 3, 31)), ("lost", date(2025, 2, 2)),
                               ("won", date(2025, 4, 1)), ("open", None)]:
            db.session.add(Negotiation(customer_id=buyer.id, owner_id=r1, status=status, opened_on=date(2025, 1, 2),
                                       closed_on=closed, currency="USD"))
        db.session.add(NegotiationTarget(user_id=r1, year=2025, quarter=1, won_target=2))
        quotation = Quotation(number="QT-2025-0001", customer_id=buyer.id, owner_id=r1, status="sent",
                              sent_at=datetime(2025, 3, 12, 2), sent_on=date(2025, 3, 12))
        db.session.add(quotation)
        db.session.flush()
        for no, sent in [(1, datetime(2025, 3, 12, 2)), (2, datetime(2025, 4, 3, 2))]:
            rev = QuotationRevision(quotation_id=quotation.id, revision_no=no, quoted_on=sent.date(), currency="USD",
                                    incoterm="FOB", valid_until_on=date(2025, 5, 1), sent_at=sent, sent_on=sent.date())
            db.session.add(rev)
            db.session.flush()
            indexes = ["0.9", "1.1", "1.3", None] if no == 1 else ["0.1"]
            for i, index in enumerate(indexes):
                db.session.add(QuotationLine(revision_id=rev.id, position=i, description_en=f"Line {i}", quantity=Decimal(1),
                                             unit_price_amount=Decimal(1), line_amount=Decimal(1),
                                             price_index=Decimal(index) if index else None))
        # 7a / 7b: deadline of March 2025 is 8 April (Qingming on 4 April)
        db.session.add(MonthlyReport(owner_id=r1, year=2025, month=3, status="approved", deadline_on=date(2025, 4, 8),
                                     first_submitted_at=utc_from_beijing(2025, 4, 8, 23), reviewed_at=datetime(2025, 4, 9),
                                     correction_requested=False))
        db.session.add(MonthlyReport(owner_id=r2, year=2025, month=3, status="approved", deadline_on=date(2025, 4, 8),
                                     first_submitted_at=utc_from_beijing(2025, 4, 9, 0, 30), reviewed_at=datetime(2025, 4, 10),
                                     correction_requested=True))
        db.session.commit()
    return {"r1": r1, "r2": r2}


def _compute(fn, ids):
    return fn(MARCH, ids)


def test_1a_new_valid_customers_counts_company_month_boundaries(ctx, world):
    from app.reports.metrics import new_valid_customers

    out = _compute(new_valid_customers, [world["r1"], world["r2"]])
    assert (out[world["r1"]].value, out[world["r1"]].status, out[world["r1"]].target) == (2, "not_met", 10)
    assert out[world["r2"]].value == 0
    assert (out[None].value, out[None].target) == (2, 20)


def test_1b_research_quality_is_the_mean_score_of_reports_reviewed_in_the_month(ctx, world):
    from app.reports.metrics import research_quality

    out = _compute(research_quality, [world["r1"], world["r2"]])
    assert (out[world["r1"]].value, out[world["r1"]].status) == (Decimal("4.00"), "info")
    assert (out[world["r2"]].value, out[world["r2"]].status) == (None, "no_data")


def test_2a_sales_target_achievement_over_the_quarter_with_contract_rates(ctx, world):
    from app.reports.metrics import sales_target_achievement

    out = _compute(sales_target_achievement, [world["r1"], world["r2"]])
    r1 = out[world["r1"]]
    assert r1.numerator == Decimal("86680.00")  # 71 000 + 7 800 + 5 000 + 2 880; April and drafts excluded
    assert (r1.value, r1.status, r1.period.key) == (Decimal("0.8668"), "not_met", "2025-Q1")
    assert (out[world["r2"]].denominator, out[world["r2"]].value, out[world["r2"]].status) == (
        Decimal("30000"), Decimal("1.0000"), "met")
    assert out[None].value == Decimal("0.8975")  # 116 680 / 130 000


def test_2a_without_a_target_is_no_data_not_zero(ctx, users):
    from app.reports.metrics import sales_target_achievement

    out = sales_target_achievement(MARCH, [users["rep3"]])
    assert (out[users["rep3"]].value, out[users["rep3"]].status) == (None, "no_data")
    assert str(out[users["rep3"]].reason) in ("No target set", "未设定目标")


def test_2b_plan_execution(ctx, world):
    from app.reports.metrics import plan_execution

    r1 = _compute(plan_execution, [world["r1"]])[world["r1"]]
    assert (r1.numerator, r1.denominator, r1.value) == (1, 3, Decimal("0.3333"))


def test_3a_customer_satisfaction_counts_answers_received_in_the_month(ctx, world):
    from app.reports.metrics import customer_satisfaction

    out = _compute(customer_satisfaction, [world["r1"], world["r2"]])
    assert (out[world["r1"]].numerator, out[world["r1"]].denominator, out[world["r1"]].status) == (2, 3, "not_met")
    assert out[world["r1"]].value == Decimal("0.6667")
    assert (out[world["r2"]].value, out[world["r2"]].status) == (None, "no_data")


def test_3b_followup_visits(ctx, world):
    from app.reports.metrics import followup_visits

    r1 = _compute(followup_visits, [world["r1"]])[world["r1"]]
    assert (r1.value, r1.status) == (3, "met")


def test_4a_compliance_of_the_signed_version_and_first_pass_rate(ctx, world):
    from app.reports.metrics import contract_compliance, contract_first_pass

    r1 = _compute(contract_compliance, [world["r1"], world["r2"]])
    assert (r1[world["r1"]].numerator, r1[world["r1"]].denominator, r1[world["r1"]].status) == (2, 3, "not_met")
    assert r1[world["r2"]].value is None
    first = _compute(contract_first_pass, [world["r1"]])[world["r1"]]
    assert (first.numerator, first.denominator) == (1, 3)


def test_4b_turnaround_counts_working_days_from_first_submission(ctx, world):
    from app.reports.metrics import contract_turnaround

    r1 = _compute(contract_turnaround, [world["r1"]])[world["r1"]]
    assert (r1.numerator, r1.denominator, r1.value) == (2, 3, Decimal("0.6667"))


def test_4b_turnaround_across_the_national_day_holiday(ctx, users):
    from app.contracts.models import Contract
    from app.customers.models import Customer
    from app.reports.metrics import contract_turnaround

    customer = Customer(name="Holiday Buyer", country="DE", owner_id=users["rep1"])
    db.session.add(customer)
    db.session.flush()
    # submitted Tue 30 Sep 2025, signed Fri 10 Oct: 1–8 October are holidays, so only 9 and 10 October count
    db.session.add(Contract(number="SC-2025-0101", customer_id=customer.id, owner_id=users["rep1"], status="signed",
                            currency="CNY", exchange_rate=Decimal(1), total_amount=Decimal(1), signed_on=date(2025, 10, 10),
                            first_submitted_at=utc_from_beijing(2025, 9, 30, 10)))
    # submitted Thu 9 Oct, signed Wed 15 Oct: 10, 11 (调休 Saturday), 13, 14, 15 → 5 working days, too slow
    db.session.add(Contract(number="SC-2025-0102", customer_id=customer.id, owner_id=users["rep1"], status="signed",
                            currency="CNY", exchange_rate=Decimal(1), total_amount=Decimal(1), signed_on=date(2025, 10, 15),
                            first_submitted_at=utc_from_beijing(2025, 10, 9, 10)))
    db.session.commit()
    r1 = contract_turnaround(Period.month(2025, 10), [users["rep1"]])[users["rep1"]]
    assert (r1.numerator, r1.denominator) == (1, 2)


def test_5a_meeting_achievement_and_5b_resource_timeliness(ctx, world):
    from app.reports.metrics import meeting_achievement, resource_timeliness

    a = _compute(meeting_achievement, [world["r1"]])[world["r1"]]
    assert (a.numerator, a.denominator, a.value, a.status) == (3, 4, Decimal("0.7500"), "not_met")
    b = _compute(resource_timeliness, [world["r1"]])[world["r1"]]
    assert (b.numerator, b.denominator, b.status) == (1, 3, "not_met")


def test_6a_negotiations_won_in_the_quarter_and_win_rate(ctx, world):
    from app.reports.metrics import negotiation_success, negotiation_win_rate

    won = _compute(negotiation_success, [world["r1"], world["r2"]])
    assert (won[world["r1"]].value, won[world["r1"]].target, won[world["r1"]].status) == (2, 2, "met")
    assert (won[world["r2"]].value, won[world["r2"]].status) == (0, "info")  # no target set: shown only
    rate = _compute(negotiation_win_rate, [world["r1"]])[world["r1"]]
    assert (rate.numerator, rate.denominator, rate.value) == (2, 3, Decimal("0.6667"))


def test_6b_median_price_index_of_lines_sent_in_the_month(ctx, world):
    from app.reports.metrics import quote_competitiveness

    out = _compute(quote_competitiveness, [world["r1"], world["r2"]])
    assert (out[world["r1"]].value, out[world["r1"]].denominator) == (Decimal("1.1000"), 3)
    assert out[world["r2"]].value is None


def test_7a_report_timeliness_uses_the_company_date_of_the_first_submission(ctx, world, users):
    from app.reports.metrics import report_timeliness

    out = _compute(report_timeliness, [world["r1"], world["r2"], users["rep3"]])
    assert out[world["r1"]].status == "met"  # 23:00 on 8 April in Beijing
    assert out[world["r2"]].status == "not_met"  # 00:30 on 9 April in Beijing, though still 8 April in UTC
    assert (out[users["rep3"]].value, out[users["rep3"]].status) == (Decimal("0.0000"), "not_met")  # never submitted
    assert out[None].value == Decimal("0.3333")
    current = report_timeliness(Period.current(), [users["rep3"]])[users["rep3"]]
    assert (current.value, current.status) == (None, "no_data")
    assert str(current.reason) in ("Not due yet", "尚未到期")


def test_7b_data_accuracy(ctx, world):
    from app.reports.metrics import data_accuracy

    out = _compute(data_accuracy, [world["r1"], world["r2"]])
    assert (out[world["r1"]].value, out[world["r2"]].value, out[None].value) == (
        Decimal("1.0000"), Decimal("0.0000"), Decimal("0.5000"))


def test_metric_of_an_area_not_built_shows_no_data_with_the_reason(ctx, users, monkeypatch):
    from app.reports import metrics

    monkeypatch.setattr(metrics, "area_model", lambda module, name: None)
    for fn in (metrics.research_quality, metrics.sales_target_achievement, metrics.customer_satisfaction,
               metrics.contract_compliance, metrics.meeting_achievement, metrics.quote_competitiveness):
        result = fn(MARCH, [users["rep1"]])[users["rep1"]]
        assert (result.value, result.status) == (None, "no_data")
        assert str(result.reason) in ("Area not built yet", "该模块尚未上线")
    assert metrics.records("3a", MARCH, [users["rep1"]]).query is None


def test_all_metrics_for_many_reps_take_a_constant_number_of_queries(app, ctx, world, make_user):
    from app.reports.metrics import compute_all

    counter = []

    def count(_conn, _cursor, statement, *_args):
        counter.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        compute_all(MARCH, [world["r1"], world["r2"]])  # loads the settings once per request
        counter.clear()
        compute_all(MARCH, [world["r1"], world["r2"]])
        two = len(counter)
        extra = [make_user(f"extra{i}") for i in range(8)]
        counter.clear()
        compute_all(MARCH, [world["r1"], world["r2"], *extra])
        assert len(counter) == two, counter
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


# ---------------------------------------------------------------- scorecard pages

CODES = ["1a", "1b", "2a", "2b", "3a", "3b", "4a", "4a_first_pass", "4b", "5a", "5b", "6a", "6a_win_rate", "6b", "7a", "7b"]


def test_scorecard_json_has_every_code_and_agrees_with_the_html(login_as, world):
    manager = login_as("manager")
    data = json.loads(manager.get(f"/reports/scorecard/{world['r1']}/2025-03.json").data)
    assert [m["code"] for m in data["metrics"]] == CODES
    assert data["period"] == "2025-03" and data["user"]["username"] == "rep1"
    by_code = {m["code"]: m for m in data["metrics"]}
    assert by_code["3a"] == {**by_code["3a"], "value": 0.6667, "unit": "ratio", "target": 0.85, "status": "not_met"}
    assert by_code["2a"]["period"] == "2025-Q1" and by_code["3b"]["value"] == 3 and by_code["1b"]["status"] == "info"
    assert by_code["3a"]["records_url"].endswith(f"/reports/scorecard/{world['r1']}/2025-03/records/3a")
    html = login_as("manager").get(f"/reports/scorecard/{world['r1']}/2025-03").get_data(as_text=True)
    assert 'data-metric="3a">66.7%<' in html and 'data-metric="3b">3<' in html and 'data-metric="2a">86.7%<' in html
    assert 'data-metric="1b">4.00<' in html and 'data-metric="6b">1.10<' in html


def test_rep_sees_only_their_own_scorecard(login_as, world):
    rep = login_as("rep1")
    assert rep.get(f"/reports/scorecard/{world['r1']}/2025-03").status_code == 200
    assert rep.get(f"/reports/scorecard/{world['r2']}/2025-03").status_code == 404
    assert rep.get(f"/reports/scorecard/{world['r2']}/2025-03.json").status_code == 404
    assert rep.get(f"/reports/scorecard/{world['r2']}/2025-03/records/3a").status_code == 404
    assert rep.get("/reports/scorecard/team/2025-03").status_code == 403
    assert rep.get(f"/reports/scorecard/{world['r1']}/2025-13").status_code == 404


def test_drill_down_lists_exactly_the_surveys_counted(login_as, world):
    html = login_as("manager").get(f"/reports/scorecard/{world['r1']}/2025-03/records/3a").get_data(as_text=True)
    table = html.split('id="records"')[1]
    assert table.count("<tr>") == 4  # header + the three answers received in March (not April's, not the unanswered one)
    assert "A &amp; B &lt;Ltd&gt;" in table
    assert 'id="metric-value">66.7%<' in html


def test_team_scorecard_has_a_row_per_rep_team_figures_and_a_printable_sheet_per_rep(login_as, world, users):
    manager = login_as("manager")
    html = manager.get("/reports/scorecard/team/2025-03").get_data(as_text=True)
    assert "reports-sheet" not in html  # the screen shows the table; the sheets are built for printing only
    for rep in ("r1", "r2"):
        assert f"/reports/scorecard/{world[rep]}/2025-03/records/2a" in html
    assert "/reports/scorecard/team/2025-03/records/2a" in html
    assert "/reports/scorecard/team/2025-03/print" in html
    sheets = manager.get("/reports/scorecard/team/2025-03/print").get_data(as_text=True)
    assert sheets.count('<section class="reports-sheet') == 3  # rep1, rep2, rep3
    assert sheets.count("page-break") == 2
    assert f"/reports/scorecard/{world['r1']}/2025-03/records/3a" in sheets
    assert login_as("rep1").get("/reports/scorecard/team/2025-03/print").status_code == 403
    team = login_as("manager").get("/reports/scorecard/team/2025-03/records/2a").get_data(as_text=True)
    assert team.count("SC-2025-000") == 5  # four of rep1's and rep2's contract signed in Q1


def test_manager_comments_and_sets_the_negotiation_target(app, login_as, world):
    from app.reports.models import NegotiationTarget, ScorecardComment

    manager = login_as("manager")
    response = manager.post(f"/reports/scorecard/{world['r2']}/2025-03/comment",
                            data={"comment": "Good <work> & keep going", "version_id": "0"})
    assert response.status_code == 303
    stale = manager.post(f"/reports/scorecard/{world['r2']}/2025-03/comment", data={"comment": "other", "version_id": "0"})
    assert stale.status_code == 303
    manager.post(f"/reports/scorecard/{world['r2']}/2025-02/negotiation-target", data={"won_target": "4"})
    bad = manager.post(f"/reports/scorecard/{world['r2']}/2025-02/negotiation-target", data={"won_target": "-1"})
    assert bad.status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(ScorecardComment.comment)) == "Good <work> & keep going"
        assert db.session.scalar(sa.select(NegotiationTarget.won_target).where(
            NegotiationTarget.user_id == world["r2"])) == 4
    html = login_as("rep2").get(f"/reports/scorecard/{world['r2']}/2025-03").get_data(as_text=True)
    assert "Good &lt;work&gt; &amp; keep going" in html
    assert login_as("rep2").post(f"/reports/scorecard/{world['r2']}/2025-03/comment",
                                 data={"comment": "self praise", "version_id": "1"}).status_code == 403


def test_scorecard_json_is_also_plain_for_a_rep_with_no_data(login_as, users):
    data = json.loads(login_as("rep3").get(f"/reports/scorecard/{users['rep3']}/2025-03.json").data)
    by_code = {m["code"]: m for m in data["metrics"]}
    assert by_code["3a"]["value"] is None and by_code["3a"]["status"] == "no_data"
    assert by_code["1a"]["value"] == 0 and by_code["1a"]["status"] == "not_met"


def test_median_price_index_is_exact_for_odd_and_even_counts():
    from decimal import Decimal

    from app.reports.metrics import _median

    assert _median([1.123456, 0.5, 2.0]) == Decimal("1.123456")
    assert _median([0.9, 1.1]) == Decimal("1.0")
    assert _median([0.333333, 0.333334]) == Decimal("0.3333335")
