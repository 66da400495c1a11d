"""Contract rules: term validation, totals, who may do what, the workflow, reviews, amendments, turnaround."""
import hashlib
import json
import re
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.models import User, UserRole
from app.contracts import texts
from app.contracts.models import (
    CHECKLIST,
    ComplianceReview,
    Contract,
    ContractEvent,
    ContractLine,
    ContractVersion,
    PaymentTermsApproval,
)
from app.core.calendar import company_today, to_company_date, working_days_between
from app.core.models import utcnow
from app.core.money import amount_in_words_en, amount_in_words_zh, is_currency, quantize
from app.core.notify import N_, notify
from app.core.numbering import next_number
from app.core.settings import get_setting
from app.extensions import db
from app.pricing.terms import (
    INCOTERMS,
    PAYMENT_TERMS,
    TRANSPORT_MODES,
    includes_insurance,
    incoterm_fits_transport,
)

HS_CODE = re.compile(r"^\d{4}(\.?\d{2}){1,3}$")
MAX_MORE_OR_LESS = Decimal("10")
MIN_INSURANCE_PERCENT = Decimal("110")

TERM_FIELDS: dict[str, object] = {
    "contract_on": _l("Contract date"),
    "seller_name_en": _l("Seller (English)"),
    "seller_name_zh": _l("Seller (Chinese)"),
    "seller_address_en": _l("Seller address (English)"),
    "seller_address_zh": _l("Seller address (Chinese)"),
    "seller_contact": _l("Seller telephone and e-mail"),
    "seller_bank": _l("Seller bank details"),
    "buyer_name": _l("Buyer"),
    "buyer_address": _l("Buyer address"),
    "buyer_country": _l("Buyer country"),
    "buyer_contact": _l("Buyer contact person"),
    "buyer_email": _l("Buyer e-mail"),
    "buyer_phone": _l("Buyer telephone"),
    "currency": _l("Currency"),
    "incoterm": _l("Incoterms 2020 rule"),
    "named_place": _l("Named place"),
    "transport_mode": _l("Transport mode"),
    "port_of_loading": _l("Port of loading"),
    "port_of_destination": _l("Port of destination"),
    "latest_shipment_on": _l("Latest shipment date"),
    "partial_shipment": _l("Partial shipment allowed"),
    "transshipment": _l("Transshipment allowed"),
    "more_or_less_percent": _l("More or less (%)"),
    "payment_terms": _l("Payment terms"),
    "deposit_percent": _l("Deposit (%)"),
    "payment_days": _l("Days after shipment"),
    "insurance_coverage": _l("Insurance coverage"),
    "insurance_percent": _l("Insured value (percent of invoice)"),
    "packing_en": _l("Packing (English)"),
    "packing_zh": _l("Packing (Chinese)"),
    "shipping_marks": _l("Shipping marks"),
    "documents_required": _l("Documents required"),
    "inspection_en": _l("Inspection (English)"),
    "inspection_zh": _l("Inspection (Chinese)"),
    "force_majeure_en": _l("Force majeure (English)"),
    "force_majeure_zh": _l("Force majeure (Chinese)"),
    "arbitration_en": _l("Arbitration (English)"),
    "arbitration_zh": _l("Arbitration (Chinese)"),
    "governing_law_en": _l("Governing law (English)"),
    "governing_law_zh": _l("Governing law (Chinese)"),
    "language_clause_en": _l("Language clause (English)"),
    "language_clause_zh": _l("Language clause (Chinese)"),
    "remarks": _l("Remarks"),
}
LINE_FIELDS: dict[str, object] = {
    "product_id": _l("Product"),
    "hs_code": _l("HS code"),
    "description_en": _l("Description (English)"),
    "description_zh": _l("Description (Chinese)"),
    "quantity": _l("Quantity"),
    "unit": _l("Unit"),
    "unit_price_amount": _l("Unit price"),
}
CHECKLIST_FIELDS = {
    "parties": ("buyer_name", "buyer_address", "buyer_country", "buyer_contact", "seller_name_en"),
    "incoterm": ("incoterm", "named_place", "transport_mode", "port_of_loading", "port_of_destination"),
    "payment": ("payment_terms", "deposit_percent", "payment_days"),
    "prices": ("lines",),
    "hs_codes": ("lines",),
    "dispute": ("arbitration_en", "arbitration_zh", "governing_law_en"),
    "language": ("language_clause_en", "language_clause_zh"),
    "denied_party": ("buyer_name",),
}
"""Which form fields a checklist item is about: a returned contract shows legal's comments there."""


class WorkflowError(Exception):
    """A transition that the contract's state does not allow; ``message`` is shown to the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --------------------------------------------------------------------------- access

def has_role(user, *roles) -> bool:
    return user.has_role(*roles)


def can_view(contract: Contract, user) -> bool:
    """Reps their own; managers and finance all; legal every contract once submitted for review."""
    if user.has_role("manager", "finance") or contract.owner_id == user.id:
        return True
    return user.has_role("legal") and contract.first_submitted_at is not None


def is_owner_or_manager(contract: Contract, user) -> bool:
    return user.is_manager or contract.owner_id == user.id


def can_edit(contract: Contract, user) -> bool:
    """Drafts and returned versions: owner or manager; legal may also edit an amendment."""
    version = contract.current_version
    if contract.status in ("cancelled", "closed") or not version.editable:
        return False
    if is_owner_or_manager(contract, user):
        return True
    return version.version_no > 1 and user.has_role("legal")


def allowed_actions(contract: Contract, user) -> set[str]:
    """The transitions ``user`` may start on ``contract`` now (buttons shown; every route re-checks)."""
    version = contract.current_version
    actions = set()
    mine = is_owner_or_manager(contract, user)
    if can_edit(contract, user):
        actions.add("edit")
    if mine and version.status in ("draft", "returned") and contract.status not in ("cancelled", "closed"):
        actions.add("submit")
    if user.has_role("legal") and version.status == "in_review":
        actions.add("review")
    if mine and version.status == "approved":
        actions.add("send")
    if mine and version.status == "sent":
        actions.add("sign")
    if mine and version.status in ("sent", "signed") and contract.status in ("sent", "signed"):
        actions.add("amend")
    if mine and contract.status == "signed":
        actions.add("close")
    if mine and contract.signed_on is None and contract.status in ("draft", "in_review", "returned", "approved",
                                                                   "sent"):
        actions.add("cancel")
    if mine and version.version_no > 1 and version.status in ("draft", "returned"):
        actions.add("withdraw")
    if user.has_role("finance") and version.status == "in_review":
        approval = payment_approval(contract, version)
        if approval is not None and approval.status == "pending":
            actions.add("payment")
    return actions


def visible_contracts_query(user):
    """Contracts ``user`` may list (same rule as ``can_view``)."""
    query = sa.select(Contract)
    if user.has_role("manager", "finance"):
        return query
    if user.has_role("legal"):
        return query.where(sa.or_(Contract.owner_id == user.id, Contract.first_submitted_at.is_not(None)))
    return query.where(Contract.owner_id == user.id)


# --------------------------------------------------------------------------- formatting

def plain_number(value: Decimal | None) -> str:
    """30.00 → '30', 2.50 → '2.5' (no exponent)."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text


