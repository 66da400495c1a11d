"""Home panels: quotations expiring within 7 days (reps), awaiting approval (managers), old rates (finance)."""
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.core.calendar import company_today
from app.core.rates import latest_rates
from app.core.registry import home_panel
from app.core.settings import get_setting
from app.extensions import db
from app.pricing import bp, services
from app.pricing.models import Quotation


@bp.get("/quotations/panels/expiring")
@home_panel("quotations_expiring", _l("Quotations expiring within 7 days"), order=40, roles={"rep"})
def panel_expiring():
    """The rep's sent quotations whose validity ends in the next 7 days (expired ones are expired first)."""
    today = company_today()
    if services.expire_due(today, owner_id=current_user.id):
        db.session.commit()
    rows = db.session.scalars(
        sa.select(Quotation).options(so.joinedload(Quotation.customer))
        .where(Quotation.owner_id == current_user.id, Quotation.status == "sent",
               Quotation.valid_until_on >= today, Quotation.valid_until_on <= today + timedelta(days=7))
        .order_by(Quotation.valid_until_on).limit(20)).all()
    return render_template("pricing/_panel_expiring.html", rows=rows, today=today)


@bp.get("/quotations/panels/approvals")
@home_panel("quotations_approvals", _l("Quotations awaiting your approval"), order=41, roles={"manager"})
def panel_approvals():
    if not current_user.is_manager:
        return ""
    rows = db.session.scalars(
        sa.select(Quotation).options(so.joinedload(Quotation.customer), so.joinedload(Quotation.owner),
                                     so.selectinload(Quotation.revisions))
        .where(Quotation.status == "pending_approval").order_by(Quotation.updated_at).limit(20)).all()
    return render_template("pricing/_panel_approvals.html", rows=rows)


@bp.get("/exchange-rates/panels/stale")
@home_panel("rates_stale", _l("Exchange rates to update"), order=42, roles={"finance"})
def panel_stale_rates():
    """Currencies whose latest rate is older than the ``rate_stale_days`` setting."""
    days = get_setting("rate_stale_days")
    limit = company_today() - timedelta(days=days)
    rows = [r for r in latest_rates() if r.effective_on < limit]
    return render_template("pricing/_panel_stale_rates.html", rows=rows, days=days)
