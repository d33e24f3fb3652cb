"""The front desk over HTTP: sign-in with cookies and CSRF, each page, roles, actions and escaping (no browser)."""

from __future__ import annotations

import datetime as dt
import re

import jwt
import pytest
from sqlalchemy import select

from roomiai.services import auth, calls
from roomiai.services.auth import access_token
from roomiai.store.tables import RatePlanRecord, RefreshTokenRecord, RoomTypeRecord
from roomiai.store.uow import UnitOfWork
from roomiai.web.desk.session import ACCESS, CSRF, REFRESH
from roomiai.demo.calls import make_past_calls
from tests.api.test_bookings import CARD, book, require_deposit
from tests.api.test_service_requests import checked_in, file
from tests.conftest import SECRET, TODAY, headers

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


async def test_an_expired_access_token_is_renewed_by_rotating_the_refresh_token(client, container):
    await sign_in(client)
    old_refresh = client.cookies[REFRESH]
    expired = access_token(secret=SECRET, subject="staff", role="staff", minutes=1, version=0,
                           now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5))
    csrf = client.cookies[CSRF]
    set_session(client, access=expired, refresh=old_refresh, csrf=csrf)
    response = await client.get("/desk/calls")
    assert response.status_code == 200
    assert client.cookies[REFRESH] != old_refresh and client.cookies[ACCESS] != expired
    await used_long_ago(container, old_refresh)
    set_session(client, access=expired, refresh=old_refresh, csrf=csrf)  # a used refresh token: its family is revoked
    again = await client.get("/desk/calls")
    assert again.status_code == 303 and "expired=1" in again.headers["location"]


async def used_long_ago(container, refresh: str) -> None:
    """Moves a refresh token's first use back past the grace window, as if the tabs had renewed minutes ago."""
    jti = jwt.decode(refresh, SECRET, algorithms=["HS256"])["jti"]
    async with UnitOfWork(container.db, write=True) as uow:
        record = await uow.session.get(RefreshTokenRecord, jti)
        record.used_at -= dt.timedelta(seconds=container.settings.desk_refresh_grace_seconds + 1)
        await uow.commit()


async def test_two_tabs_renewing_an_expired_session_at_once_both_stay_signed_in(client, container):
    await sign_in(client)
    old_refresh, csrf = client.cookies[REFRESH], client.cookies[CSRF]
    expired = access_token(secret=SECRET, subject="staff", role="staff", minutes=1, version=0,
                           now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5))
    renewed = []
    for _tab in range(2):  # both tabs send the same cookies before either has seen the other's answer
        set_session(client, access=expired, refresh=old_refresh, csrf=csrf)
        response = await client.get("/desk/calls")
        assert response.status_code == 200, response.headers.get("location")
        renewed.append(client.cookies[REFRESH])
    for refresh in renewed:  # each tab's new session goes on working
        set_session(client, access=expired, refresh=refresh, csrf=csrf)
        assert (await client.get("/desk/bookings")).status_code == 200


async def test_a_refresh_token_reused_inside_the_grace_window_renews_and_after_it_revokes_the_family(container):
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)  # tokens are checked against real time: none from the future
    terms = dict(secret=SECRET, access_minutes=15, refresh_days=7, reuse_grace_seconds=30)
    async with UnitOfWork(container.db, write=True) as uow:
        first = await auth.login(uow, username="staff", password=PASSWORDS["staff"], secret=SECRET, access_minutes=15,
                                 refresh_days=7)
    pairs = []
    for seconds in (0, 29):
        async with UnitOfWork(container.db, write=True) as uow:
            pairs.append(await auth.refresh(uow, refresh_token=first.refresh_token, now=now + dt.timedelta(seconds=seconds),
                                            **terms))
    assert pairs[0].refresh_token != pairs[1].refresh_token
    async with UnitOfWork(container.db, write=True) as uow:
        with pytest.raises(auth.Unauthorized, match="already used"):
            await auth.refresh(uow, refresh_token=first.refresh_token, now=now + dt.timedelta(seconds=31), **terms)
    for pair in pairs:  # the late reuse looked like a stolen token: every session of the family is over
        async with UnitOfWork(container.db, write=True) as uow:
            with pytest.raises(auth.Unauthorized, match="revoked"):
                await auth.refresh(uow, refresh_token=pair.refresh_token, now=now + dt.timedelta(seconds=32), **terms)


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


