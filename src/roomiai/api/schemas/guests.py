"""Guest profiles, in the blueprint's shape."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from .common import Code, GuestContact, Instant, LongText, Phone, Request, ShortText

Short = Annotated[str, StringConstraints(min_length=1, max_length=80)]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")]


class Preferences(Request):
    room_type: Code | None = None
    floor_preference: Literal["high", "low", "any"] | None = None
    bed_preference: Literal["KING", "QUEEN", "TWIN"] | None = None
    view_preference: Annotated[str, StringConstraints(min_length=1, max_length=16, to_lower=True)] | None = None
    smoking: bool | None = None
    dietary_restrictions: list[ShortText] = Field(default_factory=list, max_length=10)
    accessibility_needs: list[ShortText] = Field(default_factory=list, max_length=10)
    special_requests: list[ShortText] = Field(default_factory=list, max_length=20)

    @field_validator("bed_preference", "floor_preference", mode="before")
    @classmethod
    def _case(cls, value: Any, info) -> Any:
        if not isinstance(value, str):
            return value
        return value.strip().upper() if info.field_name == "bed_preference" else value.strip().lower()


class Address(Request):
    street: ShortText | None = None
    city: Short | None = None
    state: Short | None = None
    postal_code: Annotated[str, StringConstraints(min_length=1, max_length=16)] | None = None
    country: Short | None = None


class IdDocument(Request):
    type: Literal["passport", "drivers_license", "national_id"]
    number: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9 -]{4,32}$")]
    expiry_date: dt.date | None = None
    issuing_country: Short | None = None


class Loyalty(Request):
    member_id: Annotated[str, StringConstraints(min_length=1, max_length=32)] | None = None
    tier: Literal["bronze", "silver", "gold", "platinum"] = "bronze"
    points: int = Field(0, ge=0, le=100_000_000)
    join_date: dt.date | None = None


class CommunicationPreferences(Request):
    email_marketing: bool = False
    sms_notifications: bool = False
    preferred_language: Language = "en"


class GuestCreate(GuestContact):
    alternate_phone: Phone | None = None
    address: Address | None = None
    date_of_birth: dt.date | None = Field(None, ge=dt.date(1900, 1, 1))
    nationality: Short | None = None
    id_document: IdDocument | None = None
    preferences: Preferences | None = None
    loyalty: Loyalty | None = None
    communication_preferences: CommunicationPreferences | None = None
    notes: LongText | None = None
    tags: list[Annotated[str, StringConstraints(min_length=1, max_length=32)]] = Field(
        default_factory=list, max_length=20
    )


class PhoneRead(BaseModel):
    country_code: str
    number: str


class StayHistory(BaseModel):
    total_stays: int
    total_nights: int
    total_revenue: float
    first_stay: dt.date | None
    last_stay: dt.date | None


class GuestBooking(BaseModel):
    confirmation_number: str
    status: str
    check_in_date: dt.date
    check_out_date: dt.date
    nights: int
    room_type: str
    room_numbers: list[str]
    grand_total: float
    currency: str


class GuestRead(BaseModel):
    guest_id: str
    title: str | None
    first_name: str
    last_name: str
    email: str | None
    phone: PhoneRead | None
    alternate_phone: PhoneRead | None
    address: dict[str, Any] | None
    date_of_birth: dt.date | None
    nationality: str | None
    id_document: dict[str, Any] | None = Field(description="the document number shows only its last four characters")
    preferences: dict[str, Any]
    loyalty: dict[str, Any] | None
    communication_preferences: dict[str, Any]
    stay_history: StayHistory
    contact_history: list[dict[str, Any]] = Field(
        default_factory=list,
        description="e-mail addresses and phones the guest gave before the current ones, with when they were replaced",
    )
    notes: str
    tags: list[str]
    upcoming_bookings: list[GuestBooking]
    past_bookings: list[GuestBooking]
    created_at: Instant
    updated_at: Instant


class GuestSummary(BaseModel):
    guest_id: str
    name: str
    email: str | None
    phone: PhoneRead | None
    loyalty_tier: str | None
    total_stays: int
    last_stay: dt.date | None


class GuestSearchResult(BaseModel):
    count: int
    guests: list[GuestSummary]


class PreferencesRead(BaseModel):
    guest_id: str
    preferences: dict[str, Any]
    updated_at: Instant
