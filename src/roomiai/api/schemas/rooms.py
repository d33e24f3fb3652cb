"""Room types, rates and availability."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class BedConfiguration(BaseModel):
    code: str
    description: str


class RoomTypeRead(BaseModel):
    id: str
    code: str
    name: str
    description: str
    base_occupancy: int
    max_occupancy: int
    extra_person_charge: float
    bed_configurations: list[BedConfiguration]
    amenities: list[str]
    size_sqft: int | None
    view_options: list[str]
    is_accessible: bool
    images: list[str]
    rooms: int


class RoomTypeList(BaseModel):
    room_types: list[RoomTypeRead]


class CancellationPolicy(BaseModel):
    type: str
    free_cancellation_hours: int
    penalty_type: str
    penalty_amount: int
    refundable: bool


class RatePlanRead(BaseModel):
    rate_code: str
    name: str
    description: str
    base_rate: float
    currency: str
    rate_type: str
    day_of_week_rates: dict[str, float]
    includes: list[str]
    eligibility: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    min_stay: int
    max_stay: int
    advance_booking_days: int
    cancellation_policy: CancellationPolicy
    cancellation: str
    is_refundable: bool
    is_active: bool


class RatePlanList(BaseModel):
    room_type_id: str
    room_type: str
    rates: list[RatePlanRead]


class NightPrice(BaseModel):
    date: dt.date
    rate: float
    extra_person: float


class Line(BaseModel):
    name: str
    amount: float


class RateOptionRead(BaseModel):
    rate_code: str
    name: str
    per_night: float
    total: float
    taxes: float
    fees: float
    grand_total: float
    currency: str
    nightly: list[NightPrice]
    tax_lines: list[Line]
    fee_lines: list[Line]
    includes: list[str]
    eligibility: str
    cancellation: str
    refundable: bool


class NightAvailability(BaseModel):
    date: dt.date
    available: int


class RoomOptionRead(BaseModel):
    room_type_id: str
    room_type_code: str
    room_type: str
    available_count: int
    nightly_availability: list[NightAvailability]
    views_available: list[str]
    beds_available: list[str]
    max_occupancy: int
    rates: list[RateOptionRead]


class DateRange(BaseModel):
    check_in: dt.date
    check_out: dt.date
    nights: int


class UnavailableRead(BaseModel):
    room_type_id: str
    room_type_code: str
    room_type: str
    reason: str
    code: str = Field(
        description="sold_out, too_many_guests, too_many_adults, stay_too_short, stay_too_long, book_ahead, "
        "not_yet_valid, no_longer_valid, rate_inactive, or no_rate when the rates were refused for different reasons"
    )
    limit: int | None = Field(
        None, description="the number the code is about: most guests or adults, fewest or most nights, days ahead"
    )


class AvailabilityRead(BaseModel):
    available: bool
    date_range: DateRange
    guests: dict[str, int]
    rooms_needed: int
    options: list[RoomOptionRead]
    unavailable: list[UnavailableRead]
