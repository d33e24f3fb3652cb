"""Types shared by the API schemas."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


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
