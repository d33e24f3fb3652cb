"""Structured logs: JSON lines on stderr and in the log file, with card numbers, CVVs and phones redacted."""

import io
import json
import logging
import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from roomiai import logs
from roomiai.logs import LOG_FILE_NAME, UVICORN_LOGGERS, redact_text, setup_logging

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
CARD, CARD_SPACED, AMEX = "4111111111111111", "4242 4242 4242 4242", "378282246310005"
CVV = "739"
PHONE, PHONE_DIGITS = "+1 (555) 867-5309", "5558675309"
SECRETS = [CARD, "4242424242424242", "4242 4242 4242 4242", AMEX, CVV, PHONE, PHONE_DIGITS, "867-5309"]


@pytest.fixture(autouse=True)
def restore_logging():
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    uvicorn = {name: (list(logging.getLogger(name).handlers), logging.getLogger(name).propagate) for name in UVICORN_LOGGERS}
    yield
    for handler in root.handlers[:]:
        if handler not in saved[0]:
            root.removeHandler(handler)
            handler.close()
        for redactor in [f for f in handler.filters if isinstance(f, logs.RedactingFilter)]:
            handler.removeFilter(redactor)
    root.setLevel(saved[1])
    for name, (handlers, propagate) in uvicorn.items():
        logging.getLogger(name).handlers[:] = handlers
        logging.getLogger(name).propagate = propagate


