"""GET /metrics: admin only, counters that move with bookings, 409s and calls, route templates, nothing private."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap

import httpx
import pytest
from livekit.agents.llm.fallback_adapter import AvailabilityChangedEvent
from prometheus_client.parser import text_string_to_metric_families

from roomiai import metrics
from roomiai.api import metrics as metrics_api
from roomiai.config import Settings
from tests.api.test_bookings import booking_body
from tests.api.test_voice_sessions import keyed, start
from tests.conftest import SECRET, headers

pytestmark = pytest.mark.api


async def scrape(client) -> dict[tuple[str, tuple], float]:
    response = await client.get("/metrics", headers=headers("admin"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text) for sample in family.samples
    }


def value(found: dict, name: str, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_need_an_admin_token(client):
    assert (await client.get("/metrics")).status_code == 401
    for role in ("staff", "agent"):
        assert (await client.get("/metrics", headers=headers(role))).status_code == 403
    assert (await client.get("/metrics", headers=headers("admin"))).status_code == 200


async def test_bookings_and_inventory_conflicts_are_counted(client):
    before = await scrape(client)
    created = await client.post("/v1/bookings", json=booking_body(), headers=headers("agent"))
    assert created.status_code == 201
    # 9 suites for the same nights: more than the hotel has with an ocean view
    refused = await client.post("/v1/bookings", headers=headers("agent"),
                                json=booking_body(room_type_id="STE", bed_configuration=None, view="ocean", rooms=9,
                                                  packages=[]))
    assert refused.status_code == 409
    after = await scrape(client)
    assert value(after, "roomiai_bookings_total", outcome="created") == value(before, "roomiai_bookings_total", outcome="created") + 1
    assert value(after, "roomiai_bookings_total", outcome="refused") == value(before, "roomiai_bookings_total", outcome="refused") + 1
    assert value(after, "roomiai_inventory_conflicts_total") == value(before, "roomiai_inventory_conflicts_total") + 1
    timed = dict(method="POST", route="/v1/bookings", status="2xx")
    assert (value(after, "roomiai_http_request_duration_seconds_count", **timed)
            == value(before, "roomiai_http_request_duration_seconds_count", **timed) + 1)


async def test_labels_are_route_templates_and_hold_nothing_private(client):
    booking = (await client.post("/v1/bookings", json=booking_body(), headers=headers("agent"))).json()["booking"]
    number = booking["confirmation_number"]
    assert (await client.get(f"/v1/bookings/{number}", headers=headers("staff"))).status_code == 200
    assert (await client.get("/no/such/page/4111111111111111", headers=headers("staff"))).status_code == 404
    response = await client.get("/metrics", headers=headers("admin"))
    routes = {s.labels["route"] for f in text_string_to_metric_families(response.text) for s in f.samples
              if s.name == "roomiai_http_request_duration_seconds_count"}
    assert any("{" in route and route.startswith("/v1/bookings/") for route in routes), routes
    assert "unmatched" in routes
    assert all(route == "unmatched" or route.startswith("/") for route in routes)
    for private in (number, "john.smith@email.com", "Smith", "5551234567", "4111111111111111", SECRET,
                    headers("admin")["Authorization"].split()[1]):
        assert private not in response.text


async def test_calls_by_outcome_and_turn_latency(client):
    before = await scrape(client)
    session = await start(client)
    ended = await client.post(
        f"/v1/voice/session/{session['session_id']}/end", headers=keyed(session),
        json={"outcome": "inquiry_only", "turn_timings": [{"end_of_speech_to_first_audio_ms": 640.0, "stt_ms": 120},
                                                          {"end_of_speech_to_first_audio_ms": 1210.5}, {"stt_ms": 90}]},
    )
    assert ended.status_code == 200
    after = await scrape(client)
    assert value(after, "roomiai_calls_total", outcome="inquiry_only") == value(before, "roomiai_calls_total", outcome="inquiry_only") + 1
    assert value(after, "roomiai_voice_turn_latency_seconds_count") == value(before, "roomiai_voice_turn_latency_seconds_count") + 2
    assert value(after, "roomiai_voice_turn_latency_seconds_sum") == pytest.approx(
        value(before, "roomiai_voice_turn_latency_seconds_sum") + 1.8505)


async def test_a_provider_marked_unavailable_counts_one_fallback(client):
    before = await scrape(client)
    count = metrics.fallback_counter("llm")  # what the LLM brain's FallbackAdapter calls on availability changes
    count(AvailabilityChangedEvent(llm=None, available=False))  # which provider does not matter here
    count(AvailabilityChangedEvent(llm=None, available=True))  # back again: not a fallback
    after = await scrape(client)
    assert value(after, "roomiai_provider_fallbacks_total", kind="llm") == value(
        before, "roomiai_provider_fallbacks_total", kind="llm") + 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_metrics_port_serves_without_a_token_on_loopback(tmp_path):
    port = free_port()
    settings = Settings(data_dir=tmp_path, metrics_port=port, _env_file=None)
    assert settings.metrics_host == "127.0.0.1"
    server = metrics_api.serve_port(settings)
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
        assert response.status_code == 200 and "roomiai_bookings_total" in response.text
        assert metrics_api.serve_port(settings) is None  # a second process finds the port taken and goes on
    finally:
        server.shutdown()
        server.server_close()
    assert metrics_api.serve_port(Settings(data_dir=tmp_path, _env_file=None)) is None  # off unless configured


def test_workers_share_one_set_of_meters(tmp_path):
    """Multiprocess mode: what two worker processes counted, any process reports, added up."""
    folder = tmp_path / "meters"
    folder.mkdir()
    env = {**os.environ, metrics_api.MULTIPROC_ENV: str(folder)}
    worker = "from roomiai import metrics; metrics.booking_answered(201); metrics.booking_answered(409)"
    for _ in range(2):
        subprocess.run([sys.executable, "-c", worker], env=env, check=True, timeout=60)
    report = textwrap.dedent("""
        from prometheus_client import generate_latest
        from roomiai.api.metrics import registry
        print(generate_latest(registry()).decode())
    """)
    out = subprocess.run([sys.executable, "-c", report], env=env, check=True, timeout=60, capture_output=True, text=True)
    found = samples(out.stdout)
    assert value(found, "roomiai_bookings_total", outcome="created") == 2
    assert value(found, "roomiai_bookings_total", outcome="refused") == 2
