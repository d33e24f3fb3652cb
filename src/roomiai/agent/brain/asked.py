"""What Roomi's last reply asked the caller for: the key to reading their next words."""

from __future__ import annotations

from enum import StrEnum


class Asked(StrEnum):
    """The question waiting for an answer; a StrEnum, so it reads and logs as its plain name."""

    # conversation
    HOW_HELP = "how_help"
    ANYTHING_ELSE = "anything_else"
    TRANSFER = "transfer"
    # a new booking
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"
    NIGHTS = "nights"
    YEAR_CHECK = "year_check"
    GUESTS = "guests"
    ALTERNATIVE = "alternative"
    ROOM_TYPE = "room_type"
    BED = "bed"
    VIEW = "view"
    RATE = "rate"
    BOOK_IT = "book_it"
    ROOM_OR_RATE = "room_or_rate"
    NAME = "name"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    PHONE = "phone"
    EMAIL = "email"
    EXTRAS = "extras"
    EXTRAS_WHAT = "extras_what"
    CARD = "card"
    READ_BACK = "read_back"
    WHAT_CHANGE = "what_change"
    # an existing booking
    VERIFY = "verify"
    WHICH_BOOKING = "which_booking"
    CHANGE_WHAT = "change_what"
    CHANGE_CONFIRM = "change_confirm"
    CANCEL_CONFIRM = "cancel_confirm"
    FRONT_DESK = "front_desk"  # no confirmation number: shall the front desk find the booking?
    # a service request
    SERVICE_WHAT = "service_what"
    ROOM_NUMBER = "room_number"
    SERVICE_NAME = "service_name"
    # details from a turn the ears were unsure of, read back (see heard.py)
    HEARD_RIGHT = "heard_right"