def money_text(amount: Decimal, currency: str, price: bool = False) -> str:
    """'USD 12,345.60'; unit prices keep up to four decimals (never fewer than the currency's)."""
    value = Decimal(amount)
    if price:
        base = quantize(value, currency)
        shown = base if base == value else value.quantize(Decimal("0.0001")).normalize()
        exponent = min(shown.as_tuple().exponent, base.as_tuple().exponent)
        value = value.quantize(Decimal(1).scaleb(exponent))
    else:
        value = quantize(value, currency)
    return f"{currency} {value:,f}"


def quantity_text(value: Decimal) -> str:
    return f"{Decimal(value).normalize():,f}"


def payment_text(version: ContractVersion) -> tuple[str, str]:
    """The payment clause in English and Chinese, from the kind, deposit and days."""
    kind, days = version.payment_terms, version.payment_days
    if kind == "tt":
        deposit = Decimal(version.deposit_percent or 0)
        if deposit >= 100:
            return ("100% of the contract value by T/T in advance, before shipment.",
                    "装运前以电汇（T/T）预付合同金额的100%。")
        if deposit > 0:
            d, b = plain_number(deposit), plain_number(Decimal(100) - deposit)
            return (f"{d}% deposit by T/T within 7 days after signing this Contract; the balance of {b}% by T/T "
                    f"against the copy of the shipping documents.",
                    f"签约后7天内电汇（T/T）支付{d}%定金，余款{b}%凭装运单据副本电汇支付。")
        return ("100% by T/T against the copy of the shipping documents.",
                "凭装运单据副本电汇（T/T）支付100%货款。")
    if kind == "lc_sight":
        return ("By irrevocable documentary L/C at sight issued by a first-class bank in favour of the Seller, "
                "to reach the Seller 30 days before the latest shipment date and valid for negotiation in China "
                "until the 15th day after the date of shipment, subject to UCP 600.",
                "买方应于最迟装运日前30天，通过一流银行开立以卖方为受益人的不可撤销即期跟单信用证，"
                "装运日后第15天内在中国议付有效，适用《跟单信用证统一惯例》（UCP 600）。")
    if kind == "dp":
        return ("Documents against payment (D/P) at sight through the Seller's bank, subject to URC 522.",
                "通过卖方银行即期付款交单（D/P），适用《托收统一规则》（URC 522）。")
    if kind == "da":
        return (f"Documents against acceptance (D/A), payable {days} days after the date of shipment, "
                f"subject to URC 522.",
                f"承兑交单（D/A），装运日后{days}天付款，适用《托收统一规则》（URC 522）。")
    if kind == "oa":
        return (f"Open account (O/A): payment by T/T within {days} days after the date of shipment.",
                f"赊销（O/A）：装运日后{days}天内电汇付款。")
    return ("", "")


def payment_summary(version: ContractVersion) -> str:
    """Short form for lists: 'T/T 30 %', 'O/A 60 days'."""
    label = str(PAYMENT_TERMS.get(version.payment_terms, version.payment_terms))
    if version.payment_terms == "tt" and version.deposit_percent is not None:
        return _("%(terms)s, %(deposit)s %% deposit", terms=label, deposit=plain_number(version.deposit_percent))
    if version.payment_terms in ("da", "oa") and version.payment_days:
        return _("%(terms)s, %(days)s days", terms=label, days=version.payment_days)
    return label


def terms_key(version: ContractVersion) -> str:
    return "|".join([version.payment_terms or "", plain_number(version.deposit_percent),
                     str(version.payment_days or ""), version.currency or ""])


def insured_amount(version: ContractVersion) -> Decimal | None:
    if not includes_insurance(version.incoterm) or version.insurance_percent is None:
        return None
    return quantize(Decimal(version.total_amount) * Decimal(version.insurance_percent) / 100, version.currency)


def amount_words(version: ContractVersion) -> tuple[str, str]:
    return (amount_in_words_en(version.total_amount, version.currency),
            amount_in_words_zh(version.total_amount, version.currency))


# --------------------------------------------------------------------------- validation

def normalise(data: dict) -> dict:
    """Clear values the chosen terms do not use (a deposit under L/C, insurance under FOB …)."""
    data = dict(data)
    if data.get("payment_terms") != "tt":
        data["deposit_percent"] = None
    if data.get("payment_terms") not in ("da", "oa"):
        data["payment_days"] = None
    if not includes_insurance(data.get("incoterm") or ""):
        data["insurance_coverage"] = ""
        data["insurance_percent"] = None
    for key in ("incoterm", "currency"):
        data[key] = (data.get(key) or "").strip().upper()
    for key in ("buyer_country",):
        data[key] = (data.get(key) or "").strip().upper()
    return data


