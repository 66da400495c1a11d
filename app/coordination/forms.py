"""Forms of the coordination area; choices are filled in the views."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.coordination.models import REQUEST_KINDS
from app.core.calendar import company_today
from app.core.forms import VersionField, choices


def _text(value):
    """Textareas post CR LF; keep plain line breaks (they become line breaks in Word too)."""
    if value is None:
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\a", "").replace("\f", "").strip()


def _line(value):
    return value.strip() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), filters=[_line], validators=[
        DataRequired(message=_l("Enter a title.")), Length(max=200)])
    starts_at = DateTimeLocalField(_l("Date and time"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                   validators=[InputRequired(message=_l("Enter the date and time of the meeting."))])
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=60, validators=[
        InputRequired(message=_l("Enter the duration in minutes.")),
        NumberRange(min=5, max=720, message=_l("Between 5 and 720 minutes."))])
    location = StringField(_l("Location"), filters=[_line], validators=[Optional(), Length(max=200)])
    department_ids = MultiCheckboxField(_l("Departments"), coerce=int, validators=[
        DataRequired(message=_l("Choose at least one department."))])
    attendee_ids = SelectMultipleField(_l("Internal attendees"), coerce=int, validators=[Optional()])
    external_attendees = TextAreaField(_l("External attendees (one name per line)"), filters=[_text],
                                       validators=[Optional(), Length(max=4000)])
    agenda = TextAreaField(_l("Agenda"), filters=[_text], validators=[Optional(), Length(max=20000)])
    minutes = TextAreaField(_l("Minutes"), filters=[_text], validators=[Optional(), Length(max=50000)])
    decisions = TextAreaField(_l("Decisions"), filters=[_text], validators=[Optional(), Length(max=20000)])
    version_id = VersionField()


class NextMeetingForm(FlaskForm):
    starts_at = DateTimeLocalField(_l("Date and time of the next meeting"),
                                   format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                   validators=[InputRequired(message=_l("Enter the date and time of the meeting."))])


class ActionItemForm(FlaskForm):
    title = StringField(_l("Action"), filters=[_line], validators=[
        DataRequired(message=_l("Describe the action.")), Length(max=300)])
    owner_id = SelectField(_l("Owner"), coerce=int, validators=[DataRequired(message=_l("Choose an owner."))])
    department_id = SelectField(_l("Department"), coerce=int, validators=[Optional()])
    due_on = DateField(_l("Due date"), validators=[InputRequired(message=_l("Enter a valid due date."))])


class DoneForm(FlaskForm):
    done_on = DateField(_l("Done on"), validators=[InputRequired(message=_l("Enter a valid date."))])

    def validate_done_on(self, field):
        if field.data and field.data > company_today():
            raise ValidationError(_l("The date cannot be in the future."))


class ResourceRequestForm(FlaskForm):
    department_id = SelectField(_l("Department"), coerce=int, validators=[
        DataRequired(message=_l("Choose the department."))])
    kind = SelectField(_l("Kind"), choices=choices(REQUEST_KINDS.items()), validators=[DataRequired()])
    title = StringField(_l("Subject"), filters=[_line], validators=[
        DataRequired(message=_l("Enter a subject.")), Length(max=200)])
    details = TextAreaField(_l("Details"), filters=[_text], validators=[Optional(), Length(max=20000)])
    customer_id = SelectField(_l("Customer"), coerce=int, validators=[Optional()])
    contract_reference = StringField(_l("Contract number"), filters=[_line], validators=[
        Optional(), Length(max=40)])
    needed_by_on = DateField(_l("Needed by"), validators=[InputRequired(message=_l("Enter a valid date."))])
    version_id = VersionField()


class AcceptForm(FlaskForm):
    note = TextAreaField(_l("Note to the requester"), filters=[_text], validators=[Optional(), Length(max=4000)])


class FulfilForm(FlaskForm):
    fulfilled_on = DateField(_l("Fulfilled on"), validators=[InputRequired(message=_l("Enter a valid date."))])
    note = TextAreaField(_l("Note to the requester"), filters=[_text], validators=[Optional(), Length(max=4000)])

    def validate_fulfilled_on(self, field):
        if field.data and field.data > company_today():
            raise ValidationError(_l("The date cannot be in the future."))


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), filters=[_text], validators=[
        DataRequired(message=_l("Say why the request is rejected.")), Length(max=4000)])
