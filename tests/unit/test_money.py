from decimal import Decimal

import pytest

from app.core.money import (
    CURRENCY_CODES,
    amount_in_words_en,
    amount_in_words_zh,
    format_money,
    is_currency,
    minor_units,
    quantize,
)


@pytest.mark.parametrize(
    ("currency", "digits"),
    [("USD", 2), ("CNY", 2), ("EUR", 2), ("JPY", 0), ("KRW", 0), ("VND", 0), ("KWD", 3), ("BHD", 3),
     ("OMR", 3), ("JOD", 3), ("IDR", 2), ("HUF", 2), ("IQD", 3), ("CLF", 4), ("usd", 2), ("ZZZ", 2)],
)
def test_minor_units_follow_iso_4217(currency, digits):
    assert minor_units(currency) == digits


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [(Decimal("2.345"), "USD", Decimal("2.35")), (Decimal("2.344"), "USD", Decimal("2.34")),
     (Decimal("-2.345"), "USD", Decimal("-2.35")), ("1500.5", "JPY", Decimal("1501")),
     (7, "EUR", Decimal("7.00")), (" 1.0005 ", "KWD", Decimal("1.001")), ("0.999", "CNY", Decimal("1.00"))],
)
def test_quantize_rounds_half_up(amount, currency, expected):
    result = quantize(amount, currency)
    assert result == expected
    assert result.as_tuple().exponent == expected.as_tuple().exponent


@pytest.mark.parametrize("amount", [1.5, True, None, [1]])
def test_quantize_refuses_floats_and_non_numbers(amount):
    with pytest.raises(TypeError):
        quantize(amount, "USD")


@pytest.mark.parametrize("amount", ["abc", "", "NaN", "Infinity", Decimal("NaN")])
def test_quantize_refuses_non_amounts(amount):
    with pytest.raises(ValueError):
        quantize(amount, "USD")


def test_currency_codes_are_active_iso_codes():
    assert CURRENCY_CODES == sorted(CURRENCY_CODES)
    assert all(len(c) == 3 and c.isalpha() and c.isupper() for c in CURRENCY_CODES)
    assert {"USD", "EUR", "CNY", "JPY", "GBP", "HKD", "KWD", "VND", "IDR"} <= set(CURRENCY_CODES)
    assert not {"DEM", "FRF", "HRK", "CNH", "XTS", "XXX", "USN"} & set(CURRENCY_CODES)


def test_is_currency():
    assert is_currency("USD")
    assert is_currency("CNY")
    assert not is_currency("usd")
    assert not is_currency("DEM")
    assert not is_currency("US")
    assert not is_currency(None)


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("1234.56"), "USD", "SAY US DOLLARS ONE THOUSAND TWO HUNDRED THIRTY-FOUR AND CENTS FIFTY-SIX ONLY"),
        (Decimal("100"), "USD", "SAY US DOLLARS ONE HUNDRED ONLY"),
        (Decimal("100.00"), "USD", "SAY US DOLLARS ONE HUNDRED ONLY"),
        (Decimal("0.01"), "USD", "SAY US DOLLARS ZERO AND CENTS ONE ONLY"),
        (Decimal("10"), "USD", "SAY US DOLLARS TEN ONLY"),
        (Decimal("1000000"), "USD", "SAY US DOLLARS ONE MILLION ONLY"),
        (Decimal("105"), "USD", "SAY US DOLLARS ONE HUNDRED FIVE ONLY"),
        (Decimal("0"), "USD", "SAY US DOLLARS ZERO ONLY"),
        (Decimal("1.005"), "USD", "SAY US DOLLARS ONE AND CENTS ONE ONLY"),
        ("1000001.5", "USD", "SAY US DOLLARS ONE MILLION ONE AND CENTS FIFTY ONLY"),
        (1500, "JPY", "SAY JAPANESE YEN ONE THOUSAND FIVE HUNDRED ONLY"),
        (Decimal("1500.4"), "JPY", "SAY JAPANESE YEN ONE THOUSAND FIVE HUNDRED ONLY"),
        (Decimal("0.5"), "EUR", "SAY EUROS ZERO AND CENTS FIFTY ONLY"),
        (Decimal("2500.75"), "GBP", "SAY POUNDS STERLING TWO THOUSAND FIVE HUNDRED AND PENCE SEVENTY-FIVE ONLY"),
        (Decimal("1234.56"), "CNY", "SAY CHINESE YUAN ONE THOUSAND TWO HUNDRED THIRTY-FOUR AND FEN FIFTY-SIX ONLY"),
        (Decimal("88.8"), "HKD", "SAY HONG KONG DOLLARS EIGHTY-EIGHT AND CENTS EIGHTY ONLY"),
        (Decimal("1.234"), "KWD", "SAY KUWAITI DINARS ONE AND FILS TWO HUNDRED THIRTY-FOUR ONLY"),
        (Decimal("12.5"), "PLN", "SAY PLN TWELVE AND CENTS FIFTY ONLY"),
        (Decimal("12.5"), "usd", "SAY US DOLLARS TWELVE AND CENTS FIFTY ONLY"),
    ],
)
def test_amount_in_words_en(amount, currency, expected):
    assert amount_in_words_en(amount, currency) == expected


