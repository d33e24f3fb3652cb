"""The FastAPI application: routers under /v1, problem+json errors, and the container it runs on."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.types import Receive, Scope, Send

from .. import __version__
from ..clock import Clock
from ..config import Settings
from ..messaging.setup import build_messaging
from ..payments.local_vault import LocalVault, load_or_create_key
from ..payments.port import PaymentGateway
from ..services import catalog
from ..services.guest_messages import TEMPLATE_VARIABLES
from ..store.database import Database
from ..store.uow import UnitOfWork
from ..web import desk
from . import admin, auth, booking_lookup, bookings, errors, guests, hotel, payments, property, rooms, service_requests, users, voice
from .deps import Container
from .errors import problem
from .lookup_limit import LookupLimit
from .security import API_HEADERS, LoginThrottle, SecurityHeaders

log = logging.getLogger("roomiai.api")

ROUTERS = [
    auth.router, hotel.router, rooms.router, booking_lookup.router, bookings.router, guests.router, service_requests.router,
    voice.router, admin.router, users.router, payments.router, property.router,
]


def build_container(settings: Settings, *, db: Database | None = None, clock: Clock | None = None,
                    gateway: PaymentGateway | None = None, email=None, sms=None) -> Container:
    """Everything the app needs, from settings; tests pass their own pieces (`email`/`sms`: message transports)."""
    db = db or Database(settings.database_url, pii_key=settings.resolved_pii_key())
    clock = clock or Clock(pinned_date=settings.today)
    mail, outbox = build_messaging(settings, db, clock, email=email, sms=sms)
    return Container(
        login_throttle=LoginThrottle(failures_allowed=settings.login_failures_allowed, window_seconds=settings.login_window_seconds),
        lookup_throttle=LookupLimit(failures_allowed=settings.lookup_failures_allowed,
                                    agent_failures_allowed=settings.agent_lookup_failures_allowed),
        settings=settings,
        db=db,
        clock=clock,
        gateway=gateway or build_gateway(settings),
        secret=settings.resolved_jwt_secret(),
        mail=mail,
        outbox=outbox,
    )


def build_gateway(settings: Settings) -> PaymentGateway:
    """The configured payment gateway: Stripe, or the local card vault."""
    if settings.payment_gateway == "stripe":
        from ..payments.stripe_gateway import StripeGateway  # imported, and constructed, only when chosen

        return StripeGateway(settings.stripe_secret_key)
    key = settings.vault_key or load_or_create_key(settings.data_dir / "vault.key")
    return LocalVault(settings.vault_path, key=key)


def create_app(container: Container) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with UnitOfWork(container.db) as uow:
            try:
                container.clock.set_timezone((await catalog.hotel_settings(uow.session))["timezone"])
            except Exception:  # noqa: BLE001 - a fresh database has no hotel yet; UTC until it is set up
                pass
        if container.mail is not None:
            for problem in container.mail.templates.problems(TEMPLATE_VARIABLES):
                log.warning("message template %s", problem)
        sender = asyncio.create_task(container.outbox.run(), name="outbox") if container.outbox else None
        try:
            yield
        finally:
            if sender is not None:
                sender.cancel()
                await asyncio.gather(sender, return_exceptions=True)
        close = getattr(container.gateway, "aclose", None)
        if close is not None:
            await close()

    app = FastAPIOffline(  # docs assets served locally: no CDN, no network
        title="RoomiAI",
        version=__version__,
        summary="Reservation engine and API of an AI hotel receptionist",
        lifespan=lifespan,
    )
    app.state.container = container
    errors.install(app, db=container.db)
    app.add_middleware(SecurityHeaders)
    if container.settings.cors_origin_list:
        app.add_middleware(
            CORSMiddleware, allow_origins=container.settings.cors_origin_list, allow_credentials=False,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"], allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
        )
    for router in ROUTERS:
        app.include_router(router)
    desk.install(app)  # the front desk's pages at /desk

    @app.get("/v1/health", tags=["health"], summary="Liveness and storage; needs no token",
             responses={503: {"description": "degraded: the database cannot be read, or the last write to it failed"}})
    async def health():
        state = {"version": __version__, "today": container.clock.today().isoformat()}
        trouble = await container.db.storage_problem()
        if trouble is None:
            return {"status": "ok", **state}
        return JSONResponse({"status": "degraded", "code": errors.STORAGE_UNAVAILABLE, "detail": f"Storage: {trouble}.",
                             **state}, status_code=503)

    return BodyLimit(app, max_bytes=container.settings.max_body_bytes)


class BodyLimit:
    """Refuses request bodies over the limit with 413 before they are read into memory."""

    def __init__(self, app: FastAPI, *, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes
        self.state = app.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await self._too_large(scope, receive, send)
            return
        received = 0

        async def limited() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope, receive, send) -> None:
        headers = {key.decode(): value.decode() for key, value in API_HEADERS.items()}
        response = problem(413, f"The request body is larger than {self.max_bytes // 1024} KiB.", headers=headers)
        await response(scope, receive, send)


class _TooLarge(errors.BodyTooLarge):
    pass
