"""The runner: prepares the hotel for a goal, drives one call like `roomi chat --jsonl` does, grades it; many calls per hotel."""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Callable
from typing import Any

import httpx

from roomiai.agent.runtime import MakeBrain, deterministic_brain, start_call

from .caller import MAX_TURNS, Caller, Line
from .goals import Goal
from .grader import Verdict, before_call, grade
from .hotel import SimHotel


async def prepare(hotel: SimHotel, goal: Goal) -> list[tuple[str, str]]:
    """Make what the goal assumes: the caller's booking (checked in for a guest in the house), a sold-out room type.

    Returns the room blocks to remove after the call.
    """
    rng = random.Random(f"prepare/{goal.label}")
    blocks: list[tuple[str, str]] = []
    if goal.existing:
        e = goal.existing
        body = {"check_in": e["check_in"].isoformat(), "check_out": (e["check_in"] + dt.timedelta(days=e["nights"])).isoformat(),
                "room_type_id": e["room_type"], "guests": {"adults": e["adults"], "children": e["children"]},
                "primary_guest": {"first_name": goal.first, "last_name": goal.last,
                                  "phone": {"country_code": "+1", "number": goal.phone}}}
        if goal.email:
            body["primary_guest"]["email"] = goal.email
        response = await hotel.staff.post("/v1/bookings", json=body)
        response.raise_for_status()
        made = response.json()["booking"]
        goal.existing_number = made["confirmation_number"]
        if e.get("checked_in"):
            response = await hotel.staff.post(f"/v1/bookings/{goal.existing_number}/check-in")
            response.raise_for_status()
            goal.room_number = response.json()["room_numbers"][0]
        if goal.wrong == "confirmation":
            prefix, day, _ = goal.existing_number.split("-")
            goal.wrong_number = f"{prefix}-{day}-{rng.randrange(900, 999)}"
    if goal.kind == "sold_out":
        blocks = await sell_out(hotel, goal)
    return blocks


async def sell_out(hotel: SimHotel, goal: Goal) -> list[tuple[str, str]]:
    """Block every room of the goal's room type for its stay (a later week when a room cannot be blocked)."""
    rooms = [r["room_number"] for r in (await hotel.admin.get("/v1/admin/rooms")).json()["rooms"]
             if r["type_code"] == goal.room_type]
    for _ in range(10):
        blocks = []
        for room in rooms:
            response = await hotel.admin.post(f"/v1/admin/rooms/{room}/blocks", json={
                "from": goal.check_in.isoformat(), "to": goal.check_out.isoformat(), "reason": "simulated sell-out"})
            if response.status_code == 409:  # a guest already holds it those nights
                continue
            response.raise_for_status()
            blocks.append((room, response.json()["id"]))
        if not await _free(hotel, (goal.check_in, goal.check_out), {goal.room_type}, goal):
            return blocks
        await unblock(hotel, blocks)
        goal.check_in += dt.timedelta(days=7)
    raise RuntimeError(f"could not sell out {goal.room_type} around {goal.check_in}")


async def unblock(hotel: SimHotel, blocks: list[tuple[str, str]]) -> None:
    for room, block in blocks:
        (await hotel.admin.delete(f"/v1/admin/rooms/{room}/blocks/{block}")).raise_for_status()


async def free_dates(hotel: SimHotel, goal: Goal) -> None:
    """Move a booking goal's stay later until its room type (and the alternative) is free: calls must not interfere."""
    if goal.kind not in ("book", "book_corrections", "book_one_breath", "card_data", "transfer", "questions", "sold_out") and not goal.existing:
        return
    wanted = {goal.alternative or goal.room_type} if goal.kind == "sold_out" else {goal.room_type}
    if goal.new_room_type:
        wanted.add(goal.new_room_type)
    for _ in range(20):
        stays = [(goal.check_in, goal.check_out)]
        if goal.new_check_in:
            stays.append((goal.new_check_in, goal.new_check_in + dt.timedelta(days=goal.new_nights or goal.nights)))
        if all([await _free(hotel, stay, wanted, goal) for stay in stays]):
            return
        goal.check_in += dt.timedelta(days=7)
        if goal.existing:
            goal.existing["check_in"] = goal.check_in
        if goal.new_check_in:
            goal.new_check_in += dt.timedelta(days=7)


