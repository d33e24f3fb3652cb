"""Admin: the dashboard, the call list and the hotel's settings (amounts in currency units, as stored)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from .common import Instant, LongText, Name, Request, ShortText
from .voice import CallSummary

Time = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Amount = Annotated[float, Field(ge=0, le=1_000_000)]
Percent = Annotated[float, Field(ge=0, le=100)]


def _phone_digits(value: str) -> str:
    if sum(char.isdigit() for char in value) > 15:  # E.164; more digits would be a card number, not a phone
        raise ValueError("a phone number has at most 15 digits")
    return value


PhoneText = Annotated[str, StringConstraints(pattern=r"^\+?[\d\s().-]{4,24}$"), AfterValidator(_phone_digits)]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
Topic = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class TodayStats(BaseModel):
    arrivals: int
    departures: int
    in_house: int
    available_rooms: int
    occupancy_rate: float


class VoiceAgentStats(BaseModel):
    calls_today: int
    bookings_completed: int
    conversion_rate: float
    avg_call_duration: int = Field(description="seconds, over today's finished calls")


class RevenueStats(BaseModel):
    today: float
    mtd: float


class DashboardRead(BaseModel):
    date: dt.date
    today: TodayStats
    voice_agent: VoiceAgentStats
    revenue: RevenueStats


class CallList(BaseModel):
    total: int
    limit: int
    offset: int
    calls: list[CallSummary]


class Address(Request):
    street: ShortText | None = None
    city: Name | None = None
    state: Name | None = None
    postal_code: Annotated[str, StringConstraints(min_length=1, max_length=16)] | None = None
    country: Name | None = None


class EarlyCheckIn(Request):
    available: bool = False
    fee: Amount = 0
    earliest_time: Time | None = None


class LateCheckOut(Request):
    available: bool = False
    fee: Amount = 0
    latest_time: Time | None = None


class CancellationDefault(Request):
    type: Literal["flexible", "moderate", "strict", "non_refundable"] = "flexible"
    free_cancellation_hours: int = Field(24, ge=0, le=720)
    penalty_type: Literal["first_night", "percentage", "flat", "full_stay"] = "first_night"
    penalty_amount: int | None = Field(None, ge=0, le=1_000_000)


class Policies(Request):
    cancellation_default: CancellationDefault | None = None
    deposit_required: bool = False
    deposit_percentage: Percent = 0
    children_policy: LongText | None = None
    pet_policy: LongText | None = None
    smoking_policy: LongText | None = None


class TaxItem(Request):
    name: Name
    type: Literal["percentage", "flat_per_night", "flat_per_stay"]
    amount: Amount = Field(description="percent for percentage taxes, currency units otherwise")

    @model_validator(mode="after")
    def _percent(self) -> TaxItem:
        if self.type == "percentage" and self.amount > 100:
            raise ValueError(f"a percentage tax is at most 100 (got {self.amount:g})")
        return self


class FeeItem(Request):
    name: Name
    amount: Amount
    per: Literal["night", "stay"] = "stay"


class PackageItem(Request):
    code: Topic
    name: Name
    price: Amount
    per: Literal["stay", "night", "person_night"] = "stay"
    description: LongText | None = None


class DiscountCode(Request):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{2,32}$", to_upper=True)]
    type: Literal["percentage", "flat"]
    amount: Amount
    description: LongText | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    min_nights: int = Field(1, ge=1, le=60)

    @model_validator(mode="after")
    def _consistent(self) -> DiscountCode:
        if self.type == "percentage" and self.amount > 100:
            raise ValueError(f"a percentage discount is at most 100 (got {self.amount:g})")
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValueError("valid_from must not be after valid_to")
        return self


class VoiceAgentSettings(Request):
    greeting_name: Name = "Roomi"
    voice_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    language: Language = "en-US"
    backup_language: Language | None = None
    max_call_duration: int = Field(900, ge=60, le=7200, description="seconds")
    transfer_number: PhoneText | None = None
    record_calls: bool | None = Field(
        None,
        description="keep each call's transcript and tell callers so in the greeting (unset: on); off: no "
        "notice, and nothing a caller says is stored",
    )
    recording_notice: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = Field(
        None,
        description="what Roomi says after the greeting when calls are recorded",
        examples=["This call is recorded to help us serve you."],
    )


class HotelSettingsUpdate(Request):
    """Any top-level sections; objects merge into what is stored, lists replace it, null removes a key."""

    name: Name | None = None
    brand: Name | None = None
    address: Address | None = None
    phone: PhoneText | None = None
    email: EmailStr | None = None
    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = Field(
        None, examples=["America/New_York"]
    )
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None
    check_in_time: Time | None = None
    check_out_time: Time | None = None
    early_check_in: EarlyCheckIn | None = None
    late_check_out: LateCheckOut | None = None
    policies: Policies | None = None
    info: Mapping[Topic, Text | None] | None = Field(
        None, max_length=50
    )  # a Mapping: the stored document narrows it to dict[Topic, Text]
    taxes: list[TaxItem] | None = Field(None, max_length=10)
    fees: list[FeeItem] | None = Field(None, max_length=10)
    packages: list[PackageItem] | None = Field(None, max_length=20)
    discount_codes: list[DiscountCode] | None = Field(None, max_length=50)
    voice_agent_settings: VoiceAgentSettings | None = None

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone such as America/New_York") from None
        return value

    @model_validator(mode="after")
    def _sections(self) -> HotelSettingsUpdate:
        if not self.model_fields_set:
            raise ValueError("give at least one section to change")
        for field, items in (("packages", self.packages), ("discount_codes", self.discount_codes)):
            codes = [item.code for item in items or []]
            repeated = sorted({code for code in codes if codes.count(code) > 1})
            if repeated:
                raise ValueError(f"{field} lists {', '.join(repeated)} more than once")
        return self


class HotelSettingsDocument(HotelSettingsUpdate):
    """The whole stored document: the same sections, with the essentials required."""

    hotel_id: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    name: Name
    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    info: dict[Topic, Text] = Field(default_factory=dict, max_length=50)


class HotelSettingsRead(HotelSettingsDocument):
    model_config = ConfigDict(extra="allow")

    updated_at: Instant
