"""Customer-care rules: who may see what, follow-ups, complaint timings, survey tokens and figures."""
import hashlib
import importlib.util
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask import abort
from flask_babel import force_locale, gettext
from flask_login import current_user

from app.auth.models import Department, User
from app.care.models import COMPLAINT_DEPARTMENTS, Complaint, Interaction, SatisfactionSurvey
from app.core.access import owner_or_manager
from app.core.calendar import company_today, company_tz, to_company_date, working_days_between
from app.core.models import utcnow
from app.core.notify import N_
from app.core.settings import get_setting
from app.customers.models import Customer
from app.extensions import db

# ---------------------------------------------------------------- time


def local_to_utc(moment: datetime) -> datetime:
    """A naive company-local date and time as naive UTC (how ``*_at`` columns are stored)."""
    return moment.replace(tzinfo=company_tz()).astimezone(timezone.utc).replace(tzinfo=None)


def day_bounds_utc(first: date, last: date) -> tuple[datetime, datetime]:
    """[start, end) in naive UTC covering the company-local days ``first`` to ``last`` inclusive."""
    return local_to_utc(datetime.combine(first, time())), local_to_utc(datetime.combine(last + timedelta(days=1),
                                                                                       time()))


def month_range(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def parse_month(text: str | None) -> tuple[int, int]:
    """``YYYY-MM`` from a query string, else the current company month."""
    try:
        year, month = (int(p) for p in (text or "").split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    today = company_today()
    return today.year, today.month


def parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


# ---------------------------------------------------------------- customers


def customer_for_care(customer_id: int) -> Customer:
    """The customer, if the current user may work on it: its owner or a manager; 404 otherwise."""
    customer = db.session.get(Customer, customer_id)
    if customer is None or not owner_or_manager(customer.owner_id):
        abort(404)
    return customer


def reps() -> list[User]:
    """Active users who hold customers: sales reps (and managers, who may also own accounts)."""
    from app.auth.models import UserRole

    return list(db.session.scalars(
        sa.select(User).join(UserRole).where(User.active, UserRole.role.in_(("rep", "manager")))
        .order_by(User.full_name, User.username).distinct()))


# ---------------------------------------------------------------- interactions


def record_interaction(interaction: Interaction) -> None:
    """Add an interaction: the customer's last contact moves forward (keeping it out of the public pool),
    and earlier follow-up reminders on the customer are done."""
    db.session.add(interaction)
    db.session.flush()
    occurred = interaction.occurred_at
    db.session.execute(
        sa.update(Customer).where(Customer.id == interaction.customer_id).values(
            last_interaction_at=sa.case(
                (sa.or_(Customer.last_interaction_at.is_(None), Customer.last_interaction_at < occurred), occurred),
                else_=Customer.last_interaction_at)))
    db.session.execute(
        sa.update(Interaction).where(
            Interaction.customer_id == interaction.customer_id,
            Interaction.id != interaction.id,
            Interaction.next_follow_up_on.is_not(None),
            Interaction.follow_up_done_at.is_(None),
            Interaction.occurred_at <= occurred,
        ).values(follow_up_done_at=utcnow()).execution_options(synchronize_session=False))


def follow_ups_query(owner_id: int | None, status: str = "due", today: date | None = None):
    """Open follow-up reminders of customers owned by ``owner_id`` (None: everyone's).

    status: ``due`` (today and overdue), ``overdue``, ``today``, ``upcoming``, ``open`` (all open), ``done``.
    """
    today = today or company_today()
    q = sa.select(Interaction).join(Customer, Interaction.customer_id == Customer.id).where(
        Interaction.next_follow_up_on.is_not(None))
    if owner_id is not None:
        q = q.where(Customer.owner_id == owner_id)
    if status == "done":
        return q.where(Interaction.follow_up_done_at.is_not(None)).order_by(Interaction.next_follow_up_on.desc(),
                                                                              Interaction.id.desc())
    q = q.where(Interaction.follow_up_done_at.is_(None))
    if status == "due":
        q = q.where(Interaction.next_follow_up_on <= today)
    elif status == "overdue":
        q = q.where(Interaction.next_follow_up_on < today)
    elif status == "today":
        q = q.where(Interaction.next_follow_up_on == today)
    elif status == "upcoming":
        q = q.where(Interaction.next_follow_up_on > today)
    return q.order_by(Interaction.next_follow_up_on, Interaction.id)


def follow_up_visits_query(user_id: int, year: int, month: int):
    """Metric 3b: interactions flagged as follow-up visits (回访) by the rep in the company-local month."""
    start, end = day_bounds_utc(*month_range(year, month))
    return sa.select(Interaction).where(Interaction.user_id == user_id, Interaction.is_follow_up_visit,
                                        Interaction.occurred_at >= start, Interaction.occurred_at < end)


def follow_up_visit_count(user_id: int, year: int, month: int) -> int:
    q = follow_up_visits_query(user_id, year, month)
    return db.session.scalar(sa.select(sa.func.count()).select_from(q.subquery()))


# ---------------------------------------------------------------- complaints


def complaint_departments() -> list[Department]:
    return list(db.session.scalars(sa.select(Department).where(Department.code.in_(COMPLAINT_DEPARTMENTS),
                                                               Department.active).order_by(Department.code)))


def complaint_visibility(user):
    """SQL condition: managers see all; others the complaints they own or are assigned to,
    and the queue of their department."""
    if user.is_manager:
        return sa.true()
    conditions = [Complaint.owner_id == user.id, Complaint.assignee_id == user.id]
    if user.department_id:
        conditions.append(Complaint.department_id == user.department_id)
    return sa.or_(*conditions)


def may_see_complaint(user, complaint: Complaint) -> bool:
    return bool(user.is_manager or complaint.owner_id == user.id or complaint.assignee_id == user.id
                or (user.department_id and complaint.department_id == user.department_id))


def complaint_for_user(complaint_id: int) -> Complaint:
    """404 unless the current user owns, is assigned to, or works in the department of the complaint."""
    complaint = db.session.get(Complaint, complaint_id)
    if complaint is None or not may_see_complaint(current_user, complaint):
        abort(404)
    return complaint


def _may_download_complaint_file(user, complaint_id) -> bool:
    complaint = db.session.get(Complaint, complaint_id) if complaint_id else None
    return complaint is not None and may_see_complaint(user, complaint)


def register_access() -> None:
    from app.core.uploads import register_file_access

    register_file_access("complaint", _may_download_complaint_file)


TRANSITIONS = {
    "start": ("open", "in_progress"),
    "resolve": ("in_progress", "resolved"),
    "reopen": ("resolved", "in_progress"),
    "close": ("resolved", "closed"),
}


def apply_transition(complaint: Complaint, action: str, resolution: str = "") -> None:
    """Move the complaint one step; the audit log records who and when. ValueError if not allowed now."""
    source, target = TRANSITIONS[action]
    if complaint.status != source:
        raise ValueError(action)
    now = utcnow()
    complaint.status = target
    if action == "start":
        complaint.responded_at = complaint.responded_at or now
        if complaint.assignee_id is None and current_user.department_id == complaint.department_id:
            complaint.assignee_id = current_user.id
    elif action == "resolve":
        complaint.resolution = resolution
        complaint.resolved_at = now
    elif action == "reopen":
        complaint.resolved_at = None
    elif action == "close":
        complaint.closed_at = now


@dataclass
class Duration:
    hours: Decimal
    working_days: int


def duration(start: datetime | None, end: datetime | None) -> Duration | None:
    """Elapsed time in hours (one decimal) and in working days between the company-local dates."""
    if start is None or end is None:
        return None
    hours = (Decimal((end - start).total_seconds()) / Decimal(3600)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return Duration(hours, working_days_between(to_company_date(start), to_company_date(end)))


def contracts_available() -> bool:
    return importlib.util.find_spec("app.contracts.models") is not None


def contract_choices(customer_id: int) -> list[tuple[int, str]]:
    """The customer's contracts (once the contracts area exists)."""
    if not contracts_available():
        return []
    from app.contracts import models as contract_models

    contract = getattr(contract_models, "Contract", None)
    if contract is None:
        return []
    rows = db.session.execute(sa.select(contract.id, contract.number).where(contract.customer_id == customer_id)
                              .order_by(contract.id.desc()).limit(200))
    return [(cid, number) for cid, number in rows]


def contract_numbers(ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids or not contracts_available():
        return {}
    from app.contracts import models as contract_models

    contract = getattr(contract_models, "Contract", None)
    if contract is None:
        return {}
    return dict(db.session.execute(sa.select(contract.id, contract.number).where(contract.id.in_(ids))).all())


# ---------------------------------------------------------------- surveys


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_survey(customer: Customer, contact_id: int | None, user_id: int) -> tuple[SatisfactionSurvey, str]:
    """A new survey and its link token (256 random bits); only the token's hash is stored."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    survey = SatisfactionSurvey(customer_id=customer.id, contact_id=contact_id, created_by_id=user_id,
                                token_hash=token_hash(token), created_at=now,
                                expires_at=now + timedelta(days=get_setting("survey_expiry_days")))
    db.session.add(survey)
    return survey, token


def open_survey(token: str) -> SatisfactionSurvey | None:
    """The survey for a token that is known, unanswered and not expired; None in every other case."""
    if not token or len(token) > 100:
        return None
    survey = db.session.scalar(sa.select(SatisfactionSurvey).where(SatisfactionSurvey.token_hash == token_hash(token)))
    if survey is None or survey.answered_at is not None or survey.expires_at <= utcnow():
        return None
    return survey


def answer_survey(survey: SatisfactionSurvey, answers: dict, locale: str) -> bool:
    """Store the answers once: False when another request answered first (the token is single use)."""
    result = db.session.execute(
        sa.update(SatisfactionSurvey)
        .where(SatisfactionSurvey.id == survey.id, SatisfactionSurvey.answered_at.is_(None))
        .values(answered_at=utcnow(), answer_locale=locale, **answers)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


EMAIL_SUBJECT = N_("How satisfied are you with %(company)s?")
EMAIL_BODY = N_("Dear %(name)s,\n\nThank you for your business with %(company)s — could you spare two minutes to "
                 "tell us how satisfied you are with our products, delivery and communication? Your answers help "
                 "us serve you better.\n\n%(link)s\n\nThe link works once and is valid until %(until)s.\n\n"
                 "Best regards,\n%(sender)s\n%(company)s")


def survey_email(survey: SatisfactionSurvey, link: str, sender: str) -> dict[str, dict[str, str]]:
    """The e-mail text to paste, in English and in Chinese, whatever the interface language."""
    from flask_babel import format_date

    out = {}
    for locale, company_key in (("en", "company_name_en"), ("zh_CN", "company_name_zh")):
        with force_locale(locale):
            company = get_setting(company_key)
            name = survey.contact.name if survey.contact else gettext("Sir or Madam")
            until = format_date(to_company_date(survey.expires_at), "long")
            out[locale] = {
                "subject": gettext(EMAIL_SUBJECT, company=company),
                "body": gettext(EMAIL_BODY, name=name, company=company, link=link, until=until, sender=sender),
            }
    return out


@dataclass
class SurveyFigures:
    """Metric 3a for one rep or the team: CSAT = responses with overall ≥ 4 / all responses received."""

    responses: int = 0
    satisfied: int = 0
    distribution: dict[int, int] = field(default_factory=lambda: {n: 0 for n in range(1, 6)})
    sums: dict[str, int] = field(default_factory=lambda: {"quality": 0, "delivery": 0, "communication": 0})
    counts: dict[str, int] = field(default_factory=lambda: {"quality": 0, "delivery": 0, "communication": 0})

    @property
    def csat(self) -> Decimal | None:
        if not self.responses:
            return None
        return Decimal(self.satisfied) / Decimal(self.responses)

    def average(self, key: str) -> Decimal | None:
        if not self.counts[key]:
            return None
        return (Decimal(self.sums[key]) / Decimal(self.counts[key])).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def average_overall(self) -> Decimal | None:
        if not self.responses:
            return None
        total = sum(score * n for score, n in self.distribution.items())
        return (Decimal(total) / Decimal(self.responses)).quantize(Decimal("0.01"), ROUND_HALF_UP)

    def add(self, overall: int, n: int, sums: dict, counts: dict) -> None:
        self.responses += n
        self.satisfied += n if overall >= 4 else 0
        self.distribution[overall] = self.distribution.get(overall, 0) + n
        for key in self.sums:
            self.sums[key] += sums[key] or 0
            self.counts[key] += counts[key] or 0


def survey_figures(first: date, last: date, rep_id: int | None = None) -> tuple[SurveyFigures, dict[int, SurveyFigures]]:
    """The team's figures and each rep's (by the rep who sent the survey), for responses received
    on the company-local days ``first`` to ``last``."""
    start, end = day_bounds_utc(first, last)
    s = SatisfactionSurvey
    q = (sa.select(s.created_by_id, s.overall, sa.func.count(),
                   sa.func.sum(s.quality), sa.func.count(s.quality),
                   sa.func.sum(s.delivery), sa.func.count(s.delivery),
                   sa.func.sum(s.communication), sa.func.count(s.communication))
         .where(s.answered_at >= start, s.answered_at < end, s.overall.is_not(None))
         .group_by(s.created_by_id, s.overall))
    if rep_id is not None:
        q = q.where(s.created_by_id == rep_id)
    team = SurveyFigures()
    per_rep: dict[int, SurveyFigures] = {}
    for rep, overall, n, qs, qn, ds, dn, cs, cn in db.session.execute(q):
        sums = {"quality": qs, "delivery": ds, "communication": cs}
        counts = {"quality": qn, "delivery": dn, "communication": cn}
        team.add(overall, n, sums, counts)
        per_rep.setdefault(rep, SurveyFigures()).add(overall, n, sums, counts)
    return team, per_rep
