from flask import Response, abort, redirect, request, session, url_for
from flask_login import current_user

from app.core import bp
from app.core.access import public
from app.core.models import StoredFile
from app.core.uploads import may_download, storage
from app.extensions import db


@bp.get("/health")
@public
def health():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}


@bp.post("/locale")
@public
def set_locale():
    """Remember the chosen language on the user (or the session before login)."""
    locale = request.form.get("locale", "")
    if locale in ("zh_CN", "en"):
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
    target = request.form.get("next") or request.referrer or url_for("home.index")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("home.index")
    return redirect(target, 303)


@bp.get("/files/<int:file_id>")
def download_file(file_id: int):
    """404 unless the user may see the record the file is attached to."""
    stored = db.session.get(StoredFile, file_id)
    if stored is None or not may_download(current_user, stored):
        abort(404)
    disposition = "inline" if stored.kind in {"png", "jpeg", "gif", "webp"} else "attachment"
    response = Response(storage().read(stored.storage_key), mimetype=stored.content_type)
    from urllib.parse import quote

    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(stored.original_name)}"
    return response
