"""Audit of the operations endpoints: /metrics (token, bounded labels, nothing private) and /v1/ready (no secrets)."""

from __future__ import annotations

import logging
import random
import socket
import string

import httpx
import pytest

from roomiai.api.app import create_app
from roomiai.bootstrap import build_container
from tests.conftest import headers

pytestmark = pytest.mark.api
CARD = "4111111111111111"
PG_PASSWORD = "pg-Secret-pw-93kd"
REDIS_PASSWORD = "redis-Secret-pw-71xq"


def series(text: str, name: str) -> set[str]:
    return {line.split(" ")[0] for line in text.splitlines() if line.startswith(name + "{")}


async def test_metrics_refuse_anonymous_and_non_admin_callers_with_a_problem_body(client):
    anonymous = await client.get("/metrics")
    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == "application/problem+json"
    assert anonymous.json()["code"] and "roomiai_" not in anonymous.text
    for role in ("staff", "agent"):
        refused = await client.get("/metrics", headers=headers(role))
        assert refused.status_code == 403 and refused.json()["code"] and "roomiai_" not in refused.text
    forged = await client.get("/metrics", headers={"Authorization": "Bearer " + "x" * 40})
    assert forged.status_code == 401


async def test_hundreds_of_random_paths_add_no_metric_series_and_no_path_text(client):
    for path in ("/v1/health", "/v1/bookings/ROOMI-NOPE", "/nothing-here"):  # every route kind seen once
        await client.get(path, headers=headers("staff"))
    before = series((await client.get("/metrics", headers=headers("admin"))).text, "roomiai_http_request_duration_seconds_count")
    rng = random.Random(7)
    sent = []
    for _ in range(300):
        word = "".join(rng.choice(string.ascii_letters + string.digits + "-_.~") for _ in range(rng.randint(1, 40)))
        path = rng.choice(["/{w}", "/v1/{w}", "/v1/bookings/{w}", "/desk/static/{w}", "/v1/rooms/{w}/x",
                           "/v1/bookings/" + CARD + "{w}", "/metrics/{w}"]).format(w=word)
        sent.append(word)
        method = rng.choice(["GET", "POST", "PROPFIND", "DELETE"])
        await client.request(method, path, headers=headers("staff"))
    text = (await client.get("/metrics", headers=headers("admin"))).text
    after = series(text, "roomiai_http_request_duration_seconds_count")
    added = after - before
    assert len(added) <= 12, sorted(added)  # only a few new (method, template, status class) triples
    assert CARD not in text and not any(len(word) >= 6 and f'"{word}' in text for word in sent)
    assert all(label.count('"') % 2 == 0 for label in after)


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def hanging_up_server():
    """A loopback server that accepts connections and closes them at once (a broken database or Redis)."""
    import asyncio

    async def hang_up(reader, writer):
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


@pytest.mark.parametrize("kind", ["closed", "hangs_up"])
async def test_readiness_never_shows_a_password_in_its_answer_or_the_logs(settings, clock, closed_port,
                                                                          hanging_up_server, caplog, kind):
    port = closed_port if kind == "closed" else hanging_up_server
    secret_settings = settings.model_copy(update={
        "database_url": f"postgresql+asyncpg://roomi:{PG_PASSWORD}@127.0.0.1:{port}/roomiai",
        "redis_url": f"redis://:{REDIS_PASSWORD}@127.0.0.1:{port}/0"})
    c = build_container(secret_settings, clock=clock)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(c), raise_app_exceptions=False),
                                     base_url="http://roomi.test") as http:
            with caplog.at_level(logging.DEBUG):
                ready = await http.get("/v1/ready")
                health = await http.get("/v1/health")
    finally:
        if c.redis is not None:
            await c.redis.aclose()
        await c.db.dispose()
    assert ready.status_code == 503, ready.text
    assert ready.json()["code"] == "not_ready" and set(ready.json()["checks"]) == {"database", "redis"}
    assert health.status_code == 503
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    for output in (ready.text, health.text, logged, str(dict(ready.headers))):
        assert PG_PASSWORD not in output and REDIS_PASSWORD not in output
        assert "postgresql+asyncpg://" not in output and "redis://" not in output


def test_redis_keys_are_keyed_digests_that_a_list_of_all_addresses_cannot_undo():
    import hashlib

    from roomiai.shared_state.redis_windows import redis_key

    rest = "203.0.113.7\x1fstaff"
    key = redis_key("login:" + rest, "the-api-secret")
    assert key.startswith("roomiai:rl:login:") and "203.0.113.7" not in key and "staff" not in key
    assert hashlib.sha256(rest.encode()).hexdigest()[:32] not in key  # a plain hash: try every IPv4 address
    assert key != redis_key("login:" + rest, "another-secret") and key == redis_key("login:" + rest, "the-api-secret")
