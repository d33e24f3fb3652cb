"""What the hotel tells callers: its settings and room types, read together for the receptionist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..domain.cancellation import describe
from ..domain.pricing import CancellationTerms
from ..store.tables import RoomTypeRecord
from ..store.uow import UnitOfWork
from . import catalog


@dataclass
class HotelFacts:
    settings: dict[str, Any]
    room_types: list[RoomTypeRecord]


async def facts(uow: UnitOfWork) -> HotelFacts:
    """The hotel's settings document and its room types."""
    return HotelFacts(await catalog.hotel_settings(uow.session), await catalog.room_types(uow.session))


def one_line_address(address: dict[str, Any] | None) -> str | None:
    """E.g. '1200 Ocean Drive, Miami Beach, FL 33139, US'."""
    if not address:
        return None
    region = " ".join(part for part in (address.get("state"), address.get("postal_code")) if part)
    parts = [address.get("street"), address.get("city"), region, address.get("country")]
    return ", ".join(part for part in parts if part) or None


def cancellation_sentence(policies: dict[str, Any]) -> str:
    """The hotel's default cancellation policy in one sentence."""
    default = policies.get("cancellation_default") or {}
    kind = default.get("type", "flexible")
    return describe(
        CancellationTerms(
            type=kind,
            free_cancellation_hours=int(default.get("free_cancellation_hours", 24)),
            penalty_type=default.get("penalty_type", "first_night"),
            penalty_amount=int(default.get("penalty_amount") or 0),
            refundable=kind != "non_refundable",
        )
    )


def deposit_sentence(policies: dict[str, Any]) -> str:
    """Whether a deposit is taken when booking, in one sentence."""
    percentage = float(policies.get("deposit_percentage") or 0)
    if not policies.get("deposit_required") or percentage <= 0:
        return "No deposit is needed to book; payment is taken at the hotel."
    return f"A deposit of {percentage:g} percent of the total is charged to a card when booking."
