"""Administration: users, departments, company settings, calendar exceptions, document templates."""
from decimal import Decimal, InvalidOperation

import sqlalchemy.orm as so
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.admin.forms import CalendarDayForm, DepartmentForm, TemplateUploadForm, UserForm
from app.auth.models import ROLES, Department, User
from app.core import documents
from app.core.access import roles_required
from app.core.calendar import is_working_day
from app.core.forms import choices
from app.core.models import CalendarDay
from app.core.money import is_currency
from app.core.settings import DEFAULTS, LABELS, get_setting, set_setting
from app.core.uploads import UploadError, check_upload
from app.extensions import db


@bp.before_request
@roles_required("admin")
def admin_only():
    """Every page here is for administrators only (403 otherwise)."""


def _department_choices():
    rows = db.session.scalars(db.select(Department).order_by(Department.code))
    return choices([(0, "—")] + [(d.id, d.display_name()) for d in rows])


@bp.get("/")
def index():
    return redirect(url_for("admin.users"))


@bp.get("/users")
def users():
    rows = db.session.scalars(db.select(User).options(so.selectinload(User.role_rows)).order_by(User.username)).all()
    return render_template("admin/users.html", users=rows, roles=ROLES)


@bp.route("/users/new", methods=["GET", "POST"])
def create_user():
    form = UserForm()
    form.department_id.choices = _department_choices()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_("A new user needs a password."))
        elif db.session.scalar(db.select(User).where(db.func.lower(User.username) == form.username.data.lower())):
            form.username.errors.append(_("This username is taken."))
        else:
            user = User(username=form.username.data)
            _apply(form, user)
            db.session.add(user)
            db.session.commit()
            flash(_("User %(name)s created.", name=user.username), "success")
            return redirect(url_for("admin.users"), 303)
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=user)
    form.department_id.choices = _department_choices()
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
        form.department_id.data = user.department_id or 0
    if form.validate_on_submit():
        clash = db.session.scalar(db.select(User).where(db.func.lower(User.username) == form.username.data.lower(),
                                                        User.id != user.id))
        if clash:
            form.username.errors.append(_("This username is taken."))
        elif user.id == current_user.id and (not form.active.data or "admin" not in form.roles.data):
            flash(_("You cannot deactivate yourself or remove your own administrator role."), "error")
        else:
            user.username = form.username.data
            _apply(form, user)
            db.session.commit()
            flash(_("User %(name)s saved.", name=user.username), "success")
            return redirect(url_for("admin.users"), 303)
    return render_template("admin/user_form.html", form=form, user=user)


def _apply(form: UserForm, user: User) -> None:
    user.full_name = form.full_name.data or ""
    user.email = form.email.data or ""
    user.roles = form.roles.data or []
    user.department_id = form.department_id.data or None
    user.active = form.active.data
    if form.password.data:
        user.set_password(form.password.data)


@bp.get("/departments")
def departments():
    rows = db.session.scalars(db.select(Department).order_by(Department.code)).all()
    return render_template("admin/departments.html", departments=rows)


