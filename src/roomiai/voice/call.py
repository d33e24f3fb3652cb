"""One spoken call: Roomi in an AgentSession with ears, a voice and a VAD, logged turn by turn.

Every transport (WAV files, the browser call page, a LiveKit room) gives the call its audio input and output and a
way to hang up or transfer; everything else, from turn-taking to the call log, is the same for all of them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import time
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from livekit import rtc
from livekit.agents import (
    NOT_GIVEN,
    Agent,
    AgentSession,
    APIConnectOptions,
    ModelSettings,
    TurnHandlingOptions,
    llm,
    stt,
)
from livekit.agents.utils import http_context
from livekit.agents.voice import io, room_io
from livekit.agents.voice.agent_session import SessionConnectOptions
from livekit.agents.voice.events import (
    AgentStateChangedEvent,
    ConversationItemAddedEvent,
    ErrorEvent,
    FunctionToolsExecutedEvent,
    UserStateChangedEvent,
)
from livekit.agents.voice.transcription import TranscriptSynchronizer

from .. import __version__, metrics
from ..agent.api_client import RoomiApi
from ..agent.call_state import CallState
from ..agent.prompts import system_prompt
from ..agent.receptionist import Receptionist
from ..agent.recorder import CallRecorder
from ..agent.runtime import MAX_TOOL_STEPS, NOT_UNDERSTOOD, IntentLog, MakeBrain, uses_of
from ..agent.session import RoomiSession
from ..agent.tools.common import redact
from ..config import Settings
from .backchannel import is_backchannel
from .call_timers import SILENT_GOODBYE, STILL_THERE, TIME_NEARLY_UP, TIME_UP, CallTimers
from .line_clock import LineClock
from .speech import Speech
from .turn_end import TranscriptTurnDetector

log = logging.getLogger("roomiai.voice")

OPERATOR_WORDS = "I'd like to speak to someone at the front desk."
SORRY_TRY_AGAIN = "I'm sorry, I didn't catch that. Could you say it again?"
SORRY_TRANSFER = "I'm sorry, I'm having trouble on my side. Let me put you through to the front desk."
MAX_PROVIDER_FAILURES = 2
CUT_OFF = " [cut off]"  # ends a reply the caller interrupted, in the call log, after the words she actually said
BARGE_IN_SECONDS = 0.2  # the caller's speech that pauses Roomi (VAD); the words then decide: barge-in or backchannel
RESUME_AFTER_SECONDS = 1.0  # a pause that brought no words (a cough, "uh-huh") resumes her after this long
TransferCall = Callable[[str | None], Awaitable[None]]


def connect_options(settings: Settings) -> SessionConnectOptions:
    """One quick retry, then the fallback provider or an apology: a caller cannot wait through livekit's defaults."""
    attempt = APIConnectOptions(max_retry=1, retry_interval=0.3, timeout=settings.provider_timeout_seconds)
    return SessionConnectOptions(
        stt_conn_options=attempt,
        llm_conn_options=attempt,
        tts_conn_options=attempt,
        max_unrecoverable_errors=MAX_PROVIDER_FAILURES + 1,
    )


def voice_turns(settings: Settings) -> TurnHandlingOptions:
    """Turn-taking for calls, explicit so that no default reaches for LiveKit Cloud inference."""
    return {
        # the VAD ends a turn; a caller whose words stop mid-sentence ("my number is 415 555") is given longer
        "turn_detection": TranscriptTurnDetector() if settings.unfinished_turn_seconds > 0 else "vad",
        "endpointing": {
            "mode": "fixed",
            "min_delay": settings.endpointing_seconds,
            "max_delay": max(settings.unfinished_turn_seconds, settings.endpointing_seconds),
        },
        # barge-in: the caller's voice pauses Roomi at once; their words then interrupt her, while a backchannel
        # ("uh-huh", dropped by VoiceReceptionist) or a noise brings no words and she resumes
        "interruption": {
            "enabled": True,
            "mode": "vad",
            "min_duration": BARGE_IN_SECONDS,
            "resume_false_interruption": True,
            "false_interruption_timeout": RESUME_AFTER_SECONDS,
        },
        # the brain has side effects (state, tool calls): never let it run on a guess of the caller's words
        "preemptive_generation": {"enabled": False},
    }


