from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import ChangePasswordForm, LoginForm
from app.auth.models import User
from app.auth.services import clear_failures, is_locked, record_failure
from app.core.models import utcnow
from app.extensions import db


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in; after repeated failures the account is locked for a while (429)."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        username = form.username.data.strip()
        if is_locked(username):
            flash(_("Too many failed attempts. Wait 15 minutes and try again, or ask an administrator."), "error")
            status = 429
        else:
            user = db.session.scalar(db.select(User).where(db.func.lower(User.username) == username.lower()))
            if user is None or not user.check_password(form.password.data):
                record_failure(username, request.remote_addr)
                flash(_("Wrong username or password."), "error")
                status = 200
            elif not user.active:
                flash(_("This account is deactivated. Ask an administrator."), "error")
            else:
                clear_failures(username)
                locale = session.get("locale")
                session.clear()
                if user.locale is None and locale:
                    user.locale = locale
                user.last_login_at = utcnow()
                db.session.commit()
                login_user(user, remember=form.remember.data)
                return redirect(_safe_next(request.args.get("next")), 303)
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"), 303)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; the current password is required, other sessions end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.old_password.data):
            form.old_password.errors.append(_("The current password is wrong."))
        else:
            user = current_user._get_current_object()
            user.set_password(form.new_password.data)
            db.session.commit()
            login_user(user)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("home.index"), 303)
    return render_template("auth/password.html", form=form)
