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
from datetime import date, datetime
from functools import lru_cache
from types import SimpleNamespace

import pandas as pd
import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.core.models import AuditLog, utcnow
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


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _rows(data: bytes, kind: str) -> list[list[str]]:
    if kind == "csv":
        text = decode_csv(data)
        first = text.split("\n", 1)[0]
        delimiter = max((",", ";", "\t"), key=first.count)
        try:
            return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
        except csv.Error:
            raise ImportFileError(_l("The file could not be read as a table. Save it as .xlsx or .csv with one "
                                     "header row and try again.")) from None
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    except Exception:
        raise ImportFileError(_l("The file could not be read as a table. Save it as .xlsx or .csv with one "
                                 "header row and try again.")) from None


def read_table(data: bytes, kind: str) -> pd.DataFrame:
    """The first sheet (or the CSV) as text columns named by the header row, indexed by the spreadsheet
    row number (the header is row 1); blank rows are dropped."""
    rows = _rows(data, kind)
    while rows and not any(rows[0]):
        rows.pop(0)
    if not rows:
        raise ImportFileError(_l("The file has no data rows under its header row."))
    header = rows[0]
    while header and not header[-1]:
        header.pop()
    names, seen = [], set()
    for n, title in enumerate(header, start=1):
        title = title or f"({n})"
        while title in seen:
            title += "'"
        seen.add(title)
        names.append(title)
    body, index = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        if len(row) > len(names) and any(row[len(names):]):
            raise ImportFileError(_l("Row %(row)s has %(n)s columns but the header row has %(m)s. Put values that "
                                     "contain commas in quotes (Excel does this when it saves a CSV).",
                                     row=number, n=len(row), m=len(names)))
        body.append((row + [""] * len(names))[:len(names)])
        index.append(number)
    if not body:
        raise ImportFileError(_l("The file has no data rows under its header row."))
    if len(body) > MAX_ROWS:
        raise ImportFileError(_l("The file has %(n)s rows; import at most %(max)s at a time.", n=len(body),
                                 max=MAX_ROWS))
    return pd.DataFrame(body, columns=names, index=index, dtype=str)


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
    """key → (id, name) of live customers whose ``column`` is one of ``values``, by the column's index."""
    found: dict[str, tuple[int, str]] = {}
    items = sorted(v for v in values if v)
    for start in range(0, len(items), 900):
        chunk = items[start:start + 900]
        for key, cid, name, merged in db.session.execute(
                sa.select(column, Customer.id, Customer.name, Customer.merged_into_id).where(column.in_(chunk))):
            if merged is None:
                found.setdefault(key, (cid, name))
    return found


def _existing_emails(values: set[str]) -> dict[str, tuple[int, str]]:
    """e-mail → (customer id, name) of contacts of live customers, looked up by the contacts' e-mail index."""
    owners: dict[str, int] = {}
    items = sorted(v for v in values if v)
    for start in range(0, len(items), 900):
        for mail, cid in db.session.execute(sa.select(Contact.email, Contact.customer_id)
                                            .where(Contact.email.in_(items[start:start + 900]))):
            owners.setdefault(mail, cid)
    ids = sorted(set(owners.values()))
    live: dict[int, str] = {}
    for start in range(0, len(ids), 900):
        for cid, name in db.session.execute(sa.select(Customer.id, Customer.name).where(
                Customer.id.in_(ids[start:start + 900]), Customer.merged_into_id.is_(None))):
            live[cid] = name
    return {mail: (cid, live[cid]) for mail, cid in owners.items() if cid in live}


