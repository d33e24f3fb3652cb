"""What the booking use cases need to write guests' messages: the templates, the sender address, the channels on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .compose import Composed, compose_email, mail_domain
from .templates import MailTemplates, Value


@dataclass
class Mail:
    templates: MailTemplates
    sender: str  # ROOMIAI_MAIL_FROM; empty: the hotel's own e-mail address
    transport: str  # smtp or files, shown to staff
    sms: bool = False  # an SMS transport is plugged in

    def from_address(self, hotel_email: str | None) -> str:
        return self.sender or hotel_email or "reservations@roomiai.invalid"

    def domain(self, hotel_email: str | None) -> str:
        return mail_domain(self.from_address(hotel_email))

    def compose(
        self,
        *,
        kind: str,
        variables: dict[str, Value],
        hotel_name: str,
        hotel_email: str | None,
        recipient: str,
        message_id: str,
        now: dt.datetime,
        ics: str | None,
    ) -> Composed:
        return compose_email(
            self.templates,
            kind=kind,
            variables=variables,
            sender=self.from_address(hotel_email),
            sender_name=hotel_name,
            reply_to=hotel_email,
            recipient=recipient,
            message_id=message_id,
            now=now,
            ics=ics,
        )

    def sms_text(self, *, kind: str, variables: dict[str, Value]) -> str:
        return " ".join(self.templates.render(f"{kind}.sms.txt", variables).split())


def files_folder(data_dir: Path) -> Path:
    return Path(data_dir) / "mail"
