"""What the deterministic brain remembers during one call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .asked import Asked


class ConversationState(StrEnum):
    GREETING = "greeting"
    INTENT_DETECTION = "intent_detection"
    COLLECT_DATES = "collect_dates"
    COLLECT_GUESTS = "collect_guests"
    CHECK_AVAILABILITY = "check_availability"
    ROOM_SELECTION = "room_selection"
    RATE_SELECTION = "rate_selection"
    COLLECT_GUEST_INFO = "collect_guest_info"
    COLLECT_PAYMENT = "collect_payment"
    CONFIRM_BOOKING = "confirm_booking"
    VERIFICATION = "verification"
    MODIFICATION = "modification"
    CANCELLATION = "cancellation"
    SERVICE_REQUEST = "service_request"
    CLOSING = "closing"
    TRANSFER = "transfer"
    ERROR = "error"


class Task(StrEnum):
    NONE = "none"
    BOOK = "book"
    MODIFY = "modify"
    CANCEL = "cancel"
    SERVICE = "service"


@dataclass
class StaySlots:
    """What the caller wants for a stay; None means not said yet."""

    check_in: dt.date | None = None
    check_out: dt.date | None = None
    check_out_follows: str | None = None  # "day" ("the 4th") or "weekday" ("Sunday"): the next one after a new arrival
    nights: int | None = None
    adults: int | None = None
    children: int | None = None
    rooms: int = 1
    room_type: str | None = None  # code, e.g. DLX
    bed: str | None = None
    view: str | None = None
    rate_code: str | None = None
    room_wish: str | None = None  # "cheapest" or "biggest", said before the rooms on offer were known

    def resolved_check_out(self) -> dt.date | None:
        if self.check_out:
            return self.check_out
        if self.check_in and self.nights:
            return self.check_in + dt.timedelta(days=self.nights)
        return None

    def search_key(self) -> tuple:
        return (self.check_in, self.resolved_check_out(), self.adults, self.children or 0, self.rooms)


@dataclass
class GuestSlots:
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    email: str | None = None
    no_email: bool = False
    no_phone: bool = False  # declined, or gave an e-mail instead: the booking needs one of the two
    special_requests: list[str] = field(default_factory=list)
    occasion: str | None = None
    asked_extras: bool = False


@dataclass
class ServiceSlots:
    request_type: str | None = None
    room_number: str | None = None
    last_name: str | None = None  # the guest in the room, as the caller named them: the API's proof
    items: list[str] = field(default_factory=list)
    description: str | None = None
    priority: str = "normal"
    more: list[tuple[str, str]] = field(default_factory=list)  # (department, words) of further requests in one breath
    after_answer: str | None = None  # a request said with a question: filed once the question is answered


@dataclass
class Dialogue:
    state: ConversationState = ConversationState.GREETING
    task: Task = Task.NONE
    stay: StaySlots = field(default_factory=StaySlots)
    guest: GuestSlots = field(default_factory=GuestSlots)
    service: ServiceSlots = field(default_factory=ServiceSlots)
    availability: dict[str, Any] | None = None
    availability_key: tuple | None = None
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    alternative_offer: dict[str, Any] | None = None
    prepared: dict[str, Any] | None = None
    booked: dict[str, Any] | None = None
    # existing bookings
    confirmation_number: str | None = None
    last_name: str | None = None
    phone: str | None = None
    verified: list[dict[str, Any]] = field(default_factory=list)
    verify_failures: int = 0
    tried: tuple[str | None, str | None] | None = None  # (confirmation number, last name) no booking matched
    no_number: bool = False  # the caller has no confirmation number: the phone on the booking or the front desk
    stay_ended: bool = False  # the caller spoke of a stay that has ended: the front desk's, not a lookup's
    lookup: bool = False  # the caller asked to hear their booking, not (yet) to change it
    desk_change: bool = False  # the change asked for before the booking was found is one only the front desk makes
    change: dict[str, Any] = field(default_factory=dict)
    quote: dict[str, Any] | None = None
    # conversation
    asked: Asked | None = None  # the slot or question the last reply asked for
    misunderstood: int = 0
    unclear_on: Asked | None = None  # the question the caller's misunderstood answers were to
    card_last_four: str | None = None  # a card the secure step saved in this call (the brain never sees more)
    offered_transfer: bool = False
    last_reply: str = ""
    last_question: str = ""
    pending_after_tool: str | None = None  # how to read the next tool result (e.g. an alternative-dates search)
    offered_rate: str | None = None
    accepted_rate: tuple | None = None  # (rate code, room type) the caller said yes to
    prepared_args: dict[str, Any] | None = None
    year_checked: dt.date | None = None  # a date a year ahead the caller was asked about
    offered_rooms: list[str] = field(default_factory=list)  # room type codes of the last offer
    info_topics: list[str] = field(default_factory=list)  # hotel questions still to answer this turn
    info_answers: list[str] = field(default_factory=list)
    info_done: list[str] = field(default_factory=list)  # topics answered this turn (the tool's names)
    last_info: list[str] = field(default_factory=list)  # topics answered last turn: "is that per night?" asks again
    resume_booking: bool = False  # after the hotel's answers, go on with the stay asked about in the same breath
    pending_answer: str | None = None  # answers said before Roomi's next words
    unsure: set[str] = field(default_factory=set)  # details heard with low confidence, not yet confirmed (heard.py)
    yes_after_answer: bool = False  # "yes, and is there parking?": the yes to the offer counts once it is answered
