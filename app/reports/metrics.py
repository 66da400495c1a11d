"""The assessment metrics of SPEC §3, one function per metric, named after it; the docstring is the definition.

Every function takes a ``Period`` (a calendar month; 2a and 6a use the quarter containing it) and the
reps to assess, and returns ``{user_id: MetricResult, …, None: team result}`` computed with a fixed
number of grouped queries, whatever the number of reps. A metric without data has ``value`` None and
a ``reason`` ("no data", "area not built yet", …) — never a made-up 0 % or 100 %.
``records(code, period, user_ids)`` gives the query of the records a figure counted (the drill-down).
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from app.core import workdays
from app.core.calendar import company_today, overrides, to_company_date
from app.core.settings import get_setting
from app.customers.models import Customer
from app.extensions import db
from app.reports.models import MonthlyReport, NegotiationTarget
from app.reports.periods import Period
from app.reports.services import SIGNED_STATUSES, area_model

RATIO = Decimal("0.0001")
CENT = Decimal("0.01")

NO_DATA = _l("No data")
NOT_BUILT = _l("Area not built yet")
NO_TARGET = _l("No target set")
NOT_DUE = _l("Not due yet")


@dataclass
class MetricResult:
    code: str
    value: Decimal | int | None
    target: Decimal | int | None
    status: str
    unit: str
    period: Period
    numerator: Decimal | int | None = None
    denominator: Decimal | int | None = None
    reason: object = None
    user_id: int | None = None


@dataclass
class Drill:
    """The records behind a figure: a select of rows and how to show each column."""

    query: sa.Select | None
    columns: list[tuple[object, Callable]] = field(default_factory=list)
    reason: object = None


def _ratio(n, d) -> Decimal | None:
    if not d:
        return None
    return (Decimal(n) / Decimal(d)).quantize(RATIO, rounding=ROUND_HALF_UP)


def _percent_target(key: str) -> Decimal:
    return (Decimal(get_setting(key)) / 100).quantize(RATIO)


def _status(value, target, higher_is_better: bool = True) -> str:
    if value is None:
        return "no_data"
    if target is None:
        return "info"
    return "met" if (value >= target if higher_is_better else value <= target) else "not_met"


def _missing(code: str, period: Period, user_ids, unit: str, reason, target=None) -> dict:
    out = {uid: MetricResult(code, None, target, "no_data", unit, period, reason=reason, user_id=uid)
           for uid in user_ids}
    out[None] = MetricResult(code, None, target, "no_data", unit, period, reason=reason)
    return out


def _ratio_results(code: str, period: Period, user_ids, counts: dict, target) -> dict:
    """counts: user_id → (numerator, denominator); team = pooled numerator / pooled denominator."""
    out = {}
    for uid in user_ids:
        n, d = counts.get(uid, (0, 0))
        value = _ratio(n, d)
        out[uid] = MetricResult(code, value, target, _status(value, target), "percent", period, n, d,
                                None if value is not None else NO_DATA, uid)
    n = sum(counts.get(uid, (0, 0))[0] for uid in user_ids)
    d = sum(counts.get(uid, (0, 0))[1] for uid in user_ids)
    value = _ratio(n, d)
    out[None] = MetricResult(code, value, target, _status(value, target), "percent", period, n, d,
                             None if value is not None else NO_DATA)
    return out


def _count_results(code: str, period: Period, user_ids, counts: dict, target) -> dict:
    out = {uid: MetricResult(code, counts.get(uid, 0), target, _status(counts.get(uid, 0), target), "count",
                             period, counts.get(uid, 0), None, None, uid) for uid in user_ids}
    total = sum(counts.get(uid, 0) for uid in user_ids)
    team_target = target * len(user_ids) if target is not None else None
    out[None] = MetricResult(code, total, team_target, _status(total, team_target), "count", period, total)
    return out


def _between_utc(column, period: Period):
    return sa.and_(column >= period.start_utc, column < period.end_utc)


def _between_on(column, period: Period):
    return sa.and_(column >= period.first, column <= period.last)


def _grouped(query) -> dict:
    return {row[0]: tuple(int(v or 0) for v in row[1:]) for row in db.session.execute(query)}


# ---------------------------------------------------------------- 1 research & lead discovery

def new_valid_customers(period: Period, user_ids: list[int]) -> dict:
    """1a New valid customers: customers owned by the rep whose ``valid_at`` falls in the month (target ≥ 10)."""
    rows = db.session.execute(
        sa.select(Customer.owner_id, sa.func.count(Customer.id))
        .where(Customer.owner_id.in_(user_ids), _between_utc(Customer.valid_at, period))
        .group_by(Customer.owner_id))
    return _count_results("1a", period, user_ids, dict(rows.all()), get_setting("target_new_valid_customers"))


def research_quality(period: Period, user_ids: list[int]) -> dict:
    """1b Research quality: mean manager score (1–5, accuracy and usefulness together) of the rep's research
    reports reviewed in the period (shown, no target)."""
    report = area_model("app.research.models", "ResearchReport")
    if report is None:
        return _missing("1b", period, user_ids, "score", NOT_BUILT)
    rows = (
        sa.select(report.owner_id,
                  sa.func.sum(sa.func.coalesce(report.accuracy_score, 0) + sa.func.coalesce(report.usefulness_score, 0)),
                  sa.func.sum(sa.case((report.accuracy_score.is_not(None), 1), else_=0)
                              + sa.case((report.usefulness_score.is_not(None), 1), else_=0)))
        .where(report.owner_id.in_(user_ids), _between_utc(report.reviewed_at, period))
        .group_by(report.owner_id))
    sums = _grouped(rows)
    out = {}
    for uid in [*user_ids, None]:
        parts = [sums.get(u, (0, 0)) for u in (user_ids if uid is None else [uid])]
        total, scores = sum(p[0] for p in parts), sum(p[1] for p in parts)
        value = (Decimal(total) / scores).quantize(CENT, rounding=ROUND_HALF_UP) if scores else None
        out[uid] = MetricResult("1b", value, None, _status(value, None), "score", period, total, scores,
                                None if value is not None else NO_DATA, uid)
    return out


# ---------------------------------------------------------------- 2 plans & targets

def _quarter_targets(quarter: Period, user_ids: list[int]) -> dict:
    """The quarter's target per rep: the quarterly target if set, else the sum of the quarter's monthly ones."""
    target = area_model("app.plans.models", "SalesTarget")
    months = [m.month for m in quarter.months()]
    rows = db.session.execute(
        sa.select(target.user_id, target.month, target.quarter, target.target_amount)
        .where(target.user_id.in_(user_ids), target.year == quarter.year, target.target_amount.is_not(None),
               sa.or_(sa.and_(target.quarter == quarter.quarter_no, target.month.is_(None)), target.month.in_(months))))
    quarterly, monthly = {}, {}
    for uid, month, _q, amount in rows:
        if month is None:
            quarterly[uid] = Decimal(amount)
        else:
            monthly[uid] = monthly.get(uid, Decimal(0)) + Decimal(amount)
    return {uid: quarterly.get(uid, monthly.get(uid)) for uid in user_ids
            if quarterly.get(uid, monthly.get(uid)) is not None}


def sales_target_achievement(period: Period, user_ids: list[int]) -> dict:
    """2a Sales target achievement: contracts signed in the quarter (status signed, amended or closed; amount
    × the contract's rate, in base currency) / the quarter's target (target ≥ 90 %)."""
    quarter = period.containing_quarter()
    contract = area_model("app.contracts.models", "Contract")
    target_model = area_model("app.plans.models", "SalesTarget")
    goal = _percent_target("target_sales_achievement_percent")
    if contract is None or target_model is None:
        return _missing("2a", quarter, user_ids, "percent", NOT_BUILT, goal)
    signed = {uid: Decimal(str(amount or 0)).quantize(CENT) for uid, amount in db.session.execute(
        sa.select(contract.owner_id, sa.func.sum(contract.total_amount * contract.exchange_rate))
        .where(contract.owner_id.in_(user_ids), contract.status.in_(SIGNED_STATUSES),
               _between_on(contract.signed_on, quarter))
        .group_by(contract.owner_id))}
    targets = _quarter_targets(quarter, user_ids)
    out = {}
    for uid in user_ids:
        amount, tgt = signed.get(uid, Decimal("0.00")), targets.get(uid)
        value = _ratio(amount, tgt) if tgt else None
        out[uid] = MetricResult("2a", value, goal, _status(value, goal), "percent", quarter, amount, tgt,
                                None if value is not None else NO_TARGET, uid)
    with_target = [uid for uid in user_ids if targets.get(uid)]
    amount = sum((signed.get(uid, Decimal(0)) for uid in with_target), Decimal("0.00"))
    tgt = sum((targets[uid] for uid in with_target), Decimal(0)) or None
    value = _ratio(amount, tgt) if tgt else None
    out[None] = MetricResult("2a", value, goal, _status(value, goal), "percent", quarter, amount, tgt,
                             None if value is not None else NO_TARGET)
    return out


def plan_execution(period: Period, user_ids: list[int]) -> dict:
    """2b Plan execution: plan tasks due in the period (not cancelled) done on or before their due date /
    tasks due (shown)."""
    task = area_model("app.plans.models", "PlanTask")
    if task is None:
        return _missing("2b", period, user_ids, "percent", NOT_BUILT)
    on_time = sa.and_(task.status == "done", task.done_on.is_not(None), task.done_on <= task.due_on)
    counts = _grouped(
        sa.select(task.owner_id, sa.func.sum(sa.case((on_time, 1), else_=0)), sa.func.count(task.id))
        .where(task.owner_id.in_(user_ids), _between_on(task.due_on, period), task.status != "cancelled")
        .group_by(task.owner_id))
    return _ratio_results("2b", period, user_ids, counts, None)


# ---------------------------------------------------------------- 3 customer relationship

def customer_satisfaction(period: Period, user_ids: list[int]) -> dict:
    """3a Customer satisfaction: survey responses with overall ≥ 4 / all responses received in the period,
    counted for the rep who sent the survey (target ≥ 85 %)."""
    survey = area_model("app.care.models", "SatisfactionSurvey")
    goal = _percent_target("target_csat_percent")
    if survey is None:
        return _missing("3a", period, user_ids, "percent", NOT_BUILT, goal)
    counts = _grouped(
        sa.select(survey.created_by_id, sa.func.sum(sa.case((survey.overall >= 4, 1), else_=0)),
                  sa.func.count(survey.id))
        .where(survey.created_by_id.in_(user_ids), _between_utc(survey.answered_at, period),
               survey.overall.is_not(None))
        .group_by(survey.created_by_id))
    return _ratio_results("3a", period, user_ids, counts, goal)


def followup_visits(period: Period, user_ids: list[int]) -> dict:
    """3b Follow-up visits: interactions flagged as follow-up visits (回访) by the rep in the month (target ≥ 3)."""
    interaction = area_model("app.care.models", "Interaction")
    target = get_setting("target_followup_visits")
    if interaction is None:
        return _missing("3b", period, user_ids, "count", NOT_BUILT, target)
    rows = db.session.execute(
        sa.select(interaction.user_id, sa.func.count(interaction.id))
        .where(interaction.user_id.in_(user_ids), interaction.is_follow_up_visit.is_(True),
               _between_utc(interaction.occurred_at, period))
        .group_by(interaction.user_id))
    return _count_results("3b", period, user_ids, dict(rows.all()), target)


# ---------------------------------------------------------------- 4 contracts

def _signed_version_no(contract, version):
    """The version that was signed: the earliest version with a signing date, else the current one."""
    first_signed = (sa.select(sa.func.min(version.version_no))
                    .where(version.contract_id == contract.id, version.signed_on.is_not(None))
                    .correlate_except(version).scalar_subquery())
    return sa.func.coalesce(first_signed, contract.current_version_no)


def _compliance_parts():
    contract = area_model("app.contracts.models", "Contract")
    version = area_model("app.contracts.models", "ContractVersion")
    review = area_model("app.contracts.models", "ComplianceReview")
    if contract is None or version is None or review is None:
        return None
    passed = sa.exists().where(review.contract_id == contract.id, review.passed.is_(True),
                               review.version_no == _signed_version_no(contract, version))
    return contract, review, passed


def contract_compliance(period: Period, user_ids: list[int]) -> dict:
    """4a Contract compliance: contracts signed in the period whose signed version passed compliance review /
    contracts signed (target 100 %)."""
    parts = _compliance_parts()
    if parts is None:
        return _missing("4a", period, user_ids, "percent", NOT_BUILT, Decimal(1))
    contract, _review, passed = parts
    counts = _grouped(
        sa.select(contract.owner_id, sa.func.sum(sa.case((passed, 1), else_=0)), sa.func.count(contract.id))
        .where(contract.owner_id.in_(user_ids), contract.status.in_(SIGNED_STATUSES),
               _between_on(contract.signed_on, period))
        .group_by(contract.owner_id))
    return _ratio_results("4a", period, user_ids, counts, Decimal(1))


def contract_first_pass(period: Period, user_ids: list[int]) -> dict:
    """4a (first-pass rate): first compliance reviews of the rep's contracts made in the period that passed /
    first reviews made in the period (target 100 %)."""
    parts = _compliance_parts()
    if parts is None:
        return _missing("4a_first_pass", period, user_ids, "percent", NOT_BUILT, Decimal(1))
    contract, review, _passed = parts
    counts = _grouped(
        sa.select(contract.owner_id, sa.func.sum(sa.case((review.passed.is_(True), 1), else_=0)),
                  sa.func.count(review.id))
        .join(contract, contract.id == review.contract_id)
        .where(contract.owner_id.in_(user_ids), review.is_first_review.is_(True),
               _between_utc(review.reviewed_at, period))
        .group_by(contract.owner_id))
    return _ratio_results("4a_first_pass", period, user_ids, counts, Decimal(1))


def _turnaround_days(first_submitted_at: datetime | None, signed_on: date | None, holidays: dict) -> int | None:
    if first_submitted_at is None or signed_on is None:
        return None
    return workdays.working_days_between(to_company_date(first_submitted_at), signed_on, holidays)


def contract_turnaround(period: Period, user_ids: list[int]) -> dict:
    """4b Contract turnaround: contracts signed in the period within N working days (setting, default 3) of
    their first submission for review / contracts signed (target 100 %)."""
    contract = area_model("app.contracts.models", "Contract")
    if contract is None:
        return _missing("4b", period, user_ids, "percent", NOT_BUILT, Decimal(1))
    limit = get_setting("contract_turnaround_working_days")
    rows = db.session.execute(
        sa.select(contract.owner_id, contract.first_submitted_at, contract.signed_on)
        .where(contract.owner_id.in_(user_ids), contract.status.in_(SIGNED_STATUSES),
               _between_on(contract.signed_on, period))).all()
    holidays = overrides()
    counts: dict[int, list[int]] = {}
    known: dict[tuple, int | None] = {}  # many contracts share their submission and signing days
    for owner_id, submitted_at, signed_on in rows:
        key = (to_company_date(submitted_at) if submitted_at else None, signed_on)
        if key not in known:
            known[key] = _turnaround_days(submitted_at, signed_on, holidays)
        days = known[key]
        entry = counts.setdefault(owner_id, [0, 0])
        entry[0] += 1 if days is not None and days <= limit else 0
        entry[1] += 1
    return _ratio_results("4b", period, user_ids, {k: tuple(v) for k, v in counts.items()}, Decimal(1))


# ---------------------------------------------------------------- 5 coordination

def meeting_achievement(period: Period, user_ids: list[int]) -> dict:
    """5a Meeting achievement: action items due in the period (not cancelled) done by their due date /
    action items due (target ≥ 80 %)."""
    item = area_model("app.coordination.models", "ActionItem")
    goal = _percent_target("target_meeting_achievement_percent")
    if item is None:
        return _missing("5a", period, user_ids, "percent", NOT_BUILT, goal)
    on_time = sa.and_(item.status == "done", item.done_on.is_not(None), item.done_on <= item.due_on)
    counts = _grouped(
        sa.select(item.owner_id, sa.func.sum(sa.case((on_time, 1), else_=0)), sa.func.count(item.id))
        .where(item.owner_id.in_(user_ids), _between_on(item.due_on, period), item.status != "cancelled")
        .group_by(item.owner_id))
    return _ratio_results("5a", period, user_ids, counts, goal)


def resource_timeliness(period: Period, user_ids: list[int]) -> dict:
    """5b Resource timeliness: the rep's resource requests with a needed-by date in the period fulfilled on or
    before it / such requests (target ≥ 95 %)."""
    request = area_model("app.coordination.models", "ResourceRequest")
    goal = _percent_target("target_resource_timeliness_percent")
    if request is None:
        return _missing("5b", period, user_ids, "percent", NOT_BUILT, goal)
    on_time = sa.and_(request.status == "fulfilled", request.fulfilled_on.is_not(None),
                      request.fulfilled_on <= request.needed_by_on)
    counts = _grouped(
        sa.select(request.requester_id, sa.func.sum(sa.case((on_time, 1), else_=0)), sa.func.count(request.id))
        .where(request.requester_id.in_(user_ids), _between_on(request.needed_by_on, period))
        .group_by(request.requester_id))
    return _ratio_results("5b", period, user_ids, counts, goal)


# ---------------------------------------------------------------- 6 negotiation & quotations

def negotiation_success(period: Period, user_ids: list[int]) -> dict:
    """6a Negotiation success: negotiations closed as won in the quarter, against the count set per rep by the
    manager (no target set: shown)."""
    quarter = period.containing_quarter()
    negotiation = area_model("app.pricing.models", "Negotiation")
    if negotiation is None:
        return _missing("6a", quarter, user_ids, "count", NOT_BUILT)
    won = dict(db.session.execute(
        sa.select(negotiation.owner_id, sa.func.count(negotiation.id))
        .where(negotiation.owner_id.in_(user_ids), negotiation.status == "won",
               _between_on(negotiation.closed_on, quarter))
        .group_by(negotiation.owner_id)).all())
    targets = dict(db.session.execute(
        sa.select(NegotiationTarget.user_id, NegotiationTarget.won_target)
        .where(NegotiationTarget.user_id.in_(user_ids), NegotiationTarget.year == quarter.year,
               NegotiationTarget.quarter == quarter.quarter_no)).all())
    out = {}
    for uid in user_ids:
        value, target = int(won.get(uid, 0)), targets.get(uid)
        out[uid] = MetricResult("6a", value, target, _status(value, target), "count", quarter, value, None,
                                None if target is not None else NO_TARGET, uid)
    total = sum(int(won.get(uid, 0)) for uid in user_ids)
    team_target = sum(targets.values()) if targets and len(targets) == len(user_ids) else None
    out[None] = MetricResult("6a", total, team_target, _status(total, team_target), "count", quarter, total)
    return out


def negotiation_win_rate(period: Period, user_ids: list[int]) -> dict:
    """6a (win rate): negotiations won in the quarter / negotiations closed (won or lost) in the quarter (shown)."""
    quarter = period.containing_quarter()
    negotiation = area_model("app.pricing.models", "Negotiation")
    if negotiation is None:
        return _missing("6a_win_rate", quarter, user_ids, "percent", NOT_BUILT)
    counts = _grouped(
        sa.select(negotiation.owner_id, sa.func.sum(sa.case((negotiation.status == "won", 1), else_=0)),
                  sa.func.count(negotiation.id))
        .where(negotiation.owner_id.in_(user_ids), negotiation.status.in_(("won", "lost")),
               _between_on(negotiation.closed_on, quarter))
        .group_by(negotiation.owner_id))
    return _ratio_results("6a_win_rate", quarter, user_ids, counts, None)


def _sent_lines(period: Period, user_ids: list[int]):
    quotation = area_model("app.pricing.models", "Quotation")
    revision = area_model("app.pricing.models", "QuotationRevision")
    line = area_model("app.pricing.models", "QuotationLine")
    if quotation is None or revision is None or line is None or not hasattr(line, "price_index"):
        return None
    return quotation, revision, line, (
        sa.select(quotation.owner_id, line.price_index)
        .join(revision, revision.id == line.revision_id).join(quotation, quotation.id == revision.quotation_id)
        .where(quotation.owner_id.in_(user_ids), _between_on(revision.sent_on, period),
               line.price_index.is_not(None)))


def _median(values: list[float]) -> Decimal:
    values = sorted(values)
    middle = len(values) // 2
    if len(values) % 2:
        return Decimal(repr(values[middle]))
    return (Decimal(repr(values[middle - 1])) + Decimal(repr(values[middle]))) / 2


def quote_competitiveness(period: Period, user_ids: list[int]) -> dict:
    """6b Quote competitiveness: median price index (our unit price / mean competitor price for the same
    product, currency-converted, as computed when the line was priced) over quotation lines sent in the
    period; below 1 means cheaper than the competition (shown)."""
    parts = _sent_lines(period, user_ids)
    if parts is None:
        return _missing("6b", period, user_ids, "index", NOT_BUILT)
    # A month has thousands of priced lines: they are read as floats only to be put in order (exact for the
    # six decimals an index has), and the middle one or two become Decimal again for the median itself.
    line = parts[2]
    values: dict[int, list[float]] = {}
    for owner_id, index in db.session.execute(parts[3].with_only_columns(
            parts[0].owner_id, sa.type_coerce(line.price_index, sa.Float))):
        values.setdefault(owner_id, []).append(index)
    out = {}
    for uid in [*user_ids, None]:
        pool = [v for u in (user_ids if uid is None else [uid]) for v in values.get(u, [])]
        value = _median(pool).quantize(RATIO, rounding=ROUND_HALF_UP) if pool else None
        out[uid] = MetricResult("6b", value, None, _status(value, None), "index", period, None, len(pool),
                                None if value is not None else NO_DATA, uid)
    return out


# ---------------------------------------------------------------- 7 sales analysis & reports

def report_timeliness(period: Period, user_ids: list[int]) -> dict:
    """7a Report timeliness: the monthly report of the month submitted (first submission) by its deadline,
    the Nth working day of the next month (setting, default 5th); before the deadline an unsubmitted
    report is not due yet (target: on time every month)."""
    from app.reports.monthly import deadline_for

    reports = {r.owner_id: r for r in db.session.scalars(
        sa.select(MonthlyReport).where(MonthlyReport.owner_id.in_(user_ids), MonthlyReport.year == period.year,
                                       MonthlyReport.month == period.month_no))}
    default_deadline = deadline_for(period.year, period.month_no)
    today = company_today()
    counts, not_due = {}, set()
    for uid in user_ids:
        report = reports.get(uid)
        deadline = report.deadline_on if report else default_deadline
        submitted = report.first_submitted_at if report else None
        if submitted is not None:
            counts[uid] = (1 if to_company_date(submitted) <= deadline else 0, 1)
        elif today > deadline:
            counts[uid] = (0, 1)
        else:
            not_due.add(uid)
    out = _ratio_results("7a", period, user_ids, counts, Decimal(1))
    for uid in not_due:
        out[uid].reason = NOT_DUE
    return out


def data_accuracy(period: Period, user_ids: list[int]) -> dict:
    """7b Data accuracy: monthly reports of the period approved without a correction request / reports of the
    period the manager has reviewed (shown)."""
    clean = sa.and_(MonthlyReport.status == "approved", MonthlyReport.correction_requested.is_(False))
    counts = _grouped(
        sa.select(MonthlyReport.owner_id, sa.func.sum(sa.case((clean, 1), else_=0)), sa.func.count(MonthlyReport.id))
        .where(MonthlyReport.owner_id.in_(user_ids), MonthlyReport.year == period.year,
               MonthlyReport.month == period.month_no, MonthlyReport.reviewed_at.is_not(None))
        .group_by(MonthlyReport.owner_id))
    return _ratio_results("7b", period, user_ids, counts, None)


# ---------------------------------------------------------------- the list, in the scorecard's order

@dataclass
class MetricDef:
    code: str
    label: object
    target_text: object
    compute: Callable


METRICS = [
    MetricDef("1a", _l("New valid customers"), _l("≥ 10 per month"), new_valid_customers),
    MetricDef("1b", _l("Research quality (mean score 1–5)"), _l("shown"), research_quality),
    MetricDef("2a", _l("Sales target achievement (quarter)"), _l("≥ 90 %"), sales_target_achievement),
    MetricDef("2b", _l("Plan execution"), _l("shown"), plan_execution),
    MetricDef("3a", _l("Customer satisfaction"), _l("≥ 85 %"), customer_satisfaction),
    MetricDef("3b", _l("Follow-up visits"), _l("≥ 3 per month"), followup_visits),
    MetricDef("4a", _l("Contract compliance"), _l("100 %"), contract_compliance),
    MetricDef("4a_first_pass", _l("Compliance first-pass rate"), _l("100 %"), contract_first_pass),
    MetricDef("4b", _l("Contract turnaround"), _l("100 %"), contract_turnaround),
    MetricDef("5a", _l("Meeting action items done on time"), _l("≥ 80 %"), meeting_achievement),
    MetricDef("5b", _l("Resource requests fulfilled on time"), _l("≥ 95 %"), resource_timeliness),
    MetricDef("6a", _l("Negotiations won (quarter)"), _l("count set per rep"), negotiation_success),
    MetricDef("6a_win_rate", _l("Negotiation win rate (quarter)"), _l("shown"), negotiation_win_rate),
    MetricDef("6b", _l("Quote competitiveness (median price index)"), _l("shown"), quote_competitiveness),
    MetricDef("7a", _l("Monthly report on time"), _l("on time every month"), report_timeliness),
    MetricDef("7b", _l("Report data accuracy"), _l("shown"), data_accuracy),
]
BY_CODE = {m.code: m for m in METRICS}


def compute_all(period: Period, user_ids: list[int]) -> dict[str, dict]:
    """Every metric for these reps and the team: {code: {user_id | None: MetricResult}}."""
    return {m.code: m.compute(period, list(user_ids)) for m in METRICS}


# ---------------------------------------------------------------- drill-down: the records behind a figure

def _with_customer(query, model):
    """Eager-load the customer of each listed record (no query per row)."""
    relation = getattr(model, "customer", None)
    if relation is not None and hasattr(relation, "property") and isinstance(relation.property, so.RelationshipProperty):
        return query.options(so.selectinload(relation))
    return query


def _yes(flag) -> object:
    return _l("Yes") if flag else _l("No")


def records(code: str, period: Period, user_ids: list[int]) -> Drill:
    """The query of the records a figure counted, with the columns to list them."""
    from app.auth.models import User

    owner_name = {uid: name for uid, name in db.session.execute(
        sa.select(User.id, User.full_name).where(User.id.in_(user_ids)))}

    def owner(uid):
        return owner_name.get(uid, "—")

    if code == "1a":
        q = (sa.select(Customer).where(Customer.owner_id.in_(user_ids), _between_utc(Customer.valid_at, period))
             .order_by(Customer.valid_at))
        return Drill(q, [(_l("Customer"), lambda c: c.display_name), (_l("Country/region"), lambda c: ("country", c.country)),
                         (_l("Valid since"), lambda c: ("datetime", c.valid_at)), (_l("Sales rep"), lambda c: owner(c.owner_id))])
    if code == "1b":
        m = area_model("app.research.models", "ResearchReport")
        if m is None:
            return Drill(None, reason=NOT_BUILT)
        q = sa.select(m).where(m.owner_id.in_(user_ids), _between_utc(m.reviewed_at, period)).order_by(m.reviewed_at)
        return Drill(q, [(_l("Research report"), lambda r: r.title), (_l("Accuracy"), lambda r: r.accuracy_score),
                         (_l("Usefulness"), lambda r: r.usefulness_score),
                         (_l("Reviewed"), lambda r: ("datetime", r.reviewed_at)), (_l("Sales rep"), lambda r: owner(r.owner_id))])
    if code == "2a":
        m = area_model("app.contracts.models", "Contract")
        if m is None:
            return Drill(None, reason=NOT_BUILT)
        quarter = period.containing_quarter()
        q = (sa.select(m).where(m.owner_id.in_(user_ids), m.status.in_(SIGNED_STATUSES),
                                _between_on(m.signed_on, quarter)).order_by(m.signed_on))
        return Drill(q, [(_l("Contract"), lambda c: c.number), (_l("Signed on"), lambda c: ("date", c.signed_on)),
                         (_l("Amount"), lambda c: ("money", c.total_amount, c.currency)),
                         (_l("Rate"), lambda c: c.exchange_rate),
                         (_l("Amount in base currency"), lambda c: ("base", (c.total_amount * (c.exchange_rate or 0)))),
                         (_l("Sales rep"), lambda c: owner(c.owner_id))])
    if code == "2b":
        m = area_model("app.plans.models", "PlanTask")
        if m is None:
            return Drill(None, reason=NOT_BUILT)
        q = (sa.select(m).where(m.owner_id.in_(user_ids), _between_on(m.due_on, period), m.status != "cancelled")
             .order_by(m.due_on))
        return Drill(q, [(_l("Task"), lambda t: t.title), (_l("Due"), lambda t: ("date", t.due_on)),
                         (_l("Done on"), lambda t: ("date", t.done_on)),
                         (_l("On time"), lambda t: _yes(t.status == "done" and t.done_on and t.done_on <= t.due_on)),
                         (_l("Sales rep"), lambda t: owner(t.owner_id))])
    if code == "3a":
        m = area_model("app.care.models", "SatisfactionSurvey")
        if m is None:
            return Drill(None, reason=NOT_BUILT)
        q = _with_customer(sa.select(m).where(m.created_by_id.in_(user_ids), _between_utc(m.answered_at, period),
                                              m.overall.is_not(None)).order_by(m.answered_at), m)
        return Drill(q, [(_l("Customer"), lambda s: s.customer.display_name if getattr(s, "customer", None) else s.customer_id),
                         (_l("Answered"), lambda s: ("datetime", s.answered_at)), (_l("Overall (1–5)"), lambda s: s.overall),
                         (_l("Satisfied (≥ 4)"), lambda s: _yes(s.overall >= 4)),
                         (_l("Sales rep"), lambda s: owner(s.created_by_id))])
    if code == "3b":
        m = area_model("app.care.models", "Interaction")
        if m is None:
            return Drill(None, reason=NOT_BUILT)
        q = _with_customer(sa.select(m).where(m.user_id.in_(user_ids), m.is_follow_up_visit.is_(True),
                                              _between_utc(m.occurred_at, period)).order_by(m.occurred_at), m)
        return Drill(q, [(_l("Customer"), lambda i: i.customer.display_name if getattr(i, "customer", None) else i.customer_id),
                         (_l("When"), lambda i: ("datetime", i.occurred_at)), (_l("Summary"), lambda i: i.summary),
                         (_l("Sales rep"), lambda i: owner(i.user_id))])
    if code in ("4a", "4b"):
        parts = _compliance_parts()
        if parts is None:
            return Drill(None, reason=NOT_BUILT)
        contract, _review, passed = parts
        q = (sa.select(contract, passed.label("passed"))
             .where(contract.owner_id.in_(user_ids), contract.status.in_(SIGNED_STATUSES),
                    _between_on(contract.signed_on, period)).order_by(contract.signed_on))
        if code == "4a":
            return Drill(q, [(_l("Contract"), lambda r: r[0].number), (_l("Signed on"), lambda r: ("date", r[0].signed_on)),
                             (_l("Signed version passed review"), lambda r: _yes(r[1])),
                             (_l("Sales rep"), lambda r: owner(r[0].owner_id))])
        limit = get_setting("contract_turnaround_working_days")
        holidays = overrides()
        return Drill(q, [(_l("Contract"), lambda r: r[0].number),
                         (_l("First submitted"), lambda r: ("datetime", r[0].first_submitted_at)),
                         (_l("Signed on"), lambda r: ("date", r[0].signed_on)),
                         (_l("Working days"), lambda r: _turnaround_days(r[0].first_submitted_at, r[0].signed_on, holidays)),
                         (_l("Within the limit"), lambda r: _yes((_turnaround_days(r[0].first_submitted_at, r[0].signed_on,
                                                                                   holidays) or 10**6) <= limit)),
                         (_l("Sales rep"), lambda r: owner(r[0].owner_id))])
    if code == "4a_first_pass":
        parts = _compliance_parts()
        if parts is None:
            return Drill(None, reason=NOT_BUILT)
        contract, review, _passed = parts
        q = (sa.select(review, contract.number, contract.owner_id).join(contract, contract.id == review.contract_id)
             .where(contract.owner_id.in_(user_ids), review.is_first_review.is_(True),
                    _between_utc(review.reviewed_at, period)).order_by(review.reviewed_at))
        return Drill(q, [(_l("Contract"), lambda r: r[1]), (_l("Version"), lambda r: r[0].version_no),
                         (_l("Reviewed"), lambda r: ("datetime", r[0].reviewed_at)), (_l("Passed"), lambda r: _yes(r[0].passed)),
                         (_l("Sales rep"), lambda r: owner(r[2]))])
    if code == "5a":
        m = area_model("app.coordination.models", "ActionItem")
        if m is None:
            return Drill(None, reason=NOT_BUILT)
        q = (sa.select(m).where(m.owner_id.in_(user_ids), _between_on(m.due_on, period), m.status != "cancelled")
             .order_by(m.due_on))
        return Drill(q, [(_l("Action item"), lambda a: a.title), (_l("Due"), lambda a: ("date", a.due_on)),
                         (_l("Done on"), lambda a: ("date", a.done_on)),
                         (_l("On time"), lambda a: _yes(a.status == "done" and a.done_on and a.done_on <= a.due_on)),
                         (_l("Sales rep"), lambda a: owner(a.owner_id))])
    if code == "5b":
        m = area_model("app.coordination.models", "ResourceRequest")
        if m is None:
            return Drill(None, reason=NOT_BUILT)
        q = (sa.select(m).where(m.requester_id.in_(user_ids), _between_on(m.needed_by_on, period))
             .order_by(m.needed_by_on))
        return Drill(q, [(_l("Request"), lambda r: r.title), (_l("Needed by"), lambda r: ("date", r.needed_by_on)),
                         (_l("Fulfilled on"), lambda r: ("date", r.fulfilled_on)),
                         (_l("On time"), lambda r: _yes(r.status == "fulfilled" and r.fulfilled_on
                                                       and r.fulfilled_on <= r.needed_by_on)),
                         (_l("Sales rep"), lambda r: owner(r.requester_id))])
    if code in ("6a", "6a_win_rate"):
        m = area_model("app.pricing.models", "Negotiation")
        if m is None:
            return Drill(None, reason=NOT_BUILT)
        quarter = period.containing_quarter()
        statuses = ("won",) if code == "6a" else ("won", "lost")
        q = _with_customer(sa.select(m).where(m.owner_id.in_(user_ids), m.status.in_(statuses),
                                              _between_on(m.closed_on, quarter)).order_by(m.closed_on), m)
        return Drill(q, [(_l("Customer"), lambda n: n.customer.display_name if getattr(n, "customer", None) else n.customer_id),
                         (_l("Closed on"), lambda n: ("date", n.closed_on)), (_l("Won"), lambda n: _yes(n.status == "won")),
                         (_l("Price agreed"), lambda n: ("money", n.won_price_amount, n.currency)),
                         (_l("Sales rep"), lambda n: owner(n.owner_id))])
    if code == "6b":
        parts = _sent_lines(period, user_ids)
        if parts is None:
            return Drill(None, reason=NOT_BUILT)
        quotation, revision, line, _q = parts
        q = (sa.select(line, quotation.number, revision.revision_no, revision.sent_at, quotation.owner_id)
             .join(revision, revision.id == line.revision_id).join(quotation, quotation.id == revision.quotation_id)
             .where(quotation.owner_id.in_(user_ids), _between_on(revision.sent_on, period),
                    line.price_index.is_not(None)).order_by(revision.sent_at))
        return Drill(q, [(_l("Quotation"), lambda r: f"{r[1]} v{r[2]}"), (_l("Sent"), lambda r: ("datetime", r[3])),
                         (_l("Line"), lambda r: r[0].description_en), (_l("Price index"), lambda r: r[0].price_index),
                         (_l("Sales rep"), lambda r: owner(r[4]))])
    if code in ("7a", "7b"):
        q = (sa.select(MonthlyReport).where(MonthlyReport.owner_id.in_(user_ids), MonthlyReport.year == period.year,
                                            MonthlyReport.month == period.month_no)
             .order_by(MonthlyReport.owner_id))
        from app.reports.models import REPORT_STATUSES

        return Drill(q, [(_l("Monthly report"), lambda r: ("report", r)), (_l("Deadline"), lambda r: ("date", r.deadline_on)),
                         (_l("First submitted"), lambda r: ("datetime", r.first_submitted_at)),
                         (_l("Status"), lambda r: REPORT_STATUSES.get(r.status, r.status)),
                         (_l("Correction requested"), lambda r: _yes(r.correction_requested)),
                         (_l("Sales rep"), lambda r: owner(r.owner_id))])
    raise KeyError(code)