class VoiceReceptionist(Receptionist):
    """Roomi on a voice line: what the caller says only to show they are listening does not stop her."""

    async def stt_node(
        self, audio: AsyncIterable[rtc.AudioFrame], model_settings: ModelSettings
    ) -> AsyncGenerator[stt.SpeechEvent, None]:
        async for event in Agent.default.stt_node(self, audio, model_settings):
            if (
                isinstance(event, stt.SpeechEvent)
                and event.type == stt.SpeechEventType.FINAL_TRANSCRIPT
                and event.alternatives
                and self._speaking()
                and is_backchannel(event.alternatives[0].text)
            ):
                log.debug("call %s: a backchannel while Roomi speaks, not a turn", self.state.session_id)
                continue
            yield event

    def _speaking(self) -> bool:
        speech = self.session.current_speech
        return speech is not None and not speech.done() and not speech.interrupted


@dataclass
class Transport:
    """What the call's medium provides: audio both ways and, optionally, text out, a transfer and a hang-up."""

    audio_input: io.AudioInput | None
    audio_output: io.AudioOutput | None
    transcription: io.TextOutput | None = None
    transfer: TransferCall | None = None
    hang_up: Callable[[], Awaitable[None]] | None = None
    name: str = "voice"
    room: rtc.Room | None = None  # a LiveKit room brings its own audio, for this participant
    participant: str | None = None


@dataclass
class TurnTiming:
    """One caller turn and Roomi's answer, times in milliseconds."""

    caller: str
    roomi: str = ""
    end_of_speech_to_first_audio_ms: float | None = None
    stt_ms: float | None = None
    end_of_turn_ms: float | None = None
    brain_ms: float | None = None
    tts_first_audio_ms: float | None = None
    tools: list[str] = field(default_factory=list)

    def millis(self) -> dict[str, float]:
        """The timings alone, as the call log stores them."""
        return {
            key: round(value, 1) for key, value in self.__dict__.items() if key.endswith("_ms") and value is not None
        }


