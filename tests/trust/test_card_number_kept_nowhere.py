"""A known card number given through the API, `roomi chat --jsonl` and a WAV call is found nowhere afterwards:
not in the database files, the card vault, the application logs, the call logs, the call's files or any output."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ..conftest import SECRET

pytestmark = pytest.mark.trust
CARD = "4242424242424242"
SPOKEN_GROUPS = "4242 4242 4242 4242"
ROOMI = [sys.executable, "-m", "roomiai.cli"]


def variants(number: str) -> list[bytes]:
    grouped = " ".join(number[i:i + 4] for i in range(0, len(number), 4))
    return [number.encode(), grouped.encode(), grouped.replace(" ", "-").encode(), number.encode("utf-16-le")]


def files_holding_the_card(folder: Path) -> list[str]:
    hits = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            squeezed = data.replace(b" ", b"").replace(b"-", b"")
            if any(v in data for v in variants(CARD)) or CARD.encode() in squeezed:
                hits.append(str(path.relative_to(folder)))
    return hits


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def environment(tmp_path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ROOMIAI_", "API_URL"))}
    env.update(ROOMIAI_DATA_DIR=str(tmp_path / "var"), ROOMIAI_LOG_DIR=str(tmp_path / "logs"), ROOMIAI_TODAY="2026-01-12",
               ROOMIAI_JWT_SECRET=SECRET, ROOMIAI_LOG_LEVEL="DEBUG")
    return env


def run(args: list[str], env: dict[str, str], *, stdin: str = "", timeout: float = 300) -> subprocess.CompletedProcess:
    done = subprocess.run(ROOMI + args, input=stdin, capture_output=True, text=True, env=env, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_a_card_given_three_ways_is_kept_nowhere(environment, tmp_path, say):
    outputs: list[str] = []

    # 1. roomi chat --jsonl: the caller reads the card and its expiry during a booking
    lines = ["Book a standard room from the 20th for 2 nights for 2 adults", "yes", "Ann Lee", "5551112222", "no",
             f"my card is {SPOKEN_GROUPS}, expiry 12/28, the cvv is 123", "no", "yes"]
    chat = run(["chat", "--jsonl"], environment, stdin="\n".join(lines) + "\n")
    outputs += [chat.stdout, chat.stderr]
    replies = [json.loads(line) for line in chat.stdout.splitlines()]
    assert any("ending in 4 2 4 2" in reply.get("agent", "") for reply in replies), chat.stdout
    assert "ROOMI-20260112-" in replies[-1]["agent"]

    # 2. the API: a card saved on its own, and a booking paid with a card in the request
    port = free_port()
    server_output = (tmp_path / "serve.out").open("w")  # a file, not a pipe: a full pipe would block the server
    server = subprocess.Popen(ROOMI + ["serve", "--port", str(port)], env=environment, stdout=server_output,
                              stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{base}/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        token = run(["token", "--role", "agent"], environment).stdout.strip()
        auth = {"Authorization": f"Bearer {token}"}
        saved = httpx.post(f"{base}/v1/payments/cards", json={"card_number": SPOKEN_GROUPS, "expiry": "12/28",
                                                               "cvv": "123"}, headers=auth)
        assert saved.status_code == 201, saved.text
        assert saved.json()["last_four"] == "4242"
        booking = {"check_in": "2026-01-22", "check_out": "2026-01-24", "room_type_id": "STD",
                   "guests": {"adults": 2}, "primary_guest": {"first_name": "Bo", "last_name": "Diaz",
                                                              "phone": {"country_code": "+1", "number": "5553330000"}},
                   "payment": {"card_number": CARD, "expiry": "12/28", "cvv": "123"}, "accept_policies": True}
        made = httpx.post(f"{base}/v1/bookings", json=booking, headers=auth)
        assert made.status_code == 201, made.text
        refused = httpx.post(f"{base}/v1/bookings", json={**booking, "payment": {**booking["payment"], "expiry": "13/99"}},
                             headers=auth)
        assert refused.status_code == 422 and CARD not in refused.text
        outputs += [saved.text, made.text]
    finally:
        server.terminate()
        server.wait(30)
        server_output.close()

    # 3. a WAV call: the caller reads the card number and its expiry aloud
    wavs = [say("What time is check out?"), say(f"My card number is {SPOKEN_GROUPS}, expiry twelve twenty eight.")]
    call = run(["call", "--caller", *map(str, wavs), "--out-dir", str(tmp_path / "call"), "--today", "2026-01-12"],
               environment)
    outputs += [call.stdout, call.stderr]
    report = json.loads((tmp_path / "call" / "call.json").read_text())
    heard = report["turns"][1]["caller_transcript"]
    assert "[card ending 4242]" in heard or "4242" not in heard.replace(" ", ""), heard

    # the call logs, as the hotel's staff reads them
    admin = run(["token", "--role", "admin"], environment).stdout.strip()
    server = subprocess.Popen(ROOMI + ["serve", "--port", str(port)], env=environment, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        calls = httpx.get(f"http://127.0.0.1:{port}/v1/admin/calls", params={"date": "2026-01-12"},
                          headers={"Authorization": f"Bearer {admin}"})
        assert calls.status_code == 200, calls.text
        logs = [httpx.get(f"http://127.0.0.1:{port}/v1/voice/session/{c['session_id']}",
                          headers={"Authorization": f"Bearer {admin}"}).text for c in calls.json()["calls"]]
    finally:
        server.terminate()
        server.wait(30)
    assert len(logs) >= 2 and any("[card ending 4242]" in log for log in logs)

    assert (tmp_path / "logs").is_dir() and any((tmp_path / "logs").iterdir())
    assert files_holding_the_card(tmp_path) == []  # database, WAL, vault, logs, call.json, the WAVs' folder
    for text in outputs + logs:
        assert not any(v.decode("latin-1") in text for v in variants(CARD)[:3]), text[:500]
