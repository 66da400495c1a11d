"""Sales data and its analysis: the area home, analysis pages with exports, sales list and sales import."""
from datetime import date

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.auth.models import User, UserRole
from app.core.access import roles_required
from app.core.calendar import company_today
from app.core.forms import choices
from app.core.settings import base_currency
from app.core.uploads import UploadError, register_file_access, save_upload
from app.core.views import int_arg, render_page, see_other
from app.extensions import db
from app.reports import analysis, bp, charts
from app.reports.exports import xlsx_response
from app.reports.forms import MappingForm, SalesUploadForm
from app.reports.importer import (
    FIELDS,
    PREVIEW_ROWS,
    REQUIRED,
    ImportFileError,
    check_rows,
    guess_mapping,
    read_table,
    run_import,
)
from app.reports.models import REPORT_STATUSES, SOURCES, MonthlyReport, SalesImport, SalesRecord
from app.reports.periods import Period, add_months
from app.reports.services import sync_contract_sales


@bp.before_request
@roles_required("rep", "manager")
def sales_roles_only():
    """Sales analysis, reports and scorecards are for reps and managers (403 for other roles)."""


register_file_access("sales_import", lambda user, owner_id: False)


def scope() -> list[int] | None:
    """None (everyone) for a manager, only oneself for a rep."""
    return None if current_user.is_manager else [current_user.id]


def rep_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        sa.select(User.id, User.full_name, User.username).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "rep").order_by(User.full_name, User.username)).all()
    return [(uid, full_name or username) for uid, full_name, username in rows]


def _month_arg(name: str, default: date) -> date:
    period = Period.parse(request.args.get(name, ""))
    return period.first if period else default


def analysis_filters() -> tuple[analysis.Filters, dict]:
    today = company_today().replace(day=1)
    first = _month_arg("from", add_months(today, -11))
    last_first = _month_arg("to", today)
    notes = []
    if first > last_first:
        first, last_first = last_first, first
        notes.append(_("The months were in the wrong order and have been swapped."))
    if (last_first.year - first.year) * 12 + last_first.month - first.month > 119:
        first = add_months(last_first, -119)
        notes.append(_("At most ten years are shown at once."))
    owner_ids = scope()
    rep = request.args.get("rep", "")
    if owner_ids is None and rep.isdigit():
        owner_ids = [int(rep)]
    f = analysis.Filters(first, Period.month(last_first.year, last_first.month).last, owner_ids=owner_ids,
                         country=(request.args.get("country") or "").upper()[:2],
                         product=(request.args.get("product") or "")[:210])
    args = {"from": first.strftime("%Y-%m"), "to": last_first.strftime("%Y-%m"), "rep": rep if current_user.is_manager else "",
            "country": f.country, "product": f.product, "notes": notes}
    return f, args


@bp.get("/")
def index():
    """The area home: this month and this year so far, and where to go next."""
    sync_contract_sales()
    db.session.commit()
    today = company_today()
    month = Period.month(today.year, today.month)
    owner_ids = scope()
    this_month = analysis.totals(analysis.Filters(month.first, month.last, owner_ids=owner_ids))
    this_year = analysis.totals(analysis.Filters(date(today.year, 1, 1), month.last, owner_ids=owner_ids))
    query = sa.select(MonthlyReport).options(selectinload(MonthlyReport.owner)).order_by(
        MonthlyReport.year.desc(), MonthlyReport.month.desc()).limit(6)
    if owner_ids is not None:
        query = query.where(MonthlyReport.owner_id.in_(owner_ids))
    else:
        query = query.where(MonthlyReport.status == "submitted")
    reports = db.session.scalars(query).all()
    return render_template("reports/index.html", this_month=this_month, this_year=this_year, month=month,
                           reports=reports, currency=base_currency(), last_month=Period.previous(),
                           statuses=REPORT_STATUSES)


def _analysis_context():
    f, args = analysis_filters()
    sync_contract_sales()
    db.session.commit()
    series = analysis.monthly_series(f)
    tables = {dim: analysis.by_dimension(f, dim) for dim in ("country", "product", "owner")}
    if scope() is not None:
        tables.pop("owner")
    charts_ = {
        "monthly": charts.column_chart([(m.strftime("%Y-%m"), a) for m, a in zip(series["month"], series["amount"],
                                                                                   strict=True)],
                                       _("Sales by month")),
    }
    for dim, frame in tables.items():
        top = frame.head(10)
        charts_[dim] = charts.bar_chart(list(zip(top["label"], top["amount"], strict=True)), _("Top 10"))
    return dict(f=f, args=args, series=series, tables=tables, charts=charts_,
                totals=analysis.totals(f), win=analysis.win_rate(f),
                currency=base_currency(), money=analysis.money, ratio=analysis.ratio,
                reps=rep_choices() if current_user.is_manager else [],
                countries=analysis.country_options(scope()), products=analysis.product_options(args["product"]))


@bp.get("/analysis")
def analysis_page():
    """Sales by month, country/region, product, customer and rep; growth, funnel, win rate (reps: own only)."""
    return render_page("reports/analysis.html", "reports/_analysis.html", **_analysis_context())


