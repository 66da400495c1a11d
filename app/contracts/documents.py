"""The bilingual contract (.docx): context built in Python, rendered by app.core.documents.

A version's Word file is stored when the version is sent to the customer; from then on that file is
served byte for byte, whatever later happens to the template or the contract.
"""
from babel import Locale

from app.contracts import texts
from app.contracts.models import Contract, ContractVersion
from app.contracts.services import (
    amount_words,
    insured_amount,
    money_text,
    payment_text,
    plain_number,
    quantity_text,
)
from app.core import documents
from app.core.models import StoredFile
from app.core.uploads import KINDS, storage
from app.extensions import db

TEMPLATE = "contract.docx"
VARIABLES = {"number", "version_no", "contract_date", "seller", "buyer", "lines", "price_basis",
             "total", "total_words_en", "total_words_zh", "clauses", "amendment"}
documents.register_document(TEMPLATE, VARIABLES)

_EN = Locale.parse("en")
_ZH = Locale.parse("zh_CN")


def _yes_no(value: bool) -> tuple[str, str]:
    return ("allowed", "允许") if value else ("not allowed", "不允许")


def _clauses(v: ContractVersion) -> list[dict]:
    rule, place = v.incoterm, v.named_place
    clauses = [(("Price terms", "价格条件"),
                (f"{rule} {place}, Incoterms® 2020. Unit prices and amounts in {v.currency}.",
                 f"{rule} {place}，《2020年国际贸易术语解释通则》。单价及金额以{v.currency}计。"))]
    if v.more_or_less_percent:
        p = plain_number(v.more_or_less_percent)
        clauses.append((("Quantity allowance", "溢短装"),
                        (f"{p}% more or less in quantity and amount at the Seller's option, settled at the "
                         f"contract price.",
                         f"允许卖方溢装或短装{p}%，按合同单价结算。")))
    mode_en, mode_zh = texts.TRANSPORT.get(v.transport_mode, (v.transport_mode, v.transport_mode))
    partial, trans = _yes_no(v.partial_shipment), _yes_no(v.transshipment)
    shipment_on = v.latest_shipment_on.isoformat() if v.latest_shipment_on else ""
    route_en = (f"From {v.port_of_loading} to {v.port_of_destination}, " if v.port_of_loading and
                v.port_of_destination else f"To {place}, ")
    route_zh = (f"由{v.port_of_loading}运至{v.port_of_destination}，" if v.port_of_loading and
                v.port_of_destination else f"运至{place}，")
    clauses.append((("Time of shipment", "装运"),
                    (f"{route_en}{mode_en.lower()}, not later than {shipment_on}. Partial shipment {partial[0]}; "
                     f"transshipment {trans[0]}.",
                     f"{route_zh}{mode_zh}，最迟装运日期{shipment_on}。分批装运：{partial[1]}；转运：{trans[1]}。")))
    clauses.append((("Packing", "包装"), (v.packing_en, v.packing_zh)))
    marks = v.shipping_marks.strip()
    clauses.append((("Shipping marks", "唛头"), (marks or "At the Seller's option.", marks or "由卖方决定。")))
    clauses.append((("Terms of payment", "付款条件"), payment_text(v)))
    docs = [texts.DOCUMENTS[c] for c in v.documents_list if c in texts.DOCUMENTS]
    clauses.append((("Documents required", "单据"),
                    ("\n".join(f"({i}) {en}" for i, (en, _zh) in enumerate(docs, start=1)),
                     "\n".join(f"（{i}）{zh}" for i, (_en, zh) in enumerate(docs, start=1)))))
    insured = insured_amount(v)
    if insured is not None:
        cover_en, cover_zh = texts.INSURANCE.get(v.insurance_coverage, ("", ""))
        p = plain_number(v.insurance_percent)
        amount = money_text(insured, v.currency)
        clauses.append((("Insurance", "保险"),
                        (f"To be covered by the Seller for {p}% of the invoice value ({amount}) against "
                         f"{cover_en}, from warehouse to warehouse.",
                         f"由卖方按发票金额的{p}%（{amount}）投保{cover_zh}，责任期限为仓至仓。")))
    else:
        clauses.append((("Insurance", "保险"), ("To be covered by the Buyer.", "由买方自行投保。")))
    clauses += [
        (("Inspection and claims", "检验与索赔"), (v.inspection_en, v.inspection_zh)),
        (("Force majeure", "不可抗力"), (v.force_majeure_en, v.force_majeure_zh)),
        (("Arbitration", "仲裁"), (v.arbitration_en, v.arbitration_zh)),
        (("Governing law", "适用法律"), (v.governing_law_en, v.governing_law_zh)),
        (("Language and originals", "文字与份数"), (v.language_clause_en, v.language_clause_zh)),
    ]
    if v.remarks.strip():
        clauses.append((("Remarks", "备注"), (v.remarks, v.remarks)))
    return [{"no": i, "title_en": t[0], "title_zh": t[1], "text_en": x[0] or "", "text_zh": x[1] or ""}
            for i, (t, x) in enumerate(clauses, start=1)]