class VoiceCall:
    """Listens to the session's events: writes the call log, times each turn, recovers from provider failures."""

    def __init__(
        self,
        *,
        session: AgentSession,
        state: CallState,
        recorder: CallRecorder,
        greeting: str,
        today: dt.date,
        speech: Speech,
        transport: Transport,
        settings: Settings,
        clock: LineClock | None = None,
    ):
        self.session = session
        self.agent: Receptionist | None = None
        self.state = state
        self.recorder = recorder
        self.greeting = greeting
        self.speech = speech
        self.transport = transport
        self.turns: list[TurnTiming] = []
        self.finished = asyncio.Event()
        self.agent_state = "initializing"
        self.state_changed = asyncio.Condition()
        self._intents = IntentLog(recorder, today=today, session_id=lambda: state.session_id)
        self._last_reply = greeting
        self._user_metrics: dict[str, Any] = {}
        self._writes: asyncio.Task | None = None
        self._failures = 0
        self._transfer_to: str | None = None
        self._ending = False
        self.tools_used: list[dict[str, Any]] = []
        voice = recorder.voice_settings
        self.timers = CallTimers(
            clock=clock or LineClock(),
            prompt_after=settings.silence_prompt_seconds,
            goodbye_after=settings.silence_goodbye_seconds,
            max_seconds=voice.get("max_call_duration"),
            prompt=self._still_there,
            goodbye=self._silent_goodbye,
            warn=self._time_nearly_up,
            time_up=self._time_up,
        )
        session.on("conversation_item_added", self._on_item)
        session.on("agent_state_changed", self._on_agent_state)
        session.on("user_state_changed", self._on_user_state)
        session.on("function_tools_executed", self._on_tools)
        session.on("error", self._on_error)
        session.on("close", lambda _: self.finished.set())

    @property
    def over(self) -> bool:
        return self.state.ended or self.state.transferred

    async def keypad_entry(self, keys: str) -> None:
        """Digits the caller typed on the keypad (DTMF): a card goes to the secure step, anything else to Roomi."""
        assert self.agent is not None  # set before the session starts, and keys come only once it runs
        cards = self.agent.cards
        if cards.waiting_for_expiry and len(keys) in (4, 6):
            words = f"expiry {keys[:2]}/{keys[2:]}"
        elif keys == "0":
            words = OPERATOR_WORDS
        else:
            words = keys if len(keys) >= 13 else f"On my keypad: {' '.join(keys)}"
        captured = await cards.take(words)
        if captured is None:
            self.session.generate_reply(user_input=words)
            return
        self._write(self.recorder.guest(f"(keypad) {captured.safe_text}"))
        if captured.reply:
            self.session.say(captured.reply)
        else:
            self.session.generate_reply(user_input=captured.safe_text)

    async def greet(self) -> None:
        """The greeting; the caller may talk over it, and is heard and answered."""
        self.timers.start()
        self.session.say(self.greeting)

    async def on_transfer(self, number: str | None, reason: str) -> None:
        """The transfer tool ran: the transfer happens once Roomi has said where the caller is going."""
        self._transfer_to = number
        log.info("call %s: transfer to the front desk (%s)", self.state.session_id, reason)

    async def wait_for(self, predicate: Callable[[], bool], timeout: float | None = None) -> bool:
        """Wait until predicate() holds after an agent state change; False on time-out."""
        async with self.state_changed:
            try:
                await asyncio.wait_for(self.state_changed.wait_for(predicate), timeout)
            except TimeoutError:
                return False
        return True

    async def close(self) -> None:
        """Finalise the call log once: outcome, booking, entities, timings and the tools Roomi used."""
        self.timers.stop()
        await self._flush_writes()
        pending = (
            None
            if self.state.ended
            else (self.state.pending_booking or self.state.pending_change or self.state.pending_cancellation)
        )
        await self.recorder.end(
            outcome=self.state.outcome or ("abandoned" if pending else None),
            confirmation_number=self.state.last_confirmation,
            entities_extracted=self._intents.entities,
            turn_timings=[turn.millis() for turn in self.turns],
            tools_used=self.tools_used,
        )

    # ---------------------------------------------------------------- session events (called synchronously)

    def _on_item(self, event: ConversationItemAddedEvent) -> None:
        item = event.item
        if item.type != "message" or not item.text_content:
            return
        text = redact(item.text_content)
        if item.role == "user":
            self._user_metrics = dict(item.metrics or {})
            self.turns.append(TurnTiming(caller=text))
            confidence = getattr(item, "transcript_confidence", None)  # the recogniser's, as the blueprint logs it
            self._write(
                self.recorder.guest(text, confidence=None if confidence is None else min(max(confidence, 0.0), 1.0))
            )
            self._write(self._intents.log(text, previous_agent=self._last_reply))
        elif item.role == "assistant":
            self._last_reply = text
            self._write(self.recorder.agent(text + CUT_OFF if item.interrupted else text))
            if text.startswith(NOT_UNDERSTOOD) and self.turns:  # findable on the desk among the calls that went wrong
                self.recorder.error("not_understood", f"Roomi did not understand: {self.turns[-1].caller[:200]}")
            if self.turns and not self.turns[-1].roomi:
                self._time_reply(self.turns[-1], text, dict(item.metrics or {}))

    def _time_reply(self, turn: TurnTiming, text: str, metrics: dict[str, Any]) -> None:
        turn.roomi = text
        user = self._user_metrics
        turn.stt_ms = _ms(user.get("transcription_delay"))
        turn.end_of_turn_ms = _ms(user.get("end_of_turn_delay"))
        turn.end_of_speech_to_first_audio_ms = _ms(metrics.get("e2e_latency"))
        turn.tts_first_audio_ms = _ms(metrics.get("tts_node_ttfb"))
        first_audio, end_of_turn, tts = (
            turn.end_of_speech_to_first_audio_ms,
            turn.end_of_turn_ms,
            turn.tts_first_audio_ms,
        )
        if first_audio is not None and end_of_turn is not None and tts is not None:
            # what is left between the turn's end and the voice's first audio is the brain, tools included
            turn.brain_ms = max(first_audio - end_of_turn - tts, 0.0)

    def _on_tools(self, event: FunctionToolsExecutedEvent) -> None:
        names = [call.name for call in event.function_calls]
        if self.turns:
            self.turns[-1].tools.extend(names)
        self.tools_used += uses_of(event.zipped(), turn=len(self.turns))

    def _on_agent_state(self, event: AgentStateChangedEvent) -> None:
        self.agent_state = event.new_state
        asyncio.ensure_future(self._notify())
        if event.new_state == "listening" and self.over and not self._ending:
            self._ending = True
            self.timers.stop()
            asyncio.ensure_future(self._leave())
        self._time_silence()

    def _on_user_state(self, event: UserStateChangedEvent) -> None:
        if event.new_state == "speaking":
            self.timers.heard()
        self._time_silence()

    def _time_silence(self) -> None:
        """Silence counts only while Roomi listens and the caller says nothing."""
        if self._ending or self.over:
            self.timers.stop()
        elif self.agent_state == "listening" and self.session.user_state != "speaking":
            self.timers.quiet()
        else:
            self.timers.busy()

    def _on_error(self, event: ErrorEvent) -> None:
        source = type(event.source).__name__
        self.recorder.error("provider_error", f"{source}: {event.error}")
        metrics.provider_error(
            "stt" if isinstance(event.source, stt.STT) else "llm" if isinstance(event.source, llm.LLM) else "tts"
        )
        log.warning("call %s: %s failed: %s", self.state.session_id, source, getattr(event.error, "error", event.error))
        if getattr(event.error, "recoverable", True):
            return
        self._failures += 1
        if self._failures >= MAX_PROVIDER_FAILURES and self.transport.transfer is not None and not self._ending:
            asyncio.ensure_future(self._give_up())
        elif not self._ending:
            self.session.say(SORRY_TRY_AGAIN)

    # ---------------------------------------------------------------- helpers

    async def _notify(self) -> None:
        async with self.state_changed:
            self.state_changed.notify_all()

    async def _leave(self) -> None:
        """Roomi has finished speaking after ending or transferring the call: carry it out."""
        try:
            if self.state.transferred and self.transport.transfer is not None:
                await self.transport.transfer(self._transfer_to)
            elif self.transport.hang_up is not None:
                await self.transport.hang_up()
        except Exception as exc:
            log.exception(
                "call %s: could not %s", self.state.session_id, "transfer" if self.state.transferred else "hang up"
            )
            self.recorder.error("transfer_failed" if self.state.transferred else "hang_up_failed", str(exc))
        finally:
            self.finished.set()

    async def _give_up(self, words: str = SORRY_TRANSFER) -> None:
        self._ending = True
        self.timers.stop()
        self.state.transferred = True
        self.state.settle("transferred")
        facts = self.state.hotel_facts or {}
        self._transfer_to = (facts.get("voice_agent_settings") or {}).get("transfer_number") or facts.get("phone")
        handle = self.session.say(words, allow_interruptions=False)
        await handle.wait_for_playout()
        await self._leave()

    async def _still_there(self) -> None:
        """Ask, repeating her last question: a "yes" then answers it, as the brain expects, not the check-in."""
        if not self.over:
            question = re.findall(r"[^.?!]*\?", self._last_reply.removesuffix(CUT_OFF))
            self.session.say(f"{STILL_THERE} {question[-1].strip()}" if question else STILL_THERE)

    async def _silent_goodbye(self) -> None:
        """The caller stayed silent after being asked: goodbye, and the line is hung up once it is said."""
        if self.over:
            return
        self.state.ended = True
        self.state.outcome = self.state.outcome or "abandoned"
        self.session.say(SILENT_GOODBYE, allow_interruptions=False)

    async def _time_nearly_up(self) -> None:
        if not self.over:
            self.session.say(TIME_NEARLY_UP)

    async def _time_up(self) -> None:
        if not self.over and not self._ending:
            asyncio.ensure_future(self._give_up(TIME_UP))  # not on the timer's task, which ending the call cancels

    def _write(self, coroutine: Awaitable[None]) -> None:
        """Call-log writes run one after another, in the order the call produced them."""
        previous = self._writes

        async def chained() -> None:
            if previous is not None:
                await asyncio.shield(previous)
            await coroutine

        self._writes = asyncio.ensure_future(chained())

    async def _flush_writes(self) -> None:
        if self._writes is not None:
            await asyncio.shield(self._writes)


