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
from tests.conftest import SECRET, headers

pytestmark = pytest.mark.api

PUBLIC = frozenset({None, "agent", "staff", "admin"})
ANY_ROLE = frozenset({"agent", "staff", "admin"})
STAFF = frozenset({"staff", "admin"})
ADMIN = frozenset({"admin"})
VOICE = frozenset({"agent", "admin"})

ALLOWED: dict[tuple[str, str], frozenset] = {
    ("GET", "/openapi.json"): PUBLIC,
    ("MOUNT", "/static-offline-docs"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    ("GET", "/v1/health"): PUBLIC,
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
        if method == "MOUNT":
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
        if None in allowed:
            continue
        url = re.sub(r"\{[a-z_]+\}", "NOPE-1", path)
        for token in (expired, forged, "not-a-jwt"):
            response = await client.request(method, url, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401, f"{method} {path}"


def problem_detail(response) -> str:
    """The problem+json detail, or nothing for the HTML docs pages."""
    if "json" not in response.headers.get("content-type", ""):
        return ""
    body = response.json()
    return body.get("detail", "") if isinstance(body, dict) else ""
