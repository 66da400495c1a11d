"""Market research reports, competitors and their prices, and the customer-needs analysis table."""
import io

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.core import documents
from app.core.calendar import company_today
from app.core.forms import choices
from app.core.i18n import country_choices, country_name
from app.core.locking import StaleEdit, ensure_current
from app.core.models import StoredFile, utcnow
from app.core.registry import home_panel
from app.core.uploads import UploadError, register_file_access, save_upload
from app.core.views import int_arg, render_page, see_other
from app.customers import services as customer_services
from app.customers.models import Customer
from app.customers.sections import customer_section
from app.extensions import db
from app.pricing.models import Product
from app.pricing.terms import INCOTERMS
from app.research import bp, services
from app.research.forms import (
    AttachmentForm,
    CompetitorForm,
    NeedForm,
    PriceForm,
    ReportForm,
    ReturnForm,
    ReviewForm,
)
from app.research.models import (
    PRIORITIES,
    REPORT_STATUSES,
    Competitor,
    CompetitorPrice,
    CustomerNeed,
    ResearchReport,
)

ATTACHMENT_KINDS = {"pdf", "docx", "xlsx", "png", "jpeg", "csv"}


def _sales_only():
    """Competitors and writing reports are for reps and managers (403 otherwise)."""
    if not services.is_sales(current_user):
        abort(403)


def _product_choices(blank):
    rows = db.session.execute(sa.select(Product.id, Product.sku, Product.name_en, Product.name_zh)
                              .where(Product.active).order_by(Product.sku)).all()
    return choices([(0, blank)] + [(r.id, f"{r.sku} {r.name_en}" + (f" / {r.name_zh}" if r.name_zh else ""))
                                   for r in rows])


def _attachments_check(user, report_id):
    report = db.session.get(ResearchReport, report_id) if report_id else None
    return report is not None and services.can_view_report(user, report)


register_file_access("research_report", _attachments_check)


# --- reports --------------------------------------------------------------------------------------

