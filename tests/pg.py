"""A throw-away PostgreSQL cluster for the tests: found, initialised, started and always stopped here.

Nothing here needs a running server or a network beyond loopback: `initdb` creates a cluster in a
temporary directory (trust authentication), `pg_ctl` starts it on a free port on 127.0.0.1 and on a
unix socket inside that directory, and `stop()` (also run at exit, and by a watchdog process if the
test run is killed) shuts it down and deletes the directory.

PostgreSQL refuses to run as root; when the tests run as root the server runs as the `postgres`
system user if there is one, else as `nobody` (override with ROOMIAI_PG_USER).

Run `python -m tests.pg` for a cluster to poke at by hand (Ctrl-C stops it).
"""

from __future__ import annotations

import atexit
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

MIN_MAJOR = 13
SEARCH_GLOBS = ("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin", "/usr/local/pgsql/bin")
SERVER_OPTIONS = (
    "-F -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200"
    " -c deadlock_timeout=200ms"
)
INSTALL_HINT = (
    "PostgreSQL server binaries (initdb and pg_ctl, version {min}+) were not found on PATH or in "
    "/usr/lib/postgresql/*/bin. The integration tests run against a real PostgreSQL server: run `make test` "
    "(it installs them through scripts/install-postgres.sh) or `sudo scripts/install-postgres.sh`, or point "
    "ROOMIAI_PG_BIN at the directory holding initdb. Set ROOMIAI_SKIP_PG=1 to skip the PostgreSQL tests instead."
).format(min=MIN_MAJOR)


class PostgresNotFound(RuntimeError):
    """No usable initdb/pg_ctl on this machine."""


class PostgresFailed(RuntimeError):
    """initdb or the server failed; the message carries its output."""


def skip_requested() -> bool:
    return os.environ.get("ROOMIAI_SKIP_PG", "").strip().lower() in {"1", "true", "yes", "on"}


