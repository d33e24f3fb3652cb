"""Property-based fuzzing of every operation in the served OpenAPI document, as admin and as agent: never a 5xx."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.python import asgi
from starlette.types import ASGIApp, Receive, Scope, Send

from roomiai.api.app import create_app
from roomiai.bootstrap import build_container
from roomiai.api.booking_proof import PROOF_HEADER
from roomiai.clock import Clock
from roomiai.config import Settings
from roomiai.payments.local_vault import LocalVault
from tests.conftest import HOTEL_TZ, PII_KEY, SECRET, TODAY, token_for

pytestmark = pytest.mark.api

EXAMPLES = int(os.environ.get("ROOMIAI_FUZZ_EXAMPLES", "25"))  # per operation and role; raise it to dig deeper
SEED = int(os.environ.get("ROOMIAI_FUZZ_SEED", "20260112"))  # fixed, so a failure replays; change it to explore
VAULT_KEY = b"0" * 43 + b"="
CONFIG = {
    "seed": SEED,
    "phases": {"coverage": {"unexpected-methods": []}},  # 405s for methods a path lacks come from the framework
    "generation": {"max-examples": EXAMPLES, "database": "none", "with-security-parameters": False},
    "checks": {"enabled": False, "not_a_server_error": {"enabled": True}, "response_schema_conformance": {"enabled": True}},
}
AGENT_OPERATIONS = [  # what the agent may call; everything else only answers it 403 (tests/api/test_access_by_role.py)
    "GET /v1/hotel", "GET /v1/rooms/availability", "GET /v1/rooms/types", "GET /v1/rooms/{room_type_id}/rates",
    "POST /v1/bookings/lookup", "POST /v1/bookings", "GET /v1/bookings/{confirmation_number}",
    "PUT /v1/bookings/{confirmation_number}", "DELETE /v1/bookings/{confirmation_number}", "POST /v1/payments/cards",
    "POST /v1/services/requests",
    "POST /v1/voice/session/start", "POST /v1/voice/session/{session_id}/transcript",
    "POST /v1/voice/session/{session_id}/intent", "POST /v1/voice/session/{session_id}/end",
]
# dates around the pinned day (past, bookable, beyond the horizon), so stays are often real; invalid ones still come
schemathesis.openapi.format("date", st.dates(TODAY - dt.timedelta(days=30), TODAY + dt.timedelta(days=600)).map(str))


def settings_in(data_dir, database_url: str | None = None) -> Settings:
    """The fuzzed app's settings: the demo hotel's copy in `data_dir` (SQLite), or `database_url` (PostgreSQL)."""
    return Settings(data_dir=data_dir, database_url=database_url or f"sqlite+aiosqlite:///{data_dir / 'roomiai.sqlite3'}",
                    jwt_secret=SECRET, pii_key=PII_KEY, today=TODAY, booking_rate_per_minute=0,
                    agent_booking_rate_per_minute=0, _env_file=None)


def served_document() -> dict:
    """The OpenAPI document the app serves; building the app opens neither its database nor its vault."""
    with tempfile.TemporaryDirectory() as folder:
        settings = settings_in(Path(folder)).model_copy(update={"database_url": "sqlite+aiosqlite://"})
        vault = LocalVault(Path(folder) / "vault.sqlite3", key=VAULT_KEY)
        return create_app(build_container(settings, gateway=vault)).app.openapi()


class ClosesDatabase:
    """The app, whose lifespan shutdown also closes its database in the event loop that opened it."""

    def __init__(self, app: ASGIApp, db):
        self.app, self.db = app, db

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def closing(message: dict) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                await self.db.dispose()
            await send(message)

        await self.app(scope, receive, closing)


@contextmanager
def app_for(role: str, seeded_template, data_dir, database_url: str | None = None):
    """The app on a fresh copy of the demo hotel, which every operation's examples then share, and a role's token.

    Without `database_url` the copy is of the SQLite template; with one, the caller made that database a copy.
    """
    if database_url is None:
        shutil.copy(seeded_template, data_dir / "roomiai.sqlite3")
    vault = LocalVault(data_dir / "vault.sqlite3", key=VAULT_KEY)
    container = build_container(settings_in(data_dir, database_url), clock=Clock(HOTEL_TZ, pinned_date=TODAY),
                                gateway=vault)
    try:
        yield ClosesDatabase(create_app(container), container.db), {"Authorization": f"Bearer {token_for(role)}"}
    finally:
        asgi.shutdown_lifespans()
        vault.close()


@pytest.fixture(scope="module")
def as_admin(seeded_template, tmp_path_factory):
    with app_for("admin", seeded_template, tmp_path_factory.mktemp("fuzz-admin")) as caller:
        yield caller


@pytest.fixture(scope="module")
def as_agent(seeded_template, tmp_path_factory):
    with app_for("agent", seeded_template, tmp_path_factory.mktemp("fuzz-agent")) as caller:
        yield caller


# Random text rarely names a real room type, a booking, or a stay whose check-out follows its check-in, so half the
# bodies, queries and paths below get those from the hotel: the examples then reach pricing, inventory, the booking
# lifecycle and the agent's proof.
ROOM_CODES = ["STD", "DLX", "STE", "FAM"]
STAYS = st.tuples(st.dates(TODAY - dt.timedelta(days=3), TODAY + dt.timedelta(days=560)), st.integers(1, 31)).map(
    lambda start: (start[0].isoformat(), (start[0] + dt.timedelta(days=start[1])).isoformat()))
CONTACTS = st.sampled_from([{"email": "fuzz@example.com"}, {"phone": {"country_code": "+1", "number": "5551234567"}}])
BOOKED = st.integers(1, 10).map(lambda n: f"ROOMI-{TODAY:%Y%m%d}-{n:03d}")  # what the fuzz itself books first
GUEST_LAST_NAME = "Tester"


def flatmap_body(context, body):
    if context.operation.label != "POST /v1/bookings" or not isinstance(body, dict):
        return st.just(body)
    real = st.tuples(STAYS, st.sampled_from(ROOM_CODES), CONTACTS).map(lambda r: {
        **body, "check_in": r[0][0], "check_out": r[0][1], "room_type_id": r[1],
        "primary_guest": {**(body["primary_guest"] if isinstance(body.get("primary_guest"), dict) else {}),
                          "first_name": "Fuzz", "last_name": GUEST_LAST_NAME, **r[2]},
    })
    return st.one_of(st.just(body), real)


def flatmap_query(context, query):
    if context.operation.label != "GET /v1/rooms/availability" or not isinstance(query, dict):
        return st.just(query)
    real = st.tuples(STAYS, st.sampled_from([None, *ROOM_CODES])).map(lambda r: {
        **query, "check_in": r[0][0], "check_out": r[0][1], **({"room_type": r[1]} if r[1] else {})})
    return st.one_of(st.just(query), real)


def flatmap_path_parameters(context, path_parameters):
    if not isinstance(path_parameters, dict) or "confirmation_number" not in path_parameters:
        return st.just(path_parameters)
    return st.one_of(st.just(path_parameters), BOOKED.map(lambda cn: {**path_parameters, "confirmation_number": cn}))


def flatmap_headers(context, headers):
    if not isinstance(headers, dict) or PROOF_HEADER not in headers:
        return st.just(headers)
    return st.one_of(st.just(headers), st.just({**headers, PROOF_HEADER: GUEST_LAST_NAME}))


def fuzzed(config: dict):
    """The served document's operations, with the hotel's data mixed into their examples."""
    loaded = schemathesis.openapi.from_dict(served_document(), config=SchemathesisConfig.from_dict(config))
    for hook in (flatmap_body, flatmap_query, flatmap_path_parameters, flatmap_headers):
        loaded.hook(hook)
    return loaded


@fuzzed(CONFIG).parametrize()
def test_no_request_of_an_admin_makes_the_api_fail(case, as_admin):
    app, headers = as_admin
    case.call_and_validate(app=app, headers=headers)


# the boundary-value (coverage) phase ran for these operations as admin already; the agent gets the random phase
@fuzzed({**CONFIG, "phases": {"coverage": {"enabled": False}}}).include(name=AGENT_OPERATIONS).parametrize()
def test_no_request_of_the_agent_makes_the_api_fail(case, as_agent):
    app, headers = as_agent
    case.call_and_validate(app=app, headers=headers)
