"""Changing a user's role or password, or disabling it (CLI or admin API), revokes every token it holds."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import text

from roomiai.store.database import Database, alembic_config
from tests.conftest import PII_KEY, SECRET, headers

pytestmark = pytest.mark.api

OLD_PASSWORD = "old-password-0123"
NEW_PASSWORD = "new-password-4567"


async def add_user(client, username="rtuser", role="admin", password=OLD_PASSWORD):
    r = await client.put(f"/v1/admin/users/{username}", json={"role": role, "password": password}, headers=headers("admin"))
    assert r.status_code == 200, r.text
    return r.json()


async def login(client, username="rtuser", password=OLD_PASSWORD) -> dict:
    r = await client.post("/v1/auth/token", data={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return r.json()


def bearer(pair: dict) -> dict:
    return {"Authorization": f"Bearer {pair['access_token']}"}


async def refreshed(client, pair: dict):
    return await client.post("/v1/auth/refresh", data={"refresh_token": pair["refresh_token"]})


async def change_settings(client, pair: dict):
    return await client.put("/v1/admin/settings", json={"name": "Taken Over"}, headers=bearer(pair))


def roomi(settings, *args: str, password: str | None = None) -> subprocess.CompletedProcess:
    """The real `roomi` command on this test's database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOMIAI_")}
    env.update(ROOMIAI_DATA_DIR=str(settings.data_dir), ROOMIAI_DATABASE_URL=settings.database_url,
               ROOMIAI_JWT_SECRET=SECRET, ROOMIAI_PII_KEY=PII_KEY)
    if password:
        env["ROOMIAI_NEW_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "roomiai.cli", *args], capture_output=True, text=True, env=env,
                          cwd=settings.data_dir, timeout=120)


async def test_a_demotion_with_a_new_password_through_the_cli_revokes_refresh_and_access_tokens(client, settings):
    made = roomi(settings, "user", "rtuser", "--role", "admin", password=OLD_PASSWORD)
    assert made.returncode == 0, made.stderr
    stolen = await login(client)
    assert (await change_settings(client, stolen)).status_code == 200

    done = roomi(settings, "user", "rtuser", "--role", "agent", password=NEW_PASSWORD)
    assert done.returncode == 0, done.stderr

    again = await refreshed(client, stolen)
    assert again.status_code == 401 and "log in again" in again.json()["detail"]
    assert (await change_settings(client, stolen)).status_code == 401
    assert (await client.get("/v1/hotel", headers=bearer(stolen))).status_code == 401
    refused = await client.post("/v1/auth/token", data={"username": "rtuser", "password": OLD_PASSWORD})
    assert refused.status_code == 401

    now = await login(client, password=NEW_PASSWORD)
    assert (await client.get("/v1/hotel", headers=bearer(now))).status_code == 200
    assert (await change_settings(client, now)).status_code == 403
    assert (await refreshed(client, now)).status_code == 200
    assert "revoked" in done.stdout


async def test_disabling_a_user_through_the_cli_revokes_its_tokens(client, settings):
    await add_user(client, role="staff")
    pair = await login(client)

    done = roomi(settings, "user", "rtuser", "--disable")
    assert done.returncode == 0, done.stderr

    assert (await client.get("/v1/hotel", headers=bearer(pair))).status_code == 401
    assert (await refreshed(client, pair)).status_code == 401
    assert (await client.post("/v1/auth/token", data={"username": "rtuser", "password": OLD_PASSWORD})).status_code == 401


@pytest.mark.parametrize("change", [{"role": "staff"}, {"password": NEW_PASSWORD}, {"active": False}])
async def test_a_change_through_the_admin_api_revokes_every_token_of_the_user(client, change):
    await add_user(client)
    first, second = await login(client), await login(client)  # two sessions: both go
    assert (await client.get("/v1/admin/users", headers=bearer(first))).status_code == 200

    r = await client.put("/v1/admin/users/rtuser", json=change, headers=headers("admin"))
    assert r.status_code == 200, r.text

    for pair in (first, second):
        denied = await client.get("/v1/hotel", headers=bearer(pair))
        assert denied.status_code == 401 and "revoked" in denied.json()["detail"]
        assert (await refreshed(client, pair)).status_code == 401


