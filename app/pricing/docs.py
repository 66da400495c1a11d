"""The quotation (报价单) and proforma invoice (形式发票) as bilingual Word documents."""
import io

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from app.core import documents
from app.core.i18n import country_name
from app.core.money import amount_in_words_en, amount_in_words_zh, format_money
from app.core.settings import get_setting
from app.core.uploads import storage
from app.pricing import terms

VARIABLES = {
    "company_name_en", "company_name_zh", "company_address_en", "company_address_zh", "company_phone",
    "company_email", "number", "revision", "date", "valid_until", "buyer_name", "buyer_local_name",
    "buyer_address", "buyer_country", "contact_name", "contact_email", "currency", "trade_term",
    "incoterm_en", "incoterm_zh", "transport_en", "transport_zh", "payment_en", "payment_zh", "payment_note",
    "lead_time_en", "lead_time_zh", "lines", "goods_total", "show_freight", "freight_label_en",
    "freight_label_zh", "freight", "show_insurance", "insurance", "total", "words_en", "words_zh",
    "bank_name", "bank_account", "bank_swift", "bank_address", "remarks", "rep_name", "rep_email",
}
documents.register_document("quotation.docx", VARIABLES)
documents.register_document("proforma.docx", VARIABLES)

INCOTERM_ZH = {
    "EXW": "工厂交货", "FCA": "货交承运人", "CPT": "运费付至", "CIP": "运费和保险费付至", "DAP": "目的地交货",
    "DPU": "卸货地交货", "DDP": "完税后交货", "FAS": "船边交货", "FOB": "船上交货", "CFR": "成本加运费",
    "CIF": "成本、保险费加运费",
}
INCOTERM_EN = {
    "EXW": "Ex Works", "FCA": "Free Carrier", "CPT": "Carriage Paid To", "CIP": "Carriage and Insurance Paid To",
    "DAP": "Delivered at Place", "DPU": "Delivered at Place Unloaded", "DDP": "Delivered Duty Paid",
    "FAS": "Free Alongside Ship", "FOB": "Free On Board", "CFR": "Cost and Freight",
    "CIF": "Cost, Insurance and Freight",
}
PAYMENT_EN = {"tt": "T/T (telegraphic transfer)", "lc_sight": "L/C at sight", "dp": "D/P (documents against payment)",
              "da": "D/A (documents against acceptance)", "oa": "O/A (open account)"}
PAYMENT_ZH = {"tt": "电汇（T/T）", "lc_sight": "即期信用证（L/C）", "dp": "付款交单（D/P）", "da": "承兑交单（D/A）",
              "oa": "赊销（O/A）"}
TRANSPORT_EN = {"sea": "Sea", "air": "Air", "rail": "Rail", "road": "Road", "multimodal": "Multimodal"}
TRANSPORT_ZH = {"sea": "海运", "air": "空运", "rail": "铁路运输", "road": "公路运输", "multimodal": "多式联运"}


def _money(amount, currency: str) -> str:
    return format_money(amount, currency, "en_US")


def _image_bytes(product) -> bytes | None:
    stored = product.image if product is not None else None
    if stored is None or stored.kind not in ("png", "jpeg", "gif"):
        return None
    try:
        return storage().read(stored.storage_key)
    except OSError:
        return None


