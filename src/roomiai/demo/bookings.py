"""Fills the hotel with realistic bookings through the real booking use case (demo and benchmarks).

Every booking goes through `bookings.create`, so inventory, prices, guest profiles and confirmation
numbers are the real ones. Bookings of past dates are made under a clock pinned to the day they
were booked (arrival minus a lead time); past stays are then moved through check-in, check-out,
no-show and cancellation under clocks pinned to the day each happened, in date order, so rooms are
assigned and freed as a front desk would. Everything random comes from `random.Random(seed)`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
import time
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ..clock import Clock
from ..domain.cards import CardDetails
from ..domain.errors import DomainError, SoldOut
from ..domain.hotel import HotelTerms
from ..domain.pools import ALL
from ..domain.pricing import discount_problem, restriction_problem
from ..domain.stay import Stay
from ..payments.port import PaymentGateway
from ..services import bookings, catalog
from ..services.catalog import RatePlan
from ..store.database import Database
from ..store.tables import GuestRecord, InventoryRecord, RoomTypeRecord
from ..store.uow import UnitOfWork

# ---------------------------------------------------------------- what a realistic hotel sees

STAY_NIGHTS = ((1, 26), (2, 28), (3, 20), (4, 9), (5, 7), (6, 4), (7, 6))
# days between booking and arrival: (low, high, weight); mean about 24 days, a long thin tail
LEAD_BUCKETS = ((0, 0, 6), (1, 3, 14), (4, 7, 15), (8, 14, 17), (15, 30, 20), (31, 60, 16), (61, 120, 9), (121, 240, 3))
# parties (adults, children, weight) before the room type's limits filter them
PARTIES = (
    (1, 0, 30),
    (2, 0, 46),
    (2, 1, 9),
    (2, 2, 7),
    (3, 0, 4),
    (1, 1, 2),
    (2, 3, 2),
    (3, 1, 2),
    (4, 0, 1),
    (4, 1, 1),
)
TYPE_POPULARITY = {"STD": 1.15, "DLX": 1.0, "STE": 0.8, "FAM": 0.9}
RATE_POPULARITY = {"BAR": 50, "AAA": 12, "CORP": 15, "PKG_BB": 23}
# occupancy relative to the mean by weekday of the night (Monday first); mean 1.0
NIGHT_OF_WEEK = (0.90, 0.92, 0.95, 1.0, 1.15, 1.18, 0.90)
SOURCES = (
    ("phone", "direct", 34),
    ("voice_agent", "direct", 26),
    ("website", "direct", 25),
    ("email", "direct", 5),
    ("ota", "ota", 7),
)
REQUESTS = (
    "Extra pillows, please",
    "Quiet room away from the elevator",
    "High floor if possible",
    "Feather-free bedding",
    "Early check-in if available",
    "Late check-out if possible",
    "Crib in the room",
    "Ground floor room",
    "Adjoining rooms if possible",
    "Extra towels",
    "Hypoallergenic pillows",
    "Room close to the elevator",
    "Mini fridge emptied for medication",
    "Arriving late, after 11 pm",
    "Bottle of sparkling water on arrival",
)
OCCASIONS = (
    ("anniversary", 35),
    ("birthday", 35),
    ("honeymoon", 12),
    ("business trip", 10),
    ("graduation", 4),
    ("wedding", 4),
)
ARRIVAL_TIMES = ("12:00", "13:30", "14:00", "15:00", "15:30", "16:00", "17:00", "18:00", "19:30", "21:00", "22:30")
FIRST_NAMES = (
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Sandra",
    "Mark",
    "Ashley",
    "Carlos",
    "Maria",
    "Luis",
    "Sofia",
    "Jose",
    "Camila",
    "Diego",
    "Valentina",
    "Juan",
    "Isabella",
    "Wei",
    "Mei",
    "Hiroshi",
    "Yuki",
    "Arjun",
    "Priya",
    "Rahul",
    "Ananya",
    "Mohammed",
    "Fatima",
    "Omar",
    "Layla",
    "Olga",
    "Dmitri",
    "Ingrid",
    "Lars",
    "Pierre",
    "Camille",
    "Giulia",
    "Marco",
    "Hans",
    "Greta",
    "Kwame",
    "Amara",
    "Chloe",
    "Ethan",
    "Noah",
    "Emma",
    "Olivia",
    "Liam",
    "Ava",
    "Lucas",
    "Mia",
    "Benjamin",
    "Harper",
    "Elena",
    "Mateo",
    "Aisha",
    "Samuel",
    "Grace",
    "Gabriel",
    "Zoe",
)
LAST_NAMES = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Chen",
    "Wang",
    "Kim",
    "Patel",
    "Singh",
    "Tanaka",
    "Sato",
    "Kowalski",
    "Novak",
    "Müller",
    "Schmidt",
    "Rossi",
    "Bianchi",
    "Dubois",
    "Moreau",
    "Silva",
    "Santos",
    "Okafor",
    "Mensah",
    "Haddad",
    "Khan",
    "Ivanova",
    "Petrov",
    "Larsen",
    "Johansson",
    "O'Brien",
    "Murphy",
    "Kelly",
    "Fischer",
    "Costa",
)
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com", "corp.example.com")
AREA_CODES = (
    "305",
    "786",
    "212",
    "646",
    "415",
    "312",
    "617",
    "713",
    "404",
    "202",
    "954",
    "407",
    "813",
    "702",
    "206",
    "303",
    "214",
    "602",
    "615",
    "503",
)
CITIES = (
    ("New York", "NY", "US"),
    ("Chicago", "IL", "US"),
    ("Boston", "MA", "US"),
    ("Atlanta", "GA", "US"),
    ("Toronto", "ON", "CA"),
    ("Houston", "TX", "US"),
    ("Seattle", "WA", "US"),
    ("London", None, "GB"),
    ("Madrid", None, "ES"),
    ("Mexico City", None, "MX"),
    ("São Paulo", None, "BR"),
    ("Berlin", None, "DE"),
)
# test card numbers that pass the Luhn check and belong to no one
TEST_CARDS = ("4242424242424242", "5555555555554444", "378282246310005", "6011111111111117", "4000056655665556")


@dataclass
class GenerationReport:
    """What `generate` did."""

    bookings: int = 0
    guests: int = 0  # guest profiles created
    room_nights: int = 0  # room-nights of the bookings created
    revenue_cents: int = 0  # sum of the created bookings' grand totals
    skipped: int = 0  # attempts the service refused (sold out, restrictions)
    sold_out: int = 0  # of which sold out
    not_attempted: int = 0  # arrival dates' shortfalls given up because every room type was full in the local mirror
    checked_in: int = 0
    checked_out: int = 0
    no_shows: int = 0
    cancelled: int = 0
    front_desk_refused: int = 0  # status changes the service refused (should stay 0)
    seconds: float = 0.0
    booking_seconds: float = 0.0  # of which creating bookings
    front_desk_seconds: float = 0.0  # of which check-in / check-out / no-show / cancel
    first_confirmation: str | None = None
    last_confirmation: str | None = None
    nights_at_target: int = 0  # nights of [start, start+days) whose sold rooms reached the target
    nights: int = 0
    by_room_type: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class _Planned:
    confirmation: str
    check_in: dt.date
    check_out: dt.date
    fate: str  # stay | no_show | cancel
    cancel_on: dt.date | None


class _MomentClock(Clock):
    """A clock that stands at one instant (a booking made at 14:20 on a past date, a check-out at 10:40)."""

    def __init__(self, timezone: str, moment: dt.datetime):
        super().__init__(timezone, pinned_date=moment.date())
        self._moment = moment

    def now(self) -> dt.datetime:
        return self._moment


async def generate(
    db: Database,
    *,
    clock: Clock,
    gateway: PaymentGateway | None,
    start: dt.date,
    days: int,
    occupancy: float = 0.7,
    seed: int = 7,
    actor: str = "seed:demo",
    horizon_days: int = 550,
    pace: bool = True,
    lifecycle: bool = True,
    repeat_guests: int = 300,
    repeat_share: float = 0.2,
    card_share: float = 0.25,
    no_show_rate: float = 0.02,
    cancellation_rate: float = 0.05,
) -> GenerationReport:
    """Book arrivals on [start, start+days) up to `occupancy` per night, then play past stays through the front desk.

    `pace`: nights after today fill only as far as bookings made by today would (lead times), so the
    future tapers off as in a real hotel; False fills the future to the target too. `lifecycle`: past
    arrivals are checked in (or marked no-show) and past departures checked out; some bookings are
    cancelled on a day between booking and arrival.
    """
    started = time.perf_counter()
    rng = random.Random(seed)
    today = clock.today()
    report = GenerationReport()
    world = await _World.load(db, start=start, days=days)
    tz = world.timezone
    guests_before = world.guest_count
    people = _People(rng, repeat_guests=repeat_guests, repeat_share=repeat_share)
    leads = _LeadTimes()
    planned: list[_Planned] = []
    # cancellations and no-shows give rooms back; book that much more so the nights end near the target
    resell = 1.0 / (1.0 - cancellation_rate - no_show_rate) if lifecycle else 1.0

    for offset in range(days):
        arrival = start + dt.timedelta(days=offset)
        ahead = (arrival - today).days
        reach = leads.survival(ahead) if pace and ahead > 0 else 1.0
        target = min(
            world.total_rooms, round(world.total_rooms * _night_occupancy(arrival, occupancy) * reach * resell)
        )
        report.nights += 1
        failures, attempts = 0, 0
        while world.sold_total(arrival) < target and failures < 12 and attempts < 4 * world.total_rooms:
            attempts += 1
            nights = _pick(rng, STAY_NIGHTS)
            if arrival.weekday() == 4 and nights > 2 and rng.random() < 0.4:
                nights = 2  # weekend breaks
            room_type = world.pick_room_type(rng, arrival, nights)
            if room_type is None:
                nights = 1
                room_type = world.pick_room_type(rng, arrival, nights)
            if room_type is None:
                report.not_attempted += 1
                break
            lead = leads.draw(rng, at_least=max(0, ahead))
            booked_on = min(arrival - dt.timedelta(days=lead), today)
            draft, fate = _draft(
                rng,
                world,
                people,
                room_type,
                arrival=arrival,
                nights=nights,
                booked_on=booked_on,
                gateway=gateway,
                card_share=card_share,
                no_show_rate=no_show_rate,
                cancellation_rate=cancellation_rate,
            )
            hour = (
                rng.randint(7, 13) if booked_on == arrival else rng.randint(7, 22)
            )  # same-day bookings before check-in
            moment = dt.datetime.combine(booked_on, dt.time(hour, rng.randrange(60)), tzinfo=world.zone)
            if booked_on == today:
                moment = min(moment, clock.now())  # nothing is booked later than now
            ctx = bookings.Context(
                clock=_MomentClock(tz, moment),
                gateway=gateway,  # type: ignore[arg-type]  # cards only with one
                horizon_days=horizon_days,
                actor=actor,
            )
            body = await _create(db, ctx, draft, report)
            if body is None and (draft.bed_configuration or draft.view):
                draft.bed_configuration = draft.view = None  # what the caller does when the wish is sold out
                body = await _create(db, ctx, draft, report)
            if body is None:
                failures += 1
                continue
            failures = 0
            world.sell(room_type.id, arrival, nights, draft.rooms)
            report.bookings += 1
            report.room_nights += nights * draft.rooms
            report.revenue_cents += body["grand_total_cents"]
            report.by_room_type[room_type.type_code] = report.by_room_type.get(room_type.type_code, 0) + 1
            report.first_confirmation = report.first_confirmation or body["confirmation_number"]
            report.last_confirmation = body["confirmation_number"]
            cancel_on = None
            if fate == "cancel":
                latest = min(arrival - dt.timedelta(days=1), today)
                if latest >= booked_on:
                    cancel_on = booked_on + dt.timedelta(days=rng.randint(0, (latest - booked_on).days))
                else:
                    fate = "stay"
            planned.append(
                _Planned(body["confirmation_number"], arrival, arrival + dt.timedelta(days=nights), fate, cancel_on)
            )
        if world.sold_total(arrival) >= target:
            report.nights_at_target += 1

    report.booking_seconds = round(time.perf_counter() - started, 3)
    if lifecycle:
        desk_started = time.perf_counter()
        await _play_front_desk(
            db,
            planned,
            clock=clock,
            tz=tz,
            zone=world.zone,
            gateway=gateway,
            horizon_days=horizon_days,
            actor=actor,
            rng=rng,
            report=report,
        )
        report.front_desk_seconds = round(time.perf_counter() - desk_started, 3)
    async with UnitOfWork(db) as uow:
        report.guests = (
            await uow.session.execute(select(func.count()).select_from(GuestRecord))
        ).scalar_one() - guests_before
    report.seconds = round(time.perf_counter() - started, 3)
    return report


# ---------------------------------------------------------------- one booking


async def _create(db: Database, ctx: bookings.Context, draft: bookings.BookingDraft, report: GenerationReport):
    try:
        async with UnitOfWork(db, write=True) as uow:
            result = await bookings.create(uow, ctx=ctx, draft=draft, render=_render)
        return result.body
    except SoldOut:
        report.skipped += 1
        report.sold_out += 1
    except DomainError:
        report.skipped += 1
    return None


def _render(booking: bookings.Booking) -> dict[str, Any]:
    return {
        "confirmation_number": booking.record.confirmation_number,
        "grand_total_cents": booking.record.grand_total_cents,
    }


def _draft(
    rng: random.Random,
    world: _World,
    people: _People,
    room_type,
    *,
    arrival: dt.date,
    nights: int,
    booked_on: dt.date,
    gateway,
    card_share: float,
    no_show_rate: float,
    cancellation_rate: float,
) -> tuple[bookings.BookingDraft, str]:
    stay = Stay(arrival, arrival + dt.timedelta(days=nights))
    adults, children, rooms = world.party(rng, room_type)
    terms = catalog.room_type_terms(room_type)
    per_room = -(-(adults + children) // rooms)
    adults_per_room = min(per_room, -(-adults // rooms))
    plans = [
        p
        for p in world.plans[room_type.id]
        if restriction_problem(
            rate=p.terms,
            room_type=terms,
            stay=stay,
            today=booked_on,
            adults=adults_per_room,
            children=per_room - adults_per_room,
        )
        is None
    ]
    weights = [
        RATE_POPULARITY.get(p.record.rate_code, 10)
        * (2.5 if p.record.rate_code == "CORP" and adults == 1 and arrival.weekday() < 4 else 1.0)
        for p in plans
    ]
    plan = rng.choices(plans, weights=weights)[0] if plans else world.plans[room_type.id][0]
    guest = people.next_guest(rng)
    source, channel = _pick(rng, [((s, c), w) for s, c, w in SOURCES])
    if plan.record.rate_code == "CORP":
        channel = "corporate"
    if booked_on == arrival and rng.random() < 0.3:
        source = "walk_in"
    beds = [b["code"] for b in room_type.bed_configurations]
    bed = rng.choice(beds) if len(beds) > 1 and rng.random() < 0.35 else None
    view = rng.choice(room_type.view_options) if len(room_type.view_options) > 1 and rng.random() < 0.25 else None
    occasion = _pick(rng, OCCASIONS) if rng.random() < 0.08 else None
    requests = rng.sample(REQUESTS, k=rng.choice((1, 1, 2))) if rng.random() < 0.22 else []
    if children and rng.random() < 0.2:
        requests.append("Rollaway bed for the children")
    infants = 1 if adults >= 2 and rng.random() < 0.03 else 0
    if infants and "Crib in the room" not in requests:
        requests.append("Crib in the room")
    packages = []
    if plan.record.rate_code != "PKG_BB" and rng.random() < 0.08:
        packages.append("breakfast")
    if rng.random() < 0.10:
        packages.append("parking")
    if occasion in ("anniversary", "honeymoon") and rng.random() < 0.5:
        packages.append("romance_package")
    packages = [code for code in packages if code in world.hotel.packages]
    discount = None
    if rng.random() < 0.04:
        code = rng.choice(sorted(world.hotel.discounts)) if world.hotel.discounts else None
        if code and discount_problem(world.hotel.discounts[code], stay=stay, today=booked_on) is None:
            discount = code
    preferences: dict[str, Any] = {}
    if rng.random() < 0.12:
        preferences["floor"] = rng.choice(("high", "low", "any"))
    if rng.random() < 0.06:
        preferences["quiet_room"] = True
    card = None
    if gateway is not None and (rng.random() < card_share or world.hotel.deposit_required):  # a deposit needs a card
        number = rng.choice(TEST_CARDS)
        card = CardDetails(
            number=number,
            exp_month=rng.randint(1, 12),
            exp_year=booked_on.year + rng.randint(1, 4),
            cvv=None,
            name_on_card=f"{guest['first_name']} {guest['last_name']}".upper(),
        )
    companions = []
    if adults + children > 1 and rng.random() < 0.3:
        for i in range(adults + children - 1):
            is_adult = i < adults - 1
            companion: dict[str, Any] = {"first_name": rng.choice(FIRST_NAMES), "is_adult": is_adult}
            if is_adult:
                companion["last_name"] = guest["last_name"] if rng.random() < 0.6 else rng.choice(LAST_NAMES)
            else:
                companion["last_name"], companion["age"] = guest["last_name"], rng.randint(2, 15)
            companions.append(companion)
    roll = rng.random()
    fate = "cancel" if roll < cancellation_rate else "no_show" if roll < cancellation_rate + no_show_rate else "stay"
    draft = bookings.BookingDraft(
        check_in=stay.check_in,
        check_out=stay.check_out,
        room_type=room_type.type_code,
        rate_code=plan.record.rate_code,
        adults=adults,
        children=children,
        infants=infants,
        rooms=rooms,
        primary_guest=guest,
        bed_configuration=bed,
        view=view,
        additional_guests=companions,
        special_requests=requests,
        special_occasion=occasion,
        estimated_arrival=rng.choice(ARRIVAL_TIMES) if rng.random() < 0.4 else None,
        room_preferences=preferences,
        packages=packages,
        discount_code=discount,
        card=card,
        accept_policies=True,
        booking_source=source,
        booking_channel=channel,
    )
    return draft, fate


# ---------------------------------------------------------------- the front desk, day by day


async def _play_front_desk(
    db: Database,
    planned: list[_Planned],
    *,
    clock: Clock,
    tz: str,
    zone,
    gateway,
    horizon_days: int,
    actor: str,
    rng: random.Random,
    report: GenerationReport,
) -> None:
    """Cancellations, then arrivals and departures in date order, each under a clock pinned to its day."""
    today = clock.today()

    def ctx(day: dt.date, hour: int, minute: int) -> bookings.Context:
        moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)
        if day == today:
            moment = min(moment, clock.now())
        return bookings.Context(clock=_MomentClock(tz, moment), gateway=gateway, horizon_days=horizon_days, actor=actor)

    events: list[tuple[dt.date, int, str, _Planned]] = []
    for booking in planned:
        if booking.fate == "cancel" and booking.cancel_on is not None:
            events.append((booking.cancel_on, 0, "cancel", booking))
            continue
        if booking.check_in >= today:
            continue
        events.append((booking.check_in, 2, "no_show" if booking.fate == "no_show" else "check_in", booking))
        if booking.fate != "no_show" and booking.check_out < today:
            events.append((booking.check_out, 1, "check_out", booking))  # departures free rooms before arrivals
    events.sort(key=lambda e: (e[0], e[1], e[3].confirmation))
    for day, _, action, booking in events:
        try:
            async with UnitOfWork(db, write=True) as uow:
                if action == "cancel":
                    await bookings.cancel(
                        uow,
                        ctx=ctx(day, rng.randint(8, 21), rng.randrange(60)),
                        confirmation=booking.confirmation,
                        reason=rng.choice(CANCEL_REASONS),
                    )
                    report.cancelled += 1
                elif action == "check_in":
                    await bookings.check_in(
                        uow, ctx=ctx(day, rng.randint(14, 22), rng.randrange(60)), confirmation=booking.confirmation
                    )
                    report.checked_in += 1
                elif action == "check_out":
                    await bookings.check_out(
                        uow, ctx=ctx(day, rng.randint(7, 10), rng.randrange(60)), confirmation=booking.confirmation
                    )
                    report.checked_out += 1
                else:
                    await bookings.mark_no_show(uow, ctx=ctx(day, 23, 30), confirmation=booking.confirmation)
                    report.no_shows += 1
        except DomainError:
            report.front_desk_refused += 1


CANCEL_REASONS = (
    "Change of plans",
    "Trip cancelled",
    "Found another hotel",
    "Illness in the family",
    "Flight cancelled",
    "Business meeting moved",
    None,
)


# ---------------------------------------------------------------- the hotel, as the generator tracks it


class _World:
    """Room types, rate plans and a mirror of rooms sold per night and type (pool "*"), read once."""

    hotel: HotelTerms
    timezone: str
    zone: ZoneInfo
    types: list[RoomTypeRecord]
    plans: dict[str, list[RatePlan]]
    guest_count: int
    total_rooms: int
    parties: dict[str, tuple[list[tuple[int, int]], list[float]]]

    def __init__(self) -> None:
        self.sold: dict[str, dict[dt.date, int]] = {}
        self.capacity: dict[str, int] = {}

    @classmethod
    async def load(cls, db: Database, *, start: dt.date, days: int) -> _World:
        world = cls()
        async with UnitOfWork(db) as uow:
            session = uow.session
            settings = await catalog.hotel_settings(session)
            world.hotel = await catalog.load_hotel(session)
            world.timezone = settings.get("timezone", "UTC")
            world.zone = Clock(world.timezone).tz
            world.types = await catalog.room_types(session)
            ids = [t.id for t in world.types]
            world.plans = await catalog.rate_plans(session, ids)
            caps = await catalog.capacities(session, ids)
            world.capacity = {rid: caps[rid][ALL] for rid in ids}
            world.sold = {rid: {} for rid in ids}
            end = start + dt.timedelta(days=days + 8)
            rows = await session.execute(
                select(
                    InventoryRecord.room_type_id,
                    InventoryRecord.stay_date,
                    InventoryRecord.sold + InventoryRecord.blocked,
                ).where(
                    InventoryRecord.pool == ALL, InventoryRecord.stay_date >= start, InventoryRecord.stay_date < end
                )
            )
            for rid, night, used in rows:
                if rid in world.sold:
                    world.sold[rid][night] = used
            world.guest_count = (await session.execute(select(func.count()).select_from(GuestRecord))).scalar_one()
            session.expunge_all()  # keep the loaded room types and plans readable after the transaction ends
        world.total_rooms = sum(world.capacity.values())
        world.parties = {t.id: _parties_for(t) for t in world.types}
        return world

    def sold_total(self, night: dt.date) -> int:
        return sum(nights.get(night, 0) for nights in self.sold.values())

    def free(self, room_type_id: str, arrival: dt.date, nights: int) -> int:
        sold = self.sold[room_type_id]
        return self.capacity[room_type_id] - max(sold.get(arrival + dt.timedelta(days=i), 0) for i in range(nights))

    def pick_room_type(self, rng: random.Random, arrival: dt.date, nights: int):
        candidates = [t for t in self.types if self.capacity[t.id] > 0 and self.free(t.id, arrival, nights) > 0]
        if not candidates:
            return None
        weights = [self.capacity[t.id] * TYPE_POPULARITY.get(t.type_code, 1.0) for t in candidates]
        return rng.choices(candidates, weights=weights)[0]

    def party(self, rng: random.Random, room_type) -> tuple[int, int, int]:
        parties, weights = self.parties[room_type.id]
        adults, children = rng.choices(parties, weights=weights)[0]
        rooms = 1
        if adults + children >= 3 and room_type.max_occupancy <= 3 and rng.random() < 0.08:
            rooms = 2  # a family taking two rooms
        return adults, children, rooms

    def sell(self, room_type_id: str, arrival: dt.date, nights: int, rooms: int) -> None:
        sold = self.sold[room_type_id]
        for i in range(nights):
            night = arrival + dt.timedelta(days=i)
            sold[night] = sold.get(night, 0) + rooms


def _parties_for(room_type) -> tuple[list[tuple[int, int]], list[float]]:
    max_adults = room_type.max_adults or room_type.max_occupancy
    parties: list[tuple[int, int]] = []
    weights: list[float] = []
    for adults, children, share in PARTIES:
        if adults > max_adults or adults + children > room_type.max_occupancy:
            continue
        weight = float(share)
        if room_type.base_occupancy >= 4 and adults + children >= 3:
            weight *= 8  # family rooms are taken by families
        elif room_type.base_occupancy >= 4 and adults + children == 1:
            weight *= 0.1
        parties.append((adults, children))
        weights.append(weight)
    return parties or [(1, 0)], weights or [1.0]


def _night_occupancy(night: dt.date, mean: float) -> float:
    season = 1.0 + 0.12 * math.cos(2 * math.pi * (night.timetuple().tm_yday - 45) / 365.25)  # Miami: peak in February
    return max(0.0, min(0.98, mean * NIGHT_OF_WEEK[night.weekday()] * season))


class _LeadTimes:
    """Days between booking and arrival; `survival(n)` is the share of bookings made n or more days ahead."""

    def __init__(self):
        self.days = []
        self.weights = []
        for low, high, weight in LEAD_BUCKETS:
            span = high - low + 1
            for day in range(low, high + 1):
                self.days.append(day)
                self.weights.append(weight / span)
        total = sum(self.weights)
        self.cumulative = list(itertools.accumulate(w / total for w in self.weights))

    def survival(self, days: int) -> float:
        if days <= 0:
            return 1.0
        if days > self.days[-1]:
            return 0.0
        return 1.0 - self.cumulative[days - 1]

    def draw(self, rng: random.Random, *, at_least: int = 0) -> int:
        if at_least > self.days[-1]:
            return at_least
        low = self.cumulative[at_least - 1] if at_least > 0 else 0.0
        point = low + rng.random() * (1.0 - low)
        return self.days[min(bisect.bisect_left(self.cumulative, point), len(self.days) - 1)]


class _People:
    """Guests: a pool of repeat guests (some come back often) and new one-time guests, all synthetic."""

    def __init__(self, rng: random.Random, *, repeat_guests: int, repeat_share: float):
        self.repeat_share = repeat_share if repeat_guests > 0 else 0.0
        self.counter = itertools.count()
        self.pool = [self._person(rng, next(self.counter), repeat=True) for _ in range(repeat_guests)]
        self.pool_weights = [1.0 / (rank + 1) ** 0.3 for rank in range(repeat_guests)]  # a few regulars come often

    def next_guest(self, rng: random.Random) -> dict[str, Any]:
        if self.pool and rng.random() < self.repeat_share:
            return dict(rng.choices(self.pool, weights=self.pool_weights)[0])
        return self._person(rng, next(self.counter), repeat=False)

    @staticmethod
    def _person(rng: random.Random, index: int, *, repeat: bool) -> dict[str, Any]:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        handle = "".join(ch for ch in f"{first}.{last}".lower() if ch.isascii() and (ch.isalnum() or ch == "."))
        person: dict[str, Any] = {"first_name": first, "last_name": last}
        if rng.random() < 0.35:
            person["title"] = rng.choice(("Mr", "Ms", "Mrs", "Dr"))
        contact = 1.0 if repeat else rng.random()
        if contact < 0.95 or repeat:  # most give an email
            person["email"] = f"{handle}{index}@{rng.choice(EMAIL_DOMAINS)}"
        if contact > 0.05 or repeat:  # most give a phone; every guest gives at least one
            area = AREA_CODES[index % len(AREA_CODES)]
            person["phone"] = {"country_code": "+1", "number": f"{area}555{(index // len(AREA_CODES)) % 10000:04d}"}
        if repeat:
            city, state, country = rng.choice(CITIES)
            person["address"] = {k: v for k, v in (("city", city), ("state", state), ("country", country)) if v}
            if rng.random() < 0.3:
                person["loyalty"] = {"program": "Grand Rewards", "tier": rng.choice(("silver", "gold", "platinum"))}
        return person


def _pick(rng: random.Random, options):
    values = [value for value, _ in options]
    weights = [weight for _, weight in options]
    return rng.choices(values, weights=weights)[0]
