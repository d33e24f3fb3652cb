"""transfer_to_human and end_call: the two ways a call leaves the receptionist."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from ..api_client import RoomiApi
from ..call_state import CallState
from .common import hotel_facts, redact, result

TransferHook = Callable[[str | None, str], Awaitable[None]]
"""Carries the call to a person: called with the transfer number and the reason (the voice worker dials SIP)."""


async def transfer_to_human(
    api: RoomiApi, state: CallState, *, reason: str, on_transfer: TransferHook | None = None
) -> str:
    """Hand the caller to the front desk and say where they are going."""
    facts = await hotel_facts(api, state)
    number = facts["voice_agent_settings"]["transfer_number"] or facts["phone"]
    if on_transfer is not None:
        await on_transfer(number, redact(reason))
    state.transferred = True
    state.settle("transferred")
    return result({"transferred": True, "transfer_number": number})


async def end_call(state: CallState) -> str:
    """Mark the call finished; the caller has nothing more to ask."""
    state.ended = True
    return result({"ended": True})
