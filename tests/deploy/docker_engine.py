"""A throw-away Docker engine for the deployment test, and the local pieces its builds need.

`Engine.start()` runs Debian's `dockerd` with its data, state and socket in a temporary directory (no iptables
rules, no default bridge, IP forwarding left as it is); `stop()` stops it by its PID and deletes the directory, so
nothing stays on the machine. No image registry is reachable here, so:

- `base_image_tar()` makes the base image's root file system with `debootstrap --variant=minbase bookworm` (Debian's
  Python 3.11 and venv; PostgreSQL and redis-server for the stand-in images), cached as a tar file;
- `wheelhouse()` fills a folder with every wheel the images install (`pip wheel` run outside any container, by
  Debian's own python3, the same Python 3.11 the base image has, so environment markers resolve alike), cached per
  pyproject.toml.

The cache lives in ROOMIAI_TEST_CACHE, else ~/.cache/roomiai-tests.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SUITE = "bookworm"
MIRROR = "http://deb.debian.org/debian"
BASE_PACKAGES = ("python3", "python3-venv", "postgresql", "redis-server", "espeak-ng")
DEBIAN_PYTHON = Path("/usr/bin/python3")
INSTALL_HINT = (
    "run scripts/install-docker.sh (make test does) to install Debian's docker.io, docker-compose and debootstrap"
)


class EngineUnavailable(RuntimeError):
    """dockerd is missing or cannot start here; the message says which and why."""


def skip_requested() -> bool:
    """ROOMIAI_SKIP_DOCKER=1 leaves the stack test out (it takes minutes), as ROOMIAI_SKIP_PG does for PostgreSQL."""
    return os.environ.get("ROOMIAI_SKIP_DOCKER", "").strip().lower() in {"1", "true", "yes", "on"}


def cache_dir() -> Path:
    root = Path(os.environ.get("ROOMIAI_TEST_CACHE") or Path.home() / ".cache" / "roomiai-tests")
    root.mkdir(parents=True, exist_ok=True)
    return root


def docker_client() -> str:
    """Debian's docker client (the same release as its dockerd), else whichever is on PATH."""
    for candidate in ("/usr/bin/docker", shutil.which("docker")):
        if candidate and Path(candidate).exists():
            return candidate
    raise EngineUnavailable(f"no docker client found: {INSTALL_HINT}")


def compose_command() -> list[str]:
    """ROOMIAI_TEST_COMPOSE (e.g. "docker compose" for Compose v2), else Debian's docker-compose 1.29."""
    chosen = os.environ.get("ROOMIAI_TEST_COMPOSE", "").split()
    if chosen:
        return chosen
    found = shutil.which("docker-compose")
    if not found:
        raise EngineUnavailable(f"docker-compose not found: {INSTALL_HINT}")
    return [found]


