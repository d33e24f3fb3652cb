"""Who may call what: every route of the app has a decision here, and every role is refused where it must be."""

from __future__ import annotations

import datetime as dt
import re

import fastapi.routing
import pytest

from roomiai.api.app import create_app
from roomiai.api.booking_proof import PROOF_HEADER
from roomiai.api.voice_keys import CALL_KEY_HEADER, call_key
from roomiai.services.auth import access_token
from roomiai.web.desk.session import ACCESS as DESK_ACCESS, CSRF as DESK_CSRF
from tests.conftest import SECRET, headers, token_for

pytestmark = pytest.mark.api

PUBLIC = frozenset({None, "agent", "staff", "admin"})
ANY_ROLE = frozenset({"agent", "staff", "admin"})
STAFF = frozenset({"staff", "admin"})
ADMIN = frozenset({"admin"})
VOICE = frozenset({"agent", "admin"})
# the front desk's pages sign in with cookies (roomiai.web.desk.session), never a bearer token: walked apart below
DESK_STAFF = frozenset({"desk", "staff", "admin"})
DESK_ADMIN = frozenset({"desk", "admin"})
DESK_PUBLIC = frozenset({"desk", None, "agent", "staff", "admin"})

ALLOWED: dict[tuple[str, str], frozenset] = {
    ("GET", "/openapi.json"): PUBLIC,
    ("MOUNT", "/static-offline-docs"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    ("GET", "/v1/health"): PUBLIC,
    ("GET", "/metrics"): ADMIN,
    ("GET", "/v1/ready"): PUBLIC,
    ("POST", "/v1/auth/token"): PUBLIC,
    ("POST", "/v1/auth/refresh"): PUBLIC,
    ("GET", "/v1/hotel"): ANY_ROLE,
    ("GET", "/v1/rooms/availability"): ANY_ROLE,
    ("GET", "/v1/rooms/types"): ANY_ROLE,
    ("GET", "/v1/rooms/{room_type_id}/rates"): ANY_ROLE,
    ("POST", "/v1/bookings/lookup"): ANY_ROLE,
    ("POST", "/v1/bookings"): ANY_ROLE,
    ("GET", "/v1/bookings/search"): STAFF,
    # the agent only with the guest's last name (X-Guest-Last-Name), which every request below sends
    ("GET", "/v1/bookings/{confirmation_number}"): ANY_ROLE,
    ("PUT", "/v1/bookings/{confirmation_number}"): ANY_ROLE,
    ("DELETE", "/v1/bookings/{confirmation_number}"): ANY_ROLE,
    ("POST", "/v1/bookings/{confirmation_number}/check-in"): STAFF,
    ("POST", "/v1/bookings/{confirmation_number}/check-out"): STAFF,
    ("POST", "/v1/bookings/{confirmation_number}/no-show"): STAFF,
    ("GET", "/v1/bookings/{confirmation_number}/messages"): STAFF,
    ("POST", "/v1/bookings/{confirmation_number}/messages/{message_id}/resend"): STAFF,
    ("POST", "/v1/guests"): STAFF,
    ("GET", "/v1/guests/search"): STAFF,
    ("GET", "/v1/guests/{guest_id}"): STAFF,
    ("PUT", "/v1/guests/{guest_id}/preferences"): STAFF,
    ("POST", "/v1/payments/cards"): ANY_ROLE,
    ("POST", "/v1/services/requests"): ANY_ROLE,
    ("GET", "/v1/services/requests"): STAFF,
    ("GET", "/v1/services/requests/{request_id}"): STAFF,
    ("PATCH", "/v1/services/requests/{request_id}"): STAFF,
    ("POST", "/v1/voice/session/start"): VOICE,
    ("POST", "/v1/voice/session/{session_id}/transcript"): VOICE,
    ("POST", "/v1/voice/session/{session_id}/intent"): VOICE,
    ("POST", "/v1/voice/session/{session_id}/end"): VOICE,
    ("GET", "/v1/voice/session/{session_id}"): STAFF,
    ("GET", "/v1/admin/dashboard"): STAFF,
    ("GET", "/v1/admin/calls"): STAFF,
    ("GET", "/v1/admin/settings"): STAFF,
    ("PUT", "/v1/admin/settings"): ADMIN,
    ("GET", "/v1/admin/users"): ADMIN,
    ("PUT", "/v1/admin/users/{username}"): ADMIN,
    # property setup (roomi hotel import/export through the API): admin only
    ("GET", "/v1/admin/property"): ADMIN,
    ("PUT", "/v1/admin/property"): ADMIN,
    ("GET", "/v1/admin/room-types"): ADMIN,
    ("POST", "/v1/admin/room-types"): ADMIN,
    ("GET", "/v1/admin/room-types/{type_code}"): ADMIN,
    ("PUT", "/v1/admin/room-types/{type_code}"): ADMIN,
    ("DELETE", "/v1/admin/room-types/{type_code}"): ADMIN,
    ("GET", "/v1/admin/rates"): ADMIN,
    ("POST", "/v1/admin/rates"): ADMIN,
    ("GET", "/v1/admin/rates/{type_code}/{rate_code}"): ADMIN,
    ("PUT", "/v1/admin/rates/{type_code}/{rate_code}"): ADMIN,
    ("DELETE", "/v1/admin/rates/{type_code}/{rate_code}"): ADMIN,
    ("GET", "/v1/admin/packages"): ADMIN,
    ("POST", "/v1/admin/packages"): ADMIN,
    ("GET", "/v1/admin/packages/{code}"): ADMIN,
    ("PUT", "/v1/admin/packages/{code}"): ADMIN,
    ("DELETE", "/v1/admin/packages/{code}"): ADMIN,
    ("GET", "/v1/admin/discount-codes"): ADMIN,
    ("POST", "/v1/admin/discount-codes"): ADMIN,
    ("GET", "/v1/admin/discount-codes/{code}"): ADMIN,
    ("PUT", "/v1/admin/discount-codes/{code}"): ADMIN,
    ("DELETE", "/v1/admin/discount-codes/{code}"): ADMIN,
    ("GET", "/v1/admin/rooms"): ADMIN,
    ("POST", "/v1/admin/rooms"): ADMIN,
    ("GET", "/v1/admin/rooms/{room_number}"): ADMIN,
    ("PUT", "/v1/admin/rooms/{room_number}"): ADMIN,
    ("DELETE", "/v1/admin/rooms/{room_number}"): ADMIN,
    ("PUT", "/v1/admin/rooms/{room_number}/status"): ADMIN,
    ("GET", "/v1/admin/rooms/{room_number}/blocks"): ADMIN,
    ("POST", "/v1/admin/rooms/{room_number}/blocks"): ADMIN,
    ("DELETE", "/v1/admin/rooms/{room_number}/blocks/{block_id}"): ADMIN,
    ("MOUNT", "/desk/static"): PUBLIC,
    ("GET", "/desk/login"): DESK_PUBLIC,
    ("POST", "/desk/login"): DESK_PUBLIC,
    ("POST", "/desk/logout"): DESK_STAFF,
    ("GET", "/desk"): DESK_STAFF,
    ("GET", "/desk/calls"): DESK_STAFF,
    ("GET", "/desk/calls/{session_id}"): DESK_STAFF,
    ("GET", "/desk/calls/{session_id}/events"): DESK_STAFF,
    ("GET", "/desk/live/events"): DESK_STAFF,
    ("GET", "/desk/bookings"): DESK_STAFF,
    ("GET", "/desk/bookings/{confirmation}"): DESK_STAFF,
    ("POST", "/desk/bookings/{confirmation}/check-in"): DESK_STAFF,
    ("POST", "/desk/bookings/{confirmation}/check-out"): DESK_STAFF,
    ("POST", "/desk/bookings/{confirmation}/no-show"): DESK_STAFF,
    ("GET", "/desk/bookings/{confirmation}/change"): DESK_STAFF,
    ("POST", "/desk/bookings/{confirmation}/change"): DESK_STAFF,
    ("GET", "/desk/bookings/{confirmation}/cancel"): DESK_STAFF,
    ("POST", "/desk/bookings/{confirmation}/cancel"): DESK_STAFF,
    ("POST", "/desk/bookings/{confirmation}/messages/{message_id}/resend"): DESK_STAFF,
    ("GET", "/desk/requests"): DESK_STAFF,
    ("POST", "/desk/requests/{request_id}"): DESK_STAFF,
    ("GET", "/desk/setup"): DESK_ADMIN,
    ("POST", "/desk/setup/hotel"): DESK_ADMIN,
    ("POST", "/desk/setup/policies"): DESK_ADMIN,
    ("POST", "/desk/setup/voice"): DESK_ADMIN,
    ("POST", "/desk/setup/users"): DESK_ADMIN,
    ("POST", "/desk/setup/users/{username}"): DESK_ADMIN,
    ("POST", "/desk/setup/rooms/{room_number}/status"): DESK_ADMIN,
    ("POST", "/desk/setup/rooms/{room_number}/blocks"): DESK_ADMIN,
    ("POST", "/desk/setup/rooms/{room_number}/blocks/{block_id}/remove"): DESK_ADMIN,
    ("GET", "/desk/setup/room-types/remove/{key}"): DESK_ADMIN,
    ("POST", "/desk/setup/room-types/remove/{key}"): DESK_ADMIN,
    ("GET", "/desk/setup/rooms/remove/{key}"): DESK_ADMIN,
    ("POST", "/desk/setup/rooms/remove/{key}"): DESK_ADMIN,
    ("GET", "/desk/setup/rates/remove/{key}"): DESK_ADMIN,
    ("POST", "/desk/setup/rates/remove/{key}"): DESK_ADMIN,
    ("GET", "/desk/setup/packages/remove/{key}"): DESK_ADMIN,
    ("POST", "/desk/setup/packages/remove/{key}"): DESK_ADMIN,
    ("GET", "/desk/setup/discount-codes/remove/{key}"): DESK_ADMIN,
    ("POST", "/desk/setup/discount-codes/remove/{key}"): DESK_ADMIN,
    ("GET", "/desk/setup/room-types/new"): DESK_ADMIN,
    ("POST", "/desk/setup/room-types/new"): DESK_ADMIN,
    ("GET", "/desk/setup/room-types/edit/{key}"): DESK_ADMIN,
    ("POST", "/desk/setup/room-types/edit/{key}"): DESK_ADMIN,
    ("GET", "/desk/setup/rooms/new"): DESK_ADMIN,
    ("POST", "/desk/setup/rooms/new"): DESK_ADMIN,
    ("GET", "/desk/setup/rooms/edit/{key}"): DESK_ADMIN,
    ("POST", "/desk/setup/rooms/edit/{key}"): DESK_ADMIN,
    ("GET", "/desk/setup/rates/new"): DESK_ADMIN,
    ("POST", "/desk/setup/rates/new"): DESK_ADMIN,
    ("GET", "/desk/setup/rates/edit/{key}"): DESK_ADMIN,
    ("POST", "/desk/setup/rates/edit/{key}"): DESK_ADMIN,
    ("GET", "/desk/setup/packages/new"): DESK_ADMIN,
    ("POST", "/desk/setup/packages/new"): DESK_ADMIN,
    ("GET", "/desk/setup/packages/edit/{key}"): DESK_ADMIN,
    ("POST", "/desk/setup/packages/edit/{key}"): DESK_ADMIN,
    ("GET", "/desk/setup/discount-codes/new"): DESK_ADMIN,
    ("POST", "/desk/setup/discount-codes/new"): DESK_ADMIN,
    ("GET", "/desk/setup/discount-codes/edit/{key}"): DESK_ADMIN,
    ("POST", "/desk/setup/discount-codes/edit/{key}"): DESK_ADMIN,
}


def app_routes(app: fastapi.FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route, routers included however this FastAPI version nests them; mounts as MOUNT."""
    flatten = getattr(fastapi.routing, "iter_route_contexts", lambda routes: routes)
    found = set()
    for route in flatten(app.routes):
        methods = getattr(route, "methods", None) or {"MOUNT"}
        found.update((method, route.path) for method in methods - {"HEAD"})
    return found


def test_every_route_has_an_access_decision(container):
    routes = app_routes(create_app(container).app)
    assert routes - ALLOWED.keys() == set(), "a new route: decide who may call it in ALLOWED"
    assert ALLOWED.keys() - routes == set(), "a route is gone: remove it from ALLOWED"


async def test_each_role_is_refused_exactly_where_it_must_be(client):
    wrong = []
    for (method, path), allowed in ALLOWED.items():
        if method == "MOUNT" or "desk" in allowed:
            continue
        url = re.sub(r"\{[a-z_]+\}", "NOPE-1", path)
        for role in (None, "agent", "staff", "admin"):
            sent = {PROOF_HEADER: "Nobody", CALL_KEY_HEADER: call_key(SECRET, "NOPE-1", None), **(headers(role) if role else {})}
            response = await client.request(method, url, headers=sent)
            status, detail = response.status_code, problem_detail(response)
            if role in allowed:
                ok = status not in (401, 403)
            elif role is None:
                ok = status == 401 and "Log in first" in detail and response.headers["www-authenticate"] == "Bearer"
            else:
                ok = status == 403 and f"The {role} role cannot" in detail
            if not ok or status >= 500:
                wrong.append(f"{method} {path} as {role or 'nobody'}: {status} {detail[:80]}")
    assert wrong == []


async def test_an_expired_or_forged_token_is_refused_everywhere_it_is_needed(client):
    expired = access_token(secret=SECRET, subject="test-admin", role="admin", minutes=5,
                           now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=10))
    forged = access_token(secret="not-" + SECRET, subject="test-admin", role="admin", minutes=5,
                          now=dt.datetime.now(dt.timezone.utc))
    for (method, path), allowed in ALLOWED.items():
        if None in allowed or "desk" in allowed:
            continue
        url = re.sub(r"\{[a-z_]+\}", "NOPE-1", path)
        for token in (expired, forged, "not-a-jwt"):
            response = await client.request(method, url, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401, f"{method} {path}"


async def test_each_role_is_refused_exactly_where_it_must_be_on_the_desk(client):
    """Desk pages read the session cookie: nobody is sent to sign in, a wrong role gets a 403 page, bearer tokens count for nothing."""
    wrong = []
    for (method, path), allowed in ALLOWED.items():
        if "desk" not in allowed:
            continue
        url = re.sub(r"\{[a-z_]+\}", "NOPE-1", path)
        for role in (None, "agent", "staff", "admin"):
            if path == "/desk/live/events" and role in allowed:
                continue  # streams until the browser leaves (tests/browser/test_desk.py watches it)
            client.cookies.clear()
            if role:
                client.cookies.set(DESK_ACCESS, token_for(role), domain="roomi.test", path="/desk")
                client.cookies.set(DESK_CSRF, "token", domain="roomi.test", path="/desk")
            data = {"csrf": "token"} if method == "POST" else None
            response = await client.request(method, url, data=data, headers=headers(role) if role is None else {},
                                            params={"after": 0} if url.endswith("/events") else None)
            status = response.status_code
            if role in allowed:
                ok = status not in (401, 403) and not (status == 303 and "/desk/login?next=" in response.headers["location"])
            elif role is None:
                ok = status == 303 and response.headers["location"].startswith("/desk/login") or status == 401
            else:
                ok = status == 403
            if not ok or status >= 500:
                wrong.append(f"{method} {path} as {role or 'nobody'}: {status}")
    client.cookies.clear()
    assert wrong == []


def problem_detail(response) -> str:
    """The problem+json detail, or nothing for the HTML docs pages."""
    if "json" not in response.headers.get("content-type", ""):
        return ""
    body = response.json()
    return body.get("detail", "") if isinstance(body, dict) else ""