POLICIES = {"cancellation_type": "strict", "free_cancellation_hours": "48", "penalty_type": "flat", "penalty_amount": "75.50",
            "deposit_required": "on", "deposit_percentage": "25", "children_policy": "Kids <b>free</b>", "pet_policy": "",
            "smoking_policy": "No smoking anywhere."}


async def test_an_admin_edits_the_policies_and_new_bookings_follow_them(client):
    csrf = await sign_in(client, "admin")
    saved = await client.post("/desk/setup/policies", data={"csrf": csrf, **POLICIES})
    assert saved.status_code == 303, saved.text
    stored = (await client.get("/v1/admin/settings", headers=headers("admin"))).json()["policies"]
    assert stored["cancellation_default"] == {"type": "strict", "free_cancellation_hours": 48, "penalty_type": "flat",
                                              "penalty_amount": 7550}
    assert (stored["deposit_required"], stored["deposit_percentage"]) == (True, 25)
    assert stored.get("pet_policy") is None and stored["children_policy"] == "Kids <b>free</b>"
    page = (await client.get("/desk/setup")).text
    assert 'name="penalty_amount" inputmode="decimal" autocomplete="off" value="75.50"' in page
    assert "Kids &lt;b&gt;free&lt;/b&gt;</textarea>" in page
    assert (await book(client)).status_code == 422  # a deposit is required now: no card, no booking

    percent = await client.post("/desk/setup/policies", data={"csrf": csrf, **POLICIES, "penalty_type": "percentage",
                                                              "penalty_amount": "50", "deposit_required": ""})
    assert percent.status_code == 303
    stored = (await client.get("/v1/admin/settings", headers=headers("admin"))).json()["policies"]
    assert stored["cancellation_default"]["penalty_amount"] == 50 and stored["deposit_required"] is False
    first_night = await client.post("/desk/setup/policies", data={"csrf": csrf, **POLICIES, "penalty_type": "first_night"})
    assert first_night.status_code == 303
    stored = (await client.get("/v1/admin/settings", headers=headers("admin"))).json()["policies"]
    assert stored["cancellation_default"].get("penalty_amount") is None

    for bad, words in ((("free_cancellation_hours", "two days"), "free cancellation hours must be a whole number"),
                       (("penalty_amount", "7O"), "penalty amount must be an amount"),
                       (("cancellation_type", "lenient"), "cancellation_default"),
                       (("deposit_percentage", "250"), "deposit_percentage")):
        refused = await client.post("/desk/setup/policies", data={"csrf": csrf, **POLICIES, bad[0]: bad[1]})
        assert refused.status_code == 422 and words in refused.text and "invalid_request" in refused.text, refused.text
    staff = await sign_in_as_staff(client)
    assert (await client.post("/desk/setup/policies", data={"csrf": staff, **POLICIES})).status_code == 403


async def sign_in_as_staff(client) -> str:
    client.cookies.clear()
    return await sign_in(client, "staff")


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


async def test_a_booking_page_shows_the_card_as_brand_and_last_four_on_the_booking_and_its_deposit(client):
    await require_deposit(client)
    made = await book(client, payment={"card_number": CARD, "expiry": "12/27", "cvv": "123"})
    assert made.status_code == 201, made.text
    await sign_in(client)
    page = await client.get(f"/desk/bookings/{made.json()['booking']['confirmation_number']}")
    assert re.search(r'data-testid="payment-card">Visa ending 1111<', page.text)
    assert re.search(r'data-testid="payment">.*Visa ending 1111.*</tr>', page.text)
    assert "????" not in page.text and CARD not in page.text and "tok_" not in page.text


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