@bp.route("/departments/new", methods=["GET", "POST"])
@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
def edit_department(department_id: int | None = None):
    department = db.session.get(Department, department_id) if department_id else Department()
    if department is None:
        abort(404)
    form = DepartmentForm(obj=department)
    users = db.session.scalars(db.select(User).where(User.active).order_by(User.username))
    form.head_id.choices = choices([(0, "—")] + [(u.id, u.display_name) for u in users])
    if request.method == "GET":
        form.head_id.data = department.head_id or 0
    if form.validate_on_submit():
        clash = db.session.scalar(db.select(Department).where(Department.code == form.code.data,
                                                              Department.id != (department.id or 0)))
        if clash:
            form.code.errors.append(_("This code is taken."))
        else:
            form.populate_obj(department)
            department.head_id = form.head_id.data or None
            db.session.add(department)
            db.session.commit()
            flash(_("Department saved."), "success")
            return redirect(url_for("admin.departments"), 303)
    return render_template("admin/department_form.html", form=form, department=department)


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Company settings; every value is checked before anything is saved."""
    values = {key: request.form.get(key, "").strip() for key in DEFAULTS} if request.method == "POST" else {
        key: str(get_setting(key)) for key in DEFAULTS}
    errors = {}
    if request.method == "POST":
        from flask_wtf.csrf import validate_csrf
        from wtforms import ValidationError

        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError:
            abort(400)
        for key, (kind, _default) in DEFAULTS.items():
            raw = values[key]
            if kind == "int":
                if not raw.isdigit() or int(raw) <= 0:
                    errors[key] = _("Enter a whole number greater than 0.")
            elif kind == "decimal":
                try:
                    if Decimal(raw) < 0 or Decimal(raw) > 1000:
                        raise InvalidOperation
                except InvalidOperation:
                    errors[key] = _("Enter a number between 0 and 1000.")
            elif key == "base_currency" and not is_currency(raw.upper()):
                errors[key] = _("Enter an ISO 4217 currency code such as CNY or USD.")
            elif len(raw) > 500:
                errors[key] = _("At most 500 characters.")
        if not errors:
            for key, raw in values.items():
                set_setting(key, raw.upper() if key == "base_currency" else raw)
            db.session.commit()
            flash(_("Settings saved."), "success")
            return redirect(url_for("admin.settings"), 303)
        flash(_("Nothing was saved: correct the marked fields."), "error")
    return render_template("admin/settings.html", values=values, errors=errors, labels=LABELS, defaults=DEFAULTS)


@bp.route("/calendar", methods=["GET", "POST"])
def calendar():
    """Holidays and make-up working days (调休) the official calendar does not know yet."""
    form = CalendarDayForm()
    if form.validate_on_submit():
        row = db.session.get(CalendarDay, form.day.data) or CalendarDay(day=form.day.data)
        row.is_working = form.is_working.data == "1"
        row.note = form.note.data or ""
        db.session.add(row)
        db.session.commit()
        flash(_("Calendar day saved."), "success")
        return redirect(url_for("admin.calendar"), 303)
    days = db.session.scalars(db.select(CalendarDay).order_by(CalendarDay.day.desc())).all()
    return render_template("admin/calendar.html", form=form, days=days)


@bp.post("/calendar/<day>/delete")
def delete_calendar_day(day: str):
    from datetime import date

    try:
        row = db.session.get(CalendarDay, date.fromisoformat(day))
    except ValueError:
        abort(404)
    if row is None:
        abort(404)
    db.session.delete(row)
    db.session.commit()
    flash(_("Calendar day removed."), "success")
    return redirect(url_for("admin.calendar"), 303)


@bp.get("/calendar/check")
def check_day():
    from datetime import date

    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return _("Enter a valid date.")
    return _("Working day") if is_working_day(day) else _("Day off")


@bp.route("/templates", methods=["GET", "POST"])
def templates():
    """Replace a document template; the upload must contain every variable the document needs."""
    form = TemplateUploadForm()
    name = request.args.get("name") or request.form.get("name")
    if request.method == "POST":
        if name not in documents.REQUIRED:
            abort(404)
        if form.validate_on_submit():
            data = form.file.data.read()
            try:
                check_upload(form.file.data.filename, data, {"docx"})
            except UploadError as exc:
                flash(exc.message, "error")
            else:
                missing = documents.check_replacement(name, data)
                if missing:
                    flash(_("The template lacks these variables: %(names)s", names=", ".join(missing)), "error")
                else:
                    documents.install_replacement(name, data)
                    flash(_("Template %(name)s replaced.", name=name), "success")
                    return redirect(url_for("admin.templates"), 303)
        else:
            flash(_("Choose a file."), "error")
    rows = [(n, sorted(v), documents.template_path(n) != documents.TEMPLATE_DIR / n)
            for n, v in sorted(documents.REQUIRED.items())]
    return render_template("admin/templates.html", rows=rows, form=form)


@bp.post("/templates/<name>/restore")
def restore_template(name: str):
    if name not in documents.REQUIRED:
        abort(404)
    documents.remove_replacement(name)
    flash(_("The original template of %(name)s is in use again.", name=name), "success")
    return redirect(url_for("admin.templates"), 303)


@bp.get("/templates/<name>/download")
def download_template(name: str):
    from flask import send_file

    if name not in documents.REQUIRED:
        abort(404)
    return send_file(documents.template_path(name), as_attachment=True, download_name=name)
