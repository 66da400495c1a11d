"""Products to and from .xlsx: bilingual headers, rows checked one by one, rejected rows listed with reasons."""
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from app.core.money import is_currency
from app.extensions import db
from app.pricing.models import Product
from app.pricing.services import normalise_hs_code

COLUMNS = [
    ("sku", "SKU", "货号"),
    ("name_en", "Name (English)", "英文品名"),
    ("name_zh", "Name (Chinese)", "中文品名"),
    ("hs_code", "HS code", "海关编码"),
    ("category", "Category", "类别"),
    ("specification", "Specification", "规格"),
    ("unit", "Unit", "单位"),
    ("moq", "MOQ", "最小起订量"),
    ("units_per_carton", "Units per carton", "每箱数量"),
    ("carton_size", "Carton size (cm)", "外箱尺寸"),
    ("gross_weight_kg", "Gross weight (kg)", "毛重"),
    ("net_weight_kg", "Net weight (kg)", "净重"),
    ("unit_cost_amount", "Unit cost", "单位成本"),
    ("cost_currency", "Cost currency", "成本币种"),
    ("active", "Active", "在售"),
]
COST_FIELDS = {"unit_cost_amount", "cost_currency"}
DECIMALS = {"moq", "gross_weight_kg", "net_weight_kg", "unit_cost_amount"}
TEXT_LIMITS = {"sku": 60, "name_en": 200, "name_zh": 200, "category": 100, "unit": 20, "carton_size": 60,
               "specification": 5000}
_ALIASES = {alias.strip().lower(): key for key, en, zh in COLUMNS for alias in (key, en, zh, f"{en} / {zh}")}
_YES = {"1", "yes", "y", "true", "是", "在售"}
_NO = {"0", "no", "n", "false", "否", "停售"}


def export_products(products, with_cost: bool) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = "Products"
    cols = [c for c in COLUMNS if with_cost or c[0] not in COST_FIELDS]
    ws.append([f"{en} / {zh}" for _key, en, zh in cols])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for p in products:
        row = []
        for key, _en, _zh in cols:
            value = getattr(p, key)
            if key == "active":
                value = "yes" if value else "no"
            elif isinstance(value, Decimal):
                value = float(value) if key != "unit_cost_amount" else format(value, "f")
            row.append(value)
        ws.append(row)
    for letter, width in zip("ABCDEFGHIJKLMNO", (14, 32, 20, 13, 16, 40, 8, 8, 10, 16, 10, 10, 12, 8, 8), strict=False):
        ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, list[str]]] = field(default_factory=list)
    fatal: str | None = None
    ignored_cost: bool = False


def _decimal(value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        result = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError from None
    if not result.is_finite():
        raise ValueError
    return result


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_row(values: dict, with_cost: bool) -> tuple[dict, list[str]]:
    data, problems = {}, []
    for key, en, zh in COLUMNS:
        if key not in values or (key in COST_FIELDS and not with_cost):
            continue
        raw = values[key]
        label = f"{en} / {zh}"
        if key in DECIMALS:
            try:
                number = _decimal(raw)
            except ValueError:
                problems.append(_("%(column)s: not a number.", column=label))
                continue
            if number is not None and number <= 0:
                problems.append(_("%(column)s: must be greater than 0.", column=label))
                continue
            data[key] = number
        elif key == "units_per_carton":
            try:
                number = _decimal(raw)
            except ValueError:
                number = Decimal("-1")
            if number is not None and (number != number.to_integral_value() or number < 1):
                problems.append(_("%(column)s: must be a whole number of at least 1.", column=label))
                continue
            data[key] = int(number) if number is not None else None
        elif key == "hs_code":
            try:
                data[key] = normalise_hs_code(_text(raw))
            except ValueError as exc:
                problems.append(f"{label}: {exc.args[0]}")
        elif key == "active":
            text = _text(raw).lower()
            if text in _YES or text == "":
                data[key] = True
            elif text in _NO:
                data[key] = False
            else:
                problems.append(_("%(column)s: write yes or no.", column=label))
        elif key == "cost_currency":
            code = _text(raw).upper() or "CNY"
            if not is_currency(code):
                problems.append(_("%(column)s: not an ISO 4217 currency code.", column=label))
            data[key] = code
        else:
            text = _text(raw)
            if len(text) > TEXT_LIMITS.get(key, 200):
                problems.append(_("%(column)s: at most %(n)s characters.", column=label, n=TEXT_LIMITS.get(key, 200)))
            data[key] = text
    if not data.get("sku"):
        problems.append(_("SKU / 货号 is required."))
    if data.get("gross_weight_kg") and data.get("net_weight_kg") and data["net_weight_kg"] > data["gross_weight_kg"]:
        problems.append(_("The net weight cannot exceed the gross weight."))
    return data, problems


def import_products(content: bytes, with_cost: bool) -> ImportResult:
    """Create or update products by SKU from the first sheet; the header row names the columns."""
    result = ImportResult()
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        result.fatal = _("The file could not be read as an Excel workbook.")
        return result
    rows = wb.worksheets[0].iter_rows(values_only=True)
    header = next(rows, None)
    columns = {}
    for i, name in enumerate(header or ()):
        text = _text(name).lower()
        key = _ALIASES.get(text) or next((_ALIASES[p.strip()] for p in text.split("/") if p.strip() in _ALIASES), None)
        if key:
            columns[i] = key
    if "sku" not in columns.values():
        result.fatal = _("The first row must name the columns; a SKU / 货号 column is required.")
        return result
    result.ignored_cost = not with_cost and bool(COST_FIELDS & set(columns.values()))
    existing = {p.sku.lower(): p for p in db.session.scalars(sa.select(Product))}
    seen = set()
    for number, row in enumerate(rows, start=2):
        if row is None or all(v is None or _text(v) == "" for v in row):
            continue
        values = {key: row[i] if i < len(row) else None for i, key in columns.items()}
        data, problems = _parse_row(values, with_cost)
        sku = (data.get("sku") or "").lower()
        if sku and sku in seen:
            problems.append(_("SKU %(sku)s appears twice in the file.", sku=data["sku"]))
        product = existing.get(sku)
        if product is None and not data.get("name_en"):
            problems.append(_("Name (English) / 英文品名 is required for a new product."))
        if problems:
            result.errors.append((number, problems))
            continue
        seen.add(sku)
        if product is None:
            product = Product(sku=data["sku"], name_en=data["name_en"], unit=data.get("unit") or "pcs")
            db.session.add(product)
            existing[sku] = product
            result.created += 1
        else:
            result.updated += 1
        for key, value in data.items():
            if key == "unit" and not value:
                continue
            if key == "name_en" and not value:
                continue
            setattr(product, key, value)
    return result
