"""POST /v1/bookings/lookup: verify a caller by what only the guest knows, and list their open bookings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, StringConstraints, model_validator

from ..domain.errors import Forbidden, NotFound
from ..services import booking_lookup
from .booking_proof import Guard
from .bookings import booking_read
from .deps import AnyRole, ContainerDep, ReadUow
from .schemas.bookings import BookingRead
from .schemas.common import Name, Request
from .voice_keys import CALL_KEY_HEADER, CALL_SESSION_HEADER, CallDep

router = APIRouter(prefix="/v1/bookings", tags=["bookings"])


class BookingLookup(Request):
    """A confirmation number with the guest's last name, or the guest's phone number (optionally with the last name)."""

    confirmation_number: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = None
    last_name: Name | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^\+?[\d\s().-]{4,24}$")] | None = None

    @model_validator(mode="after")
    def _combination(self) -> BookingLookup:
        if not ((self.confirmation_number and self.last_name) or self.phone):
            raise ValueError("give confirmation_number with last_name, or phone")
        return self


class BookingLookupResult(BaseModel):
    bookings: list[BookingRead]


class PhoneNotCallerId(Forbidden):
    code = "phone_not_caller_id"


PHONE_NOT_CALLER_ID = (
    "A phone number proves who the caller is only when the call comes from it: the agent looks bookings "
    f"up by phone only for the caller ID of its call ({CALL_SESSION_HEADER} and {CALL_KEY_HEADER}). "
    "Otherwise ask for the confirmation number and the guest's last name."
)


@router.post(
    "/lookup",
    response_model=BookingLookupResult,
    summary="Find a caller's open bookings to verify them",
    responses={429: {"description": "too many lookups that found nothing from this caller; see Retry-After"}},
)
async def lookup_bookings(
    body: BookingLookup, uow: ReadUow, c: ContainerDep, principal: AnyRole, guard: Guard, call: CallDep
) -> BookingLookupResult:
    """Lookups that find nothing are counted (lookup_limit.py); the agent finds bookings by phone only for its caller ID."""
    if body.phone and principal.role == "agent" and not (call and call.comes_from(body.phone)):
        raise PhoneNotCallerId(PHONE_NOT_CALLER_ID, field="phone")
    await guard.check()
    try:
        found = await booking_lookup.lookup(
            uow,
            today=c.clock.today(),
            confirmation_number=body.confirmation_number,
            last_name=body.last_name,
            phone=body.phone,
        )
    except NotFound:  # a success never resets the count: a shared agent token must not clear a guesser's failures
        await guard.failed()
        raise
    return BookingLookupResult(bookings=[booking_read(booking) for booking in found])