def _ms(seconds: Any) -> float | None:
    return None if seconds is None else float(seconds) * 1000


@asynccontextmanager
async def start_voice_call(
    api: RoomiApi,
    *,
    today: dt.date,
    make_brain: MakeBrain,
    speech: Speech,
    transport: Transport,
    settings: Settings,
    caller_id: str | None = None,
    livekit_room: str | None = None,
    clock: LineClock | None = None,
) -> AsyncIterator[VoiceCall]:
    """Open the call log, start Roomi on the transport's audio, greet; the log is finalised however the call ends.

    `clock` runs the silence and call-length timers (tests move it by hand).
    """
    async with AsyncExitStack() as stack:
        # cloud plugins need an HTTP session; a LiveKit job has one already, a WAV or browser call opens its own
        await stack.enter_async_context(http_context.open())
        stack.push_async_callback(speech.aclose)
        facts = await api.hotel_info()
        speech.listen_for(facts)
        state = CallState(caller_id=caller_id, hotel_facts=facts, today=today)
        brain: llm.LLM = make_brain(api, state, facts)
        stack.push_async_callback(brain.aclose)
        session = RoomiSession(
            llm=brain,
            stt=speech.stt,
            tts=speech.tts,
            vad=speech.vad,
            userdata=state,
            max_tool_steps=MAX_TOOL_STEPS,
            turn_handling=voice_turns(settings),
            user_away_timeout=None,
            conn_options=connect_options(settings),
            # livekit otherwise ignores (and silences for STT) the caller's first 3 s over Roomi,
            # against an echo that WAV lines, the browser's echo canceller and phone lines do not have
            aec_warmup_duration=None,
        )
        if transport.room is None:
            session.input.audio = transport.audio_input
            if transport.audio_output is not None:
                # text paced with the audio, so a cut reply keeps only the words the caller heard (as room_io does)
                synchronizer = TranscriptSynchronizer(
                    next_in_chain_audio=transport.audio_output, next_in_chain_text=transport.transcription
                )
                stack.push_async_callback(synchronizer.aclose)
                session.output.audio = synchronizer.audio_output
                session.output.transcription = synchronizer.text_output
            elif transport.transcription is not None:
                session.output.transcription = transport.transcription
        recorder = CallRecorder(api, agent_version=__version__)
        greeting = await recorder.start(caller_id=caller_id, livekit_room=livekit_room)
        state.session_id = recorder.session_id
        call = VoiceCall(
            session=session,
            state=state,
            recorder=recorder,
            greeting=greeting,
            today=today,
            speech=speech,
            transport=transport,
            settings=settings,
            clock=clock,
        )
        agent = VoiceReceptionist(
            api=api, state=state, on_transfer=call.on_transfer, instructions=system_prompt(facts, today=today)
        )
        call.agent = agent
        stack.push_async_callback(call.close)  # after the session has closed and said its last words
        await stack.enter_async_context(session)
        started = time.perf_counter()
        if transport.room is None:
            await session.start(agent, record=False)
        else:
            identity = NOT_GIVEN if transport.participant is None else transport.participant
            options = room_io.RoomOptions(participant_identity=identity, close_on_disconnect=True)
            await session.start(agent, room=transport.room, room_options=options, record=False)
        log.info(
            "call %s started in %.0f ms on %s (%s)",
            state.session_id,
            (time.perf_counter() - started) * 1000,
            transport.name,
            ", ".join(f"{k}: {v}" for k, v in speech.names.items()),
        )
        await call.greet()
        yield call
