"""Money: ISO 4217 minor units, rounding, display and amounts in words (English trade style and 大写)."""
import copy
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import cn2an
from babel.core import Locale, get_global
from babel.numbers import format_currency, list_currencies
from num2words import num2words

Amount = Decimal | int | str

_ZERO_DECIMALS = frozenset("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split())
_THREE_DECIMALS = frozenset("BHD IQD JOD KWD LYD OMR TND".split())
_FOUR_DECIMALS = frozenset("CLF UYW".split())

_EN_NAMES: dict[str, tuple[str, str]] = {
    "USD": ("US DOLLARS", "CENTS"),
    "EUR": ("EUROS", "CENTS"),
    "GBP": ("POUNDS STERLING", "PENCE"),
    "CNY": ("CHINESE YUAN", "FEN"),
    "JPY": ("JAPANESE YEN", ""),
    "HKD": ("HONG KONG DOLLARS", "CENTS"),
    "AUD": ("AUSTRALIAN DOLLARS", "CENTS"),
    "CAD": ("CANADIAN DOLLARS", "CENTS"),
    "NZD": ("NEW ZEALAND DOLLARS", "CENTS"),
    "SGD": ("SINGAPORE DOLLARS", "CENTS"),
    "CHF": ("SWISS FRANCS", "CENTIMES"),
    "RUB": ("RUSSIAN ROUBLES", "KOPECKS"),
    "AED": ("UAE DIRHAMS", "FILS"),
    "SAR": ("SAUDI RIYALS", "HALALAS"),
    "INR": ("INDIAN RUPEES", "PAISE"),
    "KRW": ("KOREAN WON", ""),
    "THB": ("THAI BAHT", "SATANG"),
    "VND": ("VIETNAMESE DONG", ""),
    "MYR": ("MALAYSIAN RINGGIT", "SEN"),
    "IDR": ("INDONESIAN RUPIAH", "SEN"),
    "KWD": ("KUWAITI DINARS", "FILS"),
    "BHD": ("BAHRAINI DINARS", "FILS"),
    "OMR": ("OMANI RIALS", "BAISA"),
    "JOD": ("JORDANIAN DINARS", "FILS"),
}

_ZH_NAMES: dict[str, str] = {
    "CNY": "人民币",
    "USD": "美元",
    "EUR": "欧元",
    "GBP": "英镑",
    "JPY": "日元",
    "HKD": "港币",
    "AUD": "澳元",
    "CAD": "加元",
    "SGD": "新加坡元",
    "CHF": "瑞士法郎",
    "RUB": "卢布",
    "AED": "阿联酋迪拉姆",
    "SAR": "沙特里亚尔",
    "INR": "印度卢比",
    "KRW": "韩元",
    "THB": "泰铢",
    "VND": "越南盾",
    "MYR": "林吉特",
    "IDR": "印尼盾",
}
_ZH_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_ZH_FRACTION_UNITS = "角分厘毫"


def _active_codes() -> list[str]:
    in_use = {
        code
        for uses in get_global("territory_currencies").values()
        for code, _start, end, tender in uses
        if end is None and tender
    }
    return sorted(c for c in list_currencies() if len(c) == 3 and c.isalpha() and c.isupper() and c in in_use)


CURRENCY_CODES: list[str] = _active_codes()
"""ISO 4217 codes that are legal tender somewhere today according to babel's CLDR data.

Historic codes (DEM, HRK, BGN …), fund codes (USN, CHE …), metals, XDR, test codes and
CLDR's non-ISO CNH are left out.
"""
_CURRENCY_SET = frozenset(CURRENCY_CODES)


def is_currency(code: str) -> bool:
    """True for an active ISO 4217 code, written in upper case."""
    return isinstance(code, str) and code in _CURRENCY_SET


def minor_units(currency: str) -> int:
    """Decimal places of ``currency`` per ISO 4217; unknown codes get 2.

    babel's ``get_currency_precision`` follows CLDR, which differs from ISO 4217 for IDR, HUF,
    COP, IQD, IRR and others (e.g. IDR 0 instead of 2), so it is not used.
    """
    code = currency.upper()
    if code in _ZERO_DECIMALS:
        return 0
    if code in _THREE_DECIMALS:
        return 3
    if code in _FOUR_DECIMALS:
        return 4
    return 2


def to_decimal(amount: Amount) -> Decimal:
    """``amount`` as a finite Decimal; floats (and bools) are refused with TypeError."""
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int | str):
        raise TypeError(f"money must be Decimal, int or str, not {type(amount).__name__}")
    try:
        value = Decimal(amount.strip() if isinstance(amount, str) else amount)
    except InvalidOperation:
        raise ValueError(f"not an amount: {amount!r}") from None
    if not value.is_finite():
        raise ValueError(f"not an amount: {amount!r}")
    return value


