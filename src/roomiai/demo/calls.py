"""Past calls for the demo hotel: scripted callers talking to the real receptionist, so the desk's Calls page has a history."""

from __future__ import annotations

import datetime as dt
from contextlib import asynccontextmanager
from dataclasses import dataclass

from ..api.app import create_app
from ..bootstrap import build_container
from ..clock import Clock
from ..config import Settings
from ..payments.port import PaymentGateway
from ..services.auth import access_token, wall_clock
from ..store.database import Database

HOTEL_TIMEZONE = "America/New_York"


class DemoClock(Clock):
    """The hotel's clock during the demo's calls: a day's morning, moved on by the script as callers talk."""

    def __init__(self, timezone: str, day: dt.date):
        super().__init__(timezone, pinned_date=day)
        self.at = dt.datetime.combine(day, dt.time(8, 40), tzinfo=self.tz)

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += dt.timedelta(seconds=seconds)


@dataclass(frozen=True)
class Caller:
    number: str
    lines: tuple[str, ...]


def callers(day: dt.date) -> list[Caller]:
    """A day's callers: a booking, questions, a group that wants a person, one who gives up, one nobody understands."""
    arrival = day + dt.timedelta(days=9 + day.day % 5)
    when = f"{arrival:%B} {arrival.day}"
    return [
        Caller(
            "+15550101" + f"{day.day:03d}"[-3:],
            (
                f"Book a standard room from {when} for 2 nights for 2 adults",
                "yes",
                "Ann Lee",
                "5551112222",
                "no",
                "no",
                "yes",
            ),
        ),
        Caller("+15550202" + f"{day.day:03d}"[-3:], ("Do you have parking?", "no thanks, that's all, bye")),
        Caller(
            "+15550303" + f"{day.day:03d}"[-3:],
            ("We are 20 people for a wedding, do you do a group rate?", "can I speak to a person please"),
        ),
        Caller("+15550404" + f"{day.day:03d}"[-3:], (f"I'd like to book a room from {when} for three nights",)),
        Caller("+15550505" + f"{day.day:03d}"[-3:], ("What time is check out?", "thanks, bye")),
    ]


async def make_past_calls(
    settings: Settings,
    db: Database,
    *,
    today: dt.date,
    days: int = 3,
    gateway: PaymentGateway | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Calls on each of the `days` days before `today` and, given `now`, a few earlier today; each through the API
    and Roomi as a phone call would go."""
    made = 0
    for back in range(days, 0, -1):
        day = today - dt.timedelta(days=back)
        clock = DemoClock(HOTEL_TIMEZONE, day)
        async with _receptionist(settings, db, clock, gateway) as api:
            for n, caller in enumerate(callers(day)):
                clock.advance(60 * (47 + 31 * ((n + day.day) % 5)))  # the next call comes in later that day
                await _call(api, clock, day, caller)
                made += 1
    if now is None:
        return made
    clock = DemoClock(HOTEL_TIMEZONE, today)
    starts = todays_starts(now.astimezone(clock.tz), len(TODAYS_CALLERS))
    async with _receptionist(settings, db, clock, gateway) as api:
        for start, n in zip(starts, TODAYS_CALLERS, strict=False):
            clock.at = start
            await _call(api, clock, today, callers(today)[n])
            made += 1
    return made


TODAYS_CALLERS = (1, 0, 2)  # a question, a booking, a transfer: "Calls today" and "Roomi's bookings today" are not 0
LONGEST_CALL = dt.timedelta(minutes=4)


def todays_starts(now: dt.datetime, count: int) -> list[dt.datetime]:
    """When today's calls began: spread over the last two hours, each over before `now`; none just after midnight."""
    midnight = dt.datetime.combine(now.date(), dt.time(0), tzinfo=now.tzinfo)
    first = max(midnight + dt.timedelta(minutes=1), now - dt.timedelta(hours=2))
    room = now - LONGEST_CALL - first
    if room < dt.timedelta(0):
        return []
    step = room / max(count - 1, 1)
    return [first + step * n for n in range(count)]


@asynccontextmanager
async def _receptionist(settings: Settings, db: Database, clock: DemoClock, gateway: PaymentGateway | None):
    from ..agent.api_client import RoomiApi

    container = build_container(settings, db=db, clock=clock, gateway=gateway)
    token = access_token(secret=container.secret, subject="roomi-agent", role="agent", minutes=60, now=wall_clock())
    async with RoomiApi.embedded(create_app(container), token) as api:
        yield api


async def _call(api, clock: DemoClock, day: dt.date, caller: Caller) -> None:
    from ..agent.runtime import deterministic_brain, start_call

    async with start_call(api, today=day, make_brain=deterministic_brain, caller_id=caller.number) as call:
        for line in caller.lines:
            if call.over:
                break
            clock.advance(4 + len(line) / 12)  # the caller speaks
            turn = await call.say(line)
            clock.advance(3 + len(turn.reply) / 15)  # Roomi answers
