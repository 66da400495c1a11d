"""The monthly scorecard (绩效考核表): per rep and for the team, printable, JSON, every figure drillable."""
from decimal import Decimal

import sqlalchemy as sa
from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import User, UserRole
from app.core.access import require_owner_or_manager, roles_required
from app.core.i18n import is_zh, money, number, percent
from app.core.locking import StaleEdit, ensure_current
from app.core.settings import base_currency, get_setting
from app.core.views import see_other
from app.extensions import db
from app.reports import bp, metrics
from app.reports.forms import NegotiationTargetForm, ScorecardCommentForm
from app.reports.models import NegotiationTarget, ScorecardComment
from app.reports.periods import Period
from app.reports.services import sync_contract_sales

MAX_RECORDS = 2000


def company_name() -> str:
    return get_setting("company_name_zh" if is_zh() else "company_name_en")

def team_reps() -> list[User]:
    return list(db.session.scalars(
        sa.select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "rep", User.active).order_by(User.full_name, User.username)))


def _period(text: str) -> Period:
    period = Period.parse(text)
    if period is None:
        abort(404)
    return period


def _rep(user_id: int) -> User:
    require_owner_or_manager(user_id)
    user = db.session.get(User, user_id)
    if user is None or not user.has_role("rep"):
        abort(404)
    return user


def value_text(r) -> str:
    if r.value is None:
        return "—"
    if r.unit == "percent":
        return percent(r.value)
    if r.unit in ("score", "index"):
        return number(r.value, 2)
    return number(r.value)


def target_text(r, d) -> str:
    if r.target is None:
        return str(d.target_text)
    return "≥ " + (percent(r.target, 0) if r.unit == "percent" else number(r.target))


def detail_text(r, currency: str) -> str:
    if r.code == "2a" and r.denominator:
        return f"{money(r.numerator, currency)} / {money(r.denominator, currency)}"
    if r.unit == "percent" and r.denominator:
        return f"{number(r.numerator)} / {number(r.denominator)}"
    if r.unit == "index" and r.denominator:
        return _("%(n)s quotation lines", n=r.denominator)
    if r.unit == "score" and r.denominator:
        return _("%(n)s scores", n=r.denominator)
    return ""


def scorecard_cells(results: dict, user_ids: list[int | None], period: Period) -> dict:
    """Each figure formatted once, with the link to its records: {(code, user_id): {value, detail, target, url}}."""
    currency = base_currency()
    out = {}
    for uid in user_ids:
        base = records_url("__code__", period, uid)
        for d in metrics.METRICS:
            r = results[d.code][uid]
            out[(d.code, uid)] = {"value": value_text(r), "detail": detail_text(r, currency),
                                  "target": target_text(r, d), "url": base.replace("__code__", d.code)}
    return out


def records_url(code: str, period: Period, user_id: int | None) -> str:
    if user_id is None:
        return url_for("reports.team_records", period=period.key, code=code)
    return url_for("reports.scorecard_records", user_id=user_id, period=period.key, code=code)


@bp.get("/scorecard")
def scorecard_home():
    """Last month's scorecard: the team's for a manager, one's own for a rep."""
    period = Period.previous()
    if current_user.is_manager:
        return redirect(url_for("reports.team_scorecard", period=period.key))
    return redirect(url_for("reports.scorecard", user_id=current_user.id, period=period.key))


def _team_context(period: str) -> dict:
    p = _period(period)
    sync_contract_sales()
    db.session.commit()
    reps = team_reps()
    results = metrics.compute_all(p, [u.id for u in reps])
    comments = {c.user_id: c for c in db.session.scalars(sa.select(ScorecardComment).where(
        ScorecardComment.year == p.year, ScorecardComment.month == p.month_no))}
    cells = scorecard_cells(results, [u.id for u in reps] + [None], p)
    return dict(period=p, reps=reps, results=results, cells=cells, metric_defs=metrics.METRICS, comments=comments,
                records_url=records_url, currency=base_currency(), company_name=company_name())


@bp.get("/scorecard/team/<period>")
@roles_required("manager")
def team_scorecard(period: str):
    """All reps' figures for a month in one table; printing it gives the table on one page."""
    return render_template("reports/scorecard_team.html", **_team_context(period))


@bp.get("/scorecard/team/<period>/print")
@roles_required("manager")
def team_scorecard_print(period: str):
    """One A4 sheet per rep, for printing and signing (built only when asked: 50 sheets are a big page)."""
    return render_template("reports/scorecard_team_print.html", **_team_context(period))


def _rep_context(user: User, p: Period) -> dict:
    sync_contract_sales()
    db.session.commit()
    results = metrics.compute_all(p, [user.id])
    comment = db.session.scalar(sa.select(ScorecardComment).where(
        ScorecardComment.user_id == user.id, ScorecardComment.year == p.year, ScorecardComment.month == p.month_no))
    quarter = p.containing_quarter()
    target = db.session.scalar(sa.select(NegotiationTarget).where(
        NegotiationTarget.user_id == user.id, NegotiationTarget.year == quarter.year,
        NegotiationTarget.quarter == quarter.quarter_no))
    return dict(user=user, period=p, results=results, metric_defs=metrics.METRICS, comment=comment,
                cells=scorecard_cells(results, [user.id], p),
                records_url=records_url, currency=base_currency(), quarter=quarter, negotiation_target=target,
                company_name=company_name())


