"""Forms of the pricing area: products, exchange rates, quotations, negotiations, feedback."""
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.core.forms import VersionField, choices
from app.core.money import is_currency
from app.pricing import terms
from app.pricing.models import LOST_REASONS, MAIN_CONCERNS, PRICE_PERCEPTIONS
from app.pricing.services import normalise_hs_code

DATE_MSG = _l("Enter a valid date.")


def _not_finite(value) -> bool:
    """NaN and Infinity parse as Decimals and then break every comparison: treat them as invalid input."""
    return isinstance(value, Decimal) and not value.is_finite()


def _positive(form, field):
    if field.data is not None and (_not_finite(field.data) or field.data <= 0):
        raise ValidationError(_l("Enter an amount greater than 0."))


def _not_negative(form, field):
    if field.data is not None and (_not_finite(field.data) or field.data < 0):
        raise ValidationError(_l("The amount cannot be negative."))


class ProductForm(FlaskForm):
    version_id = VersionField()
    sku = StringField(_l("SKU"), validators=[DataRequired(), Length(max=60)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=200)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[Optional(), Length(max=200)])
    hs_code = StringField(_l("HS code"), validators=[Optional(), Length(max=20)])
    category = StringField(_l("Category"), validators=[Optional(), Length(max=100)])
    specification = TextAreaField(_l("Specification"), validators=[Optional(), Length(max=5000)])
    unit = StringField(_l("Unit"), default="pcs", validators=[DataRequired(), Length(max=20)])
    moq = DecimalField(_l("MOQ"), places=None, validators=[Optional(), _positive])
    unit_cost_amount = DecimalField(_l("Unit cost"), places=None, validators=[Optional(), _positive])
    cost_currency = StringField(_l("Cost currency"), default="CNY", validators=[Optional(), Length(max=3)])
    units_per_carton = IntegerField(_l("Units per carton"), validators=[Optional(), NumberRange(min=1, max=1_000_000)])
    carton_size = StringField(_l("Carton size (cm)"), validators=[Optional(), Length(max=60)])
    gross_weight_kg = DecimalField(_l("Gross weight per carton (kg)"), places=None,
                                   validators=[Optional(), _positive])
    net_weight_kg = DecimalField(_l("Net weight per carton (kg)"), places=None,
                                 validators=[Optional(), _positive])
    image_upload = FileField(_l("Image (PNG or JPEG)"))
    remove_image = BooleanField(_l("Remove the image"))
    active = BooleanField(_l("Active"), default=True)

    def validate_hs_code(self, field):
        try:
            field.data = normalise_hs_code(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc.args[0])) from None

    def validate_cost_currency(self, field):
        field.data = (field.data or "CNY").strip().upper()
        if not is_currency(field.data):
            raise ValidationError(_l("Enter an ISO 4217 currency code such as CNY or USD."))

    def validate_net_weight_kg(self, field):
        if field.data and self.gross_weight_kg.data and field.data > self.gross_weight_kg.data:
            raise ValidationError(_l("The net weight cannot exceed the gross weight."))


class ImportForm(FlaskForm):
    file = FileField(_l("Excel file (.xlsx)"))


class RateForm(FlaskForm):
    currency = StringField(_l("Currency"), validators=[DataRequired(), Length(min=3, max=3)])
    rate = DecimalField(_l("Rate (base currency per 1 unit)"), places=None,
                        validators=[InputRequired(), _positive])
    effective_on = DateField(_l("Effective from"), validators=[DataRequired(message=DATE_MSG)])

    def __init__(self, *args, base: str = "CNY", **kwargs):
        super().__init__(*args, **kwargs)
        self.base = base

    def validate_currency(self, field):
        field.data = (field.data or "").strip().upper()
        if not is_currency(field.data):
            raise ValidationError(_l("Enter an ISO 4217 currency code such as USD or EUR."))
        if field.data == self.base:
            raise ValidationError(_l("%(code)s is the base currency; its rate is always 1.", code=self.base))

    def validate_rate(self, field):
        if field.data is not None and field.data > Decimal("1000000"):
            raise ValidationError(_l("This rate is implausibly large; check the figure."))


class LineForm(Form):
    """One quotation line (nested, no CSRF of its own). A line without product, quantity and price is ignored."""

    product_id = SelectField(_l("Product"), coerce=int, validate_choice=False, default=0)
    description_en = StringField(_l("Description (English)"), validators=[Optional(), Length(max=2000)])
    description_zh = StringField(_l("Description (Chinese)"), validators=[Optional(), Length(max=2000)])
    quantity = DecimalField(_l("Quantity"), places=None, validators=[Optional(), _positive])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=20)])
    unit_price = DecimalField(_l("Unit price"), places=None, validators=[Optional(), _positive])
    remove = BooleanField(_l("Remove"))

    @property
    def is_blank(self) -> bool:
        return self.remove.data or (not self.product_id.data and self.quantity.data is None
                                    and self.unit_price.data is None)


