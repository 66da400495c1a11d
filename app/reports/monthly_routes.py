"""Monthly sales reports: the rep writes and submits, the manager approves or asks for corrections."""
import sqlalchemy as sa
from flask import abort, flash, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.core.access import require_owner_or_manager, roles_required
from app.core.calendar import company_today
from app.core.documents import safe_filename
from app.core.locking import StaleEdit, ensure_current
from app.core.views import int_arg, render_page, see_other
from app.extensions import db
from app.reports import bp, monthly
from app.reports.forms import MonthlyReportForm, ReviewForm
from app.reports.models import REPORT_STATUSES, MonthlyReport, ReportReview
from app.reports.periods import Period
from app.reports.routes import rep_choices, scope


@bp.get("/monthly")
def monthly_reports():
    """Reps see their own reports; the manager sees everyone's, filtered by status, rep and month."""
    query = sa.select(MonthlyReport).options(selectinload(MonthlyReport.owner)).order_by(
        MonthlyReport.year.desc(), MonthlyReport.month.desc(), MonthlyReport.owner_id)
    owner_ids = scope()
    if owner_ids is not None:
        query = query.where(MonthlyReport.owner_id.in_(owner_ids))
    status = request.args.get("status", "")
    if status in REPORT_STATUSES:
        query = query.where(MonthlyReport.status == status)
    rep = request.args.get("rep", "")
    if owner_ids is None and rep.isdigit():
        query = query.where(MonthlyReport.owner_id == int(rep))
    pagination = db.paginate(query, page=int_arg("page"), per_page=30, error_out=False)
    last = Period.previous()
    return render_page("reports/monthly_list.html", "reports/_monthly_rows.html", pagination=pagination,
                       statuses=REPORT_STATUSES, reps=rep_choices() if current_user.is_manager else [],
                       last_month=last, this_month=Period.current(), on_time=monthly.submitted_on_time,
                       is_rep=current_user.has_role("rep"))


@bp.post("/monthly/start")
@roles_required("rep")
def start_report():
    """Open (or create) one's own report for a past or the current month; later months are refused."""
    period = Period.parse(request.form.get("period", ""))
    if period is None:
        flash(_("Choose a month as YYYY-MM."), "error")
        return see_other(url_for("reports.monthly_reports"))
    if period.first > company_today():
        flash(_("A report can only be written for a month that has begun."), "error")
        return see_other(url_for("reports.monthly_reports"))
    report = monthly.get_or_create(current_user.id, period)
    db.session.commit()
    return see_other(url_for("reports.show_report", report_id=report.id))


def _report(report_id: int) -> MonthlyReport:
    report = db.session.get(MonthlyReport, report_id)
    if report is None:
        abort(404)
    require_owner_or_manager(report.owner_id)
    return report


def _page(report: MonthlyReport, form=None, review_form=None, status: int = 200):
    form = form or MonthlyReportForm(obj=report, formdata=None)
    review_form = review_form or ReviewForm(formdata=None, version_id=report.version_id)
    reviews = db.session.scalars(sa.select(ReportReview).options(selectinload(ReportReview.reviewer))
                                 .where(ReportReview.report_id == report.id).order_by(ReportReview.at)).all()
    return render_template("reports/monthly_report.html", report=report, form=form, review_form=review_form,
                           figures=monthly.figures_of(report), reviews=reviews, statuses=REPORT_STATUSES,
                           on_time=monthly.submitted_on_time(report),
                           can_edit=report.editable and report.owner_id == current_user.id,
                           can_review=current_user.is_manager and report.status == "submitted"
                           and report.owner_id != current_user.id), status


@bp.get("/monthly/<int:report_id>")
def show_report(report_id: int):
    """The report with its figures; the owner edits it, the manager reviews it (404 for other reps)."""
    report = _report(report_id)
    page = _page(report)
    db.session.commit()
    return page


@bp.post("/monthly/<int:report_id>")
def save_report(report_id: int):
    """Save or submit one's own draft (or a report sent back for corrections); stale forms are refused."""
    report = _report(report_id)
    if report.owner_id != current_user.id:
        abort(403)
    if not report.editable:
        flash(_("This report was submitted and can no longer be changed."), "error")
        return see_other(url_for("reports.show_report", report_id=report.id))
    form = MonthlyReportForm()
    if not form.validate_on_submit():
        return _page(report, form=form, status=422)
    try:
        ensure_current(report, form.version_id.data)
    except StaleEdit as exc:
        flash(str(exc.message), "error")
        db.session.refresh(report)
        form.version_id.data = report.version_id
        return _page(report, form=form, status=409)
    report.analysis = form.analysis.data or ""
    report.suggestions = form.suggestions.data or ""
    if request.form.get("action") == "submit":
        missing = False
        if not report.analysis.strip():
            form.analysis.errors.append(_("Write your analysis before submitting."))
            missing = True
        if not report.suggestions.strip():
            form.suggestions.errors.append(_("Write your improvement suggestions before submitting."))
            missing = True
        if missing:
            db.session.rollback()
            return _page(report, form=form, status=422)
        monthly.submit(report)
        db.session.commit()
        flash(_("Report submitted to the manager."), "success")
    else:
        db.session.commit()
        flash(_("Report saved."), "success")
    return see_other(url_for("reports.show_report", report_id=report.id))


@bp.post("/monthly/<int:report_id>/review")
@roles_required("manager")
def review_report(report_id: int):
    """Approve a submitted report or send it back with a comment saying what to correct (manager only)."""
    report = _report(report_id)
    if report.status != "submitted" or report.owner_id == current_user.id:
        flash(_("Only a submitted report of another user can be reviewed."), "error")
        return see_other(url_for("reports.show_report", report_id=report.id))
    form = ReviewForm()
    if not form.validate_on_submit():
        return _page(report, review_form=form, status=422)
    try:
        ensure_current(report, form.version_id.data)
    except StaleEdit as exc:
        flash(str(exc.message), "error")
        return see_other(url_for("reports.show_report", report_id=report.id))
    monthly.review(report, current_user, form.decision.data == "approve", (form.comment.data or "").strip())
    db.session.commit()
    flash(_("Report approved.") if report.status == "approved" else _("Report sent back for corrections."), "success")
    return see_other(url_for("reports.show_report", report_id=report.id))


@bp.get("/monthly/<int:report_id>.docx")
def report_docx(report_id: int):
    """The report as a bilingual Word document (owner or manager)."""
    report = _report(report_id)
    data = monthly.render_docx(report)
    name = safe_filename(f"monthly-report-{report.owner.username}-{report.period}")
    return send_file(data, as_attachment=True, download_name=name + ".docx",
                     mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")

