"""Monthly sales reports (销售分析报告): figures of the month, the rep's analysis, submission and review."""
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from babel import Locale
from flask import url_for
from flask_babel import force_locale

from app.auth.models import User, UserRole
from app.core import documents
from app.core.calendar import nth_working_day_of_month, to_company_date
from app.core.i18n import money, percent
from app.core.models import utcnow
from app.core.notify import N_, notify
from app.core.settings import base_currency, get_setting
from app.customers.models import Customer
from app.extensions import db
from app.reports import analysis
from app.reports.document import TEMPLATE_NAME
from app.reports.models import REPORT_STATUSES, MonthlyReport, ReportReview
from app.reports.periods import Period, add_months
from app.reports.services import sync_contract_sales

TOP = 5


def deadline_for(year: int, month: int):
    """The n-th working day (setting ``report_deadline_working_day``) of the month after the report's month."""
    following = add_months(datetime(year, month, 1).date(), 1)
    return nth_working_day_of_month(following.year, following.month, get_setting("report_deadline_working_day"))


def submitted_on_time(report: MonthlyReport) -> bool | None:
    if report.first_submitted_at is None:
        return None
    return to_company_date(report.first_submitted_at) <= report.deadline_on


def _str(value) -> str | None:
    return None if value is None else str(value)


def compute_figures(owner_id: int, period: Period) -> dict:
    """The month's sales figures for one rep, as JSON-ready strings (kept with the report when submitted)."""
    f = analysis.Filters(period.first, period.last, owner_ids=[owner_id])
    series = analysis.monthly_series(analysis.Filters(period.shift(-1).first, period.last, owner_ids=[owner_id]))
    current = series.iloc[-1]
    previous = series.iloc[0]
    totals = analysis.totals(f)
    countries = analysis.by_dimension(f, "country").head(TOP)
    products = analysis.by_dimension(f, "product").head(TOP)
    customers = analysis.top_customers(f, TOP)
    new_valid = db.session.scalar(sa.select(sa.func.count(Customer.id)).where(
        Customer.owner_id == owner_id, Customer.valid_at >= period.start_utc, Customer.valid_at < period.end_utc))
    return {
        "period": period.key,
        "currency": base_currency(),
        "total": str(totals["amount"]),
        "deals": totals["deals"],
        "avg_deal": _str(totals["avg_deal"]),
        "previous_total": _str(analysis.money(previous["amount"])),
        "mom": _str(analysis.ratio(current["mom"])),
        "prior_year_total": _str(analysis.money(current["prior_year"])),
        "yoy": _str(analysis.ratio(current["yoy"])),
        "new_valid_customers": int(new_valid or 0),
        "countries": [{"code": r.country, "amount": str(analysis.money(r.amount)), "share": _str(analysis.ratio(r.share))}
                      for r in countries.itertuples()],
        "products": [{"name": r.label, "amount": str(analysis.money(r.amount)), "share": _str(analysis.ratio(r.share))}
                     for r in products.itertuples()],
        "customers": [{"name": r.customer, "country": r.country, "amount": str(analysis.money(r.amount))}
                      for r in customers.itertuples()],
        "generated_at": utcnow().isoformat(timespec="seconds"),
    }


def figures_of(report: MonthlyReport) -> dict:
    """Frozen figures once submitted; live figures while the rep is still writing."""
    if report.status in ("submitted", "approved") and report.figures:
        return report.figures
    sync_contract_sales()
    return compute_figures(report.owner_id, Period.month(report.year, report.month))


def get_or_create(owner_id: int, period: Period) -> MonthlyReport:
    report = db.session.scalar(sa.select(MonthlyReport).where(
        MonthlyReport.owner_id == owner_id, MonthlyReport.year == period.year, MonthlyReport.month == period.month_no))
    if report is None:
        report = MonthlyReport(owner_id=owner_id, year=period.year, month=period.month_no, status="draft",
                               deadline_on=deadline_for(period.year, period.month_no))
        db.session.add(report)
        db.session.flush()
    return report


def managers() -> list[int]:
    return list(db.session.scalars(sa.select(User.id).join(UserRole, UserRole.user_id == User.id)
                                   .where(UserRole.role == "manager", User.active)))


def submit(report: MonthlyReport) -> None:
    sync_contract_sales()
    report.figures = compute_figures(report.owner_id, Period.month(report.year, report.month))
    now = utcnow()
    report.first_submitted_at = report.first_submitted_at or now
    report.submitted_at = now
    report.status = "submitted"
    link = url_for("reports.show_report", report_id=report.id)
    for manager_id in managers():
        notify(manager_id, N_("%(rep)s submitted the monthly sales report for %(period)s."), link=link,
               rep=report.owner.display_name, period=report.period)


