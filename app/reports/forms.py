from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.core.forms import VersionField, choices
from app.core.money import CURRENCY_CODES


class SalesUploadForm(FlaskForm):
    file = FileField(_l("File (.xlsx or .csv)"), validators=[FileRequired(_l("Choose a file."))])
    default_owner_id = SelectField(_l("Sales rep for rows without one"), coerce=int, validators=[Optional()])


class MappingForm(FlaskForm):
    """Which column of the file holds each field; built with the file's own column names."""

    sold_on = SelectField(_l("Date of sale"), default="")
    customer = SelectField(_l("Customer"), default="")
    country = SelectField(_l("Country/region"), default="")
    product = SelectField(_l("Product"), default="")
    quantity = SelectField(_l("Quantity"), default="")
    amount = SelectField(_l("Amount"), default="")
    currency = SelectField(_l("Currency"), default="")
    owner = SelectField(_l("Sales rep"), default="")
    default_currency = SelectField(_l("Currency for rows without one"), default="")

    FIELD_NAMES = ("sold_on", "customer", "country", "product", "quantity", "amount", "currency", "owner")

    def set_columns(self, columns: list[str]) -> None:
        options = choices([("", "—")] + [(c, c) for c in columns])
        for name in self.FIELD_NAMES:
            getattr(self, name).choices = options
        self.default_currency.choices = choices([("", "—")] + [(c, c) for c in sorted(CURRENCY_CODES)])

    def validate_sold_on(self, field):
        if not field.data:
            raise ValidationError(_l("Choose the column with the date of sale."))

    def validate_customer(self, field):
        if not field.data:
            raise ValidationError(_l("Choose the column with the customer."))

    def validate_amount(self, field):
        if not field.data:
            raise ValidationError(_l("Choose the column with the amount."))

    def validate_default_currency(self, field):
        if not self.currency.data and not field.data:
            raise ValidationError(_l("Choose a currency column, or the currency of every row."))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        used = [getattr(self, n).data for n in self.FIELD_NAMES if getattr(self, n).data]
        if len(used) != len(set(used)):
            self.form_errors.append(_l("A column can be used for one field only."))
            return False
        return ok

    def mapping(self) -> dict:
        data = {n: getattr(self, n).data for n in self.FIELD_NAMES if getattr(self, n).data}
        if self.default_currency.data:
            data["default_currency"] = self.default_currency.data
        return data


class MonthlyReportForm(FlaskForm):
    version_id = VersionField()
    analysis = TextAreaField(_l("Analysis"), validators=[Length(max=20000)])
    suggestions = TextAreaField(_l("Improvement suggestions"), validators=[Length(max=20000)])


class ReviewForm(FlaskForm):
    version_id = VersionField()
    decision = SelectField(_l("Decision"), choices=choices([("approve", _l("Approve")),
                                                            ("correct", _l("Request corrections"))]),
                           validators=[DataRequired()])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=5000)])

    def validate_comment(self, field):
        if self.decision.data == "correct" and not (field.data or "").strip():
            raise ValidationError(_l("Say what needs correcting."))


class ScorecardCommentForm(FlaskForm):
    version_id = VersionField()
    comment = TextAreaField(_l("Manager's comment"), validators=[Length(max=5000)])


class NegotiationTargetForm(FlaskForm):
    won_target = IntegerField(_l("Negotiations to win this quarter"),
                              validators=[InputRequired(_l("Enter a whole number.")),
                                          NumberRange(min=0, max=1000, message=_l("Enter 0 to 1000."))])
