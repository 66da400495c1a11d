from flask import render_template

from app.contracts import bp


@bp.get("/")
def index():
    """Not built yet: an honest page instead of a fake one."""
    return render_template("not_yet.html", area="contracts")
