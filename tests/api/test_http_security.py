import pytest

from roomiai.api.app import create_app
from roomiai.bootstrap import build_container
from tests.conftest import headers

pytestmark = pytest.mark.api


async def test_api_responses_carry_security_headers(client):
    r = await client.get("/v1/rooms/types", headers=headers("agent"))
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    problem = await client.get("/v1/rooms/types")
    assert problem.status_code == 401 and problem.headers["x-frame-options"] == "DENY"


async def test_the_offline_docs_may_run_their_own_scripts(client):
    r = await client.get("/docs")
    assert r.status_code == 200 and "swagger-ui" in r.text.lower()
    assert "script-src 'self' 'unsafe-inline'" in r.headers["content-security-policy"]
    assert "cdn" not in r.text.lower()


async def test_oversized_bodies_are_refused_with_the_same_headers(client):
    r = await client.post("/v1/bookings", content=b"x" * 100_000, headers={**headers(), "content-type": "application/json"})
    assert r.status_code == 413 and r.headers["x-content-type-options"] == "nosniff"


async def test_repeated_failed_logins_are_throttled_and_a_success_resets(client, container):
    limit = container.settings.login_failures_allowed
    for _ in range(limit):
        r = await client.post("/v1/auth/token", data={"username": "admin", "password": "wrong-password"})
        assert r.status_code == 401
    blocked = await client.post("/v1/auth/token", data={"username": "admin", "password": "grandhotel-admin"})
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    assert "Too many failed logins" in blocked.json()["detail"]
    other_user = await client.post("/v1/auth/token", data={"username": "staff", "password": "grandhotel-staff"})
    assert other_user.status_code == 200
    await container.login_throttle.succeeded("127.0.0.1", "admin")
    assert (await client.post("/v1/auth/token", data={"username": "admin", "password": "grandhotel-admin"})).status_code == 200


@pytest.mark.parametrize(("origins", "allowed"), [("", False), ("https://desk.grandhotel.example", True)])
async def test_cors_only_for_configured_origins(settings, container, origins, allowed):
    import httpx

    settings.cors_origins = origins
    app = create_app(build_container(settings, db=container.db, clock=container.clock, gateway=container.gateway))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://roomi.test") as http:
        r = await http.options("/v1/rooms/types", headers={
            "Origin": "https://desk.grandhotel.example", "Access-Control-Request-Method": "GET"})
        evil = await http.options("/v1/rooms/types", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
    assert (r.headers.get("access-control-allow-origin") == "https://desk.grandhotel.example") is allowed
    assert "access-control-allow-origin" not in evil.headers