def term_errors(data: dict) -> dict[str, list[str]]:
    """Field → messages for the terms of one version (already ``normalise``d). Empty when consistent."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if not data.get("contract_on"):
        add("contract_on", _("Enter the contract date."))
    if not (data.get("buyer_name") or "").strip():
        add("buyer_name", _("Enter the buyer's company name."))
    country = data.get("buyer_country") or ""
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        add("buyer_country", _("Choose the buyer's country."))
    if not is_currency(data.get("currency") or ""):
        add("currency", _("Choose an ISO 4217 currency such as USD, EUR or CNY."))

    rule, mode = data.get("incoterm") or "", data.get("transport_mode") or ""
    if rule not in INCOTERMS:
        add("incoterm", _("Choose an Incoterms 2020 rule."))
    if mode not in TRANSPORT_MODES:
        add("transport_mode", _("Choose the transport mode."))
    if rule in INCOTERMS and mode in TRANSPORT_MODES and not incoterm_fits_transport(rule, mode):
        add("incoterm", _("%(rule)s is for sea and inland waterway transport only; for %(mode)s use FCA, CPT, "
                          "CIP, DAP, DPU or DDP.", rule=rule, mode=str(TRANSPORT_MODES[mode]).lower()))
    if not (data.get("named_place") or "").strip():
        add("named_place", _("Enter the named place of the Incoterms rule (e.g. CIF Ho Chi Minh City)."))
    if rule in INCOTERMS and INCOTERMS[rule].sea_only:
        if not (data.get("port_of_loading") or "").strip():
            add("port_of_loading", _("%(rule)s needs the port of loading.", rule=rule))
        if not (data.get("port_of_destination") or "").strip():
            add("port_of_destination", _("%(rule)s needs the port of destination.", rule=rule))

    shipment = data.get("latest_shipment_on")
    if not shipment:
        add("latest_shipment_on", _("Enter the latest shipment date."))
    elif data.get("contract_on") and shipment < data["contract_on"]:
        add("latest_shipment_on", _("The latest shipment date cannot be before the contract date."))

    mol = data.get("more_or_less_percent")
    if mol is not None and not (Decimal(0) <= mol <= MAX_MORE_OR_LESS):
        add("more_or_less_percent", _("More or less is between 0 and 10 %."))

    terms = data.get("payment_terms") or ""
    if terms not in PAYMENT_TERMS:
        add("payment_terms", _("Choose the payment terms."))
    if terms == "tt":
        deposit = data.get("deposit_percent")
        if deposit is None:
            add("deposit_percent", _("T/T needs the deposit percentage (0 for none, 100 for full prepayment)."))
        elif not (Decimal(0) <= deposit <= Decimal(100)):
            add("deposit_percent", _("The deposit is between 0 and 100 %."))
    if terms in ("da", "oa"):
        days = data.get("payment_days")
        if days is None:
            add("payment_days", _("%(terms)s needs the number of days after shipment.",
                                  terms=str(PAYMENT_TERMS[terms])))
        elif not (1 <= days <= 365):
            add("payment_days", _("Enter between 1 and 365 days."))

    if includes_insurance(rule):
        coverage = data.get("insurance_coverage") or ""
        if coverage not in texts.INSURANCE:
            add("insurance_coverage", _("%(rule)s requires the seller to insure the goods: choose the coverage.",
                                        rule=rule))
        elif rule == "CIP" and coverage != "ICC_A":
            add("insurance_coverage", _("Under Incoterms 2020, CIP requires Institute Cargo Clauses (A)."))
        percent = data.get("insurance_percent")
        if percent is None:
            add("insurance_percent", _("Enter the insured value as a percentage of the invoice value; "
                                       "Incoterms 2020 requires at least 110."))
        elif not (MIN_INSURANCE_PERCENT <= percent <= Decimal(200)):
            add("insurance_percent", _("The insured value is between 110 and 200 percent of the invoice value."))

    documents = [d for d in (data.get("documents_required") or "").split(",") if d]
    unknown = [d for d in documents if d not in texts.DOCUMENTS]
    if unknown:
        add("documents_required", _("Unknown document: %(codes)s.", codes=", ".join(unknown)))
    for code, modes in texts.TRANSPORT_DOCUMENTS.items():
        if code in documents and mode in TRANSPORT_MODES and mode not in modes:
            add("documents_required", _("%(document)s does not fit transport %(mode)s.",
                                        document=texts.local(texts.DOCUMENTS[code]),
                                        mode=str(TRANSPORT_MODES[mode]).lower()))
    if includes_insurance(rule) and "insurance" not in documents:
        add("documents_required", _("Under %(rule)s the seller provides the insurance policy: add it to the "
                                    "documents required.", rule=rule))
    if terms == "lc_sight" and not documents:
        add("documents_required", _("A letter of credit pays against documents: list the documents required."))
    return errors


def line_errors(lines: list[dict]) -> tuple[list[str], dict[int, dict[str, list[str]]]]:
    """(errors about the lines as a whole, index → field → messages) for the non-blank lines."""
    overall, per_line = [], {}
    if not lines:
        overall.append(_("Add at least one line (goods, quantity and unit price)."))
    for index, line in enumerate(lines):
        errs: dict[str, list[str]] = {}
        if not (line.get("description_en") or "").strip():
            errs.setdefault("description_en", []).append(_("Describe the goods in English."))
        if not (line.get("description_zh") or "").strip():
            errs.setdefault("description_zh", []).append(_("Describe the goods in Chinese."))
        quantity = line.get("quantity")
        if quantity is None or quantity <= 0:
            errs.setdefault("quantity", []).append(_("Enter a quantity greater than 0."))
        if not (line.get("unit") or "").strip():
            errs.setdefault("unit", []).append(_("Enter the unit (pcs, sets, kg …)."))
        price = line.get("unit_price_amount")
        if price is None or price <= 0:
            errs.setdefault("unit_price_amount", []).append(_("Enter a unit price greater than 0."))
        hs = (line.get("hs_code") or "").strip()
        if hs and not HS_CODE.match(hs):
            errs.setdefault("hs_code", []).append(_("An HS code has 6 to 10 digits, e.g. 8516.10 or 8516100000."))
        if errs:
            per_line[index] = errs
    return overall, per_line


def version_data(version: ContractVersion) -> dict:
    return {key: getattr(version, key) for key in TERM_FIELDS}


def line_data(line: ContractLine) -> dict:
    return {key: getattr(line, key) for key in LINE_FIELDS}


def problems(version: ContractVersion) -> list[str]:
    """Everything that keeps a version from being submitted, as sentences."""
    out = []
    for field, messages in term_errors(normalise(version_data(version))).items():
        out += [f"{TERM_FIELDS[field]}: {m}" for m in messages]
    overall, per_line = line_errors([line_data(li) for li in version.lines])
    out += overall
    for index, errs in per_line.items():
        for field, messages in errs.items():
            out += [_("Line %(n)s", n=index + 1) + f" · {LINE_FIELDS[field]}: {m}" for m in messages]
    return out


# --------------------------------------------------------------------------- saving

def apply_terms(version: ContractVersion, data: dict, lines: list[dict]) -> None:
    """Write checked terms and lines into ``version`` and recompute the totals."""
    for key in TERM_FIELDS:
        if key in data:
            setattr(version, key, data[key])
    existing = list(version.lines)
    for position, values in enumerate(lines, start=1):
        line = existing[position - 1] if position <= len(existing) else ContractLine()
        line.position = position
        for key in LINE_FIELDS:
            setattr(line, key, values.get(key))
        line.hs_code = (line.hs_code or "").strip()
        if line not in version.lines:
            version.lines.append(line)
    for line in existing[len(lines):]:
        version.lines.remove(line)
    recompute(version)


def fill_from_products(lines: list[dict]) -> None:
    """Blank HS code, descriptions and unit of a line with a product are taken from the product."""
    from app.pricing.models import Product

    ids = {li["product_id"] for li in lines if li.get("product_id")}
    if not ids:
        return
    products = {p.id: p for p in db.session.scalars(sa.select(Product).where(Product.id.in_(ids)))}
    for line in lines:
        product = products.get(line.get("product_id"))
        if product is None:
            continue
        if not (line.get("hs_code") or "").strip():
            line["hs_code"] = product.hs_code
        if not (line.get("description_en") or "").strip():
            line["description_en"] = product.name_en + (f", {product.specification}" if product.specification else "")
        if not (line.get("description_zh") or "").strip():
            line["description_zh"] = product.name_zh
        if not (line.get("unit") or "").strip():
            line["unit"] = product.unit


def recompute(version: ContractVersion) -> None:
    total = Decimal(0)
    for line in version.lines:
        line.line_amount = quantize(Decimal(line.quantity) * Decimal(line.unit_price_amount), version.currency)
        total += line.line_amount
    version.total_amount = quantize(total, version.currency)
    contract = version.contract
    if contract is not None and contract.signed_on is None and version.version_no == contract.current_version_no:
        contract.total_amount = version.total_amount
        contract.currency = version.currency


def seller_defaults() -> dict:
    bank = "\n".join(x for x in [
        get_setting("bank_name"),
        f"A/C No.: {get_setting('bank_account')}" if get_setting("bank_account") else "",
        f"SWIFT: {get_setting('bank_swift')}" if get_setting("bank_swift") else "",
        get_setting("bank_address"),
    ] if x)
    contact = " · ".join(x for x in [get_setting("company_phone"), get_setting("company_email")] if x)
    return {
        "seller_name_en": get_setting("company_name_en"),
        "seller_name_zh": get_setting("company_name_zh"),
        "seller_address_en": get_setting("company_address_en"),
        "seller_address_zh": get_setting("company_address_zh"),
        "seller_contact": contact,
        "seller_bank": bank,
    }


def initial_terms(customer) -> dict:
    """A new contract's terms: the company as seller, the customer as buyer, the standard clauses."""
    contact = next((c for c in customer.contacts if c.is_primary), None) or (
        customer.contacts[0] if customer.contacts else None)
    address = ", ".join(x for x in [customer.address, customer.city] if x)
    data = {
        "contract_on": company_today(),
        **seller_defaults(),
        "buyer_name": customer.name,
        "buyer_address": address,
        "buyer_country": customer.country or "",
        "buyer_contact": contact.name if contact else "",
        "buyer_email": contact.email if contact else "",
        "buyer_phone": contact.phone if contact else "",
        "currency": "USD",
        "incoterm": "FOB",
        "transport_mode": "sea",
        "payment_terms": "tt",
        "deposit_percent": Decimal("30"),
        "partial_shipment": False,
        "transshipment": True,
        "more_or_less_percent": None,
        "insurance_percent": MIN_INSURANCE_PERCENT,
        "documents_required": "bl,invoice,packing_list,coo",
    }
    for key, (en, zh) in texts.DEFAULT_CLAUSES.items():
        data[f"{key}_en"], data[f"{key}_zh"] = en, zh
    return data


