from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from app.auth.forms import MIN_PASSWORD
from app.auth.models import ROLES
from app.core.forms import choices


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    username = StringField(_l("Username"), validators=[
        DataRequired(), Length(max=80),
        Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Letters, digits, dot, dash and underscore only."))])
    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=120)])
    email = StringField(_l("E-mail"), validators=[Optional(), Email(message=_l("Not a valid e-mail address.")),
                                                  Length(max=255)])
    roles = MultiCheckboxField(_l("Roles"), choices=choices(ROLES.items()))
    department_id = SelectField(_l("Department"), coerce=int, validators=[Optional()])
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(_l("Password"), validators=[
        Optional(), Length(min=MIN_PASSWORD, max=200, message=_l("At least %(min)d characters.", min=MIN_PASSWORD))])
    submit = SubmitField(_l("Save"))


class DepartmentForm(FlaskForm):
    code = StringField(_l("Code"), validators=[
        DataRequired(), Length(max=32), Regexp(r"^[a-z0-9_]+$", message=_l("Lower-case letters, digits and _ only."))])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=100)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)])
    head_id = SelectField(_l("Head"), coerce=int, validators=[Optional()])
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class CalendarDayForm(FlaskForm):
    day = DateField(_l("Date"), validators=[DataRequired(message=_l("Enter a valid date."))])
    is_working = SelectField(_l("Kind"), choices=choices([("0", _l("Holiday")), ("1", _l("Make-up working day (调休)"))]))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Add"))


class TemplateUploadForm(FlaskForm):
    file = FileField(_l("Word template (.docx)"), validators=[FileRequired(message=_l("Choose a file."))])
    submit = SubmitField(_l("Upload"))
