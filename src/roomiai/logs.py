"""Application logs: one JSON object per line on stderr and in an optional rotating file, card data and phones redacted."""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.handlers
import os
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from roomiai.domain.cards import mask_card, redact_card_numbers
from roomiai.domain.references import mask_phone

LOG_FILE_NAME = "roomiai.log"
ROTATE_BYTES = 10 * 1024 * 1024
ROTATE_KEEP = 5
REDACTED = "[redacted]"
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")
# what every LogRecord carries; anything else on a record came from `extra=` and is logged as a field
RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}
NOT_LOGGED = {"color_message"}  # uvicorn's copy of the message with terminal colours

_CVV_KEY = re.compile(r"(?i)^(?:card_?)?(?:cvv2?|cvc2?|csc|cid|security_?code)$")
_CARD_KEY = re.compile(r"(?i)^(?:card_?number|card_?no|pan|number)$")
_PHONE_KEY = re.compile(r"(?i)phone|caller_?id|mobile")
_CVV_TEXT = re.compile(
    r"(?i)\b(cvv2?|cvc2?|csc|security[ _-]?code|card[ _-]?code)\b"  # the field's name
    r"((?:[\"']?\s*[:=]\s*[\"']?)|\s+(?:is\s+|of\s+)?)"  # name=, "name": ", name is
    r"\d{3,4}\b"
)
_IPV4 = r"\d{1,3}(?:\.\d{1,3}){3}(?!\d)"
# 10 to 15 digits, optionally with +, spaces, dots, dashes or brackets between them; not part of a longer word
# or reference (ROOMI-20260112-001), and not an IPv4 address or a date (2026-12-05 14:05:12)
_ISO_DATE = r"(?:19|20)\d\d-[01]\d-[0-3]\d(?!\d)"
_PHONE_TEXT = re.compile(rf"(?<![\w+*-])(?!{_IPV4})(?!{_ISO_DATE})\+?\(?\d(?:[\s().-]{{0,2}}\d){{9,14}}(?![\w*-])")


def redact_text(text: str) -> str:
    """Card numbers to '[card ending NNNN]', other card-like numbers (written or spoken) to '[card number]', CVVs to
    '[redacted]', phones masked to their last four digits."""
    text = redact_card_numbers(text)
    text = _CVV_TEXT.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    return _PHONE_TEXT.sub(lambda m: mask_phone(m.group(0)) or "", text)


def redact_value(value: Any, key: str = "") -> Any:
    """A logged value with card data and phones removed; `key` is the field name it was logged under."""
    if key and _CVV_KEY.search(key) and value not in (None, ""):
        return REDACTED
    if isinstance(value, dict):
        return {name: redact_value(item, str(name)) for name, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [redact_value(item, key) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    text = value if isinstance(value, str) else str(value)
    if key and _CARD_KEY.search(key) and sum(ch.isdigit() for ch in text) >= 12:
        return mask_card(text)
    if key and _PHONE_KEY.search(key):
        return text if "*" in text else mask_phone(text)  # a masked phone stays as it is: filters run once per handler
    redacted = redact_text(text)
    return value if redacted == text and not isinstance(value, str) else redacted


def query_without_values(target: str) -> str:
    """A request target with its query values dropped: /v1/guests/search?phone=... -> /v1/guests/search?phone=…"""
    parts = urlsplit(target)
    if not parts.query:
        return target
    names = [name for name, _ in parse_qsl(parts.query, keep_blank_values=True)]
    return f"{parts.path}?{'&'.join(f'{name}=…' for name in names)}" if names else parts.path


class RedactingFilter(logging.Filter):
    """Rewrites every record it sees so that no handler can write a card number, a CVV or a whole phone number."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, target, version, status = record.args
            record.args = (client, method, query_without_values(str(target)), version, status)
            record.__dict__.update(http_method=method, http_path=urlsplit(str(target)).path, http_status=status)
        if isinstance(record.args, dict):
            record.args = redact_value(record.args)
        elif isinstance(record.args, tuple):
            record.args = tuple(redact_value(arg) for arg in record.args)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format: keep both, redacted
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = redact_text(str(message)), None
        for key in [key for key in vars(record) if key not in RECORD_ATTRIBUTES]:
            if key in NOT_LOGGED:
                del record.__dict__[key]
            else:
                record.__dict__[key] = redact_value(record.__dict__[key], key)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ts, level, logger, message, then the record's extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in RECORD_ATTRIBUTES and key not in entry:
                entry[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time, so a replaced stderr (tests, daemons) is honoured."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):  # StreamHandler looks its stream up on every write
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log file that only its owner can read: logs describe guests even when redacted."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)


def setup_logging(*, level: str | int = "INFO", log_dir: Path | str | None = None) -> list[logging.Handler]:
    """Install the JSON handlers on the root logger (again replaces them), redact on every handler, route uvicorn to them."""
    root = logging.getLogger()
    for old in [handler for handler in root.handlers if isinstance(handler, _OURS)]:
        root.removeHandler(old)
        old.close()
    handlers: list[logging.Handler] = [StderrHandler()]
    if log_dir:
        folder = Path(log_dir)
        folder.mkdir(parents=True, exist_ok=True)
        handlers.append(
            PrivateRotatingFileHandler(
                folder / LOG_FILE_NAME, maxBytes=ROTATE_BYTES, backupCount=ROTATE_KEEP, encoding="utf-8"
            )
        )
    formatter, redactor = JsonFormatter(), RedactingFilter()
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    for handler in _every_handler():  # ours, and any a library or test harness installed before us
        if not any(isinstance(existing, RedactingFilter) for existing in handler.filters):
            handler.addFilter(redactor)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for name in UVICORN_LOGGERS:  # their own handlers would bypass the redaction
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)  # a server started earlier in the process may have raised it
        logger.disabled = False
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request of the embedded API client is noise
    return handlers


def _every_handler() -> list[logging.Handler]:
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    return [handler for logger in loggers for handler in logger.handlers]


_OURS = (StderrHandler, PrivateRotatingFileHandler)
