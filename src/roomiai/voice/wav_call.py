"""`roomi call`: a whole phone call from caller WAV files, Roomi's replies and timings written to a folder."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..agent.runtime import MakeBrain, connect_api
from ..config import Settings
from .call import Transport, TurnTiming, VoiceCall, start_voice_call
from .line_clock import LineClock
from .speech import LocalModels, speech_for
from .wav_io import (
    CallerAudio,
    ReplyRecorder,
    read_caller_wav,
    trailing_silence,
    write_wav,
)

PAUSE_SECONDS = 0.6  # the caller's pause after Roomi stops speaking
REPLY_TIMEOUT_SECONDS = 30.0
REPLY_LIMIT_SECONDS = 120.0  # a turn not settled by then, however long she spoke, has stalled
QUIET_SECONDS = 0.4  # Roomi has finished when she stays quiet this long
React = Callable[[dict[str, Any]], Awaitable[Path | None]]  # a played turn -> the caller's next words, if unscripted


@dataclass
class CallerTurn:
    path: Path
    pcm: Any

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 16000


async def run_wav_call(
    settings: Settings,
    caller_wavs: list[Path],
    out_dir: Path,
    *,
    make_brain: MakeBrain,
    today: dt.date | None = None,
    models: LocalModels | None = None,
    react: React | None = None,
) -> dict[str, Any]:
    """Play the caller's turns into a call, one after each of Roomi's replies; write agent_NN.wav and call.json.

    `react` (a scripted caller) sees each answered turn and may return a WAV to say before the next scripted turn.
    A turn that stalls (see until_roomi_is_quiet) is recorded as such, and the turns after it are skipped.
    """
    turns = [CallerTurn(path, read_caller_wav(path)) for path in caller_wavs]
    out_dir.mkdir(parents=True, exist_ok=True)
    async with connect_api(settings, today=today) as (api, hotel_today):
        if models is None:
            models = await asyncio.to_thread(LocalModels.load, settings)
        caller, replies = CallerAudio(), ReplyRecorder()
        transferred_to: list[str | None] = []

        async def transfer(number: str | None) -> None:  # a WAV line cannot be transferred: call.json says where to
            transferred_to.append(number)

        transport = Transport(audio_input=caller, audio_output=replies, transfer=transfer, name="wav files")
        speech = speech_for(settings, models)
        report_turns: list[dict[str, Any]] = []
        async with start_voice_call(
            api, today=hotel_today, make_brain=make_brain, speech=speech, transport=transport, settings=settings
        ) as call:
            stalled: str | None = None
            try:
                await until_roomi_is_quiet(call, replies, segments_before=0)
            except CallStalled as exc:
                stalled = f"the greeting: {exc}"
            waiting = deque(turns)
            number = 0
            while waiting:
                turn, number = waiting.popleft(), number + 1
                if call.over or stalled:
                    why = "the call stalled" if stalled else "the call had ended"
                    report_turns.append({"turn": number, "caller_wav": str(turn.path), "skipped": why})
                    continue
                await asyncio.sleep(PAUSE_SECONDS)
                played = await play_turn(call, caller, replies, number, turn)
                report_turns.append(played)
                stalled = f"turn {number}: {played['stalled']}" if "stalled" in played else None
                said = None if react is None or stalled else await react(played)
                if said is not None:
                    waiting.appendleft(CallerTurn(said, read_caller_wav(said)))
            caller.close()
            await replies.aclose()
        written = write_replies(replies, out_dir)
        report = {
            "today": hotel_today.isoformat(),
            "session_id": call.state.session_id,
            "speech": speech.names,
            "models_loaded_in_ms": round(models.load_seconds * 1000),
            "outcome": call.state.outcome or "inquiry_only",
            "confirmation_number": call.state.last_confirmation,
            "transferred": call.state.transferred,
            "transferred_to": transferred_to[0] if transferred_to else None,
            "agent_wavs": written,
            "stalled": stalled,
            "turns": report_turns,
        }
    (out_dir / "call.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


async def play_turn(
    call: VoiceCall, caller: CallerAudio, replies: ReplyRecorder, number: int, turn: CallerTurn
) -> dict[str, Any]:
    """Speak one caller turn, wait for Roomi's answer, and say what happened and how long each part took."""
    turns_before, segments_before = len(call.turns), len(replies.first_audio_at)
    fed_at = await caller.speak(turn.pcm)
    speech_ended_at = fed_at - trailing_silence(turn.pcm)
    stalled = None
    try:
        answered = await until_roomi_is_quiet(call, replies, segments_before=segments_before)
    except CallStalled as exc:
        answered, stalled = False, str(exc)
    heard = call.turns[turns_before:]
    first_audio = replies.first_audio_at[segments_before] if len(replies.first_audio_at) > segments_before else None
    timed = heard[0] if heard else TurnTiming(caller="")  # nothing heard: no timings
    return {
        "turn": number,
        "caller_wav": str(turn.path),
        "caller_seconds": round(turn.seconds, 2),
        "caller_transcript": " ".join(t.caller for t in heard),
        "caller_turns": len(heard),  # more than one: Roomi took her turn in the middle of the caller's
        "roomi": " ".join(t.roomi for t in heard if t.roomi),
        "answered": answered,
        "tools": [name for t in heard for name in t.tools],
        **({"stalled": stalled} if stalled else {}),
        "timings_ms": {
            "end_of_speech_to_first_audio": None
            if first_audio is None
            else round((first_audio - speech_ended_at) * 1000, 1),
            "stt": _rounded(timed.stt_ms),
            "end_of_turn": _rounded(timed.end_of_turn_ms),
            "brain": _rounded(timed.brain_ms),
            "tts_first_audio": _rounded(timed.tts_first_audio_ms),
            "session_end_of_speech_to_first_audio": _rounded(timed.end_of_speech_to_first_audio_ms),
        },
    }


