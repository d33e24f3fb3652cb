"""The front desk in Debian's chromium, headless: sign-in, each page and action, roles, an expired session, XSS, a live call."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
import time

import httpx
import pytest
import uvicorn
from playwright.async_api import async_playwright, expect

from roomiai.api.app import create_app
from roomiai.bootstrap import build_container
from roomiai.services import calls
from roomiai.services.auth import access_token
from roomiai.store.uow import UnitOfWork
from roomiai.web.desk.session import ACCESS, REFRESH
from tests.api.test_bookings import booking_body
from tests.api.test_desk_pages import used_long_ago
from tests.conftest import SECRET, TODAY, headers

from .test_call_page import free_port, launch

pytestmark = pytest.mark.browser
PASSWORDS = {"admin": "grandhotel-admin", "staff": "grandhotel-staff"}
BOOKING_CALL = ["Book a standard room from the 20th for 2 nights for 2 adults", "yes", "Ann Lee", "5551112222", "no",
                "no", "yes"]


@pytest.fixture
def desk(settings, seeded_template):
    """The API with the desk, served by uvicorn on a free port in a thread; yields (base URL, container)."""
    shutil.copy(seeded_template, settings.data_dir / "roomiai.sqlite3")
    container = build_container(settings)
    app = create_app(container)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", container
    server.should_exit = True
    thread.join(10)


@pytest.fixture
async def browser():
    async with async_playwright() as playwright:
        chromium = await launch(playwright)
        yield chromium
        await chromium.close()


async def signed_in(browser, base: str, role: str = "staff"):
    page = await browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.dialogs = dialogs
    await page.goto(f"{base}/desk")
    await expect(page).to_have_url(f"{base}/desk/login?next=%2Fdesk")
    await page.get_by_label("User name").fill(role)
    await page.get_by_label("Password").fill(PASSWORDS[role])
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(f"{base}/desk")
    return page


def book_arrival_today(base: str, **overrides) -> str:
    body = booking_body(check_in=TODAY.isoformat(), check_out=(TODAY + dt.timedelta(days=2)).isoformat(), **overrides)
    response = httpx.post(f"{base}/v1/bookings", json=body, headers=headers("agent"))
    assert response.status_code == 201, response.text
    return response.json()["booking"]["confirmation_number"]


async def test_staff_signs_in_sees_today_and_checks_in_an_arrival_but_not_setup(desk, browser):
    base, _ = desk
    number = book_arrival_today(base, booking_source="voice_agent")
    page = await signed_in(browser, base, "staff")
    for testid in ("kpi-arrivals", "kpi-departures", "kpi-in-house", "kpi-available", "kpi-occupancy",
                   "kpi-calls-today", "kpi-ai-bookings-today"):
        await expect(page.get_by_test_id(testid)).to_be_visible()
    await expect(page.get_by_test_id("kpi-ai-bookings-today")).to_have_text("1")
    await expect(page.get_by_role("link", name="Setup")).to_have_count(0)
    arrival = page.get_by_test_id("arrival-row").filter(has_text=number)
    await arrival.get_by_role("button", name="Check in").click()
    await expect(page.get_by_test_id("notice")).to_have_text("Checked in.")
    await expect(page.get_by_test_id("arrival-row").filter(has_text=number)).to_contain_text("checked in")
    for name, heading in (("Calls", "Calls"), ("Bookings", "Bookings"), ("Service requests", "Service requests")):
        await page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()
        await expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    await page.goto(f"{base}/desk/setup")
    await expect(page.get_by_test_id("error-code")).to_have_text("forbidden")
    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(f"{base}/desk/login")
    await page.goto(f"{base}/desk/bookings")
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert page.dialogs == []


async def test_a_booking_is_found_changed_with_a_price_preview_and_cancelled_with_a_refund_preview(desk, browser):
    base, _ = desk
    number = book_arrival_today(base)
    page = await signed_in(browser, base, "staff")
    await page.goto(f"{base}/desk/bookings")
    await page.get_by_label("Name").fill("smith")
    await page.get_by_label("Source").select_option("phone")
    await page.get_by_role("button", name="Search").click()
    await expect(page.get_by_test_id("booking-row")).to_have_count(1)
    await page.get_by_role("link", name=number).click()
    await expect(page.get_by_test_id("price-breakdown")).to_be_visible()
    await page.get_by_role("link", name="Change…").click()
    await page.get_by_label("Departure").fill((TODAY + dt.timedelta(days=3)).isoformat())
    await page.get_by_role("button", name="Show the price").click()
    await expect(page.get_by_test_id("change-preview")).to_contain_text("difference")
    await page.get_by_role("button", name="Save the change").click()
    await expect(page.get_by_test_id("notice")).to_have_text("The booking was changed.")
    await expect(page.get_by_test_id("history-entry").last).to_contain_text("modified")
    await page.get_by_role("link", name="Cancel…").click()
    await expect(page.get_by_test_id("cancel-refund")).to_be_visible()
    await page.get_by_role("button", name="Cancel the booking").click()
    await expect(page.get_by_test_id("booking-status")).to_have_text("cancelled")


async def test_no_show_and_check_out_from_the_booking_page(desk, browser):
    base, _ = desk
    staying = book_arrival_today(base)
    absent = book_arrival_today(base, primary_guest={"first_name": "Ada", "last_name": "Byron", "email": "ada@example.com",
                                                     "phone": {"country_code": "+1", "number": "5557654321"}})
    page = await signed_in(browser, base, "staff")
    await page.goto(f"{base}/desk/bookings/{absent}")
    await page.get_by_role("button", name="No-show").click()
    await expect(page.get_by_test_id("booking-status")).to_have_text("no show")
    await page.goto(f"{base}/desk/bookings/{staying}")
    await page.get_by_role("button", name="Check in").click()
    await page.get_by_role("button", name="Check out").click()
    await expect(page.get_by_test_id("booking-status")).to_have_text("checked out")


async def test_an_expired_session_sends_the_browser_back_to_sign_in(desk, browser):
    base, container = desk
    page = await signed_in(browser, base, "staff")
    context = page.context
    cookies = {c["name"]: c for c in await context.cookies()}
    expired = access_token(secret=SECRET, subject="staff", role="staff", minutes=1, version=0,
                           now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1))
    used_refresh = cookies[REFRESH]["value"]
    await page.goto(f"{base}/desk/calls")  # fine: the access token is still good
    await context.add_cookies([{**cookies[ACCESS], "value": expired}])
    await page.goto(f"{base}/desk/bookings")  # the refresh token rotates: still signed in
    await expect(page.get_by_role("heading", level=1)).to_have_text("Bookings")
    await used_long_ago(container, used_refresh)  # past the grace window for two tabs renewing at once
    await context.add_cookies([{**cookies[ACCESS], "value": expired}, {**cookies[REFRESH], "value": used_refresh}])
    await page.goto(f"{base}/desk/bookings")  # a refresh token used twice: the whole session is over
    await expect(page.get_by_test_id("session-expired")).to_be_visible()
    await page.get_by_label("User name").fill("staff")
    await page.get_by_label("Password").fill(PASSWORDS["staff"])
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(f"{base}/desk/bookings")


async def test_script_in_a_callers_words_stays_text(desk, browser):
    base, container = desk
    attack = "<img src=x onerror=alert(1)><script>alert('xss')</script>"
    async with UnitOfWork(container.db, write=True) as uow:
        started = await calls.start(uow, clock=container.clock, caller_id="+15550001111", livekit_room=None, call_type="inbound")
    async with UnitOfWork(container.db, write=True) as uow:
        await calls.add_transcript(uow, clock=container.clock, session_id=started.record.session_id,
                                   entries=[{"speaker": "guest", "text": attack}])
    page = await signed_in(browser, base, "staff")
    await page.goto(f"{base}/desk/calls/{started.record.session_id}")
    line = page.get_by_test_id("transcript-line").first
    await expect(line).to_contain_text(attack)
    await expect(line).to_have_attribute("data-speaker", "guest")
    assert await page.locator("main img").count() == 0 and page.dialogs == []


async def test_a_call_through_roomi_chat_shows_live_and_leads_to_its_booking(desk, browser, tmp_path):
    base, _ = desk
    page = await signed_in(browser, base, "admin")
    await page.goto(f"{base}/desk/calls")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROOMIAI_") and k != "API_URL"}
    env.update(API_URL=base, ROOMIAI_DATA_DIR=str(tmp_path), ROOMIAI_AGENT_TOKEN=access_token(
        secret=SECRET, subject="roomi-agent", role="agent", minutes=30, now=dt.datetime.now(dt.timezone.utc)))
    chat = subprocess.Popen([sys.executable, "-m", "roomiai.cli", "chat", "--jsonl", "--caller-id", "+15551234567"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
                            cwd=tmp_path)
    try:
        assert "agent" in json.loads(chat.stdout.readline())  # the greeting: the call log is open
        live = page.get_by_test_id("live-call")
        await expect(live).to_have_count(1)  # pushed over server-sent events, no reload
        await live.get_by_role("link").click()
        await expect(page.get_by_test_id("live-state")).to_be_visible()
        caller_lines = page.locator("[data-testid=transcript-line][data-speaker=guest] .text")
        for turn, said in enumerate(BOOKING_CALL, start=1):
            chat.stdin.write(json.dumps({"caller": said}) + "\n")
            chat.stdin.flush()
            assert "agent" in json.loads(chat.stdout.readline())
            await expect(caller_lines).to_have_count(turn)  # appended as it happens, no reload
            await expect(caller_lines.last).to_have_text(said)
        chat.stdin.close()
        assert chat.wait(60) == 0
    finally:
        if chat.poll() is None:
            chat.kill()
    await expect(page.get_by_test_id("live-state")).to_contain_text("ended")
    await page.reload()
    await expect(page.get_by_test_id("call-outcome")).to_have_text("booking completed")
    await expect(page.get_by_test_id("tool-call").first).to_be_visible()
    await expect(page.get_by_test_id("turn-latency").first).to_be_visible()
    number = await page.get_by_test_id("call-booking").inner_text()
    await page.get_by_test_id("call-booking").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    await page.goto(f"{base}/desk/calls")
    row = page.get_by_test_id("call-row").first
    await expect(row.get_by_test_id("call-summary")).to_contain_text(f"Booked STD 20–22 Jan, {number}")


async def test_admin_sets_up_the_voice_adds_a_user_and_moves_a_service_request(desk, browser):
    base, _ = desk
    page = await signed_in(browser, base, "admin")
    await page.get_by_role("link", name="Setup").click()
    await page.get_by_label("Greeting name").fill("Rosa")
    await page.get_by_role("button", name="Save voice settings").click()
    await expect(page.get_by_test_id("notice")).to_have_text("Saved.")
    await expect(page.get_by_label("Greeting name")).to_have_value("Rosa")
    for record in (False, True):  # recording off and on again (later tests read call transcripts)
        await page.get_by_test_id("record-calls").set_checked(record)
        await page.get_by_role("button", name="Save voice settings").click()
        await expect(page.get_by_test_id("notice")).to_have_text("Saved.")
        await (expect(page.get_by_test_id("record-calls")).to_be_checked() if record else
               expect(page.get_by_test_id("record-calls")).not_to_be_checked())
    await page.get_by_label("New user name").fill("night-clerk")
    await page.locator("form[action='/desk/setup/users'] input[name=password]").fill("a long password 1")
    await page.get_by_role("button", name="Add user").click()
    clerk = page.get_by_test_id("user-row").filter(has_text="night-clerk")
    await expect(clerk).to_contain_text("active")
    await clerk.get_by_role("button", name="Disable").click()
    await expect(page.get_by_test_id("user-row").filter(has_text="night-clerk")).to_contain_text("disabled")
    await expect(page.get_by_test_id("room-row").first).to_be_visible()
    number = book_arrival_today(base)
    assert httpx.post(f"{base}/v1/bookings/{number}/check-in", headers=headers("staff")).status_code == 200
    filed = httpx.post(f"{base}/v1/services/requests", headers=headers("staff"), json={
        "confirmation_number": number, "request_type": "housekeeping", "priority": "urgent",
        "details": {"items": ["towels"]}})
    assert filed.status_code == 201, filed.text
    await page.get_by_role("link", name="Service requests").click()
    request = page.get_by_test_id("request-row").first
    await request.get_by_label("New status").select_option("in_progress")
    await request.get_by_role("button", name="Save").click()
    await expect(page.get_by_test_id("request-status").first).to_have_text("in progress")


async def test_admin_creates_a_room_type_with_a_room_and_a_rate_and_the_api_quotes_it(desk, browser):
    base, _ = desk
    page = await signed_in(browser, base, "admin")
    await page.get_by_role("link", name="Setup").click()
    await page.get_by_role("link", name="Add room type").click()
    await page.get_by_label("Code").fill("LOFT")
    await page.get_by_label("Name").fill("Garden Loft")
    await page.get_by_label("Guests in the price").fill("2")
    await page.get_by_label("Most guests").fill("3")
    await page.get_by_label("Extra guest, per night (USD)").fill("30.50")
    await page.get_by_label("Bed configurations").fill("QUEEN: One queen bed")
    await page.get_by_label("Views").fill("garden")
    await page.get_by_label("Code").press("Enter")  # keyboard only: Enter in a field submits the form
    await expect(page.get_by_test_id("notice")).to_have_text("Saved.")
    await expect(page.get_by_test_id("room-type-row").filter(has_text="LOFT")).to_contain_text("Garden Loft")

    await page.get_by_role("link", name="Add room", exact=True).click()
    await page.get_by_label("Room number").fill("L1")
    await page.get_by_label("Floor").fill("12")
    await page.get_by_label("Room type").select_option("LOFT")
    await page.get_by_label("Beds").select_option("QUEEN")
    await page.get_by_label("View", exact=True).select_option("garden")
    await page.get_by_role("button", name="Create room").click()
    await expect(page.get_by_test_id("notice")).to_have_text("Saved.")

    await page.get_by_role("link", name="Add rate plan").click()
    await page.get_by_label("Room type").select_option("LOFT")
    await page.get_by_label("Rate code").fill("BAR")
    await page.get_by_label("Name").fill("Best available")
    await page.get_by_label("Price (USD)", exact=True).fill("249.9O")  # a letter O for a zero
    await page.get_by_role("button", name="Create rate plan").click()
    error = page.get_by_test_id("field-error")
    await expect(error).to_have_text("must be an amount in USD like 150 or 150.00")
    await expect(page.get_by_label("Price (USD)", exact=True)).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_label("Price (USD)", exact=True)).to_be_focused()
    await expect(page.get_by_label("Name")).to_have_value("Best available")  # nothing typed is lost
    await expect(page.get_by_label("Rate code")).to_have_value("BAR")
    await page.get_by_label("Price (USD)", exact=True).fill("249.90")
    await page.get_by_role("button", name="Create rate plan").click()
    await expect(page.get_by_test_id("rate-row").filter(has_text="LOFT")).to_contain_text("249.90 USD")

    quote = httpx.get(f"{base}/v1/rooms/availability", headers=headers("agent"), params={
        "check_in": (TODAY + dt.timedelta(days=7)).isoformat(), "check_out": (TODAY + dt.timedelta(days=8)).isoformat(),
        "adults": 2, "room_type": "LOFT"})
    assert quote.status_code == 200, quote.text
    loft = next(o for o in quote.json()["options"] if o["room_type_code"] == "LOFT")
    assert loft["available_count"] == 1 and [r["total"] for r in loft["rates"]] == [249.9]
    assert page.dialogs == []


async def test_admin_edits_a_package_and_a_discount_code(desk, browser):
    base, _ = desk
    page = await signed_in(browser, base, "admin")
    await page.goto(f"{base}/desk/setup")
    await page.get_by_role("link", name="Edit package Breakfast").click()
    await expect(page.get_by_label("Code")).to_have_value("breakfast")
    await expect(page.get_by_label("Price (USD)")).to_have_value("28.00")
    await page.get_by_label("Price (USD)").fill("31.50")
    await page.get_by_label("Charged per").select_option("person_night")
    await page.get_by_role("button", name="Save package").click()
    await expect(page.get_by_test_id("package-row").filter(has_text="Breakfast")).to_contain_text("31.50 per person night")

    await page.get_by_role("link", name="Edit discount code SUMMER20").click()
    await page.get_by_label("Amount").fill("120")
    await page.get_by_label("Description").fill("Summer: a fifth off")
    await page.get_by_role("button", name="Save discount code").click()
    await expect(page.get_by_test_id("form-errors")).to_contain_text("a percentage discount is at most 100")
    await expect(page.get_by_label("Description")).to_have_value("Summer: a fifth off")
    await page.get_by_label("Amount").fill("25")
    await page.get_by_role("button", name="Save discount code").click()
    await expect(page.get_by_test_id("discount-row").filter(has_text="SUMMER20")).to_contain_text("25% · 2026-05-01 to 2026-09-30")
    stored = httpx.get(f"{base}/v1/admin/discount-codes/SUMMER20", headers=headers("admin")).json()
    assert stored["amount"] == 25 and stored["description"] == "Summer: a fifth off"


async def test_two_tabs_renewing_an_expired_session_at_the_same_moment_stay_signed_in(desk, browser):
    base, _ = desk
    context = await browser.new_context()
    first, second = await context.new_page(), await context.new_page()
    await first.goto(f"{base}/desk/login")
    await first.get_by_label("User name").fill("staff")
    await first.get_by_label("Password").fill(PASSWORDS["staff"])
    await first.get_by_role("button", name="Sign in").click()
    await expect(first).to_have_url(f"{base}/desk")
    access = next(c for c in await first.context.cookies() if c["name"] == ACCESS)
    expired = access_token(secret=SECRET, subject="staff", role="staff", minutes=1, version=0,
                           now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1))
    await first.context.add_cookies([{**access, "value": expired}])
    await asyncio.gather(first.goto(f"{base}/desk/calls"), second.goto(f"{base}/desk/bookings"))  # both renew with one token
    await expect(first.get_by_role("heading", level=1)).to_have_text("Calls")
    await expect(second.get_by_role("heading", level=1)).to_have_text("Bookings")
    await first.reload()
    await expect(first.get_by_role("heading", level=1)).to_have_text("Calls")
    await context.close()