def context(quotation, rev) -> dict:
    """Everything the two templates print, already formatted: labels in both languages, no raw Decimals."""
    customer = quotation.customer
    contact = quotation.contact
    cur = rev.currency
    rule = rev.incoterm
    delivered = terms.is_delivered(rule)
    return {
        "company_name_en": get_setting("company_name_en"),
        "company_name_zh": get_setting("company_name_zh"),
        "company_address_en": get_setting("company_address_en"),
        "company_address_zh": get_setting("company_address_zh"),
        "company_phone": get_setting("company_phone"),
        "company_email": get_setting("company_email"),
        "number": quotation.number,
        "revision": rev.label,
        "date": rev.quoted_on.isoformat(),
        "valid_until": rev.valid_until_on.isoformat(),
        "buyer_name": customer.name,
        "buyer_local_name": customer.local_name or "",
        "buyer_address": " ".join(x for x in (customer.address, customer.city) if x),
        "buyer_country": f"{country_name(customer.country)} ({customer.country})" if customer.country else "",
        "contact_name": contact.name if contact else "",
        "contact_email": contact.email if contact else "",
        "currency": cur,
        "trade_term": f"{rule} {rev.named_place}".strip(),
        "incoterm_en": f"{rule} {INCOTERM_EN[rule]}, {rev.named_place} (Incoterms® 2020)",
        "incoterm_zh": f"{rule} {INCOTERM_ZH[rule]}，{rev.named_place}（《2020年国际贸易术语解释通则》）",
        "transport_en": TRANSPORT_EN.get(rev.transport_mode, rev.transport_mode),
        "transport_zh": TRANSPORT_ZH.get(rev.transport_mode, rev.transport_mode),
        "payment_en": PAYMENT_EN.get(rev.payment_terms, rev.payment_terms),
        "payment_zh": PAYMENT_ZH.get(rev.payment_terms, rev.payment_terms),
        "payment_note": rev.payment_terms_note or "",
        "lead_time_en": f"{rev.lead_time_days} days after order confirmation" if rev.lead_time_days is not None else "",
        "lead_time_zh": f"确认订单后{rev.lead_time_days}天" if rev.lead_time_days is not None else "",
        "lines": [{
            "no": i,
            "sku": ln.product.sku if ln.product else "",
            "hs_code": ln.product.hs_code if ln.product else "",
            "description_en": ln.description_en,
            "description_zh": ln.description_zh,
            "quantity": f"{ln.quantity.normalize():f}",
            "unit": ln.unit,
            "unit_price": _money(ln.unit_price_amount, cur),
            "amount": _money(ln.line_amount, cur),
            "product": ln.product,
        } for i, ln in enumerate(rev.lines, start=1)],
        "goods_total": _money(rev.goods_amount, cur),
        "show_freight": bool(rev.freight_amount),
        "freight_label_en": "Delivered costs" if delivered else "Freight",
        "freight_label_zh": "目的地交货费用" if delivered else "运费",
        "freight": _money(rev.freight_amount, cur),
        "show_insurance": bool(rev.insurance_amount),
        "insurance": _money(rev.insurance_amount, cur),
        "total": _money(rev.total_amount, cur),
        "words_en": amount_in_words_en(rev.total_amount, cur),
        "words_zh": amount_in_words_zh(rev.total_amount, cur),
        "bank_name": get_setting("bank_name"),
        "bank_account": get_setting("bank_account"),
        "bank_swift": get_setting("bank_swift"),
        "bank_address": get_setting("bank_address"),
        "remarks": rev.remarks or "",
        "rep_name": quotation.owner.display_name if quotation.owner else "",
        "rep_email": quotation.owner.email if quotation.owner else "",
    }


def render(name: str, quotation, rev) -> io.BytesIO:
    """Render ``quotation.docx`` or ``proforma.docx`` (or the admin's replacement) with product images.

    Like ``app.core.documents.render`` (same template lookup and sandboxed autoescaping
    environment), but images are built per line, since each line may carry its own.
    """
    ctx = context(quotation, rev)
    if name == "proforma.docx":
        ctx["number"] = "PI-" + quotation.number.removeprefix("QT-") + f"-{rev.label}"
    tpl = DocxTemplate(documents.template_path(name))
    for line in ctx["lines"]:
        data = _image_bytes(line.pop("product"))
        line["image"] = InlineImage(tpl, io.BytesIO(data), width=Mm(22)) if data else ""
    tpl.render(ctx, jinja_env=documents.jinja_env(), autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    out.seek(0)
    return out
