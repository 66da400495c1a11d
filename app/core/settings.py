"""Company settings kept in the database, with typed defaults."""
from decimal import Decimal

from flask import g
from flask_babel import lazy_gettext as _l

from app.core.models import Setting
from app.extensions import db

DEFAULTS: dict[str, tuple[str, object]] = {
    "base_currency": ("str", "CNY"),
    "company_name_en": ("str", "TradeDesk Demo Trading Co., Ltd."),
    "company_name_zh": ("str", "示例进出口贸易有限公司"),
    "company_address_en": ("str", "No. 1 Trade Road, Ningbo, Zhejiang, China"),
    "company_address_zh": ("str", "中国浙江省宁波市贸易路1号"),
    "company_phone": ("str", "+86 574 0000 0000"),
    "company_email": ("str", "sales@example.com"),
    "bank_name": ("str", "Bank of China, Ningbo Branch"),
    "bank_account": ("str", ""),
    "bank_swift": ("str", ""),
    "bank_address": ("str", ""),
    "margin_floor_percent": ("decimal", Decimal("10")),
    "pool_days": ("int", 30),
    "pool_cap": ("int", 200),
    "pool_daily_claims": ("int", 10),
    "survey_expiry_days": ("int", 30),
    "report_deadline_working_day": ("int", 5),
    "rate_stale_days": ("int", 7),
    "target_new_valid_customers": ("int", 10),
    "target_sales_achievement_percent": ("decimal", Decimal("90")),
    "target_csat_percent": ("decimal", Decimal("85")),
    "target_followup_visits": ("int", 3),
    "target_meeting_achievement_percent": ("decimal", Decimal("80")),
    "target_resource_timeliness_percent": ("decimal", Decimal("95")),
    "contract_turnaround_working_days": ("int", 3),
    "target_margin_percent": ("decimal", Decimal("20")),
    "vat_rate_percent": ("decimal", Decimal("13")),
    "export_tax_rebate_percent": ("decimal", Decimal("13")),
    "insurance_rate_percent": ("decimal", Decimal("0.3")),
}

LABELS = {
    "base_currency": _l("Base currency"),
    "company_name_en": _l("Company name (English)"),
    "company_name_zh": _l("Company name (Chinese)"),
    "company_address_en": _l("Address (English)"),
    "company_address_zh": _l("Address (Chinese)"),
    "company_phone": _l("Telephone"),
    "company_email": _l("E-mail"),
    "bank_name": _l("Bank name"),
    "bank_account": _l("Bank account number"),
    "bank_swift": _l("SWIFT code"),
    "bank_address": _l("Bank address"),
    "margin_floor_percent": _l("Margin floor (%)"),
    "pool_days": _l("Days without interaction before a lead returns to the public pool"),
    "pool_cap": _l("Maximum customers a rep may hold"),
    "survey_expiry_days": _l("Days a satisfaction survey link stays valid"),
    "report_deadline_working_day": _l("Monthly report deadline (working day of next month)"),
    "rate_stale_days": _l("Days after which an exchange rate counts as old"),
    "target_new_valid_customers": _l("Target: new valid customers per month"),
    "target_sales_achievement_percent": _l("Target: sales achievement per quarter (%)"),
    "target_csat_percent": _l("Target: customer satisfaction (%)"),
    "target_followup_visits": _l("Target: follow-up visits per month"),
    "target_meeting_achievement_percent": _l("Target: meeting action items done on time (%)"),
    "target_resource_timeliness_percent": _l("Target: resource requests fulfilled on time (%)"),
    "contract_turnaround_working_days": _l("Contract turnaround limit (working days)"),
    "pool_daily_claims": _l("Customers a rep may claim from the public pool per day"),
    "target_margin_percent": _l("Target margin for the pricing helper (%)"),
    "vat_rate_percent": _l("VAT rate on purchases (%)"),
    "export_tax_rebate_percent": _l("Export tax rebate rate (%)"),
    "insurance_rate_percent": _l("Cargo insurance rate (%)"),
}


def _convert(kind: str, raw: str):
    if kind == "int":
        return int(raw)
    if kind == "decimal":
        return Decimal(raw)
    return raw


def _all() -> dict[str, str]:
    cache = g.get("_settings") if g else None
    if cache is None:
        cache = {s.key: s.value for s in db.session.scalars(db.select(Setting))}
        try:
            g._settings = cache
        except RuntimeError:
            pass
    return cache


def get_setting(key: str):
    kind, default = DEFAULTS[key]
    raw = _all().get(key)
    if raw is None or raw == "":
        return default
    try:
        return _convert(kind, raw)
    except (ValueError, ArithmeticError):
        return default


def set_setting(key: str, value) -> None:
    if key not in DEFAULTS:
        raise KeyError(key)
    row = db.session.get(Setting, key) or Setting(key=key)
    row.value = "" if value is None else str(value)
    db.session.add(row)
    if g:
        g.pop("_settings", None)


def base_currency() -> str:
    return get_setting("base_currency")
