"""Types shared by the API schemas."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, PlainSerializer, StringConstraints, model_validator


class Request(BaseModel):
    """Request bodies refuse fields they do not know, so typos are reported instead of ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


Name = Annotated[str, StringConstraints(min_length=1, max_length=80)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=2000)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=40)]


def money(cents: int) -> float:
    return round(cents / 100, 2)


class Phone(Request):
    country_code: Annotated[str, StringConstraints(pattern=r"^\+?\d{1,4}$")] = Field("+1", examples=["+1"])
    number: Annotated[str, StringConstraints(pattern=r"^[\d\s().-]{4,20}$")] = Field(examples=["5551234567"])


def _utc(value: dt.datetime) -> str:
    value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


Instant = Annotated[dt.datetime, PlainSerializer(_utc, return_type=str)]
"""An instant, always written in UTC (e.g. 2026-01-12T17:00:00Z) whatever zone it was made in."""


class GuestContact(Request):
    """Who the guest is and how the hotel reaches them: an email or a phone is required."""

    title: Annotated[str, StringConstraints(max_length=16)] | None = None
    first_name: Name
    last_name: Name
    email: EmailStr | None = None
    phone: Phone | None = None

    @model_validator(mode="after")
    def _contact(self) -> GuestContact:
        if not self.email and not self.phone:
            raise ValueError("give an email or a phone number so the hotel can reach the guest")
        return self
