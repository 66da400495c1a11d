"""Products: catalogue list, detail, create/edit (managers, finance, admin), xlsx import and export."""
from decimal import Decimal

import sqlalchemy as sa
from flask import abort, flash, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.access import roles_required
from app.core.locking import StaleEdit, ensure_current
from app.core.uploads import UploadError, check_upload, save_upload
from app.core.views import int_arg, render_page, see_other
from app.extensions import db
from app.pricing import bp
from app.pricing.forms import ImportForm, ProductForm
from app.pricing.importing import export_products, import_products
from app.pricing.models import Product
from app.pricing.services import sees_costs

EDITORS = ("manager", "finance", "admin")
IMAGE_KINDS = {"png", "jpeg"}


def _filtered():
    query = sa.select(Product)
    text = (request.args.get("q") or "").strip()
    if text:
        like = f"%{text}%"
        query = query.where(sa.or_(Product.sku.ilike(like), Product.name_en.ilike(like), Product.name_zh.ilike(like),
                                   Product.hs_code.ilike(like)))
    category = (request.args.get("category") or "").strip()
    if category:
        query = query.where(Product.category == category)
    if request.args.get("inactive") != "1":
        query = query.where(Product.active.is_(True))
    return query.order_by(Product.sku)


@bp.get("/products/")
def products():
    """The catalogue: every logged-in user; unit costs only for finance and managers."""
    pagination = db.paginate(_filtered(), page=int_arg("page"), per_page=50, error_out=False)
    categories = db.session.scalars(sa.select(Product.category).where(Product.category != "").distinct()
                                    .order_by(Product.category)).all()
    return render_page("pricing/products.html", "pricing/_product_rows.html", pagination=pagination,
                       categories=categories, show_cost=sees_costs(current_user),
                       can_edit=current_user.has_role(*EDITORS))


@bp.get("/products/<int:product_id>")
def show_product(product_id: int):
    product = db.session.get(Product, product_id) or abort(404)
    from app.core.calendar import company_today
    from app.core.settings import base_currency
    from app.pricing.services import competitor_stats

    stats = competitor_stats(product.id, base_currency(), company_today())
    return render_template("pricing/product.html", product=product, show_cost=sees_costs(current_user),
                           can_edit=current_user.has_role(*EDITORS), stats=stats)


def _apply(form: ProductForm, product: Product) -> None:
    for name in ("sku", "name_en", "name_zh", "hs_code", "category", "specification", "unit", "moq",
                 "units_per_carton", "carton_size", "gross_weight_kg", "net_weight_kg", "active"):
        value = getattr(form, name).data
        setattr(product, name, value.strip() if isinstance(value, str) else value)
    if sees_costs(current_user):
        product.unit_cost_amount = form.unit_cost_amount.data
        product.cost_currency = form.cost_currency.data or "CNY"


def _save_image(form: ProductForm, product: Product) -> bool:
    upload = form.image_upload.data
    if form.remove_image.data:
        product.image_file_id = None
    if upload is None or not getattr(upload, "filename", ""):
        return True
    try:
        stored = save_upload(upload, IMAGE_KINDS, owner_type="product", owner_id=product.id,
                             user_id=current_user.id, max_bytes=5 * 1024 * 1024)
    except UploadError as exc:
        form.image_upload.errors.append(exc.message)
        return False
    db.session.flush()
    product.image_file_id = stored.id
    return True


def _sku_taken(sku: str, product_id: int | None) -> bool:
    return db.session.scalar(sa.select(Product.id).where(sa.func.lower(Product.sku) == sku.strip().lower(),
                                                         Product.id != (product_id or 0))) is not None


@bp.route("/products/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def create_product():
    """Managers, finance and admins add products (403 for others)."""
    form = ProductForm()
    if request.method == "GET":
        form.version_id.data = 1
    if form.validate_on_submit():
        if _sku_taken(form.sku.data, None):
            form.sku.errors.append(_("This SKU is taken."))
        else:
            product = Product()
            _apply(form, product)
            db.session.add(product)
            db.session.flush()
            if _save_image(form, product):
                db.session.commit()
                flash(_("Product %(sku)s created.", sku=product.sku), "success")
                return see_other(url_for("pricing.show_product", product_id=product.id))
            db.session.rollback()
    return render_template("pricing/product_form.html", form=form, product=None, show_cost=sees_costs(current_user)), \
        (422 if form.errors else 200)


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_product(product_id: int):
    """Edit a product; a stale form (someone saved in between) is refused with their values shown."""
    product = db.session.get(Product, product_id) or abort(404)
    form = ProductForm(obj=product)
    if request.method == "GET":
        form.version_id.data = product.version_id
    status = 200
    if form.validate_on_submit():
        try:
            ensure_current(product, form.version_id.data)
        except StaleEdit as exc:
            flash(str(exc.message), "error")
            return render_template("pricing/product_form.html", form=form, product=product, stale=True,
                                   show_cost=sees_costs(current_user)), 409
        if _sku_taken(form.sku.data, product.id):
            form.sku.errors.append(_("This SKU is taken."))
        else:
            _apply(form, product)
            if _save_image(form, product):
                db.session.commit()
                flash(_("Product %(sku)s saved.", sku=product.sku), "success")
                return see_other(url_for("pricing.show_product", product_id=product.id))
            db.session.rollback()
            product = db.session.get(Product, product_id)
    if form.errors:
        status = 422
    return render_template("pricing/product_form.html", form=form, product=product,
                           show_cost=sees_costs(current_user)), status


@bp.get("/products/export.xlsx")
def export_products_xlsx():
    """The filtered catalogue as .xlsx; the cost column only for finance and managers."""
    rows = db.session.scalars(_filtered()).all()
    data = export_products(rows, with_cost=sees_costs(current_user))
    return send_file(data, as_attachment=True, download_name="products.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/products/import", methods=["GET", "POST"])
@roles_required(*EDITORS)
def import_products_view():
    """Upload an .xlsx: valid rows are created or updated by SKU; every rejected row is listed with its reason."""
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not upload.filename:
            form.file.errors.append(_("Choose a file."))
        else:
            data = upload.read()
            try:
                check_upload(upload.filename, data, {"xlsx"})
            except UploadError as exc:
                form.file.errors.append(exc.message)
            else:
                result = import_products(data, with_cost=sees_costs(current_user))
                if result.fatal is None:
                    db.session.commit()
                else:
                    db.session.rollback()
    return render_template("pricing/product_import.html", form=form, result=result,
                           show_cost=sees_costs(current_user)), (422 if form.errors else 200)


def product_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(sa.select(Product.id, Product.sku, Product.name_en, Product.name_zh)
                              .where(Product.active.is_(True)).order_by(Product.sku)).all()
    return [(r.id, f"{r.sku} · {r.name_en}" + (f" / {r.name_zh}" if r.name_zh else "")) for r in rows]


def decimal_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"
