"""GET /metrics for Prometheus (admin token), or without a token on ROOMIAI_METRICS_PORT, and the request timer."""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import metrics
from ..config import Settings
from .deps import Admin

log = logging.getLogger("roomiai.api")
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
BOOKINGS_ROUTE = ("POST", "/v1/bookings")
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


def registry() -> CollectorRegistry:
    """This process's meters; with several workers, all workers' (prometheus_client's multiprocess mode)."""
    if os.environ.get(MULTIPROC_ENV):
        shared = CollectorRegistry()
        MultiProcessCollector(shared)
        return shared
    return REGISTRY


def share_between_workers() -> Path:
    """Before `roomi serve --workers N` starts its workers: a fresh folder where they all keep their meters."""
    folder = os.environ.get(MULTIPROC_ENV)
    if folder:
        for stale in Path(folder).glob("*.db"):  # values of an earlier run would be added to this one's
            stale.unlink()
        return Path(folder)
    path = Path(tempfile.mkdtemp(prefix="roomiai-metrics-"))
    os.environ[MULTIPROC_ENV] = str(path)
    atexit.register(shutil.rmtree, path, True)  # made here, gone when `roomi serve` ends
    return path


def serve_port(settings: Settings):
    """The metrics on their own port (ROOMIAI_METRICS_PORT, loopback unless ROOMIAI_METRICS_HOST says otherwise).

    With several workers the first to bind the port serves everyone's meters; the others find it taken.
    """
    if not settings.metrics_port:
        return None
    try:
        server, _thread = start_http_server(settings.metrics_port, addr=settings.metrics_host, registry=registry())
    except OSError as exc:
        log.info("metrics port %s:%s not opened here (%s)", settings.metrics_host, settings.metrics_port, exc.strerror)
        return None
    return server


def install(app: FastAPI) -> None:
    """GET /metrics behind an admin token; the timer goes on outside, by `RequestMetrics`."""

    @app.get(
        "/metrics",
        tags=["health"],
        summary="Prometheus metrics; needs an admin token",
        response_class=Response,
        responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}},
    )
    async def prometheus_metrics(_: Admin) -> Response:
        return Response(generate_latest(registry()), media_type=CONTENT_TYPE_LATEST)


class RequestMetrics:
    """Times every HTTP request under its route template (`/v1/bookings/{confirmation_number}`), never its raw path."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def timed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, timed)
        finally:
            route = route_template(scope)
            method = scope["method"] if scope["method"] in METHODS else "OTHER"
            metrics.HTTP_LATENCY.labels(method, route, f"{status // 100}xx").observe(time.perf_counter() - started)
            if (method, route) == BOOKINGS_ROUTE:
                metrics.booking_answered(status)


def route_template(scope: Scope) -> str:
    """The matched route's path template, the prefix of a mounted app; "unmatched" when nothing matched."""
    route = scope.get("route")
    if isinstance(route, Mount):
        return f"{route.path}/{{path}}"  # a mounted app (static files): its own paths are not labels
    path = getattr(route, "path_format", None)
    return path if isinstance(path, str) else "unmatched"
