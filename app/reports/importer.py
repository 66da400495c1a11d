"""Import of historical sales from .xlsx or .csv (UTF-8, UTF-8 with BOM, GBK): mapping, preview, result."""
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

import pandas as pd
import sqlalchemy as sa
from babel import Locale
from flask_babel import lazy_gettext as _l

from app.auth.models import User, UserRole
from app.core.calendar import company_today
from app.core.money import is_currency
from app.core.rates import MissingRate
from app.core.uploads import storage
from app.customers.models import Customer
from app.extensions import db
from app.pricing.models import Product
from app.reports.models import SalesImport, SalesRecord
from app.reports.services import RateBook, refresh_monthly, row_key

FIELDS = {
    "sold_on": _l("Date of sale"),
    "customer": _l("Customer"),
    "country": _l("Country/region"),
    "product": _l("Product"),
    "quantity": _l("Quantity"),
    "amount": _l("Amount"),
    "currency": _l("Currency"),
    "owner": _l("Sales rep"),
}
REQUIRED = ("sold_on", "customer", "amount")
SYNONYMS = {
    "sold_on": {"date", "sale date", "sold on", "invoice date", "日期", "销售日期", "成交日期", "开票日期"},
    "customer": {"customer", "client", "buyer", "customer name", "客户", "客户名称", "买方"},
    "country": {"country", "country/region", "region", "国家", "国家/地区", "地区"},
    "product": {"product", "item", "product name", "sku", "产品", "产品名称", "品名", "货号"},
    "quantity": {"quantity", "qty", "数量"},
    "amount": {"amount", "value", "total", "sales", "金额", "销售额", "总金额"},
    "currency": {"currency", "cur", "ccy", "币种", "货币"},
    "owner": {"rep", "sales rep", "salesperson", "owner", "业务员", "销售员", "负责人"},
}
PREVIEW_ROWS = 20
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S",
                 "%Y年%m月%d日")


class ImportFileError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def read_table(data: bytes, kind: str) -> tuple[pd.DataFrame, str]:
    """The file as a frame of text cells (xlsx dates stay dates) and the encoding that was used."""
    if kind == "xlsx":
        try:
            frame = pd.read_excel(io.BytesIO(data), dtype=object, engine="openpyxl")
        except Exception as exc:  # a broken workbook: tell the user, not a 500
            raise ImportFileError(_l("The workbook could not be read: %(error)s", error=str(exc)[:200])) from exc
        encoding = "xlsx"
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFileError(_l("The file is neither UTF-8 nor GBK text."))
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
            sep = dialect.delimiter
        except csv.Error:
            sep = ","
        try:
            frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skipinitialspace=True)
        except Exception as exc:
            raise ImportFileError(_l("The CSV file could not be read: %(error)s", error=str(exc)[:200])) from exc
        encoding = "GBK" if encoding == "gb18030" else "UTF-8"
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.dropna(how="all")
    if frame.empty or not len(frame.columns):
        raise ImportFileError(_l("The file has no data rows under its header row."))
    return frame, encoding


def guess_mapping(columns: list[str]) -> dict[str, str]:
    mapping = {}
    for name in columns:
        key = re.sub(r"\s+", " ", name.strip().lower())
        for target, words in SYNONYMS.items():
            if key in words and target not in mapping:
                mapping[target] = name
    return mapping


def load_frame(batch: SalesImport) -> pd.DataFrame:
    frame, _encoding = read_table(storage().read(batch.file.storage_key), batch.file.kind)
    return frame


@dataclass
class RowResult:
    line: int
    values: dict
    record: dict | None = None
    errors: list[str] = field(default_factory=list)


def _text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    return str(value).strip()


def parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not pd.isna(value):
        if 20000 < value < 80000:
            return date(1899, 12, 30) + timedelta(days=int(value))
        return None
    text = _text(value)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_number(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return None if pd.isna(value) else Decimal(repr(value))
    text = _text(value).replace(",", "").replace("，", "").replace(" ", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _country_names() -> dict[str, str]:
    names = {}
    for loc in ("en", "zh_Hans_CN"):
        for code, name in Locale.parse(loc).territories.items():
            if len(code) == 2 and code.isalpha():
                names[name.lower()] = code
    return names


class RowChecker:
    """Checks rows against the mapping with a constant number of queries for the whole file."""

    def __init__(self, batch: SalesImport, frame: pd.DataFrame, user: User):
        self.batch = batch
        self.mapping = batch.mapping or {}
        self.user = user
        self.rates = RateBook()
        self.countries = _country_names()
        self.codes = set(self.countries.values())
        self.today = company_today()
        col = self.mapping.get("customer")
        names = {_text(v).lower() for v in frame[col]} if col in frame.columns else set()
        names.discard("")
        self.customers: dict[str, tuple[int, str]] = {}
        for chunk in _chunks(sorted(names), 500):
            for cid, name, local, country in db.session.execute(
                    sa.select(Customer.id, Customer.name, Customer.local_name, Customer.country)
                    .where(sa.or_(sa.func.lower(Customer.name).in_(chunk), sa.func.lower(Customer.local_name).in_(chunk)))):
                for key in (name.lower(), (local or "").lower()):
                    if key in names:
                        self.customers.setdefault(key, (cid, country))
        self.products: dict[str, tuple[int, str]] = {}
        for pid, sku, name_en, name_zh in db.session.execute(
                sa.select(Product.id, Product.sku, Product.name_en, Product.name_zh)):
            label = name_zh if not name_en else name_en
            for key in (sku, name_en, name_zh):
                if key:
                    self.products.setdefault(key.strip().lower(), (pid, label))
        reps = db.session.execute(
            sa.select(User.id, User.username, User.full_name).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == "rep", User.active)).all()
        self.reps: dict[str, int] = {}
        for uid, username, full_name in reps:
            self.reps[username.lower()] = uid
            if full_name:
                self.reps[full_name.strip().lower()] = uid
                for part in full_name.split():
                    self.reps.setdefault(part.strip().lower(), uid)
        self.seen_keys: set[str] = set()

    def existing_keys(self, keys: set[str]) -> set[str]:
        found = set()
        for chunk in _chunks(sorted(keys), 500):
            found.update(db.session.scalars(sa.select(SalesRecord.row_key).where(SalesRecord.row_key.in_(chunk))))
        return found

    def check(self, line: int, row: dict) -> RowResult:
        m = self.mapping
        values = {f: (row.get(m[f]) if m.get(f) else None) for f in FIELDS}
        result = RowResult(line=line, values={f: _text(v) if not isinstance(v, (date, datetime)) else v.isoformat()[:10]
                                              for f, v in values.items()})
        errors = result.errors
        sold_on = parse_date(values["sold_on"])
        if sold_on is None:
            errors.append(str(_l("Date missing or not understood (use YYYY-MM-DD).")))
        elif sold_on > self.today:
            errors.append(str(_l("The date is in the future.")))
        customer_name = _text(values["customer"])[:200]
        if not customer_name:
            errors.append(str(_l("Customer missing.")))
        customer_id, customer_country = self.customers.get(customer_name.lower(), (None, ""))
        country_text = _text(values["country"])
        country = ""
        if country_text:
            country = country_text.upper() if len(country_text) == 2 and country_text.isascii() \
                else self.countries.get(country_text.lower(), "")
            if country not in self.codes:
                errors.append(str(_l("Unknown country/region: %(value)s", value=country_text)))
                country = ""
        else:
            country = customer_country or ""
        product_text = _text(values["product"])[:200]
        product_id, product_label = self.products.get(product_text.lower(), (None, product_text))
        quantity = None
        if _text(values["quantity"]):
            quantity = parse_number(values["quantity"])
            if quantity is None or quantity < 0:
                errors.append(str(_l("Quantity is not a number of 0 or more.")))
                quantity = None
        amount = parse_number(values["amount"])
        if amount is None:
            errors.append(str(_l("Amount missing or not a number.")))
        elif amount <= 0:
            errors.append(str(_l("Amount must be greater than 0.")))
        currency = (_text(values["currency"]) or m.get("default_currency") or "").upper()
        if not currency:
            errors.append(str(_l("Currency missing.")))
        elif not is_currency(currency):
            errors.append(str(_l("Unknown currency code: %(value)s", value=currency)))
        owner_id = self.batch.default_owner_id
        owner_text = _text(values["owner"])
        if owner_text:
            owner_id = self.reps.get(owner_text.lower())
            if owner_id is None:
                errors.append(str(_l("Unknown sales rep: %(value)s", value=owner_text)))
        if owner_id is not None and not self.user.is_manager and owner_id != self.user.id:
            errors.append(str(_l("You can import only your own sales.")))
        rate = base = None
        if sold_on and currency and amount is not None and not errors:
            try:
                rate = self.rates.rate(currency, sold_on)
                base = self.rates.to_base(amount, currency, sold_on)
            except MissingRate as exc:
                errors.append(exc.message())
        if not errors:
            key = row_key(sold_on, customer_name, product_label, quantity, amount, currency, owner_id)
            if key in self.seen_keys:
                errors.append(str(_l("Same sale as an earlier row of this file.")))
            self.seen_keys.add(key)
            result.record = dict(sold_on=sold_on, customer_id=customer_id, customer_name=customer_name,
                                 country=country, product_id=product_id, product_name=product_label,
                                 quantity=quantity, amount=amount, currency=currency, exchange_rate=rate,
                                 base_amount=base, owner_id=owner_id, source="import", row_key=key)
        if errors:
            result.record = None
        return result


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def check_rows(batch: SalesImport, user: User, limit: int | None = None) -> list[RowResult]:
    frame = load_frame(batch)
    checker = RowChecker(batch, frame, user)
    rows = frame.head(limit) if limit else frame
    results = [checker.check(i + 2, rec) for i, rec in enumerate(rows.to_dict("records"))]
    keys = {r.record["row_key"] for r in results if r.record}
    already = checker.existing_keys(keys)
    for r in results:
        if r.record and r.record["row_key"] in already:
            r.errors.append(str(_l("Already imported earlier.")))
            r.record = None
    return results


def run_import(batch: SalesImport, user: User) -> SalesImport:
    """Add every valid row, keep every refused row with its reason, and refresh the monthly summary."""
    from app.core.models import utcnow

    results = check_rows(batch, user)
    records = [SalesRecord(import_id=batch.id, **r.record) for r in results if r.record]
    db.session.add_all(records)
    db.session.flush()
    refresh_monthly({r.sold_on for r in records})
    batch.rows_total = len(results)
    batch.rows_imported = len(records)
    batch.rejected = [{"line": r.line, "values": r.values, "reasons": r.errors} for r in results if r.errors]
    batch.status = "done"
    batch.imported_at = utcnow()
    return batch
