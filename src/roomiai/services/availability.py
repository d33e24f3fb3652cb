"""Availability search: per room type, what is free every night and what each bookable rate costs."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from ..domain.cancellation import describe
from ..domain.errors import InvalidRequest
from ..domain.hotel import HotelTerms
from ..domain.pools import ALL
from ..domain.pricing import Quote, Restriction, quote_stay, restriction_problem
from ..domain.stay import Stay
from ..store.quick_reads import QuickReads
from ..store.tables import RoomTypeRecord
from . import catalog, inventory


@dataclass
class RateOption:
    plan: catalog.RatePlan
    quote: Quote
    cancellation: str


@dataclass
class RoomTypeOption:
    room_type: RoomTypeRecord
    available_count: int
    nightly: dict[dt.date, int]
    beds_available: list[str]
    views_available: list[str]
    rates: list[RateOption] = field(default_factory=list)


@dataclass
class Unavailable:
    room_type: RoomTypeRecord
    reason: str
    code: str  # sold_out, no_rate or one of domain.pricing.Restriction's codes
    limit: int | None = None  # the number the code is about: most guests, fewest or most nights, days ahead


def unavailable_for(room_type: RoomTypeRecord, restrictions: list[Restriction]) -> Unavailable:
    """Every rate refused: one code when all refused for the same reason (the loosest limit of them), else no_rate."""
    reason = " ".join(dict.fromkeys(r.message for r in restrictions)) or "No rate is offered for these dates."
    codes = {r.code for r in restrictions}
    if len(codes) != 1:
        return Unavailable(room_type, reason, "no_rate")
    code = codes.pop()
    limits = [r.limit for r in restrictions if r.limit is not None]
    tighter_is_higher = code in ("stay_too_short", "book_ahead")
    limit = (min(limits) if tighter_is_higher else max(limits)) if limits else None
    return Unavailable(room_type, reason, code, limit)


@dataclass
class AvailabilityResult:
    stay: Stay
    options: list[RoomTypeOption]
    unavailable: list[Unavailable]


@dataclass(frozen=True)
class Books:
    """What a search reads from the database: the catalog's version, the room types asked about and what is free."""

    catalog_version: int
    types: list[RoomTypeRecord]
    plans: dict[str, list[catalog.RatePlan]]
    free: dict[str, dict[str, dict[dt.date, int]]]
    hotel: HotelTerms | None = None  # the hotel's terms in the same catalog; None before the hotel is set up

    def key(self) -> tuple:
        """The state a search's answer depends on, beside the request: equal keys give equal answers."""
        return (
            self.catalog_version,
            tuple(
                (rid, pool, tuple(nights.values()))
                for rid, pools in self.free.items()
                for pool, nights in pools.items()
            ),
        )


async def read_books(
    session: AsyncSession, *, stay: Stay, room_type: str | None = None, quick: QuickReads | None = None
) -> Books:
    """The catalog's version, the room types (all, or the one asked for) and their free rooms per pool and night.

    With `quick` (SQLite), the version and the inventory are read in one trip when this process has the catalog.
    """
    current = catalog.cached(session) if quick is not None else None
    types = known_types(current, room_type) if current is not None else None
    if quick is not None and current is not None and types is not None:
        version, rows = await quick.run(
            inventory.read_free_rows, [t.id for t in types], stay.check_in.isoformat(), stay.check_out.isoformat()
        )
        if version == current.version:  # else the catalog changed: read it all again below
            return books_from(current, types, rows, stay=stay)
    types = await catalog.room_types(session, code=room_type)
    ids = [t.id for t in types]
    free = await inventory.free_by_night(session, room_type_ids=ids, stay=stay)
    current = await catalog.snapshot(session)
    return Books(current.version, types, await catalog.rate_plans(session, ids), free, current.hotel)


def known_types(current: catalog.Snapshot, room_type: str | None) -> list[RoomTypeRecord] | None:
    """The catalog's room types a search asks about; None for a type it has not seen (it may be new: read it again)."""
    if room_type is None:
        return list(current.room_types)
    return catalog.matching_types(current, room_type) or None


