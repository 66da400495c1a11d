"""Home page per role (panels loaded one by one with htmx) and notifications."""
from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from app.core.models import Notification, utcnow
from app.core.notify import render as render_notification
from app.core.registry import HOME_PANELS
from app.core.views import int_arg, render_page, see_other
from app.extensions import db
from app.home import bp


@bp.get("/")
def index():
    panels = [p for p in HOME_PANELS if p.endpoint in current_app.view_functions
              and (p.roles is None or current_user.has_role(*p.roles))]
    return render_template("home/index.html", panels=panels)


@bp.get("/notifications")
def notifications():
    page = int_arg("page")
    query = (db.select(Notification).where(Notification.user_id == current_user.id)
             .order_by(Notification.created_at.desc(), Notification.id.desc()))
    pagination = db.paginate(query, page=page, per_page=30, error_out=False)
    return render_page("home/notifications.html", "home/_notification_rows.html", pagination=pagination,
                       text=render_notification)


@bp.post("/notifications/<int:notification_id>/read")
def read_notification(notification_id: int):
    """Mark one's own notification read and open its link (404 for anyone else's)."""
    row = db.session.get(Notification, notification_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    row.read_at = row.read_at or utcnow()
    db.session.commit()
    target = row.link if row.link.startswith("/") and not row.link.startswith("//") else url_for("home.notifications")
    return see_other(target)


@bp.post("/notifications/read-all")
def read_all_notifications():
    db.session.execute(db.update(Notification).where(Notification.user_id == current_user.id,
                                                     Notification.read_at.is_(None)).values(read_at=utcnow()))
    db.session.commit()
    return redirect(request.referrer if (request.referrer or "").startswith(request.host_url)
                    else url_for("home.notifications"), 303)


@bp.get("/search")
def search():
    """Search what the current user may see; htmx gets the dropdown fragment."""
    from app.home.search import KIND_LABELS, url_for_entry
    from app.home.search import search as run_search

    query = request.args.get("q", "")
    groups = run_search(current_user, query)
    return render_page("home/search.html", "home/_search_results.html", query=query, groups=groups,
                       labels=KIND_LABELS, url_for_entry=url_for_entry)