def terms_from_quotation(customer, quotation: dict) -> tuple[dict, list[dict]]:
    """A draft's terms and lines from ``app.pricing.services.quotation_for_contract``'s accepted revision."""
    data = initial_terms(customer)
    data["currency"] = quotation.get("currency") or data["currency"]
    if quotation.get("incoterm") in INCOTERMS:
        data["incoterm"] = quotation["incoterm"]
    data["named_place"] = quotation.get("named_place") or ""
    if quotation.get("transport_mode") in TRANSPORT_MODES:
        data["transport_mode"] = quotation["transport_mode"]
    if quotation.get("payment_terms") in PAYMENT_TERMS:
        data["payment_terms"] = quotation["payment_terms"]
    if quotation.get("lead_time_days"):
        data["latest_shipment_on"] = company_today() + timedelta(days=int(quotation["lead_time_days"]))
    transport_document = {"sea": "bl", "multimodal": "bl", "air": "awb"}.get(data["transport_mode"], "cmr")
    documents = [transport_document, "invoice", "packing_list", "coo"]
    if includes_insurance(data["incoterm"]):
        data["insurance_coverage"] = "ICC_A"
        documents.append("insurance")
    data["documents_required"] = ",".join(documents)
    if data["payment_terms"] in ("da", "oa"):
        data["payment_days"] = 60
    lines = [{"product_id": line.get("product_id"), "hs_code": line.get("hs_code") or "",
              "description_en": line.get("description_en") or "", "description_zh": line.get("description_zh") or "",
              "quantity": Decimal(line["quantity"]), "unit": line.get("unit") or "pcs",
              "unit_price_amount": Decimal(line["unit_price_amount"])} for line in quotation.get("lines") or []]
    if quotation.get("contact_id"):
        contact = next((c for c in customer.contacts if c.id == quotation["contact_id"]), None)
        if contact is not None:
            data.update(buyer_contact=contact.name, buyer_email=contact.email, buyer_phone=contact.phone)
    return normalise(data), lines


