from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.care.models import COMPLAINT_CATEGORIES, INTERACTION_KINDS, SEVERITIES
from app.core.forms import VersionField, choices

REQUIRED = _l("This field is required.")


class InteractionForm(FlaskForm):
    kind = SelectField(_l("Type"), choices=choices(INTERACTION_KINDS.items()))
    contact_id = SelectField(_l("Contact"), coerce=int, validators=[Optional()])
    occurred_at = DateTimeLocalField(_l("Date and time"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                     validators=[InputRequired(message=_l("Enter the date and time."))])
    summary = TextAreaField(_l("Summary"), validators=[DataRequired(message=REQUIRED), Length(max=5000)])
    next_step = StringField(_l("Next step"), validators=[Optional(), Length(max=500)])
    next_follow_up_on = DateField(_l("Next follow-up date"), validators=[Optional()])
    is_follow_up_visit = BooleanField(_l("Follow-up visit (回访)"))

    def validate_next_follow_up_on(self, field):
        if field.data and self.occurred_at.data and field.data < self.occurred_at.data.date():
            raise ValidationError(_l("The next follow-up cannot be before the interaction."))


class ComplaintForm(FlaskForm):
    category = SelectField(_l("Category"), choices=choices(COMPLAINT_CATEGORIES.items()))
    severity = SelectField(_l("Severity"), choices=choices(SEVERITIES.items()), default="medium")
    subject = StringField(_l("Subject"), validators=[DataRequired(message=REQUIRED), Length(max=200)])
    description = TextAreaField(lazy_pgettext("complaint", "Description"), validators=[DataRequired(message=REQUIRED), Length(max=10000)])
    contract_id = SelectField(_l("Contract"), coerce=int, validators=[Optional()])
    department_id = SelectField(_l("Assigned department"), coerce=int,
                                validators=[DataRequired(message=_l("Choose a department."))])
    assignee_id = SelectField(_l("Assigned person"), coerce=int, validators=[Optional()])
    attachment = FileField(_l("Attachment (photo, PDF, Word or Excel)"))


class AssignForm(FlaskForm):
    department_id = SelectField(_l("Assigned department"), coerce=int,
                                validators=[DataRequired(message=_l("Choose a department."))])
    assignee_id = SelectField(_l("Assigned person"), coerce=int, validators=[Optional()])
    version_id = VersionField()


class TransitionForm(FlaskForm):
    version_id = VersionField()


class ResolveForm(FlaskForm):
    resolution = TextAreaField(_l("Resolution"), validators=[
        DataRequired(message=_l("Describe how the complaint was resolved.")), Length(max=10000)])
    version_id = VersionField()


class AttachmentForm(FlaskForm):
    attachment = FileField(_l("Attachment (photo, PDF, Word or Excel)"))


class SurveyForm(FlaskForm):
    contact_id = SelectField(_l("Contact"), coerce=int,
                             validators=[DataRequired(message=_l("Choose the contact who will answer."))])


SCORES = [(5, "5"), (4, "4"), (3, "3"), (2, "2"), (1, "1")]


class PublicSurveyForm(FlaskForm):
    overall = RadioField(_l("Overall, how satisfied are you with us?"), coerce=int, choices=choices(SCORES),
                         validators=[InputRequired(message=_l("Please choose a score from 1 to 5."))])
    quality = RadioField(_l("Product quality"), coerce=int, default=0,
                         choices=choices(SCORES + [(0, _l("Not applicable"))]))
    delivery = RadioField(lazy_pgettext("survey", "Delivery"), coerce=int, default=0,
                          choices=choices(SCORES + [(0, _l("Not applicable"))]))
    communication = RadioField(_l("Communication"), coerce=int, default=0,
                               choices=choices(SCORES + [(0, _l("Not applicable"))]))
    comments = TextAreaField(_l("Comments"), validators=[Optional(), Length(max=4000)])


class CaseRecordForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=REQUIRED), Length(max=200)])
    occurred_on = DateField(_l("Date of the case"), validators=[DataRequired(message=_l("Enter a valid date."))])
    problem = TextAreaField(_l("Problem"), validators=[DataRequired(message=REQUIRED), Length(max=10000)])
    actions = TextAreaField(_l("Actions taken"), validators=[DataRequired(message=REQUIRED), Length(max=10000)])
    outcome = TextAreaField(lazy_pgettext("case", "Outcome"), validators=[DataRequired(message=REQUIRED), Length(max=10000)])
    lessons = TextAreaField(_l("Lessons learned"), validators=[DataRequired(message=REQUIRED), Length(max=10000)])
    version_id = VersionField()