async def _free(hotel: SimHotel, stay: tuple[dt.date, dt.date], wanted: set[str], goal: Goal) -> bool:
    response = await hotel.staff.get("/v1/rooms/availability", params={
        "check_in": stay[0].isoformat(), "check_out": stay[1].isoformat(), "adults": goal.adults, "children": goal.children})
    if response.status_code != 200:
        return False
    free = {option["room_type_code"] for option in response.json()["options"]}
    return wanted <= free


async def run_call(hotel: SimHotel, goal: Goal, *, make_brain: MakeBrain = deterministic_brain) -> Verdict:
    """One call from the greeting to the goodbye (or the transfer, or MAX_TURNS), graded."""
    hotel.set_today(goal.today)
    if goal.kind != "service_request":
        await free_dates(hotel, goal)
    blocks = await prepare(hotel, goal)
    before = await before_call(hotel.staff, goal)
    caller = Caller(goal)
    lines: list[Line] = []
    api = hotel.agent_api()
    try:
        async with api, start_call(api, today=goal.today, make_brain=make_brain, caller_id=goal.caller_id) as call:
            said: str | None = caller.opening()
            session_id = call.state.session_id
            while said is not None and len(lines) < MAX_TURNS:
                turn = await call.say(said)
                lines.append(Line(said, turn.reply, turn.state, [t["name"] for t in turn.tools]))
                if call.over:
                    break
                try:
                    said = caller.next_line(turn.reply)
                except Exception as exc:  # noqa: BLE001 - the simulator's own fault is reported, not mistaken for Roomi's
                    caller.problems.append(f"simulator error: {type(exc).__name__}: {exc}")
                    break
            if said is not None and not call.over and len(lines) >= MAX_TURNS:
                caller.problems.append(f"the call did not end in {MAX_TURNS} turns")
    finally:
        await unblock(hotel, blocks)
    verdict = await grade(hotel.staff, goal, caller, lines, before, session_id)
    if goal.existing and goal.existing.get("checked_in"):  # the guest leaves, so the room is free for later calls
        await hotel.staff.post(f"/v1/bookings/{goal.existing_number}/check-out")
    return verdict


def described(exc: Exception) -> str:
    if isinstance(exc, httpx.HTTPStatusError):
        return f"{exc.request.method} {exc.request.url.path} answered {exc.response.status_code}: {exc.response.text[:200]}"
    return f"{type(exc).__name__}: {exc}"


async def run_calls(hotel: SimHotel, goals: list[Goal], *, make_brain: MakeBrain = deterministic_brain,
                    progress: Callable[[Verdict], Any] | None = None) -> list[Verdict]:
    """Goals one after another on one hotel (each call on its own date, guest and stay)."""
    quiet = {name: logging.getLogger(name).level for name in ("livekit", "roomiai")}  # restored after: the test run
    logging.getLogger("livekit").setLevel(logging.ERROR)                           # shares these loggers
    logging.getLogger("roomiai").setLevel(logging.CRITICAL)
    try:
        return await _run_calls(hotel, goals, make_brain=make_brain, progress=progress)
    finally:
        for name, level in quiet.items():
            logging.getLogger(name).setLevel(level)


async def _run_calls(hotel: SimHotel, goals: list[Goal], *, make_brain: MakeBrain,
                     progress: Callable[[Verdict], Any] | None) -> list[Verdict]:
    verdicts = []
    for goal in goals:
        try:
            verdict = await run_call(hotel, goal, make_brain=make_brain)
        except Exception as exc:  # noqa: BLE001 - one call the simulator could not set up must not end the run
            verdict = Verdict(goal=goal, passed=False, reasons=[f"simulator error: {described(exc)}"], lines=[])
        verdicts.append(verdict)
        if progress:
            progress(verdict)
    return verdicts
