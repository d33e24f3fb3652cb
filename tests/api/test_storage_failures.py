"""Storage failures answer 503 with a clear detail and code, health reports them, and the connection stays usable
(issue 9, finding 13). The failures are real: SQLite opened read-only, a database capped full, a closed port."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import sqlite3

import httpx
import pytest
import uvicorn
from sqlalchemy import event

from roomiai.api.app import create_app
from roomiai.bootstrap import build_container
from roomiai.payments.local_vault import LocalVault
from roomiai.store.database import Database
from tests.api.test_bookings import booking_body
from tests.conftest import PII_KEY, headers

pytestmark = pytest.mark.api


@pytest.fixture
async def read_only(settings, clock, seeded_template, tmp_path):
    """The app on the demo hotel opened read-only (SQLite's mode=ro: root's privileges cannot write through it)."""
    path = tmp_path / "roomiai.sqlite3"
    shutil.copy(seeded_template, path)
    db = Database(f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true", pii_key=PII_KEY)
    vault = LocalVault(tmp_path / "vault.sqlite3", key=b"0" * 43 + b"=")
    container = build_container(settings, clock=clock, gateway=vault, db=db)
    yield create_app(container)
    await db.dispose()
    vault.close()


def assert_storage_unavailable(response, words: str) -> None:
    assert response.status_code == 503, response.text
    problem = response.json()
    assert problem["code"] == "storage_unavailable" and words in problem["detail"], problem
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_read_only_database_answers_503_and_health_says_what_is_wrong(read_only):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=read_only), base_url="http://roomi.test") as client:
        assert (await client.get("/v1/health")).json()["status"] == "ok"

        booked = await client.post("/v1/bookings", json=booking_body(), headers=headers("agent"))
        health = await client.get("/v1/health")
        hotel = await client.get("/v1/hotel", headers=headers("agent"))

    assert_storage_unavailable(booked, "read-only")
    assert health.status_code == 503 and health.json()["status"] == "degraded", health.text
    assert "read-only" in health.json()["detail"] and health.json()["code"] == "storage_unavailable"
    assert hotel.status_code == 200  # reads still work


async def test_a_full_disk_answers_503_until_a_write_succeeds_again(client, container, tmp_path):
    with contextlib.closing(sqlite3.connect(tmp_path / "roomiai.sqlite3")) as file:
        file.execute("VACUUM")  # no free pages left inside the file
    capped = {"pages": True}

    @event.listens_for(container.db.engine.sync_engine, "connect")
    def _cap(dbapi_connection, _record):  # SQLite's own size limit: a write that needs a new page fails as on a full disk
        if capped["pages"]:
            dbapi_connection.execute("PRAGMA max_page_count = 1")  # that is, the pages it has now

    await container.db.engine.dispose()
    big = ["a wish that takes room " * 8] * 20  # a booking row larger than a page

    booked = await client.post("/v1/bookings", json=booking_body(special_requests=big), headers=headers("agent"))
    degraded = await client.get("/v1/health")
    capped["pages"] = False
    await container.db.engine.dispose()
    again = await client.post("/v1/bookings", json=booking_body(), headers=headers("agent"))
    healthy = await client.get("/v1/health")

    assert_storage_unavailable(booked, "full")
    assert degraded.status_code == 503 and "full" in degraded.json()["detail"]
    assert again.status_code == 201, again.text
    assert healthy.status_code == 200 and healthy.json()["status"] == "ok"


async def test_an_unreachable_postgresql_answers_503(settings, clock, tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = Database(f"postgresql+asyncpg://roomi@127.0.0.1:{port}/roomiai", pii_key=PII_KEY)
    vault = LocalVault(tmp_path / "vault.sqlite3", key=b"0" * 43 + b"=")
    app = create_app(build_container(settings, clock=clock, gateway=vault, db=db))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://roomi.test") as client:
        hotel = await client.get("/v1/hotel", headers=headers("agent"))
        health = await client.get("/v1/health")
    await db.dispose()
    vault.close()

    assert_storage_unavailable(hotel, "cannot be reached")
    assert health.status_code == 503 and "cannot be reached" in health.json()["detail"]


class Served:
    """The app on a real uvicorn server on loopback; the socket listens before the server starts, so no waiting."""

    def __init__(self, app):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="critical"))

    async def __aenter__(self) -> "Served":
        self.task = asyncio.create_task(self.server.serve(sockets=[self.socket]))
        return self

    async def __aexit__(self, *exc) -> None:
        self.server.should_exit = True
        await self.task
        self.socket.close()


def local_port(response: httpx.Response) -> int | None:
    """The client's port of the connection the response came on; None once the server closed that connection."""
    try:
        return response.extensions["network_stream"].get_extra_info("client_addr")[1]
    except OSError:
        return None


async def test_after_a_storage_failure_the_same_connection_serves_the_next_request(read_only):
    async with Served(read_only) as served, httpx.AsyncClient(base_url=served.url, limits=httpx.Limits(max_connections=1)) as client:
        failed = await client.post("/v1/bookings", json=booking_body(), headers=headers("agent"))
        first_port = local_port(failed)
        after = await client.get("/v1/hotel", headers=headers("agent"))
        second_port = local_port(after)

    assert failed.status_code == 503 and after.status_code == 200
    assert first_port == second_port  # one keep-alive connection for both


async def test_after_an_unexpected_error_the_same_connection_serves_the_next_request(container):
    app = create_app(container)

    async def broken() -> None:
        raise RuntimeError("a bug")

    app.app.add_api_route("/v1/broken", broken)
    async with Served(app) as served, httpx.AsyncClient(base_url=served.url, limits=httpx.Limits(max_connections=1)) as client:
        failed = await client.get("/v1/broken")
        first_port = local_port(failed)
        after = await client.get("/v1/health")
        second_port = local_port(after)

    assert failed.status_code == 500 and failed.json()["code"] == "internal_error"
    assert "a bug" not in failed.text
    assert after.status_code == 200
    assert first_port == second_port
