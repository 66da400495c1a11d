"""Request plumbing shared by every page: login wall, security headers, flashes after htmx swaps, errors."""
from flask import abort, current_app, flash, get_flashed_messages, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.orm import joinedload

from app.core import i18n
from app.core.access import PUBLIC_ENDPOINTS
from app.extensions import db, htmx, login_manager

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'self'; object-src 'none'")


def _escape_lazy_strings() -> None:
    """Flask-Babel's lazy strings declare themselves safe HTML, so a placeholder filled with user text
    (``_l("… %(name)s", name=…)``) would reach the page unescaped; make them escape like any text."""
    from flask_babel.speaklater import LazyString

    LazyString.__html__ = lambda self: str(escape(str(self)))


def init_app(app) -> None:
    _escape_lazy_strings()
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    i18n.register_filters(app)
    from app.core import cli

    cli.register(app)

    @login_manager.user_loader
    def load_user(user_id: str):
        from app.auth.models import User

        uid, _sep, token = user_id.partition(":")
        if not uid.isdigit():
            return None
        user = db.session.get(User, int(uid), options=[joinedload(User.role_rows)])
        if user is None or not user.active or user.session_token != token:
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        if htmx:
            response = current_app.response_class("", 401)
            response.headers["HX-Redirect"] = url_for("auth.login", next=_next_path())
            return response
        flash(_("Please log in to open this page."), "info")
        return redirect(url_for("auth.login", next=_next_path()))

    @app.before_request
    def refuse_nul_bytes():
        """PostgreSQL text cannot hold NUL, and no form needs it: refuse such input with 400, not a 500."""
        for source in (request.args, request.form):
            if any("\x00" in value for _key, values in source.lists() for value in values):
                abort(400)
        return None

    @app.before_request
    def require_login():
        if request.endpoint is None:
            return None
        view = current_app.view_functions.get(request.endpoint)
        if request.endpoint in PUBLIC_ENDPOINTS or getattr(view, "is_public", False):
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if current_app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if (htmx and response.status_code < 300 and response.mimetype == "text/html"
                and not response.direct_passthrough and "HX-Redirect" not in response.headers
                and "HX-Location" not in response.headers):
            messages = get_flashed_messages(with_categories=True)
            if messages:
                response.set_data(response.get_data(as_text=True) + str(flash_oob(messages)))
        return response

    @app.context_processor
    def layout_context():
        from app.core.registry import NAV

        nav = [item for item in NAV if item.endpoint in current_app.view_functions
               and (item.roles is None or (current_user.is_authenticated and current_user.has_role(*item.roles)))]
        return {"nav_items": nav, "unread_count": _unread_count}

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, _error_page)


def _next_path() -> str:
    return request.full_path.rstrip("?")


def _unread_count() -> int:
    from app.core.models import Notification

    if not current_user.is_authenticated:
        return 0
    return db.session.scalar(
        db.select(db.func.count(Notification.id)).where(Notification.user_id == current_user.id,
                                                        Notification.read_at.is_(None))
    )


def flash_oob(messages) -> Markup:
    items = "".join(f'<li class="flash flash-{escape(cat)}" role="status">{escape(msg)}</li>' for cat, msg in messages)
    return Markup(f'<ul id="flashes" class="flashes" hx-swap-oob="true">{items}</ul>')


ERROR_TEXT = {
    400: (_l("Bad request"), _l("The request could not be understood. If you submitted a form, reload it and try again.")),
    403: (_l("Not allowed"), _l("Your account does not have permission to open this page.")),
    404: (_l("Not found"), _l("This page or record does not exist, or you may not see it.")),
    405: (_l("Not allowed"), _l("This action cannot be performed this way.")),
    413: (_l("File too large"), _l("The upload is larger than the server accepts.")),
    429: (_l("Too many attempts"), _l("Too many attempts. Wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. It has been logged; please try again.")),
}


def _error_page(error):
    code = getattr(error, "code", 500) or 500
    if code == 500:
        db.session.rollback()
    title, text = ERROR_TEXT.get(code, ERROR_TEXT[500])
    if code == 400 and "CSRF" in str(getattr(error, "description", "")):
        text = _l("The form expired or was sent from elsewhere. Reload the page and submit again.")
    return render_template("errors/error.html", code=code, title=title, text=text), code


def forbid_unless(condition: bool) -> None:
    if not condition:
        abort(403)
