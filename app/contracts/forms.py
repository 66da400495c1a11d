"""Contract forms: the terms with their lines, the review checklist, finance's decision, signing, amending."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import FieldList
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.contracts import texts
from app.contracts.models import AMENDMENT_KINDS, CHECKLIST, RESULTS
from app.contracts.services import LINE_FIELDS, TERM_FIELDS
from app.core.forms import Finite, VersionField, choices
from app.core.money import CURRENCY_CODES
from app.pricing.terms import incoterm_choices, payment_term_choices, transport_mode_choices

COMMON_CURRENCIES = ["USD", "EUR", "CNY", "GBP", "JPY", "HKD", "AUD", "CAD", "SGD", "AED"]


def currency_choices():
    rest = [c for c in CURRENCY_CODES if c not in COMMON_CURRENCIES]
    return choices([(c, c) for c in COMMON_CURRENCIES + rest])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LineForm(Form):
    """One contract line; a row left completely blank is ignored."""

    product_id = SelectField(LINE_FIELDS["product_id"], coerce=int, default=0, validate_choice=False)
    hs_code = StringField(LINE_FIELDS["hs_code"], validators=[Optional(), Length(max=12)])
    description_en = TextAreaField(LINE_FIELDS["description_en"], validators=[Optional(), Length(max=1000)])
    description_zh = TextAreaField(LINE_FIELDS["description_zh"], validators=[Optional(), Length(max=1000)])
    quantity = DecimalField(LINE_FIELDS["quantity"], places=None, validators=[Optional(), Finite()])
    unit = StringField(LINE_FIELDS["unit"], validators=[Optional(), Length(max=20)])
    unit_price_amount = DecimalField(LINE_FIELDS["unit_price_amount"], places=None, validators=[Optional(), Finite()])

    def is_blank(self) -> bool:
        return not (self.product_id.data or (self.description_en.data or "").strip()
                    or (self.description_zh.data or "").strip() or self.quantity.data is not None
                    or self.unit_price_amount.data is not None or (self.hs_code.data or "").strip())

    def values(self) -> dict:
        return {"product_id": self.product_id.data or None, "hs_code": (self.hs_code.data or "").strip(),
                "description_en": (self.description_en.data or "").strip(),
                "description_zh": (self.description_zh.data or "").strip(), "quantity": self.quantity.data,
                "unit": (self.unit.data or "").strip(), "unit_price_amount": self.unit_price_amount.data}


def _text(key, max_length=None, area=False):
    validators = [Optional()] + ([Length(max=max_length)] if max_length else [])
    return (TextAreaField if area else StringField)(TERM_FIELDS[key], validators=validators)


class ContractForm(FlaskForm):
    """The terms of one version. Cross-field rules live in ``services.term_errors``."""

    version_id = VersionField()
    contract_on = DateField(TERM_FIELDS["contract_on"], validators=[Optional()])
    seller_name_en = _text("seller_name_en", 200)
    seller_name_zh = _text("seller_name_zh", 200)
    seller_address_en = _text("seller_address_en", 1000, area=True)
    seller_address_zh = _text("seller_address_zh", 1000, area=True)
    seller_contact = _text("seller_contact", 300)
    seller_bank = _text("seller_bank", 1000, area=True)
    buyer_name = _text("buyer_name", 200)
    buyer_address = _text("buyer_address", 1000, area=True)
    buyer_country = SelectField(TERM_FIELDS["buyer_country"], validate_choice=False)
    buyer_contact = _text("buyer_contact", 120)
    buyer_email = _text("buyer_email", 255)
    buyer_phone = _text("buyer_phone", 60)
    currency = SelectField(TERM_FIELDS["currency"], validate_choice=False)
    incoterm = SelectField(TERM_FIELDS["incoterm"], validate_choice=False)
    named_place = _text("named_place", 120)
    transport_mode = SelectField(TERM_FIELDS["transport_mode"], validate_choice=False)
    port_of_loading = _text("port_of_loading", 120)
    port_of_destination = _text("port_of_destination", 120)
    latest_shipment_on = DateField(TERM_FIELDS["latest_shipment_on"], validators=[Optional()])
    partial_shipment = BooleanField(TERM_FIELDS["partial_shipment"])
    transshipment = BooleanField(TERM_FIELDS["transshipment"])
    more_or_less_percent = DecimalField(TERM_FIELDS["more_or_less_percent"], places=None, validators=[Optional(), Finite()])
    payment_terms = SelectField(TERM_FIELDS["payment_terms"], validate_choice=False)
    deposit_percent = DecimalField(TERM_FIELDS["deposit_percent"], places=None, validators=[Optional(), Finite()])
    payment_days = IntegerField(TERM_FIELDS["payment_days"], validators=[Optional()])
    insurance_coverage = SelectField(TERM_FIELDS["insurance_coverage"], validate_choice=False)
    insurance_percent = DecimalField(TERM_FIELDS["insurance_percent"], places=None, validators=[Optional(), Finite()])
    packing_en = _text("packing_en", 2000, area=True)
    packing_zh = _text("packing_zh", 2000, area=True)
    shipping_marks = _text("shipping_marks", 1000, area=True)
    documents_required = MultiCheckboxField(TERM_FIELDS["documents_required"], validate_choice=False)
    inspection_en = _text("inspection_en", 4000, area=True)
    inspection_zh = _text("inspection_zh", 4000, area=True)
    force_majeure_en = _text("force_majeure_en", 4000, area=True)
    force_majeure_zh = _text("force_majeure_zh", 4000, area=True)
    arbitration_en = _text("arbitration_en", 4000, area=True)
    arbitration_zh = _text("arbitration_zh", 4000, area=True)
    governing_law_en = _text("governing_law_en", 4000, area=True)
    governing_law_zh = _text("governing_law_zh", 4000, area=True)
    language_clause_en = _text("language_clause_en", 4000, area=True)
    language_clause_zh = _text("language_clause_zh", 4000, area=True)
    remarks = _text("remarks", 4000, area=True)
    lines = FieldList(FormField(LineForm), min_entries=1)

    def setup(self, country_pairs, product_pairs) -> None:
        from app.contracts.texts import local

        self.buyer_country.choices = choices([("", "—")] + list(country_pairs))
        self.currency.choices = currency_choices()
        self.incoterm.choices = choices(incoterm_choices())
        self.transport_mode.choices = choices(transport_mode_choices())
        self.payment_terms.choices = choices(payment_term_choices())
        self.insurance_coverage.choices = choices([("", "—")] + [(k, local(v)) for k, v in texts.INSURANCE.items()])
        self.documents_required.choices = choices([(k, local(v)) for k, v in texts.DOCUMENTS.items()])
        for entry in self.lines:
            entry.form.product_id.choices = choices([(0, "—")] + list(product_pairs))

    def terms(self) -> dict:
        """The submitted terms as model values (before ``services.normalise``)."""
        data = {}
        for key in TERM_FIELDS:
            field = getattr(self, key)
            value = field.data
            if isinstance(value, str):
                value = value.strip()
            data[key] = value
        data["documents_required"] = ",".join(c for c in texts.DOCUMENTS if c in (self.documents_required.data or []))
        data["partial_shipment"] = bool(self.partial_shipment.data)
        data["transshipment"] = bool(self.transshipment.data)
        return data

    def line_values(self) -> list[dict]:
        return [entry.form.values() for entry in self.lines if not entry.form.is_blank()]


class ReviewForm(FlaskForm):
    """Legal's checklist: a result and an optional comment per item, then pass or return."""

    comments = TextAreaField(_l("Overall comments"), validators=[Optional(), Length(max=4000)])
    decision = SelectField(_l("Decision"), validators=[DataRequired()],
                           choices=choices([("pass", _l("Pass the review")),
                                            ("return", _l("Return with comments"))]))


