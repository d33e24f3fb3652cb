"""The OpenAPI fuzzing of tests/api/test_fuzz_openapi.py on PostgreSQL, which refuses text SQLite takes (a NUL byte):
never a 5xx there either."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager

import pytest
from hypothesis import strategies as st

from tests import pg
from tests.api.test_fuzz_openapi import AGENT_OPERATIONS, CONFIG, app_for, fuzzed

pytestmark = pytest.mark.integration


@contextmanager
def database_copy(cluster: pg.Cluster, template: str):
    """A PostgreSQL copy of the demo hotel for one module's examples; dropped afterwards."""
    name = asyncio.run(cluster.create_database(pg.unique_name("roomiai_fuzz"), template=template))
    try:
        yield cluster.url(name)
    finally:
        asyncio.run(cluster.drop_database(name))


@pytest.fixture(scope="module")
def as_admin_on_postgres(pg_cluster, pg_template, seeded_template, tmp_path_factory):
    with database_copy(pg_cluster, pg_template) as url, \
            app_for("admin", seeded_template, tmp_path_factory.mktemp("fuzz-pg-admin"), url) as caller:
        yield caller


@pytest.fixture(scope="module")
def as_agent_on_postgres(pg_cluster, pg_template, seeded_template, tmp_path_factory):
    with database_copy(pg_cluster, pg_template) as url, \
            app_for("agent", seeded_template, tmp_path_factory.mktemp("fuzz-pg-agent"), url) as caller:
        yield caller


def _with_nul(value, *, key_first: bool = False):
    """The same value with a NUL byte inside its first string (where PostgreSQL would have answered 500)."""
    if isinstance(value, str):
        return value[:1] + "\x00" + value[1:]
    if isinstance(value, dict):
        for key, item in value.items():
            changed = _with_nul(item)
            if changed is not item:
                return {**value, key: changed}
    if isinstance(value, list):
        for index, item in enumerate(value):
            changed = _with_nul(item)
            if changed is not item:
                return [*value[:index], changed, *value[index + 1:]]
    return value


def flatmap_body(context, body):
    return st.one_of(st.just(body), st.just(_with_nul(body)))


def flatmap_query(context, query):
    return st.one_of(st.just(query), st.just(_with_nul(query)))


def flatmap_path_parameters(context, path_parameters):
    return st.one_of(st.just(path_parameters), st.just(_with_nul(path_parameters)))


def on_postgres(config: dict):
    """The shared fuzzing, and half the examples with a NUL byte in a text body field, query or path parameter."""
    loaded = fuzzed(config)
    for hook in (flatmap_body, flatmap_query, flatmap_path_parameters):
        loaded.hook(hook)
    return loaded


@on_postgres(CONFIG).parametrize()
def test_no_request_of_an_admin_makes_the_api_fail_on_postgresql(case, as_admin_on_postgres):
    app, headers = as_admin_on_postgres
    case.call_and_validate(app=app, headers=headers)


@on_postgres({**CONFIG, "phases": {"coverage": {"enabled": False}}}).include(name=AGENT_OPERATIONS).parametrize()
def test_no_request_of_the_agent_makes_the_api_fail_on_postgresql(case, as_agent_on_postgres):
    app, headers = as_agent_on_postgres
    case.call_and_validate(app=app, headers=headers)
