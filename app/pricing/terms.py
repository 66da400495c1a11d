"""Shared trade vocabulary: Incoterms 2020 rules, payment-term kinds and transport modes.

Quotations (D6) and contracts (D4) both use these; import from here, never copy the lists.

``INCOTERMS[code]`` is an ``Incoterm(label, sea_only, includes_freight, includes_insurance)``
named tuple, so ``label, sea_only, freight, insurance = INCOTERMS["CIF"]`` works as well as
``INCOTERMS["CIF"].includes_freight``.

* ``sea_only``: the four rules for sea and inland waterway transport only (FAS, FOB, CFR, CIF).
* ``includes_freight``: the seller pays main carriage to the destination (C and D rules).
* ``includes_insurance``: the seller must insure the goods in transit (CIF, CIP only; under
  Incoterms 2020 CIP requires Institute Cargo Clauses (A), CIF at least (C)).
* ``DELIVERED_RULES`` (DAP, DPU, DDP): the seller bears all costs and risk to the named place
  of destination (delivered costs); DDP also import duties and taxes.
"""
from typing import NamedTuple

from flask_babel import lazy_gettext as _l


class Incoterm(NamedTuple):
    label: object  # lazy string
    sea_only: bool
    includes_freight: bool
    includes_insurance: bool


INCOTERMS: dict[str, Incoterm] = {
    # Any mode of transport
    "EXW": Incoterm(_l("EXW · Ex Works"), False, False, False),
    "FCA": Incoterm(_l("FCA · Free Carrier"), False, False, False),
    "CPT": Incoterm(_l("CPT · Carriage Paid To"), False, True, False),
    "CIP": Incoterm(_l("CIP · Carriage and Insurance Paid To"), False, True, True),
    "DAP": Incoterm(_l("DAP · Delivered at Place"), False, True, False),
    "DPU": Incoterm(_l("DPU · Delivered at Place Unloaded"), False, True, False),
    "DDP": Incoterm(_l("DDP · Delivered Duty Paid"), False, True, False),
    # Sea and inland waterway transport only
    "FAS": Incoterm(_l("FAS · Free Alongside Ship"), True, False, False),
    "FOB": Incoterm(_l("FOB · Free On Board"), True, False, False),
    "CFR": Incoterm(_l("CFR · Cost and Freight"), True, True, False),
    "CIF": Incoterm(_l("CIF · Cost, Insurance and Freight"), True, True, True),
}

DELIVERED_RULES = frozenset({"DAP", "DPU", "DDP"})

# The named place after the rule: where the goods are handed over (E/F rules) or the
# destination up to which the seller pays (C/D rules).
PLACE_LABELS = {
    "origin": _l("Named place of delivery / port of shipment"),
    "destination": _l("Named place / port of destination"),
}

PAYMENT_TERMS: dict[str, object] = {
    "tt": _l("T/T (telegraphic transfer)"),
    "lc_sight": _l("L/C at sight"),
    "dp": _l("D/P (documents against payment)"),
    "da": _l("D/A (documents against acceptance)"),
    "oa": _l("O/A (open account)"),
}

TRANSPORT_MODES: dict[str, object] = {
    "sea": _l("Sea"),
    "air": _l("Air"),
    "rail": _l("Rail"),
    "road": _l("Road"),
    "multimodal": _l("Multimodal"),
}


def incoterm_fits_transport(rule: str, mode: str) -> bool:
    """True when the Incoterms 2020 ``rule`` may be used with transport ``mode``.

    FAS/FOB/CFR/CIF are for sea and inland waterway only; the other seven suit any mode.
    Unknown rules or modes never fit.
    """
    term = INCOTERMS.get((rule or "").upper())
    if term is None or mode not in TRANSPORT_MODES:
        return False
    return mode == "sea" or not term.sea_only


def place_kind(rule: str) -> str:
    """'origin' for E and F rules (named place is where we deliver), else 'destination'."""
    return "origin" if (rule or "").upper() in {"EXW", "FCA", "FAS", "FOB"} else "destination"


def includes_freight(rule: str) -> bool:
    term = INCOTERMS.get((rule or "").upper())
    return bool(term and term.includes_freight)


def includes_insurance(rule: str) -> bool:
    term = INCOTERMS.get((rule or "").upper())
    return bool(term and term.includes_insurance)


def is_delivered(rule: str) -> bool:
    return (rule or "").upper() in DELIVERED_RULES


def incoterm_choices(mode: str | None = None) -> list[tuple[str, object]]:
    """(code, label) pairs, optionally only the rules that fit ``mode``; wrap with core.forms.choices."""
    return [(code, term.label) for code, term in INCOTERMS.items()
            if mode is None or incoterm_fits_transport(code, mode)]


def payment_term_choices() -> list[tuple[str, object]]:
    return list(PAYMENT_TERMS.items())


def transport_mode_choices() -> list[tuple[str, object]]:
    return list(TRANSPORT_MODES.items())
