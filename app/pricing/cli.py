"""`flask expire-quotations`: sent quotations past their validity date become expired."""
import click

from app.extensions import db
from app.pricing import bp
from app.pricing.services import expire_due


@bp.cli.command("expire-quotations")
def expire_quotations():
    """Mark every sent quotation whose validity date has passed as expired."""
    count = expire_due()
    db.session.commit()
    click.echo(f"{count} quotation(s) expired.")