def add_checklist_fields(form_class):
    for item, label in CHECKLIST.items():
        setattr(form_class, f"result_{item}", SelectField(label, choices=choices(list(RESULTS.items())),
                                                          default="pass"))
        setattr(form_class, f"comment_{item}", StringField(_l("Comment"), validators=[Optional(), Length(max=1000)]))
    return form_class


add_checklist_fields(ReviewForm)


class PaymentDecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), validators=[DataRequired()],
                           choices=choices([("approve", _l("Approve")), ("reject", _l("Reject"))]))
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])


class SignForm(FlaskForm):
    signed_on = DateField(_l("Date of signing"), validators=[DataRequired(_l("Enter the date of signing."))])
    scan = FileField(_l("Scan of the countersigned contract (PDF or image)"),
                     validators=[FileRequired(_l("Upload the scan of the countersigned contract."))])


class AmendForm(FlaskForm):
    kind = SelectField(_l("Why"), choices=choices(list(AMENDMENT_KINDS.items())), default="customer_dispute")
    clause = SelectField(_l("Clause the customer disputes"), validate_choice=False)
    reason = TextAreaField(_l("What the customer asks for / what changes"),
                           validators=[DataRequired(_l("Give the reason for the amendment.")), Length(max=2000)])

    def setup(self):
        self.clause.choices = choices([("", "—")] + [(k, texts.local(v)) for k, v in texts.DISPUTED_CLAUSES.items()])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Give the reason.")), Length(max=2000)])


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class ReceiptForm(FlaskForm):
    """Finance records money received (the rules are in ``payments.record_receipt``)."""

    received_on = DateField(_l("Date received"), validators=[DataRequired(_l("Enter the date the money was received."))])
    amount = DecimalField(_l("Amount received"), places=None,
                          validators=[DataRequired(_l("Enter an amount greater than 0."))])
    currency = SelectField(_l("Currency"), choices=currency_choices(), validate_choice=False)
    bank_reference = StringField(_l("Bank reference"),
                                 validators=[DataRequired(_l("Enter the bank reference of the credit advice.")),
                                             Length(max=60)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=1000)])
    confirm_overpayment = BooleanField(_l("This is an over-payment: keep the excess as a credit to the buyer"))


class ReversalForm(FlaskForm):
    reason = TextAreaField(_l("Reason for reversing"),
                           validators=[DataRequired(_l("Give the reason for reversing the receipt.")),
                                       Length(max=1000)])
