"""Form helpers shared by every area."""
from collections.abc import Iterable

from wtforms import HiddenField
from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 ``SelectChoice`` objects (tuples are deprecated there)."""
    return [SelectChoice(value, label) for value, label in pairs]


class VersionField(HiddenField):
    """Carries the record's ``version_id`` so that a stale save can be refused."""
