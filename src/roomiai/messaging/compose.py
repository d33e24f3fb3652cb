"""A guest e-mail: subject, plain text and HTML from the templates, an optional .ics calendar attachment."""

from __future__ import annotations

import datetime as dt
import email.policy
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from .templates import Block, MailTemplates, Value


@dataclass(frozen=True)
class Composed:
    subject: str
    message: bytes


def mail_domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "roomiai.invalid"


def compose_email(
    templates: MailTemplates,
    *,
    kind: str,
    variables: dict[str, Value],
    sender: str,
    sender_name: str,
    reply_to: str | None,
    recipient: str,
    message_id: str,
    now: dt.datetime,
    ics: str | None = None,
) -> Composed:
    """The message as bytes ready for SMTP (CRLF line endings)."""
    parts = dict(variables)
    parts["stay_details"] = Block(
        templates.render("stay_details.txt", variables), templates.render("stay_details.html", variables)
    )
    subject = " ".join(templates.render(f"{kind}.subject.txt", parts).split())
    message = EmailMessage(policy=email.policy.SMTP)
    address = parseaddr(sender)[1] or sender
    message["From"] = Address(display_name=parseaddr(sender)[0] or sender_name, addr_spec=address)
    message["To"] = recipient
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = subject
    message["Date"] = format_datetime(now.astimezone(dt.UTC))
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(templates.render(f"{kind}.txt", parts))
    message.add_alternative(templates.render(f"{kind}.html", parts), subtype="html")
    if ics is not None:
        method = "CANCEL" if "METHOD:CANCEL" in ics else "PUBLISH"
        message.add_attachment(
            ics.encode(), maintype="text", subtype="calendar", filename="stay.ics", params={"method": method}
        )
    return Composed(subject=subject, message=message.as_bytes())
