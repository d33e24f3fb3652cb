"""POST /v1/bookings is limited per client (token subject and address): 429 with Retry-After past the allowance."""

from __future__ import annotations

import httpx
import pytest

from roomiai.api.app import create_app
from roomiai.api.lookup_limit import LookupLimit
from roomiai.api.security import RequestRate, TooManyAttempts, window_key
from roomiai.shared_state import MemoryWindows
from tests.conftest import headers, token_for

pytestmark = pytest.mark.api

AGENT_LIMIT, STAFF_LIMIT = 3, 2


class Ticks:
    """Monotonic seconds that a test moves by hand."""

    def __init__(self):
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"agent_booking_rate_per_minute": AGENT_LIMIT, "booking_rate_per_minute": STAFF_LIMIT})


@pytest.fixture
def ticks(container) -> Ticks:
    ticking = Ticks()
    container.booking_rate = RequestRate(now=ticking)
    return ticking


def body(i: int) -> dict:
    return {"check_in": "2026-02-02", "check_out": "2026-02-03", "room_type_id": "STD", "guests": {"adults": 1},
            "primary_guest": {"first_name": "Rate", "last_name": f"Tester{i}", "email": f"rate{i}@example.com"}}


async def book(client, i: int, h: dict[str, str]) -> httpx.Response:
    return await client.post("/v1/bookings", json=body(i), headers=h)


async def test_the_agent_past_its_allowance_is_told_when_to_come_back(client, ticks):
    agent = headers("agent")
    for i in range(AGENT_LIMIT):
        assert (await book(client, i, agent)).status_code == 201
        ticks.seconds += 5

    refused = await book(client, 99, agent)

    assert refused.status_code == 429 and refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["retry-after"] == "45"  # the first booking leaves the minute 45 seconds from now
    assert refused.json()["detail"] == ("Too many booking requests from this client: at most 3 a minute. "
                                        "Try again in 45 seconds.")
    search = await client.get("/v1/bookings/search", params={"guest_name": "Tester99"}, headers=headers("staff"))
    assert search.json()["count"] == 0, "a refused request books nothing"
    quote = await client.get("/v1/rooms/availability", params={"check_in": "2026-02-02", "check_out": "2026-02-03"},
                             headers=agent)
    assert quote.status_code == 200, "only booking creation is limited"

    ticks.seconds += 45
    assert (await book(client, 4, agent)).status_code == 201


async def test_every_request_counts_even_a_refused_booking(client, ticks):
    agent = headers("agent")
    for _ in range(AGENT_LIMIT):
        invalid = {**body(0), "room_type_id": "PENTHOUSE"}
        assert (await client.post("/v1/bookings", json=invalid, headers=agent)).status_code == 404
    assert (await book(client, 1, agent)).status_code == 429


async def test_staff_have_their_own_smaller_allowance_per_user(client, ticks):
    for i in range(STAFF_LIMIT):
        assert (await book(client, i, headers("staff"))).status_code == 201
    assert (await book(client, 10, headers("staff"))).status_code == 429
    other_clerk = {"Authorization": f"Bearer {token_for('staff', subject='clerk-2')}"}
    assert (await book(client, 11, other_clerk)).status_code == 201
    assert (await book(client, 12, headers("agent"))).status_code == 201


async def test_the_same_token_from_another_address_is_another_client(container, client, ticks):
    agent = headers("agent")
    for i in range(AGENT_LIMIT):
        assert (await book(client, i, agent)).status_code == 201
    transport = httpx.ASGITransport(app=create_app(container), client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://roomi.test") as elsewhere:
        assert (await book(elsewhere, 20, agent)).status_code == 201
    assert (await book(client, 21, agent)).status_code == 429


async def test_zero_turns_the_limit_off(client, container, ticks):
    container.settings = container.settings.model_copy(update={"agent_booking_rate_per_minute": 0})
    for i in range(AGENT_LIMIT + 2):
        assert (await book(client, i, headers("agent"))).status_code == 201


async def test_clients_idle_for_a_minute_are_forgotten():
    ticks = Ticks()
    windows = MemoryWindows()
    rate = RequestRate(now=ticks, windows=windows)
    await rate.hit(("agent:old", "10.0.0.1"), limit=5, what="booking requests")
    ticks.seconds += 61
    for i in range(MemoryWindows.SWEEP_EVERY):
        await rate.hit((f"staff:{i % 3}", "10.0.0.2"), limit=MemoryWindows.SWEEP_EVERY, what="booking requests")
    assert window_key("rate", "agent:old", "10.0.0.1") not in windows.keys() and len(windows.keys()) == 3


async def test_a_lookup_failure_is_kept_for_its_own_window_when_a_shorter_limit_sweeps():
    ticks = Ticks()
    windows = MemoryWindows()
    rate, lookups = RequestRate(now=ticks, windows=windows), LookupLimit(failures_allowed=1, now=ticks, windows=windows)
    await lookups.failed([(("call", "c1"), 1)])
    ticks.seconds += 61  # past the booking rate's minute, well inside the lookups' ten minutes
    for i in range(MemoryWindows.SWEEP_EVERY):
        await rate.hit(("staff", "10.0.0.2"), limit=MemoryWindows.SWEEP_EVERY, what="booking requests")
    with pytest.raises(TooManyAttempts):
        await lookups.check([(("call", "c1"), 1)])
