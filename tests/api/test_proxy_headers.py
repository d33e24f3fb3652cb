"""Behind a trusted TLS proxy the forwarded scheme and client are believed (HSTS, per-client login limits); otherwise not.

A real uvicorn server, configured as `roomi serve` configures it, answers on a loopback socket the test
has already bound and put in listening state, so requests queue until it serves: no waiting, no polling.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
import uvicorn

from roomiai.api.app import create_app
from roomiai.cli import server_config

pytestmark = pytest.mark.api

HSTS = "strict-transport-security"


@asynccontextmanager
async def served(container, trusted_proxies: list[str]) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a real uvicorn server on 127.0.0.1 trusting `trusted_proxies`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    config = server_config(create_app(container), host="127.0.0.1", port=port, trusted_proxies=trusted_proxies)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60, trust_env=False) as http:
            yield http
    finally:
        server.should_exit = True
        await task
        sock.close()


async def login(http, *, client_ip: str, password: str):
    return await http.post("/v1/auth/token", data={"username": "admin", "password": password},
                           headers={"X-Forwarded-For": client_ip})


async def lock_out_admin_from(http, client_ip: str) -> None:
    for _ in range(5):
        assert (await login(http, client_ip=client_ip, password="wrong-password")).status_code == 401
    assert (await login(http, client_ip=client_ip, password="grandhotel-admin")).status_code == 429


async def test_behind_a_trusted_proxy_https_gets_hsts_and_clients_are_told_apart(container):
    async with served(container, ["127.0.0.1"]) as http:
        assert HSTS in (await http.get("/v1/health", headers={"X-Forwarded-Proto": "https"})).headers
        assert HSTS not in (await http.get("/v1/health", headers={"X-Forwarded-Proto": "http"})).headers

        await lock_out_admin_from(http, "203.0.113.7")
        elsewhere = await login(http, client_ip="198.51.100.20", password="grandhotel-admin")
        assert elsewhere.status_code == 200, elsewhere.text


@pytest.mark.parametrize("trusted", [[], ["10.0.0.0/8"]], ids=["no-proxy", "another-proxy"])
async def test_forwarded_headers_from_an_untrusted_peer_are_ignored(container, trusted):
    async with served(container, trusted) as http:
        assert HSTS not in (await http.get("/v1/health", headers={"X-Forwarded-Proto": "https"})).headers

        await lock_out_admin_from(http, "203.0.113.7")  # every "client" is really 127.0.0.1
        assert (await login(http, client_ip="198.51.100.20", password="grandhotel-admin")).status_code == 429


@pytest.mark.parametrize(("environ", "args"), [
    ({"ROOMIAI_TRUSTED_PROXIES": "proxy.example"}, []),
    ({}, ["--forwarded-allow-ips", "proxy.example"]),
])
def test_serve_refuses_a_proxy_list_it_cannot_read(monkeypatch, tmp_path, environ, args):
    from roomiai.cli import main

    monkeypatch.setenv("ROOMIAI_DATA_DIR", str(tmp_path))
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--port", "9", *args])
    assert "ROOMIAI_TRUSTED_PROXIES" in str(stopped.value) and "proxy.example" not in str(stopped.value)
