"""Builds doc_templates/compliance_review.docx (run once: ``python -m app.contracts.build_compliance_template``).

The compliance review report (合规性审核报告) in English and Chinese: bilingual labels, the contract's
facts, finance's payment-term decisions, then every review with its checklist as a table. The
{{ }} / {%tr %} / {%p %} tags are docxtpl's; admins may edit the file in Word as long as the variables stay.
"""
import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from app.contracts.build_template import _cell, _fonts, _row_tag, _widths

OUT = Path(__file__).resolve().parent.parent.parent / "doc_templates" / "compliance_review.docx"


def build(path: Path = OUT) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(1.8)
    section.top_margin = section.bottom_margin = Cm(1.5)
    _fonts(doc.styles["Normal"])

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("COMPLIANCE REVIEW REPORT\n合规性审核报告")
    run.bold = True
    run.font.size = Pt(16)

    facts = doc.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in [
        ("Contract No. 合同编号", "{{ number }}"),
        ("Buyer 买方", "{{ customer }}"),
        ("Sales rep 业务员", "{{ owner }}"),
        ("Status 状态", "{{ status_en }} / {{ status_zh }} (version 第{{ version_no }}版)"),
        ("Current version 当前版本", "{{ current_result_en }} / {{ current_result_zh }}"),
        ("First submitted for review 首次提交审核", "{{ first_submitted }}"),
        ("Signed on 签约日期", "{{ signed_on }}"),
        ("Turnaround 审批周期", "{{ turnaround_en }}\n{{ turnaround_zh }}"),
        ("Report generated 报告生成时间", "{{ generated_at }}"),
    ]:
        cells = facts.add_row().cells
        _cell(cells[0], label, bold=True)
        _cell(cells[1], value)
    _widths(facts, 6.0, 11.4)

    heading = doc.add_paragraph()
    heading.add_run("Payment terms approved by finance 财务审批付款条件").bold = True
    approvals = doc.add_table(rows=1, cols=5)
    approvals.style = "Table Grid"
    for cell, text in zip(approvals.rows[0].cells, ["Version\n版本", "Decision\n决定", "By\n审批人", "Time\n时间",
                                                    "Comment\n意见"], strict=True):
        _cell(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _row_tag(approvals, "{%tr for a in approvals %}")
    row = approvals.add_row().cells
    _cell(row[0], "v{{ a.version_no }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell(row[1], "{{ a.decision_en }}\n{{ a.decision_zh }}")
    _cell(row[2], "{{ a.by }}")
    _cell(row[3], "{{ a.at }}")
    _cell(row[4], "{{ a.comment }}")
    _row_tag(approvals, "{%tr endfor %}")
    _widths(approvals, 1.6, 3.6, 3.0, 3.4, 5.8)

    doc.add_paragraph("{%p if not reviews %}")
    doc.add_paragraph("No compliance review yet. 尚无合规性审核记录。")
    doc.add_paragraph("{%p endif %}")

    doc.add_paragraph("{%p for r in reviews %}")
    head = doc.add_paragraph()
    head.add_run("Review {{ r.no }} 第{{ r.no }}次审核 · version 第{{ r.version_no }}版 · "
                 "{{ r.reviewer }} · {{ r.reviewed_at }}").bold = True
    result = doc.add_paragraph()
    result.add_run("Result 结论: ").bold = True
    result.add_run("{{ r.result_en }} / {{ r.result_zh }}{{ r.first }}")
    checklist = doc.add_table(rows=1, cols=3)
    checklist.style = "Table Grid"
    for cell, text in zip(checklist.rows[0].cells, ["Checklist item\n审核项目", "Result\n结果", "Comment\n意见"],
                          strict=True):
        _cell(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _row_tag(checklist, "{%tr for i in r.checks %}")
    row = checklist.add_row().cells
    _cell(row[0], "{{ i.label_en }}\n{{ i.label_zh }}")
    _cell(row[1], "{{ i.result_en }}\n{{ i.result_zh }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell(row[2], "{{ i.comment }}")
    _row_tag(checklist, "{%tr endfor %}")
    _widths(checklist, 7.4, 2.6, 7.4)
    comments = doc.add_paragraph()
    comments.add_run("Overall comments 总体意见: ").bold = True
    comments.add_run("{{ r.comments }}")
    doc.add_paragraph("{%p endfor %}")

    doc.add_paragraph()
    sign = doc.add_table(rows=1, cols=2)
    _cell(sign.rows[0].cells[0], "Legal department 法务部:\n\n______________________")
    _cell(sign.rows[0].cells[1], "Date 日期:\n\n______________________")

    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