@bp.get("/analysis/section/<name>")
def analysis_section(name: str):
    """The slower sections of the analysis (top customers, funnel), loaded after the page by htmx."""
    if name not in ("customers", "funnel"):
        abort(404)
    f, args = analysis_filters()
    fragment = f"reports/_analysis_{name}.html"
    context = dict(f=f, args=args, currency=base_currency(), money=analysis.money, ratio=analysis.ratio)
    if name == "customers":
        context["customers"] = analysis.top_customers(f)
    else:
        context["funnel"] = analysis.funnel(f)
    return render_page("reports/analysis_section.html", fragment, section=fragment, **context)


EXPORTS = ("monthly", "country", "product", "owner", "customers", "funnel")


@bp.get("/analysis/<table>.xlsx")
def export_table(table: str):
    """Any analysis table as .xlsx with the same filters (404 for an unknown table, reps' own data only)."""
    if table not in EXPORTS or (table == "owner" and scope() is not None):
        abort(404)
    f, args = analysis_filters()
    currency = base_currency()
    period = f"{args['from']}_{args['to']}"
    money_fmt, pct_fmt = "#,##0.00", "0.0%"
    if table == "monthly":
        s = analysis.monthly_series(f)
        rows = [[m.strftime("%Y-%m"), analysis.money(a), int(d), analysis.money(v), _num(mom), _num(yoy)]
                for m, a, d, v, mom, yoy in zip(s["month"], s["amount"], s["deals"], s["avg_deal"], s["mom"], s["yoy"],
                                                strict=True)]
        headers = [_("Month"), _("Sales (%(currency)s)", currency=currency), _("Deals"),
                   _("Average deal size"), _("Month on month"), _("Year on year")]
        return xlsx_response(_("Sales by month"), headers, rows, f"sales-by-month-{period}",
                             {1: money_fmt, 3: money_fmt, 4: pct_fmt, 5: pct_fmt})
    if table in ("country", "product", "owner"):
        t = analysis.by_dimension(f, table)
        title = {"country": _("Country/region"), "product": _("Product"), "owner": _("Sales rep")}[table]
        rows = [[r.label, analysis.money(r.amount), int(r.deals), _num(r.share), analysis.money(r.prior), _num(r.yoy)]
                for r in t.itertuples()]
        headers = [title, _("Sales (%(currency)s)", currency=currency), _("Deals"), _("Share"),
                   _("Same period last year"), _("Year on year")]
        return xlsx_response(title, headers, rows, f"sales-by-{table}-{period}",
                             {1: money_fmt, 3: pct_fmt, 4: money_fmt, 5: pct_fmt})
    if table == "customers":
        t = analysis.top_customers(f, limit=500)
        rows = [[r.customer, r.country_label, analysis.money(r.amount), int(r.deals), _num(r.share), r.last_sold_on]
                for r in t.itertuples()]
        headers = [_("Customer"), _("Country/region"), _("Sales (%(currency)s)", currency=currency), _("Deals"),
                   _("Share"), _("Last sale")]
        return xlsx_response(_("Top customers"), headers, rows, f"top-customers-{period}", {2: money_fmt, 4: pct_fmt})
    fun = analysis.funnel(f)
    labels = funnel_labels()
    rows = [[labels[s.key], s.count if s.available else None, _num(s.rate_from_previous)] for s in fun["stages"]]
    return xlsx_response(_("Funnel"), [_("Stage"), _("Customers"), _("Conversion from previous stage")], rows,
                         f"funnel-{period}", {2: pct_fmt})


def _num(value):
    r = analysis.ratio(value)
    return float(r) if r is not None else None


def funnel_labels() -> dict:
    return {"lead": _("Leads"), "valid": _("Valid customers"), "quoted": _("Quoted"), "won": _("Won")}


@bp.get("/sales")
def sales():
    """Sales records, newest first, filtered by month, rep, country and source (reps: own only)."""
    owner_ids = scope()
    query = sa.select(SalesRecord).options(selectinload(SalesRecord.owner)).order_by(
        SalesRecord.sold_on.desc(), SalesRecord.id.desc())
    if owner_ids is not None:
        query = query.where(SalesRecord.owner_id.in_(owner_ids))
    rep = request.args.get("rep", "")
    if owner_ids is None and rep.isdigit():
        query = query.where(SalesRecord.owner_id == int(rep))
    period = Period.parse(request.args.get("month", ""))
    if period:
        query = query.where(SalesRecord.sold_on >= period.first, SalesRecord.sold_on <= period.last)
    country = (request.args.get("country") or "").upper()[:2]
    if country:
        query = query.where(SalesRecord.country == country)
    source = request.args.get("source", "")
    if source in SOURCES:
        query = query.where(SalesRecord.source == source)
    q = (request.args.get("q") or "").strip()[:100]
    if q:
        like = f"%{q.lower()}%"
        query = query.where(sa.or_(sa.func.lower(SalesRecord.customer_name).like(like),
                                   sa.func.lower(SalesRecord.product_name).like(like)))
    pagination = db.paginate(query, page=int_arg("page"), per_page=50, error_out=False)
    return render_page("reports/sales.html", "reports/_sales_rows.html", pagination=pagination, sources=SOURCES,
                       reps=rep_choices() if current_user.is_manager else [], currency=base_currency())


