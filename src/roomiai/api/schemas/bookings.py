"""Booking requests and responses, in the blueprint's shapes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, EmailStr, Field, StringConstraints, model_validator

from .common import Code, GuestContact, Instant, LongText, Name, Request, ShortText

Time = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
EmailStatus = Literal["queued", "sent", "failed"]


class GuestCount(Request):
    adults: int = Field(1, ge=1, le=20)
    children: int = Field(0, ge=0, le=20)
    infants: int = Field(0, ge=0, le=10)


PrimaryGuest = GuestContact


class AdditionalGuest(Request):
    first_name: Name
    last_name: Name | None = None
    is_adult: bool = True
    age: int | None = Field(None, ge=0, le=120)


class CardInput(Request):
    card_number: Annotated[str, StringConstraints(max_length=30)]
    expiry: Annotated[str, StringConstraints(max_length=7)]
    cvv: Annotated[str, StringConstraints(max_length=4)] | None = None
    name_on_card: Annotated[str, StringConstraints(max_length=80)] | None = None

    def __repr__(self) -> str:
        return "CardInput(<redacted>)"

    __str__ = __repr__


class RoomPreferences(Request):
    floor: Literal["high", "low", "specific", "any"] | None = None
    floor_number: int | None = Field(None, ge=0, le=200)
    near_elevator: bool | None = None
    connecting_rooms: bool | None = None
    quiet_room: bool | None = None
    other: list[ShortText] = Field(default_factory=list, max_length=10)


class BookingCreate(Request):
    check_in: dt.date
    check_out: dt.date
    room_type_id: Code = Field(description="room type id or code, e.g. DLX")
    rate_code: Code = "BAR"
    rooms: int = Field(1, ge=1, le=9)
    bed_configuration: Annotated[str, StringConstraints(max_length=16, to_upper=True)] | None = None
    view: Annotated[str, StringConstraints(max_length=16, to_lower=True)] | None = None
    guests: GuestCount = Field(default_factory=GuestCount)
    primary_guest: PrimaryGuest
    additional_guests: list[AdditionalGuest] = Field(default_factory=list, max_length=20)
    special_requests: list[ShortText] = Field(default_factory=list, max_length=20)
    special_occasion: Annotated[str, StringConstraints(max_length=64)] | None = None
    estimated_arrival: Time | None = None
    room_preferences: RoomPreferences | None = None
    packages: list[Code] = Field(default_factory=list, max_length=10)
    discount_code: Code | None = None
    payment: CardInput | None = None
    payment_token: Annotated[str, StringConstraints(max_length=128)] | None = Field(
        None, description="a card saved earlier with POST /v1/payments/cards (instead of `payment`)"
    )
    accept_policies: bool = False
    voice_session_id: Annotated[str, StringConstraints(max_length=64)] | None = None
    booking_source: Literal["voice_agent", "website", "phone", "walk_in", "email", "ota"] = "phone"
    booking_channel: Literal["direct", "ota", "corporate"] = "direct"


EMPTIABLE_ON_CHANGE = {"bed_configuration", "view", "special_occasion", "estimated_arrival", "modification_reason"}


class BookingModify(Request):
    check_in: dt.date | None = None
    check_out: dt.date | None = None
    room_type_id: Code | None = None
    rate_code: Code | None = None
    rooms: int | None = Field(None, ge=1, le=9)
    bed_configuration: Annotated[str, StringConstraints(max_length=16, to_upper=True)] | None = None
    view: Annotated[str, StringConstraints(max_length=16, to_lower=True)] | None = None
    guests: GuestCount | None = None
    additional_guests: list[AdditionalGuest] | None = Field(None, max_length=20)
    special_requests: list[ShortText] | None = Field(None, max_length=20)
    special_occasion: Annotated[str, StringConstraints(max_length=64)] | None = None
    estimated_arrival: Time | None = None
    room_preferences: RoomPreferences | None = None
    modification_reason: LongText | None = None

    @model_validator(mode="after")
    def _nothing_emptied_that_a_booking_needs(self) -> BookingModify:
        emptied = sorted(name for name in self.model_fields_set - EMPTIABLE_ON_CHANGE if getattr(self, name) is None)
        if emptied:
            raise ValueError(f"{', '.join(emptied)} cannot be null: leave a field out to keep what the booking has")
        return self

    def changes(self) -> dict[str, Any]:
        data = self.model_dump(exclude_unset=True, exclude={"modification_reason", "guests", "room_type_id"})
        if self.room_type_id is not None:
            data["room_type"] = self.room_type_id
        if self.guests is not None:
            data.update(self.guests.model_dump(exclude_unset=True))
        return data


class BookingCancel(Request):
    cancellation_reason: LongText | None = None


class CheckIn(Request):
    room_numbers: list[Annotated[str, StringConstraints(max_length=16)]] | None = Field(None, max_length=9)


class PricingRead(BaseModel):
    room_total: float
    packages: float
    package_lines: list[dict[str, Any]]
    discounts: float
    discount_lines: list[dict[str, Any]]
    taxes: float
    tax_lines: list[dict[str, Any]]
    fees: float
    fee_lines: list[dict[str, Any]]
    grand_total: float
    currency: str
    nightly: list[dict[str, Any]]


class HistoryEntry(BaseModel):
    action: str
    timestamp: Instant
    modified_by: str
    changes: dict[str, Any]
    reason: str | None


class BookingRead(BaseModel):
    confirmation_number: str
    status: str
    check_in: str
    check_out: str
    check_in_date: dt.date
    check_out_date: dt.date
    nights: int
    room_type_id: str
    room_type_code: str
    room_type: str
    rooms: int
    room_numbers: list[str]
    rate_code: str
    view: str | None
    bed: str | None
    guest_id: str
    guest_name: str
    guest_last_name: str
    guests: dict[str, int]
    pricing: PricingRead
    payment_status: str
    payment_method: dict[str, Any] | None
    cancellation_policy: dict[str, Any]
    cancellation: dict[str, Any] | None
    special_requests: list[str]
    special_occasion: str | None
    estimated_arrival: str | None
    booking_source: str
    created_at: Instant
    modification_history: list[HistoryEntry]
    confirmation_email: EmailStatus | None = Field(
        None,
        description="the latest e-mail to the guest about this booking: queued (not yet delivered), sent, failed; "
        "null when none was sent (no address, or mail is off)",
    )


class BookingCreated(BaseModel):
    success: bool = True
    booking: BookingRead
    confirmation_email_sent: bool = Field(False, description="true once the confirmation has been delivered")
    confirmation_email: EmailStatus | None = None
    confirmation_email_to: str | None = Field(None, description="the address the confirmation was queued for")


class BookingModified(BaseModel):
    success: bool = True
    preview: bool
    price_change: dict[str, Any]
    booking: BookingRead


class Refund(BaseModel):
    eligible: bool
    amount: float
    status: str
    estimated_days: int


class BookingCancelled(BaseModel):
    success: bool = True
    preview: bool
    confirmation_email: EmailStatus | None = None
    cancellation_reference: str
    free_cancellation: bool
    deadline: str | None
    penalty: float
    paid: float
    refund: Refund
    currency: str


class BookingSummary(BaseModel):
    confirmation_number: str
    status: str
    check_in_date: dt.date
    check_out_date: dt.date
    nights: int
    room_type: str
    guest_name: str
    grand_total: float
    currency: str


class BookingSearchResult(BaseModel):
    count: int
    bookings: list[BookingSummary]


class MessageRead(BaseModel):
    id: str
    message_id: str = Field(description="the RFC 5322 Message-ID, the same on every delivery attempt")
    channel: Literal["email", "sms"]
    kind: str
    recipient: str
    subject: str
    status: Literal["queued", "sending", "sent", "failed"]
    attempts: int
    next_attempt_at: Instant | None
    last_error: str | None
    sent_at: Instant | None
    created_by: str
    created_at: Instant


class BookingMessages(BaseModel):
    confirmation_number: str
    delivery: str | None = Field(description="how e-mails go out: smtp or files; null when mail is off")
    count: int
    messages: list[MessageRead]


class MessageResend(Request):
    to: EmailStr | None = Field(None, description="a corrected address; left out: the message's own")
