"""Keys for duplicate detection: a company name without case, punctuation, width or legal form,
a website's bare domain, and a contact e-mail in one spelling.

``name_key("Acme Trading Co., Ltd.") == name_key("ACME") == "acme"``;
``name_key("宁波海天贸易有限公司") == name_key("宁波海天")``.
"""
import re
import unicodedata
from urllib.parse import urlsplit

# Legal forms and generic words that say nothing about which company it is, as token sequences
# (after lower-casing and joining dotted abbreviations: "S.A." → "sa", "B.V." → "bv").
_LATIN_SUFFIXES = [
    ("public", "company", "limited"), ("company", "limited"), ("co", "ltd"), ("pty", "ltd"), ("pte", "ltd"),
    ("pvt", "ltd"), ("sdn", "bhd"), ("joint", "stock", "company"), ("public", "limited", "company"), ("sa", "de", "cv"), ("s", "de", "rl"), ("import", "and", "export"),
    ("import", "export"), ("imp", "exp"),
    ("co",), ("ltd",), ("limited",), ("company",), ("inc",), ("incorporated",), ("corp",), ("corporation",),
    ("llc",), ("llp",), ("lp",), ("plc",), ("gmbh",), ("mbh",), ("ag",), ("kg",), ("sa",), ("sl",), ("srl",),
    ("sarl",), ("sas",), ("spa",), ("bv",), ("nv",), ("pty",), ("pte",), ("pvt",), ("bhd",), ("tbk",), ("jsc",),
    ("ltda",), ("oy",), ("ab",), ("as",), ("aps",), ("kft",), ("sro",), ("zoo",), ("ooo",), ("doo",),
    ("trading",), ("group",), ("holdings",), ("holding",), ("international",), ("intl",), ("enterprises",),
    ("and",),
]
_LATIN_PREFIXES = [("cong", "ty", "tnhh"), ("cong", "ty", "co", "phan"), ("cong", "ty"), ("pt",), ("cv",),
                   ("ooo",), ("the",)]
_CJK_SUFFIXES = ["股份有限公司", "有限责任公司", "有限公司", "分公司", "公司", "集团", "进出口", "国际贸易", "贸易",
                 "商贸", "实业", "商行", "株式会社", "有限會社", "有限會司"]
_CJK_PREFIXES = ["株式会社"]

_DOTTED = re.compile(r"(?<![a-z0-9])((?:[a-z]\.){2,}[a-z]?)(?![a-z0-9])")
_NON_WORD = re.compile(r"[^\w]+|_")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
FREE_MAIL = frozenset("""gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.co.in hotmail.com outlook.com live.com
msn.com aol.com icloud.com me.com mail.ru yandex.ru protonmail.com gmx.de gmx.net web.de qq.com 163.com 126.com
sina.com sina.cn sohu.com foxmail.com aliyun.com yeah.net 139.com naver.com daum.net""".split())


def _fold(text: str) -> str:
    """Full-width to half-width (NFKC), case folded, accents removed (Müller → muller)."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _by_edge(sequences, edge: int) -> dict[str, list[tuple[str, ...]]]:
    table: dict[str, list[tuple[str, ...]]] = {}
    for seq in sorted(sequences, key=len, reverse=True):
        table.setdefault(seq[edge], []).append(seq)
    return table


_SUFFIX_BY_LAST = _by_edge(_LATIN_SUFFIXES, -1)
_PREFIX_BY_FIRST = _by_edge(_LATIN_PREFIXES, 0)


def _strip_tokens(tokens: list[str]) -> list[str]:
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for seq in _SUFFIX_BY_LAST.get(tokens[-1], ()):
            n = len(seq)
            if len(tokens) > n and tuple(tokens[-n:]) == seq:
                tokens = tokens[:-n]
                changed = True
                break
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for seq in _PREFIX_BY_FIRST.get(tokens[0], ()):
            n = len(seq)
            if len(tokens) > n and tuple(tokens[:n]) == seq:
                tokens = tokens[n:]
                changed = True
                break
    return tokens


def _strip_cjk(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for suffix in _CJK_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                changed = True
                break
        for prefix in _CJK_PREFIXES:
            if text.startswith(prefix) and len(text) > len(prefix):
                text = text[len(prefix):]
                changed = True
                break
    return text


def name_key(name: str | None) -> str:
    """The comparable form of a company name: '' when nothing is left."""
    text = _fold(name or "").replace("&", " and ").replace("+", " and ")
    text = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), text)
    tokens = [t for t in _NON_WORD.split(text) if t]
    if not tokens:
        return ""
    if any(_CJK.search(t) for t in tokens):
        latin = [t for t in tokens if not _CJK.search(t)]
        cjk = "".join(t for t in tokens if _CJK.search(t))
        # brackets around a city are common in Chinese names: 海天（宁波）贸易有限公司 keeps 宁波
        return _strip_cjk(cjk) + "".join(_strip_tokens(latin) if latin else [])
    return "".join(_strip_tokens(tokens))[:200]


def domain_key(website: str | None) -> str:
    """The bare host of a website (https://www.Acme.com/en → acme.com), '' if there is none."""
    text = (website or "").strip()
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).lower()
    if "://" not in text:
        text = "http://" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    if host.startswith("www."):
        host = host[4:]
    if "." not in host:
        return ""
    return host[:255]


def email_key(email: str | None) -> str:
    return unicodedata.normalize("NFKC", (email or "").strip()).lower()[:255]


def email_domain(email: str | None) -> str:
    """The company domain of an e-mail address, '' for free mail services."""
    _, _, domain = email_key(email).rpartition("@")
    return "" if domain in FREE_MAIL else domain


def tags_text(raw: str | None) -> str:
    """Tags as one comma-separated, de-duplicated, trimmed string ('vip, 经销商 ,vip' → 'vip,经销商')."""
    seen = []
    for part in re.split(r"[,，;；]", raw or ""):
        tag = part.strip()[:40]
        if tag and tag.casefold() not in {s.casefold() for s in seen}:
            seen.append(tag)
    return ",".join(seen)[:500]