def log_everything_sensitive() -> None:
    log = logging.getLogger("roomiai.test")
    log.info(f"guest paid with {CARD} cvv={CVV} and called from {PHONE}")
    log.info("card %s, security code %s, phone %s", CARD_SPACED, CVV, PHONE_DIGITS)
    log.info("%(card_number)s / %(cvc)s", {"card_number": AMEX, "cvc": "1234"})
    log.warning("booking request", extra={
        "event": "booking.create", "card_number": CARD, "cvv": CVV, "caller_phone": PHONE,
        "body": {"payment": {"card_number": CARD_SPACED, "cvv": CVV}, "phone": {"country_code": "+1", "number": PHONE_DIGITS}},
        "notes": [f"call back on {PHONE}"], "nights": 3,
    })
    try:
        raise ValueError(f"card {CARD} was refused for {PHONE}")
    except ValueError:
        log.exception("charge failed")


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def assert_redacted(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def test_records_through_the_real_handlers_reach_stderr_and_the_file_redacted(tmp_path, capsys):
    setup_logging(log_dir=tmp_path / "logs")

    log_everything_sensitive()
    for handler in logging.getLogger().handlers:
        handler.flush()

    stderr = capsys.readouterr().err
    written = (tmp_path / "logs" / LOG_FILE_NAME).read_text()
    for text in (stderr, written):
        assert_redacted(text)
        entries = json_lines(text)
        assert len(entries) == 5
        assert all({"ts", "level", "logger", "message"} <= set(entry) for entry in entries)
        assert entries[0]["message"] == "guest paid with [card ending 1111] cvv=[redacted] and called from +1555***5309"
        assert entries[1]["message"] == "card [card ending 4242], security code [redacted], phone 555***5309"
        assert entries[2]["message"] == "•••• 0005 / [redacted]"
        booking = entries[3]
        assert (booking["level"], booking["logger"], booking["event"]) == ("WARNING", "roomiai.test", "booking.create")
        assert (booking["card_number"], booking["cvv"], booking["caller_phone"], booking["nights"]) == (
            "•••• 1111", "[redacted]", "+1555***5309", 3)
        assert booking["body"]["payment"] == {"card_number": "•••• 4242", "cvv": "[redacted]"}
        assert booking["body"]["phone"]["number"] == "555***5309"
        assert booking["notes"] == ["call back on +1555***5309"]
        assert "ValueError: card [card ending 1111] was refused for +1555***5309" in entries[4]["exception"]


def test_handlers_installed_before_the_setup_get_the_redaction_too(caplog):
    foreign = logging.StreamHandler(io.StringIO())
    logging.getLogger("livekit.example").addHandler(foreign)
    try:
        setup_logging()
        log_everything_sensitive()
        logging.getLogger("livekit.example").warning("card %s", CARD)
    finally:
        logging.getLogger("livekit.example").removeHandler(foreign)

    assert_redacted(caplog.text)
    assert_redacted(foreign.stream.getvalue())
    assert "[card ending 1111]" in foreign.stream.getvalue()


def test_the_log_file_is_private_and_rotates(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(logs, "ROTATE_BYTES", 600)
    setup_logging(log_dir=tmp_path)

    for _ in range(5):
        log_everything_sensitive()

    files = sorted(tmp_path.glob(f"{LOG_FILE_NAME}*"))
    assert len(files) > 2 and len(files) <= logs.ROTATE_KEEP + 1
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert_redacted(path.read_text())
        json_lines(path.read_text())


def test_setting_up_twice_keeps_one_set_of_handlers(capsys):
    setup_logging()
    setup_logging(level="WARNING")

    logging.getLogger("roomiai.test").warning("once")
    logging.getLogger("roomiai.test").info("below the level")

    assert [entry["message"] for entry in json_lines(capsys.readouterr().err)] == ["once"]


def test_uvicorn_access_lines_keep_the_path_but_not_the_query_values(capsys):
    setup_logging()

    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:50412", "GET", "/v1/guests/search?phone=%2B15558675309&last_name=Smith", "1.1", 200)

    [entry] = json_lines(capsys.readouterr().err)
    assert entry["message"] == '127.0.0.1:50412 - "GET /v1/guests/search?phone=…&last_name=… HTTP/1.1" 200'
    assert (entry["http_method"], entry["http_path"], entry["http_status"]) == ("GET", "/v1/guests/search", 200)


@pytest.mark.parametrize("text", [
    "ROOMI-20260112-001 for 2026-01-20 to 2026-01-25", "PAY-2026-00007", "client 192.168.100.200:5432",
    "total 1234.56 USD", "took 15 ms", "G-2026-00001",
    '127.0.0.1 [05/Dec/2026:14:05:12 +0000] "GET /call HTTP/1.1" 101',  # aiohttp's and Apache's access-log time
    "started at 2026-12-05 14:05:12.123456", "1999-01-31 23:59:59 +0100",
])
def test_references_dates_amounts_and_addresses_are_not_mistaken_for_phones(text):
    assert redact_text(text) == text


@pytest.mark.parametrize(("text", "redacted"), [
    ("[05/Dec/2026:4111 1111 1111 1111 +0000]", "[05/Dec/2026:[card ending 1111] +0000]"),
    ("2026:4111:1111:1111:1111", "2026:[card ending 1111]"),
    ("at 2026-12-05 call 415-555-0199", "at 2026-12-05 call 415***0199"),
])
def test_card_numbers_and_phones_beside_timestamps_are_still_redacted(text, redacted):
    assert redact_text(text) == redacted


def test_card_like_numbers_in_any_form_leave_no_digit_in_the_log(tmp_path, capsys):
    setup_logging(log_dir=tmp_path / "logs")
    log = logging.getLogger("roomiai.test")
    log.info("special request: card 5555.5555.5555.4444")
    log.info("caller said %s", "4111-1111-1111-1112 expires 12/28")
    log.warning("transcript", extra={"lines": ["four one one one one one one one one one one one one one one one"],
                                     "amount": 4111111111111112})
    for handler in logging.getLogger().handlers:
        handler.flush()

    for text in (capsys.readouterr().err, (tmp_path / "logs" / LOG_FILE_NAME).read_text()):
        entries = json_lines(text)
        assert [entry["message"] for entry in entries] == [
            "special request: card [card ending 4444]", "caller said [card number] expires 12/28", "transcript"]
        assert (entries[2]["lines"], entries[2]["amount"]) == (["[card ending 1111]"], "[card number]")
        for digits in ("555555555555", "411111111111"):
            assert digits not in "".join(ch for ch in text if ch.isdigit())


def run_roomi(code: str, env: dict[str, str], tmp_path: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ROOMIAI_")}
    clean.update(env, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO / "src"), str(REPO), clean.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=clean, cwd=tmp_path,
                          timeout=timeout, check=False)


def test_the_roomi_command_sets_up_the_redacting_json_logs_once(tmp_path):
    code = (
        "import logging, sys\n"
        "from roomiai.cli import main\n"
        "code = main(['token', '--role', 'staff'])\n"
        f"logging.getLogger('roomiai.test').warning('caller %s paid with %s', '{PHONE}', '{CARD}')\n"
        "sys.exit(code)\n"
    )
    done = run_roomi(code, {"ROOMIAI_DATA_DIR": str(tmp_path), "ROOMIAI_LOG_DIR": str(tmp_path / "logs")}, tmp_path)

    assert done.returncode == 0, done.stderr
    assert done.stdout.count(".") == 2  # the token is printed as before: a JWT on stdout
    [entry] = json_lines(done.stderr)
    assert entry["message"] == "caller +1555***5309 paid with [card ending 1111]"
    assert json_lines((tmp_path / "logs" / LOG_FILE_NAME).read_text()) == [entry]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_roomi_serve_writes_uvicorn_and_access_logs_as_redacted_json(tmp_path):
    port = free_port()
    env = {"ROOMIAI_DATA_DIR": str(tmp_path), "ROOMIAI_LOG_DIR": str(tmp_path / "logs"), "ROOMIAI_ACCESS_LOG": "true"}
    code = f"import sys\nfrom roomiai.cli import main\nsys.exit(main(['serve', '--port', '{port}']))\n"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ROOMIAI_")}
    clean.update(env, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO / "src"), clean.get("PYTHONPATH")])))
    server = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=clean, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/v1/health", params={"phone": PHONE, "card": CARD}, timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read() if server.stderr else ""
                time.sleep(0.2)
        assert response.status_code == 200
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)

    entries = json_lines(stderr)
    assert_redacted(stderr)
    loggers = {entry["logger"] for entry in entries}
    assert {"uvicorn.error", "uvicorn.access"} <= loggers
    [access] = [entry for entry in entries if entry["logger"] == "uvicorn.access"]
    assert access["message"].endswith('"GET /v1/health?phone=…&card=… HTTP/1.1" 200')
    assert json_lines((tmp_path / "logs" / LOG_FILE_NAME).read_text()) == entries
