"""`roomi chat`: talk to Roomi in a terminal, or drive her one JSON line at a time (--jsonl)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import re
import sys
import threading
from typing import Any, TextIO

from ..config import Settings
from .api_client import ApiError
from .runtime import CallSetupError, MakeBrain, TextCall, brain_for, connect_api, start_call

HANGUP = object()
QUIT_WORDS = ("/quit", "/hangup")
CALLER_ID_RE = re.compile(r"^\+?[\d\s().-]{3,24}$")


def run(settings: Settings, *, jsonl: bool, brain: str | None, today: str | None, caller_id: str | None) -> int:
    """Run one call on the terminal with `brain` (default: ROOMIAI_BRAIN); returns the exit status."""
    try:
        pinned = dt.date.fromisoformat(today) if today else None
    except ValueError:
        print(f"roomi chat: --today must be a date as YYYY-MM-DD, not {today!r}", file=sys.stderr)
        return 2
    if caller_id and not CALLER_ID_RE.fullmatch(caller_id):
        print(
            f"roomi chat: --caller-id must be a phone number such as +15551234567, not {caller_id!r}", file=sys.stderr
        )
        return 2
    try:
        make_brain = brain_for(brain or settings.brain, settings)
    except CallSetupError as exc:
        print(f"roomi chat: {exc}", file=sys.stderr)
        return 2
    if not jsonl:
        logging.getLogger("livekit").setLevel(logging.ERROR)
    out = sys.stdout
    with contextlib.redirect_stdout(sys.stderr) if jsonl else contextlib.nullcontext():
        try:
            asyncio.run(_call(settings, out=out, jsonl=jsonl, make_brain=make_brain, today=pinned, caller_id=caller_id))
        except (CallSetupError, ApiError) as exc:
            print(f"roomi chat: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            return 130
    return 0


async def _call(
    settings: Settings, *, out: TextIO, jsonl: bool, make_brain: MakeBrain, today: dt.date | None, caller_id: str | None
) -> None:
    async with (
        connect_api(settings, today=today) as (api, hotel_today),
        start_call(api, today=hotel_today, make_brain=make_brain, caller_id=caller_id) as call,
    ):
        lines = read_lines(sys.stdin)
        await (chat_jsonl if jsonl else chat_terminal)(call, lines, out)


async def chat_jsonl(call: TextCall, lines: asyncio.Queue[str | None], out: TextIO) -> None:
    """The machine protocol: the greeting, then one reply per caller line, until hangup or end of input."""
    emit(out, {"agent": call.greeting})
    while not call.over:
        line = await lines.get()
        if line is None:
            return
        try:
            said = caller_line(line)
        except ValueError as problem:
            emit(out, {"error": str(problem)})
            continue
        if said is HANGUP:
            return
        if said:
            turn = await call.say(said)
            emit(out, {"agent": turn.reply, "state": turn.state, "tools": turn.tools})


async def chat_terminal(call: TextCall, lines: asyncio.Queue[str | None], out: TextIO) -> None:
    """A person at the keyboard: "you> " prompts and "Roomi: " replies; /quit or Ctrl-D hangs up."""
    print(f"Roomi: {call.greeting}", file=out, flush=True)
    while not call.over:
        print("you> ", end="", file=out, flush=True)
        line = await lines.get()
        if line is None or line.strip().lower() in QUIT_WORDS:
            print(file=out)
            return
        if line.strip():
            turn = await call.say(line)
            print(f"Roomi: {turn.reply}", file=out, flush=True)


def caller_line(line: str) -> Any:
    """What one jsonl input line says: caller text, HANGUP, or None for a blank line; ValueError when unusable."""
    text = line.strip()
    if not text.startswith("{"):
        return text or None
    try:
        message = json.loads(text)
    except ValueError:
        return text
    if not isinstance(message, dict):
        return text
    if message.get("hangup") is True:
        return HANGUP
    said = message.get("caller")
    if isinstance(said, str):
        return said.strip() or None
    raise ValueError('an input object needs "caller" text or "hangup": true')


def emit(out: TextIO, message: dict[str, Any]) -> None:
    out.write(json.dumps(message, ensure_ascii=False) + "\n")
    out.flush()


def read_lines(stream: TextIO) -> asyncio.Queue[str | None]:
    """Lines of the stream as they arrive, then None; read on a daemon thread so exiting never waits on input."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        try:
            for line in iter(stream.readline, ""):
                loop.call_soon_threadsafe(queue.put_nowait, line)
            loop.call_soon_threadsafe(queue.put_nowait, None)
        except RuntimeError:
            return

    threading.Thread(target=pump, name="roomi-chat-input", daemon=True).start()
    return queue
