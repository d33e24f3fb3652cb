"""The front desk at /desk: server-rendered pages for hotel staff, static files, and live calls over server-sent events."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    """Adds the desk's pages and its static files (CSS, one script) to the app."""
    from . import bookings, calls, requests, setup, setup_catalog, signin, today

    for module in (signin, today, calls, bookings, requests, setup, setup_catalog):
        app.include_router(module.router)
    app.mount("/desk/static", StaticFiles(directory=STATIC), name="desk-static")
