"""Build doc_templates/sales_plan.docx (run once; the result is committed):

    .venv/bin/python app/plans/build_template.py

A bilingual (English / 中文) sales plan with docxtpl tags; admins may replace it with their own layout
as long as it uses the variables registered in app/plans/documents.py.
"""
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

OUT = Path(__file__).resolve().parents[2] / "doc_templates" / "sales_plan.docx"


def _font(document) -> None:
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
    for name in ("Title", "Heading 1", "Heading 2"):
        document.styles[name].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimHei")


def _heading(document, text: str) -> None:
    document.add_heading(text, level=2)


def _props(document, rows) -> None:
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Mm(55), Mm(115)
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].paragraphs[0].add_run(value)


def _loop(document, items: str, var: str) -> None:
    document.add_paragraph(f"{{%p for {var} in {items} %}}")
    document.add_paragraph(f"{{{{ {var} }}}}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")


def build(path: Path = OUT) -> Path:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(18)
    _font(document)

    head = document.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.add_run("{{ company_name_zh }}").bold = True
    head.add_run("\n{{ company_name_en }}")
    title = document.add_heading("Sales Plan 销售计划", level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER

    _props(document, [
        ("Sales representative\n业务员", "{{ rep_name }}"),
        ("Plan type\n计划类型", "{{ kind_en }} / {{ kind_zh }}"),
        ("Period\n计划期间", "{{ period_en }} / {{ period_zh }}"),
        ("Status\n状态", "{{ status_en }} / {{ status_zh }}"),
        ("Submitted on\n提交日期", "{{ submitted_on }}"),
        ("Approved by / on\n审批人 / 审批日期", "{{ approved_by }} {{ approved_on }}"),
        ("Sales target ({{ currency }})\n销售目标（{{ currency }}）", "{{ target_amount }}"),
        ("New valid customers target\n新增有效客户目标", "{{ new_customer_target }}"),
    ])

    _heading(document, "1. Strategy 销售策略")
    document.add_paragraph("{%p for para in strategy_paragraphs %}")
    document.add_paragraph("{{ para }}")
    document.add_paragraph("{%p endfor %}")

    _heading(document, "2. Markets of focus 重点市场")
    _loop(document, "markets", "market")
    _heading(document, "3. Products of focus 重点产品")
    _loop(document, "products", "product")
    _heading(document, "4. Research reports 市场调研报告")
    _loop(document, "research_reports", "report")

    _heading(document, "5. Tasks 工作任务")
    table = document.add_table(rows=2, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["No.\n序号", "Task\n任务", "Owner\n负责人", "Due date\n截止日期",
                                                "Status / done on\n状态 / 完成日期"], strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    table.rows[1].cells[0].text = "{%tr for task in tasks %}"
    values = ["{{ task.no }}", "{{ task.title }}", "{{ task.owner }}", "{{ task.due_on }}",
              "{{ task.status }} {{ task.done_on }}"]
    row = table.add_row()
    for cell, text in zip(row.cells, values, strict=True):
        cell.text = text
    end = table.add_row()
    end.cells[0].text = "{%tr endfor %}"

    _heading(document, "6. Adjustment notes 销售策略调整记录")
    document.add_paragraph("{%p for note in adjustments %}")
    p = document.add_paragraph()
    p.add_run("{{ note.made_on }} · {{ note.author }}").bold = True
    document.add_paragraph("What changed 调整内容: {{ note.what_changed }}")
    document.add_paragraph("Why 调整原因: {{ note.reason }}")
    document.add_paragraph("{%p endfor %}")

    document.add_paragraph("{{ return_comment }}")
    foot = document.add_paragraph("Generated on 生成日期: {{ generated_on }}")
    foot.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


if __name__ == "__main__":
    print(build())