def check(frame: pd.DataFrame, mapping: dict[str, str], options: dict) -> ImportCheck:
    """Every row's problems, without writing anything. ``options``: source (default), duplicates
    ('reject' or 'flag': import and leave the match to decide on the customer's page)."""
    result = ImportCheck(total=len(frame))
    if "name" not in mapping or "country" not in mapping:
        result.blocking.append(_l("Choose the columns for the company name and the country."))
        return result
    index = [int(i) for i in frame.index]
    blank = [""] * len(index)
    col = {f.key: (frame[mapping[f.key]].tolist() if f.key in mapping and mapping[f.key] in frame.columns
                   else blank) for f in FIELDS}
    keys = [name_key(v) for v in col["name"]]
    local_keys = [name_key(v) for v in col["local_name"]]
    domains = [domain_key(v) for v in col["website"]]
    emails = [email_key(v) for v in col["contact_email"]]
    countries = {v: parse_country(v) for v in set(col["country"])}

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
    lengths = [(f.key, f.max_length, f.label) for f in FIELDS]

    for i, row in enumerate(index):
        values = {f.key: col[f.key][i] for f in FIELDS}
        problems = []
        for key, max_length, label in lengths:
            if len(values[key]) > max_length:
                problems.append(_l("%(field)s is longer than %(n)s characters.", field=label, n=max_length))
        if not values["name"]:
            problems.append(_l("The company name is empty."))
        elif not keys[i]:
            problems.append(_l("The company name has no letters or digits."))
        country = countries[values["country"]]
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
        email = emails[i]
        if values["contact_email"] and not EMAIL_RE.match(email):
            problems.append(_l("“%(value)s” is not an e-mail address.", value=values["contact_email"]))
        if values["website"] and not domains[i]:
            problems.append(_l("“%(value)s” is not a website address.", value=values["website"]))
        if (email or values["contact_phone"] or values["contact_messaging"]) and not values["contact_name"]:
            values["contact_name"] = values["contact_email"] or values["contact_phone"] or values["contact_messaging"]

        duplicate = None
        if not problems:
            for key in (keys[i], local_keys[i]):
                if key and key in known_names:
                    duplicate = _l("Same company as the existing customer %(name)s (#%(id)s).",
                                   name=known_names[key][1], id=known_names[key][0])
                    break
                if key and key in seen_names:
                    duplicate = _l("Same company as row %(row)s of this file.", row=seen_names[key])
                    break
            if duplicate is None and domains[i]:
                if domains[i] in known_domains:
                    duplicate = _l("Same website as the existing customer %(name)s (#%(id)s).",
                                   name=known_domains[domains[i]][1], id=known_domains[domains[i]][0])
                elif domains[i] in seen_domains:
                    duplicate = _l("Same website as row %(row)s of this file.", row=seen_domains[domains[i]])
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
            result.rejected.append({"row": row, "name": values["name"], "reason": "; ".join(map(str, problems)),
                                    "values": {str(k): str(v) for k, v in frame.iloc[i].items()}})
            continue
        if duplicate is not None:
            result.flagged += 1
        for key in (keys[i], local_keys[i]):
            if key:
                seen_names.setdefault(key, row)
        if domains[i]:
            seen_domains.setdefault(domains[i], row)
        if email:
            seen_emails.setdefault(email, row)
        result.good.append({
            "row": row, "name": values["name"], "local_name": values["local_name"], "country": country,
            "name_key": keys[i], "local_name_key": local_keys[i], "domain": domains[i],
            "city": values["city"], "address": values["address"], "industry": values["industry"],
            "website": values["website"], "source": source, "grade": grade, "tags": tags_text(values["tags"]),
            "notes": values["notes"], "contact": {
                "name": values["contact_name"], "title": values["contact_title"], "email": email,
                "phone": values["contact_phone"], "messaging": values["contact_messaging"],
            } if values["contact_name"] else None,
        })
    return result