async def test_the_calls_filter_form_and_pager_work_without_a_day(client, container):
    for n in range(51):  # one more than a page
        async with UnitOfWork(container.db, write=True) as uow:
            started = await calls.start(uow, clock=container.clock, caller_id=f"+1555000{n:04d}", livekit_room=None,
                                        call_type="inbound")
        async with UnitOfWork(container.db, write=True) as uow:
            await calls.end(uow, clock=container.clock, session_id=started.record.session_id, outcome="transferred")
    await sign_in(client)
    submitted = await client.get("/desk/calls?day=&outcome=transferred")  # what the form sends with no day chosen
    assert submitted.status_code == 200 and 'data-testid="calls-total">51 calls<' in submitted.text
    older = re.search(r'href="([^"]+)" rel="next"', submitted.text).group(1).replace("&amp;", "&")
    assert "day=&" in older
    second = await client.get(older)
    assert second.status_code == 200 and second.text.count('data-testid="call-row"') == 1
    bad = await client.get("/desk/calls?day=yesterday")
    assert bad.status_code == 422 and "The day must look like 2026-01-31." in bad.text and "invalid_request" in bad.text


async def test_the_demo_places_calls_earlier_today_so_calls_today_is_not_zero(client, container, settings):
    now = container.clock.now()
    made = await make_past_calls(settings, container.db, today=TODAY, days=0, now=now, gateway=container.gateway)
    assert made == 3
    await sign_in(client)
    today = await client.get("/desk")
    assert re.search(r'data-testid="kpi-calls-today">3<', today.text)
    assert re.search(r'data-testid="kpi-ai-bookings-today">1<', today.text)
    listing = await client.get("/desk/calls", params={"day": TODAY.isoformat()})
    assert listing.text.count('data-testid="call-row"') == 3
    async with UnitOfWork(container.db) as uow:
        _, found = await calls.search(uow, start=None, end=None, outcome=None, limit=10, offset=0)
        assert all(call.record.call_start < now and call.record.call_end < now for call in found)  # over before the demo opens


def test_todays_demo_calls_fit_between_midnight_and_now():
    from roomiai.demo.calls import LONGEST_CALL, todays_starts

    tz = dt.timezone(dt.timedelta(hours=-5))
    morning = dt.datetime(2026, 1, 12, 9, 30, tzinfo=tz)
    starts = todays_starts(morning, 3)
    assert starts == sorted(starts) and len(starts) == 3
    assert starts[0] == morning - dt.timedelta(hours=2) and starts[-1] + LONGEST_CALL <= morning
    early = dt.datetime(2026, 1, 12, 0, 20, tzinfo=tz)
    assert all(early.date() == s.date() and s + LONGEST_CALL <= early for s in todays_starts(early, 3))
    assert todays_starts(dt.datetime(2026, 1, 12, 0, 3, tzinfo=tz), 3) == []  # no room yet: none rather than tomorrow's


ROOM_TYPE_FORM = {"type_code": "loft", "name": "Garden Loft", "base_occupancy": "2", "max_occupancy": "3",
                  "extra_person_charge": "30.50", "bed_configurations": "QUEEN: One queen bed", "view_options": "garden",
                  "amenities": "Terrace\nKitchenette", "is_accessible": "on"}
RATE_FORM = {"type_code": "LOFT", "rate_code": "bar", "name": "Best available", "base_rate": "249.90",
             "rate_type": "per_night", "min_stay": "1", "max_stay": "30", "advance_booking_days": "0",
             "is_refundable": "on", "is_active": "on", "day_of_week_rates.saturday": "289",
             "cancellation_policy.type": "flexible", "cancellation_policy.free_cancellation_hours": "24",
             "cancellation_policy.penalty_type": "first_night", "cancellation_policy.penalty_amount": "0"}


def field_errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-testid="field-error" data-field="([^"]+)">([^<]+)<', html))