def create_contract(customer, owner_id: int, user, data: dict, lines: list[dict],
                    quotation_id: int | None = None) -> Contract:
    """A new draft (version 1) with a fresh SC number."""
    contract = Contract(number=next_number("SC", company_today().year), customer_id=customer.id,
                        owner_id=owner_id, status="draft", currency=data.get("currency") or "USD",
                        quotation_id=quotation_id, current_version_no=1)
    contact = next((c for c in customer.contacts if c.name == data.get("buyer_contact")), None)
    contract.contact_id = contact.id if contact else None
    version = ContractVersion(version_no=1, status="draft", created_by_id=user.id,
                              contract_on=data.get("contract_on") or company_today())
    contract.versions.append(version)
    apply_terms(version, data, lines)
    db.session.add(contract)
    db.session.flush()
    record(contract, "created", "", "draft", user)
    return contract


# --------------------------------------------------------------------------- workflow

def record(contract: Contract, action: str, before: str, after: str, user, note: str = "") -> None:
    contract.events.append(ContractEvent(version_no=contract.current_version_no, action=action,
                                         from_status=before, to_status=after,
                                         user_id=user.id if user else None, note=note or ""))


def sync_status(contract: Contract) -> None:
    """The contract's status from its current version (``amended`` while a signed contract changes)."""
    if contract.status in ("cancelled", "closed"):
        return
    version = contract.current_version
    if contract.signed_on is not None and version.status != "signed":
        contract.status = "amended"
    else:
        contract.status = version.status


def _users_with_role(role: str) -> list[int]:
    return list(db.session.scalars(
        sa.select(User.id).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == role, User.active)))


def _link(contract: Contract) -> str:
    from flask import url_for

    try:
        return url_for("contracts.detail", contract_id=contract.id)
    except RuntimeError:  # outside a request (CLI): the same path
        return f"/contracts/{contract.id}"


def submit(contract: Contract, user) -> None:
    version = contract.current_version
    if version.status not in ("draft", "returned") or contract.status in ("cancelled", "closed"):
        raise WorkflowError(_l("Only a draft or a returned contract can be submitted for review."))
    found = problems(version)
    if found:
        raise WorkflowError(_("Complete the contract before submitting it: %(problems)s",
                              problems="; ".join(found)))
    before = contract.status
    now = utcnow()
    version.status = "in_review"
    contract.submitted_at = now
    if contract.first_submitted_at is None:
        contract.first_submitted_at = now
    sync_status(contract)
    request_payment_approval(contract, version)
    record(contract, "submitted", before, contract.status, user)
    for legal_id in _users_with_role("legal"):
        notify(legal_id, N_("Contract %(number)s is waiting for your compliance review."), link=_link(contract),
               number=contract.number)


def payment_approval(contract: Contract, version: ContractVersion) -> PaymentTermsApproval | None:
    """Finance's latest decision on the payment terms as they stand in ``version``."""
    return db.session.scalar(
        sa.select(PaymentTermsApproval)
        .where(PaymentTermsApproval.contract_id == contract.id,
               PaymentTermsApproval.version_no == version.version_no,
               PaymentTermsApproval.terms_key == terms_key(version),
               PaymentTermsApproval.status != "superseded")
        .order_by(PaymentTermsApproval.id.desc()).limit(1))


def request_payment_approval(contract: Contract, version: ContractVersion) -> PaymentTermsApproval:
    """Ask finance to approve the payment terms, unless approved already (same terms, any earlier version)."""
    key = terms_key(version)
    db.session.execute(
        sa.update(PaymentTermsApproval)
        .where(PaymentTermsApproval.contract_id == contract.id, PaymentTermsApproval.status == "pending",
               sa.or_(PaymentTermsApproval.version_no != version.version_no, PaymentTermsApproval.terms_key != key))
        .values(status="superseded"))
    current = payment_approval(contract, version)
    if current is not None and current.status in ("pending", "approved"):
        return current
    earlier = db.session.scalar(
        sa.select(PaymentTermsApproval)
        .where(PaymentTermsApproval.contract_id == contract.id, PaymentTermsApproval.terms_key == key,
               PaymentTermsApproval.status == "approved", PaymentTermsApproval.version_no < version.version_no)
        .order_by(PaymentTermsApproval.id.desc()).limit(1))
    if earlier is not None:
        row = PaymentTermsApproval(contract_id=contract.id, version_no=version.version_no, terms_key=key,
                                   status="approved", decided_at=utcnow(), decided_by_id=earlier.decided_by_id,
                                   carried_from_version_no=earlier.version_no,
                                   comment=earlier.comment)
        db.session.add(row)
        return row
    row = PaymentTermsApproval(contract_id=contract.id, version_no=version.version_no, terms_key=key)
    db.session.add(row)
    for finance_id in _users_with_role("finance"):
        notify(finance_id, N_("The payment terms of contract %(number)s need your approval."),
               link=_link(contract), number=contract.number)
    return row