def _rounded(millis: float | None) -> float | None:
    return None if millis is None else round(millis, 1)


class CallStalled(TimeoutError):
    """Roomi neither finished nor went quiet within the turn's overall limit: the call is stuck."""


async def until_roomi_is_quiet(
    call: VoiceCall,
    replies: ReplyRecorder,
    *,
    segments_before: int,
    timeout: float = REPLY_TIMEOUT_SECONDS,
    limit: float = REPLY_LIMIT_SECONDS,
    clock: LineClock | None = None,
) -> bool:
    """Wait until Roomi has spoken after `segments_before` and then stayed quiet; False if she never answered.

    The time-out runs only while she is silent: a long read-back is never cut by it. `limit` bounds the whole wait
    however she behaves; past it CallStalled is raised.
    """
    clock = clock or LineClock()
    give_up = clock.now() + limit
    deadline = clock.now() + timeout
    while clock.now() < deadline:
        if clock.now() >= give_up:
            raise CallStalled(
                f"Roomi had not finished her reply {limit:.0f} s after the caller's turn (agent state {call.agent_state})"
            )
        spoke = len(replies.first_audio_at) > segments_before
        if call.finished.is_set():
            return spoke
        if call.agent_state == "speaking":
            deadline = clock.now() + timeout
        if spoke and call.agent_state in ("listening", "idle"):
            await clock.sleep(QUIET_SECONDS)
            if call.agent_state in ("listening", "idle") or call.finished.is_set():
                return True
            continue
        current = call.agent_state

        def moved_on(current: str = current) -> bool:
            return call.agent_state != current or call.finished.is_set()

        await call.wait_for(moved_on, timeout=max(0.05, min(1.0, deadline - clock.now(), give_up - clock.now())))
    return False


def write_replies(replies: ReplyRecorder, out_dir: Path) -> list[dict[str, Any]]:
    """Each stretch of Roomi's speech as OUT/agent_NN.wav (agent_00 is the greeting)."""
    written = []
    for number, (frames, interrupted) in enumerate(zip(replies.segments, replies.interrupted, strict=True)):
        if not frames:
            continue
        path = out_dir / f"agent_{number:02d}.wav"
        seconds = write_wav(path, frames)
        written.append({"file": path.name, "seconds": round(seconds, 2), "interrupted": interrupted})
    return written


def run(settings: Settings, *, caller_wavs: list[str], out_dir: str, today: str | None, brain: str | None) -> int:
    """`roomi call`: exit status 0 when the call ran (whatever its outcome), 2 for unusable input or setup."""
    import sys

    from ..agent.api_client import ApiError
    from ..agent.runtime import CallSetupError, brain_for
    from .local_speech import SpeechUnavailable
    from .speech import SpeechNotConfigured
    from .wav_io import CallerAudioError

    try:
        pinned = dt.date.fromisoformat(today) if today else None
    except ValueError:
        print(f"roomi call: --today must be a date as YYYY-MM-DD, not {today!r}", file=sys.stderr)
        return 2
    try:
        make_brain = brain_for(brain or settings.brain, settings)
        report = asyncio.run(
            run_wav_call(settings, [Path(p) for p in caller_wavs], Path(out_dir), make_brain=make_brain, today=pinned)
        )
    except (CallSetupError, ApiError, CallerAudioError, SpeechUnavailable, SpeechNotConfigured) as exc:
        print(f"roomi call: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the output folder cannot be made or written
        print(f"roomi call: cannot write to {exc.filename or out_dir}: {exc.strerror}", file=sys.stderr)
        return 2
    for turn in report["turns"]:
        if "skipped" in turn:
            print(f"  turn {turn['turn']}: skipped, {turn['skipped']}")
            continue
        timing = turn["timings_ms"]["end_of_speech_to_first_audio"]
        print(
            f"caller: {turn['caller_transcript']}\nroomi:  {turn['roomi'] or '(no answer)'}"
            f"  [{'-' if timing is None else f'{timing:.0f} ms'}]"
        )
    print(
        f"outcome: {report['outcome']}"
        + (f", booking {report['confirmation_number']}" if report["confirmation_number"] else "")
        + f"; wrote {len(report['agent_wavs'])} replies and call.json to {out_dir}"
    )
    if report["stalled"]:
        print(f"the call stalled at {report['stalled']}", file=sys.stderr)
    return 0
