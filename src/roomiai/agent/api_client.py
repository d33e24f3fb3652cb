"""RoomiApi: the one typed client the receptionist uses to reach the reservation API.

One client speaks for one call: once `voice_start` opened the call log, every request carries the call's session id
and key, so the API counts failed lookups per call and looks bookings up by phone only for the call's caller ID.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
from starlette.types import ASGIApp

EMBEDDED_URL = "http://roomi.embedded"
UNREACHABLE = "The reservation system cannot be reached right now."
PROOF_HEADER = "X-Guest-Last-Name"
CALL_SESSION_HEADER = "X-Call-Session"
CALL_KEY_HEADER = "X-Call-Key"


class ApiError(Exception):
    """A refused or failed API call, with the problem+json `detail` a person can read and its stable `code`."""

    def __init__(self, status: int, detail: str, field: str | None = None, code: str | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field
        self.code = code


class RoomiApi:
    """Async client for the endpoints the agent needs; every method returns the response JSON."""

    def __init__(
        self, base_url: str, token: str, *, transport: httpx.AsyncBaseTransport | None = None, timeout: float = 15.0
    ):
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            transport=transport,
            timeout=timeout,
            headers={"Authorization": f"Bearer {token}", "User-Agent": "roomi-agent"},
        )

    @classmethod
    def embedded(cls, app: ASGIApp, token: str) -> RoomiApi:
        """A client calling the in-process app, with no network in between."""
        return cls(EMBEDDED_URL, token, transport=httpx.ASGITransport(app=app))

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> RoomiApi:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def health(self) -> dict[str, Any]:
        return await self._call("GET", "/v1/health")

    async def availability(
        self,
        *,
        check_in: str,
        check_out: str,
        adults: int,
        children: int = 0,
        rooms: int = 1,
        room_type: str | None = None,
    ) -> dict[str, Any]:
        params = {
            "check_in": check_in,
            "check_out": check_out,
            "adults": adults,
            "children": children,
            "rooms_needed": rooms,
            "room_type": room_type,
        }
        return await self._call(
            "GET", "/v1/rooms/availability", params={k: v for k, v in params.items() if v is not None}
        )

    async def room_types(self) -> dict[str, Any]:
        return await self._call("GET", "/v1/rooms/types")

    async def hotel_info(self) -> dict[str, Any]:
        return await self._call("GET", "/v1/hotel")

    async def lookup_bookings(
        self, *, confirmation_number: str | None = None, last_name: str | None = None, phone: str | None = None
    ) -> dict[str, Any]:
        body = {"confirmation_number": confirmation_number, "last_name": last_name, "phone": phone}
        return await self._call("POST", "/v1/bookings/lookup", json={k: v for k, v in body.items() if v is not None})

    async def get_booking(self, confirmation_number: str, *, last_name: str) -> dict[str, Any]:
        return await self._call("GET", _booking_path(confirmation_number), headers=_proof(last_name))

    async def save_card(self, *, card_number: str, expiry: str, cvv: str | None = None) -> dict[str, Any]:
        """Hand a card to the payment gateway; only its token, brand and last four come back."""
        body = {"card_number": card_number, "expiry": expiry, "cvv": cvv}
        return await self._call("POST", "/v1/payments/cards", json={k: v for k, v in body.items() if v})

    async def create_booking(self, body: dict[str, Any], *, idempotency_key: str | None = None) -> dict[str, Any]:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return await self._call("POST", "/v1/bookings", json=body, headers=headers)

    async def modify_booking(
        self, confirmation_number: str, changes: dict[str, Any], *, last_name: str, preview: bool = False
    ) -> dict[str, Any]:
        return await self._call(
            "PUT", _booking_path(confirmation_number), json=changes, params=_preview(preview), headers=_proof(last_name)
        )

    async def cancel_booking(
        self, confirmation_number: str, *, last_name: str, reason: str | None = None, preview: bool = False
    ) -> dict[str, Any]:
        body = {"cancellation_reason": reason} if reason else None
        return await self._call(
            "DELETE", _booking_path(confirmation_number), json=body, params=_preview(preview), headers=_proof(last_name)
        )

    async def create_service_request(self, body: dict[str, Any], *, last_name: str) -> dict[str, Any]:
        """File a request for the guest in a room, proven by the last name the caller gave for it."""
        return await self._call("POST", "/v1/services/requests", json=body, headers=_proof(last_name))

    async def voice_start(
        self, *, caller_id: str | None = None, livekit_room: str | None = None, agent_version: str | None = None
    ) -> dict[str, Any]:
        """Open the call log; from now on this client speaks for that call (its session id and key on every request)."""
        body = {"caller_id": caller_id, "livekit_room": livekit_room, "agent_version": agent_version}
        started = await self._call("POST", "/v1/voice/session/start", json={k: v for k, v in body.items() if v})
        self._http.headers.update({CALL_SESSION_HEADER: started["session_id"], CALL_KEY_HEADER: started["call_key"]})
        return started

    async def voice_transcript(self, session_id: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
        return await self._call("POST", f"{_session_path(session_id)}/transcript", json={"entries": entries})

    async def voice_intent(
        self, session_id: str, *, intent: str, confidence: float, entities: dict[str, Any]
    ) -> dict[str, Any]:
        body = {"intent": intent, "confidence": confidence, "entities": entities}
        return await self._call("POST", f"{_session_path(session_id)}/intent", json=body)

    async def voice_end(self, session_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return await self._call("POST", f"{_session_path(session_id)}/end", json=body)

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        try:
            response = await self._http.request(method, path, params=params, json=json, headers=headers)
        except httpx.HTTPError as exc:
            raise ApiError(503, UNREACHABLE) from exc
        if response.is_success:
            return response.json()
        try:
            problem = response.json()
        except ValueError:
            problem = {}
        detail = problem.get("detail") if isinstance(problem, dict) else None
        raise ApiError(
            response.status_code,
            detail or f"The reservation system answered {response.status_code}.",
            problem.get("field") if isinstance(problem, dict) else None,
            problem.get("code") if isinstance(problem, dict) else None,
        )


def _booking_path(confirmation_number: str) -> str:
    return f"/v1/bookings/{quote(confirmation_number.strip(), safe='')}"


def _session_path(session_id: str) -> str:
    return f"/v1/voice/session/{quote(session_id, safe='')}"


def _proof(last_name: str) -> dict[str, str]:
    """The guest's last name the caller was verified with; the API lets the agent near a booking only with it."""
    return {PROOF_HEADER: quote(last_name.strip(), safe="")}


def _preview(preview: bool) -> dict[str, str] | None:
    return {"preview": "true"} if preview else None
