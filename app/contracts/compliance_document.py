"""The compliance review report as a Word file (合规性审核报告, .docx), in English and Chinese.

The checklist labels, results and statuses are the gettext strings the screens use, read once in
English and once in Chinese, so the report and the screens never disagree.
"""
from datetime import timezone

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import force_locale

from app.contracts import bp, services
from app.contracts.models import CHECKLIST, RESULTS, STATUSES, PaymentTermsApproval
from app.contracts.routes import _docx_response, _load
from app.core import documents
from app.core.calendar import company_tz
from app.core.models import utcnow
from app.extensions import db

TEMPLATE = "compliance_review.docx"
VARIABLES = {"number", "customer", "owner", "status_en", "status_zh", "version_no", "current_result_en",
             "current_result_zh", "first_submitted", "signed_on", "turnaround_en", "turnaround_zh", "generated_at",
             "approvals", "reviews"}
documents.register_document(TEMPLATE, VARIABLES)

DECISIONS = {"approved": ("Approved", "已批准"), "rejected": ("Rejected", "已驳回"),
             "pending": ("Waiting for finance", "待财务审批")}


def _both(label) -> tuple[str, str]:
    with force_locale("en"):
        en = str(label)
    with force_locale("zh_CN"):
        zh = str(label)
    return en, zh


def _moment(value) -> str:
    """A naive-UTC moment as company-local 'YYYY-MM-DD HH:MM'."""
    if value is None:
        return "—"
    local = value.replace(tzinfo=timezone.utc).astimezone(company_tz())
    return local.strftime("%Y-%m-%d %H:%M")


def context(contract) -> dict:
    approvals = db.session.scalars(
        sa.select(PaymentTermsApproval).where(PaymentTermsApproval.contract_id == contract.id,
                                              PaymentTermsApproval.status != "superseded")
        .options(so.joinedload(PaymentTermsApproval.decided_by)).order_by(PaymentTermsApproval.id)).all()
    status_en, status_zh = _both(STATUSES.get(contract.status, contract.status))
    passed = services.passed_review(contract) is not None
    days = services.turnaround_days(contract)
    in_time = services.signed_in_time(contract)
    limit = services.turnaround_limit()
    if days is None:
        turnaround_en, turnaround_zh = "—", "—"
    else:
        turnaround_en = f"{days} working days"
        turnaround_zh = f"{days}个工作日"
        if in_time is not None:
            turnaround_en += f" ({'within' if in_time else 'later than'} {limit} working days)"
            turnaround_zh += f"（{'未超过' if in_time else '超过'}{limit}个工作日）"
    labels = {item: _both(label) for item, label in CHECKLIST.items()}
    results = {key: _both(label) for key, label in RESULTS.items()}
    reviews = []
    for no, r in enumerate(contract.reviews, start=1):
        items = []
        for item in CHECKLIST:
            result = (r.results or {}).get(item) or ""
            en, zh = results.get(result, ("—", "—"))
            items.append({"label_en": labels[item][0], "label_zh": labels[item][1], "result_en": en,
                          "result_zh": zh, "comment": (r.item_comments or {}).get(item, "")})
        reviews.append({"no": no, "version_no": r.version_no, "reviewer": r.reviewer.display_name,
                        "reviewed_at": _moment(r.reviewed_at),
                        "result_en": "Passed" if r.passed else "Returned with comments",
                        "result_zh": "通过" if r.passed else "退回修改",
                        "first": " · first review 首次审核" if r.is_first_review else "",
                        "comments": r.comments or "—", "checks": items})
    return {
        "number": contract.number,
        "customer": contract.customer.name,
        "owner": contract.owner.display_name,
        "status_en": status_en,
        "status_zh": status_zh,
        "version_no": contract.current_version_no,
        "current_result_en": "passed" if passed else "not passed",
        "current_result_zh": "已通过" if passed else "未通过",
        "first_submitted": _moment(contract.first_submitted_at),
        "signed_on": contract.signed_on.isoformat() if contract.signed_on else "—",
        "turnaround_en": turnaround_en,
        "turnaround_zh": turnaround_zh,
        "generated_at": _moment(utcnow()),
        "approvals": [{"version_no": a.version_no, "decision_en": DECISIONS.get(a.status, (a.status, a.status))[0]
                       + (f" (unchanged since version {a.carried_from_version_no})" if a.carried_from_version_no
                          else ""),
                       "decision_zh": DECISIONS.get(a.status, (a.status, a.status))[1]
                       + (f"（沿用第{a.carried_from_version_no}版）" if a.carried_from_version_no else ""),
                       "by": a.decided_by.display_name if a.decided_by else "—",
                       "at": _moment(a.decided_at), "comment": a.comment or "—"} for a in approvals],
        "reviews": reviews,
    }


@bp.get("/<int:contract_id>/compliance-report.docx")
def compliance_report_docx(contract_id: int):
    """The compliance review report as a bilingual Word file (same access as the contract: 404 otherwise)."""
    contract = _load(contract_id)
    data = documents.render(TEMPLATE, context(contract)).getvalue()
    name = documents.safe_filename(f"{contract.number}-compliance-review") + ".docx"
    return _docx_response(data, name)
