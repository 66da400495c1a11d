"""Locale choice: the user's saved preference, else the browser's, else zh_CN."""
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import support
from flask import current_app, has_request_context, request, session
from flask_babel import (
    Domain,
    _get_current_context,
    format_currency,
    format_date,
    format_datetime,
    format_decimal,
    get_locale,
)
from flask_login import current_user

from app.config import BASE_DIR


def translation_directories() -> str:
    """One catalogue per area (so areas never edit one file at once), then the shared one, which wins."""
    dirs = sorted(p for p in (BASE_DIR / "app").glob("*/translations") if p.is_dir())
    dirs.append(BASE_DIR / "app" / "translations")
    return ";".join(str(d) for d in dirs)


class CatalogueDomain(Domain):
    """The default domain, merged from every catalogue folder, found by our folder names.

    Each area keeps its own catalogue, and a short word can mean different things in two areas
    ("Customers" is 客户 in a list and 客户数 in a report column). A page is translated with every
    other area's catalogue first, then the shared one, then its own area's, so the page's own
    words win; layout words that every page shows carry a context (``pgettext("nav", …)``) so no
    area can change them.

    Babel parses ``zh_CN`` as ``zh_Hans_CN``, which gettext would look for under
    ``zh_Hans_CN/`` and ``zh/``; our catalogues live under ``zh_CN/`` as the locale code says.
    """

    FOLDERS = {"zh_Hans_CN": "zh_CN"}

    def get_translations(self):
        if _get_current_context() is None:
            return support.NullTranslations()
        folder = self.FOLDERS.get(str(get_locale()), str(get_locale()))
        area = (request.blueprint or "").split(".")[0] if has_request_context() else ""
        key = (folder, area)
        cached = self.cache.get(key)
        if cached is None:
            shared = str(BASE_DIR / "app" / "translations")
            own = str(BASE_DIR / "app" / area / "translations") if area else None
            order = [d for d in self.translation_directories if d not in (shared, own)] + [shared]
            if own in self.translation_directories:
                order.append(own)
            cached = support.Translations()
            for dirname in order:
                cached.merge(support.Translations.load(dirname, [folder], self.domain[0]))
            self.cache[key] = cached
        return cached


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    best = request.accept_languages.best_match(languages + ["zh", "zh-CN", "zh_Hans"])
    if best is None:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return "zh_CN" if best.startswith("zh") else best


def select_timezone() -> str:
    return current_app.config["COMPANY_TIMEZONE"]


def is_zh() -> bool:
    return str(get_locale()).startswith("zh")


def money(amount, currency: str) -> str:
    if amount is None:
        return "—"
    from app.core.money import minor_units

    digits = minor_units(currency)
    pattern = "¤#,##0" + ("." + "0" * digits if digits else "")
    return format_currency(Decimal(amount), currency, format=pattern, currency_digits=False)


def number(value, digits: int | None = None) -> str:
    if value is None:
        return "—"
    if digits is None:
        return format_decimal(value)
    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""))


def percent(value, digits: int = 1) -> str:
    """A ratio (0.853) as 85.3 %; None — no data — as a dash, never 0 %."""
    if value is None:
        return "—"
    return format_decimal(Decimal(value) * 100, format="#,##0." + "0" * digits) + "%"


def date_(value, fmt: str = "medium") -> str:
    return "—" if value is None else format_date(value, fmt)


def datetime_(value, fmt: str = "short") -> str:
    return "—" if value is None else format_datetime(value, fmt)


@lru_cache(maxsize=8)
def _territories(locale: str) -> dict:
    from babel import Locale

    return Locale.parse(locale).territories


def country_name(code: str | None) -> str:
    if not code:
        return "—"
    return _territories(str(get_locale())).get(code.upper(), code)


@lru_cache(maxsize=8)
def _country_choices(locale: str) -> tuple:
    names = _territories(locale)
    return tuple(sorted(((c, n) for c, n in names.items()
                         if len(c) == 2 and c.isalpha() and c not in {"ZZ", "EU", "EZ", "UN", "QO"}),
                        key=lambda x: x[1]))


def country_choices() -> list[tuple[str, str]]:
    return list(_country_choices(str(get_locale())))


def register_filters(app) -> None:
    app.jinja_env.filters.update(money=money, number=number, percent=percent, date=date_, datetime=datetime_,
                                 country=country_name)
    app.jinja_env.globals.update(is_zh=is_zh)


def catalogue_paths(locale: str = "zh_CN") -> list[Path]:
    return [Path(d) / locale / "LC_MESSAGES" / "messages.po" for d in translation_directories().split(";")]
