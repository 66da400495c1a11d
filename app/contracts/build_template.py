"""Builds doc_templates/contract.docx (run once: ``python -m app.contracts.build_template``).

English and Chinese side by side: parties in two columns, bilingual table headings, and every clause
as a row with the English text on the left and the Chinese on the right. The {{ }} / {%tr %} tags are
docxtpl's; admins may edit the file in Word as long as the variables stay.
"""
import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

OUT = Path(__file__).resolve().parent.parent.parent / "doc_templates" / "contract.docx"


def _fonts(style, size=10):
    style.font.name = "Times New Roman"
    style.font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), "SimSun")


def _cell(cell, text, bold=False, align=None):
    cell.text = ""
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold
    if align:
        paragraph.alignment = align
    return paragraph


def _row_tag(table, tag):
    row = table.add_row()
    merged = row.cells[0].merge(row.cells[-1])
    merged.text = tag


def _widths(table, *cm):
    table.autofit = False
    for column, width in zip(table.columns, cm, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, cm, strict=False):
            cell.width = Cm(width)


def build(path: Path = OUT) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(1.8)
    section.top_margin = section.bottom_margin = Cm(1.5)
    _fonts(doc.styles["Normal"])

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("SALES CONTRACT\n销售合同")
    run.bold = True
    run.font.size = Pt(16)

    head = doc.add_table(rows=1, cols=3)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell(head.rows[0].cells[0], "Contract No. 合同编号: {{ number }}")
    _cell(head.rows[0].cells[1], "Date 日期: {{ contract_date }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell(head.rows[0].cells[2], "Version 版本: {{ version_no }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _widths(head, 7.4, 6.0, 4.6)

    doc.add_paragraph("{%p if amendment %}")
    doc.add_paragraph().add_run("{{ amendment }}").italic = True
    doc.add_paragraph("{%p endif %}")

    parties = doc.add_table(rows=2, cols=2)
    parties.style = "Table Grid"
    _cell(parties.rows[0].cells[0], "The Seller 卖方", bold=True)
    _cell(parties.rows[0].cells[1], "The Buyer 买方", bold=True)
    _cell(parties.rows[1].cells[0], "{{ seller.name_en }}\n{{ seller.name_zh }}\n{{ seller.address_en }}\n"
                                    "{{ seller.address_zh }}\nTel/E-mail 电话/邮箱: {{ seller.contact }}\n"
                                    "Bank 开户行: {{ seller.bank }}")
    _cell(parties.rows[1].cells[1], "{{ buyer.name }}\n{{ buyer.address }}\n{{ buyer.country_en }} "
                                    "{{ buyer.country_zh }}\nAttn. 联系人: {{ buyer.contact }}\n"
                                    "Tel 电话: {{ buyer.phone }}  E-mail 邮箱: {{ buyer.email }}")

    doc.add_paragraph("The Seller agrees to sell and the Buyer agrees to buy the goods below on the terms and "
                      "conditions of this Contract.\n买卖双方同意按本合同条款买卖下列商品。")

    lines = doc.add_table(rows=1, cols=7)
    lines.style = "Table Grid"
    headings = ["No.\n序号", "HS code\n海关编码", "Description of goods\n品名及规格", "Quantity\n数量", "Unit\n单位",
                "Unit price\n单价 ({{ price_basis }})", "Amount\n金额"]
    for cell, text in zip(lines.rows[0].cells, headings, strict=True):
        _cell(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _row_tag(lines, "{%tr for line in lines %}")
    row = lines.add_row().cells
    _cell(row[0], "{{ line.no }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell(row[1], "{{ line.hs_code }}")
    _cell(row[2], "{{ line.description_en }}\n{{ line.description_zh }}")
    _cell(row[3], "{{ line.quantity }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _cell(row[4], "{{ line.unit }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell(row[5], "{{ line.unit_price }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _cell(row[6], "{{ line.amount }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _row_tag(lines, "{%tr endfor %}")
    total = lines.add_row().cells
    label = total[0].merge(total[5])
    _cell(label, "Total 合计 ({{ price_basis }})", bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _cell(total[6], "{{ total }}", bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)

    _widths(lines, 1.1, 2.3, 6.0, 2.0, 1.3, 2.6, 2.7)

    words = doc.add_paragraph()
    words.add_run("Total amount in words: ").bold = True
    words.add_run("{{ total_words_en }}\n")
    words.add_run("总金额大写：").bold = True
    words.add_run("{{ total_words_zh }}")

    clauses = doc.add_table(rows=1, cols=2)
    clauses.style = "Table Grid"
    _cell(clauses.rows[0].cells[0], "Terms and conditions", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell(clauses.rows[0].cells[1], "合同条款", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _row_tag(clauses, "{%tr for c in clauses %}")
    row = clauses.add_row().cells
    p = _cell(row[0], "{{ c.no }}. {{ c.title_en }}", bold=True)
    p.add_run("\n{{ c.text_en }}")
    p = _cell(row[1], "{{ c.no }}. {{ c.title_zh }}", bold=True)
    p.add_run("\n{{ c.text_zh }}")
    _row_tag(clauses, "{%tr endfor %}")
    _widths(clauses, 9.0, 9.0)

    doc.add_paragraph()
    sign = doc.add_table(rows=3, cols=2)
    _cell(sign.rows[0].cells[0], "THE SELLER 卖方", bold=True)
    _cell(sign.rows[0].cells[1], "THE BUYER 买方", bold=True)
    _cell(sign.rows[1].cells[0], "{{ seller.name_en }}\n{{ seller.name_zh }}")
    _cell(sign.rows[1].cells[1], "{{ buyer.name }}")
    _cell(sign.rows[2].cells[0], "\n\nAuthorised signature and stamp 授权签字及盖章:\n\n______________________")
    _cell(sign.rows[2].cells[1], "\n\nAuthorised signature and stamp 授权签字及盖章:\n\n______________________")

    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
