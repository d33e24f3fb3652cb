"""request_service: file a service request for a guest staying in the hotel."""

from __future__ import annotations

from ..api_client import RoomiApi
from ..call_state import CallState
from .common import api_errors, normalise_confirmation, redact, result


async def request_service(api: RoomiApi, state: CallState, *, request_type: str, room_number: str | None = None,
                          confirmation_number: str | None = None, items: list[str] | None = None,
                          description: str | None = None, priority: str = "normal") -> str:
    """File the request against the guest's room or booking and say when it should be done."""
    details = {"items": [redact(item.strip()) for item in items or [] if item.strip()]}
    if description and description.strip():
        details["description"] = redact(description.strip())
    body = {
        "request_type": request_type,
        "room_number": room_number.strip() if room_number else None,
        "confirmation_number": normalise_confirmation(confirmation_number) if confirmation_number else None,
        "details": details,
        "priority": priority,
    }
    with api_errors():
        filed = await api.create_service_request({key: value for key, value in body.items() if value is not None})
    state.settle("service_request")
    return result({
        "request_id": filed["request_id"],
        "request_type": filed["request_type"],
        "room_number": filed["room_number"],
        "status": filed["status"],
        "estimated_completion": filed["estimated_completion"],
    })
