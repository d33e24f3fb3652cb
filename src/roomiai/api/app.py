"""The FastAPI application: routers under /v1, problem+json errors, and the container it runs on."""

from __future__ import annotations

import asyncio
import logging
import sys
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.types import Message, Receive, Scope, Send

from .. import __version__
from ..services import catalog
from ..services.guest_messages import TEMPLATE_VARIABLES
from ..store.uow import UnitOfWork
from ..web import desk
from . import (
    admin,
    auth,
    booking_lookup,
    bookings,
    errors,
    guests,
    hotel,
    payments,
    property,
    rooms,
    service_requests,
    users,
    voice,
)
from . import metrics as metrics_api
from .deps import Container
from .errors import problem
from .quick_search import QuickSearch
from .security import API_HEADERS, SecurityHeaders

log = logging.getLogger("roomiai.api")
SWITCH_INTERVAL_S = 0.0005
NOT_READY = "not_ready"

ROUTERS = [
    auth.router,
    hotel.router,
    rooms.router,
    booking_lookup.router,
    bookings.router,
    guests.router,
    service_requests.router,
    voice.router,
    admin.router,
    users.router,
    payments.router,
    property.router,
]


def create_app(container: Container) -> BodyLimit:
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
        metrics_port = metrics_api.serve_port(container.settings)
        # the database drivers' threads hand each result back under the GIL: with the loop busy they would wait up to
        # 5 ms (Python's default) per statement, which starves bookings (~50 hand-backs) behind a storm of searches
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        try:
            yield
        finally:
            if metrics_port is not None:
                metrics_port.shutdown()
            if sender is not None:
                sender.cancel()
                await asyncio.gather(sender, return_exceptions=True)
        close = getattr(container.gateway, "aclose", None)
        if close is not None:
            await close()
        if container.redis is not None:
            await container.redis.aclose()

    app = FastAPIOffline(  # docs assets served locally: no CDN, no network
        title="RoomiAI",
        version=__version__,
        summary="Reservation engine and API of an AI hotel receptionist",
        lifespan=lifespan,
    )
    app.state.container = container
    # plain availability searches skip the framework; added first, so storage failures and text with control
    # characters are answered around it as for every route
    app.add_middleware(QuickSearch, container=container)
    errors.install(app, db=container.db)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(metrics_api.RequestMetrics)  # outside the error handlers: times every answer, 500s included
    if container.settings.cors_origin_list:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=container.settings.cors_origin_list,
            allow_credentials=False,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
        )
    for router in ROUTERS:
        app.include_router(router)
    desk.install(app)  # the front desk's pages at /desk
    metrics_api.install(app)  # GET /metrics (admin token)

    @app.get(
        "/v1/health",
        tags=["health"],
        summary="Liveness and storage; needs no token",
        responses={503: {"description": "degraded: the database cannot be read, or the last write to it failed"}},
    )
    async def health():
        state = {"version": __version__, "today": container.clock.today().isoformat()}
        trouble = await container.db.storage_problem()
        if trouble is None:
            return {"status": "ok", **state}
        return JSONResponse(
            {"status": "degraded", "code": errors.STORAGE_UNAVAILABLE, "detail": f"Storage: {trouble}.", **state},
            status_code=503,
        )

    @app.get(
        "/v1/ready",
        tags=["health"],
        summary="Readiness: the database and, when configured, Redis answer; needs no token",
        responses={
            503: {
                "description": "not ready: the database or Redis does not answer (problem+json, code "
                "not_ready, with each check's state)"
            }
        },
    )
    async def ready():
        checks = {"database": await container.db.storage_problem() or "ok"}
        if container.redis is not None:
            checks["redis"] = await container.redis.problem() or "ok"
        trouble = [f"{state}." for state in checks.values() if state != "ok"]
        if not trouble:
            return {"status": "ready", "checks": checks}
        return problem(503, "Not ready: " + " ".join(trouble), title="Not ready", code=NOT_READY, checks=checks)

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

        async def limited() -> Message:
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