def _json_number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() or value.as_tuple().exponent < 0 else int(value)
    return value


def scorecard_json(user: User, p: Period) -> dict:
    ctx = _rep_context(user, p)
    out = []
    for m in metrics.METRICS:
        r = ctx["results"][m.code][user.id]
        out.append({
            "code": m.code, "label": str(m.label), "value": _json_number(r.value),
            "unit": "ratio" if r.unit == "percent" else r.unit, "target": _json_number(r.target),
            "target_text": str(m.target_text), "status": r.status, "period": r.period.key,
            "numerator": _json_number(r.numerator), "denominator": _json_number(r.denominator),
            "reason": str(r.reason) if r.reason is not None else None,
            "records_url": url_for("reports.scorecard_records", user_id=user.id, period=p.key, code=m.code,
                                   _external=True),
        })
    return {"user": {"id": user.id, "username": user.username, "name": user.display_name},
            "period": p.key, "base_currency": ctx["currency"], "metrics": out}


@bp.get("/scorecard/<int:user_id>/<period>")
def scorecard(user_id: int, period: str):
    """One rep's scorecard (HTML, or JSON when the period ends in .json); a rep sees only their own (404)."""
    user = _rep(user_id)
    if period.endswith(".json"):
        return jsonify(scorecard_json(user, _period(period[:-5])))
    p = _period(period)
    ctx = _rep_context(user, p)
    ctx["comment_form"] = ScorecardCommentForm(formdata=None, comment=ctx["comment"].comment if ctx["comment"] else "",
                                               version_id=ctx["comment"].version_id if ctx["comment"] else 0)
    ctx["target_form"] = NegotiationTargetForm(
        formdata=None, won_target=ctx["negotiation_target"].won_target if ctx["negotiation_target"] else None)
    return render_template("reports/scorecard.html", **ctx)


@bp.post("/scorecard/<int:user_id>/<period>/comment")
@roles_required("manager")
def save_scorecard_comment(user_id: int, period: str):
    """The manager's comment on a rep's month; a comment saved meanwhile by someone else is not overwritten."""
    user = _rep(user_id)
    p = _period(period)
    form = ScorecardCommentForm()
    row = db.session.scalar(sa.select(ScorecardComment).where(
        ScorecardComment.user_id == user.id, ScorecardComment.year == p.year, ScorecardComment.month == p.month_no))
    if form.validate_on_submit():
        try:
            if row is not None:
                ensure_current(row, form.version_id.data)
            elif form.version_id.data not in ("", "0", None):
                raise StaleEdit()
        except StaleEdit as exc:
            flash(str(exc.message), "error")
            return see_other(url_for("reports.scorecard", user_id=user.id, period=p.key))
        row = row or ScorecardComment(user_id=user.id, year=p.year, month=p.month_no)
        row.comment = (form.comment.data or "").strip()
        row.author_id = current_user.id
        db.session.add(row)
        db.session.commit()
        flash(_("Comment saved."), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return see_other(url_for("reports.scorecard", user_id=user.id, period=p.key))


@bp.post("/scorecard/<int:user_id>/<period>/negotiation-target")
@roles_required("manager")
def save_negotiation_target(user_id: int, period: str):
    """Set how many negotiations the rep should win in the quarter of this month (metric 6a)."""
    user = _rep(user_id)
    quarter = _period(period).containing_quarter()
    form = NegotiationTargetForm()
    if form.validate_on_submit():
        row = db.session.scalar(sa.select(NegotiationTarget).where(
            NegotiationTarget.user_id == user.id, NegotiationTarget.year == quarter.year,
            NegotiationTarget.quarter == quarter.quarter_no)) or NegotiationTarget(
            user_id=user.id, year=quarter.year, quarter=quarter.quarter_no)
        row.won_target = form.won_target.data
        db.session.add(row)
        db.session.commit()
        flash(_("Target saved."), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return see_other(url_for("reports.scorecard", user_id=user.id, period=period))


def _drill(code: str, p: Period, user_ids: list[int], **ctx):
    if code not in metrics.BY_CODE:
        abort(404)
    drill = metrics.records(code, p, user_ids)
    rows = []
    if drill.query is not None:
        limited = drill.query.limit(MAX_RECORDS + 1)
        rows = (db.session.scalars(limited).all() if len(drill.query.column_descriptions) == 1
                else db.session.execute(limited).all())
    results = metrics.BY_CODE[code].compute(p, user_ids)
    return render_template("reports/scorecard_records.html", code=code, metric=metrics.BY_CODE[code], drill=drill,
                           rows=rows[:MAX_RECORDS], more=len(rows) > MAX_RECORDS, period=p, currency=base_currency(), results=results,
                           **ctx)


@bp.get("/scorecard/<int:user_id>/<period>/records/<code>")
def scorecard_records(user_id: int, period: str, code: str):
    """The records behind one figure of a rep's scorecard (a rep: own only, 404 otherwise)."""
    user = _rep(user_id)
    p = _period(period)
    return _drill(code, p, [user.id], user=user, result_key=user.id)


@bp.get("/scorecard/team/<period>/records/<code>")
@roles_required("manager")
def team_records(period: str, code: str):
    """The records behind one team figure (manager only)."""
    p = _period(period)
    return _drill(code, p, [u.id for u in team_reps()], user=None, result_key=None)
