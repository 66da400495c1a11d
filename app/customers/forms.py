from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.core.forms import VersionField, choices
from app.customers.models import GRADES, SOURCES
from app.customers.normalise import domain_key

REQUIRED = _l("This field is required.")


def _website(form, field):
    if field.data and not domain_key(field.data):
        raise ValidationError(_l("Enter a website address such as www.example.com."))


class CustomerForm(FlaskForm):
    name = StringField(_l("Company name (Latin letters)"), validators=[DataRequired(message=REQUIRED), Length(max=200)])
    local_name = StringField(_l("Local name"), validators=[Optional(), Length(max=200)])
    country = SelectField(_l("Country"), validators=[DataRequired(message=_l("Choose the country."))])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=1000)])
    industry = StringField(_l("Industry"), validators=[Optional(), Length(max=100)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=255), _website])
    source = SelectField(_l("Source"), choices=choices(SOURCES.items()), default="other")
    grade = SelectField(_l("Grade"), choices=choices(GRADES.items()), default="C")
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=500)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    version_id = VersionField()
    submit = SubmitField(_l("Save"))


class NewCustomerForm(CustomerForm):
    owner = SelectField(_l("Owner"), default="me")
    contact_name = StringField(_l("Contact name"), validators=[Optional(), Length(max=120)])
    contact_title = StringField(_l("Position"), validators=[Optional(), Length(max=120)])
    contact_email = StringField(_l("E-mail"), validators=[
        Optional(), Email(message=_l("Not a valid e-mail address.")), Length(max=255)])
    contact_phone = StringField(_l("Phone"), validators=[Optional(), Length(max=60)])
    contact_messaging = StringField(_l("WhatsApp / WeChat / Skype"), validators=[Optional(), Length(max=120)])
    duplicate_action = StringField(validators=[Optional(), Length(max=20)])
    duplicate_reason = StringField(_l("Why keep both?"), validators=[Optional(), Length(max=500)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.contact_name.data or "").strip() and (
                self.contact_email.data or self.contact_phone.data or self.contact_messaging.data):
            self.contact_name.errors = list(self.contact_name.errors) + [_l("Enter the contact's name.")]
            return False
        return valid


class ContactForm(FlaskForm):
    name = StringField(_l("Contact name"), validators=[DataRequired(message=REQUIRED), Length(max=120)])
    title = StringField(_l("Position"), validators=[Optional(), Length(max=120)])
    email = StringField(_l("E-mail"), validators=[Optional(), Email(message=_l("Not a valid e-mail address.")),
                                                 Length(max=255)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=60)])
    messaging = StringField(_l("WhatsApp / WeChat / Skype"), validators=[Optional(), Length(max=120)])
    is_primary = BooleanField(_l("Primary contact"))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save"))


class KeepBothForm(FlaskForm):
    reason = StringField(_l("Why are these different companies?"),
                         validators=[DataRequired(message=_l("Give the reason for keeping both records.")),
                                     Length(min=3, max=500)])
    submit = SubmitField(_l("Keep both"))


class AssignForm(FlaskForm):
    owner_id = SelectField(_l("New owner"), coerce=int, validators=[DataRequired(message=_l("Choose a rep."))])
    submit = SubmitField(_l("Assign"))


class ImportUploadForm(FlaskForm):
    file = FileField(_l("Customer list (.xlsx or .csv)"), validators=[FileRequired(message=_l("Choose a file."))])
    submit = SubmitField(_l("Upload and map columns"))


DUPLICATE_POLICIES = {
    "reject": _l("Reject rows that match an existing customer or an earlier row (listed with the reason)"),
    "flag": _l("Import them as leads and decide on each customer's page (they cannot become valid before)"),
}


class ImportOptionsForm(FlaskForm):
    owner = SelectField(_l("Owner of the imported customers"), default="me")
    source = SelectField(_l("Source when the file has none"), choices=choices(SOURCES.items()), default="other")
    duplicates = RadioField(_l("Possible duplicates"), choices=choices(DUPLICATE_POLICIES.items()), default="reject")
    submit = SubmitField(_l("Preview"))
