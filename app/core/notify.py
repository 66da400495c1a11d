"""In-app notifications, written in the reader's language when shown."""
from flask_babel import gettext

from app.core.models import Notification
from app.extensions import db


def N_(msgid: str) -> str:  # noqa: N802 - the gettext marker name
    """Mark a message for extraction without translating it now."""
    return msgid


def notify(user_id: int | None, message: str, link: str = "", **params) -> None:
    """Queue a notification; ``message`` is a msgid marked with ``N_`` and formatted with ``params``."""
    if user_id is None:
        return
    db.session.add(Notification(user_id=user_id, message=message, params=params, link=link))


def render(notification: Notification) -> str:
    text = gettext(notification.message)
    try:
        return text % notification.params if notification.params else text
    except (KeyError, TypeError, ValueError):
        return text