def quantize(amount: Amount, currency: str) -> Decimal:
    """``amount`` rounded half-up to the minor units of ``currency`` (2.345 USD → 2.35, 1500.5 JPY → 1501)."""
    exponent = Decimal(1).scaleb(-minor_units(currency))
    try:
        return to_decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"amount too large: {amount!r}") from None


def _split(amount: Amount, currency: str) -> tuple[int, int, int]:
    """(major units, minor units, number of minor digits) of a non-negative quantized amount."""
    value = quantize(amount, currency)
    if value < 0:
        raise ValueError(f"amount in words of a negative amount: {amount!r}")
    digits = minor_units(currency)
    major, minor = divmod(int(value.scaleb(digits)), 10**digits)
    return major, minor, digits


def _en_cardinal(n: int) -> str:
    return " ".join(w for w in num2words(n, lang="en").replace(",", "").split() if w != "and").upper()


def amount_in_words_en(amount: Amount, currency: str) -> str:
    """English trade-style amount in words, after rounding to the currency's minor units.

    ``SAY <CURRENCY> <WORDS> [AND <MINOR UNIT> <WORDS>] ONLY`` in upper case, with no "and"
    or commas inside the numbers: 1234.56 USD → SAY US DOLLARS ONE THOUSAND TWO HUNDRED
    THIRTY-FOUR AND CENTS FIFTY-SIX ONLY. The minor part counts the smallest unit
    (0.5 EUR → … ZERO AND CENTS FIFTY) and is left out when zero; the currency name is
    always plural. Currencies without an English name here read ``SAY NZD … AND CENTS … ONLY``.
    Negative amounts raise ValueError.
    """
    code = currency.upper()
    major, minor, _digits = _split(amount, code)
    major_name, minor_name = _EN_NAMES.get(code, (code, "CENTS"))
    words = ["SAY", major_name, _en_cardinal(major)]
    if minor:
        words += ["AND", minor_name, _en_cardinal(minor)]
    words.append("ONLY")
    return " ".join(words)


def _zh_integer(n: int) -> str:
    """cn2an's upper-case integer, with the 零 it drops after 亿 restored (100,007,000 → 壹亿零柒仟)."""
    if n >= 10**16:
        raise ValueError(f"amount too large for Chinese words: {n}")
    words = cn2an.an2cn(str(n), "up")
    if n >= 10**8 and 1000 <= n % 10**8 < 10**4:
        head, _yi, tail = words.rpartition("亿")
        words = f"{head}亿零{tail}"
    return words


def amount_in_words_zh(amount: Amount, currency: str) -> str:
    """Chinese financial upper case (大写), after rounding to the currency's minor units.

    The rules of the People's Bank of China for bills (《支付结算办法》附件一 正确填写票据和结算凭证的基本规定),
    taking the shorter form where they allow two:

    - the currency name comes first (人民币, 美元 …, else the ISO code) and every currency uses 元/角/分
      (美元壹仟贰佰叁拾肆元伍角陆分); zero-decimal currencies stop at 元, three- and four-decimal
      ones continue with 厘 and 毫;
    - 整 follows 元 when there is no 角 or 分 (人民币壹佰元整); none after 角 or 分;
    - one 零 for a run of zeros inside the integer (1005.03 → 壹仟零伍元零叁分), none between a
      万 section ending in zeros and a 仟 (107000 → 壹拾万柒仟元整);
    - 零 after 元 only when 角 is zero and 分 is not (16409.02 → 壹万陆仟肆佰零玖元零贰分); a zero
      units digit before a non-zero 角 gets none (100000.10 → 人民币壹拾万元壹角);
    - below one 元 the words start at 角 or 分 (0.50 → 人民币伍角); zero is 人民币零元整.

    Negative amounts raise ValueError.
    """
    code = currency.upper()
    major, minor, digits = _split(amount, code)
    name = _ZH_NAMES.get(code, code)
    integer = _zh_integer(major) if major else ""
    if not minor:
        return f"{name}{integer or '零'}元整"
    text = f"{integer}元" if integer else ""
    zero_pending = False
    for unit, digit in zip(_ZH_FRACTION_UNITS[:digits], f"{minor:0{digits}d}", strict=True):
        if digit == "0":
            zero_pending = bool(text)
            continue
        text += ("零" if zero_pending else "") + _ZH_DIGITS[int(digit)] + unit
        zero_pending = False
    return name + text


def format_money(amount: Amount, currency: str, locale: str | Locale) -> str:
    """``amount`` in ``locale``'s currency format with the ISO 4217 decimals of ``currency``.

    format_money(Decimal("1234.5"), "USD", "en_US") → $1,234.50; JPY 1500 → ¥1,500; IDR keeps its
    two decimals even though CLDR gives it none.
    """
    code = currency.upper()
    digits = minor_units(code)
    locale = Locale.parse(locale.replace("-", "_")) if isinstance(locale, str) else locale
    pattern = copy.copy(locale.currency_formats["standard"])
    pattern.frac_prec = (digits, digits)
    return format_currency(quantize(amount, code), code, format=pattern, locale=locale, currency_digits=False)
