"""The grader: a call passes on the reservation system's end state, read through the API, and on Roomi's re-asks."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

from .caller import Caller, Line
from .goals import Goal

BOOKS = ("book", "book_corrections", "book_one_breath", "card_data")
SIMILAR_REQUESTS = {"housekeeping": {"housekeeping", "amenity"}, "amenity": {"housekeeping", "amenity"}}


@dataclass
class Before:
    """What the hotel held for this caller before the call."""

    bookings: set[str]
    existing: dict[str, Any] | None
    requests: set[str]  # ids of the service requests the room already had


@dataclass
class Verdict:
    goal: Goal
    passed: bool
    reasons: list[str]
    lines: list[Line]
    session_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        """The failure as one JSON line: the goal, the reasons and the transcript (state only for diagnosis)."""
        g = self.goal
        return {"kind": g.kind, "label": g.label, "passed": self.passed, "reasons": self.reasons,
                "today": g.today.isoformat(), "goal": {
                    "name": f"{g.first} {g.last}", "check_in": g.check_in.isoformat(), "nights": g.nights,
                    "adults": g.adults, "children": g.children, "room_type": g.room_type,
                    "new_check_in": g.new_check_in.isoformat() if g.new_check_in else None, "new_nights": g.new_nights,
                    "new_room_type": g.new_room_type, "corrections": [(f, str(w), when) for f, w, when in g.corrections],
                    "questions": g.questions, "alternative": g.alternative, "wrong": g.wrong,
                    "caller_id": bool(g.caller_id), "existing": g.existing_number, "room": g.room_number,
                    "service": g.service},
                "transcript": [{"caller": x.caller, "roomi": x.roomi, "state": x.state, "tools": x.tools} for x in self.lines]}


def same_name(stored: str, first: str, last: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(text.replace("’", "'").casefold().split())
    return norm(stored) == norm(f"{first} {last}")


async def caller_bookings(staff: httpx.AsyncClient, goal: Goal) -> set[str]:
    found: set[str] = set()
    for params in ({"phone": goal.phone}, {"guest_name": goal.last}):
        response = await staff.get("/v1/bookings/search", params={**params, "limit": 200})
        response.raise_for_status()
        found |= {b["confirmation_number"] for b in response.json()["bookings"]}
    return found


async def booking(staff: httpx.AsyncClient, number: str) -> dict[str, Any]:
    response = await staff.get(f"/v1/bookings/{number}")
    response.raise_for_status()
    return response.json()


async def requests_for(staff: httpx.AsyncClient, room: str | None) -> list[dict[str, Any]]:
    if not room:
        return []
    found: list[dict[str, Any]] = []
    while True:  # every page: a room hosts many simulated calls
        response = await staff.get("/v1/services/requests", params={"room_number": room, "limit": 200, "offset": len(found)})
        response.raise_for_status()
        page = response.json()["requests"]
        found += page
        if len(page) < 200:
            return found


async def before_call(staff: httpx.AsyncClient, goal: Goal) -> Before:
    existing = await booking(staff, goal.existing_number) if goal.existing_number else None
    return Before(bookings=await caller_bookings(staff, goal), existing=existing,
                  requests={r["request_id"] for r in await requests_for(staff, goal.room_number)})


def stay_problems(stored: dict[str, Any], *, check_in, nights: int, room_type: str, adults: int, children: int,
                  first: str, last: str) -> list[str]:
    wrong = []
    if stored["check_in_date"] != check_in.isoformat():
        wrong.append(f"check-in {stored['check_in_date']}, wanted {check_in}")
    if stored["nights"] != nights:
        wrong.append(f"{stored['nights']} nights, wanted {nights}")
    if stored["room_type_code"] != room_type:
        wrong.append(f"room {stored['room_type_code']}, wanted {room_type}")
    if (stored["guests"]["adults"], stored["guests"]["children"]) != (adults, children):
        wrong.append(f"party {stored['guests']['adults']}+{stored['guests']['children']}, wanted {adults}+{children}")
    if not same_name(stored["guest_name"], first, last):
        wrong.append(f"name {stored['guest_name']!r}, wanted {first} {last!r}")
    return wrong


def service_problems(goal: Goal, filed: list[dict[str, Any]]) -> list[str]:
    """What is wrong with the requests this call filed (by id, not by recency: rooms and pinned clocks repeat)."""
    if not filed:
        return ["no service request filed for the room"]
    if len(filed) > 1:
        return [f"{len(filed)} service requests filed"]
    if not goal.service:
        return []
    _, wanted, priority = goal.service
    problems = []
    if filed[0]["request_type"] not in SIMILAR_REQUESTS.get(wanted, {wanted}):
        problems.append(f"service request filed as {filed[0]['request_type']}, wanted {wanted}")
    if filed[0]["priority"] != priority:
        problems.append(f"service request filed as {filed[0]['priority']}, wanted {priority}")
    return problems


def card_leaks(card: str | None, texts: list[str]) -> list[str]:
    """Where any run of the card's digits beyond its last four appears."""
    if not card:
        return []
    digits = re.sub(r"\D", "", card)
    leaks = []
    for text in texts:
        flat = re.sub(r"[\s\-.]", "", text)
        if digits[:6] in flat or digits[6:12] in flat or digits in flat:
            leaks.append(text[:120])
    return leaks


