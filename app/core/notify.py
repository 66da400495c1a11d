"""In-app notifications, written in the reader's language when shown; optionally also e-mailed."""
import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, has_app_context
from flask_babel import force_locale, gettext
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.models import Notification
from app.extensions import db

log = logging.getLogger(__name__)


def N_(msgid: str) -> str:  # noqa: N802 - the gettext marker name
    """Mark a message for extraction without translating it now."""
    return msgid


def notify(user_id: int | None, message: str, link: str = "", **params) -> None:
    """Queue a notification; ``message`` is a msgid marked with ``N_`` and formatted with ``params``."""
    if user_id is None:
        return
    row = Notification(user_id=user_id, message=message, params=params, link=link)
    db.session.add(row)
    if has_app_context() and current_app.config.get("SMTP_HOST"):
        from app.auth.models import User

        user = db.session.get(User, user_id)
        if user is not None and user.email:
            db.session.info.setdefault("mail_queue", []).append((user.email, user.locale, message, params, link))


def render(notification: Notification) -> str:
    text = gettext(notification.message)
    try:
        return text % notification.params if notification.params else text
    except (KeyError, TypeError, ValueError):
        return text


@event.listens_for(Session, "after_commit")
def _send_mail(session: Session) -> None:
    """With SMTP configured, the same texts also go out by e-mail once the change is committed."""
    queue = session.info.pop("mail_queue", [])
    if not queue or not has_app_context():
        return
    config = current_app.config
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
            if config.get("SMTP_USER"):
                smtp.starttls()
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            for email, locale, msgid, params, link in queue:
                with force_locale(locale or config["BABEL_DEFAULT_LOCALE"]):
                    text = render(Notification(message=msgid, params=params))
                    subject = gettext("TradeDesk") + ": " + text[:80]
                message = EmailMessage()
                message["From"] = config["SMTP_FROM"] or config["SMTP_USER"]
                message["To"] = email
                message["Subject"] = subject
                message.set_content(text + ("\n\n" + link if link else ""))
                smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("Notification e-mail not sent: %s", exc)
