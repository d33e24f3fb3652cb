"""Guests' e-mails through the transactional outbox, delivered to a real SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
import shutil

import httpx
import pytest

from roomiai.api.app import create_app
from roomiai.bootstrap import build_container
from roomiai.domain.delivery import RetryPolicy
from roomiai.messaging.eml_files import EmlFiles
from roomiai.messaging.smtp import SmtpTransport, parse_smtp_url
from roomiai.payments.local_vault import LocalVault
from tests.api.test_bookings import booking_body
from tests.conftest import headers
from tests.mail.smtp_server import HOST, SmtpServer, free_port, make_certificate

pytestmark = pytest.mark.mail

STAFF = headers("staff")
ADDRESS = "john.smith@email.com"


class Crash(BaseException):
    """The process dying: nothing after it runs (not an Exception, so no handler catches it)."""


class CrashAfterSending:
    """Hands the message to the real server, then dies before the outbox can mark it sent."""

    name = "smtp"

    def __init__(self, transport: SmtpTransport):
        self.transport = transport

    async def send(self, **message) -> None:
        await self.transport.send(**message)
        raise Crash


class Texts:
    """An SMS adapter plugged into the SMS port (no provider ships yet): it keeps what it was given."""

    name = "test-sms"

    def __init__(self):
        self.sent: list[dict] = []

    async def send(self, *, recipient: str, text: str, message_id: str) -> None:
        self.sent.append({"to": recipient, "text": text, "message_id": message_id})


@pytest.fixture
async def make_app(settings, clock, seeded_template, tmp_path):
    """An app on a fresh copy of the seeded database, with the given settings changes and transports."""
    made = []

    async def make(*, email=None, sms=None, **changes):
        shutil.copy(seeded_template, tmp_path / "roomiai.sqlite3")
        vault = LocalVault(tmp_path / "vault.sqlite3", key=b"0" * 43 + b"=")
        container = build_container(settings.model_copy(update=changes), clock=clock, gateway=vault, email=email, sms=sms)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(container)), base_url="http://roomi.test")
        made.append((container, vault, http))
        return container, http

    yield make
    for container, vault, http in made:
        await http.aclose()
        await container.db.dispose()
        vault.close()


def smtp(port: int, query: str = "") -> SmtpTransport:
    return SmtpTransport(parse_smtp_url(f"smtp://{HOST}:{port}{query}"))


async def book(http, **overrides):
    r = await http.post("/v1/bookings", json=booking_body(**overrides), headers=headers("agent"))
    assert r.status_code == 201, r.text
    return r.json()


async def messages(http, number: str) -> list[dict]:
    r = await http.get(f"/v1/bookings/{number}/messages", headers=STAFF)
    assert r.status_code == 200, r.text
    return r.json()["messages"]


def parts(message) -> dict[str, str]:
    found = {}
    for part in message.walk():
        if not part.is_multipart():
            found[part.get_content_type()] = part.get_content()
    return found


async def test_a_booking_sends_its_confirmation_over_starttls_with_text_html_and_calendar(make_app, tmp_path, clock):
    cert, key = make_certificate(tmp_path)
    port = free_port()
    container, http = await make_app(email=smtp(port, f"?starttls=require&cafile={cert}"), mail_from="Grand Hotel <reservations@grandhotel.example>")
    with SmtpServer(port, cert=(cert, key)) as server:
        created = await book(http)
        number = created["booking"]["confirmation_number"]
        assert created["confirmation_email"] == "queued" and created["confirmation_email_sent"] is False
        assert created["confirmation_email_to"] == ADDRESS
        assert server.inbox.received == []  # the booking did not wait for the mail

        report = await container.outbox.deliver_due(clock.now())
        assert len(report.sent) == 1
    [received] = server.inbox.received
    assert received.tls and received.recipients == [ADDRESS] and received.sender == "reservations@grandhotel.example"
    mail = received.message
    assert mail["Subject"] == f"Your reservation at Grand Hotel: {number}"
    assert mail["To"] == ADDRESS and mail["Message-ID"].startswith("<confirmed.")
    body = parts(mail)
    text, html, ics = body["text/plain"], body["text/html"], body["text/calendar"]
    for expected in (number, "Grand Hotel", "1200 Ocean Drive, Miami Beach, FL 33139, US", "+13055550100",
                     "Tuesday, 20 January 2026 from 15:00", "Sunday, 25 January 2026 by 11:00", "5 nights",
                     "Deluxe", "2 adults", "Tue 20 Jan 2026", "Sat 24 Jan 2026", "Occupancy Tax", "Amenity Fee",
                     "Romance Package", "Free cancellation until", "high floor, extra pillows"):
        assert expected in text, expected
    total = created["booking"]["pricing"]["grand_total"]
    assert f"${total:,.2f}" in text and f"${total:,.2f}" in html
    assert "<table" in html and number in html
    assert "DTSTART:20260120T200000Z" in ics and "DTEND:20260125T160000Z" in ics and f"UID:{number.lower()}@" in ics

    shown = (await http.get(f"/v1/bookings/{number}", headers=STAFF)).json()
    assert shown["confirmation_email"] == "sent"
    [listed] = await messages(http, number)
    assert listed["status"] == "sent" and listed["attempts"] == 1 and listed["recipient"] == ADDRESS
    assert listed["message_id"] == mail["Message-ID"]


async def test_a_change_and_a_cancellation_each_send_their_own_email(make_app, clock):
    port = free_port()
    container, http = await make_app(email=smtp(port))
    with SmtpServer(port) as server:
        number = (await book(http))["booking"]["confirmation_number"]
        changed = await http.put(f"/v1/bookings/{number}", json={"check_out": "2026-01-26"}, headers=STAFF)
        assert changed.status_code == 200 and changed.json()["booking"]["confirmation_email"] == "queued"
        cancelled = await http.request("DELETE", f"/v1/bookings/{number}", headers=STAFF)
        assert cancelled.status_code == 200 and cancelled.json()["confirmation_email"] == "queued"
        await container.outbox.deliver_due(clock.now())
    confirmed, modified, cancel = (r.message for r in server.inbox.received)
    assert "has changed" in modified["Subject"]
    change_text = parts(modified)["text/plain"]
    assert "Check-out" in change_text and "2026-01-25 → 2026-01-26" in change_text and "6 nights" in change_text
    cancel_text = parts(cancel)["text/plain"]
    reference = cancelled.json()["cancellation_reference"]
    assert reference in cancel_text and "Cancellation penalty: $0.00" in cancel_text and "Refund:" in cancel_text
    first, second, last = (parts(m)["text/calendar"] for m in (confirmed, modified, cancel))
    uid = f"UID:{number.lower()}@"
    assert all(uid in c for c in (first, second, last))
    assert "SEQUENCE:0" in first and "SEQUENCE:1" in second and "SEQUENCE:2" in last
    assert "METHOD:CANCEL" in last and "STATUS:CANCELLED" in last and "DTEND:20260126T160000Z" in second


async def test_mail_server_down_during_the_booking_then_back_the_message_arrives_once(make_app, clock):
    port = free_port()  # nothing listens here yet
    container, http = await make_app(email=smtp(port))
    created = await book(http)
    number, now = created["booking"]["confirmation_number"], clock.now()
    report = await container.outbox.deliver_due(now)
    assert report.retrying and not report.sent
    [waiting] = await messages(http, number)
    assert waiting["status"] == "queued" and waiting["attempts"] == 1 and "could not be reached" in waiting["last_error"]
    assert (await http.get(f"/v1/bookings/{number}", headers=STAFF)).json()["confirmation_email"] == "queued"
    assert (await container.outbox.deliver_due(now + dt.timedelta(seconds=10))).retrying == []  # backing off

    with SmtpServer(port) as server:
        assert len((await container.outbox.deliver_due(now + RetryPolicy().delay(1))).sent) == 1
        for later in (1, 2, 48):
            await container.outbox.deliver_due(now + dt.timedelta(hours=later))
    assert len(server.inbox.received) == 1
    [sent] = await messages(http, number)
    assert sent["status"] == "sent" and sent["attempts"] == 2 and sent["last_error"] is None


async def test_a_permanent_refusal_is_recorded_on_the_booking_and_staff_can_resend_to_a_corrected_address(make_app, clock):
    port = free_port()
    container, http = await make_app(email=smtp(port))
    with SmtpServer(port) as server:
        server.inbox.refuse.add(ADDRESS)
        number = (await book(http))["booking"]["confirmation_number"]
        report = await container.outbox.deliver_due(clock.now())
        assert report.failed and not report.retrying
        booking = (await http.get(f"/v1/bookings/{number}", headers=STAFF)).json()
        assert booking["confirmation_email"] == "failed"
        failure = booking["modification_history"][-1]
        assert failure["action"] == "email_failed" and "550" in failure["reason"] and ADDRESS not in failure["reason"]
        [failed] = await messages(http, number)
        assert failed["status"] == "failed" and failed["last_error"].startswith("the mail server refused the recipient: 550")
        assert (await container.outbox.deliver_due(clock.now() + dt.timedelta(days=1))).sent == []  # never retried

        r = await http.post(f"/v1/bookings/{number}/messages/{failed['id']}/resend", json={"to": "john@smith.example"},
                            headers=STAFF)
        assert r.status_code == 202, r.text
        assert r.json()["recipient"] == "john@smith.example" and r.json()["message_id"] != failed["message_id"]
        assert (await http.post(f"/v1/bookings/{number}/messages/{failed['id']}/resend", headers=headers("agent"))).status_code == 403
        await container.outbox.deliver_due(clock.now())
    [received] = server.inbox.received
    assert received.recipients == ["john@smith.example"] and received.message["Subject"].endswith(number)
    assert (await http.get(f"/v1/bookings/{number}", headers=STAFF)).json()["confirmation_email"] == "sent"
    missing = await http.post(f"/v1/bookings/{number}/messages/nosuchmessage/resend", headers=STAFF)
    assert missing.status_code == 404 and missing.json()["detail"]


async def test_a_crash_between_sending_and_marking_sent_resends_once_with_the_same_message_id(make_app, clock):
    """Documented: delivery is at least once; the copy after a crash carries the same Message-ID."""
    port = free_port()
    transport = smtp(port)
    container, http = await make_app(email=CrashAfterSending(transport))
    with SmtpServer(port) as server:
        number = (await book(http))["booking"]["confirmation_number"]
        now = clock.now()
        with pytest.raises(Crash):
            await container.outbox.deliver_due(now)
        assert len(server.inbox.received) == 1
        [claimed] = await messages(http, number)
        assert claimed["status"] == "sending"

        container.outbox.email = transport  # the restarted process
        assert (await container.outbox.deliver_due(now + dt.timedelta(seconds=60))).sent == []  # the claim still holds
        claim = dt.timedelta(seconds=RetryPolicy().claim_seconds)
        assert len((await container.outbox.deliver_due(now + claim)).sent) == 1
        await container.outbox.deliver_due(now + 3 * claim)
    first, second = server.inbox.message_ids()
    assert first == second
    [sent] = await messages(http, number)
    assert sent["status"] == "sent" and sent["attempts"] == 2


async def test_starttls_required_but_not_offered_sends_nothing_in_clear(make_app, clock):
    port = free_port()
    container, http = await make_app(email=smtp(port, "?starttls=require"))
    with SmtpServer(port) as server:  # no certificate: no STARTTLS
        number = (await book(http))["booking"]["confirmation_number"]
        report = await container.outbox.deliver_due(clock.now())
    assert report.retrying and server.inbox.received == []
    assert "does not offer STARTTLS" in (await messages(http, number))[0]["last_error"]


async def test_smtps_is_tls_from_the_start(make_app, tmp_path, clock):
    import ssl

    from aiosmtpd.controller import Controller

    from tests.mail.smtp_server import Inbox

    cert, key = make_certificate(tmp_path)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    inbox, port = Inbox(), free_port()
    server = Controller(inbox, hostname=HOST, port=port, ssl_context=tls)
    container, http = await make_app(email=SmtpTransport(parse_smtp_url(f"smtps://{HOST}:{port}?cafile={cert}")))
    server.start()
    try:
        await book(http)
        assert len((await container.outbox.deliver_due(clock.now())).sent) == 1
    finally:
        server.stop()
    assert len(inbox.received) == 1


async def test_the_embedded_default_writes_eml_files_once_even_after_a_crash(make_app, tmp_path, clock):
    container, http = await make_app()  # dev mode, no SMTP URL: .eml files under the data folder
    assert isinstance(container.outbox.email, EmlFiles) and container.mail.transport == "files"
    number = (await book(http))["booking"]["confirmation_number"]
    files = EmlFiles(tmp_path / "mail")
    container.outbox.email = CrashAfterSending(files)
    with pytest.raises(Crash):
        await container.outbox.deliver_due(clock.now())
    container.outbox.email = files
    await container.outbox.deliver_due(clock.now() + dt.timedelta(hours=1))
    written = list((tmp_path / "mail").glob("*.eml"))
    assert len(written) == 1 and number in written[0].read_text()
    assert (await messages(http, number))[0]["status"] == "sent"
    listing = (await http.get(f"/v1/bookings/{number}/messages", headers=STAFF)).json()
    assert listing["delivery"] == "files"


async def test_with_mail_off_nothing_is_queued_and_nothing_claimed(make_app):
    container, http = await make_app(mail_delivery="off")
    created = await book(http)
    assert container.outbox is None
    assert created["confirmation_email"] is None and created["confirmation_email_to"] is None
    assert created["confirmation_email_sent"] is False and created["booking"]["confirmation_email"] is None
    number = created["booking"]["confirmation_number"]
    assert await messages(http, number) == []
    r = await http.post(f"/v1/bookings/{number}/messages/x/resend", headers=STAFF)
    assert r.status_code == 422 and "off" in r.json()["detail"]


async def test_a_booking_without_an_email_queues_none(make_app):
    container, http = await make_app()
    guest = {"first_name": "Ann", "last_name": "Lee", "phone": {"country_code": "+1", "number": "5550001111"}}
    created = await book(http, primary_guest=guest)
    assert created["confirmation_email"] is None and created["confirmation_email_to"] is None


async def test_a_returning_guest_with_a_new_address_is_found_by_both_and_mailed_at_the_new_one(make_app, clock):
    port = free_port()
    container, http = await make_app(email=smtp(port))
    first = (await book(http))["booking"]
    new_address = "j.smith@newjob.example"
    guest = {**booking_body()["primary_guest"], "email": new_address}
    second = (await book(http, primary_guest=guest, check_in="2026-02-02", check_out="2026-02-04"))["booking"]
    assert second["guest_id"] == first["guest_id"]  # the same profile: same phone and last name
    with SmtpServer(port) as server:
        await container.outbox.deliver_due(clock.now())
    assert sorted(r.recipients[0] for r in server.inbox.received) == sorted([ADDRESS, new_address])
    to_new = next(r for r in server.inbox.received if r.recipients == [new_address])
    assert second["confirmation_number"] in to_new.message["Subject"]

    async def found(email):
        r = await http.get("/v1/bookings/search", params={"email": email}, headers=STAFF)
        return {b["confirmation_number"] for b in r.json()["bookings"]}

    assert await found(new_address) == {first["confirmation_number"], second["confirmation_number"]}
    assert await found(ADDRESS) == {first["confirmation_number"]}  # the booking made with the old address
    profile = (await http.get(f"/v1/guests/{first['guest_id']}", headers=STAFF)).json()
    assert profile["email"] == new_address
    assert [h["email"] for h in profile["contact_history"]] == [ADDRESS]


async def test_the_email_never_holds_the_card_number(make_app, tmp_path, clock):
    container, http = await make_app()
    card = "4111111111111111"
    payment = {"card_number": card, "expiry": "12/29", "cvv": "123", "name_on_card": "John Smith"}
    number = (await book(http, payment=payment, special_requests=[f"card {card}"]))["booking"]["confirmation_number"]
    await container.outbox.deliver_due(clock.now())
    [eml] = (tmp_path / "mail").glob("*.eml")
    from email import message_from_bytes, policy

    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    everything = eml.read_text() + "".join(parts(message).values())
    assert number in everything and "Visa ending in 1111" in parts(message)["text/plain"]
    assert card not in everything and "4111 1111" not in everything and "123" not in parts(message)["text/plain"].split(number)[0]


async def test_templates_the_hotel_changes_are_used_and_unknown_names_reported(make_app, tmp_path, clock):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "booking_confirmed.subject.txt").write_text("Welcome $guest_first_name! Booking $confirmation_number $roomnumber\n")
    container, http = await make_app(mail_templates_dir=folder)
    number = (await book(http))["booking"]["confirmation_number"]
    await container.outbox.deliver_due(clock.now())
    [listed] = await messages(http, number)
    assert listed["subject"] == f"Welcome John! Booking {number} $roomnumber"
    from roomiai.services.guest_messages import TEMPLATE_VARIABLES

    assert container.mail.templates.problems(TEMPLATE_VARIABLES) == ["booking_confirmed.subject.txt: unknown $roomnumber"]


async def test_an_sms_adapter_plugs_into_the_sms_port(make_app, clock):
    texts = Texts()
    container, http = await make_app(sms=texts)
    number = (await book(http))["booking"]["confirmation_number"]
    await container.outbox.deliver_due(clock.now())
    [sms] = texts.sent
    assert sms["to"] == "+15551234567" and number in sms["text"] and "Grand Hotel" in sms["text"]
    assert {m["channel"]: m["status"] for m in await messages(http, number)} == {"email": "sent", "sms": "sent"}


async def test_the_api_process_delivers_its_outbox_itself_woken_by_the_booking(make_app, tmp_path):
    import asyncio

    container, http = await make_app(mail_poll_seconds=3600)  # only the booking's wake-up can deliver within the test
    app = http._transport.app.app  # the FastAPI app inside the body-size limit
    async with app.router.lifespan_context(app):
        number = (await book(http))["booking"]["confirmation_number"]
        for _ in range(200):  # wait for the outcome, not for a fixed time
            if (await messages(http, number))[0]["status"] == "sent":
                break
            await asyncio.sleep(0.05)
    assert (await messages(http, number))[0]["status"] == "sent"
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1


async def test_the_api_stops_its_sender_even_when_a_booking_just_woke_it(make_app):
    """A cancel arriving with the wake-up must not be lost (asyncio.wait_for on 3.11 lost it and shutdown hung)."""
    import asyncio

    container, http = await make_app(mail_poll_seconds=3600)
    app = http._transport.app.app
    lifespan = app.router.lifespan_context(app)
    await lifespan.__aenter__()
    await asyncio.sleep(0)  # the sender starts and waits to be woken
    await book(http)  # wakes it
    await asyncio.wait_for(lifespan.__aexit__(None, None, None), timeout=60)  # a liveness bound, not a timing check