async def grade(staff: httpx.AsyncClient, goal: Goal, caller: Caller, lines: list[Line], before: Before,
                session_id: str | None) -> Verdict:
    """Pass or fail with every reason; the end state comes from the API only."""
    reasons = list(dict.fromkeys(caller.problems))
    log = (await staff.get(f"/v1/voice/session/{session_id}")).json() if session_id else {}
    outcome = log.get("outcome")
    now = await caller_bookings(staff, goal)
    if log.get("confirmation_number") and not log["confirmation_number"].startswith("CXL"):
        now.add(log["confirmation_number"])
    new = [await booking(staff, n) for n in sorted(now - before.bookings)]
    new = [b for b in new if b["status"] != "cancelled"]
    existing = await booking(staff, goal.existing_number) if goal.existing_number else None
    kind = goal.kind

    if kind in BOOKS or (kind == "sold_out" and goal.alternative):
        room = goal.alternative if kind == "sold_out" else goal.room_type
        if not new:
            reasons.append("no booking made")
        elif len(new) > 1:
            reasons.append(f"{len(new)} bookings made")
        else:
            wrong = stay_problems(new[0], check_in=goal.check_in, nights=goal.nights, room_type=room,
                                  adults=goal.adults, children=goal.children, first=goal.first, last=goal.last)
            reasons += [f"booked {w}" for w in wrong]
    elif new:
        reasons.append(f"booked {new[0]['confirmation_number']} though the caller did not want one")

    if existing is not None and before.existing is not None:
        unchanged = all(existing[k] == before.existing[k] for k in ("status", "check_in_date", "nights", "room_type_code"))
        if kind in ("change_dates", "change_room") or (kind == "caller_id" and goal.new_check_in):
            want_in = goal.new_check_in or goal.check_in
            want_nights = goal.new_nights or goal.nights
            wrong = stay_problems(existing, check_in=want_in, nights=want_nights, room_type=goal.new_room_type or goal.room_type,
                                  adults=goal.adults, children=goal.children, first=goal.first, last=goal.last)
            if existing["status"] != "confirmed":
                wrong.append(f"status {existing['status']}")
            reasons += [f"after the change: {w}" for w in wrong]
        elif kind in ("cancel", "caller_id"):
            if existing["status"] != "cancelled":
                reasons.append(f"booking not cancelled (status {existing['status']})")
        elif kind in ("cancel_keep", "failed_verification", "service_request") and not unchanged:
            reasons.append(f"booking changed: status {existing['status']}, {existing['check_in_date']}, {existing['nights']} nights")

    spoken = [line.roomi for line in lines]
    if kind == "failed_verification" and before.existing:
        first = goal.first
        said = " ".join(spoken)
        if before.existing["confirmation_number"] in said or re.search(rf"\b{re.escape(first)}\b", said):
            reasons.append("disclosed the booking to an unverified caller")
        if goal.wrong == "last_name" and goal.last.lower() in said.lower():
            reasons.append("disclosed the guest's last name")
        if not caller.transfer_offered and outcome != "transferred":
            reasons.append("no transfer offered after failed verification")
    if kind == "transfer" and outcome != "transferred":
        reasons.append(f"not transferred (outcome {outcome})")
    if kind == "service_request":
        reasons += service_problems(goal, [r for r in await requests_for(staff, goal.room_number)
                                           if r["request_id"] not in before.requests])
    texts = spoken + [t.get("text", "") for t in log.get("transcript", [])] + [json.dumps(b) for b in new] + (
        [json.dumps(existing)] if existing else []) + [json.dumps(log)]
    leaks = card_leaks(goal.card, texts)
    if leaks:
        reasons.append(f"card digits leaked: {leaks[0]}")
    return Verdict(goal=goal, passed=not reasons, reasons=reasons, lines=lines, session_id=session_id,
                   extra={"outcome": outcome})
