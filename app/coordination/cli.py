"""flask flag-overdue-requests: tell requesters and department heads, once, about overdue requests."""
import click

from app.coordination import bp
from app.coordination.services import flag_overdue_requests
from app.extensions import db


@bp.cli.command("flag-overdue-requests")
def flag_overdue_requests_command():
    """Notify requester and department head of every open resource request past its needed-by date
    (each request once; run it daily, e.g. from cron)."""
    from flask import current_app

    with current_app.test_request_context(base_url=current_app.config.get("APP_BASE_URL", "http://localhost")):
        count = flag_overdue_requests()
        db.session.commit()
    click.echo(f"{count} overdue resource request(s) flagged.")
