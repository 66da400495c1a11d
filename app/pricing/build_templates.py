"""Build doc_templates/quotation.docx and proforma.docx (run once; the .docx files are committed).

    .venv/bin/python -m app.pricing.build_templates

Admins may replace either template from Administration → Document templates; a replacement must
use every variable in ``app.pricing.docs.VARIABLES``.
"""
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

OUT = Path(__file__).resolve().parent.parent.parent / "doc_templates"


def _doc() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(15))
    section.top_margin = section.bottom_margin = Mm(12)
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(9)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
    style.paragraph_format.space_after = Pt(2)
    return doc


def _p(doc_or_cell, text: str = "", bold: bool = False, size: float | None = None, center: bool = False):
    p = doc_or_cell.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def _cell(cell, *lines: str, bold: bool = False, right: bool = False) -> None:
    cell.paragraphs[0].text = ""
    for i, text in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        run = p.add_run(text)
        run.bold = bold
        if right:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def build(name: str, title_en: str, title_zh: str, proforma: bool) -> None:
    doc = _doc()
    _p(doc, "{{ company_name_en }}", bold=True, size=14, center=True)
    _p(doc, "{{ company_name_zh }}", bold=True, size=13, center=True)
    _p(doc, "{{ company_address_en }}", center=True)
    _p(doc, "{{ company_address_zh }}", center=True)
    _p(doc, "Tel 电话: {{ company_phone }}    E-mail 邮箱: {{ company_email }}", center=True)
    _p(doc, f"{title_en}  {title_zh}", bold=True, size=16, center=True)

    info = doc.add_table(rows=0, cols=4)
    info.style = "Table Grid"
    rows = [
        (("No. 编号",), ("{{ number }}", "Revision 版本: {{ revision }}"),
         ("Date 日期",), ("{{ date }}",)),
        (("Buyer 买方",), ("{{ buyer_name }}", "{{ buyer_local_name }}", "{{ buyer_address }}", "{{ buyer_country }}"),
         ("Valid until 有效期至",), ("{{ valid_until }}",)),
        (("Attn. 联系人",), ("{{ contact_name }}", "{{ contact_email }}"),
         ("Currency 币种",), ("{{ currency }}",)),
        (("Trade term 贸易术语",), ("{{ incoterm_en }}", "{{ incoterm_zh }}"),
         ("Transport 运输方式",), ("{{ transport_en }} / {{ transport_zh }}",)),
    ]
    for row in rows:
        cells = info.add_row().cells
        for i, texts in enumerate(row):
            _cell(cells[i], *texts, bold=i in (0, 2))
    _p(doc)

    heads = [("No.", "序号"), ("Image", "图片"), ("Item / Description", "货号 / 品名及规格"), ("HS code", "海关编码"),
             ("Quantity", "数量"), ("Unit price", "单价"), ("Amount", "金额")]
    table = doc.add_table(rows=1, cols=7)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, (en, zh) in zip(table.rows[0].cells, heads, strict=True):
        _cell(cell, en, zh, bold=True)
    _cell(table.rows[0].cells[5], "Unit price 单价", "{{ currency }} {{ trade_term }}", bold=True)
    table.add_row().cells[0].paragraphs[0].add_run("{%tr for l in lines %}")
    data = table.add_row().cells
    _cell(data[0], "{{ l.no }}")
    _cell(data[1], "{{ l.image }}")
    _cell(data[2], "{{ l.sku }}", "{{ l.description_en }}", "{{ l.description_zh }}")
    _cell(data[3], "{{ l.hs_code }}")
    _cell(data[4], "{{ l.quantity }} {{ l.unit }}", right=True)
    _cell(data[5], "{{ l.unit_price }}", right=True)
    _cell(data[6], "{{ l.amount }}", right=True)
    table.add_row().cells[0].paragraphs[0].add_run("{%tr endfor %}")

    def total_row(label_en, label_zh, value, condition=None):
        if condition:
            table.add_row().cells[0].paragraphs[0].add_run("{%tr if " + condition + " %}")
        cells = table.add_row().cells
        merged = cells[0].merge(cells[5])
        _cell(merged, f"{label_en} {label_zh}", bold=True, right=True)
        _cell(cells[6], value, bold=True, right=True)
        if condition:
            table.add_row().cells[0].paragraphs[0].add_run("{%tr endif %}")

    total_row("Goods total", "货值合计", "{{ goods_total }}")
    total_row("{{ freight_label_en }}", "{{ freight_label_zh }}", "{{ freight }}", "show_freight")
    total_row("Insurance", "保险费", "{{ insurance }}", "show_insurance")
    total_row("TOTAL {{ trade_term }}", "总计", "{{ total }}")
    _p(doc)
    _p(doc, "Total amount in words 大写金额:", bold=True)
    _p(doc, "{{ words_en }}")
    _p(doc, "{{ words_zh }}")
    _p(doc)
    _p(doc, "Terms 条款", bold=True, size=10)
    terms = doc.add_table(rows=0, cols=2)
    terms.style = "Table Grid"
    for label, texts in [
        ("Payment 付款方式", ("{{ payment_en }} / {{ payment_zh }}", "{{ payment_note }}")),
        ("Lead time 交货期", ("{{ lead_time_en }}", "{{ lead_time_zh }}")),
        ("Validity 报价有效期" if not proforma else "Valid until 有效期至", ("{{ valid_until }}",)),
        ("Remarks 备注", ("{{ remarks }}",)),
    ]:
        cells = terms.add_row().cells
        _cell(cells[0], label, bold=True)
        _cell(cells[1], *texts)
    _p(doc)
    _p(doc, "Bank details 银行信息", bold=True, size=10)
    bank = doc.add_table(rows=0, cols=2)
    bank.style = "Table Grid"
    for label, value in [("Beneficiary 收款人", "{{ company_name_en }} / {{ company_name_zh }}"),
                         ("Bank 开户银行", "{{ bank_name }}"), ("Account No. 账号", "{{ bank_account }}"),
                         ("SWIFT 银行代码", "{{ bank_swift }}"), ("Bank address 银行地址", "{{ bank_address }}")]:
        cells = bank.add_row().cells
        _cell(cells[0], label, bold=True)
        _cell(cells[1], value)
    _p(doc)
    if proforma:
        _p(doc, "This proforma invoice is issued for the buyer to arrange payment or open the letter of credit; "
                "goods are shipped under the sales contract.")
        _p(doc, "本形式发票供买方安排付款或开立信用证之用，货物按销售合同装运。")
        _p(doc)
        sign = doc.add_table(rows=1, cols=2)
        _cell(sign.rows[0].cells[0], "Seller 卖方:", "{{ company_name_en }}", "{{ rep_name }}  {{ rep_email }}",
              "", "Signature 签字: ____________________")
        _cell(sign.rows[0].cells[1], "Buyer's confirmation 买方确认:", "{{ buyer_name }}", "",
              "", "Signature 签字: ____________________")
    else:
        _p(doc, "Prices are subject to our final confirmation after the validity date. "
                "Thank you for your enquiry; we look forward to your order.")
        _p(doc, "报价有效期过后，价格以我方最终确认为准。感谢您的询价，期待您的订单。")
        _p(doc)
        _p(doc, "{{ company_name_en }}  {{ rep_name }}  {{ rep_email }}")
    OUT.mkdir(exist_ok=True)
    doc.save(OUT / name)


def main() -> None:
    build("quotation.docx", "QUOTATION", "报价单", proforma=False)
    build("proforma.docx", "PROFORMA INVOICE", "形式发票", proforma=True)


if __name__ == "__main__":
    main()
