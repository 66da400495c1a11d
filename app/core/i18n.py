"""Locale choice: the user's saved preference, else the browser's, else zh_CN."""
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale, dates, numbers, support
from flask import current_app, has_request_context, request, session
from flask.globals import _cv_app, _cv_request
from flask_babel import Domain, _get_current_context, get_locale
from flask_login import current_user

from app.config import BASE_DIR
from app.core.calendar import to_company_time


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
        # A page looks up hundreds of strings: the answer is kept beside Flask-Babel's own locale for as
        # long as that stays the same object (``force_locale`` and ``refresh`` replace it) within the same
        # request (tests run several requests in one application context, and the area decides the words).
        ctx = _babel_context()
        if ctx is None:
            return support.NullTranslations()
        req = _cv_request.get(None)
        kept = getattr(ctx, "td_translations", None)
        if kept is not None and kept[0] is getattr(ctx, "babel_locale", None) and kept[1] is req:
            return kept[2]
        translations = self._translations()
        ctx.td_translations = (getattr(ctx, "babel_locale", None), req, translations)
        return translations

    def _translations(self):
        code = locale_code()
        folder = self.FOLDERS.get(code, code)
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


def _babel_context():
    """Flask-Babel's per-context namespace (it keeps the locale there), or None outside a context."""
    app_ctx = _cv_app.get(None)  # the context variable itself: cheaper than going through the ``g`` proxy
    if app_ctx is None:
        return None
    ctx = getattr(app_ctx.g, "_flask_babel", None)
    return ctx if ctx is not None else _get_current_context()


def locale_code() -> str:
    """The current locale as a string ("zh_Hans_CN", "en"), worked out once per context and locale."""
    ctx = _babel_context()
    if ctx is not None:
        kept = getattr(ctx, "td_locale_code", None)
        if kept is not None and kept[0] is getattr(ctx, "babel_locale", None):
            return kept[1]
    loc = get_locale()
    if loc is None:  # outside any application context: what Babel itself would fall back to
        return "en"
    if ctx is not None:
        ctx.td_locale_code = (loc, str(loc))
    return str(loc)


def is_zh() -> bool:
    return locale_code().startswith("zh")


# Formatting goes through Babel's pattern machinery for every figure; a page of fifty rows formats the same
# dates and amounts again and again, so each result is kept (values and locales are few, strings small).

@lru_cache(maxsize=16)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@lru_cache(maxsize=4096)
def _money(amount: Decimal, currency: str, code: str) -> str:
    from app.core.money import minor_units

    digits = minor_units(currency)
    pattern = "¤#,##0" + ("." + "0" * digits if digits else "")
    return numbers.format_currency(amount, currency, format=pattern, currency_digits=False, locale=_locale(code))


def money(amount, currency: str) -> str:
    if amount is None:
        return "—"
    return _money(Decimal(amount), currency, locale_code())


@lru_cache(maxsize=8192)
def _decimal(value, pattern: str | None, code: str) -> str:
    return numbers.format_decimal(value, format=pattern, locale=_locale(code))


def number(value, digits: int | None = None) -> str:
    if value is None:
        return "—"
    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    return _decimal(value, pattern, locale_code())


def percent(value, digits: int = 1) -> str:
    """A ratio (0.853) as 85.3 %; None — no data — as a dash, never 0 %."""
    if value is None:
        return "—"
    return _decimal(Decimal(value) * 100, "#,##0." + "0" * digits, locale_code()) + "%"


@lru_cache(maxsize=4096)
def _date(value: date, fmt: str, code: str) -> str:
    return dates.format_date(value, fmt, locale=_locale(code))


@lru_cache(maxsize=4096)
def _datetime(value: datetime, fmt: str, code: str) -> str:
    return dates.format_datetime(value, fmt, locale=_locale(code))


def date_(value, fmt: str = "medium") -> str:
    """A date; a stored (UTC) datetime shows the company's calendar day."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = to_company_time(value).date()
    return _date(value, fmt, locale_code())


def datetime_(value, fmt: str = "short") -> str:
    """A stored (UTC) datetime in the company's time zone."""
    if value is None:
        return "—"
    return _datetime(to_company_time(value), fmt, locale_code())


@lru_cache(maxsize=8)
def _territories(locale: str) -> dict:
    from babel import Locale

    return Locale.parse(locale).territories


def country_name(code: str | None) -> str:
    if not code:
        return "—"
    return _territories(locale_code()).get(code.upper(), code)


@lru_cache(maxsize=8)
def _country_choices(locale: str) -> tuple:
    names = _territories(locale)
    return tuple(sorted(((c, n) for c, n in names.items()
                         if len(c) == 2 and c.isalpha() and c not in {"ZZ", "EU", "EZ", "UN", "QO"}),
                        key=lambda x: x[1]))


def country_choices() -> list[tuple[str, str]]:
    return list(_country_choices(locale_code()))


def register_filters(app) -> None:
    app.jinja_env.filters.update(money=money, number=number, percent=percent, date=date_, datetime=datetime_,
                                 country=country_name)
    app.jinja_env.globals.update(is_zh=is_zh)


def catalogue_paths(locale: str = "zh_CN") -> list[Path]:
    return [Path(d) / locale / "LC_MESSAGES" / "messages.po" for d in translation_directories().split(";")]
