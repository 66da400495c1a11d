"""Research reports (who reads and reviews them, sharing with marketing, the Word document),
competitor prices and the customer-needs table (sending rows to the product team)."""
import io
import re
from decimal import Decimal

import sqlalchemy as sa
from flask import abort, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.auth.models import Department, User
from app.core import documents
from app.core.i18n import country_name
from app.core.models import utcnow
from app.core.notify import N_, notify
from app.customers import services as customer_services
from app.customers.models import STAGES, Customer
from app.extensions import db
from app.research.models import REPORT_STATUSES, CompetitorPrice, CustomerNeed, ResearchReport, ResearchShare

REPORT_DOCUMENT = "research_report.docx"
REPORT_VARIABLES = {
    "company_en", "company_zh", "title", "author", "markets_en", "markets_zh", "industry", "period",
    "status_en", "status_zh", "sources", "findings", "competitor_analysis", "opportunities", "customers",
    "competitors", "prices", "reviewed", "accuracy", "usefulness", "mean_score", "reviewer", "reviewed_on",
    "review_comment", "printed_on",
}
documents.register_document(REPORT_DOCUMENT, REPORT_VARIABLES)


# --- who may do what ------------------------------------------------------------------------------

def is_sales(user) -> bool:
    return user.has_role("rep", "manager")


def department_members(code: str) -> list[User]:
    """Active members and the head of the department ``code`` (e.g. 'marketing', 'product')."""
    department = db.session.scalar(sa.select(Department).where(Department.code == code, Department.active))
    if department is None:
        return []
    people = {u.id: u for u in department.members if u.active}
    if department.head is not None and department.head.active:
        people[department.head.id] = department.head
    return sorted(people.values(), key=lambda u: u.display_name)


def in_department(user, code: str) -> bool:
    return any(u.id == user.id for u in department_members(code))


def can_view_report(user, report: ResearchReport) -> bool:
    """The author, managers, and the marketing people it was shared with."""
    if user.is_manager or report.owner_id == user.id:
        return True
    return any(s.user_id == user.id for s in report.shares)


def get_report(report_id: int, user) -> ResearchReport:
    """404 for anyone who may not read the report (a colleague's draft included)."""
    report = db.session.get(ResearchReport, report_id)
    if report is None or not can_view_report(user, report):
        abort(404)
    return report


def report_query(user):
    query = sa.select(ResearchReport)
    if user.is_manager:
        return query
    shared = sa.select(ResearchShare.report_id).where(ResearchShare.user_id == user.id)
    return query.where(sa.or_(ResearchReport.owner_id == user.id, ResearchReport.id.in_(shared)))


def parse_markets(text: str) -> tuple[str, list[str]]:
    """('VN,TH,Southeast Asia', problems) from 'vn, Thailand；Southeast Asia'. Two-letter entries must be ISO codes."""
    from app.customers.importing import parse_country

    items, problems = [], []
    for part in re.split(r"[,，;；、]", text or ""):
        part = part.strip()
        if not part:
            continue
        code = parse_country(part)
        if code:
            items.append(code)
        elif len(part) == 2 and part.isalpha():
            problems.append(_l("“%(code)s” is not an ISO country code.", code=part))
        else:
            items.append(part[:60])
    seen = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return ",".join(seen)[:300], problems


def market_names(markets: str, locale: str | None = None) -> str:
    def one(m):
        return country_name(m) if len(m) == 2 and m.isupper() else m

    if locale:
        with force_locale(locale):
            return ", ".join(one(m) for m in markets.split(",") if m)
    return ", ".join(one(m) for m in markets.split(",") if m)


def submit_problems(report: ResearchReport) -> list:
    problems = []
    if report.status != "draft":
        problems.append(_l("Only a draft can be submitted."))
    for name, label in (("findings", _l("Findings")), ("opportunities", _l("Opportunities")),
                        ("sources", _l("Sources"))):
        if not (getattr(report, name) or "").strip():
            problems.append(_l("Write the %(section)s before submitting.", section=label))
    return problems


def share_with_marketing(report: ResearchReport, user) -> list[User]:
    """Record and notify the marketing department's members and head; [] when there is nobody to tell."""
    people = department_members("marketing")
    if not people:
        return []
    department = db.session.scalar(sa.select(Department).where(Department.code == "marketing"))
    now = utcnow()
    for person in people:
        db.session.add(ResearchShare(report=report, user_id=person.id, department_id=department.id,
                                     shared_by_id=user.id, shared_at=now))
        notify(person.id, N_("%(author)s shared the market research report “%(title)s” with marketing."),
               link=url_for("research.report", report_id=report.id), author=user.display_name, title=report.title)
    report.shared_with_marketing_at = now
    return people


# --- needs ----------------------------------------------------------------------------------------

def needs_filter(user):
    """Managers see every need; reps those of customers they may see (their own and the pool's); the
    product department what was sent to it. Legal and finance have no use for it."""
    if user.is_manager:
        return sa.true()
    clauses = []
    if user.has_role("rep"):
        clauses.append(sa.or_(Customer.owner_id == user.id, Customer.owner_id.is_(None)))
    if in_department(user, "product"):
        clauses.append(CustomerNeed.sent_to_product_at.is_not(None))
    return sa.or_(*clauses) if clauses else sa.false()


