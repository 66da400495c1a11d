"""The sales plan as a bilingual Word document (doc_templates/sales_plan.docx)."""
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from app.core import documents
from app.core.calendar import company_today
from app.core.settings import base_currency, get_setting
from app.plans.models import SalesPlan
from app.plans.services import plan_period, targets_for

DOCUMENT = "sales_plan.docx"
VARIABLES = {
    "company_name_en", "company_name_zh", "rep_name", "kind_en", "kind_zh", "period_en", "period_zh", "status_en",
    "status_zh", "submitted_on", "approved_by", "approved_on", "currency", "target_amount", "new_customer_target",
    "strategy_paragraphs", "markets", "products", "research_reports", "tasks", "adjustments", "return_comment",
    "generated_on",
}
documents.register_document(DOCUMENT, VARIABLES)

KINDS = {"monthly": ("Monthly plan", "月度计划"), "quarterly": ("Quarterly plan", "季度计划")}
STATUSES = {"draft": ("Draft", "草稿"), "submitted": ("Submitted", "已提交"), "approved": ("Approved", "已批准"),
            "returned": ("Returned", "已退回")}
TASK_STATUSES = {"open": ("Open", "进行中"), "done": ("Done", "已完成"), "cancelled": ("Cancelled", "已取消")}
_EN, _ZH = Locale.parse("en"), Locale.parse("zh_CN")


def _day(value) -> str:
    return value.isoformat() if value else "—"


def _period(plan: SalesPlan) -> tuple[str, str]:
    if plan.kind == "monthly":
        en = format_date(plan.first_day, "MMMM y", locale=_EN)
        return en, f"{plan.year}年{plan.month}月"
    return f"Q{plan.quarter} {plan.year}", f"{plan.year}年第{plan.quarter}季度"


def _bilingual_country(code: str) -> str:
    return f"{code} {_EN.territories.get(code, code)} / {_ZH.territories.get(code, code)}"


def plan_context(plan: SalesPlan) -> dict:
    """Every value already formatted, labels in both languages; docxtpl escapes them on rendering."""
    period_en, period_zh = _period(plan)
    currency = base_currency()
    targets = targets_for([plan.owner], plan.year)[plan.owner_id]
    target = targets.for_period(plan_period(plan))
    customers = targets.for_period(plan_period(plan), "customers")
    strategy = [line for line in (plan.strategy or "").splitlines() if line.strip()] or ["—"]
    return {
        "company_name_en": get_setting("company_name_en"),
        "company_name_zh": get_setting("company_name_zh"),
        "rep_name": plan.owner.display_name,
        "kind_en": KINDS[plan.kind][0], "kind_zh": KINDS[plan.kind][1],
        "period_en": period_en, "period_zh": period_zh,
        "status_en": STATUSES[plan.status][0], "status_zh": STATUSES[plan.status][1],
        "submitted_on": _day(plan.submitted_at.date() if plan.submitted_at else None),
        "approved_by": plan.approved_by.display_name if plan.approved_by else "—",
        "approved_on": _day(plan.approved_at.date() if plan.approved_at else None) if plan.approved_by else "",
        "currency": currency,
        "target_amount": format_decimal(target, format="#,##0.00", locale=_EN) if target is not None else "—",
        "new_customer_target": str(customers) if customers is not None else "—",
        "strategy_paragraphs": strategy,
        "markets": [_bilingual_country(c) for c in plan.market_codes] or ["—"],
        "products": [f"{p.sku} {p.name_en}" + (f" / {p.name_zh}" if p.name_zh else "") for p in plan.products] or ["—"],
        "research_reports": [f"{r.title} ({_day(r.period_start_on)} – {_day(r.period_end_on)})"
                             for r in plan.research_reports] or ["—"],
        "tasks": [{"no": i, "title": t.title, "owner": t.owner.display_name, "due_on": _day(t.due_on),
                   "status": " / ".join(TASK_STATUSES[t.status]), "done_on": _day(t.done_on) if t.done_on else ""}
                  for i, t in enumerate(plan.tasks, start=1)],
        "adjustments": [{"made_on": _day(a.made_on), "author": a.author.display_name, "what_changed": a.what_changed,
                         "reason": a.reason} for a in plan.adjustments],
        "return_comment": (f"Returned with comment 退回意见: {plan.return_comment}"
                           if plan.status == "returned" and plan.return_comment else ""),
        "generated_on": _day(company_today()),
    }


def render_plan(plan: SalesPlan):
    return documents.render(DOCUMENT, plan_context(plan))
