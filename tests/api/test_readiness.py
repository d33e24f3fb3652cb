"""GET /v1/ready: the database and, when configured, Redis; a Redis that does not answer leaves limits per process."""

from __future__ import annotations

import logging
import socket

import httpx
import pytest

from roomiai.api.app import create_app
from roomiai.bootstrap import build_container

pytestmark = pytest.mark.api


async def test_ready_needs_no_token_and_checks_the_database_only_without_redis(client):
    r = await client.get("/v1/ready")
    assert r.status_code == 200 and r.json() == {"status": "ready", "checks": {"database": "ok"}}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when this returns: nothing listens there


@pytest.fixture
async def no_redis_client(settings, clock, seeded_template, tmp_path, container):
    """The app with ROOMIAI_REDIS_URL pointing at a port where nothing listens."""
    unreachable = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{closed_port()}/0"})
    c = build_container(unreachable, db=container.db, clock=clock, gateway=container.gateway)
    c.redis.retry_seconds = 0  # every request tries Redis again: the warning must still come once
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(c)), base_url="http://roomi.test") as http:
        yield http
    await c.redis.aclose()


async def test_without_an_answering_redis_the_api_answers_with_limits_per_process_and_says_so_once(
        no_redis_client, caplog):
    with caplog.at_level(logging.WARNING, logger="roomiai.shared_state"):
        for _ in range(5):
            wrong = await no_redis_client.post("/v1/auth/token", data={"username": "admin", "password": "wrong"})
            assert wrong.status_code == 401
        refused = await no_redis_client.post("/v1/auth/token", data={"username": "admin", "password": "grandhotel-admin"})
        ready = await no_redis_client.get("/v1/ready")

    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert ready.status_code == 503 and ready.headers["content-type"] == "application/problem+json"
    body = ready.json()
    assert body["code"] == "not_ready" and body["checks"]["database"] == "ok"
    assert "does not answer" in body["checks"]["redis"] and "Not ready" in body["detail"]
    assert "127.0.0.1" not in ready.text  # a public endpoint: where Redis lives stays in the operator's log
    warnings = [r.getMessage() for r in caplog.records if r.name == "roomiai.shared_state"]
    assert len(warnings) == 1 and "per process" in warnings[0]
    assert (await no_redis_client.get("/v1/health")).status_code == 200