def _upload_form() -> SalesUploadForm:
    form = SalesUploadForm()
    if current_user.is_manager:
        form.default_owner_id.choices = choices([(0, "—")] + rep_choices())
    else:
        form.default_owner_id.choices = choices([(current_user.id, current_user.display_name)])
    return form


@bp.route("/sales/import", methods=["GET", "POST"])
def import_sales():
    """Step 1: upload an .xlsx or .csv of historical sales (checked by content, stored privately)."""
    form = _upload_form()
    if form.validate_on_submit():
        try:
            stored = save_upload(form.file.data, {"xlsx", "csv"}, owner_type="sales_import", user_id=current_user.id)
            db.session.flush()
            from app.core.uploads import storage

            frame, encoding = read_table(storage().read(stored.storage_key), stored.kind)
        except (UploadError, ImportFileError) as exc:
            form.file.errors.append(str(exc.message))
        else:
            owner_id = form.default_owner_id.data if current_user.is_manager else current_user.id
            batch = SalesImport(file_id=stored.id, uploaded_by_id=current_user.id, default_owner_id=owner_id or None,
                                encoding=encoding, columns=list(frame.columns), rows_total=len(frame),
                                mapping=guess_mapping(list(frame.columns)))
            db.session.add(batch)
            db.session.flush()
            stored.owner_id = batch.id
            db.session.commit()
            return redirect(url_for("reports.import_mapping", import_id=batch.id), 303)
    recent = db.session.scalars(sa.select(SalesImport).where(SalesImport.uploaded_by_id == current_user.id)
                                .options(selectinload(SalesImport.file))
                                .order_by(SalesImport.id.desc()).limit(10)).all()
    return render_template("reports/import_upload.html", form=form, recent=recent), 200 if not form.errors else 422


def _own_import(import_id: int) -> SalesImport:
    batch = db.session.get(SalesImport, import_id)
    if batch is None or batch.uploaded_by_id != current_user.id:
        abort(404)
    return batch


@bp.route("/sales/import/<int:import_id>", methods=["GET", "POST"])
def import_mapping(import_id: int):
    """Step 2: map the file's columns and preview the first rows with every problem found (uploader only)."""
    batch = _own_import(import_id)
    if batch.status == "done":
        return redirect(url_for("reports.import_result", import_id=batch.id), 303)
    form = MappingForm(data=batch.mapping if request.method == "GET" else None)
    form.set_columns(batch.columns)
    preview = None
    if request.method == "POST" and form.validate():
        batch.mapping = form.mapping()
        db.session.commit()
    if batch.mapping and form.sold_on.data and not form.errors:
        try:
            preview = check_rows(batch, current_user, limit=PREVIEW_ROWS)
        except ImportFileError as exc:
            flash(str(exc.message), "error")
    status = 422 if form.errors else 200
    return render_page("reports/import_mapping.html", "reports/_import_preview.html", batch=batch, form=form,
                       preview=preview, fields=FIELDS, preview_rows=PREVIEW_ROWS,
                       currency=base_currency()), status


@bp.post("/sales/import/<int:import_id>/run")
def run_sales_import(import_id: int):
    """Step 3: import every valid row; refused rows are listed with their reasons."""
    batch = _own_import(import_id)
    if batch.status == "done":
        return see_other(url_for("reports.import_result", import_id=batch.id))
    mapping = batch.mapping or {}
    if not all(mapping.get(k) for k in REQUIRED) or not (mapping.get("currency") or mapping.get("default_currency")):
        flash(_("Map the columns and look at the preview first."), "error")
        return see_other(url_for("reports.import_mapping", import_id=batch.id))
    run_import(batch, current_user)
    db.session.commit()
    flash(_("%(ok)s rows imported, %(bad)s refused.", ok=batch.rows_imported, bad=len(batch.rejected)),
          "success" if not batch.rejected else "warning")
    return see_other(url_for("reports.import_result", import_id=batch.id))


@bp.get("/sales/import/<int:import_id>/result")
def import_result(import_id: int):
    batch = _own_import(import_id)
    if batch.status != "done":
        return redirect(url_for("reports.import_mapping", import_id=batch.id), 303)
    return render_template("reports/import_result.html", batch=batch, fields=FIELDS)


@bp.get("/sales/import/<int:import_id>/rejected.xlsx")
def import_rejected(import_id: int):
    batch = _own_import(import_id)
    headers = [_("Row")] + [str(label) for label in FIELDS.values()] + [_("Reason")]
    rows = [[r["line"]] + [r["values"].get(k, "") for k in FIELDS] + ["; ".join(r["reasons"])] for r in batch.rejected]
    return xlsx_response(_("Refused rows"), headers, rows, f"sales-import-{batch.id}-refused")


from app.reports import monthly_routes, panels, scorecard_routes, seed  # noqa: E402,F401