def _major(initdb: Path) -> int | None:
    try:
        out = subprocess.run([str(initdb), "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
    return int(match.group(1)) if match else None


def _version_key(path: Path) -> tuple:
    numbers = re.findall(r"\d+", str(path))
    return tuple(int(n) for n in numbers) if numbers else (0,)


def candidate_dirs() -> list[Path]:
    """Where initdb may live: ROOMIAI_PG_BIN, PATH, then the distributions' directories, newest first."""
    dirs: list[Path] = []
    if os.environ.get("ROOMIAI_PG_BIN"):
        dirs.append(Path(os.environ["ROOMIAI_PG_BIN"]))
    on_path = shutil.which("initdb")
    if on_path:
        dirs.append(Path(on_path).resolve().parent)
    for pattern in SEARCH_GLOBS:
        root = Path("/")
        found = [Path(p) for p in root.glob(pattern.lstrip("/"))]
        dirs.extend(sorted(found, key=_version_key, reverse=True))
    return list(dict.fromkeys(dirs))


def find_bin_dir() -> tuple[Path, int]:
    """The first directory with initdb, pg_ctl and postgres of version MIN_MAJOR or newer."""
    for directory in candidate_dirs():
        initdb, pg_ctl, postgres = (directory / name for name in ("initdb", "pg_ctl", "postgres"))
        if not (initdb.is_file() and pg_ctl.is_file() and postgres.is_file()):
            continue
        major = _major(initdb)
        if major is not None and major >= MIN_MAJOR:
            return directory, major
    raise PostgresNotFound(INSTALL_HINT)


@dataclass(frozen=True)
class RunAs:
    name: str
    uid: int
    gid: int


def server_user() -> RunAs | None:
    """Who runs initdb/postgres: the current user, or an unprivileged one when we are root."""
    if os.geteuid() != 0:
        return None
    names = [os.environ["ROOMIAI_PG_USER"]] if os.environ.get("ROOMIAI_PG_USER") else ["postgres", "nobody"]
    for name in names:
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        if entry.pw_uid != 0:
            return RunAs(name, entry.pw_uid, entry.pw_gid)
    raise PostgresFailed(f"Running as root and none of the users {names} exists to run PostgreSQL as.")


def _base_dir(run_as: RunAs | None) -> str:
    """Where the cluster directory goes: $ROOMIAI_PG_TMPDIR, else the temp dir if the server user can reach it
    and the socket path stays short (unix socket paths are limited to about 100 bytes), else /tmp."""
    if os.environ.get("ROOMIAI_PG_TMPDIR"):
        return os.environ["ROOMIAI_PG_TMPDIR"]
    base = Path(tempfile.gettempdir())
    if len(str(base)) > 60:
        return "/tmp"
    if run_as is not None:
        for parent in [base, *base.parents]:
            st = parent.stat()
            if not (st.st_mode & 0o001 or (st.st_uid == run_as.uid and st.st_mode & 0o100)):
                return "/tmp"
    return str(base)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Stops the cluster if the test process dies without running its finalisers (SIGKILL, crash).
_WATCHDOG = r"""
import os, shutil, subprocess, sys, time
parent, pg_ctl, data, root, uid, gid = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
def alive(pid):
    try:
        os.kill(int(pid), 0)
        return True
    except OSError:
        return False
while alive(parent) and os.path.isdir(data):
    time.sleep(0.5)
if os.path.isdir(data):
    kw = {"user": uid, "group": gid, "extra_groups": []} if uid >= 0 and os.geteuid() == 0 else {}
    subprocess.run([pg_ctl, "stop", "-D", data, "-m", "immediate", "-w", "-t", "10"], capture_output=True, cwd=root, **kw)
    shutil.rmtree(root, ignore_errors=True)
"""


@dataclass
class Cluster:
    """One PostgreSQL server in a temporary directory."""

    bin_dir: Path
    major: int
    root: Path
    run_as: RunAs | None
    port: int = 0
    superuser: str = "postgres"
    startup_seconds: float = 0.0
    _watchdog: subprocess.Popen | None = field(default=None, repr=False)
    _stopped: bool = False

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    @property
    def log_file(self) -> Path:
        return self.root / "postgres.log"

    def url(self, database: str, *, driver: str = "asyncpg") -> str:
        """SQLAlchemy URL of a database over TCP on 127.0.0.1."""
        return f"postgresql+{driver}://{self.superuser}@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str = "postgres") -> str:
        """libpq/asyncpg DSN of a database over TCP on 127.0.0.1."""
        return f"postgresql://{self.superuser}@127.0.0.1:{self.port}/{database}"

    def psql_hint(self, database: str = "postgres") -> str:
        return f"psql -h {self.socket_dir} -p {self.port} -U {self.superuser} {database}"

    # -- lifecycle -------------------------------------------------------------------------------

    @classmethod
    def start(cls, *, timeout: float = 60.0) -> "Cluster":
        """initdb + pg_ctl start in a fresh temporary directory; raises PostgresNotFound/PostgresFailed."""
        bin_dir, major = find_bin_dir()
        run_as = server_user()
        root = Path(tempfile.mkdtemp(prefix="roomiai-pg-", dir=_base_dir(run_as)))
        cluster = cls(bin_dir=bin_dir, major=major, root=root, run_as=run_as)
        atexit.register(cluster.stop)
        try:
            cluster.socket_dir.mkdir()
            if run_as is not None:
                for path in (root, cluster.socket_dir):
                    os.chown(path, run_as.uid, run_as.gid)
            cluster._run(
                ["initdb", "-D", str(cluster.data_dir), "-U", cluster.superuser, "-A", "trust", "-E", "UTF8",
                 "--no-locale", "--no-sync"],
                timeout=timeout,
            )
            cluster._start_watchdog()
            cluster._start_server(timeout=timeout)
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def _start_server(self, *, timeout: float) -> None:
        last_error: Exception | None = None
        for _ in range(5):  # the free port may be taken between probing and binding
            self.port = free_port()
            options = f"{SERVER_OPTIONS} -c listen_addresses=127.0.0.1 -p {self.port} -k {self.socket_dir}"
            started = time.monotonic()
            try:
                self._run(
                    ["pg_ctl", "start", "-D", str(self.data_dir), "-l", str(self.log_file), "-w", "-t", str(int(timeout)),
                     "-o", options],
                    timeout=timeout + 10,
                )
            except PostgresFailed as exc:
                last_error = exc
                self._run(["pg_ctl", "stop", "-D", str(self.data_dir), "-m", "immediate"], check=False)
                continue
            self.startup_seconds = time.monotonic() - started
            return
        raise PostgresFailed(f"PostgreSQL did not start: {last_error}")

    def _start_watchdog(self) -> None:
        uid, gid = (self.run_as.uid, self.run_as.gid) if self.run_as else (-1, -1)
        self._watchdog = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, str(os.getpid()), str(self.bin_dir / "pg_ctl"), str(self.data_dir),
             str(self.root), str(uid), str(gid)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )

    def stop(self) -> None:
        """Stop the server (fast, then immediate) and delete its directory. Safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        try:
            if (self.data_dir / "postmaster.pid").exists():
                done = self._run(["pg_ctl", "stop", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "20"], check=False)
                if done.returncode != 0:
                    self._run(["pg_ctl", "stop", "-D", str(self.data_dir), "-m", "immediate", "-w", "-t", "10"], check=False)
                self._kill_leftover()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
            if self._watchdog is not None and self._watchdog.poll() is None:
                self._watchdog.terminate()
                try:
                    self._watchdog.wait(5)
                except subprocess.TimeoutExpired:
                    self._watchdog.kill()

    def _kill_leftover(self) -> None:
        pid_file = self.data_dir / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return
        try:
            os.kill(pid, signal.SIGQUIT)
        except ProcessLookupError:
            pass

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    # -- helpers ---------------------------------------------------------------------------------

    def _run(self, argv: list[str], *, timeout: float = 60.0, check: bool = True) -> subprocess.CompletedProcess:
        argv = [str(self.bin_dir / argv[0]), *argv[1:]]
        env = {
            "PATH": f"{self.bin_dir}:/usr/bin:/bin",
            "HOME": str(self.root),
            "LC_ALL": "C",
            "LANG": "C",
            "TZ": "UTC",
        }
        kwargs: dict = {}
        if self.run_as is not None:
            kwargs = {"user": self.run_as.uid, "group": self.run_as.gid, "extra_groups": []}
        try:
            done = subprocess.run(
                argv, env=env, cwd=self.root if self.root.exists() else "/", capture_output=True, text=True,
                timeout=timeout, **kwargs,
            )
        except subprocess.TimeoutExpired as exc:
            raise PostgresFailed(f"{' '.join(argv)} timed out after {timeout:.0f}s\n{self.log_tail()}") from exc
        if check and done.returncode != 0:
            raise PostgresFailed(
                f"{' '.join(argv)} failed with exit code {done.returncode}:\n{done.stdout}\n{done.stderr}\n"
                f"--- server log ---\n{self.log_tail()}"
            )
        return done

    # -- databases -------------------------------------------------------------------------------

    async def execute(self, *statements: str, database: str = "postgres") -> None:
        """Run statements outside a transaction (CREATE/DROP DATABASE) as the superuser."""
        import asyncpg

        conn = await asyncpg.connect(self.dsn(database), timeout=30)
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    async def create_database(self, name: str, *, template: str | None = None) -> str:
        _check_name(name)
        if template:
            _check_name(template)
        clause = f' TEMPLATE "{template}"' if template else " TEMPLATE template0"
        await self.execute(f'CREATE DATABASE "{name}"{clause}')
        return name

    async def drop_database(self, name: str) -> None:
        _check_name(name)
        force = " WITH (FORCE)" if self.major >= 13 else ""
        await self.execute(f'DROP DATABASE IF EXISTS "{name}"{force}')


def _check_name(name: str) -> None:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ValueError(f"unsafe database name {name!r}")


def unique_name(prefix: str = "roomiai_t") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def main() -> None:  # pragma: no cover - a manual helper
    cluster = Cluster.start()
    print(f"PostgreSQL {cluster.major} in {cluster.root} as {cluster.run_as.name if cluster.run_as else 'me'}")
    print(f"  URL:  {cluster.url('postgres')}")
    print(f"  psql: {cluster.psql_hint()}")
    print("Ctrl-C stops it and deletes the directory.")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
