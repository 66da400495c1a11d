"""Page-or-fragment rendering and the htmx conventions every blueprint follows."""
from flask import make_response, redirect, render_template, request

from app.extensions import htmx


def wants_fragment() -> bool:
    return bool(htmx) and not htmx.boosted and request.headers.get("HX-History-Restore-Request") != "true"


def render_page(page: str, fragment: str | None = None, **context):
    """The fragment for htmx requests, the full page otherwise; varies on HX-Request."""
    template = fragment if fragment and wants_fragment() else page
    response = make_response(render_template(template, **context))
    response.headers.add("Vary", "HX-Request")
    return response


def see_other(url: str):
    """After a mutation: htmx follows HX-Redirect / HX-Location, a browser a 303."""
    if htmx and not htmx.boosted:
        response = make_response("", 204)
        response.headers["HX-Location"] = url
        return response
    return redirect(url, 303)


def int_arg(name: str, default: int = 1, minimum: int = 1, maximum: int = 10_000_000) -> int:
    try:
        value = int(request.args.get(name, default))
    except (TypeError, ValueError):
        return default
    return max(minimum, min(value, maximum))
