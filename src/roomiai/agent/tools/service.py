"""request_service: file a service request for a guest staying in the hotel, once the caller named that guest."""

from __future__ import annotations

from ..api_client import ApiError, RoomiApi
from ..call_state import CallState
from .common import LOOKUP_LIMITED, cannot_check_now, normalise_confirmation, redact, refusal, result

NAME_FIRST = (
    "Ask the caller for the last name of the guest staying in the room first; a request is filed only for a "
    "caller who names the guest."
)


async def request_service(
    api: RoomiApi,
    state: CallState,
    *,
    request_type: str,
    room_number: str | None = None,
    confirmation_number: str | None = None,
    last_name: str | None = None,
    items: list[str] | None = None,
    description: str | None = None,
    priority: str = "normal",
) -> str:
    """File the request against the guest's room or booking and say when it should be done."""
    number = normalise_confirmation(confirmation_number) if confirmation_number else None
    proof = (last_name or "").strip() or state.verified_last_names.get(number or "")
    if not proof:
        raise refusal(NAME_FIRST, "name_first")
    details = {"items": [redact(item.strip()) for item in items or [] if item.strip()]}
    if description and description.strip():
        details["description"] = redact(description.strip())
    body = {
        "request_type": request_type,
        "room_number": room_number.strip() if room_number else None,
        "confirmation_number": number,
        "details": details,
        "priority": priority,
    }
    try:
        filed = await api.create_service_request(
            {key: value for key, value in body.items() if value is not None}, last_name=redact(proof)
        )
    except ApiError as exc:
        if exc.code == LOOKUP_LIMITED:
            return cannot_check_now(filed=False)
        raise refusal(exc.detail, exc.code or "refused") from None
    state.settle("service_request")
    return result(
        {
            "request_id": filed["request_id"],
            "request_type": filed["request_type"],
            "room_number": filed["room_number"],
            "status": filed["status"],
            "estimated_completion": filed["estimated_completion"],
        }
    )
