"""Who may call a view: login everywhere except public endpoints, roles where a view says so."""
from functools import wraps

from flask import abort
from flask_login import current_user

PUBLIC_ENDPOINTS = {"static", "auth.login", "core.health", "core.set_locale"}


def public(view):
    """Mark a view as reachable without logging in (login page, health check, public survey)."""
    view.is_public = True
    return view


def roles_required(*roles: str):
    """403 unless the current user holds at least one of ``roles``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = set(roles)
        return wrapped

    return decorator


def owner_or_manager(owner_id: int | None) -> bool:
    return current_user.is_manager or (owner_id is not None and owner_id == current_user.id)


def require_owner_or_manager(owner_id: int | None) -> None:
    """404, not 403, so a rep cannot probe which ids belong to colleagues."""
    if not owner_or_manager(owner_id):
        abort(404)
