"""check_availability: which room types and rates are free for a stay, priced by the API."""

from __future__ import annotations

from typing import Any

from ..api_client import RoomiApi
from .common import api_errors, result


async def check_availability(
    api: RoomiApi,
    *,
    check_in: str,
    check_out: str,
    adults: int,
    children: int = 0,
    rooms: int = 1,
    room_type: str | None = None,
) -> str:
    """Room types free for the stay with their priced rates, and why the others are not."""
    with api_errors():
        found = await api.availability(
            check_in=check_in, check_out=check_out, adults=adults, children=children, rooms=rooms, room_type=room_type
        )
    stay = found["date_range"]
    return result(
        {
            "check_in": stay["check_in"],
            "check_out": stay["check_out"],
            "nights": stay["nights"],
            "adults": adults,
            "children": children,
            "rooms": rooms,
            "options": [option_summary(option) for option in found["options"]],
            "unavailable": [
                {
                    "room_type_code": u["room_type_code"],
                    "room_type": u["room_type"],
                    "reason": u["reason"],
                    "code": u.get("code", "no_rate"),
                    **({"limit": u["limit"]} if u.get("limit") is not None else {}),
                }
                for u in found["unavailable"]
            ],
        }
    )


def option_summary(option: dict[str, Any]) -> dict[str, Any]:
    return {
        "room_type_code": option["room_type_code"],
        "room_type": option["room_type"],
        "available_count": option["available_count"],
        "beds": option["beds_available"],
        "views": option["views_available"],
        "max_occupancy": option["max_occupancy"],
        "rates": [rate_summary(rate) for rate in sorted(option["rates"], key=lambda rate: rate["grand_total"])],
    }


def rate_summary(rate: dict[str, Any]) -> dict[str, Any]:
    return {
        "rate_code": rate["rate_code"],
        "name": rate["name"],
        "per_night": rate["per_night"],
        "room_total": rate["total"],
        "taxes": rate["taxes"],
        "fees": rate["fees"],
        "grand_total": rate["grand_total"],
        "currency": rate["currency"],
        "cancellation": rate["cancellation"],
        "refundable": rate["refundable"],
        "includes": rate["includes"],
        "eligibility": rate["eligibility"],
    }
