"""Form helpers shared by every area."""
from collections.abc import Iterable

from wtforms import HiddenField
from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 ``SelectChoice`` objects (tuples are deprecated there)."""
    return [SelectChoice(value, label) for value, label in pairs]


class VersionField(HiddenField):
    """Carries the record's ``version_id`` so that a stale save can be refused."""


class Finite:
    """A decimal must be a real number the database can hold: not NaN or infinite, below 10^12."""

    LIMIT = 10 ** 12

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field):
        from flask_babel import gettext
        from wtforms.validators import ValidationError

        value = field.data
        if value is not None and (not value.is_finite() or abs(value) >= self.LIMIT):
            field.data = None  # later checks compare the value: NaN would raise there
            raise ValidationError(self.message or gettext("Enter a number below 1,000,000,000,000."))
