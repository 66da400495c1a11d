"""Exchange rates: everyone may read them; finance enters them (currency → base, effective date)."""
from datetime import timedelta

import sqlalchemy as sa
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.access import roles_required
from app.core.calendar import company_today
from app.core.models import ExchangeRate
from app.core.money import is_currency
from app.core.rates import latest_rates
from app.core.settings import base_currency, get_setting
from app.core.views import int_arg, render_page, see_other
from app.extensions import db
from app.pricing import bp
from app.pricing.forms import RateForm


def _page(form, status=200):
    base = base_currency()
    rows = latest_rates(base)
    stale_before = company_today() - timedelta(days=get_setting("rate_stale_days"))
    return render_page("pricing/rates.html", "pricing/_rates_body.html", rows=rows, form=form, base=base,
                       stale_before=stale_before, can_edit=current_user.has_role("finance")), status


@bp.get("/exchange-rates/")
def rates():
    """The latest rate of every currency, old ones marked; finance sees the form to add one."""
    form = RateForm(base=base_currency())
    form.effective_on.data = company_today()
    return _page(form)


@bp.post("/exchange-rates/")
@roles_required("finance")
def add_rate():
    """Finance only (403). Positive rate, ISO code, not the base currency, one rate per currency and day."""
    base = base_currency()
    form = RateForm(base=base)
    if form.validate_on_submit():
        clash = db.session.scalar(sa.select(ExchangeRate).where(
            ExchangeRate.currency == form.currency.data, ExchangeRate.base_currency == base,
            ExchangeRate.effective_on == form.effective_on.data))
        if clash:
            form.effective_on.errors.append(_("%(code)s already has a rate (%(rate)s) from this day; delete it first to "
                                              "correct it.", code=clash.currency, rate=clash.rate))
        else:
            db.session.add(ExchangeRate(currency=form.currency.data, base_currency=base, rate=form.rate.data,
                                        effective_on=form.effective_on.data, created_by_id=current_user.id))
            db.session.commit()
            flash(_("Rate for %(code)s saved.", code=form.currency.data), "success")
            return see_other(url_for("pricing.rates"))
    return _page(form, 422)


@bp.get("/exchange-rates/<code>")
def rate_history(code: str):
    """Every rate of one currency, newest first."""
    code = code.upper()
    if not is_currency(code):
        abort(404)
    query = (sa.select(ExchangeRate).where(ExchangeRate.currency == code, ExchangeRate.base_currency == base_currency())
             .order_by(ExchangeRate.effective_on.desc()))
    pagination = db.paginate(query, page=int_arg("page"), per_page=50, error_out=False)
    return render_page("pricing/rate_history.html", "pricing/_rate_history_rows.html", pagination=pagination,
                       code=code, base=base_currency(), can_edit=current_user.has_role("finance"))


@bp.post("/exchange-rates/<int:rate_id>/delete")
@roles_required("finance")
def delete_rate(rate_id: int):
    """Finance removes a mistyped rate; quotations already sent keep the rate they were priced at."""
    row = db.session.get(ExchangeRate, rate_id) or abort(404)
    code = row.currency
    db.session.delete(row)
    db.session.commit()
    flash(_("Rate for %(code)s from %(date)s deleted.", code=code, date=row.effective_on.isoformat()), "success")
    target = request.form.get("next") or ""
    return see_other(target if target.startswith("/") and not target.startswith("//") else url_for("pricing.rates"))
