"""The one composition root: settings, the database (opened and migrated once), the payment gateway, Redis, the app.

The CLI, the embedded agent and the call page build everything here; `worker_app` is the factory each API process
of `roomi serve --workers N` calls.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from .api.app import BodyLimit, create_app
from .api.deps import Container
from .api.lookup_limit import LookupLimit
from .api.security import LoginThrottle, RequestRate
from .clock import Clock
from .config import Settings
from .messaging.setup import build_messaging
from .payments.local_vault import LocalVault, load_or_create_key
from .payments.port import PaymentGateway
from .shared_state import MemoryWindows, SlidingWindows
from .store.database import Database

WORKER_APP = "roomiai.bootstrap:worker_app"


def build_gateway(settings: Settings) -> PaymentGateway:
    """The configured payment gateway: Stripe, or the local card vault."""
    if settings.payment_gateway == "stripe":
        from .payments.stripe_gateway import StripeGateway  # imported, and constructed, only when chosen

        return StripeGateway(settings.stripe_secret_key)
    key = settings.vault_key or load_or_create_key(settings.data_dir / "vault.key")
    assert settings.vault_path is not None  # Settings fills in <data_dir>/vault.sqlite3 when it is not configured
    return LocalVault(settings.vault_path, key=key)


def build_redis(settings: Settings):
    """The Redis link when ROOMIAI_REDIS_URL is set (nothing connects until first use), else None."""
    if not settings.redis_url:
        return None
    from .shared_state.redis_link import RedisLink  # the redis package is imported only when Redis is used

    return RedisLink(settings.redis_url)


def shared_windows(redis, *, key_secret: str = "") -> SlidingWindows:
    """The counters behind every limit: in Redis for all processes (keys hashed with `key_secret`), or this process's own."""
    if redis is None:
        return MemoryWindows()
    from .shared_state.redis_windows import RedisWindows

    return RedisWindows(redis, key_secret=key_secret)


def build_container(
    settings: Settings,
    *,
    db: Database | None = None,
    clock: Clock | None = None,
    gateway: PaymentGateway | None = None,
    email=None,
    sms=None,
) -> Container:
    """Everything the app needs, from settings; tests pass their own pieces (`email`/`sms`: message transports)."""
    db = db or Database(settings.database_url, pii_key=settings.resolved_pii_key())
    clock = clock or Clock(pinned_date=settings.today)
    mail, outbox = build_messaging(settings, db, clock, email=email, sms=sms)
    redis = build_redis(settings)
    secret = settings.resolved_jwt_secret()
    windows = shared_windows(redis, key_secret=secret)
    return Container(
        login_throttle=LoginThrottle(
            failures_allowed=settings.login_failures_allowed,
            window_seconds=settings.login_window_seconds,
            windows=windows,
        ),
        lookup_throttle=LookupLimit(
            failures_allowed=settings.lookup_failures_allowed,
            agent_failures_allowed=settings.agent_lookup_failures_allowed,
            windows=windows,
        ),
        booking_rate=RequestRate(windows=windows),
        redis=redis,
        settings=settings,
        db=db,
        clock=clock,
        gateway=gateway or build_gateway(settings),
        secret=secret,
        mail=mail,
        outbox=outbox,
    )


def build_app(settings: Settings, *, call_page: bool = False) -> BodyLimit:
    """The API (with the call page when asked) on a new container; the database must be migrated already."""
    container = build_container(settings)
    app = create_app(container)
    if call_page:
        install_call_page(app, container, settings)
    return app


def worker_app() -> BodyLimit:
    """The app of one `roomi serve --workers N` process: settings from the environment, logs set up in this process."""
    from .logs import setup_logging

    settings = Settings()
    setup_logging(level=settings.log_level, log_dir=settings.log_dir)
    return build_app(settings)


def prepare_keys(settings: Settings) -> None:
    """Creates the dev-mode keys once, before processes that would each create their own start together."""
    settings.resolved_jwt_secret()
    settings.resolved_pii_key()
    if settings.payment_gateway == "local" and not settings.vault_key:
        load_or_create_key(settings.data_dir / "vault.key")


@asynccontextmanager
async def open_database(settings: Settings, *, migrate: bool = True) -> AsyncIterator[Database]:
    """The configured database, brought to the newest migration, closed on the way out."""
    db = Database(settings.database_url, pii_key=settings.resolved_pii_key())
    try:
        if migrate:
            await db.migrate()
        yield db
    finally:
        await db.dispose()


@asynccontextmanager
async def opened_container(settings: Settings, *, clock: Clock | None = None) -> AsyncIterator[Container]:
    """A container on the migrated database, for an app inside this process; database and local vault closed after."""
    container = build_container(settings, clock=clock)
    try:
        await container.db.migrate()
        yield container
    finally:
        if isinstance(container.gateway, LocalVault):
            container.gateway.close()
        await container.db.dispose()


@asynccontextmanager
async def app_running(container: Container) -> AsyncIterator[BodyLimit]:
    """The app on `container` with its lifespan (outbox sender, Redis) running, as a server runs it."""
    app = create_app(container)
    async with app.app.router.lifespan_context(app.app):
        yield app


def install_call_page(app, container: Container, settings: Settings) -> None:
    """The "Call Grand Hotel" page; the speech models load in the background while the API already answers."""
    import sys

    from .agent.runtime import CallSetupError, brain_for

    try:
        from .voice.call_page import ModelLoader, install
        from .voice.speech import LocalModels
    except ModuleNotFoundError as exc:
        print(
            f"roomi: the call page needs the voice extra ({exc.name} is missing): pip install 'roomiai[voice,piper]'",
            file=sys.stderr,
        )
        return
    try:
        make_brain = brain_for(settings.brain, settings)
    except CallSetupError as exc:
        print(f"roomi: the call page is off: {exc}", file=sys.stderr)
        return
    install(app.app, container, make_brain=make_brain, models=ModelLoader(lambda: LocalModels.load(settings)))
