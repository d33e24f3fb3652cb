"""The front desk over HTTP: sign-in with cookies and CSRF, each page, roles, actions and escaping (no browser)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from roomiai.services import calls
from roomiai.services.auth import access_token
from roomiai.store.uow import UnitOfWork
from roomiai.web.desk.session import ACCESS, CSRF, REFRESH
from roomiai.demo.calls import make_past_calls
from tests.api.test_bookings import book
from tests.api.test_service_requests import checked_in, file
from tests.conftest import SECRET, TODAY

pytestmark = pytest.mark.api
PASSWORDS = {"admin": "grandhotel-admin", "staff": "grandhotel-staff", "agent": "grandhotel-agent"}


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


async def sign_in(client, role: str = "staff") -> str:
    """Signs the client in through the form; returns the CSRF token of the session."""
    form = await client.get("/desk/login")
    response = await client.post("/desk/login", data={"username": role, "password": PASSWORDS[role],
                                                       "csrf": csrf_of(form.text), "next": "/desk"})
    assert response.status_code == 303, response.text
    return client.cookies[CSRF]


def set_session(client, *, access: str, refresh: str, csrf: str) -> None:
    client.cookies.clear()
    for name, value in ((ACCESS, access), (REFRESH, refresh), (CSRF, csrf)):
        client.cookies.set(name, value, domain="roomi.test", path="/desk")


async def test_pages_need_a_session_and_send_the_browser_to_sign_in(client):
    for path in ("/desk", "/desk/calls", "/desk/bookings", "/desk/requests", "/desk/setup"):
        response = await client.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/desk/login?next=")


async def test_sign_in_sets_strict_http_only_cookies_and_today_shows_the_figures(client):
    await sign_in(client, "staff")
    response = await client.get("/desk")
    assert response.status_code == 200
    for testid in ("kpi-arrivals", "kpi-departures", "kpi-in-house", "kpi-available", "kpi-occupancy",
                   "kpi-calls-today", "kpi-ai-bookings-today"):
        assert f'data-testid="{testid}"' in response.text
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert 'data-testid="occupancy-chart"' in response.text


async def test_the_sign_in_cookies_are_http_only_and_same_site_strict(client):
    form = await client.get("/desk/login")
    response = await client.post("/desk/login", data={"username": "staff", "password": PASSWORDS["staff"],
                                                       "csrf": csrf_of(form.text)})
    set_cookies = response.headers.get_list("set-cookie")
    for name in (ACCESS, REFRESH, CSRF):
        cookie = next(c for c in set_cookies if c.startswith(name + "="))
        assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower() and "path=/desk" in cookie.lower()


async def test_a_wrong_password_or_a_missing_csrf_token_signs_nobody_in(client):
    form = await client.get("/desk/login")
    wrong = await client.post("/desk/login", data={"username": "staff", "password": "nope", "csrf": csrf_of(form.text)})
    assert wrong.status_code == 401 and "Wrong user name or password" in wrong.text
    forged = await client.post("/desk/login", data={"username": "staff", "password": PASSWORDS["staff"], "csrf": "x"})
    assert forged.status_code == 403 and ACCESS not in client.cookies


async def test_the_voice_agent_account_cannot_use_the_desk(client):
    form = await client.get("/desk/login")
    response = await client.post("/desk/login", data={"username": "agent", "password": PASSWORDS["agent"],
                                                       "csrf": csrf_of(form.text)})
    assert response.status_code == 403 and ACCESS not in client.cookies


async def test_an_expired_access_token_is_renewed_by_rotating_the_refresh_token(client):
    await sign_in(client)
    old_refresh = client.cookies[REFRESH]
    expired = access_token(secret=SECRET, subject="staff", role="staff", minutes=1, version=0,
                           now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5))
    csrf = client.cookies[CSRF]
    set_session(client, access=expired, refresh=old_refresh, csrf=csrf)
    response = await client.get("/desk/calls")
    assert response.status_code == 200
    assert client.cookies[REFRESH] != old_refresh and client.cookies[ACCESS] != expired
    set_session(client, access=expired, refresh=old_refresh, csrf=csrf)  # a used refresh token: its family is revoked
    again = await client.get("/desk/calls")
    assert again.status_code == 303 and "expired=1" in again.headers["location"]


async def test_changes_without_the_csrf_token_are_refused(client):
    await sign_in(client)
    response = await client.post("/desk/bookings/ROOMI-NOPE/check-in", data={"csrf": "forged"})
    assert response.status_code == 403 and "csrf_failed" in response.text


async def test_staff_may_not_open_setup_and_admins_may(client, container):
    await sign_in(client, "staff")
    response = await client.get("/desk/setup")
    assert response.status_code == 403 and "Setup is for admins" in response.text
    assert 'href="/desk/setup"' not in (await client.get("/desk")).text
    client.cookies.clear()
    await sign_in(client, "admin")
    page = await client.get("/desk/setup")
    assert page.status_code == 200 and 'data-testid="user-row"' in page.text and 'data-testid="room-row"' in page.text


async def test_caller_text_is_escaped_and_card_numbers_never_shown(client, container):
    async with UnitOfWork(container.db, write=True) as uow:
        started = await calls.start(uow, clock=container.clock, caller_id="+15551234567", livekit_room=None, call_type="inbound")
    session_id = started.record.session_id
    async with UnitOfWork(container.db, write=True) as uow:
        await calls.add_transcript(uow, clock=container.clock, session_id=session_id, entries=[
            {"speaker": "guest", "text": "<script>alert('x')</script><img src=x onerror=alert(1)> card 4242 4242 4242 4242"}])
    await sign_in(client)
    page = await client.get(f"/desk/calls/{session_id}")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;" in page.text and "4242 4242 4242 4242" not in page.text
    listing = await client.get("/desk/calls")
    assert "<script>alert" not in listing.text and 'data-testid="live-call"' in listing.text


async def test_bookings_search_and_a_booking_page_with_its_actions(client):
    made = await book(client, check_in=TODAY.isoformat(), check_out=(TODAY + dt.timedelta(days=3)).isoformat(),
                      booking_source="voice_agent")
    assert made.status_code == 201, made.text
    number = made.json()["booking"]["confirmation_number"]
    csrf = await sign_in(client)
    found = await client.get("/desk/bookings", params={"source": "voice_agent", "name": "smith"})
    assert found.status_code == 200 and found.text.count('data-testid="booking-row"') == 1 and number in found.text
    assert (await client.get("/desk/bookings", params={"confirmation": number[-7:]})).text.count(number) >= 1
    assert (await client.get("/desk/bookings", params={"source": "ota", "name": "smith"})).text.count('data-testid="booking-row"') == 0
    today = await client.get("/desk")
    assert f'href="/desk/bookings/{number}"' in today.text and 'data-testid="arrival-row"' in today.text
    assert re.search(r'data-testid="kpi-ai-bookings-today">1<', today.text)

    preview = await client.post(f"/desk/bookings/{number}/change", data={
        "csrf": csrf, "check_in": TODAY.isoformat(), "check_out": (TODAY + dt.timedelta(days=4)).isoformat(),
        "room_type": "DLX", "adults": "2", "children": "0", "rooms": "1", "step": "preview"})
    assert preview.status_code == 200 and 'data-testid="change-preview"' in preview.text
    page = await client.get(f"/desk/bookings/{number}")
    assert "4 nights" not in page.text and ">3<" in page.text  # the preview changed nothing
    saved = await client.post(f"/desk/bookings/{number}/change", data={
        "csrf": csrf, "check_in": TODAY.isoformat(), "check_out": (TODAY + dt.timedelta(days=4)).isoformat(),
        "room_type": "DLX", "adults": "2", "children": "0", "rooms": "1", "step": "save"})
    assert saved.status_code == 303
    page = await client.get(saved.headers["location"])
    assert 'data-testid="notice">The booking was changed.' in page.text and ">4<" in page.text

    cancel = await client.get(f"/desk/bookings/{number}/cancel")
    assert cancel.status_code == 200 and 'data-testid="cancel-penalty"' in cancel.text
    checked_in = await client.post(f"/desk/bookings/{number}/check-in", data={"csrf": csrf, "back": "/desk"})
    assert checked_in.status_code == 303 and checked_in.headers["location"] == "/desk?done=checked_in"
    page = await client.get(f"/desk/bookings/{number}")
    assert 'data-testid="booking-status">checked in' in page.text and "Check out" in page.text
    twice = await client.post(f"/desk/bookings/{number}/check-in", data={"csrf": csrf})
    assert twice.status_code == 409 and 'data-testid="error-detail"' in twice.text
    bad = await client.get("/desk/bookings", params={"arrival": "tomorrow"})
    assert bad.status_code == 422 and "invalid_request" in bad.text


async def test_bad_input_in_a_form_is_a_page_with_the_detail_and_code(client):
    await sign_in(client)
    missing = await client.get("/desk/bookings/ROOMI-NOPE")
    assert missing.status_code == 404 and 'data-testid="error-code">not_found' in missing.text
    csrf = client.cookies[CSRF]
    response = await client.post("/desk/requests/SR-NOPE", data={"csrf": csrf, "status": "completed"})
    assert response.status_code == 404


async def test_the_request_queue_puts_urgent_first_and_moves_a_request_along(client):
    stay = await checked_in(client)
    room = stay["room_numbers"][0]
    normal = await file(client, "staff", room_number=room, request_type="housekeeping", details={"items": ["towels"]})
    urgent = await file(client, "staff", room_number=room, request_type="maintenance", priority="urgent",
                        details={"description": "<b>leak</b>"})
    csrf = await sign_in(client)
    queue = await client.get("/desk/requests")
    order = re.findall(r'/desk/requests/(SRV-[0-9-]+)"', queue.text)
    assert order == [urgent["request_id"], normal["request_id"]]
    assert "<b>leak</b>" not in queue.text and "&lt;b&gt;leak&lt;/b&gt;" in queue.text
    moved = await client.post(f"/desk/requests/{normal['request_id']}", data={"csrf": csrf, "status": "in_progress",
                                                                             "assigned_to": "Maria"})
    assert moved.status_code == 303
    done = await client.post(f"/desk/requests/{normal['request_id']}", data={"csrf": csrf, "status": "completed"})
    assert done.status_code == 303
    assert normal["request_id"] not in (await client.get("/desk/requests")).text
    assert normal["request_id"] in (await client.get("/desk/requests", params={"closed": "true"})).text
    refused = await client.post(f"/desk/requests/{normal['request_id']}", data={"csrf": csrf, "status": "pending"})
    assert refused.status_code == 409 and 'data-testid="error-code">conflict' in refused.text


async def test_demo_calls_fill_the_calls_page_and_the_filters_find_the_ones_that_went_wrong(client, container, settings):
    made = await make_past_calls(settings, container.db, today=TODAY, days=1, gateway=container.gateway)
    assert made == 5
    await sign_in(client)
    everything = await client.get("/desk/calls")
    assert everything.text.count('data-testid="call-row"') == 5
    summaries = re.findall(r'data-testid="call-summary">([^<]+)<', everything.text)
    assert any(s.startswith("Booked STD ") for s in summaries) and "Asked about parking" in summaries
    assert "Transferred: wanted a group rate" in summaries and " s<" in everything.text  # durations with their unit
    wrong = await client.get("/desk/calls", params={"problems": "true"})
    assert re.findall(r'data-testid="call-summary">([^<]+)<', wrong.text) == ["Transferred: wanted a group rate"]
    booked = await client.get("/desk/calls", params={"outcome": "booking_completed",
                                                    "day": (TODAY - dt.timedelta(days=1)).isoformat()})
    assert booked.text.count('data-testid="call-row"') == 1
    assert (await client.get("/desk/calls", params={"day": TODAY.isoformat()})).text.count('data-testid="call-row"') == 0
    session_id = re.search(r'href="/desk/calls/(session_[0-9a-f]+)"', booked.text).group(1)
    call = await client.get(f"/desk/calls/{session_id}")
    assert 'data-testid="call-booking"' in call.text and 'data-testid="tool-call"' in call.text
    assert 'data-testid="turn-latency"' in call.text and call.text.count('data-testid="transcript-line"') >= 10
