"""Bilingual contract wording (中英对照): document names, insurance clauses and standard clauses.

A contract prints both languages whatever the reader's interface language, so these are pairs
(English, 中文) rather than gettext strings; ``local(pair)`` picks the reader's language on screens.
"""
from app.core.i18n import is_zh

Pair = tuple[str, str]

DOCUMENTS: dict[str, Pair] = {
    "bl": ("Full set (3/3) of clean on-board ocean Bills of Lading, made out to order, blank endorsed",
           "全套（3/3）清洁已装船海运提单，凭指示抬头，空白背书"),
    "awb": ("Air waybill consigned to the Buyer", "以买方为收货人的航空运单"),
    "cmr": ("Rail / road consignment note", "铁路/公路运单"),
    "invoice": ("Signed commercial invoice in 3 originals", "签署的商业发票正本一式三份"),
    "packing_list": ("Packing list in 3 originals", "装箱单正本一式三份"),
    "coo": ("Certificate of origin", "一般原产地证书"),
    "form_e": ("Certificate of origin Form E (China–ASEAN FTA)", "中国—东盟自由贸易区原产地证书（FORM E）"),
    "insurance": ("Insurance policy / certificate, blank endorsed", "保险单/保险凭证，空白背书"),
    "inspection": ("Inspection certificate of quality and quantity", "品质及数量检验证书"),
    "fumigation": ("Fumigation certificate for wooden packing", "木质包装熏蒸证书"),
}
TRANSPORT_DOCUMENTS = {"bl": {"sea", "multimodal"}, "awb": {"air"}, "cmr": {"rail", "road", "multimodal"}}

TRANSPORT: dict[str, Pair] = {
    "sea": ("By sea", "海运"),
    "air": ("By air", "空运"),
    "rail": ("By rail", "铁路运输"),
    "road": ("By road", "公路运输"),
    "multimodal": ("Multimodal transport", "多式联运"),
}

INSURANCE: dict[str, Pair] = {
    "ICC_A": ("Institute Cargo Clauses (A) (all risks)", "伦敦协会货物条款（A）（一切险）"),
    "ICC_B": ("Institute Cargo Clauses (B)", "伦敦协会货物条款（B）"),
    "ICC_C": ("Institute Cargo Clauses (C)", "伦敦协会货物条款（C）"),
}

DISPUTED_CLAUSES: dict[str, Pair] = {
    "price": ("Price", "价格"),
    "quantity": ("Quantity / specification", "数量/规格"),
    "payment": ("Payment terms", "付款条件"),
    "shipment": ("Shipment", "装运"),
    "packing": ("Packing and marks", "包装及唛头"),
    "insurance": ("Insurance", "保险"),
    "inspection": ("Inspection and claims", "检验与索赔"),
    "dispute": ("Arbitration / governing law", "仲裁/适用法律"),
    "other": ("Other clause", "其他条款"),
}

DEFAULT_CLAUSES: dict[str, Pair] = {
    "packing": (
        "Export standard cartons, suitable for long-distance ocean transport and well protected against "
        "dampness, moisture, shock and rust.",
        "出口标准纸箱包装，适合长途海运，并具有防潮、防湿、防震、防锈能力。",
    ),
    "inspection": (
        "The certificate of quality and quantity issued by the manufacturer or by the China Customs "
        "inspection authority shall be part of the documents presented for payment. The Buyer may "
        "re-inspect the goods within 30 days after their arrival at the destination; claims shall be "
        "supported by a survey report of an inspection body approved by the Seller.",
        "由制造商或中国海关检验机构出具的品质和数量证书作为议付单据的一部分。买方有权在货物到达目的地后30天内"
        "复验；索赔须附卖方认可的检验机构出具的检验报告。",
    ),
    "force_majeure": (
        "The Seller shall not be held responsible for late delivery or non-delivery of the goods owing to "
        "generally recognised force majeure causes. The Seller shall notify the Buyer in writing within "
        "14 days and furnish a certificate issued by the China Council for the Promotion of International "
        "Trade (CCPIT) as evidence.",
        "因公认的不可抗力原因致使卖方延迟交货或不能交货的，卖方不负责任。卖方应在14天内书面通知买方，"
        "并提供中国国际贸易促进委员会出具的证明文件。",
    ),
    "arbitration": (
        "All disputes arising from or in connection with this Contract shall be settled amicably through "
        "negotiation. If no settlement can be reached, the dispute shall be submitted to the China "
        "International Economic and Trade Arbitration Commission (CIETAC) for arbitration in accordance "
        "with its rules in effect at the time of applying for arbitration. The arbitral award is final "
        "and binding upon both parties.",
        "凡因本合同引起的或与本合同有关的任何争议，双方应友好协商解决；协商不成的，应提交中国国际经济贸易仲裁"
        "委员会，按照申请仲裁时该会现行有效的仲裁规则进行仲裁。仲裁裁决是终局的，对双方均有约束力。",
    ),
    "governing_law": (
        "This Contract shall be governed by the laws of the People's Republic of China and the United "
        "Nations Convention on Contracts for the International Sale of Goods (CISG).",
        "本合同适用中华人民共和国法律及《联合国国际货物销售合同公约》。",
    ),
    "language_clause": (
        "This Contract is made out in English and Chinese, both texts being equally authentic; in case of "
        "any discrepancy the English text shall prevail. It is signed in two originals, one for each party.",
        "本合同以中英文两种文字书就，两种文本具有同等效力；如有不一致，以英文文本为准。本合同一式两份，"
        "双方各执一份。",
    ),
}


def local(pair: Pair | None) -> str:
    """The reader's half of a bilingual pair."""
    if not pair:
        return ""
    return pair[1] if is_zh() else pair[0]
