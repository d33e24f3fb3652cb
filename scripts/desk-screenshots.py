"""Screenshots of each front-desk page from the demo hotel, for the README: .venv/bin/python scripts/desk-screenshots.py

Builds the demo (property, a month of bookings, a few days of calls made through Roomi) in a temporary folder,
serves it on loopback, signs in as the demo admin in Debian's chromium and saves one PNG per page in docs/screenshots/.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def shoot(base: str) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = await browser.new_page(viewport={"width": 1280, "height": 860})
        await page.goto(f"{base}/desk/login")
        await page.screenshot(path=OUT / "desk-sign-in.png")
        await page.get_by_label("User name").fill("admin")
        await page.get_by_label("Password").fill("grandhotel-admin")
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url(f"{base}/desk")
        await page.screenshot(path=OUT / "desk-today.png", full_page=True)
        await page.goto(f"{base}/desk/calls")
        await page.screenshot(path=OUT / "desk-calls.png")
        await page.locator("[data-testid=call-row] a").first.click()
        await page.screenshot(path=OUT / "desk-call.png", full_page=True)
        await page.goto(f"{base}/desk/bookings?source=voice_agent&status=confirmed")
        await page.screenshot(path=OUT / "desk-bookings.png")
        await page.locator("[data-testid=booking-row] a").first.click()
        await page.screenshot(path=OUT / "desk-booking.png", full_page=True)
        await page.get_by_role("link", name="Cancel…").click()
        await page.screenshot(path=OUT / "desk-cancel-preview.png")
        await page.goto(f"{base}/desk/requests")
        await page.screenshot(path=OUT / "desk-requests.png")
        await page.goto(f"{base}/desk/setup")
        await page.screenshot(path=OUT / "desk-setup.png")
        await page.goto(f"{base}/desk/setup/rates/edit/DLX.BAR")
        await page.get_by_label("Price (USD)", exact=True).fill("19O")
        await page.get_by_role("button", name="Save rate plan").click()
        await page.screenshot(path=OUT / "desk-setup-rate.png")
        await browser.close()


def main() -> int:
    if CHROMIUM is None:
        print("chromium is missing: scripts/install-test-tools.sh installs it", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for key in [k for k in os.environ if k.startswith("ROOMIAI_")]:
            del os.environ[key]
        os.environ.update(ROOMIAI_DATA_DIR=folder, ROOMIAI_TODAY=os.environ.get("DESK_SCREENSHOT_DAY", "2026-01-12"),
                          ROOMIAI_MAIL_DELIVERY="off")
        from roomiai.api.app import create_app
        from roomiai.bootstrap import build_container
        from roomiai.cli import _prepare, _settings

        settings = _settings()
        asyncio.run(_prepare(settings, seed=True))
        app = create_app(build_container(settings))
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            asyncio.run(shoot(f"http://127.0.0.1:{port}"))
        finally:
            server.should_exit = True
            thread.join(10)
    print(f"screenshots written to {OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
