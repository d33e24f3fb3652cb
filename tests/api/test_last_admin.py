"""The last active admin cannot be demoted or disabled, through the API or the desk: someone must keep the keys."""

from __future__ import annotations

import pytest

from tests.api.test_desk_pages import sign_in
from tests.conftest import headers

pytestmark = pytest.mark.api


async def test_the_last_admin_cannot_be_demoted_or_disabled_through_the_api(client):
    for change in ({"role": "staff"}, {"active": False}, {"role": "agent", "active": False}):
        refused = await client.put("/v1/admin/users/admin", json=change, headers=headers("admin"))
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "last_admin" and "last active admin" in refused.json()["detail"]
    users = {u["username"]: u for u in (await client.get("/v1/admin/users", headers=headers("admin"))).json()["users"]}
    assert users["admin"]["role"] == "admin" and users["admin"]["active"] is True
    assert (await client.put("/v1/admin/users/admin", json={"password": "a new long password"},
                             headers=headers("admin"))).status_code == 200  # other changes still go through


async def test_with_a_second_admin_one_may_step_down_and_then_the_other_is_the_last(client):
    made = await client.put("/v1/admin/users/deputy", json={"role": "admin", "password": "deputy password 1"},
                            headers=headers("admin"))
    assert made.status_code == 200
    assert (await client.put("/v1/admin/users/admin", json={"role": "staff"}, headers=headers("admin"))).status_code == 200
    refused = await client.put("/v1/admin/users/deputy", json={"active": False}, headers=headers("admin"))
    assert refused.status_code == 409 and refused.json()["code"] == "last_admin"
    disabled_admin = await client.put("/v1/admin/users/admin", json={"role": "admin", "active": False}, headers=headers("admin"))
    assert disabled_admin.status_code == 200  # a disabled admin is no admin: deputy is still the last active one
    refused = await client.put("/v1/admin/users/deputy", json={"role": "staff"}, headers=headers("admin"))
    assert refused.status_code == 409


async def test_the_desk_users_page_refuses_to_demote_the_last_admin_with_the_reason(client):
    csrf = await sign_in(client, "admin")
    page = await client.post("/desk/setup/users/admin", data={"csrf": csrf, "action": "role", "role": "staff"})
    assert page.status_code == 409
    assert 'data-testid="error-code">last_admin' in page.text and "last active admin" in page.text
    setup = await client.get("/desk/setup")
    assert setup.status_code == 200  # still signed in as an admin: nothing changed
