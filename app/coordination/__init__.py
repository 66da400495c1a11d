from flask import Blueprint

bp = Blueprint("coordination", __name__, url_prefix="/coordination", cli_group=None)

from app.coordination import cli, routes  # noqa: E402,F401
