"""The front desk in Debian's chromium, headless: sign-in, each page and action, roles, an expired session, XSS, a live call."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
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


async def test_admin_edits_hotel_settings_and_policies_with_the_keyboard_alone(desk, browser):
    base, _ = desk
    page = await signed_in(browser, base, "admin")
    await page.goto(f"{base}/desk/setup")
    await page.get_by_label("Phone", exact=True).fill("+1 305 555 0199")
    await page.get_by_label("Check-out by").fill("11:30")
    await page.get_by_label("Phone", exact=True).press("Enter")  # Enter in a field saves its form
    await expect(page.get_by_test_id("notice")).to_have_text("Saved.")
    await expect(page.get_by_label("Phone", exact=True)).to_have_value("+1 305 555 0199")
    await expect(page.get_by_label("Check-out by")).to_have_value("11:30")

    async def tab_to(label: str, **exact) -> None:
        await page.keyboard.press("Tab")
        await expect(page.get_by_label(label, **exact)).to_be_focused()

    await page.get_by_label("Cancellation terms").focus()
    await page.get_by_label("Cancellation terms").select_option("strict")
    await tab_to("Free cancellation until (hours before arrival)")
    await page.keyboard.press("Control+A")
    await page.keyboard.type("48")
    await tab_to("Penalty after that")
    await page.get_by_label("Penalty after that").select_option("flat")
    await tab_to("Penalty amount (% or USD)")
    await page.keyboard.type("75")
    await tab_to("Deposit required (Roomi takes a card)")
    await page.keyboard.press("Space")
    await tab_to("Deposit (% of the total)")
    await page.keyboard.press("Control+A")
    await page.keyboard.type("20")
    await tab_to("Children")
    await tab_to("Pets")
    await page.keyboard.press("Control+A")
    await page.keyboard.type("Dogs welcome, <b>no cats</b>.")
    await tab_to("Smoking")
    await page.keyboard.press("Tab")
    save = page.get_by_role("button", name="Save policies")
    await expect(save).to_be_focused()
    assert await save.evaluate("e => getComputedStyle(e).outlineStyle") != "none"  # focus is visible
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("notice")).to_have_text("Saved.")
    await expect(page.get_by_label("Cancellation terms")).to_have_value("strict")
    await expect(page.get_by_label("Penalty amount (% or USD)")).to_have_value("75.00")
    await expect(page.get_by_label("Deposit required (Roomi takes a card)")).to_be_checked()
    await expect(page.get_by_label("Pets")).to_have_value("Dogs welcome, <b>no cats</b>.")
    stored = httpx.get(f"{base}/v1/admin/settings", headers=headers("admin")).json()
    assert stored["check_out_time"] == "11:30" and stored["phone"] == "+1 305 555 0199"
    assert stored["policies"]["cancellation_default"] == {"type": "strict", "free_cancellation_hours": 48,
                                                          "penalty_type": "flat", "penalty_amount": 7500}
    assert (stored["policies"]["deposit_required"], stored["policies"]["deposit_percentage"]) == (True, 20)
    assert page.dialogs == []


async def test_admin_adds_a_user_changes_the_role_resets_the_password_and_disables_it(desk, browser):
    base, _ = desk
    page = await signed_in(browser, base, "admin")
    await page.goto(f"{base}/desk/setup")
    await page.get_by_label("New user name").fill("night-clerk")
    await page.locator("form[action='/desk/setup/users'] input[name=password]").fill("first long password")
    await page.get_by_role("button", name="Add user").click()
    clerk = page.get_by_test_id("user-row").filter(has_text="night-clerk")
    await expect(clerk).to_contain_text("staff")
    await clerk.get_by_label("Role of night-clerk", exact=True).select_option("admin")
    await clerk.get_by_role("button", name="Set role of night-clerk").click()
    await expect(page.get_by_test_id("notice")).to_have_text("Saved.")
    await expect(clerk.get_by_role("cell", name="admin", exact=True)).to_be_visible()
    await clerk.get_by_label("New password for night-clerk").fill("second long password")
    await clerk.get_by_role("button", name="Reset password of night-clerk").click()
    await expect(page.get_by_test_id("notice")).to_have_text("Saved.")

    other = await browser.new_page()
    await other.goto(f"{base}/desk/login")
    await other.get_by_label("User name").fill("night-clerk")
    await other.get_by_label("Password").fill("first long password")
    await other.get_by_role("button", name="Sign in").click()
    await expect(other.get_by_test_id("login-error")).to_be_visible()  # the old password no longer works
    await other.get_by_label("User name").fill("night-clerk")
    await other.get_by_label("Password").fill("second long password")
    await other.get_by_role("button", name="Sign in").click()
    await expect(other.get_by_role("link", name="Setup")).to_be_visible()  # now an admin

    await clerk.get_by_role("button", name="Disable").click()
    await expect(page.get_by_test_id("user-row").filter(has_text="night-clerk")).to_contain_text("disabled")
    await other.goto(f"{base}/desk/bookings")
    await expect(other.get_by_role("button", name="Sign in")).to_be_visible()  # a disabled user is out at once


async def test_admin_creates_edits_and_removes_every_kind_of_catalog_item_and_blocks_a_room(desk, browser):
    base, _ = desk
    page = await signed_in(browser, base, "admin")
    setup = f"{base}/desk/setup"

    async def create(link: str, fields: dict[str, str], selects: dict[str, str], button: str) -> None:
        await page.goto(setup)
        await page.get_by_role("link", name=link, exact=True).click()
        for label, value in fields.items():
            await page.get_by_label(label, exact=True).fill(value)
        for label, value in selects.items():
            await page.get_by_label(label, exact=True).select_option(value)
        await page.get_by_role("button", name=button).click()
        await expect(page.get_by_test_id("notice")).to_have_text("Saved.")

    async def edit(link: str, fields: dict[str, str], button: str) -> None:
        await page.goto(setup)
        await page.get_by_role("link", name=link, exact=True).click()
        for label, value in fields.items():
            await page.get_by_label(label, exact=True).fill(value)
        await page.get_by_role("button", name=button).click()
        await expect(page.get_by_test_id("notice")).to_have_text("Saved.")

    async def remove(link: str, label: str) -> None:
        await page.goto(setup)
        await page.get_by_role("link", name=link, exact=True).click()
        await page.get_by_test_id("remove").click()
        await expect(page.get_by_role("heading", level=1)).to_contain_text(f"Remove {label}")
        await page.get_by_test_id("confirm-remove").click()
        await expect(page.get_by_test_id("notice")).to_have_text("Removed.")

    await create("Add room type", {"Code": "NOOK", "Name": "Reading Nook", "Guests in the price": "1",
                                   "Most guests": "2", "Bed configurations": "TWIN: Two single beds", "Views": "court"},
                 {}, "Create room type")
    await edit("Edit room type NOOK", {"Name": "Quiet Nook"}, "Save room type")
    await expect(page.get_by_test_id("room-type-row").filter(has_text="NOOK")).to_contain_text("Quiet Nook")
    await create("Add room", {"Room number": "N1", "Floor": "3"},
                 {"Room type": "NOOK", "Beds": "TWIN", "View": "court"}, "Create room")
    await edit("Edit room N1", {"Floor": "4"}, "Save room")
    await expect(page.get_by_test_id("room-row").filter(has_text="N1")).to_contain_text("4")
    await create("Add rate plan", {"Rate code": "BAR", "Name": "Best available", "Price (USD)": "99"},
                 {"Room type": "NOOK"}, "Create rate plan")
    await edit("Edit rate BAR of NOOK", {"Price (USD)": "109.50"}, "Save rate plan")
    await expect(page.get_by_test_id("rate-row").filter(has_text="NOOK")).to_contain_text("109.50 USD")
    await create("Add package", {"Code": "spa", "Name": "Spa morning", "Price (USD)": "45"},
                 {"Charged per": "person_night"}, "Create package")
    await expect(page.get_by_test_id("package-row").filter(has_text="Spa morning")).to_contain_text("45.00 per person night")
    await create("Add discount code", {"Code": "WINTER10", "Amount": "10", "Description": "Winter"},
                 {"Discount": "percentage"}, "Create discount code")
    await expect(page.get_by_test_id("discount-row").filter(has_text="WINTER10")).to_contain_text("10%")
    settings = httpx.get(f"{base}/v1/admin/settings", headers=headers("admin")).json()
    assert {"spa", "breakfast"} <= {p["code"] for p in settings["packages"]}
    assert "WINTER10" in {d["code"] for d in settings["discount_codes"]}

    await page.goto(setup)  # a room out of order for some nights, then back
    room = page.get_by_test_id("room-row").filter(has_text="N1")
    await room.get_by_label("Block room N1 from").fill((TODAY + dt.timedelta(days=5)).isoformat())
    await room.get_by_label("until the morning of").fill((TODAY + dt.timedelta(days=7)).isoformat())
    await room.get_by_label("Reason for blocking room N1").fill("new carpet")
    await room.get_by_role("button", name="Block").click()
    block = page.get_by_test_id("block").filter(has_text="Room N1")
    await expect(block).to_contain_text("new carpet")
    quote = httpx.get(f"{base}/v1/rooms/availability", headers=headers("agent"), params={
        "check_in": (TODAY + dt.timedelta(days=5)).isoformat(), "check_out": (TODAY + dt.timedelta(days=6)).isoformat(),
        "adults": 1, "room_type": "NOOK"})
    assert all(o["room_type_code"] != "NOOK" or o["available_count"] == 0 for o in quote.json()["options"]), quote.text
    await block.get_by_role("button", name="Remove").click()
    await expect(page.get_by_test_id("block").filter(has_text="Room N1")).to_have_count(0)
    await page.get_by_test_id("room-row").filter(has_text="N1").get_by_label("Status of room N1", exact=True).select_option("maintenance")
    await page.get_by_test_id("room-row").filter(has_text="N1").get_by_role("button", name="Set status of room N1").click()
    await expect(page.get_by_test_id("room-row").filter(has_text="N1").get_by_label("Status of room N1", exact=True)).to_have_value("maintenance")

    await page.goto(setup)  # a room type with rooms and bookings is kept, with the reason
    await page.get_by_role("link", name="Edit room type DLX", exact=True).click()
    await page.get_by_test_id("remove").click()
    await page.get_by_test_id("confirm-remove").click()
    await expect(page.get_by_test_id("form-error")).to_be_visible()
    for link, label in (("Edit discount code WINTER10", "discount code"), ("Edit package Spa morning", "package"),
                        ("Edit rate BAR of NOOK", "rate plan"), ("Edit room N1", "room"), ("Edit room type NOOK", "room type")):
        await remove(link, label)
    await expect(page.get_by_test_id("room-type-row").filter(has_text="NOOK")).to_have_count(0)
    await expect(page.get_by_test_id("discount-row").filter(has_text="WINTER10")).to_have_count(0)
    assert page.dialogs == []


async def test_every_page_on_a_tablet_fits_the_screen_keeps_to_the_csp_and_shows_no_card_number(desk, browser):
    base, container = desk
    number = book_arrival_today(base, booking_source="voice_agent")
    long_result = json.dumps({"topic": "group rate", "known_topics": ["parking", "breakfast", "wifi", "pool", "fitness",
                                                                      "restaurant", "location", "airport", "pets"] * 3},
                             separators=(",", ":"))  # compact, as the agent logs it: no space to wrap at
    async with UnitOfWork(container.db, write=True) as uow:
        started = await calls.start(uow, clock=container.clock, caller_id="+15550002222", livekit_room=None, call_type="inbound")
    async with UnitOfWork(container.db, write=True) as uow:
        await calls.add_transcript(uow, clock=container.clock, session_id=started.record.session_id, entries=[
            {"speaker": "guest", "text": "my card is 4111 1111 1111 1111, do you do group rates?"}])
    async with UnitOfWork(container.db, write=True) as uow:
        await calls.end(uow, clock=container.clock, session_id=started.record.session_id, outcome="transferred",
                        tools_used=[{"name": "hotel_info", "ok": True, "result": long_result[:300]}])
    context = await browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True)
    page = await context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    page.on("response", lambda r: console.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    await page.goto(f"{base}/desk/login")
    async with page.expect_console_message(lambda m: "Content Security Policy" in m.text):  # a violation is caught
        await page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
                            " document.body.append(s); }")
    console.clear()
    await page.get_by_label("User name").fill("admin")
    await page.get_by_label("Password").fill(PASSWORDS["admin"])
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(f"{base}/desk")
    pages = ["/desk", "/desk/calls", "/desk/calls?wrong=1", f"/desk/calls/{started.record.session_id}", "/desk/bookings",
             f"/desk/bookings/{number}", f"/desk/bookings/{number}/change", f"/desk/bookings/{number}/cancel",
             "/desk/requests", "/desk/setup", "/desk/setup/room-types/new", "/desk/setup/room-types/edit/DLX",
             "/desk/setup/rooms/new", "/desk/setup/rates/new", "/desk/setup/packages/new", "/desk/setup/packages/edit/breakfast",
             "/desk/setup/discount-codes/new", "/desk/setup/discount-codes/remove/SUMMER20"]
    for path in pages:
        response = await page.goto(f"{base}{path}")
        assert response.status == 200, path
        await expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 820, f"{path} is wider than a tablet"
        text = await page.locator("body").inner_text()
        assert not re.search(r"(?:\d[ -]?){13,19}", text), f"{path} shows a card number"
        assert console == [], f"{path}: {console}"
    await context.close()


async def test_bookings_are_found_by_each_field_of_the_search(desk, browser):
    base, _ = desk
    ada = {"first_name": "Ada", "last_name": "Byron", "email": "ada.byron@example.com",
           "phone": {"country_code": "+1", "number": "5557654321"}}
    number = book_arrival_today(base, primary_guest=ada, booking_source="voice_agent")
    later = booking_body(check_in=(TODAY + dt.timedelta(days=9)).isoformat(),
                         check_out=(TODAY + dt.timedelta(days=10)).isoformat(), booking_source="website")
    assert httpx.post(f"{base}/v1/bookings", json=later, headers=headers("agent")).status_code == 201
    page = await signed_in(browser, base, "staff")
    search = page.get_by_role("form", name="Search bookings")
    for label, value in (("Name", "byron"), ("E-mail", "ada.byron@example.com"), ("Phone", "555 765 4321"),
                         ("Confirmation", number), ("Arrival", TODAY.isoformat())):
        await page.goto(f"{base}/desk/bookings")
        await search.get_by_label(label, exact=True).fill(value)
        await search.get_by_label(label, exact=True).press("Enter")
        rows = page.get_by_test_id("booking-row")
        await expect(rows.filter(has_text=number)).to_have_count(1)
        await expect(rows.filter(has_text="Smith")).to_have_count(0)  # the other booking arrives later
    for source, expected in (("voice_agent", number), ("website", "Smith")):
        await page.goto(f"{base}/desk/bookings")
        await search.get_by_label("Source").select_option(source)
        await search.get_by_role("button", name="Search").click()
        await expect(page.get_by_test_id("booking-row").filter(has_text=expected)).to_have_count(1)
        await expect(page.get_by_test_id("booking-row")).to_have_count(1)


async def test_calls_are_filtered_by_outcome_day_and_the_ones_that_went_wrong(desk, browser):
    base, container = desk
    made = {
        "parking": ("inquiry_only", "Do you have parking?", []),
        "group": ("transferred", "We are 20 people, do you do a group rate?", []),
        "garbled": ("inquiry_only", "blorf the wibble", [{"type": "not_understood", "message": "no intent"}]),
        "gone": ("abandoned", "I want a room for the weekend", []),
    }
    for n, (outcome, said, errors) in enumerate(made.values()):
        async with UnitOfWork(container.db, write=True) as uow:
            started = await calls.start(uow, clock=container.clock, caller_id=f"+1555000{n:04d}", livekit_room=None,
                                        call_type="inbound")
        session_id = started.record.session_id
        async with UnitOfWork(container.db, write=True) as uow:
            await calls.add_transcript(uow, clock=container.clock, session_id=session_id,
                                       entries=[{"speaker": "guest", "text": said}])
        async with UnitOfWork(container.db, write=True) as uow:
            await calls.end(uow, clock=container.clock, session_id=session_id, outcome=outcome, errors=errors)
    page = await signed_in(browser, base, "staff")
    await page.goto(f"{base}/desk/calls")
    rows, filters = page.get_by_test_id("call-row"), page.get_by_role("form", name="Filter calls")
    await expect(rows).to_have_count(4)
    await expect(rows.get_by_test_id("call-summary")).to_have_text(
        ["Hung up before finishing", "Not understood: “blorf the wibble”", "Transferred: wanted a group rate",
         "Asked about parking"])
    await expect(rows.first).to_contain_text(" s")  # a duration with its unit
    await filters.get_by_label("Outcome").select_option("transferred")
    await filters.get_by_role("button", name="Show").click()
    await expect(rows).to_have_count(1)
    await expect(rows.get_by_test_id("call-summary")).to_have_text("Transferred: wanted a group rate")
    await filters.get_by_label("Outcome").select_option("")
    await filters.get_by_label("Only calls that went wrong").check()
    await filters.get_by_role("button", name="Show").click()
    await expect(rows).to_have_count(3)
    await expect(rows.filter(has_text="parking")).to_have_count(0)
    await page.get_by_role("link", name="Clear").click()
    await filters.get_by_label("Day").fill((container.clock.today() - dt.timedelta(days=1)).isoformat())
    await filters.get_by_role("button", name="Show").click()
    await expect(page.get_by_test_id("calls-total")).to_have_text("0 calls")
    await filters.get_by_label("Day").fill(container.clock.today().isoformat())
    await filters.get_by_role("button", name="Show").click()
    await expect(page.get_by_test_id("calls-total")).to_have_text("4 calls")
