"""Plain availability searches answered in one read (api/quick_search.py) say exactly what the route says.

The route itself answers when a query is written in a way the quick path does not take (the dates below are
percent-encoded), so each pair compares the two answers to the same question.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import httpx
import pytest

from roomiai.api.app import create_app
from roomiai.api.quick_search import PATH, QuickSearch
from roomiai.api.schemas.rooms import AvailabilityRead
from roomiai.bootstrap import build_container
from roomiai.services.auth import REVOKED, access_token
from tests.conftest import SECRET, TODAY, headers

pytestmark = pytest.mark.api

IN, OUT = (TODAY + dt.timedelta(days=3)).isoformat(), (TODAY + dt.timedelta(days=5)).isoformat()
SEARCHES = [
    {"check_in": IN, "check_out": OUT},
    {"check_in": IN, "check_out": OUT, "adults": 2, "children": 1},
    {"check_in": TODAY.isoformat(), "check_out": OUT, "adults": 3, "rooms_needed": 2},
    {"check_in": IN, "check_out": OUT, "adults": 9},  # more guests than any room sleeps
    {"check_in": IN, "check_out": OUT, "rooms_needed": 9},
]
STAFF = headers("staff")


def query(search: dict) -> str:
    return urlencode(search)


def encoded(search: dict) -> str:
    """The same search with its dates percent-encoded: the quick path passes it on, the route decodes it."""
    return urlencode(search).replace("-", "%2D")


def scope(query_string: str, request_headers: dict[str, str]) -> dict:
    return {
        "type": "http",
        "method": "GET",
        "path": PATH,
        "query_string": query_string.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in request_headers.items()],
    }


async def room_type_codes(client) -> list[str]:
    r = await client.get("/v1/rooms/types", headers=STAFF)  # loads the catalog, as the first search would
    assert r.status_code == 200, r.text
    return [t["code"] for t in r.json()["room_types"]]


async def test_plain_searches_get_the_routes_bytes_and_headers(client, container):
    await same_answers(client, container)


async def test_the_route_answers_what_the_quick_path_passes_on(client, container):
    await passed_on(client, container)


async def test_a_token_revoked_through_one_app_is_refused_at_once_by_another(client, container, settings, clock):
    """Two API processes on one database: revocation is read on every search, never remembered."""
    await revoked_elsewhere(client, container, settings, clock)


async def test_a_catalog_change_made_through_another_app_is_answered_by_the_route(client, container, settings, clock):
    await catalog_changed_elsewhere(client, container, settings, clock)


async def same_answers(client, container):
    assert QuickSearch in [m.cls for m in create_app(container).app.user_middleware]
    quick = QuickSearch(create_app(container), container=container)
    codes = await room_type_codes(client)
    searches = [*SEARCHES, *({"check_in": IN, "check_out": OUT, "room_type": c.lower()} for c in codes)]
    for search in searches:
        fast = await client.get(f"{PATH}?{query(search)}", headers=STAFF)
        slow = await client.get(f"{PATH}?{encoded(search)}", headers=STAFF)
        assert fast.status_code == slow.status_code == 200, (search, fast.text, slow.text)
        assert fast.content == slow.content, search
        # written without building the models: the very bytes the response model would write
        assert AvailabilityRead.model_validate_json(fast.content).model_dump_json().encode() == fast.content
        assert dict(fast.headers) == dict(slow.headers), search
        assert await quick.answer(scope(query(search), STAFF)) == fast.content, search  # the quick path did answer
        assert await quick.answer(scope(encoded(search), STAFF)) is None


async def passed_on(client, container):
    quick = QuickSearch(create_app(container), container=container)
    await room_type_codes(client)
    expired = access_token(secret=SECRET, subject="test-staff", role="staff", minutes=-1,
                           now=dt.datetime.now(dt.UTC))
    other_secret = access_token(secret="another-secret-0123456789abcdef01234567", subject="x", role="admin",
                                minutes=5, now=dt.datetime.now(dt.UTC))
    plain = {"check_in": IN, "check_out": OUT}
    cases = [
        (query(plain), {}, 401),
        (query(plain), {"Authorization": f"Bearer {expired}"}, 401),
        (query(plain), {"Authorization": f"Bearer {other_secret}"}, 401),
        (query(plain), {"Authorization": "Basic dXNlcjpwYXNz"}, 401),
        (query({"check_in": OUT, "check_out": IN}), STAFF, 422),
        (query({"check_in": (TODAY - dt.timedelta(days=1)).isoformat(), "check_out": OUT}), STAFF, 422),
        (query({**plain, "adults": 0}), STAFF, 422),
        (query({**plain, "adults": 21}), STAFF, 422),
        (query({**plain, "rooms_needed": 10}), STAFF, 422),
        (query({**plain, "children": "01x"}), STAFF, 422),
        (query({"check_in": "2026-02-30", "check_out": OUT}), STAFF, 422),
        (query({"check_out": OUT}), STAFF, 422),
        (query({**plain, "room_type": "nosuchtype"}), STAFF, 404),
        (query({**plain, "room_type": "x" * 41}), STAFF, 422),
        (query(plain) + "&adults=1&adults=2", STAFF, 200),
        (query(plain) + "&adults=%001", STAFF, 422),
    ]
    for query_string, request_headers, status in cases:
        assert await quick.answer(scope(query_string, request_headers)) is None, query_string
        r = await client.get(f"{PATH}?{query_string}", headers=request_headers)
        assert r.status_code == status, (query_string, r.text)
        if status != 200:
            assert r.json()["detail"], r.text
    # a search the quick path could answer still goes through the checks around it
    r = await client.get(f"{PATH}?{query(plain)}", headers={**STAFF, "X-Call-Key": "a%1B[2J"})
    assert r.status_code == 422 and r.json()["code"] == "control_characters", r.text


async def revoked_elsewhere(client, container, settings, clock):
    await room_type_codes(client)
    admin = headers("admin")
    made = await client.put("/v1/admin/users/quickuser", json={"role": "staff", "password": "first-password-01"},
                            headers=admin)
    assert made.status_code == 200, made.text
    pair = (await client.post("/v1/auth/token", data={"username": "quickuser", "password": "first-password-01"})).json()
    bearer = {"Authorization": f"Bearer {pair['access_token']}"}
    other = build_container(settings, clock=clock, gateway=container.gateway)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(other)),
                                     base_url="http://roomi.test") as second:
            await room_type_codes(second)
            second_quick = QuickSearch(create_app(other), container=other)
            search = query({"check_in": IN, "check_out": OUT})
            assert (await second.get(f"{PATH}?{search}", headers=bearer)).status_code == 200
            assert await second_quick.answer(scope(search, bearer)) is not None
            changed = await client.put("/v1/admin/users/quickuser", json={"password": "second-password-02"},
                                       headers=admin)
            assert changed.status_code == 200, changed.text
            assert await second_quick.answer(scope(search, bearer)) is None
            for http in (second, client):
                r = await http.get(f"{PATH}?{search}", headers=bearer)
                assert r.status_code == 401 and r.json()["detail"] == REVOKED, r.text
    finally:
        await other.db.dispose()


async def catalog_changed_elsewhere(client, container, settings, clock):
    codes = await room_type_codes(client)
    admin = headers("admin")
    search = query({"check_in": IN, "check_out": OUT})
    other = build_container(settings, clock=clock, gateway=container.gateway)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(other)),
                                     base_url="http://roomi.test") as second:
            before = await second.get(f"{PATH}?{search}", headers=STAFF)
            assert before.status_code == 200
            room_type = (await client.get(f"/v1/admin/room-types/{codes[0]}", headers=admin)).json()
            r = await client.put(f"/v1/admin/room-types/{codes[0]}", json={**room_type, "name": "Renamed Room"},
                                 headers=admin)
            assert r.status_code == 200, r.text
            assert await QuickSearch(create_app(other), container=other).answer(scope(search, STAFF)) is None
            after = await second.get(f"{PATH}?{search}", headers=STAFF)
            assert after.status_code == 200
            names = [o["room_type"] for o in after.json()["options"]] + [
                u["room_type"] for u in after.json()["unavailable"]]
            assert "Renamed Room" in names and after.content != before.content
            assert await QuickSearch(create_app(other), container=other).answer(scope(search, STAFF)) == after.content
    finally:
        await other.db.dispose()
