"""Build doc_templates/meeting_minutes.docx (run once; the result is committed and admins may replace it).

    .venv/bin/python -m app.coordination.build_minutes_template
"""
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

OUT = Path(__file__).resolve().parents[2] / "doc_templates" / "meeting_minutes.docx"

HEADER_ROWS = [
    ("Meeting / 会议", "{{ title }}"),
    ("Date and time / 时间", "{{ starts }}"),
    ("Duration / 时长", "{{ duration }}"),
    ("Location / 地点", "{{ location }}"),
    ("Organiser / 组织人", "{{ organiser }}"),
    ("Departments / 参会部门", "{{ departments }}"),
    ("Internal attendees / 内部参会人员", "{{ attendees }}"),
    ("External attendees / 外部参会人员", "{{ external }}"),
    ("Previous meeting / 上次会议", "{{ previous }}"),
]
ITEM_COLUMNS = [
    ("No.\n序号", "{{ item.no }}", 1.2),
    ("Action\n行动事项", "{{ item.title }}{{ item.carried }}", 6.0),
    ("Owner\n负责人", "{{ item.owner }}", 2.6),
    ("Department\n部门", "{{ item.department }}", 2.6),
    ("Due\n截止日期", "{{ item.due }}", 2.2),
    ("Status\n状态", "{{ item.status }}", 2.0),
    ("Done on\n完成日期", "{{ item.done }}", 2.2),
]


def _fonts(document) -> None:
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
    for name in ("Title", "Heading 1", "Heading 2"):
        rpr = document.styles[name].element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "SimHei")


def _cell(cell, text: str, bold: bool = False) -> None:
    cell.text = ""
    run = cell.paragraphs[0].add_run(text)
    run.bold = bold


def build(path: Path = OUT) -> Path:
    document = Document()
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2)
        section.top_margin = section.bottom_margin = Cm(2)
    _fonts(document)

    company = document.add_paragraph()
    company.alignment = WD_ALIGN_PARAGRAPH.CENTER
    company.add_run("{{ company_zh }}").bold = True
    company.add_run("\n{{ company_en }}")
    title = document.add_heading("会议纪要  Meeting Minutes", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER

    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in HEADER_ROWS:
        cells = table.add_row().cells
        _cell(cells[0], label, bold=True)
        _cell(cells[1], value)
        cells[0].width, cells[1].width = Cm(5), Cm(12)

    for heading, variable in (("Agenda / 议程", "agenda"), ("Minutes / 会议记录", "minutes"),
                              ("Decisions / 决议", "decisions")):
        document.add_heading(heading, level=1)
        document.add_paragraph("{{ %s }}" % variable)

    document.add_heading("Action items / 行动事项", level=1)
    items = document.add_table(rows=4, cols=len(ITEM_COLUMNS))
    items.style = "Table Grid"
    for i, (label, value, width) in enumerate(ITEM_COLUMNS):
        _cell(items.rows[0].cells[i], label, bold=True)
        _cell(items.rows[2].cells[i], value)
        for row in items.rows:
            row.cells[i].width = Cm(width)
    items.rows[1].cells[0].text = "{%tr for item in items %}"
    items.rows[3].cells[0].text = "{%tr endfor %}"
    document.add_paragraph("{{ items_note }}")

    footer = document.add_paragraph()
    footer.add_run("Printed on / 打印日期: {{ printed_on }}").italic = True
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


if __name__ == "__main__":
    print(build())
