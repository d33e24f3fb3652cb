"""A guest's email and phone in the one normal form they are compared (and hashed for search) in."""

from __future__ import annotations

from typing import Any

from .references import digits_only

PHONE_TAIL_DIGITS = 4  # the shortest part of a phone number that staff may search by


def normal_email(email: str | None) -> str | None:
    """Without surrounding spaces, lower case: Ada.L@Example.com and ada.l@example.com are one address."""
    value = (email or "").strip().lower()
    return value or None


def phone_digits(phone: dict[str, Any] | None) -> str | None:
    """Country code and number as digits only, e.g. {"country_code": "+1", "number": "(555) 123-4567"} → 15551234567."""
    if not phone or not phone.get("number"):
        return None
    return digits_only(str(phone.get("country_code") or "")) + digits_only(str(phone["number"])) or None


def phone_tail(digits: str | None) -> str | None:
    """The last four digits, which every phone search gives at least."""
    return digits[-PHONE_TAIL_DIGITS:] if digits else None


def clean_phone(phone: dict[str, Any]) -> dict[str, Any]:
    """Country code as +digits and number as digits, e.g. {"country_code": "+1", "number": "5551234567"}."""
    return {
        "country_code": "+" + digits_only(str(phone.get("country_code") or "1")),
        "number": digits_only(str(phone["number"])),
    }
