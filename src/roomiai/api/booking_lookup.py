"""POST /v1/bookings/lookup: verify a caller by what only the guest knows, and list their open bookings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi import Request as HttpRequest
from pydantic import BaseModel, StringConstraints, model_validator

from ..domain.errors import NotFound
from ..services import booking_lookup
from .bookings import booking_read
from .deps import AnyRole, ContainerDep, ReadUow, client_address
from .schemas.bookings import BookingRead
from .schemas.common import Name, Request

router = APIRouter(prefix="/v1/bookings", tags=["bookings"])


class BookingLookup(Request):
    """A confirmation number with the guest's last name, or the guest's phone number (optionally with the last name)."""

    confirmation_number: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = None
    last_name: Name | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^\+?[\d\s().-]{4,24}$")] | None = None

    @model_validator(mode="after")
    def _combination(self) -> "BookingLookup":
        if not ((self.confirmation_number and self.last_name) or self.phone):
            raise ValueError("give confirmation_number with last_name, or phone")
        return self


class BookingLookupResult(BaseModel):
    bookings: list[BookingRead]


@router.post("/lookup", response_model=BookingLookupResult, summary="Find a caller's open bookings to verify them",
             responses={429: {"description": "too many lookups that found nothing from this client; see Retry-After"}})
async def lookup_bookings(body: BookingLookup, request: HttpRequest, uow: ReadUow, c: ContainerDep,
                          principal: AnyRole) -> BookingLookupResult:
    """Lookups that find nothing are counted per token and address: guessing names against numbers is throttled."""
    client = client_address(request)
    c.lookup_throttle.check(client, principal.actor)
    try:
        found = await booking_lookup.lookup(
            uow, today=c.clock.today(), confirmation_number=body.confirmation_number, last_name=body.last_name,
            phone=body.phone,
        )
    except NotFound:  # a success never resets the count: a shared agent token must not clear a guesser's failures
        c.lookup_throttle.failed(client, principal.actor)
        raise
    return BookingLookupResult(bookings=[booking_read(booking) for booking in found])
