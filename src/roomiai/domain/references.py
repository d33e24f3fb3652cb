"""Human-facing references and masks: confirmation numbers, guest ids, masked phones."""

from __future__ import annotations

import datetime as dt
import re

CONFIRMATION_RE = re.compile(r"^ROOMI-\d{8}-\d{3,}$")


def confirmation_number(day: dt.date, sequence: int) -> str:
    return f"ROOMI-{day:%Y%m%d}-{sequence:03d}"


def cancellation_reference(confirmation: str) -> str:
    return f"CXL-{confirmation}"


def yearly_reference(prefix: str, year: int, sequence: int) -> str:
    """E.g. G-2026-00001, SRV-2026-00042, PAY-2026-00007."""
    return f"{prefix}-{year}-{sequence:05d}"


def digits_only(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def mask_phone(phone: str | None) -> str | None:
    """+15551234567 → +1555***4567: keeps the area code and last four, as the blueprint shows."""
    if not phone:
        return phone
    digits = digits_only(phone)
    prefix = "+" if phone.strip().startswith("+") else ""
    if len(digits) < 10:
        return prefix + "*" * max(0, len(digits) - 4) + digits[-4:]
    return prefix + digits[:-7] + "***" + digits[-4:]


def escape_like(text: str) -> str:
    """Make % and _ match themselves in a LIKE pattern (escape character backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