def decide_payment(contract: Contract, user, approve: bool, comment: str) -> None:
    version = contract.current_version
    approval = payment_approval(contract, version)
    if version.status != "in_review" or approval is None or approval.status != "pending":
        raise WorkflowError(_l("These payment terms are not waiting for a decision."))
    if not approve and not comment.strip():
        raise WorkflowError(_l("Say why the payment terms are rejected."))
    approval.status = "approved" if approve else "rejected"
    approval.decided_at = utcnow()
    approval.decided_by_id = user.id
    approval.comment = comment.strip()
    record(contract, "payment_approved" if approve else "payment_rejected", contract.status, contract.status, user,
           comment.strip())
    message = (N_("Finance approved the payment terms of contract %(number)s.") if approve
               else N_("Finance rejected the payment terms of contract %(number)s."))
    notify(contract.owner_id, message, link=_link(contract), number=contract.number)


def digest(version: ContractVersion) -> str:
    """A fingerprint of the version's terms and lines: what legal reviewed is what gets signed."""
    payload = {k: _canonical(v) for k, v in version_data(version).items()}
    payload["lines"] = [{k: _canonical(v) for k, v in line_data(li).items()} for li in version.lines]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _canonical(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def quotation_check(contract: Contract, version: ContractVersion) -> tuple[bool | None, str]:
    """Compare the lines with the accepted quotation, when one is linked and D6 offers the comparison."""
    if not contract.quotation_id:
        return None, _("No quotation is linked: compare the prices with what the customer accepted.")
    try:
        from app.pricing.services import quotation_for_contract
    except ImportError:
        return None, _("The linked quotation cannot be read here: compare the prices by hand.")
    try:
        quotation = quotation_for_contract(contract.quotation_id)
    except Exception:  # noqa: BLE001 - any refusal means "compare by hand"
        return None, _("The linked quotation cannot be read here: compare the prices by hand.")
    quoted = {}
    for line in _get(quotation, "lines") or []:
        key = _get(line, "product_id") or (_get(line, "description_en") or "").strip().lower()
        quoted[key] = Decimal(_get(line, "unit_price_amount"))
    if _get(quotation, "currency") and _get(quotation, "currency") != version.currency:
        return False, _("The quotation is in %(q)s, the contract in %(c)s.", q=_get(quotation, "currency"),
                        c=version.currency)
    differences = []
    for index, line in enumerate(version.lines, start=1):
        key = line.product_id or (line.description_en or "").strip().lower()
        if key not in quoted:
            differences.append(_("line %(n)s is not in the quotation", n=index))
        elif Decimal(line.unit_price_amount) != quoted[key]:
            differences.append(_("line %(n)s: %(contract)s instead of the quoted %(quoted)s", n=index,
                                 contract=plain_number(line.unit_price_amount), quoted=plain_number(quoted[key])))
    if differences:
        return False, "; ".join(differences)
    return True, _("Every unit price matches the accepted quotation.")


def _get(obj, key):
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


def auto_checks(contract: Contract, version: ContractVersion) -> dict[str, tuple[bool | None, str]]:
    """What the system can verify for each checklist item: (True/False, explanation) or (None, hint)."""
    checks: dict[str, tuple[bool | None, str]] = {}
    missing = [str(TERM_FIELDS[f]) for f in ("seller_name_en", "seller_address_en", "buyer_name", "buyer_address",
                                             "buyer_country", "buyer_contact") if not getattr(version, f)]
    if not (version.buyer_email or version.buyer_phone):
        missing.append(_("buyer e-mail or telephone"))
    checks["parties"] = (False, _("Missing: %(fields)s", fields=", ".join(missing))) if missing else (
        True, _("Seller and buyer are complete."))
    fits = incoterm_fits_transport(version.incoterm, version.transport_mode)
    checks["incoterm"] = (fits, _("%(rule)s with transport %(mode)s.", rule=version.incoterm,
                                  mode=str(TRANSPORT_MODES.get(version.transport_mode, version.transport_mode))))
    approval = payment_approval(contract, version)
    if approval is None:
        checks["payment"] = (False, _("Not yet sent to finance."))
    elif approval.status == "approved":
        who = approval.decided_by.display_name if approval.decided_by else ""
        checks["payment"] = (True, _("Approved by %(name)s.", name=who) if who else _("Approved."))
    elif approval.status == "rejected":
        checks["payment"] = (False, _("Rejected by finance: %(comment)s", comment=approval.comment))
    else:
        checks["payment"] = (False, _("Waiting for finance."))
    checks["prices"] = quotation_check(contract, version)
    without = [str(i) for i, li in enumerate(version.lines, start=1) if not (li.hs_code or "").strip()]
    checks["hs_codes"] = (False, _("No HS code on line(s) %(lines)s.", lines=", ".join(without))) if without else (
        (True, _("Every line has an HS code.")) if version.lines else (False, _("The contract has no lines.")))
    dispute = bool(version.arbitration_en.strip() and version.arbitration_zh.strip())
    checks["dispute"] = (dispute, _("Arbitration clause present in both languages.") if dispute
                         else _("The arbitration clause is missing in English or Chinese."))
    language = bool(version.language_clause_en.strip() and version.language_clause_zh.strip())
    checks["language"] = (language, _("Language clause present in both languages.") if language
                          else _("The language clause is missing in English or Chinese."))
    checks["denied_party"] = (None, _("Screen %(name)s against the denied-party and sanctions lists and confirm.",
                                      name=version.buyer_name))
    return checks


def review(contract: Contract, user, passed: bool, results: dict[str, str], item_comments: dict[str, str],
           comments: str) -> ComplianceReview:
    """Legal passes or returns the version in review; a pass needs every item to pass (checked here)."""
    version = contract.current_version
    if version.status != "in_review":
        raise WorkflowError(_l("This contract is not waiting for a compliance review."))
    checks = auto_checks(contract, version)
    if passed:
        for item in CHECKLIST:
            result = results.get(item)
            automatic, note = checks[item]
            if result == "na" and not (item == "prices" and automatic is None):
                raise WorkflowError(_("%(item)s cannot be marked not applicable.", item=CHECKLIST[item]))
            if result not in ("pass", "na"):
                raise WorkflowError(_("To pass the review every item must pass: %(item)s.", item=CHECKLIST[item]))
            if automatic is False:
                raise WorkflowError(_("%(item)s: the system check fails (%(note)s).", item=CHECKLIST[item],
                                      note=note))
    elif not comments.strip() and not any(v.strip() for v in item_comments.values()):
        raise WorkflowError(_l("Say what must change: add a comment to an item or an overall comment."))
    first = db.session.scalar(sa.select(sa.func.count(ComplianceReview.id))
                              .where(ComplianceReview.contract_id == contract.id)) == 0
    row = ComplianceReview(contract_id=contract.id, version_no=version.version_no, reviewer_id=user.id,
                           passed=passed, comments=comments.strip(), is_first_review=first,
                           results={k: results.get(k, "") for k in CHECKLIST},
                           item_comments={k: v.strip() for k, v in item_comments.items() if v.strip()},
                           content_digest=digest(version))
    contract.reviews.append(row)
    before = contract.status
    version.status = "approved" if passed else "returned"
    sync_status(contract)
    record(contract, "approved" if passed else "returned", before, contract.status, user, comments.strip())
    message = (N_("Contract %(number)s passed the compliance review.") if passed
               else N_("Contract %(number)s was returned by legal with comments."))
    notify(contract.owner_id, message, link=_link(contract), number=contract.number)
    return row


def latest_review(contract: Contract, version_no: int | None = None) -> ComplianceReview | None:
    rows = [r for r in contract.reviews if version_no is None or r.version_no == version_no]
    return rows[-1] if rows else None


def passed_review(contract: Contract) -> ComplianceReview | None:
    """The passed review that covers the current version exactly as it stands, if any."""
    version = contract.current_version
    review_row = latest_review(contract, version.version_no)
    if review_row is None or not review_row.passed or review_row.content_digest != digest(version):
        return None
    return review_row


def send(contract: Contract, user) -> None:
    """Mark the approved version sent; its Word file is stored now and never re-generated."""
    version = contract.current_version
    if version.status != "approved" or passed_review(contract) is None:
        raise WorkflowError(_l("Only a contract that passed the compliance review can be sent."))
    from app.contracts.documents import freeze_document

    before = contract.status
    version.status = "sent"
    version.sent_at = contract.sent_at = utcnow()
    freeze_document(contract, version, user)
    sync_status(contract)
    record(contract, "sent", before, contract.status, user)


def sign(contract: Contract, user, signed_on: date, scan) -> None:
    """Record the countersigned contract. Refused unless the current version passed compliance review."""
    from app.core.rates import MissingRate, rate_on
    from app.core.uploads import save_upload

    version = contract.current_version
    if version.status != "sent":
        raise WorkflowError(_l("Only a contract sent to the customer can be signed."))
    if passed_review(contract) is None:
        raise WorkflowError(_("Signing needs a passed compliance review of version %(n)s.", n=version.version_no))
    if signed_on > company_today():
        raise WorkflowError(_l("The signing date cannot be in the future."))
    if version.sent_at and signed_on < to_company_date(version.sent_at):
        raise WorkflowError(_l("The signing date cannot be before the contract was sent."))
    rate = contract.exchange_rate
    if rate is None or contract.currency != version.currency:
        try:
            rate = rate_on(version.currency, signed_on)
        except MissingRate as exc:
            raise WorkflowError(exc.message()) from None
    stored = save_upload(scan, {"pdf", "png", "jpeg"}, owner_type="contract", owner_id=contract.id,
                         user_id=user.id)
    db.session.flush()
    before = contract.status
    for older in contract.versions:
        if older.status == "signed" and older is not version:
            older.status = "superseded"
    version.status = "signed"
    version.signed_on = signed_on
    version.signed_scan_file_id = stored.id
    if contract.signed_on is None:
        contract.signed_on = signed_on
        contract.signed_at = utcnow()
    contract.exchange_rate = rate
    contract.currency = version.currency
    contract.total_amount = version.total_amount
    sync_status(contract)
    record(contract, "signed", before, contract.status, user)
    from app.contracts.payments import refresh_schedule

    refresh_schedule(contract)


def amend(contract: Contract, user, kind: str, reason: str, clause: str = "") -> ContractVersion:
    """Start a new version from the sent or signed one; it needs a new review before (re-)signing."""
    current = contract.current_version
    if contract.status not in ("sent", "signed") or current.status not in ("sent", "signed"):
        raise WorkflowError(_l("Only a contract sent to the customer or signed can be amended."))
    if not reason.strip():
        raise WorkflowError(_l("Give the reason for the amendment."))
    if kind == "customer_dispute" and clause in texts.DISPUTED_CLAUSES:
        en, zh = texts.DISPUTED_CLAUSES[clause]
        reason = f"{en} / {zh}: {reason.strip()}"
    new = ContractVersion(version_no=current.version_no + 1, status="draft", created_by_id=user.id,
                          amendment_kind=kind, amendment_reason=reason.strip())
    for key in TERM_FIELDS:
        setattr(new, key, getattr(current, key))
    for line in current.lines:
        new.lines.append(ContractLine(position=line.position, **line_data(line)))
    contract.versions.append(new)
    recompute(new)
    if current.status == "sent":
        current.status = "superseded"
    before = contract.status
    contract.current_version_no = new.version_no
    sync_status(contract)
    record(contract, "dispute" if kind == "customer_dispute" else "amended", before, contract.status, user,
           reason.strip())
    return new


def withdraw_amendment(contract: Contract, user) -> None:
    """Drop an amendment not yet sent; the previous version is in force again."""
    version = contract.current_version
    if version.version_no < 2 or version.status not in ("draft", "returned"):
        raise WorkflowError(_l("Only an amendment that has not been submitted or was returned can be withdrawn."))
    previous = contract.version(version.version_no - 1)
    before = contract.status
    db.session.execute(sa.update(PaymentTermsApproval)
                       .where(PaymentTermsApproval.contract_id == contract.id,
                              PaymentTermsApproval.version_no == version.version_no,
                              PaymentTermsApproval.status == "pending").values(status="superseded"))
    contract.versions.remove(version)
    if previous.status == "superseded":
        previous.status = "signed" if previous.signed_on else "sent"
    contract.current_version_no = previous.version_no
    sync_status(contract)
    record(contract, "withdrawn", before, contract.status, user)


def close(contract: Contract, user, note: str = "") -> None:
    if contract.status != "signed":
        raise WorkflowError(_l("Only a signed contract can be closed."))
    before = contract.status
    contract.status = "closed"
    contract.closed_on = company_today()
    record(contract, "closed", before, "closed", user, note)


def cancel(contract: Contract, user, reason: str) -> None:
    if contract.signed_on is not None or contract.status not in ("draft", "in_review", "returned", "approved", "sent"):
        raise WorkflowError(_l("A contract can be cancelled only before it is signed."))
    if not reason.strip():
        raise WorkflowError(_l("Give the reason for cancelling."))
    before = contract.status
    contract.current_version.status = "cancelled"
    contract.status = "cancelled"
    contract.cancelled_at = utcnow()
    contract.cancel_reason = reason.strip()
    db.session.execute(sa.update(PaymentTermsApproval)
                       .where(PaymentTermsApproval.contract_id == contract.id,
                              PaymentTermsApproval.status == "pending").values(status="superseded"))
    record(contract, "cancelled", before, "cancelled", user, reason.strip())


# --------------------------------------------------------------------------- versions and differences

def display_value(field: str, value) -> str:
    """A term as a reader sees it on screen (codes as names, booleans as yes/no)."""
    if value is None or value == "":
        return "—"
    if field == "payment_terms":
        return str(PAYMENT_TERMS.get(value, value))
    if field == "transport_mode":
        return str(TRANSPORT_MODES.get(value, value))
    if field == "incoterm":
        return str(INCOTERMS[value].label) if value in INCOTERMS else value
    if field == "insurance_coverage":
        return texts.local(texts.INSURANCE.get(value)) or value
    if field == "documents_required":
        return "; ".join(texts.local(texts.DOCUMENTS.get(c, (c, c))) for c in value.split(",") if c)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _line_text(line: ContractLine, currency: str) -> str:
    return (f"{line.description_en} / {line.description_zh} · {line.hs_code or '—'} · "
            f"{quantity_text(line.quantity)} {line.unit} × {money_text(line.unit_price_amount, currency, price=True)}")


def differences(old: ContractVersion, new: ContractVersion) -> list[tuple[str, str, str]]:
    """(what, old → new) for every term and line that differs between two versions."""
    out = []
    for field, label in TERM_FIELDS.items():
        a, b = getattr(old, field), getattr(new, field)
        if _canonical(a) != _canonical(b):
            out.append((str(label), display_value(field, a), display_value(field, b)))
    old_lines, new_lines = list(old.lines), list(new.lines)
    for index in range(max(len(old_lines), len(new_lines))):
        label = _("Line %(n)s", n=index + 1)
        if index >= len(old_lines):
            out.append((label, "—", _line_text(new_lines[index], new.currency)))
        elif index >= len(new_lines):
            out.append((label, _line_text(old_lines[index], old.currency), "—"))
        else:
            a, b = old_lines[index], new_lines[index]
            for field, field_label in LINE_FIELDS.items():
                if field == "product_id":
                    continue
                va, vb = getattr(a, field), getattr(b, field)
                if _canonical(va) != _canonical(vb):
                    out.append((f"{label} · {field_label}", display_value(field, va), display_value(field, vb)))
    if _canonical(old.total_amount) != _canonical(new.total_amount):
        out.append((_("Total"), money_text(old.total_amount, old.currency), money_text(new.total_amount, new.currency)))
    return out


# --------------------------------------------------------------------------- turnaround

def turnaround_limit() -> int:
    return int(get_setting("contract_turnaround_working_days"))


def waiting_days(contract: Contract) -> int | None:
    """Working days the contract has been in its current review (latest submission → today)."""
    if contract.submitted_at is None:
        return None
    return working_days_between(to_company_date(contract.submitted_at), company_today())


def turnaround_days(contract: Contract) -> int | None:
    """Working days from the first submission for review to the first signing (or to today if unsigned)."""
    if contract.first_submitted_at is None:
        return None
    end = contract.signed_on or company_today()
    return working_days_between(to_company_date(contract.first_submitted_at), end)


def signed_in_time(contract: Contract) -> bool | None:
    """Metric 4b for one contract: signed within the limit of working days of its first submission."""
    if contract.signed_on is None or contract.first_submitted_at is None:
        return None
    return turnaround_days(contract) <= turnaround_limit()


def is_flagged(contract: Contract) -> bool:
    """Unsigned, submitted, and waiting more than (limit − 1) working days: due today or late."""
    if contract.signed_on is not None or contract.status in ("cancelled", "closed"):
        return False
    days = turnaround_days(contract)
    return days is not None and days > turnaround_limit() - 1
