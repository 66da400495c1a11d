from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    DecimalField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.core.forms import VersionField, choices
from app.core.money import is_currency
from app.research.models import PRIORITIES, SCORES

REQUIRED = _l("This field is required.")


def _currency(form, field):
    field.data = (field.data or "").strip().upper()
    if not is_currency(field.data):
        raise ValidationError(_l("Enter an ISO 4217 currency code such as USD, EUR or CNY."))


class ReportForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=REQUIRED), Length(max=200)])
    markets = StringField(_l("Markets"), validators=[DataRequired(message=_l("Name at least one market.")),
                                                     Length(max=300)])
    industry = StringField(_l("Industry"), validators=[Optional(), Length(max=100)])
    period_start_on = DateField(_l("Period from"), validators=[DataRequired(message=_l("Enter a valid date."))])
    period_end_on = DateField(_l("Period to"), validators=[DataRequired(message=_l("Enter a valid date."))])
    sources = TextAreaField(_l("Sources"), validators=[Optional(), Length(max=5000)])
    findings = TextAreaField(_l("Findings"), validators=[Optional(), Length(max=20000)])
    competitor_analysis = TextAreaField(_l("Competitor analysis"), validators=[Optional(), Length(max=20000)])
    opportunities = TextAreaField(_l("Opportunities"), validators=[Optional(), Length(max=20000)])
    customer_ids = SelectMultipleField(_l("Linked customers"), coerce=int, validators=[Optional()])
    competitor_ids = SelectMultipleField(_l("Competitors"), coerce=int, validators=[Optional()])
    version_id = VersionField()
    submit = SubmitField(_l("Save"))

    def validate_period_end_on(self, field):
        if field.data and self.period_start_on.data and field.data < self.period_start_on.data:
            raise ValidationError(_l("The period cannot end before it starts."))


class ReviewForm(FlaskForm):
    accuracy_score = RadioField(_l("Accuracy"), coerce=int, choices=choices((s, str(s)) for s in SCORES),
                                validators=[DataRequired(message=_l("Score from 1 to 5."))])
    usefulness_score = RadioField(_l("Usefulness"), coerce=int, choices=choices((s, str(s)) for s in SCORES),
                                  validators=[DataRequired(message=_l("Score from 1 to 5."))])
    review_comment = TextAreaField(lazy_pgettext("research", "Comment"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save the review"))


class ReturnForm(FlaskForm):
    review_comment = TextAreaField(_l("What should be reworked?"),
                                   validators=[DataRequired(message=_l("Say what should be reworked.")),
                                               Length(max=5000)])
    submit = SubmitField(_l("Return for rework"))


class AttachmentForm(FlaskForm):
    file = FileField(_l("Attachment"), validators=[FileRequired(message=_l("Choose a file."))])
    submit = SubmitField(_l("Attach"))


class CompetitorForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=REQUIRED), Length(max=200)])
    country = SelectField(_l("Country"), validators=[Optional()])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=255)])
    main_products = StringField(_l("Main products"), validators=[Optional(), Length(max=300)])
    notes = TextAreaField(_l("Notes (strengths, weaknesses, customers)"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save"))


class PriceForm(FlaskForm):
    product_id = SelectField(_l("Our product"), coerce=int, validators=[Optional()])
    product_name = StringField(_l("Or product as named by the competitor"), validators=[Optional(), Length(max=200)])
    product_category = StringField(_l("Product category"), validators=[Optional(), Length(max=100)])
    price_amount = DecimalField(_l("Price"), places=None, validators=[
        DataRequired(message=_l("Enter the price.")),
        NumberRange(min=0.0001, message=_l("The price must be greater than 0."))])
    currency = StringField(_l("Currency"), default="USD", validators=[DataRequired(message=REQUIRED), _currency])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=20)])
    incoterm = SelectField(_l("Incoterm"), validators=[Optional()])
    observed_on = DateField(_l("Observed on"), validators=[DataRequired(message=_l("Enter a valid date."))])
    source = StringField(_l("Source"), validators=[DataRequired(message=_l("Say where the price was seen.")),
                                                   Length(max=300)])
    notes = StringField(_l("Notes"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Add price"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.product_id.data and not (self.product_name.data or "").strip() \
                and not (self.product_category.data or "").strip():
            self.product_name.errors = list(self.product_name.errors) + [
                _l("Choose one of our products or name the product or its category.")]
            return False
        return valid


class NeedForm(FlaskForm):
    product_category = StringField(_l("Product category"), validators=[DataRequired(message=REQUIRED),
                                                                       Length(max=100)])
    product_id = SelectField(_l("Our product (if one fits)"), coerce=int, validators=[Optional()])
    quantity = DecimalField(_l("Annual quantity"), places=None, validators=[
        Optional(), NumberRange(min=0, message=_l("The quantity cannot be negative."))])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=20)])
    target_price_amount = DecimalField(_l("Target price"), places=None, validators=[
        Optional(), NumberRange(min=0, message=_l("The price cannot be negative."))])
    currency = StringField(_l("Currency"), default="USD", validators=[DataRequired(message=REQUIRED), _currency])
    certifications = StringField(_l("Certifications"), validators=[Optional(), Length(max=300)])
    quality_requirements = TextAreaField(_l("Quality requirements"), validators=[Optional(), Length(max=5000)])
    delivery_requirements = TextAreaField(_l("Delivery requirements"), validators=[Optional(), Length(max=5000)])
    priority = SelectField(_l("Priority"), choices=choices(PRIORITIES.items()), default="medium")
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    version_id = VersionField()
    submit = SubmitField(_l("Save"))