def insert(rows: list[dict], owner_id: int | None, user_id: int) -> int:
    """Insert checked rows as leads with their contacts in a few bulk statements; the caller commits.

    Bulk statements bypass the session hooks, so the audit log ("created") and the search index
    are written here for every new customer and contact.
    """
    if not rows:
        return 0
    now = utcnow()
    customers = []
    for r in rows:
        customers.append({
            "name": r["name"], "local_name": r["local_name"], "name_key": r["name_key"],
            "local_name_key": r["local_name_key"], "country": r["country"], "city": r["city"],
            "address": r["address"], "industry": r["industry"], "website": r["website"],
            "domain": r["domain"], "source": r["source"], "grade": r["grade"], "stage": "lead",
            "tags": r["tags"], "notes": r["notes"], "owner_id": owner_id, "created_by_id": user_id,
            "claimed_at": now if owner_id else None, "created_at": now, "updated_at": now, "version_id": 1,
        })
    ids = _bulk_insert(Customer.__table__, customers)
    contacts = []
    for cid, r in zip(ids, rows, strict=True):
        if r["contact"]:
            contact = r["contact"]
            contacts.append({"customer_id": cid, "name": contact["name"][:120], "title": contact["title"][:120],
                             "email": email_key(contact["email"]), "phone": contact["phone"][:60],
                             "messaging": contact["messaging"][:120], "is_primary": True, "notes": "",
                             "created_at": now})
    contact_ids = _bulk_insert(Contact.__table__, contacts) if contacts else []
    audit = [{"at": now, "user_id": user_id, "entity": "customer", "entity_id": i, "action": "create"} for i in ids]
    audit += [{"at": now, "user_id": user_id, "entity": "contact", "entity_id": i, "action": "create"}
              for i in contact_ids]
    db.session.execute(sa.insert(AuditLog.__table__), audit)
    _index_for_search(ids, customers, contact_ids, contacts, owner_id)
    return len(ids)


def _bulk_insert(table, rows: list[dict]) -> list[int]:
    """Insert ``rows`` with executemany and return their ids in order.

    PostgreSQL returns them in batches (RETURNING with parameter order). SQLite would fall back to one
    statement per row for ordered RETURNING; there the transaction holds the database's write lock
    from the insert to the commit, so the new ids are the ``len(rows)`` highest.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(sa.insert(table), rows)
        last = db.session.scalars(sa.select(table.c.id).order_by(table.c.id.desc()).limit(len(rows))).all()
        return list(reversed(last))
    return list(db.session.execute(sa.insert(table).returning(table.c.id, sort_by_parameter_order=True),
                                   rows).scalars())


def _index_for_search(ids, customers, contact_ids, contacts, owner_id) -> None:
    """Add the new records to the global search in one statement (the per-record hook is too slow for 10k)."""
    try:
        from app.home.models import SearchEntry
        from app.home.search import contact_text, indexers, searchable
    except ImportError:
        return
    found = {i.kind: i for i in indexers()}
    names = dict(zip(ids, (c["name"] for c in customers), strict=True))
    entries = []
    if "customer" in found:
        for cid, values in zip(ids, customers, strict=True):
            entries.append(dict(found["customer"].entry(SimpleNamespace(id=cid, **values)), kind="customer",
                                ref_id=cid))
    if "contact" in found:
        # the entry app.home.search._contact writes, with the customer's owner and name known here
        for pid, v in zip(contact_ids, contacts, strict=True):
            entries.append(dict(kind="contact", ref_id=pid, title=v["name"], subtitle=names[v["customer_id"]],
                                text=contact_text(v["name"], v["email"], v["phone"], v["messaging"]),
                                owner_id=owner_id, parent_id=v["customer_id"]))
    for entry in entries:
        entry["title"] = str(entry["title"])[:300]
        entry["text"] = searchable(entry["text"])
    if entries:
        db.session.execute(sa.insert(SearchEntry.__table__), entries)


def sheet_row(ws, values, font=None) -> list:
    """Write-only cells for ``values``; text is always stored as text, so a name such as
    ``=HYPERLINK(...)`` from an imported file never becomes a formula in Excel."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        if font is not None:
            cell.font = font
        cells.append(cell)
    return cells


def rejected_workbook(imp) -> io.BytesIO:
    """The rejected rows with their original columns, the row number and the reason, to fix and re-import."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("rejected")
    headers = list(imp.headers)
    ws.append(sheet_row(ws, headers + ["Row 行号", "Reason 原因"], Font(bold=True)))
    for r in imp.rejected:
        ws.append(sheet_row(ws, [r["values"].get(h, "") for h in headers] + [r["row"], r["reason"]]))
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out
