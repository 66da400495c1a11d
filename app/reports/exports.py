"""Tables as .xlsx downloads (openpyxl; numbers stay numbers)."""
import io
import re
from datetime import date
from decimal import Decimal

from flask import send_file
from openpyxl import Workbook
from openpyxl.styles import Font

from app.core.documents import safe_filename


def xlsx_response(title: str, headers: list[str], rows: list[list], filename: str, formats: dict | None = None):
    """``formats`` maps a column index to an Excel number format (``'#,##0.00'``, ``'0.0%'``)."""
    book = Workbook()
    sheet = book.active
    sheet.title = re.sub(r"[\\/*?:\[\]]", "-", title)[:31] or "Sheet1"
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    for index, fmt in (formats or {}).items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
            cell.number_format = fmt
    for i, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(12, min(48, len(str(header)) + 6))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return send_file(out, as_attachment=True, download_name=safe_filename(filename) + ".xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _cell(value):
    if value is None:
        return None
    if isinstance(value, (int, float, Decimal, date)):
        return value
    return str(value)