def may_see_needs(user) -> bool:
    return is_sales(user) or in_department(user, "product")


def send_to_product(need: CustomerNeed, user) -> list[User]:
    people = department_members("product")
    if not people:
        return []
    need.sent_to_product_at = utcnow()
    need.sent_by_id = user.id
    for person in people:
        notify(person.id, N_("%(sender)s sent a customer need to the product team: %(customer)s, %(category)s."),
               link=url_for("research.needs", sent="1"), sender=user.display_name,
               customer=need.customer.name, category=need.product_category)
    return people


# --- competitor prices ----------------------------------------------------------------------------

def price_summary(prices: list[CompetitorPrice]) -> list[dict]:
    """Min / mean / max per currency and Incoterm (prices in different terms are not comparable)."""
    groups: dict[tuple[str, str], list[Decimal]] = {}
    for p in prices:
        groups.setdefault((p.currency, p.incoterm), []).append(p.price_amount)
    out = []
    for (currency, incoterm), amounts in sorted(groups.items()):
        mean = (sum(amounts) / len(amounts)).quantize(Decimal("0.01"))
        out.append({"currency": currency, "incoterm": incoterm, "count": len(amounts), "min": min(amounts),
                    "mean": mean, "max": max(amounts)})
    return out


# --- the Word document ----------------------------------------------------------------------------

def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\r?\n", text or "") if p.strip()] or ["—"]


def _pair(text) -> tuple[str, str]:
    with force_locale("en"):
        en = str(text)
    with force_locale("zh_CN"):
        zh = str(text)
    return en, zh


def _bi(text) -> str:
    """A lazy string in English and Chinese: 'Valid customer / 有效客户'."""
    en, zh = _pair(text)
    return en if en == zh else f"{en} / {zh}"


def _country_bi(code: str) -> str:
    from babel import Locale

    if not code:
        return "—"
    en = Locale.parse("en").territories.get(code, code)
    zh = Locale.parse("zh_Hans_CN").territories.get(code, code)
    return f"{en} / {zh}"


def report_context(report: ResearchReport) -> dict:
    """Everything the bilingual template prints, formatted here (labels in both languages live in the template)."""
    from app.core.money import quantize
    from app.core.settings import get_setting

    def d(value):
        return value.isoformat() if value else "—"

    status_en, status_zh = _pair(REPORT_STATUSES[report.status])
    prices = []
    for competitor in report.competitors:
        for p in competitor.prices[:10]:
            prices.append({"competitor": competitor.name, "product": p.product_label,
                           "price": f"{p.currency} {quantize(p.price_amount, p.currency):,}",
                           "incoterm": p.incoterm or "—",
                           "observed_on": d(p.observed_on), "source": p.source})
    return {
        "company_en": get_setting("company_name_en"), "company_zh": get_setting("company_name_zh"),
        "title": report.title, "author": report.owner.display_name,
        "markets_en": market_names(report.markets, "en"), "markets_zh": market_names(report.markets, "zh_CN"),
        "industry": report.industry or "—",
        "period": f"{d(report.period_start_on)} – {d(report.period_end_on)}",
        "status_en": status_en, "status_zh": status_zh,
        "sources": _paragraphs(report.sources), "findings": _paragraphs(report.findings),
        "competitor_analysis": _paragraphs(report.competitor_analysis),
        "opportunities": _paragraphs(report.opportunities),
        "customers": [{"name": c.name, "local_name": c.local_name or "", "country": _country_bi(c.country),
                       "stage": _bi(STAGES.get(c.stage, c.stage))} for c in report.customers],
        "competitors": [{"name": c.name, "country": _country_bi(c.country), "products": c.main_products or "—"}
                        for c in report.competitors],
        "prices": prices,
        "reviewed": report.status == "reviewed",
        "accuracy": report.accuracy_score or "—", "usefulness": report.usefulness_score or "—",
        "mean_score": str(report.mean_score) if report.mean_score is not None else "—",
        "reviewer": report.reviewed_by.display_name if report.reviewed_by else "—",
        "reviewed_on": d(report.reviewed_at.date() if report.reviewed_at else None),
        "review_comment": report.review_comment or "—",
        "printed_on": utcnow().date().isoformat(),
    }


def render_report(report: ResearchReport) -> io.BytesIO:
    return documents.render(REPORT_DOCUMENT, report_context(report))


def linkable_customers(user, report: ResearchReport | None):
    """The customers a report may be linked to: the author's own, plus those already linked."""
    owner_id = report.owner_id if report else user.id
    query = sa.select(Customer).where(Customer.merged_into_id.is_(None), Customer.owner_id == owner_id)
    own = list(db.session.scalars(query.order_by(Customer.name).limit(1000)))
    linked = [c for c in (report.customers if report else []) if c not in own]
    return linked + own


def may_link_customer(user, customer: Customer) -> bool:
    return customer_services.can_view(user, customer)
