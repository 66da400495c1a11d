from flask import Blueprint

# cli_group=None: the area's commands are top-level (`flask expire-quotations`).
bp = Blueprint("pricing", __name__, cli_group=None)

from app.pricing import routes  # noqa: E402,F401
