"""The bilingual monthly sales report (销售分析报告) as a Word document.

``build_template`` wrote ``doc_templates/monthly_report.docx`` once (python-docx with docxtpl tags);
the file is committed and an admin may replace it. ``python -m app.reports.document`` writes it again.
"""
from pathlib import Path

from app.core.documents import TEMPLATE_DIR, register_document

TEMPLATE_NAME = "monthly_report.docx"
VARIABLES = {"company_en", "company_zh", "rep", "period", "status_en", "status_zh", "deadline", "submitted",
             "reviewed", "reviewer", "review_comment", "base_currency", "key_figures", "countries", "products",
             "customers", "analysis_paragraphs", "suggestion_paragraphs"}
register_document(TEMPLATE_NAME, VARIABLES)


def _row_loop_table(doc, headers: list[str], loop: str, cells: list[str]):
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for i, text in enumerate(headers):
        run = table.rows[0].cells[i].paragraphs[0].add_run(text)
        run.bold = True
    table.rows[1].cells[0].text = "{%tr for r in " + loop + " %}"
    for i, text in enumerate(cells):
        table.rows[2].cells[i].text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    return table


def build_template(path: Path | None = None) -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    path = path or TEMPLATE_DIR / TEMPLATE_NAME
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
    for section in doc.sections:
        section.page_height, section.page_width = Pt(841.9), Pt(595.3)

    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.add_run("{{ company_en }}\n{{ company_zh }}").bold = True
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("MONTHLY SALES ANALYSIS REPORT\n销售分析报告")
    run.bold = True
    run.font.size = Pt(15)

    props = doc.add_table(rows=0, cols=2)
    props.style = "Table Grid"
    for label, value in [
        ("Sales rep / 业务员", "{{ rep }}"),
        ("Period / 报告期间", "{{ period }}"),
        ("Status / 状态", "{{ status_en }} / {{ status_zh }}"),
        ("Deadline / 提交截止日", "{{ deadline }}"),
        ("Submitted / 提交时间", "{{ submitted }}"),
        ("Reviewed / 审阅", "{{ reviewed }} {{ reviewer }}"),
        ("Amounts in / 金额币种", "{{ base_currency }}"),
    ]:
        cells = props.add_row().cells
        cells[0].text, cells[1].text = label, value

    doc.add_heading("1. Key figures / 关键数据", level=2)
    _row_loop_table(doc, ["Figure / 指标", "Value / 数值"], "key_figures",
                    ["{{ r.label_en }} / {{ r.label_zh }}", "{{ r.value }}"])
    doc.add_heading("2. Sales by country/region / 按国家（地区）", level=2)
    _row_loop_table(doc, ["Country/region / 国家（地区）", "Amount / 金额", "Share / 占比"], "countries",
                    ["{{ r.name }}", "{{ r.amount }}", "{{ r.share }}"])
    doc.add_heading("3. Sales by product / 按产品", level=2)
    _row_loop_table(doc, ["Product / 产品", "Amount / 金额", "Share / 占比"], "products",
                    ["{{ r.name }}", "{{ r.amount }}", "{{ r.share }}"])
    doc.add_heading("4. Top customers / 主要客户", level=2)
    _row_loop_table(doc, ["Customer / 客户", "Country/region / 国家（地区）", "Amount / 金额"], "customers",
                    ["{{ r.name }}", "{{ r.country }}", "{{ r.amount }}"])

    doc.add_heading("5. Analysis / 销售分析", level=2)
    doc.add_paragraph("{%p for line in analysis_paragraphs %}")
    doc.add_paragraph("{{ line }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_heading("6. Improvement suggestions / 优化建议", level=2)
    doc.add_paragraph("{%p for line in suggestion_paragraphs %}")
    doc.add_paragraph("{{ line }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_heading("7. Manager's review / 经理审阅意见", level=2)
    doc.add_paragraph("{{ review_comment }}")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


if __name__ == "__main__":
    print(build_template())