class QuotationForm(FlaskForm):
    version_id = VersionField()
    customer_id = SelectField(_l("Customer"), coerce=int, validate_choice=False, default=0)
    contact_id = SelectField(_l("Contact"), coerce=int, validate_choice=False, default=0)
    quoted_on = DateField(_l("Quotation date"), validators=[DataRequired(message=DATE_MSG)])
    currency = SelectField(_l("Currency"), validators=[DataRequired()])
    transport_mode = SelectField(_l("Transport mode"), choices=choices(terms.transport_mode_choices()), default="sea")
    incoterm = SelectField(_l("Incoterms 2020 rule"), choices=choices(terms.incoterm_choices()), default="FOB")
    named_place = StringField(_l("Named place"), validators=[DataRequired(), Length(max=120)])
    valid_until_on = DateField(_l("Valid until"), validators=[DataRequired(message=DATE_MSG)])
    payment_terms = SelectField(_l("Payment terms"), choices=choices(terms.payment_term_choices()), default="tt")
    payment_terms_note = StringField(_l("Payment details"), validators=[Optional(), Length(max=255)])
    lead_time_days = IntegerField(_l("Lead time (days)"), validators=[Optional(), NumberRange(min=0, max=730)])
    freight_amount = DecimalField(_l("Freight"), places=None, validators=[Optional(), _not_negative])
    insurance_amount = DecimalField(_l("Insurance"), places=None, validators=[Optional(), _not_negative])
    remarks = TextAreaField(_l("Remarks (packing, marks, notes)"), validators=[Optional(), Length(max=5000)])
    lines = None  # a FieldList is attached per request by quotation_form()

    def validate_valid_until_on(self, field):
        if field.data and self.quoted_on.data and field.data < self.quoted_on.data:
            raise ValidationError(_l("The validity date cannot be before the quotation date."))

    def validate_incoterm(self, field):
        if not terms.incoterm_fits_transport(field.data, self.transport_mode.data):
            raise ValidationError(_("%(rule)s is for sea and inland waterway transport only; use FCA, CPT or CIP "
                                     "for other modes.", rule=field.data))

    def validate(self, extra_validators=None):
        """Freight belongs to C and D rules only (checked here: the field's Optional() skips empty input)."""
        ok = super().validate(extra_validators)
        rule = self.incoterm.data
        field = self.freight_amount
        if field.errors:
            return ok
        if terms.includes_freight(rule) and not field.data:
            field.errors.append(_("%(rule)s is a delivered rule: enter the delivered costs.", rule=rule)
                                if terms.is_delivered(rule) else
                                _("%(rule)s includes carriage to the destination: enter the freight.", rule=rule))
            return False
        if not terms.includes_freight(rule) and field.data:
            field.errors.append(_("%(rule)s does not include freight; leave this empty.", rule=rule))
            return False
        return ok

    def validate_insurance_amount(self, field):
        rule = self.incoterm.data
        if field.data and not terms.includes_insurance(rule):
            raise ValidationError(_("%(rule)s does not include insurance; leave this empty.", rule=rule))


def quotation_form(line_count: int, **kwargs) -> QuotationForm:
    """A QuotationForm with ``line_count`` line sub-forms (WTForms builds FieldLists on the class)."""
    from wtforms import FieldList

    class _Form(QuotationForm):
        lines = FieldList(FormField(LineForm), min_entries=line_count)

    return _Form(**kwargs)


class NoteForm(FlaskForm):
    note = StringField(_l("Note"), validators=[Optional(), Length(max=255)])


class DeclineForm(FlaskForm):
    note = StringField(_l("Reason"), validators=[DataRequired(message=_l("Say why the quotation is returned.")),
                                                 Length(max=255)])


class RejectForm(FlaskForm):
    reason = SelectField(_l("Lost because of"), choices=choices(LOST_REASONS.items()))
    note = StringField(_l("Details"), validators=[Optional(), Length(max=1000)])


class RoundForm(FlaskForm):
    held_on = DateField(_l("Date"), validators=[DataRequired(message=DATE_MSG)])
    our_offer_amount = DecimalField(_l("Our offer (deal value)"), places=None, validators=[Optional(), _positive])
    their_counter_amount = DecimalField(_l("Their counter-offer (deal value)"), places=None,
                                        validators=[Optional(), _positive])
    concessions = TextAreaField(_l("Concessions"), validators=[Optional(), Length(max=5000)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and self.our_offer_amount.data is None and self.their_counter_amount.data is None \
                and not (self.notes.data or "").strip() and not (self.concessions.data or "").strip():
            self.notes.errors.append(_l("Record an offer, a counter-offer, a concession or a note."))
            return False
        return ok


class OutcomeForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=choices([("won", _l("Won")), ("lost", _l("Lost"))]))
    won_price_amount = DecimalField(_l("Won at (deal value)"), places=None, validators=[Optional(), _positive])
    lost_reason = SelectField(_l("Lost because of"), choices=choices([("", "—")] + list(LOST_REASONS.items())))
    note = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])

    def validate_won_price_amount(self, field):
        if self.outcome.data == "won" and field.data is None:
            raise ValidationError(_l("Enter the price the deal was won at."))

    def validate_lost_reason(self, field):
        if self.outcome.data == "lost" and not field.data:
            raise ValidationError(_l("Choose why the deal was lost."))


class FeedbackForm(FlaskForm):
    received_on = DateField(_l("Date"), validators=[DataRequired(message=DATE_MSG)])
    contact_id = SelectField(_l("Contact"), coerce=int, validate_choice=False, default=0)
    price_perception = SelectField(_l("Price perception"), choices=choices(PRICE_PERCEPTIONS.items()))
    main_concern = SelectField(_l("Main concern"), choices=choices(MAIN_CONCERNS.items()))
    target_price_amount = DecimalField(_l("Customer's target (deal value)"), places=None,
                                       validators=[Optional(), _positive])
    comments = TextAreaField(_l("Comments"), validators=[Optional(), Length(max=5000)])
