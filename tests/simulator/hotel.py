"""One simulated hotel per worker: a fresh SQLite database with the demo hotel, the app in process, staff clients."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from roomiai.agent.api_client import EMBEDDED_URL, RoomiApi
from roomiai.api.app import create_app
from roomiai.bootstrap import build_container
from roomiai.clock import Clock
from roomiai.config import Settings
from roomiai.demo.seed import seed_demo
from roomiai.payments.local_vault import LocalVault
from roomiai.services.auth import access_token, wall_clock
from roomiai.store.uow import UnitOfWork

HOTEL_TZ = "America/New_York"
SECRET = "simulator-secret-0123456789abcdef012345"
PII_KEY = "simulator-pii-key-0123456789abcdef01234"
TOKEN_MINUTES = 24 * 60


@dataclass
class SimHotel:
    """The hotel the simulated callers ring: Roomi's API client per call, staff and admin clients for setup and grading."""

    app: Any
    clock: Clock
    staff: httpx.AsyncClient
    admin: httpx.AsyncClient
    _agent_token: str

    @property
    def today(self) -> dt.date:
        return self.clock.today()

    def set_today(self, day: dt.date) -> None:
        """Each call happens on its own date (its goal's `today`)."""
        self.clock.pinned_date = day

    def agent_api(self) -> RoomiApi:
        """A fresh client for one call: voice_start binds a client to its call."""
        return RoomiApi.embedded(self.app, self._agent_token)


@asynccontextmanager
async def sim_hotel(*, today: dt.date, folder: Path | None = None) -> AsyncIterator[SimHotel]:
    """A migrated database seeded with Grand Hotel (no bookings) in `folder` (a temporary one by default)."""
    async with AsyncExitStack() as stack:
        if folder is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="roomi-sim-")))
        # many simulated callers share the agent token and one address: the hotel-wide limits would throttle the run
        settings = Settings(data_dir=folder, database_url=f"sqlite+aiosqlite:///{folder / 'roomiai.sqlite3'}",
                            jwt_secret=SECRET, pii_key=PII_KEY, vault_key="", today=today, _env_file=None,
                            agent_lookup_failures_allowed=0, agent_booking_rate_per_minute=0, booking_rate_per_minute=0)
        clock = Clock(HOTEL_TZ, pinned_date=today)
        vault = LocalVault(folder / "vault.sqlite3", key=b"0" * 43 + b"=")
        stack.callback(vault.close)
        container = build_container(settings, clock=clock, gateway=vault)
        stack.push_async_callback(container.db.dispose)
        await container.db.migrate()
        async with UnitOfWork(container.db, write=True) as uow:
            await seed_demo(uow, now=clock.now())
        app = create_app(container)
        await stack.enter_async_context(app.app.router.lifespan_context(app.app))
        transport = httpx.ASGITransport(app=app)

        def client(role: str) -> httpx.AsyncClient:
            token = access_token(secret=container.secret, subject=f"simulator-{role}", role=role,
                                 minutes=TOKEN_MINUTES, now=wall_clock())
            return httpx.AsyncClient(transport=transport, base_url=EMBEDDED_URL,
                                     headers={"Authorization": f"Bearer {token}"})

        staff, admin = client("staff"), client("admin")
        stack.push_async_callback(staff.aclose)
        stack.push_async_callback(admin.aclose)
        agent_token = access_token(secret=container.secret, subject="roomi-agent", role="agent",
                                   minutes=TOKEN_MINUTES, now=wall_clock())
        yield SimHotel(app=app, clock=clock, staff=staff, admin=admin, _agent_token=agent_token)
