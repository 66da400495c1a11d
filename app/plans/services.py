"""Targets, signed sales and progress: the figures behind metric 2a (achievement) and 2b (plan execution)."""
import importlib
import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from app.auth.models import User, UserRole
from app.core.calendar import company_today, working_days_in_range
from app.core.money import minor_units
from app.core.settings import base_currency
from app.extensions import db
from app.plans.models import PlanTask, SalesPlan, SalesTarget

SIGNED_STATUSES = ("signed", "amended", "closed")
MONTH_SLOTS = [f"m{m}" for m in range(1, 13)]
QUARTER_SLOTS = [f"q{q}" for q in range(1, 5)]
MAX_AMOUNT = Decimal("1e13")
_PERIOD_RE = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")


# --- periods -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """A calendar month (``month`` set) or quarter (``quarter`` set) in the company time zone."""

    year: int
    month: int | None = None
    quarter: int | None = None

    @classmethod
    def parse(cls, text: str | None) -> "Period | None":
        match = _PERIOD_RE.match((text or "").strip())
        if not match or not 2000 <= int(match.group(1)) <= 2100:
            return None
        year = int(match.group(1))
        return cls(year, month=int(match.group(2))) if match.group(2) else cls(year, quarter=int(match.group(3)))

    @classmethod
    def month_of(cls, day: date) -> "Period":
        return cls(day.year, month=day.month)

    @classmethod
    def quarter_of(cls, day: date) -> "Period":
        return cls(day.year, quarter=(day.month - 1) // 3 + 1)

    @property
    def is_month(self) -> bool:
        return self.month is not None

    @property
    def months(self) -> list[int]:
        return [self.month] if self.is_month else [3 * self.quarter - 2, 3 * self.quarter - 1, 3 * self.quarter]

    @property
    def first(self) -> date:
        return date(self.year, self.months[0], 1)

    @property
    def last(self) -> date:
        month = self.months[-1]
        return date(self.year, month, monthrange(self.year, month)[1])

    @property
    def key(self) -> str:
        return f"{self.year}-{self.month:02d}" if self.is_month else f"{self.year}-Q{self.quarter}"

    def shifted(self, steps: int) -> "Period":
        if self.is_month:
            index = self.year * 12 + self.month - 1 + steps
            return Period(index // 12, month=index % 12 + 1)
        index = self.year * 4 + self.quarter - 1 + steps
        return Period(index // 4, quarter=index % 4 + 1)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


def plan_period(plan: SalesPlan) -> Period:
    return Period(plan.year, month=plan.month) if plan.kind == "monthly" else Period(plan.year, quarter=plan.quarter)


# --- reps ----------------------------------------------------------------------------------------

def active_reps() -> list[User]:
    """Active users holding the rep role, by name."""
    return list(db.session.scalars(
        sa.select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "rep", User.active.is_(True))
        .order_by(User.full_name, User.username)
    ))


# --- targets -------------------------------------------------------------------------------------

class TargetInputError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def parse_target_amount(raw: str | None, currency: str) -> Decimal | None:
    """A target typed by a user: blank → None; thousands separators allowed; ≥ 0, within the currency's decimals."""
    text = (raw or "").strip().replace(",", "").replace("，", "").replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise TargetInputError(_l("Enter an amount such as 1200000 or 1,200,000.50.")) from None
    if not value.is_finite():
        raise TargetInputError(_l("Enter an amount such as 1200000 or 1,200,000.50."))
    if value < 0:
        raise TargetInputError(_l("A target cannot be negative."))
    if value >= MAX_AMOUNT:
        raise TargetInputError(_l("This amount is too large."))
    digits = minor_units(currency)
    if value != value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP):
        raise TargetInputError(_l("At most %(digits)s decimal places for %(currency)s.", digits=digits,
                                  currency=currency))
    return value.quantize(Decimal(1).scaleb(-digits))


def parse_customer_target(raw: str | None) -> int | None:
    text = (raw or "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > 100_000:
        raise TargetInputError(_l("Enter a whole number of customers, 0 or more."))
    return int(text)


@dataclass
class Cell:
    """One cell of the target grid: a month, a quarter (its months' sum unless overridden) or the year."""

    slot: str
    value: Decimal | int | None
    row: SalesTarget | None = None
    overridden: bool = False
    months_sum: Decimal | int | None = None

    @property
    def version(self) -> int:
        return self.row.version_id if self.row else 0


def _sum(values):
    present = [v for v in values if v is not None]
    return sum(present[1:], present[0]) if present else None


@dataclass
class RepTargets:
    user: User
    rows: dict[str, SalesTarget] = field(default_factory=dict)

    def _value(self, slot: str, measure: str):
        row = self.rows.get(slot)
        if row is None:
            return None
        return row.target_amount if measure == "amount" else row.new_customer_target

    def month(self, month: int, measure: str = "amount"):
        return self._value(f"m{month}", measure)

    def quarter_cell(self, quarter: int, measure: str = "amount") -> Cell:
        months_sum = _sum(self.month(m, measure) for m in range(3 * quarter - 2, 3 * quarter + 1))
        override = self._value(f"q{quarter}", measure)
        return Cell(f"q{quarter}", override if override is not None else months_sum, self.rows.get(f"q{quarter}"),
                    overridden=override is not None, months_sum=months_sum)

    def cells(self, measure: str = "amount") -> list[Cell]:
        """Jan, Feb, Mar, Q1, Apr … Q4, then the year (the sum of the quarters)."""
        out, quarters = [], []
        for q in range(1, 5):
            for m in range(3 * q - 2, 3 * q + 1):
                out.append(Cell(f"m{m}", self.month(m, measure), self.rows.get(f"m{m}")))
            cell = self.quarter_cell(q, measure)
            quarters.append(cell.value)
            out.append(cell)
        out.append(Cell("year", _sum(quarters)))
        return out

    def cell(self, slot: str, measure: str = "amount") -> Cell:
        return next(c for c in self.cells(measure) if c.slot == slot)

    def for_period(self, period: Period, measure: str = "amount"):
        if period.is_month:
            return self.month(period.month, measure)
        return self.quarter_cell(period.quarter, measure).value


def targets_for(users: list[User], year: int) -> dict[int, RepTargets]:
    """Every target of ``users`` in ``year``, in one query."""
    result = {u.id: RepTargets(u) for u in users}
    if not result:
        return result
    for row in db.session.scalars(sa.select(SalesTarget).where(SalesTarget.year == year,
                                                               SalesTarget.user_id.in_(list(result)))):
        result[row.user_id].rows[row.slot] = row
    return result


def team_cells(reps: dict[int, RepTargets], measure: str = "amount") -> list[Cell]:
    columns = [r.cells(measure) for r in reps.values()]
    if not columns:
        return []
    return [Cell(cells[0].slot, _sum(c.value for c in cells)) for cells in zip(*columns, strict=True)]


def set_target(user_id: int, year: int, slot: str, measure: str, value, editor_id: int | None) -> SalesTarget:
    """Store one cell; the row is created on first use and kept (audited) when cleared."""
    column = SalesTarget.month if slot.startswith("m") else SalesTarget.quarter
    number = int(slot[1:])
    row = db.session.scalar(sa.select(SalesTarget).where(SalesTarget.user_id == user_id, SalesTarget.year == year,
                                                         column == number))
    if row is None:
        row = SalesTarget(user_id=user_id, year=year, currency=base_currency())
        if slot.startswith("m"):
            row.month = number
        else:
            row.quarter = number
        db.session.add(row)
        db.session.flush()
    if measure == "amount":
        row.target_amount = value
        row.currency = base_currency()
    else:
        row.new_customer_target = value
    row.updated_by_id = editor_id
    return row


# --- signed sales --------------------------------------------------------------------------------

def _contract_model():
    """D4's Contract, or None while app.contracts.models does not exist."""
    try:
        module = importlib.import_module("app.contracts.models")
    except ModuleNotFoundError as exc:
        if exc.name == "app.contracts.models":
            return None
        raise
    return getattr(module, "Contract", None)


@dataclass
class SignedSales:
    """Signed contract amounts in the base currency, per rep and signing date."""

    available: bool
    by_user_day: dict[int, dict[date, Decimal]] = field(default_factory=dict)
    unconverted: dict[int, int] = field(default_factory=dict)

    def total(self, user_id: int) -> Decimal:
        return sum(self.by_user_day.get(user_id, {}).values(), Decimal("0.00"))


def signed_sales(user_ids: list[int], first: date, last: date) -> SignedSales:
    """Contracts signed (status signed, amended or closed) from ``first`` to ``last`` by their owners.

    Each contract counts at its own exchange rate (base-currency units per unit, fixed at signing),
    rounded to cents: total_amount × exchange_rate. A contract in another currency without a rate is
    not guessed at 1.0: it is counted in ``unconverted`` instead. One grouped query for all reps.
    """
    contract = _contract_model()
    if contract is None or not user_ids:
        return SignedSales(available=contract is not None)
    base = base_currency()
    rate = sa.func.coalesce(contract.exchange_rate, sa.case((contract.currency == base, sa.literal(1)), else_=None))
    amount = sa.func.round(contract.total_amount * rate, 2)
    query = (
        sa.select(contract.owner_id, contract.signed_on,
                  sa.type_coerce(sa.func.sum(amount), SalesTarget.target_amount.type).label("amount"),
                  sa.func.sum(sa.case((rate.is_(None), 1), else_=0)).label("unconverted"))
        .where(contract.status.in_(SIGNED_STATUSES), contract.signed_on.between(first, last),
               contract.owner_id.in_(user_ids))
        .group_by(contract.owner_id, contract.signed_on)
    )
    result = SignedSales(available=True)
    for owner_id, signed_on, day_amount, unconverted in db.session.execute(query):
        if day_amount is not None:
            days = result.by_user_day.setdefault(owner_id, {})
            days[signed_on] = days.get(signed_on, Decimal("0.00")) + day_amount
        if unconverted:
            result.unconverted[owner_id] = result.unconverted.get(owner_id, 0) + int(unconverted)
    return result


# --- plan execution (metric 2b) -------------------------------------------------------------------

@dataclass
class TaskCounts:
    due: int = 0
    on_time: int = 0
    overdue: int = 0

    @property
    def execution(self) -> Decimal | None:
        """Tasks done on or before their due date / tasks due; None (shown "—") when none were due."""
        return Decimal(self.on_time) / Decimal(self.due) if self.due else None


def task_counts(user_ids: list[int], first: date, last: date, today: date) -> dict[int, TaskCounts]:
    """Per plan owner: tasks of approved plans due from ``first`` to ``last`` (and by ``today``), not cancelled.

    ``on_time`` counts those done on or before their due date; ``overdue`` the open ones past due.
    One grouped query for all reps.
    """
    if not user_ids:
        return {}
    until = min(last, today)
    on_time = sa.and_(PlanTask.status == "done", PlanTask.done_on <= PlanTask.due_on)
    overdue = sa.and_(PlanTask.status == "open", PlanTask.due_on < today)
    query = (
        sa.select(SalesPlan.owner_id, sa.func.count(PlanTask.id),
                  sa.func.sum(sa.case((on_time, 1), else_=0)), sa.func.sum(sa.case((overdue, 1), else_=0)))
        .join(SalesPlan, SalesPlan.id == PlanTask.plan_id)
        .where(SalesPlan.status == "approved", SalesPlan.owner_id.in_(user_ids), PlanTask.status != "cancelled",
               PlanTask.due_on >= first, PlanTask.due_on <= until)
        .group_by(SalesPlan.owner_id)
    )
    return {owner: TaskCounts(int(n), int(done or 0), int(late or 0))
            for owner, n, done, late in db.session.execute(query)}


# --- progress ------------------------------------------------------------------------------------

@dataclass
class Progress:
    """Target, actual, achievement, pacing and gap of one rep (or the team) in one period."""

    period: Period
    target: Decimal | None
    actual: Decimal
    pacing_share: Decimal
    daily: dict[date, Decimal]
    tasks: TaskCounts
    unconverted: int = 0
    user: User | None = None
    new_customer_target: int | None = None

    @property
    def achievement(self) -> Decimal | None:
        """Actual / target; None when there is no (or a zero) target."""
        return self.actual / self.target if self.target else None

    @property
    def pacing(self) -> Decimal | None:
        """Where the rep should be by today: the share of the period's working days elapsed × target."""
        if self.target is None:
            return None
        return (self.target * self.pacing_share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def gap(self) -> Decimal | None:
        """Target − actual (negative when the target is exceeded)."""
        return None if self.target is None else self.target - self.actual

    @property
    def on_pace(self) -> bool | None:
        return None if self.pacing is None else self.actual >= self.pacing


@dataclass
class PeriodDays:
    working: list[date]
    elapsed: int
    today: date

    @property
    def share(self) -> Decimal:
        return Decimal(self.elapsed) / Decimal(len(self.working)) if self.working else Decimal(0)


def period_days(period: Period, today: date | None = None) -> PeriodDays:
    """The period's working days and how many have elapsed by ``today`` (company_today(), included)."""
    today = today or company_today()
    working = working_days_in_range(period.first, period.last)
    return PeriodDays(working, sum(1 for d in working if d <= today), today)


def progress_for(users: list[User], period: Period, today: date | None = None) -> tuple[list[Progress], Progress]:
    """Each rep's progress and the team's (the sum), with a fixed number of queries whatever the team size."""
    days = period_days(period, today)
    ids = [u.id for u in users]
    targets = targets_for(users, period.year)
    sales = signed_sales(ids, period.first, period.last)
    tasks = task_counts(ids, period.first, period.last, days.today)
    rows = [Progress(period, targets[u.id].for_period(period), sales.total(u.id), days.share,
                     sales.by_user_day.get(u.id, {}), tasks.get(u.id, TaskCounts()), sales.unconverted.get(u.id, 0),
                     user=u, new_customer_target=targets[u.id].for_period(period, "customers"))
            for u in users]
    team_daily: dict[date, Decimal] = {}
    for row in rows:
        for day, amount in row.daily.items():
            team_daily[day] = team_daily.get(day, Decimal("0.00")) + amount
    team = Progress(period, _sum(r.target for r in rows), sum((r.actual for r in rows), Decimal("0.00")), days.share,
                    team_daily,
                    TaskCounts(sum(r.tasks.due for r in rows), sum(r.tasks.on_time for r in rows),
                               sum(r.tasks.overdue for r in rows)),
                    sum(r.unconverted for r in rows), new_customer_target=_sum(r.new_customer_target for r in rows))
    return rows, team


def contracts_available() -> bool:
    return _contract_model() is not None


# --- chart ---------------------------------------------------------------------------------------

CHART_W, CHART_H = 640, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 78, 12, 12, 34


def _nice_ceiling(value: Decimal) -> Decimal:
    if value <= 0:
        return Decimal(1)
    exponent = len(str(int(value))) - 1
    step = Decimal(10) ** exponent
    for factor in (1, 2, 2.5, 5, 10):
        ceiling = step * Decimal(str(factor))
        if ceiling >= value:
            return ceiling
    return step * 10


def chart(progress: Progress, days: PeriodDays) -> dict:
    """Coordinates of an SVG chart: cumulative actual (to today), target, and the pacing line over the period."""
    calendar_days = progress.period.days()
    n = len(calendar_days)
    plot_w, plot_h = CHART_W - _LEFT - _RIGHT, CHART_H - _TOP - _BOTTOM
    top_value = max(progress.target or 0, progress.actual, Decimal(1))
    ceiling = _nice_ceiling(top_value * Decimal("1.05"))

    def x(i: float) -> float:
        return round(_LEFT + plot_w * i / n, 1)

    def y(value: Decimal) -> float:
        return round(_TOP + plot_h - float(value / ceiling) * plot_h, 1)

    working = set(days.working)
    total_working = len(days.working) or 1
    pacing_points, actual_points = [(x(0), y(Decimal(0)))], [(x(0), y(Decimal(0)))]
    done_working, running = 0, Decimal(0)
    for i, day in enumerate(calendar_days, start=1):
        done_working += day in working
        if progress.target is not None:
            pacing_points.append((x(i), y(progress.target * done_working / total_working)))
        if day <= days.today:
            amount = progress.daily.get(day)
            if amount:
                actual_points.append((x(i - 1), y(running)))
                running += amount
                actual_points.append((x(i - 1), y(running)))
            actual_points.append((x(i), y(running)))
    ticks = [(y(ceiling * k / 4), ceiling * k / 4) for k in range(5)]
    labels = []
    for i, day in enumerate(calendar_days):
        if day.day == 1 or (progress.period.is_month and day.day in (10, 20)):
            labels.append((x(i), day))
    today_x = x((days.today - progress.period.first).days + 1) if progress.period.first <= days.today <= \
        progress.period.last else None
    return {
        "width": CHART_W, "height": CHART_H, "left": _LEFT, "right": CHART_W - _RIGHT, "top": _TOP,
        "bottom": CHART_H - _BOTTOM,
        "actual": " ".join(f"{a},{b}" for a, b in actual_points),
        "pacing": " ".join(f"{a},{b}" for a, b in pacing_points) if progress.target is not None else "",
        "target_y": y(progress.target) if progress.target is not None else None,
        "ticks": ticks, "labels": labels, "today_x": today_x,
    }


# --- home panels ---------------------------------------------------------------------------------

def week_end(today: date) -> date:
    return today + timedelta(days=6 - today.weekday())


def open_tasks_due_by(user_id: int, until: date, limit: int = 20) -> list[PlanTask]:
    return list(db.session.scalars(
        sa.select(PlanTask).join(SalesPlan, SalesPlan.id == PlanTask.plan_id)
        .where(PlanTask.owner_id == user_id, PlanTask.status == "open", PlanTask.due_on <= until,
               SalesPlan.status != "draft")
        .options(so.contains_eager(PlanTask.plan))
        .order_by(PlanTask.due_on, PlanTask.id).limit(limit)
    ))
