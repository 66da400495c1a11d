"""Importing customer lists (.xlsx, .csv in UTF-8, UTF-8 with BOM or GBK): read, map columns, check, insert.

The whole file is checked before anything is written. Duplicates are found against the keys of the
existing customers, loaded once per import for the keys that occur in the file, and against earlier
rows of the same file.
"""
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.core.models import utcnow
from app.customers.models import GRADES, SOURCES, Contact, Customer
from app.customers.normalise import domain_key, email_key, name_key, tags_text
from app.extensions import db

MAX_ROWS = 50_000
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class ImportField:
    key: str
    label: object
    required: bool
    max_length: int
    headers: tuple[str, ...]


FIELDS = [
    ImportField("name", _l("Company name"), True, 200,
                ("company", "company name", "companyname", "customer", "customer name", "name", "account",
                 "organisation", "organization", "buyer", "importer", "公司名称", "公司名", "公司", "客户名称",
                 "客户名", "客户", "企业名称", "英文名称", "买家", "进口商")),
    ImportField("local_name", _l("Local name"), False, 200,
                ("local name", "chinese name", "native name", "中文名称", "中文名", "本地名称", "当地名称")),
    ImportField("country", _l("Country"), True, 100,
                ("country", "country code", "country/region", "nation", "国家", "国家/地区", "国家地区", "国别",
                 "地区")),
    ImportField("city", _l("City"), False, 100, ("city", "town", "城市", "所在城市")),
    ImportField("address", _l("Address"), False, 1000, ("address", "street", "地址", "公司地址")),
    ImportField("industry", _l("Industry"), False, 100, ("industry", "sector", "business", "行业", "所属行业")),
    ImportField("website", _l("Website"), False, 255, ("website", "web", "url", "homepage", "site", "网站", "网址",
                                                      "官网", "公司网站")),
    ImportField("source", _l("Source"), False, 60, ("source", "lead source", "channel", "来源", "客户来源", "渠道")),
    ImportField("grade", _l("Grade"), False, 10, ("grade", "level", "rating", "class", "等级", "客户等级", "级别")),
    ImportField("tags", _l("Tags"), False, 500, ("tags", "tag", "labels", "标签")),
    ImportField("notes", _l("Notes"), False, 5000, ("notes", "note", "remarks", "remark", "comments", "memo", "备注",
                                                   "说明")),
    ImportField("contact_name", _l("Contact name"), False, 120,
                ("contact", "contact name", "contact person", "person", "联系人", "联系人姓名", "姓名")),
    ImportField("contact_title", _l("Contact title"), False, 120,
                ("title", "position", "job title", "职位", "职务", "头衔")),
    ImportField("contact_email", _l("Contact e-mail"), False, 255,
                ("email", "e-mail", "mail", "email address", "邮箱", "电子邮箱", "电子邮件", "邮件", "联系邮箱")),
    ImportField("contact_phone", _l("Contact phone"), False, 60,
                ("phone", "tel", "telephone", "mobile", "cell", "phone number", "电话", "手机", "联系电话", "手机号",
                 "电话号码")),
    ImportField("contact_messaging", _l("Messaging app"), False, 120,
                ("whatsapp", "wechat", "skype", "messenger", "line", "telegram", "微信", "messaging")),
]
FIELD_MAP = {f.key: f for f in FIELDS}


class ImportFileError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _fold(text) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).casefold()
    return re.sub(r"[\s_\-./()（）:：*]+", "", text)


