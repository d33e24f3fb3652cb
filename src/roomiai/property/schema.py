"""The property document in the blueprint's collection and field names; amounts in currency units (150.00)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from ..api.schemas.admin import (
    Amount,
    DiscountCode,
    EarlyCheckIn,
    FeeItem,
    HotelSettingsDocument,
    LateCheckOut,
    PackageItem,
    Policies,
    TaxItem,
    VoiceAgentSettings,
)
from ..api.schemas.common import LongText, Name, Request

TypeCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,16}$", to_upper=True)]
RateCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,16}$", to_upper=True)]
RoomNumber = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,16}$")]
BedCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,16}$", to_upper=True)]
View = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,16}$", to_lower=True)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=80)]
Count = Annotated[int, Field(ge=1, le=50)]
ServiceStatus = Literal["available", "maintenance", "out_of_service"]

__all__ = [
    "DiscountCode",
    "EarlyCheckIn",
    "FeeItem",
    "LateCheckOut",
    "PackageItem",
    "Policies",
    "TaxItem",
    "VoiceAgentSettings",
    "Hotel",
    "BedConfiguration",
    "RoomType",
    "Room",
    "DayRates",
    "CancellationPolicy",
    "Rate",
    "PropertyDocument",
]


class Hotel(HotelSettingsDocument):
    """The `hotel_settings` fields; packages and discount codes have top-level sections of their own."""

    packages: None = Field(None, exclude=True, description="top-level `packages` instead")
    discount_codes: None = Field(None, exclude=True, description="top-level `discount_codes` instead")


class BedConfiguration(Request):
    code: BedCode
    description: Label


class RoomType(Request):
    type_code: TypeCode
    name: Name
    description: LongText = ""
    base_occupancy: Count
    max_occupancy: Count
    max_adults: Count | None = None
    extra_person_charge: Amount = 0
    bed_configurations: list[BedConfiguration] = Field(default_factory=list, max_length=10)
    amenities: list[Label] = Field(default_factory=list, max_length=50)
    size_sqft: Annotated[int, Field(ge=1, le=100_000)] | None = None
    view_options: list[View] = Field(default_factory=list, max_length=10)
    is_smoking_available: bool = False
    is_accessible: bool = False
    images: list[Annotated[str, StringConstraints(min_length=1, max_length=500)]] = Field(
        default_factory=list, max_length=20
    )


class Room(Request):
    room_number: RoomNumber
    floor: Annotated[int, Field(ge=-5, le=300)]
    type_code: TypeCode
    bed_configuration: BedCode
    view: View
    status: ServiceStatus = Field("available", description="occupied rooms are exported as available (in service)")
    is_smoking: bool = False
    is_accessible: bool = False
    features: list[Label] = Field(default_factory=list, max_length=20)
    connecting_room: RoomNumber | None = None
    notes: LongText = ""


class DayRates(Request):
    monday: Amount | None = None
    tuesday: Amount | None = None
    wednesday: Amount | None = None
    thursday: Amount | None = None
    friday: Amount | None = None
    saturday: Amount | None = None
    sunday: Amount | None = None


class CancellationPolicy(Request):
    type: Literal["flexible", "moderate", "strict", "non_refundable"] = "flexible"
    free_cancellation_hours: Annotated[int, Field(ge=0, le=720)] = 24
    penalty_amount: Annotated[int, Field(ge=0, le=1_000_000)] = Field(
        0, description="percent for percentage penalties, currency units for flat ones"
    )
    penalty_type: Literal["first_night", "percentage", "flat", "full_stay"] = "first_night"


class Rate(Request):
    rate_code: RateCode
    type_code: TypeCode
    name: Name
    description: LongText = ""
    base_rate: Amount
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "USD"
    rate_type: Literal["per_night", "per_stay"] = "per_night"
    includes: list[Label] = Field(default_factory=list, max_length=20)
    eligibility: LongText = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    day_of_week_rates: DayRates = Field(default_factory=DayRates)
    min_stay: Annotated[int, Field(ge=1, le=365)] = 1
    max_stay: Annotated[int, Field(ge=1, le=365)] = 30
    advance_booking_days: Annotated[int, Field(ge=0, le=730)] = 0
    cancellation_policy: CancellationPolicy = Field(default_factory=CancellationPolicy)
    is_refundable: bool = True
    is_active: bool = True


class PropertyDocument(Request):
    """The whole property: what `roomi hotel import` reads and `roomi hotel export` writes."""

    hotel: Hotel
    room_types: list[RoomType] = Field(default_factory=list, max_length=100)
    rooms: list[Room] = Field(default_factory=list, max_length=5000)
    rates: list[Rate] = Field(default_factory=list, max_length=2000)
    packages: list[PackageItem] = Field(default_factory=list, max_length=20)
    discount_codes: list[DiscountCode] = Field(default_factory=list, max_length=50)