async def test_an_admin_creates_a_room_type_with_rooms_and_a_rate_that_the_api_then_quotes(client, container):
    csrf = await sign_in(client, "admin")
    form = await client.get("/desk/setup/room-types/new")
    assert form.status_code == 200 and 'for="f-extra-person-charge">Extra guest, per night (USD)' in form.text
    made = await client.post("/desk/setup/room-types/new", data={"csrf": csrf, **ROOM_TYPE_FORM})
    assert made.status_code == 303, field_errors(made.text) or made.text
    assert made.headers["location"] == "/desk/setup?done=saved#room-types"
    for number in ("L1", "L2"):
        room = await client.post("/desk/setup/rooms/new", data={
            "csrf": csrf, "room_number": number, "floor": "12", "type_code": "LOFT", "bed_configuration": "QUEEN",
            "view": "garden", "status": "available"})
        assert room.status_code == 303, field_errors(room.text) or room.text
    rate = await client.post("/desk/setup/rates/new", data={"csrf": csrf, **RATE_FORM})
    assert rate.status_code == 303, field_errors(rate.text) or rate.text
    setup = await client.get("/desk/setup")
    assert "Garden Loft" in setup.text and 'href="/desk/setup/rates/edit/LOFT.BAR"' in setup.text

    async with UnitOfWork(container.db) as uow:
        loft = (await uow.session.execute(select(RoomTypeRecord).where(RoomTypeRecord.type_code == "LOFT"))).scalar_one()
        plan = (await uow.session.execute(select(RatePlanRecord).where(RatePlanRecord.room_type_id == loft.id))).scalar_one()
        assert loft.extra_person_cents == 3050 and plan.base_rate_cents == 24990  # typed in dollars, kept in cents
        assert plan.day_of_week_rates == {"saturday": 28900} and plan.currency == "USD"
    friday = TODAY + dt.timedelta(days=(4 - TODAY.weekday()) % 7)
    quote = await client.get("/v1/rooms/availability", headers=headers("agent"), params={
        "check_in": friday.isoformat(), "check_out": (friday + dt.timedelta(days=2)).isoformat(), "adults": 2,
        "room_type": "LOFT"})
    assert quote.status_code == 200, quote.text
    loft_option = next(o for o in quote.json()["options"] if o["room_type_code"] == "LOFT")
    assert loft_option["available_count"] == 2
    bar = next(r for r in loft_option["rates"] if r["rate_code"] == "BAR")
    assert [n["rate"] for n in bar["nightly"]] == [249.9, 289] and bar["total"] == 538.9


async def test_an_admin_edits_a_package_and_a_discount_code(client):
    csrf = await sign_in(client, "admin")
    form = await client.get("/desk/setup/packages/edit/breakfast")
    assert form.status_code == 200
    assert 'name="price" id="f-price"' in form.text and 'value="28.00"' in form.text
    assert re.search(r'<input name="code" id="f-code"[^>]*value="breakfast" readonly>', form.text)
    saved = await client.post("/desk/setup/packages/edit/breakfast", data={
        "csrf": csrf, "code": "ignored", "name": "Breakfast buffet", "price": "31.5", "per": "person_night",
        "description": "In the Atrium, 7 to 11."})
    assert saved.status_code == 303, field_errors(saved.text) or saved.text
    package = (await client.get("/v1/admin/packages/breakfast", headers=headers("admin"))).json()
    assert package == {"code": "breakfast", "name": "Breakfast buffet", "price": 31.5, "per": "person_night",
                       "description": "In the Atrium, 7 to 11."}
    saved = await client.post("/desk/setup/discount-codes/edit/welcome25", data={
        "csrf": csrf, "type": "flat", "amount": "30", "min_nights": "3", "valid_from": "", "valid_to": "2026-12-31",
        "description": "30 off three nights"})
    assert saved.status_code == 303, field_errors(saved.text) or saved.text
    code = (await client.get("/v1/admin/discount-codes/WELCOME25", headers=headers("admin"))).json()
    assert code["amount"] == 30 and code["min_nights"] == 3 and code["valid_to"] == "2026-12-31"
    listing = await client.get("/desk/setup")
    assert "Breakfast buffet" in listing.text and "30 off three nights" in listing.text


