"""`roomi agent start|dev`: Roomi as a LiveKit worker answering phone calls (SIP) and WebRTC rooms.

LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET say which LiveKit server to join; LIVEKIT_AGENT_NAME (optional)
restricts the worker to explicit dispatch. Speech comes from ROOMIAI_SPEECH (deepgram or local), the brain from
ROOMIAI_BRAIN, the reservation system from API_URL with ROOMIAI_AGENT_TOKEN (embedded on the local database without).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sys
import warnings
from collections.abc import Awaitable, Callable

from livekit import rtc
from livekit.agents import AgentServer, JobContext, JobProcess

from ..agent.runtime import API_URL_ENV, brain_for, connect_api
from ..config import Settings
from ..domain.references import mask_phone
from .call import Transport, start_voice_call
from .line_clock import LineClock
from .speech import LocalModels, speech_for

log = logging.getLogger("roomiai.voice.worker")
LIVEKIT_ENV = ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET")
SIP_PHONE_ATTRIBUTE = "sip.phoneNumber"
KEYPAD_PAUSE_SECONDS = 3.0
MODEL_LOAD_SECONDS = 120.0  # a worker process loads Whisper, Piper and silero before its first call


class WorkerSetupError(Exception):
    """The worker cannot start; the message says what to set."""


def caller_number(participant: rtc.RemoteParticipant) -> str | None:
    """The phone number of a SIP caller, as the trunk reported it; None for a browser participant."""
    if participant.kind != rtc.ParticipantKind.PARTICIPANT_KIND_SIP:
        return None
    number = (participant.attributes or {}).get(SIP_PHONE_ATTRIBUTE, "").strip()
    return number or None


def transfer_target(number: str) -> str:
    """A SIP REFER target: sip: URIs as they are, phone numbers as tel: URIs."""
    if number.startswith(("sip:", "tel:")):
        return number
    main = re.split(r"(?i)\s*(?:ext\.?|extension|x|,|;)\s*\d+\s*$", number.strip())[0]  # REFER cannot dial extensions
    digits = re.sub(r"[^\d+]", "", main)
    if not digits.startswith("+"):
        log.warning("transfer number %s has no country code; the SIP trunk may refuse it", mask_phone(digits))
    return f"tel:{digits}"


class Keypad:
    """Collects DTMF keys into one entry: '#' sends it, '*' clears it, a pause sends it."""

    def __init__(
        self,
        send: Callable[[str], Awaitable[None]],
        *,
        pause: float = KEYPAD_PAUSE_SECONDS,
        clock: LineClock | None = None,
    ):
        self.send = send
        self.pause = pause
        self.clock = clock or LineClock()
        self.keys = ""
        self._timer: asyncio.Task | None = None
        self._sending: set[asyncio.Task] = set()

    def press(self, key: str) -> None:
        if key not in "0123456789*#" or not key:
            return  # A-D are not on a guest's phone
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if key == "*":
            self.keys = ""
        elif key == "#":
            self._send_now()
        elif key.isdigit():
            self.keys += key
            self._timer = asyncio.ensure_future(self._send_after_pause())

    async def _send_after_pause(self) -> None:
        await self.clock.sleep(self.pause)
        self._timer = None
        self._send_now()

    def _send_now(self) -> None:
        keys, self.keys = self.keys, ""
        if keys:
            task = asyncio.ensure_future(self.send(keys))
            self._sending.add(task)
            task.add_done_callback(self._sent)

    def _sent(self, task: asyncio.Task) -> None:
        self._sending.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a keypad entry could not be handled", exc_info=task.exception())

    def close(self) -> None:
        """The call ended: nothing typed is sent any more."""
        if self._timer is not None:
            self._timer.cancel()
        for task in self._sending:
            task.cancel()


def prewarm(process: JobProcess) -> None:
    """Load the local speech models once per worker process, before any call."""
    process.userdata["models"] = LocalModels.load(Settings())


async def answer(ctx: JobContext) -> None:
    """One call in one room: wait for the caller, let Roomi talk, carry out transfers and hang-ups."""
    settings = Settings()
    models: LocalModels = ctx.proc.userdata["models"]
    make_brain = brain_for(settings.brain, settings)
    await ctx.connect()
    participant = await ctx.wait_for_participant()
    caller = caller_number(participant)
    log.info("answering a call in room %s from %s", ctx.room.name, mask_phone(caller) or participant.kind)

    async def transfer(number: str | None) -> None:
        if number is None or participant.kind != rtc.ParticipantKind.PARTICIPANT_KIND_SIP:
            log.warning("call in room %s: no SIP caller or number to transfer to", ctx.room.name)
            return
        await ctx.transfer_sip_participant(participant, transfer_target(number))

    async def hang_up() -> None:
        await ctx.delete_room()

    async with connect_api(settings) as (api, today):
        transport = Transport(
            audio_input=None,
            audio_output=None,
            room=ctx.room,
            participant=participant.identity,
            transfer=transfer,
            hang_up=hang_up,
            name="livekit",
        )
        async with start_voice_call(
            api,
            today=today,
            make_brain=make_brain,
            speech=speech_for(settings, models),
            transport=transport,
            settings=settings,
            caller_id=caller,
            livekit_room=ctx.room.name,
        ) as call:
            keypad = Keypad(call.keypad_entry)
            ctx.room.on("sip_dtmf_received", lambda dtmf: keypad.press(dtmf.digit))
            try:
                await call.finished.wait()
            finally:
                keypad.close()


def check_environment(settings: Settings, environ=os.environ) -> None:
    """Fail before connecting when the worker could never answer a call."""
    missing = [name for name in LIVEKIT_ENV if not environ.get(name)]
    if missing:
        raise WorkerSetupError(f"set {', '.join(missing)} (your LiveKit server or LiveKit Cloud project)")
    if settings.env != "dev" and not environ.get(API_URL_ENV):
        raise WorkerSetupError(
            f"ROOMIAI_ENV={settings.env}: set {API_URL_ENV} and ROOMIAI_AGENT_TOKEN so the worker "
            "books through the hotel's API"
        )


def use_roomi_logging(log_level: str, *_: object, **__: object) -> None:
    """Stands in for livekit's log set-up, which would add a second, unredacted stdout handler to the root logger."""
    logging.getLogger().setLevel(log_level.upper())


def run(mode: str, extra_args: list[str]) -> int:
    """Run the LiveKit worker (mode start or dev) until interrupted."""
    settings = Settings()
    try:
        check_environment(settings)
        brain_for(settings.brain, settings)
        if settings.speech == "deepgram":
            from .speech import deepgram_key

            deepgram_key(settings)
    except Exception as exc:  # noqa: BLE001 - every setup problem is one line for the operator
        print(f"roomi agent: {exc}", file=sys.stderr)
        return 2
    from livekit.agents import cli
    from livekit.agents.cli import cli as livekit_cli

    livekit_cli.setup_logging = use_roomi_logging  # our redacting JSON handlers are already on the root logger
    server = AgentServer(setup_fnc=prewarm, initialize_process_timeout=MODEL_LOAD_SECONDS)
    server.rtc_session(answer)
    sys.argv = ["roomi agent", mode, *extra_args]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # livekit's Python CLI; `lk agent` is its successor
        cli.run_app(server)
    return 0