@dataclass
class Engine:
    root: Path
    process: subprocess.Popen
    host: str

    @classmethod
    def start(cls, *, timeout: float = 90.0) -> Engine:
        dockerd = shutil.which("dockerd") or ("/usr/sbin/dockerd" if Path("/usr/sbin/dockerd").exists() else None)
        if dockerd is None:
            raise EngineUnavailable(f"dockerd not found: {INSTALL_HINT}")
        if os.geteuid() != 0:
            raise EngineUnavailable(f"dockerd needs root here (the tests run as uid {os.geteuid()})")
        root = Path(tempfile.mkdtemp(prefix="roomiai-docker-", dir="/tmp"))  # short: unix socket paths are limited
        host = f"unix://{root}/docker.sock"
        log = (root / "dockerd.log").open("wb")
        process = subprocess.Popen(
            [
                dockerd,
                f"--data-root={root}/data",
                f"--exec-root={root}/exec",
                f"--pidfile={root}/dockerd.pid",
                f"--host={host}",
                "--bridge=none",
                "--iptables=false",
                "--ip6tables=false",
                "--ip-forward=false",
                "--ip-masq=false",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        engine = cls(root=root, process=process, host=host)
        atexit.register(engine.stop)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                engine.stop()
                raise EngineUnavailable(f"dockerd exited with status {process.returncode}: {engine.log_tail()}")
            probe = subprocess.run(
                [docker_client(), "--host", host, "info", "--format", "{{.ServerVersion}}"],
                capture_output=True,
                text=True,
                timeout=30,
            )
            if probe.returncode == 0:
                return engine
            time.sleep(0.5)
        tail = engine.log_tail()
        engine.stop()
        raise EngineUnavailable(f"dockerd did not answer within {timeout:.0f} s: {tail}")

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join((self.root / "dockerd.log").read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment for docker and docker-compose commands against this engine."""
        return {
            **os.environ,
            "DOCKER_HOST": self.host,
            "DOCKER_BUILDKIT": "0",
            "COMPOSE_DOCKER_CLI_BUILD": "0",
            **extra,
        }

    def docker(
        self, *args: str, timeout: float = 600, input: bytes | None = None, stdin=None
    ) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [docker_client(), *args], env=self.env(), capture_output=True, timeout=timeout, input=input, stdin=stdin
        )
        if result.returncode != 0:
            raise AssertionError(
                f"docker {' '.join(args[:3])} failed ({result.returncode}):\n"
                f"{result.stdout.decode(errors='replace')[-3000:]}\n"
                f"{result.stderr.decode(errors='replace')[-3000:]}"
            )
        return result

    def stop(self) -> None:
        """Stop dockerd (it stops its containers and containerd first) by its PID, then delete everything it wrote."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        if self.root.exists():
            for mount in reversed(_mounts_under(self.root)):
                subprocess.run(["umount", "-l", mount], capture_output=True)
            shutil.rmtree(self.root, ignore_errors=True)


def _mounts_under(root: Path) -> list[str]:
    with open("/proc/self/mounts") as mounts:
        points = [line.split()[1] for line in mounts]
    return [point for point in points if point.startswith(f"{root}/")]


def _run(command: list[str], *, timeout: float, what: str, cwd: Path | None = None) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=cwd)
    if result.returncode != 0:
        raise AssertionError(f"{what} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def base_image_tar() -> Path:
    """The debootstrapped bookworm root file system as a tar file for `docker import` (built once, then cached)."""
    key = hashlib.sha256(f"{SUITE} {MIRROR} {' '.join(BASE_PACKAGES)}".encode()).hexdigest()[:12]
    tar = cache_dir() / f"base-{SUITE}-{key}.tar"
    if tar.exists():
        return tar
    debootstrap = shutil.which("debootstrap") or "/usr/sbin/debootstrap"
    if not Path(debootstrap).exists():
        raise EngineUnavailable(f"debootstrap not found: {INSTALL_HINT}")
    work = Path(tempfile.mkdtemp(prefix="roomiai-rootfs-", dir=cache_dir()))
    try:
        _run(
            [
                debootstrap,
                "--variant=minbase",
                f"--include={','.join(BASE_PACKAGES)}",
                SUITE,
                str(work / "rootfs"),
                MIRROR,
            ],
            timeout=1200,
            what="debootstrap",
        )
        for leftover in ("var/cache/apt/archives", "var/lib/apt/lists"):
            for item in (work / "rootfs" / leftover).glob("*"):
                if item.is_file():
                    item.unlink()
        _run(
            ["tar", "--numeric-owner", "-C", str(work / "rootfs"), "-cf", str(work / "base.tar"), "."],
            timeout=600,
            what="tar of the root file system",
        )
        os.replace(work / "base.tar", tar)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return tar


def wheelhouse(project: Path, extras: str = "voice,piper") -> Path:
    """Every wheel the images install except the project's own (they build it from src/), plus setuptools and wheel
    for that build; made by Debian's python3 so its markers match the base image's Python."""
    key = hashlib.sha256((project / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()[:12]
    folder = cache_dir() / f"wheelhouse-{key}"
    if folder.exists():
        return folder
    if not DEBIAN_PYTHON.exists():
        raise EngineUnavailable(
            f"{DEBIAN_PYTHON} (Debian's Python 3.11, as in the base image) is needed to build the wheelhouse"
        )
    work = Path(tempfile.mkdtemp(prefix="roomiai-wheels-", dir=cache_dir()))
    try:
        _run([str(DEBIAN_PYTHON), "-m", "venv", str(work / "venv")], timeout=300, what="python3 -m venv")
        source = work / "project"  # a copy: pip builds the project in place
        source.mkdir()
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            shutil.copy2(project / name, source / name)
        shutil.copytree(project / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        _run(
            [
                str(work / "venv" / "bin" / "pip"),
                "wheel",
                "--quiet",
                "--disable-pip-version-check",
                "--wheel-dir",
                str(work / "wheels"),
                f"{source}[{extras}]",
                "setuptools>=77",
                "wheel",
            ],
            timeout=1200,
            what="pip wheel",
        )
        for own in (work / "wheels").glob("roomiai-*.whl"):
            own.unlink()
        try:
            os.replace(work / "wheels", folder)
        except OSError:
            if not folder.is_dir():  # else another run made it at the same time
                raise
        for stale in cache_dir().glob("wheelhouse-*"):
            if stale != folder:
                shutil.rmtree(stale, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return folder
