"""Guests' messages from the settings: SMTP (ROOMIAI_SMTP_URL), .eml files in the data folder (embedded default), or off."""

from __future__ import annotations

from ..clock import Clock
from ..config import Settings
from ..store.database import Database
from .eml_files import EmlFiles
from .mail import Mail, files_folder
from .port import EmailTransport, SmsTransport
from .sender import OutboxSender
from .smtp import SmtpTransport, parse_smtp_url
from .templates import MailTemplates


def build_messaging(
    settings: Settings,
    db: Database,
    clock: Clock,
    *,
    email: EmailTransport | None = None,
    sms: SmsTransport | None = None,
) -> tuple[Mail | None, OutboxSender | None]:
    """What the booking use cases queue with, and the sender that delivers it; (None, None) when mail is off."""
    delivery = settings.resolved_mail_delivery()
    if email is None:
        if delivery == "off":
            return None, None
        email = (
            SmtpTransport(parse_smtp_url(settings.smtp_url)) if delivery == "smtp" else EmlFiles(mail_folder(settings))
        )
    mail = Mail(
        templates=MailTemplates(settings.mail_templates_dir),
        sender=settings.mail_from,
        transport=email.name,
        sms=sms is not None,
    )
    sender = OutboxSender(
        db, clock=clock, email=email, sms=sms, sender=settings.mail_from, poll_seconds=settings.mail_poll_seconds
    )
    return mail, sender


def mail_folder(settings: Settings):
    return settings.mail_dir or files_folder(settings.data_dir)
