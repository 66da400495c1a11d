from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.core.forms import VersionField, choices
from app.plans.models import PLAN_KINDS

MONTH_NAMES = [_l("January"), _l("February"), _l("March"), _l("April"), _l("May"), _l("June"), _l("July"),
               _l("August"), _l("September"), _l("October"), _l("November"), _l("December")]


class PlanForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices(PLAN_KINDS.items()))
    year = IntegerField(_l("Year"), validators=[
        DataRequired(message=_l("Enter the year.")),
        NumberRange(min=2000, max=2100, message=_l("Enter a year between 2000 and 2100."))])
    month = SelectField(_l("Month"), coerce=int, choices=choices((i, MONTH_NAMES[i - 1]) for i in range(1, 13)))
    quarter = SelectField(_l("Quarter"), coerce=int, choices=choices((q, f"Q{q}") for q in range(1, 5)))
    strategy = TextAreaField(_l("Strategy"), validators=[Optional(), Length(max=20000)])
    markets = SelectMultipleField(_l("Markets of focus"), validators=[Optional()])
    product_ids = SelectMultipleField(_l("Products of focus"), coerce=int, validators=[Optional()])
    research_report_ids = SelectMultipleField(_l("Research reports"), coerce=int, validators=[Optional()])
    version_id = VersionField()


class TaskForm(FlaskForm):
    title = StringField(_l("Task"), validators=[DataRequired(message=_l("Describe the task.")), Length(max=300)])
    owner_id = SelectField(_l("Owner"), coerce=int)
    due_on = DateField(_l("Due date"), validators=[DataRequired(message=_l("Enter the due date."))])


class TaskDoneForm(FlaskForm):
    done_on = DateField(_l("Done on"), validators=[DataRequired(message=_l("Enter the date the task was done."))])


class ReviewForm(FlaskForm):
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=5000)])
    version_id = VersionField()


class AdjustmentForm(FlaskForm):
    made_on = DateField(_l("Date"), validators=[DataRequired(message=_l("Enter the date of the adjustment."))])
    what_changed = TextAreaField(_l("What changed"), validators=[
        DataRequired(message=_l("Say what changes in the plan.")), Length(max=5000)])
    reason = TextAreaField(_l("Why"), validators=[
        DataRequired(message=_l("Give the reason for the change.")), Length(max=5000)])
    strategy = TextAreaField(_l("Revised strategy"), validators=[Optional(), Length(max=20000)])
    cancel_task_id = SelectField(_l("Cancel a task"), coerce=int, validators=[Optional()])
    task_title = StringField(_l("New task"), validators=[Optional(), Length(max=300)])
    task_owner_id = SelectField(_l("Owner of the new task"), coerce=int, validators=[Optional()])
    task_due_on = DateField(_l("Due date of the new task"), validators=[Optional()])
    version_id = VersionField()
