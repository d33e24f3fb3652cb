"""The quick availability path on PostgreSQL (one statement, one snapshot) says exactly what the route says."""

from __future__ import annotations

import pytest

from tests.api.test_quick_search import catalog_changed_elsewhere, passed_on, revoked_elsewhere, same_answers
from tests.integration.conftest import pg_settings

pytestmark = pytest.mark.integration


async def test_plain_searches_get_the_routes_bytes_and_headers(pg_client, pg_container):
    await same_answers(pg_client, pg_container)


async def test_the_route_answers_what_the_quick_path_passes_on(pg_client, pg_container):
    await passed_on(pg_client, pg_container)


async def test_a_token_revoked_through_one_app_is_refused_at_once_by_another(pg_client, pg_container, pg_url, clock,
                                                                             tmp_path):
    await revoked_elsewhere(pg_client, pg_container, pg_settings(pg_url, tmp_path), clock)


async def test_a_catalog_change_made_through_another_app_is_answered_by_the_route(pg_client, pg_container, pg_url,
                                                                                clock, tmp_path):
    await catalog_changed_elsewhere(pg_client, pg_container, pg_settings(pg_url, tmp_path), clock)