def context(contract: Contract, v: ContractVersion) -> dict:
    """Everything the template prints, already formatted, in both languages."""
    words_en, words_zh = amount_words(v)
    country = v.buyer_country or ""
    amendment = ""
    if v.version_no > 1:
        amendment = (f"Amendment No. {v.version_no - 1} (version {v.version_no}) replaces the previous version. "
                     f"Reason: {v.amendment_reason}\n第{v.version_no - 1}号修改（第{v.version_no}版），取代此前版本。"
                     f"修改原因：{v.amendment_reason}")
    return {
        "number": contract.number,
        "version_no": v.version_no,
        "contract_date": v.contract_on.isoformat(),
        "seller": {"name_en": v.seller_name_en, "name_zh": v.seller_name_zh, "address_en": v.seller_address_en,
                   "address_zh": v.seller_address_zh, "contact": v.seller_contact, "bank": v.seller_bank},
        "buyer": {"name": v.buyer_name, "address": v.buyer_address,
                  "country_en": _EN.territories.get(country, country), "country_zh": _ZH.territories.get(country,
                                                                                                          country),
                  "contact": v.buyer_contact, "email": v.buyer_email, "phone": v.buyer_phone},
        "lines": [{"no": line.position, "hs_code": line.hs_code, "description_en": line.description_en,
                   "description_zh": line.description_zh, "quantity": quantity_text(line.quantity),
                   "unit": line.unit, "unit_price": money_text(line.unit_price_amount, v.currency, price=True),
                   "amount": money_text(line.line_amount, v.currency)} for line in v.lines],
        "currency": v.currency,
        "price_basis": f"{v.incoterm} {v.named_place}",
        "total": money_text(v.total_amount, v.currency),
        "total_words_en": words_en,
        "total_words_zh": words_zh,
        "clauses": _clauses(v),
        "amendment": amendment,
    }


def render_version(contract: Contract, v: ContractVersion) -> bytes:
    return documents.render(TEMPLATE, context(contract, v)).getvalue()


def freeze_document(contract: Contract, v: ContractVersion, user) -> None:
    """Store the version's Word file as sent; it is served unchanged from then on."""
    data = render_version(contract, v)
    key = storage().save(data)
    row = StoredFile(storage_key=key, original_name=file_name(contract, v), content_type=KINDS["docx"], kind="docx",
                     size=len(data), owner_type="contract", owner_id=contract.id,
                     uploaded_by_id=user.id if user else None)
    db.session.add(row)
    db.session.flush()
    v.document_file_id = row.id


def version_document(contract: Contract, v: ContractVersion) -> bytes:
    """The stored file of a sent version, else a fresh rendering of the draft."""
    if v.document_file_id:
        stored = db.session.get(StoredFile, v.document_file_id)
        return storage().read(stored.storage_key)
    return render_version(contract, v)


def file_name(contract: Contract, v: ContractVersion) -> str:
    return documents.safe_filename(f"{contract.number}-v{v.version_no}") + ".docx"