def decode_csv(data: bytes) -> str:
    """Text of a CSV saved as UTF-8 (with or without BOM) or as GBK by Chinese Excel."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_l("The file is neither UTF-8 nor GBK text."))


def read_table(data: bytes, kind: str) -> pd.DataFrame:
    """The first sheet (or the CSV) as text columns named by the header row; blank rows dropped."""
    try:
        if kind == "csv":
            text = decode_csv(data)
            first = text.split("\n", 1)[0]
            delimiter = max((",", ";", "\t"), key=first.count)
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=delimiter,
                                skip_blank_lines=True, quoting=csv.QUOTE_MINIMAL)
        else:
            frame = pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False, engine="openpyxl")
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(_l("The file could not be read as a table. Save it as .xlsx or .csv with one "
                                 "header row and try again.")) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty or not len(frame.columns):
        raise ImportFileError(_l("The file has no data rows under its header row."))
    frame = frame.fillna("").astype(str).apply(lambda col: col.str.strip())
    frame = frame[(frame != "").any(axis=1)]
    if len(frame) > MAX_ROWS:
        raise ImportFileError(_l("The file has %(n)s rows; import at most %(max)s at a time.", n=len(frame),
                                 max=MAX_ROWS))
    frame.index = frame.index + 2  # the spreadsheet row number: the header is row 1
    return frame


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """field key → header, guessed from English and Chinese column titles; each header used once."""
    folded = {h: _fold(h) for h in headers}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for exact in (True, False):
        for f in FIELDS:
            if f.key in mapping:
                continue
            names = [_fold(n) for n in f.headers]
            for header, key in folded.items():
                if header in used or not key:
                    continue
                hit = key in names if exact else any(len(n) > 2 and n in key for n in names)
                if hit:
                    mapping[f.key] = header
                    used.add(header)
                    break
    return mapping


@lru_cache(maxsize=1)
def country_lookup() -> dict[str, str]:
    from babel import Locale

    table: dict[str, str] = {}
    for loc in ("en", "zh_Hans_CN", "zh_Hant"):
        for code, name in Locale.parse(loc).territories.items():
            if len(code) == 2 and code.isalpha():
                table.setdefault(_fold(name), code)
                table[code.lower()] = code
    aliases = {
        "usa": "US", "america": "US", "unitedstatesofamerica": "US", "美国": "US", "uk": "GB", "england": "GB",
        "britain": "GB", "greatbritain": "GB", "英国": "GB", "uae": "AE", "阿联酋": "AE", "korea": "KR",
        "southkorea": "KR", "韩国": "KR", "南韩": "KR", "vietnam": "VN", "越南": "VN", "russia": "RU",
        "俄罗斯": "RU", "turkey": "TR", "turkiye": "TR", "土耳其": "TR", "holland": "NL", "荷兰": "NL",
        "czechrepublic": "CZ", "hongkong": "HK", "中国香港": "HK", "香港": "HK", "taiwan": "TW", "台湾": "TW",
        "中国台湾": "TW", "macau": "MO", "澳门": "MO", "中国澳门": "MO", "mainlandchina": "CN", "prc": "CN",
        "中国大陆": "CN", "ivorycoast": "CI", "laos": "LA", "burma": "MM", "iran": "IR", "syria": "SY",
        "usa.": "US", "gbr": "GB", "deu": "DE", "fra": "FR", "vnm": "VN", "tha": "TH", "mys": "MY", "idn": "ID",
        "phl": "PH", "sgp": "SG", "chn": "CN", "ind": "IN", "are": "AE", "sau": "SA", "bra": "BR", "mex": "MX",
        "aus": "AU", "can": "CA", "jpn": "JP", "kor": "KR", "rus": "RU", "tur": "TR", "esp": "ES", "ita": "IT",
        "nld": "NL", "pol": "PL", "zaf": "ZA", "nga": "NG", "egy": "EG", "pak": "PK", "bgd": "BD",
    }
    table.update(aliases)
    return table


def parse_country(value: str) -> str | None:
    if not value:
        return None
    return country_lookup().get(_fold(value))


@lru_cache(maxsize=1)
def source_lookup() -> dict[str, str]:
    table = {}
    for locale in ("en", "zh_CN"):
        with force_locale(locale):
            for code, label in SOURCES.items():
                table[_fold(str(label))] = code
    for code in SOURCES:
        table[_fold(code)] = code
    table.update({_fold("展会"): "trade_show", _fold("广交会"): "trade_show", _fold("阿里巴巴"): "b2b_platform",
                  _fold("alibaba"): "b2b_platform", _fold("made-in-china"): "b2b_platform",
                  _fold("linkedin"): "social_media", _fold("facebook"): "social_media", _fold("领英"): "social_media",
                  _fold("海关"): "customs_data", _fold("转介绍"): "referral", _fold("询盘"): "inbound_inquiry",
                  _fold("inquiry"): "inbound_inquiry", _fold("website"): "inbound_inquiry"})
    return table


@dataclass
class ImportCheck:
    total: int = 0
    good: list = field(default_factory=list)       # dicts ready for Customer/Contact
    rejected: list = field(default_factory=list)   # {"row", "name", "reason", "values"}
    flagged: int = 0                               # duplicates imported for a decision (policy "flag")
    blocking: list = field(default_factory=list)   # problems that stop the whole import

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)


def _existing(column, values: set[str]) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    items = sorted(v for v in values if v)
    for start in range(0, len(items), 900):
        chunk = items[start:start + 900]
        for key, cid, name in db.session.execute(
                sa.select(column, Customer.id, Customer.name).where(column.in_(chunk),
                                                                    Customer.merged_into_id.is_(None))):
            found.setdefault(key, (cid, name))
    return found


def _existing_emails(values: set[str]) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    items = sorted(v for v in values if v)
    for start in range(0, len(items), 900):
        chunk = items[start:start + 900]
        for mail, cid, name in db.session.execute(
                sa.select(Contact.email, Customer.id, Customer.name).join(Contact.customer)
                .where(Contact.email.in_(chunk), Customer.merged_into_id.is_(None))):
            found.setdefault(mail, (cid, name))
    return found


def check(frame: pd.DataFrame, mapping: dict[str, str], options: dict) -> ImportCheck:
    """Every row's problems, without writing anything. ``options``: source (default), duplicates
    ('reject' or 'flag': import and leave the match to decide on the customer's page)."""
    result = ImportCheck(total=len(frame))
    if "name" not in mapping or "country" not in mapping:
        result.blocking.append(_l("Choose the columns for the company name and the country."))
        return result
    columns = {key: frame[header] if header in frame.columns else pd.Series("", index=frame.index)
               for key, header in mapping.items() if key in FIELD_MAP}
    empty = pd.Series("", index=frame.index)
    col = {f.key: columns.get(f.key, empty) for f in FIELDS}
    keys = col["name"].map(name_key)
    local_keys = col["local_name"].map(name_key)
    domains = col["website"].map(domain_key)
    emails = col["contact_email"].map(email_key)

    known_names = _existing(Customer.name_key, set(keys) | set(local_keys))
    known_names.update({k: v for k, v in _existing(Customer.local_name_key, set(keys) | set(local_keys)).items()
                        if k not in known_names})
    known_domains = _existing(Customer.domain, set(domains))
    known_emails = _existing_emails(set(emails))
    seen_names: dict[str, int] = {}
    seen_domains: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    sources = source_lookup()
    default_source = options.get("source") or "other"
    flag = options.get("duplicates") == "flag"
    records = frame.to_dict("index")

    for row in frame.index:
        values = {f.key: col[f.key][row] for f in FIELDS}
        problems = []
        for f in FIELDS:
            if len(values[f.key]) > f.max_length:
                problems.append(_l("%(field)s is longer than %(n)s characters.", field=f.label, n=f.max_length))
        if not values["name"]:
            problems.append(_l("The company name is empty."))
        elif not keys[row]:
            problems.append(_l("The company name has no letters or digits."))
        country = parse_country(values["country"])
        if not country:
            problems.append(_l("Unknown country “%(value)s” (use a name or an ISO code such as VN).",
                               value=values["country"]) if values["country"] else _l("The country is empty."))
        source = default_source
        if values["source"]:
            source = sources.get(_fold(values["source"]))
            if source is None:
                problems.append(_l("Unknown source “%(value)s”.", value=values["source"]))
        grade = (values["grade"] or "C").upper()
        if grade not in GRADES:
            problems.append(_l("The grade must be A, B or C."))
        email = emails[row]
        if values["contact_email"] and not EMAIL_RE.match(email):
            problems.append(_l("“%(value)s” is not an e-mail address.", value=values["contact_email"]))
        if values["website"] and not domains[row]:
            problems.append(_l("“%(value)s” is not a website address.", value=values["website"]))
        if (email or values["contact_phone"] or values["contact_messaging"]) and not values["contact_name"]:
            values["contact_name"] = values["contact_email"] or values["contact_phone"] or values["contact_messaging"]

        duplicate = None
        if not problems:
            for key in (keys[row], local_keys[row]):
                if key and key in known_names:
                    duplicate = _l("Same company as the existing customer %(name)s (#%(id)s).",
                                   name=known_names[key][1], id=known_names[key][0])
                    break
                if key and key in seen_names:
                    duplicate = _l("Same company as row %(row)s of this file.", row=seen_names[key])
                    break
            if duplicate is None and domains[row]:
                if domains[row] in known_domains:
                    duplicate = _l("Same website as the existing customer %(name)s (#%(id)s).",
                                   name=known_domains[domains[row]][1], id=known_domains[domains[row]][0])
                elif domains[row] in seen_domains:
                    duplicate = _l("Same website as row %(row)s of this file.", row=seen_domains[domains[row]])
            if duplicate is None and email:
                if email in known_emails:
                    duplicate = _l("The e-mail %(email)s belongs to a contact of %(name)s (#%(id)s).", email=email,
                                   name=known_emails[email][1], id=known_emails[email][0])
                elif email in seen_emails:
                    duplicate = _l("The e-mail %(email)s is already in row %(row)s of this file.", email=email,
                                   row=seen_emails[email])
            if duplicate is not None and not flag:
                problems.append(duplicate)
        if problems:
            result.rejected.append({"row": int(row), "name": values["name"], "reason": "; ".join(map(str, problems)),
                                    "values": records[row]})
            continue
        if duplicate is not None:
            result.flagged += 1
        for key in (keys[row], local_keys[row]):
            if key:
                seen_names.setdefault(key, int(row))
        if domains[row]:
            seen_domains.setdefault(domains[row], int(row))
        if email:
            seen_emails.setdefault(email, int(row))
        result.good.append({
            "row": int(row), "name": values["name"], "local_name": values["local_name"], "country": country,
            "city": values["city"], "address": values["address"], "industry": values["industry"],
            "website": values["website"], "source": source, "grade": grade, "tags": tags_text(values["tags"]),
            "notes": values["notes"], "contact": {
                "name": values["contact_name"], "title": values["contact_title"], "email": email,
                "phone": values["contact_phone"], "messaging": values["contact_messaging"],
            } if values["contact_name"] else None,
        })
    return result


def insert(rows: list[dict], owner_id: int | None, user_id: int) -> int:
    """Insert checked rows as leads (audited like any other new customer); the caller commits."""
    now = utcnow()
    customers = []
    for r in rows:
        customer = Customer(name=r["name"], local_name=r["local_name"], country=r["country"], city=r["city"],
                            address=r["address"], industry=r["industry"], website=r["website"], source=r["source"],
                            grade=r["grade"], tags=r["tags"], notes=r["notes"], stage="lead", owner_id=owner_id,
                            created_by_id=user_id, created_at=now, updated_at=now,
                            claimed_at=now if owner_id else None)
        if r["contact"]:
            customer.contacts.append(Contact(is_primary=True, created_at=now, **r["contact"]))
        customers.append(customer)
    db.session.add_all(customers)
    db.session.flush()
    return len(customers)


def rejected_workbook(imp) -> io.BytesIO:
    """The rejected rows with their original columns, the row number and the reason, to fix and re-import."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("rejected")
    headers = list(imp.headers)
    bold = Font(bold=True)
    from openpyxl.cell import WriteOnlyCell

    def cells(values, font=None):
        out = []
        for v in values:
            c = WriteOnlyCell(ws, value=v)
            if font:
                c.font = font
            out.append(c)
        return out

    ws.append(cells(headers + ["Row 行号", "Reason 原因"], bold))
    for r in imp.rejected:
        ws.append(cells([r["values"].get(h, "") for h in headers] + [r["row"], r["reason"]]))
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out
