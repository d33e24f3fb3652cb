"""docker-compose.yml for real: the four services built and started on a throw-away dockerd, a room booked through
the api container into the postgres container, the limits shared in the redis container, the voice agent's models
inside its image; then everything is taken down and dockerd stopped (tests/deploy/docker_engine.py).

No registry is reachable here: the images are built FROM a debootstrapped bookworm base image (BASE_IMAGE) from a
wheelhouse made outside any container (PIP_NO_INDEX=1), and tests/deploy/compose.test.yml swaps the official postgres
and redis images for stand-ins built from the same base. Skipped only when dockerd cannot start on this machine.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.deploy.docker_engine import (
    Engine,
    EngineUnavailable,
    base_image_tar,
    compose_command,
    skip_requested,
    wheelhouse,
)

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parents[2]
CONTEXT_FILES = ("pyproject.toml", "README.md", "LICENSE", ".dockerignore", "docker-compose.yml", ".env.example")
CONTEXT_DIRS = ("src", "docker", "tests/deploy")
BASE_IMAGE = "roomiai-test-base:bookworm"
ADMIN_PASSWORD = "deploy-test-admin-password"
STARTUP_SECONDS = 420


def fill_env(example: str, values: dict[str, str]) -> str:
    """.env.example with `values` written in, as a deployer would (the lines are set, or uncommented and set)."""
    for name, value in values.items():
        example, count = re.subn(rf"^#?\s*{name}=.*$", f"{name}={value}", example, count=1, flags=re.MULTILINE)
        assert count == 1, f"{name} is not in .env.example"
    return example


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Stack:
    engine: Engine
    context: Path
    project: str
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def compose(self, *args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
        command = [
            *compose_command(),
            "--file",
            "docker-compose.yml",
            "--file",
            "tests/deploy/compose.test.yml",
            "--project-name",
            self.project,
            *args,
        ]
        env = self.engine.env(
            BASE_IMAGE=BASE_IMAGE,
            PIP_NO_INDEX="1",
            ROOMIAI_PUBLISH=f"127.0.0.1:{self.port}",
            ROOMIAI_IMAGE_TAG=self.project,
        )
        result = subprocess.run(
            command,
            cwd=self.context,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"{' '.join(command[-len(args) :])} failed ({result.returncode}):\n"
                f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
            )
        return result

    def exec(self, service: str, *command: str, env: dict[str, str] | None = None) -> str:
        options = [item for name, value in (env or {}).items() for item in ("-e", f"{name}={value}")]
        return self.compose("exec", "-T", *options, service, *command, timeout=300).stdout

    def health(self, service: str) -> str:
        container = self.compose("ps", "-q", service).stdout.strip()
        if not container:
            return "missing"
        state = json.loads(self.engine.docker("inspect", "--format", "{{json .State}}", container).stdout)
        return state.get("Health", {}).get("Status") or state.get("Status", "unknown")

    def wait_healthy(self, *services: str) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        states: dict[str, str] = {}
        while time.monotonic() < deadline:
            states = {service: self.health(service) for service in services}
            if all(state == "healthy" for state in states.values()):
                return
            if any(state in ("unhealthy", "exited", "dead", "missing") for state in states.values()):
                break
            time.sleep(2)
        logs = self.compose("logs", "--no-color", "--tail", "40", *services, check=False).stdout
        raise AssertionError(f"not healthy: {states}\n{logs[-6000:]}")

    def redis_keys(self, pattern: str) -> set[str]:
        return set(self.exec("redis", "redis-cli", "--scan", "--pattern", pattern).split())


def make_context(folder: Path, wheels: Path) -> None:
    """The files the build needs (never .venv or var/), with the wheelhouse linked into docker/wheelhouse/."""
    folder.mkdir()
    for name in CONTEXT_FILES:
        shutil.copy2(ROOT / name, folder / name)
    for name in CONTEXT_DIRS:
        shutil.copytree(
            ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "*.whl")
        )
    for wheel in wheels.iterdir():
        try:
            os.link(wheel, folder / "docker" / "wheelhouse" / wheel.name)
        except OSError:
            shutil.copy2(wheel, folder / "docker" / "wheelhouse" / wheel.name)


@pytest.fixture(scope="module")
def engine():
    if skip_requested():
        pytest.skip("ROOMIAI_SKIP_DOCKER=1: the Docker Compose stack test skipped")
    began = time.monotonic()
    try:
        started = Engine.start()
    except EngineUnavailable as exc:
        pytest.skip(f"dockerd cannot start on this machine: {exc}")
    print(f"deploy test: dockerd answered after {time.monotonic() - began:.0f} s")
    yield started
    began = time.monotonic()
    started.stop()
    print(f"deploy test: dockerd stopped and its folder deleted in {time.monotonic() - began:.0f} s")


class Phases:
    """How long each step took (printed at the end: pytest -s shows it), for keeping CI time in view."""

    def __init__(self) -> None:
        self.started = self.last = time.monotonic()
        self.took: list[str] = []

    def done(self, name: str) -> None:
        now = time.monotonic()
        self.took.append(f"{name} {now - self.last:.0f} s")
        self.last = now

    def __str__(self) -> str:
        return f"deploy test: {', '.join(self.took)}; {time.monotonic() - self.started:.0f} s in all"


@pytest.fixture(scope="module")
def stack(engine) -> Stack:
    phases = Phases()
    tar = base_image_tar()
    phases.done("base image root file system")
    engine.docker("import", str(tar), BASE_IMAGE, timeout=900)
    phases.done("docker import")
    running = Stack(
        engine=engine,
        context=engine.root / "context",
        project=f"roomiai-deploy-{uuid.uuid4().hex[:8]}",
        port=free_port(),
    )
    wheels = wheelhouse(ROOT)
    phases.done("wheelhouse")
    make_context(running.context, wheels)
    env_file = running.context / ".env"
    env_file.write_text(
        fill_env(
            (ROOT / ".env.example").read_text(),
            {
                "POSTGRES_PASSWORD": "deploy-test-postgres-" + uuid.uuid4().hex,
                "ROOMIAI_JWT_SECRET": "deploy-test-jwt-" + uuid.uuid4().hex + uuid.uuid4().hex,
                "ROOMIAI_PII_KEY": "deploy-test-pii-" + uuid.uuid4().hex + uuid.uuid4().hex,
                "ROOMIAI_VAULT_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
                "LIVEKIT_URL": "ws://livekit.invalid:7880",
                "LIVEKIT_API_KEY": "deploy-test-key",
                "LIVEKIT_API_SECRET": "deploy-test-secret-" + uuid.uuid4().hex,
            },
        )
    )
    try:
        running.compose("build", "--parallel", timeout=1800)
        phases.done("image builds")
        token = (
            running.compose(
                "run", "--rm", "--no-deps", "-T", "api", "roomi", "token", "--role", "agent", "--minutes", "60"
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        env_file.write_text(fill_env(env_file.read_text(), {"ROOMIAI_AGENT_TOKEN": token}))
        running.compose("up", "--detach", "--no-build", timeout=STARTUP_SECONDS)
        running.wait_healthy("postgres", "redis", "api", "voice-agent")
        phases.done("up until healthy")
        running.exec(
            "api",
            "sh",
            "-c",
            'roomi init --hotel "$(python3 -c "import pathlib, roomiai; '
            "print(pathlib.Path(roomiai.__file__).parent / 'hotels/grand-hotel.yaml')\")\"",
            env={"ROOMIAI_NEW_PASSWORD": ADMIN_PASSWORD},
        )
        yield running
        phases.done("tests")
    finally:
        running.compose("down", "--volumes", "--remove-orphans", "--timeout", "5", check=False)
        phases.done("down")
        print(phases)


def admin_token(stack: Stack) -> str:
    response = httpx.post(f"{stack.url}/v1/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def test_api_is_ready_on_postgres_and_redis(stack):
    response = httpx.get(f"{stack.url}/v1/ready")
    assert response.status_code == 200, response.text
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}
    assert stack.exec("api", "id", "-un").strip() == "roomi"


def test_a_room_booked_through_the_api_container_lands_in_postgres(stack):
    check_in = dt.date.today() + dt.timedelta(days=30)
    body = {
        "check_in": check_in.isoformat(),
        "check_out": (check_in + dt.timedelta(days=2)).isoformat(),
        "room_type_id": "STD",
        "guests": {"adults": 2},
        "primary_guest": {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"},
    }
    headers = {"Authorization": f"Bearer {admin_token(stack)}"}
    response = httpx.post(f"{stack.url}/v1/bookings", json=body, headers=headers)
    assert response.status_code == 201, response.text
    number = response.json()["booking"]["confirmation_number"]

    stored = stack.exec(
        "postgres",
        "psql",
        "--username=roomiai",
        "--dbname=roomiai",
        "--tuples-only",
        "--no-align",
        "--command",
        f"SELECT status, nights FROM bookings WHERE confirmation_number = '{number}'",
    )
    assert stored.split() == ["confirmed|2"]
    read = httpx.get(f"{stack.url}/v1/bookings/{number}", headers=headers)
    assert read.status_code == 200 and read.json()["status"] == "confirmed", read.text


def test_redis_holds_the_limits_every_api_process_shares(stack):
    before = stack.redis_keys("roomiai:rl:*")
    stranger = f"nobody-{uuid.uuid4().hex[:8]}"
    for _ in range(3):
        response = httpx.post(f"{stack.url}/v1/auth/token", data={"username": stranger, "password": "wrong-password"})
        assert response.status_code == 401, response.text
    new_keys = stack.redis_keys("roomiai:rl:*") - before
    assert new_keys, "no rate-limit keys under roomiai:rl: in the redis container"
    counts = {key: int(stack.exec("redis", "redis-cli", "zcard", key).strip()) for key in new_keys}
    assert 3 in counts.values(), f"the three failed logins are not all counted in one shared window: {counts}"


def test_voice_agent_runs_with_its_speech_models_inside_the_image(stack):
    assert stack.health("voice-agent") == "healthy"
    loaded = stack.exec(
        "voice-agent",
        "python3",
        "-c",
        "from roomiai.config import Settings; from roomiai.voice.speech import LocalModels; "
        "models = LocalModels.load(Settings()); print(models.stt.model, models.voice.provider)",
    )
    assert loaded.split()[-2:] == ["whisper-tiny.en", "piper"]
    assert stack.exec("voice-agent", "id", "-un").strip() == "roomi"


def test_the_database_outlives_its_container(stack):
    count = "SELECT count(*) FROM bookings"
    psql = ("psql", "--username=roomiai", "--dbname=roomiai", "--tuples-only", "--no-align", "--command")
    users_before = stack.exec("postgres", *psql, "SELECT count(*) FROM users").strip()
    bookings_before = stack.exec("postgres", *psql, count).strip()
    stack.compose("rm", "--stop", "--force", "postgres")
    stack.compose("up", "--detach", "--no-build", "postgres")
    stack.wait_healthy("postgres")
    assert stack.exec("postgres", *psql, "SELECT count(*) FROM users").strip() == users_before != "0"
    assert stack.exec("postgres", *psql, count).strip() == bookings_before
    deadline = time.monotonic() + 60
    while httpx.get(f"{stack.url}/v1/ready").status_code != 200 and time.monotonic() < deadline:
        time.sleep(1)  # the API's pool finds the new server on its next checks
    assert httpx.get(f"{stack.url}/v1/ready").status_code == 200
