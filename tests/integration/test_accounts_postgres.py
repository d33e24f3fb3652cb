"""Accounts on a real PostgreSQL server: the token-version migration both ways, revocation, and `roomi migrate`'s output."""

from __future__ import annotations

import pytest

from roomiai.store.database import Database
from tests.api.test_token_revocation import add_user, bearer, check_token_version_migration, login, refreshed
from tests.conftest import PII_KEY, headers
from tests.unit.test_settings_secrets import DB_PASSWORD, PROD, fragments, roomi

pytestmark = pytest.mark.integration


async def test_the_token_version_migration_goes_both_ways_on_postgresql(empty_pg_url):
    db = Database(empty_pg_url, pii_key=PII_KEY)
    try:
        await check_token_version_migration(db)
    finally:
        await db.dispose()


async def test_a_role_change_revokes_the_users_tokens_on_postgresql(pg_client):
    await add_user(pg_client)
    pair = await login(pg_client)
    assert (await pg_client.get("/v1/admin/users", headers=bearer(pair))).status_code == 200
    assert (await pg_client.put("/v1/admin/users/rtuser", json={"role": "staff"}, headers=headers("admin"))).status_code == 200
    assert (await pg_client.get("/v1/hotel", headers=bearer(pair))).status_code == 401
    assert (await refreshed(pg_client, pair)).status_code == 401


def test_migrate_prints_the_database_url_with_its_password_masked(empty_pg_url, tmp_path):
    url = empty_pg_url.replace("postgres@", f"postgres:{DB_PASSWORD}@")  # the test server trusts loopback: any password
    done = roomi(tmp_path, "migrate", **PROD, ROOMIAI_DATABASE_URL=url)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert f"database is up to date: {url.replace(DB_PASSWORD, '***')}" in done.stdout
    secrets = [value for value in (*PROD.values(), DB_PASSWORD) if value != "prod"]
    assert {piece for secret in secrets for piece in fragments(secret) if piece in output} == set(), output