@bp.get("/")
def index():
    """Research reports the user may read (own, shared with them, or all for managers)."""
    if not (services.is_sales(current_user) or services.may_see_needs(current_user)
            or db.session.scalar(services.report_query(current_user).limit(1))):
        abort(403)
    status = request.args.get("status", "")
    owner = request.args.get("owner", "")
    q = (request.args.get("q") or "").strip()
    query = services.report_query(current_user).options(joinedload(ResearchReport.owner),
                                                        joinedload(ResearchReport.reviewed_by))
    if status in REPORT_STATUSES:
        query = query.where(ResearchReport.status == status)
    if owner.isdigit() and current_user.is_manager:
        query = query.where(ResearchReport.owner_id == int(owner))
    if q:
        query = query.where(sa.or_(ResearchReport.title.ilike(f"%{q}%"), ResearchReport.markets.ilike(f"%{q}%"),
                                   ResearchReport.industry.ilike(f"%{q}%")))
    query = query.order_by(ResearchReport.updated_at.desc(), ResearchReport.id.desc())
    pagination = db.paginate(query, page=int_arg("page"), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    owners = db.session.scalars(sa.select(User).where(User.id.in_(sa.select(ResearchReport.owner_id).distinct()))
                                .order_by(User.full_name)).all() if current_user.is_manager else []
    return render_page("research/index.html", "research/_report_rows.html", pagination=pagination,
                       statuses=REPORT_STATUSES, status=status, owner=owner, q=q, owners=owners,
                       markets=services.market_names, is_sales=services.is_sales(current_user))


def _report_form(report=None):
    form = ReportForm(obj=report)
    customers = services.linkable_customers(current_user, report)
    form.customer_ids.choices = choices((c.id, c.display_name) for c in customers)
    competitors = db.session.scalars(sa.select(Competitor).order_by(Competitor.name)).all()
    form.competitor_ids.choices = choices((c.id, c.name) for c in competitors)
    if request.method == "GET" and report is not None:
        form.customer_ids.data = [c.id for c in report.customers]
        form.competitor_ids.data = [c.id for c in report.competitors]
        form.markets.data = services.market_names(report.markets)
    return form


def _save_report(form, report: ResearchReport) -> bool:
    markets, problems = services.parse_markets(form.markets.data)
    if problems:
        form.markets.errors = list(form.markets.errors) + [str(p) for p in problems]
        return False
    for name in ("title", "industry", "period_start_on", "period_end_on", "sources", "findings",
                 "competitor_analysis", "opportunities"):
        setattr(report, name, getattr(form, name).data or ("" if name not in ("period_start_on", "period_end_on")
                                                            else None))
    report.markets = markets
    allowed = {c.id for c in services.linkable_customers(current_user, report if report.id else None)}
    ids = [i for i in (form.customer_ids.data or []) if i in allowed]
    report.customers = list(db.session.scalars(sa.select(Customer).where(Customer.id.in_(ids)))) if ids else []
    cids = form.competitor_ids.data or []
    report.competitors = list(db.session.scalars(sa.select(Competitor).where(Competitor.id.in_(cids)))) \
        if cids else []
    return True


@bp.route("/reports/new", methods=["GET", "POST"])
def create_report():
    _sales_only()
    form = _report_form()
    if request.method == "GET":
        today = company_today()
        form.period_end_on.data = today
        form.period_start_on.data = today.replace(day=1)
    if form.validate_on_submit():
        report = ResearchReport(owner_id=current_user.id, status="draft")
        if _save_report(form, report):
            db.session.add(report)
            db.session.commit()
            flash(_("Report saved as a draft."), "success")
            return redirect(url_for("research.report", report_id=report.id), 303)
    return render_template("research/report_form.html", form=form, report=None), 422 if form.errors else 200


@bp.route("/reports/<int:report_id>/edit", methods=["GET", "POST"])
def edit_report(report_id: int):
    """Only the author edits, and only while the report is a draft (404 for others' reports, 409 after)."""
    report = services.get_report(report_id, current_user)
    if report.owner_id != current_user.id:
        abort(403)
    if report.status != "draft":
        flash(_("A submitted report can no longer be edited."), "error")
        return redirect(url_for("research.report", report_id=report.id), 303)
    form = _report_form(report)
    stale = None
    if form.validate_on_submit():
        try:
            ensure_current(report, form.version_id.data)
        except StaleEdit as exc:
            stale = exc.message
            form.version_id.data = report.version_id
        else:
            if _save_report(form, report):
                db.session.commit()
                flash(_("Report saved."), "success")
                return redirect(url_for("research.report", report_id=report.id), 303)
    status = 409 if stale else (422 if form.errors else 200)
    return render_template("research/report_form.html", form=form, report=report, stale=stale), status


@bp.get("/reports/<int:report_id>")
def report(report_id: int):
    report = services.get_report(report_id, current_user)
    attachments = db.session.scalars(sa.select(StoredFile).where(StoredFile.owner_type == "research_report",
                                                                 StoredFile.owner_id == report.id)
                                     .order_by(StoredFile.id)).all()
    prices = [p for c in report.competitors for p in c.prices[:10]]
    return render_template("research/report.html", report=report, statuses=REPORT_STATUSES,
                           review_form=ReviewForm(), return_form=ReturnForm(prefix="ret"), attachment_form=AttachmentForm(),
                           attachments=attachments, markets=services.market_names, prices=prices,
                           is_owner=report.owner_id == current_user.id,
                           marketing=services.department_members("marketing"))


@bp.post("/reports/<int:report_id>/submit")
def submit_report(report_id: int):
    report = services.get_report(report_id, current_user)
    if report.owner_id != current_user.id:
        abort(403)
    problems = services.submit_problems(report)
    if problems:
        for p in problems:
            flash(str(p), "error")
    else:
        report.status = "submitted"
        report.submitted_at = utcnow()
        db.session.commit()
        flash(_("Report submitted to the manager for review."), "success")
    return redirect(url_for("research.report", report_id=report.id), 303)


@bp.post("/reports/<int:report_id>/review")
def review_report(report_id: int):
    """The manager scores accuracy and usefulness (1–5); only a submitted report, never one's own."""
    report = services.get_report(report_id, current_user)
    if not current_user.is_manager:
        abort(403)
    if report.status != "submitted":
        flash(_("Only a submitted report can be reviewed."), "error")
        return redirect(url_for("research.report", report_id=report.id), 303)
    if report.owner_id == current_user.id:
        flash(_("You cannot score your own report."), "error")
        return redirect(url_for("research.report", report_id=report.id), 303)
    form = ReviewForm()
    if not form.validate_on_submit():
        return render_template("research/report.html", report=report, statuses=REPORT_STATUSES, review_form=form,
                               return_form=ReturnForm(prefix="ret"), attachment_form=AttachmentForm(), attachments=[],
                               markets=services.market_names, prices=[], is_owner=False,
                               marketing=services.department_members("marketing")), 422
    report.accuracy_score = form.accuracy_score.data
    report.usefulness_score = form.usefulness_score.data
    report.review_comment = form.review_comment.data or ""
    report.status = "reviewed"
    report.reviewed_at = utcnow()
    report.reviewed_by_id = current_user.id
    from app.core.notify import N_, notify

    notify(report.owner_id, N_("%(manager)s reviewed your report “%(title)s”: accuracy %(accuracy)s, "
                               "usefulness %(usefulness)s."),
           link=url_for("research.report", report_id=report.id), manager=current_user.display_name,
           title=report.title, accuracy=report.accuracy_score, usefulness=report.usefulness_score)
    db.session.commit()
    flash(_("Review saved."), "success")
    return redirect(url_for("research.report", report_id=report.id), 303)


@bp.post("/reports/<int:report_id>/return")
def return_report(report_id: int):
    report = services.get_report(report_id, current_user)
    if not current_user.is_manager:
        abort(403)
    form = ReturnForm(prefix="ret")
    if report.status != "submitted" or not form.validate_on_submit():
        flash(_("Say what should be reworked.") if report.status == "submitted"
              else _("Only a submitted report can be returned."), "error")
        return redirect(url_for("research.report", report_id=report.id), 303)
    report.status = "draft"
    report.review_comment = form.review_comment.data
    from app.core.notify import N_, notify

    notify(report.owner_id, N_("%(manager)s returned your report “%(title)s” for rework."),
           link=url_for("research.report", report_id=report.id), manager=current_user.display_name,
           title=report.title)
    db.session.commit()
    flash(_("Report returned to the author."), "success")
    return redirect(url_for("research.report", report_id=report.id), 303)


@bp.post("/reports/<int:report_id>/share")
def share_report(report_id: int):
    """Share a submitted or reviewed report with the marketing department (recorded and notified)."""
    report = services.get_report(report_id, current_user)
    if not (current_user.is_manager or report.owner_id == current_user.id):
        abort(403)
    if report.status == "draft":
        flash(_("Submit the report before sharing it."), "error")
    else:
        people = services.share_with_marketing(report, current_user)
        if not people:
            flash(_("The marketing department has no active members or head. Ask the administrator to add them."),
                  "error")
        else:
            db.session.commit()
            flash(_("Shared with marketing: %(names)s.", names=", ".join(p.display_name for p in people)),
                  "success")
    return redirect(url_for("research.report", report_id=report.id), 303)


@bp.get("/reports/<int:report_id>/document.docx")
def report_document(report_id: int):
    report = services.get_report(report_id, current_user)
    data = services.render_report(report)
    name = documents.safe_filename(f"research-report-{report.id}-{report.title}") + ".docx"
    return send_file(data, as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@bp.post("/reports/<int:report_id>/attachments")
def attach(report_id: int):
    report = services.get_report(report_id, current_user)
    if report.owner_id != current_user.id:
        abort(403)
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            save_upload(form.file.data, ATTACHMENT_KINDS, owner_type="research_report", owner_id=report.id,
                        user_id=current_user.id)
            db.session.commit()
            flash(_("Attachment added."), "success")
        except UploadError as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
    else:
        flash(_("Choose a file."), "error")
    return redirect(url_for("research.report", report_id=report.id), 303)


@bp.get("/panels/reviews")
@home_panel("research_reviews", _l("Research reports waiting for your score"), order=25, roles={"manager"})
def panel_reviews():
    rows = db.session.scalars(sa.select(ResearchReport).where(ResearchReport.status == "submitted")
                              .options(joinedload(ResearchReport.owner))
                              .order_by(ResearchReport.submitted_at).limit(10)).all()
    return render_template("research/_panel_reviews.html", reports=rows)


# --- competitors and prices -----------------------------------------------------------------------

@bp.get("/competitors")
def competitors():
    _sales_only()
    q = (request.args.get("q") or "").strip()
    count = sa.select(sa.func.count(CompetitorPrice.id)).where(CompetitorPrice.competitor_id == Competitor.id) \
        .correlate(Competitor).scalar_subquery()
    query = sa.select(Competitor, count).order_by(Competitor.name)
    if q:
        query = query.where(sa.or_(Competitor.name.ilike(f"%{q}%"), Competitor.main_products.ilike(f"%{q}%")))
    rows = db.session.execute(query).all()
    return render_template("research/competitors.html", rows=rows, q=q)


def _competitor_form(competitor=None):
    form = CompetitorForm(obj=competitor)
    form.country.choices = choices([("", "—")] + country_choices())
    return form


@bp.route("/competitors/new", methods=["GET", "POST"])
@bp.route("/competitors/<int:competitor_id>/edit", methods=["GET", "POST"])
def edit_competitor(competitor_id: int | None = None):
    _sales_only()
    competitor = db.session.get(Competitor, competitor_id) if competitor_id else None
    if competitor_id and competitor is None:
        abort(404)
    form = _competitor_form(competitor)
    if form.validate_on_submit():
        clash = db.session.scalar(sa.select(Competitor).where(sa.func.lower(Competitor.name) == form.name.data.lower(),
                                                              Competitor.id != (competitor.id if competitor else 0)))
        if clash:
            form.name.errors.append(_("A competitor with this name exists already."))
        else:
            if competitor is None:
                competitor = Competitor(created_by_id=current_user.id)
                db.session.add(competitor)
            for name in ("name", "country", "website", "main_products", "notes"):
                setattr(competitor, name, (getattr(form, name).data or "").strip())
            db.session.commit()
            flash(_("Competitor saved."), "success")
            return redirect(url_for("research.competitor", competitor_id=competitor.id), 303)
    return render_template("research/competitor_form.html", form=form, competitor=competitor), \
        422 if form.errors else 200


def _price_form():
    form = PriceForm()
    form.product_id.choices = _product_choices(_("— not one of ours —"))
    form.incoterm.choices = choices([("", "—")] + [(k, v.label) for k, v in INCOTERMS.items()])
    if request.method == "GET":
        form.observed_on.data = company_today()
    return form


@bp.route("/competitors/<int:competitor_id>", methods=["GET", "POST"])
def competitor(competitor_id: int):
    """A competitor and its observed prices; POST adds a price observation."""
    _sales_only()
    competitor = db.session.get(Competitor, competitor_id) or abort(404)
    form = _price_form()
    if form.validate_on_submit():
        if form.observed_on.data > company_today():
            form.observed_on.errors.append(_("The date cannot be in the future."))
        else:
            product = db.session.get(Product, form.product_id.data) if form.product_id.data else None
            db.session.add(CompetitorPrice(
                competitor=competitor, product_id=product.id if product else None,
                product_name=(form.product_name.data or "").strip(),
                product_category=(form.product_category.data or (product.category if product else "")).strip(),
                price_amount=form.price_amount.data, currency=form.currency.data, unit=form.unit.data or "",
                incoterm=form.incoterm.data or "", observed_on=form.observed_on.data, source=form.source.data,
                notes=form.notes.data or "", created_by_id=current_user.id))
            db.session.commit()
            flash(_("Price recorded."), "success")
            return redirect(url_for("research.competitor", competitor_id=competitor.id), 303)
    prices = db.session.scalars(sa.select(CompetitorPrice).where(CompetitorPrice.competitor_id == competitor.id)
                                .options(joinedload(CompetitorPrice.product), joinedload(CompetitorPrice.created_by))
                                .order_by(CompetitorPrice.observed_on.desc(), CompetitorPrice.id.desc())).all()
    return render_template("research/competitor.html", competitor=competitor, prices=prices, form=form,
                           incoterms=INCOTERMS), 422 if form.errors else 200


@bp.post("/prices/<int:price_id>/delete")
def delete_price(price_id: int):
    _sales_only()
    price = db.session.get(CompetitorPrice, price_id) or abort(404)
    if not (current_user.is_manager or price.created_by_id == current_user.id):
        abort(403)
    competitor_id = price.competitor_id
    db.session.delete(price)
    db.session.commit()
    flash(_("Price deleted."), "success")
    return redirect(url_for("research.competitor", competitor_id=competitor_id), 303)


@bp.get("/prices")
def prices():
    """Competitor prices per product (or category / free text), with min / mean / max per currency and term."""
    _sales_only()
    product_id = request.args.get("product_id", type=int) or 0
    q = (request.args.get("q") or "").strip()
    query = sa.select(CompetitorPrice).options(joinedload(CompetitorPrice.competitor),
                                               joinedload(CompetitorPrice.product))
    if product_id:
        query = query.where(CompetitorPrice.product_id == product_id)
    if q:
        query = query.where(sa.or_(CompetitorPrice.product_name.ilike(f"%{q}%"),
                                   CompetitorPrice.product_category.ilike(f"%{q}%"),
                                   CompetitorPrice.product_id.in_(sa.select(Product.id).where(sa.or_(
                                       Product.name_en.ilike(f"%{q}%"), Product.name_zh.ilike(f"%{q}%"),
                                       Product.sku.ilike(f"%{q}%"))))))
    rows = db.session.scalars(query.order_by(CompetitorPrice.observed_on.desc(), CompetitorPrice.id.desc())
                              .limit(500)).all()
    return render_template("research/prices.html", rows=rows, summary=services.price_summary(rows),
                           products=_product_choices(_("All products")), product_id=product_id, q=q)


# --- needs analysis -------------------------------------------------------------------------------

def _needs_query():
    args = request.args
    query = (sa.select(CustomerNeed).join(CustomerNeed.customer)
             .where(Customer.merged_into_id.is_(None), services.needs_filter(current_user)))
    if args.get("category"):
        query = query.where(CustomerNeed.product_category.ilike(f"%{args['category'].strip()}%"))
    if args.get("country"):
        query = query.where(Customer.country == args["country"].upper()[:2])
    if args.get("priority") in PRIORITIES:
        query = query.where(CustomerNeed.priority == args["priority"])
    if args.get("sent") == "1":
        query = query.where(CustomerNeed.sent_to_product_at.is_not(None))
    elif args.get("sent") == "0":
        query = query.where(CustomerNeed.sent_to_product_at.is_(None))
    if args.get("q"):
        like = f"%{args['q'].strip()}%"
        query = query.where(sa.or_(Customer.name.ilike(like), Customer.local_name.ilike(like),
                                   CustomerNeed.certifications.ilike(like)))
    if args.get("owner", "").isdigit() and current_user.is_manager:
        query = query.where(Customer.owner_id == int(args["owner"]))
    return query.options(joinedload(CustomerNeed.customer).joinedload(Customer.owner),
                         joinedload(CustomerNeed.product), joinedload(CustomerNeed.sent_by)) \
        .order_by(sa.case({"high": 0, "medium": 1, "low": 2}, value=CustomerNeed.priority),
                  Customer.name, CustomerNeed.id)


@bp.get("/needs")
def needs():
    """客户需求分析表: the team-wide needs table, filtered as htmx partials."""
    if not services.may_see_needs(current_user):
        abort(403)
    pagination = db.paginate(_needs_query(), page=int_arg("page"), per_page=current_app.config["PAGE_SIZE"],
                             error_out=False)
    countries = sorted({c for c in db.session.scalars(
        sa.select(Customer.country).join(CustomerNeed, CustomerNeed.customer_id == Customer.id).distinct())},
        key=country_name)
    return render_page("research/needs.html", "research/_need_rows.html", pagination=pagination,
                       args=request.args, priorities=PRIORITIES, countries=countries,
                       can_edit=customer_services.can_edit)


@bp.get("/needs/export.xlsx")
def export_needs():
    if not services.may_see_needs(current_user):
        abort(403)
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from app.customers.importing import sheet_row

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("需求分析 Needs")
    for letter, width in zip("ABCDEFGHIJKLMN", (32, 14, 14, 20, 26, 12, 8, 12, 8, 20, 30, 30, 10, 14), strict=True):
        ws.column_dimensions[letter].width = width
    ws.append(sheet_row(ws, [_("Customer needs analysis") + " 客户需求分析表"], Font(bold=True, size=13)))
    header = ["Customer 客户", "Country 国家", "Owner 业务员", "Product category 产品类别", "Product 产品",
              "Annual quantity 年需求量", "Unit 单位", "Target price 目标价", "Currency 币种",
              "Certifications 认证要求", "Quality requirements 质量要求", "Delivery requirements 交付要求",
              "Priority 优先级", "Sent to product team 已发送产品部"]
    ws.append(sheet_row(ws, header, Font(bold=True)))
    for n in db.session.scalars(_needs_query().limit(50_000)):
        c = n.customer
        ws.append(sheet_row(ws, [
            c.name + (f" ({c.local_name})" if c.local_name else ""), country_name(c.country),
            c.owner.display_name if c.owner else _("Public pool"), n.product_category,
            n.product.display_name if n.product else "", n.quantity, n.unit, n.target_price_amount,
            n.currency, n.certifications, n.quality_requirements, n.delivery_requirements,
            str(PRIORITIES.get(n.priority, n.priority)),
            n.sent_to_product_at.date() if n.sent_to_product_at else ""]))
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return send_file(out, as_attachment=True, download_name=f"customer-needs-{company_today().isoformat()}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _need_or_404(need_id: int) -> CustomerNeed:
    need = db.session.get(CustomerNeed, need_id)
    if need is None:
        abort(404)
    customer_services.get_customer(need.customer_id, current_user, edit=True)
    return need


@bp.route("/needs/new", methods=["GET", "POST"])
@bp.route("/needs/<int:need_id>/edit", methods=["GET", "POST"])
def edit_need(need_id: int | None = None):
    """Record or change a need: only for customers the user may edit (404/403 otherwise)."""
    need = _need_or_404(need_id) if need_id else None
    customer_id = need.customer_id if need else request.args.get("customer_id", type=int)
    if not customer_id:
        abort(404)
    customer = customer_services.get_customer(customer_id, current_user, edit=True)
    form = NeedForm(obj=need)
    form.product_id.choices = _product_choices("—")
    stale = None
    if form.validate_on_submit():
        try:
            if need is not None:
                ensure_current(need, form.version_id.data)
        except StaleEdit as exc:
            stale = exc.message
            form.version_id.data = need.version_id
        else:
            if need is None:
                need = CustomerNeed(customer=customer, created_by_id=current_user.id)
                db.session.add(need)
            for name in ("product_category", "unit", "currency", "certifications", "quality_requirements",
                         "delivery_requirements", "priority", "notes"):
                setattr(need, name, (getattr(form, name).data or "").strip())
            need.product_id = form.product_id.data or None
            need.quantity = form.quantity.data
            need.target_price_amount = form.target_price_amount.data
            db.session.commit()
            flash(_("Need saved."), "success")
            return redirect(url_for("customers.detail", customer_id=customer.id) + "#needs", 303)
    status = 409 if stale else (422 if form.errors else 200)
    return render_template("research/need_form.html", form=form, need=need, customer=customer, stale=stale), status


@bp.post("/needs/<int:need_id>/delete")
def delete_need(need_id: int):
    need = _need_or_404(need_id)
    customer_id = need.customer_id
    db.session.delete(need)
    db.session.commit()
    flash(_("Need deleted."), "success")
    return redirect(url_for("customers.detail", customer_id=customer_id) + "#needs", 303)


@bp.post("/needs/<int:need_id>/send")
def send_need(need_id: int):
    """Send a need to the product team: records when and by whom, notifies the product department."""
    need = _need_or_404(need_id)
    people = services.send_to_product(need, current_user)
    if not people:
        flash(_("The product department has no active members or head. Ask the administrator to add them."),
              "error")
    else:
        db.session.commit()
        flash(_("Sent to the product team: %(names)s.", names=", ".join(p.display_name for p in people)), "success")
    target = request.form.get("next", "")
    return see_other(target if target.startswith("/") and not target.startswith("//")
                     else url_for("research.needs"))


def _needs_section(customer, user):
    if not services.may_see_needs(user):
        return None
    rows = db.session.scalars(sa.select(CustomerNeed).where(CustomerNeed.customer_id == customer.id)
                              .options(joinedload(CustomerNeed.product)).order_by(CustomerNeed.id)).all()
    return {"needs": rows, "priorities": PRIORITIES}


customer_section("needs", 30, "research/_customer_needs.html", _needs_section)


from app.research import seed  # noqa: E402,F401