async def test_a_bad_value_is_shown_next_to_its_field_and_nothing_typed_is_lost(client, container):
    csrf = await sign_in(client, "admin")
    typed = {**RATE_FORM, "type_code": "DLX", "rate_code": "WKND", "name": "Weekend <special>", "base_rate": "12.345",
             "includes": "Late check-out\nParking", "max_stay": "two"}
    bad = await client.post("/desk/setup/rates/new", data={"csrf": csrf, **typed})
    assert bad.status_code == 422
    assert field_errors(bad.text) == {"base_rate": "must be an amount in USD like 150 or 150.00",
                                      "max_stay": "must be a whole number"}
    assert 'value="12.345"' in bad.text and 'value="two"' in bad.text and 'value="Weekend &lt;special&gt;"' in bad.text
    assert ">Late check-out\nParking</textarea>" in bad.text and 'aria-invalid="true"' in bad.text
    assert 'data-testid="form-errors"' in bad.text and 'href="#f-base-rate"' in bad.text
    checked = await client.post("/desk/setup/room-types/new", data={
        "csrf": csrf, **ROOM_TYPE_FORM, "base_occupancy": "4", "max_occupancy": "2"})  # each field fine, together not
    assert checked.status_code == 422
    assert field_errors(checked.text) == {"max_occupancy": "2 is below base_occupancy 4"}
    twice = await client.post("/desk/setup/discount-codes/new", data={"csrf": csrf, "code": "summer20", "type": "flat",
                                                                      "amount": "5", "min_nights": "1"})
    assert twice.status_code == 409 and "There is already a discount code" in field_errors(twice.text)["code"]
    async with UnitOfWork(container.db) as uow:
        plans = (await uow.session.execute(select(RatePlanRecord).where(RatePlanRecord.rate_code == "WKND"))).all()
        assert plans == [] and (await uow.session.execute(
            select(RoomTypeRecord).where(RoomTypeRecord.type_code == "LOFT"))).first() is None


async def test_only_admins_may_open_the_setup_forms(client):
    await sign_in(client, "staff")
    assert (await client.get("/desk/setup/rates/new")).status_code == 403
    client.cookies.clear()
    await sign_in(client, "admin")
    assert (await client.get("/desk/setup/rates/edit/DLX.NOPE")).status_code == 404
    assert (await client.get("/desk/setup/rates/edit/nodot")).status_code == 404


async def test_an_admin_removes_a_catalog_item_after_confirming_and_one_still_in_use_is_kept(client):
    csrf = await sign_in(client, "admin")
    code = {"code": "SPRING10", "description": "Spring offer", "type": "percentage", "amount": 10}
    assert (await client.post("/v1/admin/discount-codes", headers=headers(), json=code)).status_code == 201
    edit = await client.get("/desk/setup/discount-codes/edit/SPRING10")
    assert edit.status_code == 200 and 'href="/desk/setup/discount-codes/remove/SPRING10"' in edit.text
    confirm = await client.get("/desk/setup/discount-codes/remove/SPRING10")
    assert confirm.status_code == 200 and "Remove discount code SPRING10?" in confirm.text
    assert (await client.post("/desk/setup/discount-codes/remove/SPRING10", data={})).status_code == 403  # no CSRF token
    assert (await client.get("/v1/admin/discount-codes/SPRING10", headers=headers())).status_code == 200
    removed = await client.post("/desk/setup/discount-codes/remove/SPRING10", data={"csrf": csrf})
    assert removed.status_code == 303 and removed.headers["location"] == "/desk/setup?done=removed#discount-codes"
    assert (await client.get("/v1/admin/discount-codes/SPRING10", headers=headers())).status_code == 404
    assert (await client.get("/desk/setup/discount-codes/remove/SPRING10")).status_code == 404

    kept = await client.post("/desk/setup/room-types/remove/DLX", data={"csrf": csrf})  # it has rooms and rates
    assert kept.status_code == 409 and "Nothing was removed" in kept.text and "remove or move them first" in kept.text
    assert (await client.get("/v1/admin/room-types/DLX", headers=headers())).status_code == 200


async def test_staff_may_not_remove_catalog_items(client):
    csrf = await sign_in(client, "staff")
    assert (await client.get("/desk/setup/rooms/remove/101")).status_code == 403
    assert (await client.post("/desk/setup/rooms/remove/101", data={"csrf": csrf})).status_code == 403
    assert (await client.get("/v1/admin/rooms/101", headers=headers())).status_code == 200
