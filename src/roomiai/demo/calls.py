"""Past calls for the demo hotel: scripted callers talking to the real receptionist, so the desk's Calls page has a history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..api.app import build_container, create_app
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
        Caller("+15550101" + f"{day.day:03d}"[-3:], (f"Book a standard room from {when} for 2 nights for 2 adults", "yes",
                                                     "Ann Lee", "5551112222", "no", "no", "yes")),
        Caller("+15550202" + f"{day.day:03d}"[-3:], ("Do you have parking?", "no thanks, that's all, bye")),
        Caller("+15550303" + f"{day.day:03d}"[-3:], ("We are 20 people for a wedding, do you do a group rate?",
                                                     "can I speak to a person please")),
        Caller("+15550404" + f"{day.day:03d}"[-3:], (f"I'd like to book a room from {when} for three nights",)),
        Caller("+15550505" + f"{day.day:03d}"[-3:], ("What time is check out?", "thanks, bye")),
    ]


async def make_past_calls(settings: Settings, db: Database, *, today: dt.date, days: int = 3,
                          gateway: PaymentGateway | None = None) -> int:
    """Calls on each of the `days` days before `today`, each through the API and Roomi as a phone call would go."""
    from ..agent.api_client import RoomiApi
    from ..agent.runtime import deterministic_brain, start_call

    made = 0
    for back in range(days, 0, -1):
        day = today - dt.timedelta(days=back)
        clock = DemoClock(HOTEL_TIMEZONE, day)
        container = build_container(settings, db=db, clock=clock, gateway=gateway)
        app = create_app(container)
        token = access_token(secret=container.secret, subject="roomi-agent", role="agent", minutes=60, now=wall_clock())
        async with RoomiApi.embedded(app, token) as api:
            for n, caller in enumerate(callers(day)):
                clock.advance(60 * (47 + 31 * ((n + day.day) % 5)))  # the next call comes in later that day
                async with start_call(api, today=day, make_brain=deterministic_brain, caller_id=caller.number) as call:
                    for line in caller.lines:
                        if call.over:
                            break
                        clock.advance(4 + len(line) / 12)  # the caller speaks
                        turn = await call.say(line)
                        clock.advance(3 + len(turn.reply) / 15)  # Roomi answers
                made += 1
    return made
