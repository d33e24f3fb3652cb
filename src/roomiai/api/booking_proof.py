"""What a caller must prove before the agent reads or changes a booking: the guest's last name, as the lookup checks it.

Every failed proof, on every route that takes one, counts against the lookup limit (lookup_limit.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import unquote

from fastapi import Depends, Header, Request

from ..domain.errors import Forbidden, NotFound
from ..services import bookings
from ..services.auth import Principal
from ..services.booking_lookup import NO_MATCH, name_key
from ..store.uow import UnitOfWork
from .deps import AnyRole, ContainerDep, client_address
from .lookup_limit import Keys, LookupLimit
from .voice_keys import CallDep

PROOF_HEADER = "X-Guest-Last-Name"
GuestLastName = Annotated[
    str | None,
    Header(
        alias=PROOF_HEADER,
        max_length=240,
        description="the guest's last name as the caller gave it, percent-encoded UTF-8 (M%C3%BCller); "
        "required for the agent role, checked for every role that sends it",
    ),
]
PROOF_REQUIRED = (
    f"The agent reaches a booking only with the guest's last name the caller gave: send it in the "
    f"{PROOF_HEADER} header, or verify the caller with POST /v1/bookings/lookup first."
)


@dataclass
class ProofGuard:
    """One request's place in the lookup limit: checked before looking, counted when the proof failed."""

    limit: LookupLimit
    keys: Keys

    async def check(self) -> None:
        await self.limit.check(self.keys)

    async def failed(self) -> None:
        await self.limit.failed(self.keys)


async def proof_guard(principal: AnyRole, call: CallDep, request: Request, c: ContainerDep) -> ProofGuard:
    """Counted per call and for the whole agent token (agent role), or per token and address (other roles)."""
    limit: LookupLimit = c.lookup_throttle
    if principal.role != "agent":
        return ProofGuard(limit, [(("client", principal.actor, client_address(request)), limit.failures_allowed)])
    caller = ("call", call.session_id) if call else ("agent without a call", principal.actor, client_address(request))
    return ProofGuard(
        limit, [(caller, limit.failures_allowed), (("agent token", principal.actor), limit.agent_failures_allowed)]
    )


Guard = Annotated[ProofGuard, Depends(proof_guard)]


def needs_proof(principal: Principal, last_name: str | None) -> bool:
    """The agent role always proves; other roles only when they send a name."""
    return principal.role == "agent" or last_name is not None


async def proven_booking(
    uow: UnitOfWork, *, principal: Principal, guard: ProofGuard, confirmation: str, last_name: str | None
) -> bookings.Booking:
    """The booking, when the caller needs no proof or gave the guest's last name; a wrong detail is never named."""
    if not needs_proof(principal, last_name):
        return await bookings.get(uow, confirmation)
    if last_name is None:
        raise Forbidden(PROOF_REQUIRED)
    await guard.check()
    try:
        booking = await bookings.get(uow, confirmation)
    except NotFound:
        booking = None
    given = name_key(header_text(last_name))
    if booking is None or not given or given != name_key(booking.guest.last_name):
        await guard.failed()
        raise NotFound(NO_MATCH)
    return booking


async def check_proof(
    uow: UnitOfWork, *, principal: Principal, guard: ProofGuard, confirmation: str, last_name: str | None
) -> None:
    """Refuses a change the caller has not proved they may make (403 without a name, 404 with a wrong one)."""
    if needs_proof(principal, last_name):
        await proven_booking(uow, principal=principal, guard=guard, confirmation=confirmation, last_name=last_name)


def header_text(value: str) -> str:
    """A header's text: percent-encoded UTF-8, or raw UTF-8 or Latin-1 bytes as the server decoded them."""
    try:
        value = value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        pass
    return unquote(value, errors="replace")