@pytest.mark.parametrize("currency", ["USD", "EUR", "GBP", "CNY", "JPY", "HKD", "AUD", "CAD", "SGD", "CHF", "RUB",
                                      "AED", "SAR", "INR", "KRW", "THB", "VND", "MYR", "IDR"])
def test_amount_in_words_en_names_the_currency(currency):
    words = amount_in_words_en(Decimal("1"), currency)
    assert words.startswith("SAY ") and words.endswith(" ONE ONLY")
    assert currency not in words.split()


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("12345.67"), "CNY", "人民币壹万贰仟叁佰肆拾伍元陆角柒分"),
        (Decimal("100"), "CNY", "人民币壹佰元整"),
        (Decimal("1005.03"), "CNY", "人民币壹仟零伍元零叁分"),
        (Decimal("100000.10"), "CNY", "人民币壹拾万元壹角"),
        (Decimal("0.01"), "CNY", "人民币壹分"),
        (Decimal("10"), "CNY", "人民币壹拾元整"),
        (Decimal("1000000"), "CNY", "人民币壹佰万元整"),
        (Decimal("0"), "CNY", "人民币零元整"),
        (Decimal("0.999"), "CNY", "人民币壹元整"),
        (Decimal("0.994"), "CNY", "人民币玖角玖分"),
        (Decimal("1409.50"), "CNY", "人民币壹仟肆佰零玖元伍角"),
        (Decimal("6007.14"), "CNY", "人民币陆仟零柒元壹角肆分"),
        (Decimal("1680.32"), "CNY", "人民币壹仟陆佰捌拾元叁角贰分"),
        (Decimal("107000.53"), "CNY", "人民币壹拾万柒仟元伍角叁分"),
        (Decimal("16409.02"), "CNY", "人民币壹万陆仟肆佰零玖元零贰分"),
        (Decimal("325.04"), "CNY", "人民币叁佰贰拾伍元零肆分"),
        (Decimal("1000010"), "CNY", "人民币壹佰万零壹拾元整"),
        (Decimal("100007000"), "CNY", "人民币壹亿零柒仟元整"),
        (Decimal("100001001.01"), "CNY", "人民币壹亿零壹仟零壹元零壹分"),
        (Decimal("110000000"), "CNY", "人民币壹亿壹仟万元整"),
        (Decimal("1234.56"), "USD", "美元壹仟贰佰叁拾肆元伍角陆分"),
        (1500, "JPY", "日元壹仟伍佰元整"),
        (Decimal("0.5"), "EUR", "欧元伍角"),
        (Decimal("20.05"), "GBP", "英镑贰拾元零伍分"),
        (Decimal("1.105"), "KWD", "KWD壹元壹角零伍厘"),
        (Decimal("12.5"), "PLN", "PLN壹拾贰元伍角"),
    ],
)
def test_amount_in_words_zh(amount, currency, expected):
    assert amount_in_words_zh(amount, currency) == expected


@pytest.mark.parametrize(("currency", "name"), [("HKD", "港币"), ("AUD", "澳元"), ("CAD", "加元"), ("SGD", "新加坡元"),
                                                ("CHF", "瑞士法郎"), ("RUB", "卢布"), ("AED", "阿联酋迪拉姆"), ("SAR", "沙特里亚尔"),
                                                ("INR", "印度卢比"), ("KRW", "韩元"), ("THB", "泰铢"), ("VND", "越南盾"),
                                                ("MYR", "林吉特"), ("IDR", "印尼盾")])
def test_amount_in_words_zh_names_the_currency(currency, name):
    assert amount_in_words_zh(Decimal("1"), currency) == f"{name}壹元整"


@pytest.mark.parametrize("words", [amount_in_words_en, amount_in_words_zh])
def test_amount_in_words_refuses_negative_and_float(words):
    with pytest.raises(ValueError):
        words(Decimal("-0.01"), "USD")
    with pytest.raises(TypeError):
        words(1.5, "USD")


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        (Decimal("1234.56"), "USD", "en_US", "$1,234.56"),
        (Decimal("1234.5"), "USD", "zh_CN", "US$1,234.50"),
        (Decimal("1234.56"), "CNY", "zh_CN", "¥1,234.56"),
        (Decimal("1234.56"), "EUR", "de_DE", "1.234,56\xa0€"),
        (Decimal("1234.56"), "EUR", "de-DE", "1.234,56\xa0€"),
        (1500, "JPY", "en_US", "¥1,500"),
        (Decimal("1234.5"), "IDR", "en_US", "IDR1,234.50"),
        (Decimal("-5"), "USD", "en_US", "-$5.00"),
        ("2.345", "USD", "en_US", "$2.35"),
    ],
)
def test_format_money(amount, currency, locale, expected):
    assert format_money(amount, currency, locale) == expected


def test_format_money_refuses_float():
    with pytest.raises(TypeError):
        format_money(1.5, "USD", "en_US")