async def test_a_refreshed_token_carries_the_users_current_role_and_version(client):
    await add_user(client)
    pair = await login(client)
    newer = await refreshed(client, pair)
    assert newer.status_code == 200
    assert (await change_settings(client, newer.json())).status_code == 200
    assert (await client.put("/v1/admin/users/rtuser", json={"role": "agent"}, headers=headers("admin"))).status_code == 200
    assert (await refreshed(client, newer.json())).status_code == 401


async def test_saving_a_user_unchanged_keeps_its_tokens(client):
    await add_user(client, role="staff")
    pair = await login(client)
    for same in ({}, {"role": "staff"}, {"active": True}):
        assert (await client.put("/v1/admin/users/rtuser", json=same, headers=headers("admin"))).status_code == 200
    assert (await client.get("/v1/hotel", headers=bearer(pair))).status_code == 200


async def test_a_token_of_a_user_that_does_not_exist_is_refused(client):
    from roomiai.services.auth import access_token, wall_clock

    ghost = access_token(secret=SECRET, subject="ghost", role="admin", minutes=5, now=wall_clock(), version=0)
    assert (await client.get("/v1/hotel", headers={"Authorization": f"Bearer {ghost}"})).status_code == 401


@pytest.mark.parametrize(("username", "body", "words"), [
    ("newbie", {"role": "staff"}, "needs a role and a password"),
    ("newbie", {"password": "long-enough-password"}, "needs a role and a password"),
    ("rtuser", {"password": "tiny-pw-123"}, "at least 12 characters"),
    ("bad%20name", {"role": "staff", "password": "long-enough-password"}, "username"),
    ("newbie", {"role": "root", "password": "long-enough-password"}, "role"),
    ("cli-admin", {"role": "staff", "password": "long-enough-password"}, "kept for script"),
])
async def test_bad_user_changes_are_refused_without_repeating_the_password(client, username, body, words):
    await add_user(client)
    r = await client.put(f"/v1/admin/users/{username}", json=body, headers=headers("admin"))
    assert r.status_code == 422 and words in r.text
    assert "tiny-pw-123" not in r.text


async def test_the_users_list_is_for_admins_and_shows_no_hash(client):
    await add_user(client)
    listed = await client.get("/v1/admin/users", headers=headers("admin"))
    assert listed.status_code == 200
    assert {"username": "rtuser", "role": "admin", "active": True} in [
        {k: u[k] for k in ("username", "role", "active")} for u in listed.json()["users"]]
    assert "argon2" not in listed.text
    assert (await client.get("/v1/admin/users", headers=headers("staff"))).status_code == 403


USERS_0002 = sa.table("users", sa.column("username"), sa.column("password_hash"), sa.column("role"),
                      sa.column("is_active"), sa.column("created_at"))


async def check_token_version_migration(db: Database) -> None:
    """0002 -> head adds token_version 0 to existing users; head -> 0002 drops it and keeps them."""
    import datetime as dt

    async with db.engine.begin() as conn:
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), "0002"))
        await conn.execute(USERS_0002.insert().values(username="old", password_hash="x", role="staff", is_active=True,
                                                      created_at=dt.datetime(2026, 1, 1)))
    await db.migrate()
    async with db.engine.connect() as conn:
        assert (await conn.execute(text("SELECT username, token_version FROM users"))).all() == [("old", 0)]
    async with db.engine.begin() as conn:
        await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), "0002"))
        columns = await conn.run_sync(lambda sync: [c["name"] for c in sa.inspect(sync).get_columns("users")])
        assert "token_version" not in columns
        assert (await conn.execute(text("SELECT username, role FROM users"))).all() == [("old", "staff")]
    await db.migrate()
    async with db.engine.connect() as conn:
        assert (await conn.execute(text("SELECT token_version FROM users"))).scalar_one() == 0


async def test_the_token_version_migration_goes_both_ways_on_sqlite(tmp_path):
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}", pii_key=PII_KEY)
    try:
        await check_token_version_migration(db)
    finally:
        await db.dispose()
