import datetime as dt

import jwt
import pytest

from tests.conftest import SECRET, headers

pytestmark = pytest.mark.api


async def login(client, username="admin", password="grandhotel-admin"):
    return await client.post("/v1/auth/token", data={"username": username, "password": password})


async def test_health_needs_no_token(client):
    r = await client.get("/v1/health")
    assert r.status_code == 200 and r.json()["today"] == "2026-01-12"


async def test_login_returns_short_lived_access_and_refresh_tokens(client):
    r = await login(client)
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 15 * 60
    claims = jwt.decode(body["access_token"], SECRET, algorithms=["HS256"])
    assert claims["role"] == "admin" and claims["type"] == "access"
    r = await client.get("/v1/rooms/types", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert r.status_code == 200


@pytest.mark.parametrize(("user", "password"), [("admin", "wrong-password"), ("nobody", "grandhotel-admin")])
async def test_wrong_credentials_are_refused_the_same_way(client, user, password):
    r = await login(client, user, password)
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"] == "Wrong username or password."


async def test_refresh_rotates_and_a_used_token_revokes_the_family(client):
    first = (await login(client)).json()
    second = await client.post("/v1/auth/refresh", data={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    new = second.json()
    assert new["refresh_token"] != first["refresh_token"]
    reuse = await client.post("/v1/auth/refresh", data={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401 and "already used" in reuse.json()["detail"]
    # the stolen-token reuse logged the whole family out, including the newest token
    after = await client.post("/v1/auth/refresh", data={"refresh_token": new["refresh_token"]})
    assert after.status_code == 401


async def test_an_access_token_is_not_a_refresh_token(client):
    first = (await login(client)).json()
    r = await client.post("/v1/auth/refresh", data={"refresh_token": first["access_token"]})
    assert r.status_code == 401


@pytest.mark.parametrize(
    "auth",
    [
        None,
        "Bearer not-a-jwt",
        "Bearer " + jwt.encode({"sub": "x", "role": "admin", "type": "access", "exp": 4102444800}, "another-secret-of-a-decent-length-0123456789", algorithm="HS256"),
        "Bearer " + jwt.encode({"sub": "x", "role": "admin", "type": "access", "exp": 1000}, SECRET, algorithm="HS256"),
        "Bearer " + jwt.encode({"sub": "x", "role": "root", "type": "access", "exp": 4102444800}, SECRET, algorithm="HS256"),
    ],
)
async def test_missing_or_bad_tokens_get_401(client, auth):
    r = await client.get("/v1/rooms/types", headers={"Authorization": auth} if auth else {})
    assert r.status_code == 401
    assert r.json()["detail"]


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("staff", 200), ("agent", 403)])
async def test_booking_search_is_for_staff(client, role, status):
    r = await client.get("/v1/bookings/search", params={"guest_name": "smith"}, headers=headers(role))
    assert r.status_code == status
    if status == 403:
        assert "agent role cannot" in r.json()["detail"]


async def test_token_command_signs_with_the_configured_secret(monkeypatch, capsys, tmp_path):
    from roomiai.cli import main

    monkeypatch.setenv("ROOMIAI_JWT_SECRET", SECRET)
    monkeypatch.setenv("ROOMIAI_DATA_DIR", str(tmp_path))
    assert main(["token", "--role", "staff", "--minutes", "5"]) == 0
    claims = jwt.decode(capsys.readouterr().out.strip(), SECRET, algorithms=["HS256"])
    assert claims["role"] == "staff" and claims["sub"] == "cli-staff"
    assert claims["exp"] - claims["iat"] == 300
    assert dt.datetime.fromtimestamp(claims["exp"], dt.timezone.utc) > dt.datetime.now(dt.timezone.utc)
