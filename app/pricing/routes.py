from flask import render_template

from app.pricing import bp


@bp.get("/quotations/")
def index():
    """Not built yet: an honest page instead of a fake one."""
    return render_template("not_yet.html", area="pricing")
