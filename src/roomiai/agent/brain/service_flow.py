"""A service request for a guest in the hotel: what is needed, the room, and the guest's name as proof."""

from __future__ import annotations

import datetime as dt
import re

from . import cues
from .asked import Asked
from .departments import department_of, is_urgent, items_of
from .flow import CANNOT_CHECK, CANNOT_CHECK_NOW, MAX_VERIFY_FAILURES, Action, Flow, ToolResult
from .normalise import normalise
from .responses import join_words
from .state import ConversationState as S


class ServiceFlow(Flow):
    """Files housekeeping, room service, maintenance and concierge requests for an in-house guest."""

    def _service(self, intent: str, changed: bool, lower: str, text: str) -> Action:
        sv = self.d.service
        kind = department_of(lower)
        if self.d.asked == Asked.SERVICE_WHAT and intent == "deny" and not kind:
            return self._done("Alright. Is there anything else I can help you with?")
        if kind and (sv.request_type is None or self.d.asked != Asked.ROOM_NUMBER):
            sv.request_type = kind
        if sv.request_type != "maintenance":
            sv.items += [item for item in items_of(lower) if item not in sv.items]
        room = cues.ROOM_NUMBER.search(lower)
        spoken = None if room else cues.room_number_in(normalise(text))
        if room:
            sv.room_number = room.group(1) or room.group(2)
        elif spoken:
            sv.room_number = spoken
        elif self.d.asked == Asked.ROOM_NUMBER and re.fullmatch(r"\s*\d{3,4}\s*", lower):
            sv.room_number = lower.strip()
        if is_urgent(lower):
            sv.priority = "urgent"
        if kind or intent == "service_request":
            sv.description = text[:300]
        name = self._said_last_name(text, bare=self.d.asked == Asked.SERVICE_NAME and not (room or spoken))
        if name:
            sv.last_name = name
        if sv.request_type is None:
            return self._ask(Asked.SERVICE_WHAT, "Of course. What can we bring you or take care of?", S.SERVICE_REQUEST)
        if sv.room_number is None:
            return self._ask(Asked.ROOM_NUMBER, "Certainly. What's your room number?", S.SERVICE_REQUEST)
        if sv.last_name is None:
            return self._ask(
                Asked.SERVICE_NAME,
                f"And the last name of the guest staying in room {sv.room_number}?",
                S.SERVICE_REQUEST,
            )
        return self._call(
            "request_service",
            {
                "request_type": sv.request_type,
                "room_number": sv.room_number,
                "last_name": sv.last_name,
                "items": sv.items or None,
                "description": sv.description,
                "priority": sv.priority,
            },
            S.SERVICE_REQUEST,
        )

    def _local_time(self, iso: str | None) -> str | None:
        if not iso:
            return None
        try:
            from zoneinfo import ZoneInfo

            moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(
                ZoneInfo(self.hotel.get("timezone", "UTC"))
            )
        except (ValueError, KeyError):
            return None
        return (
            moment.strftime("%-I:%M %p")
            .replace("AM", "in the morning")
            .replace("PM", "in the afternoon" if moment.hour < 18 else "in the evening")
        )

    # -- tool results ---------------------------------------------------------------------------

    def _on_request_service(self, r: ToolResult) -> Action:
        d, output = self.d, r.data
        if (r.code or output.get("code")) == CANNOT_CHECK_NOW:
            d.asked = Asked.TRANSFER
            return self._say(CANNOT_CHECK, S.SERVICE_REQUEST)
        if r.failed:
            d.service.room_number = d.service.last_name = None
            d.verify_failures += 1
            if d.verify_failures >= MAX_VERIFY_FAILURES:
                d.asked = Asked.TRANSFER
                return self._say(
                    f"I'm sorry, {r.sorry()} Would you like me to transfer you to the front desk?", S.SERVICE_REQUEST
                )
            return self._ask(
                Asked.ROOM_NUMBER, f"I'm sorry, {r.sorry()} Could you give me the room number again?", S.SERVICE_REQUEST
            )
        when = self._local_time(output.get("estimated_completion"))
        what = join_words(d.service.items) or output["request_type"].replace("_", " ")
        return self._done(
            f"I've put that in: {what} for room {output['room_number']}, reference {output['request_id']}."
            f"{' Expect it by about ' + when + '.' if when else ''} Is there anything else I can help you with?"
        )