def books_from(current: catalog.Snapshot, types: list[RoomTypeRecord], rows, *, stay: Stay) -> Books:
    """The books from inventory rows read in the same transaction as a catalog version equal to `current`'s."""
    ids = [t.id for t in types]
    caps = {rid: Counter(current.capacities.get(rid, {})) for rid in ids}
    free = inventory.free_from_rows(caps, rows, room_type_ids=ids, stay=stay)
    return Books(current.version, types, {rid: list(current.plans.get(rid, [])) for rid in ids}, free, current.hotel)


async def search(
    session: AsyncSession,
    *,
    hotel: HotelTerms,
    stay: Stay,
    today: dt.date,
    adults: int,
    children: int,
    rooms_needed: int,
    room_type: str | None = None,
) -> AvailabilityResult:
    """Room types with enough rooms free on every night, each with the rates that may sell the stay."""
    if adults < 1:
        raise InvalidRequest("At least one adult is needed.", field="adults")
    books = await read_books(session, stay=stay, room_type=room_type)
    return evaluate(
        books, hotel=hotel, stay=stay, today=today, adults=adults, children=children, rooms_needed=rooms_needed
    )


def evaluate(
    books: Books, *, hotel: HotelTerms, stay: Stay, today: dt.date, adults: int, children: int, rooms_needed: int
) -> AvailabilityResult:
    """The answer to a search from what was read: no I/O, so the same books and request give the same answer."""
    if adults < 1:
        raise InvalidRequest("At least one adult is needed.", field="adults")
    types, free, plans = books.types, books.free, books.plans
    options, unavailable = [], []
    for record in types:
        terms = catalog.room_type_terms(record)
        pools = free[record.id]
        nightly = pools.get(ALL, {night: 0 for night in stay.dates()})
        count = min(nightly.values())
        per_room = -(-(adults + children) // rooms_needed)
        adults_per_room = min(per_room, -(-adults // rooms_needed))
        if per_room > terms.max_occupancy:
            unavailable.append(
                Unavailable(
                    record,
                    f"A {record.name} sleeps at most {terms.max_occupancy} guests.",
                    "too_many_guests",
                    terms.max_occupancy,
                )
            )
            continue
        if count < rooms_needed:
            short = [night.isoformat() for night, n in nightly.items() if n < rooms_needed]
            unavailable.append(Unavailable(record, f"Sold out on {', '.join(short)}.", "sold_out"))
            continue
        option = RoomTypeOption(
            room_type=record,
            available_count=count,
            nightly=nightly,
            beds_available=_attribute_free(pools, "bed", rooms_needed),
            views_available=_attribute_free(pools, "view", rooms_needed),
        )
        reasons: list[Restriction] = []
        for plan in plans[record.id]:
            problem = restriction_problem(
                rate=plan.terms,
                room_type=terms,
                stay=stay,
                today=today,
                adults=adults_per_room,
                children=per_room - adults_per_room,
            )
            if problem:
                reasons.append(problem)
                continue
            quote = quote_stay(
                stay=stay,
                room_type=terms,
                rate=plan.terms,
                adults=adults,
                children=children,
                rooms=rooms_needed,
                taxes=hotel.taxes,
                fees=hotel.fees,
            )
            option.rates.append(RateOption(plan, quote, describe(plan.terms.cancellation)))
        if option.rates:
            option.rates.sort(key=lambda r: r.quote.grand_total_cents)
            options.append(option)
        else:
            unavailable.append(unavailable_for(record, reasons))
    return AvailabilityResult(stay, options, unavailable)


def _attribute_free(pools: dict[str, dict[dt.date, int]], kind: str, rooms: int) -> list[str]:
    return sorted(
        pool.split(":", 1)[1]
        for pool, nights in pools.items()
        if pool.startswith(f"{kind}:") and "|" not in pool and min(nights.values()) >= rooms
    )