def review(report: MonthlyReport, reviewer: User, approve: bool, comment: str) -> None:
    """Approve, or send back for corrections (the report then counts against 7b data accuracy)."""
    report.reviewed_at = utcnow()
    report.reviewed_by_id = reviewer.id
    report.review_comment = comment
    db.session.add(ReportReview(report_id=report.id, reviewer_id=reviewer.id,
                                decision="approved" if approve else "correction_requested", comment=comment))
    link = url_for("reports.show_report", report_id=report.id)
    if approve:
        report.status = "approved"
        notify(report.owner_id, N_("Your monthly sales report for %(period)s was approved."), link=link,
               period=report.period)
    else:
        report.status = "correction_requested"
        report.correction_requested = True
        notify(report.owner_id, N_("Your monthly sales report for %(period)s needs corrections: %(comment)s"),
               link=link, period=report.period, comment=comment[:150])


def _paragraphs(text: str) -> list[str]:
    lines = [line.rstrip() for line in (text or "").splitlines()]
    return [line for line in lines if line.strip()] or ["—"]


def _pct(value: str | None) -> str:
    return percent(Decimal(value)) if value is not None else "—"


def document_context(report: MonthlyReport) -> dict:
    figures = figures_of(report)
    currency = figures["currency"]
    with force_locale("en"):
        amount = {k: money(Decimal(figures[k]), currency) if figures.get(k) is not None else "—"
                  for k in ("total", "avg_deal", "previous_total", "prior_year_total")}
    en, zh = Locale.parse("en").territories, Locale.parse("zh_Hans_CN").territories

    def country(code):
        return f"{en.get(code, code)} / {zh.get(code, code)}" if code else "—"

    key_figures = [
        ("Sales this month", "本月销售额", amount["total"]),
        ("Deals", "成交笔数", str(figures["deals"])),
        ("Average deal size", "平均单笔金额", amount["avg_deal"]),
        ("Previous month", "上月销售额", amount["previous_total"]),
        ("Month-on-month growth", "环比增长", _pct(figures.get("mom"))),
        ("Same month last year", "去年同月销售额", amount["prior_year_total"]),
        ("Year-on-year growth", "同比增长", _pct(figures.get("yoy"))),
        ("New valid customers", "新增有效客户", str(figures["new_valid_customers"])),
    ]
    with force_locale("en"):
        rows_c = [{"name": country(r["code"]), "amount": money(Decimal(r["amount"]), currency), "share": _pct(r["share"])}
                  for r in figures["countries"]]
        rows_p = [{"name": r["name"], "amount": money(Decimal(r["amount"]), currency), "share": _pct(r["share"])}
                  for r in figures["products"]]
        rows_k = [{"name": r["name"], "country": country(r["country"]), "amount": money(Decimal(r["amount"]), currency)}
                  for r in figures["customers"]]
    with force_locale("zh_CN"):
        status_zh = str(REPORT_STATUSES[report.status])
    with force_locale("en"):
        status_en = str(REPORT_STATUSES[report.status])

    def stamp(moment):
        return to_company_date(moment).isoformat() if moment else "—"

    return {
        "company_en": get_setting("company_name_en"), "company_zh": get_setting("company_name_zh"),
        "rep": report.owner.display_name, "period": report.period, "status_en": status_en, "status_zh": status_zh,
        "deadline": report.deadline_on.isoformat(), "submitted": stamp(report.submitted_at),
        "reviewed": stamp(report.reviewed_at), "reviewer": report.reviewed_by.display_name if report.reviewed_by else "",
        "review_comment": report.review_comment or "—", "base_currency": currency,
        "key_figures": [{"label_en": a, "label_zh": b, "value": c} for a, b, c in key_figures],
        "countries": rows_c or [{"name": "—", "amount": "—", "share": "—"}],
        "products": rows_p or [{"name": "—", "amount": "—", "share": "—"}],
        "customers": rows_k or [{"name": "—", "country": "—", "amount": "—"}],
        "analysis_paragraphs": _paragraphs(report.analysis),
        "suggestion_paragraphs": _paragraphs(report.suggestions),
    }


def render_docx(report: MonthlyReport):
    return documents.render(TEMPLATE_NAME, document_context(report))
