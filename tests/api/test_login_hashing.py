"""Logins hash off the event loop, on a bounded pool, and unknown or disabled users cost the same argon2 check."""

from __future__ import annotations

import asyncio
import threading

import pytest
from argon2 import PasswordHasher

from roomiai.services import auth
from tests.conftest import headers

pytestmark = pytest.mark.api


class CountingHasher(PasswordHasher):
    """The real argon2 hasher, counting its verifications and noting the threads they ran on."""

    def __init__(self):
        super().__init__()
        self.verified = 0
        self.threads: set[int] = set()
        self._lock = threading.Lock()

    def verify(self, hash, password):
        with self._lock:
            self.verified += 1
            self.threads.add(threading.get_ident())
        return super().verify(hash, password)


class GatedHasher(CountingHasher):
    """Holds each verification until the test releases it, so the test knows a hash is in progress."""

    def __init__(self):
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def verify(self, hash, password):
        self.entered.set()
        if not self.release.wait(30):
            raise AssertionError("the test never released the hash")
        return super().verify(hash, password)


@pytest.fixture
def hasher(monkeypatch) -> CountingHasher:
    counting = CountingHasher()
    monkeypatch.setattr(auth, "passwords", auth.Passwords(counting, threads=2))
    return counting


async def login(client, username, password="grandhotel-admin"):
    return await client.post("/v1/auth/token", data={"username": username, "password": password})


@pytest.mark.parametrize(("username", "password"), [
    ("admin", "wrong-password"),
    ("nobody", "grandhotel-admin"),
    ("disabled", "disabled-password-0123"),
    ("ad\x00min", "grandhotel-admin"),
    ("x" * 65, "grandhotel-admin"),
])
async def test_every_refused_login_costs_one_argon2_verification(client, hasher, username, password):
    made = await client.put("/v1/admin/users/disabled", headers=headers("admin"),
                            json={"role": "staff", "password": "disabled-password-0123", "active": False})
    assert made.status_code == 200, made.text
    hasher.verified = 0

    r = await login(client, username, password)

    assert r.status_code == 401 and r.json()["detail"] == "Wrong username or password."
    assert hasher.verified == 1


async def test_a_good_login_costs_one_verification_too(client, hasher):
    assert (await login(client, "admin")).status_code == 200
    assert hasher.verified == 1


async def test_the_event_loop_answers_while_a_login_hashes(client, monkeypatch):
    gated = GatedHasher()
    monkeypatch.setattr(auth, "passwords", auth.Passwords(gated, threads=1))
    loop_thread = threading.get_ident()

    pending = asyncio.create_task(login(client, "admin"))
    try:
        assert await asyncio.to_thread(gated.entered.wait, 30), "the login never started hashing"
        health = await client.get("/v1/health")  # served while the hash is held
        assert health.status_code == 200 and not pending.done()
    finally:
        gated.release.set()
    assert (await pending).status_code == 200
    assert loop_thread not in gated.threads


async def test_a_login_flood_hashes_on_the_bounded_pool_only(client, hasher):
    loop_thread = threading.get_ident()
    answers = await asyncio.gather(*(login(client, "admin") for _ in range(8)))
    assert [a.status_code for a in answers] == [200] * 8
    assert hasher.verified == 8
    assert len(hasher.threads) <= 2 and loop_thread not in hasher.threads
