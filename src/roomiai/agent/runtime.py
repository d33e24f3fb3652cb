"""One text call end to end: the API (embedded, or API_URL), the call log, and Roomi with her brain in an AgentSession."""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

from livekit.agents import AgentSession, TurnHandlingOptions, llm
from livekit.agents.voice.run_result import RunEvent

from .. import __version__
from ..bootstrap import app_running, opened_container
from ..clock import Clock
from ..config import Settings
from ..demo.seed import seed_demo
from ..domain.caller_turns import NOT_HEARD, TOO_LONG, too_long
from ..domain.cards import redact_card_numbers
from ..services.auth import access_token, wall_clock
from ..store.uow import UnitOfWork
from .api_client import RoomiApi
from .brain.entities import EntityExtractor
from .brain.intents import IntentClassifier
from .call_state import CallState
from .card_capture import CardCapture
from .prompts import system_prompt
from .receptionist import Receptionist
from .recorder import CallRecorder
from .session import RoomiSession
from .tools.common import redact
from .tools.handoff import TransferHook

log = logging.getLogger("roomiai.agent")

MakeBrain = Callable[[RoomiApi, CallState, dict[str, Any]], llm.LLM]
API_URL_ENV = "API_URL"
TOKEN_ENV = "ROOMIAI_AGENT_TOKEN"
DEMO_TIMEZONE = "America/New_York"
CALL_TOKEN_MINUTES = 12 * 60
MAX_TOOL_STEPS = 6
SORRY = "I'm sorry, something went wrong on my side. Could you say that again?"
NOT_UNDERSTOOD = ("Sorry, I didn't", "I'm sorry, I didn't", "I'm sorry, I'm having trouble understanding", SORRY)
TEXT_TURNS: TurnHandlingOptions = {
    "turn_detection": "manual",
    "interruption": {"enabled": False},
    "preemptive_generation": {"enabled": False},
}


class CallSetupError(Exception):
    """The call cannot start: a missing brain, configuration or connection; the message says what to do."""


def deterministic_brain(
    api: RoomiApi, state: CallState, hotel_facts: dict[str, Any], *, settings: Settings | None = None
) -> llm.LLM:
    """The offline dialogue engine (intent classifier, entity extractor, state machine) as an llm.LLM."""
    try:
        from .brain.llm import DeterministicLLM
    except ModuleNotFoundError as exc:
        if exc.name != "roomiai.agent.brain.llm":
            raise
        raise CallSetupError(
            "The deterministic brain (roomiai.agent.brain.llm) is not part of this build yet."
        ) from None
    read_back = {"read_back_below": settings.read_back_below} if settings is not None else {}
    return DeterministicLLM(hotel=hotel_facts, today=state.date, card=lambda: state.card, **read_back)


def llm_brain(
    api: RoomiApi, state: CallState, hotel_facts: dict[str, Any], *, settings: Settings | None = None
) -> llm.LLM:
    """A configured LLM (Groq, or an OpenAI-compatible endpoint) driving the same tools; see roomiai.agent.llm_brain."""
    from .llm_brain import LLMNotConfigured, make_llm

    try:
        return make_llm(settings or Settings())
    except LLMNotConfigured as exc:
        raise CallSetupError(str(exc)) from None


BRAINS: dict[str, MakeBrain] = {"deterministic": deterministic_brain, "llm": llm_brain}


def brain_for(name: str, settings: Settings) -> MakeBrain:
    """The brain factory for `name` with these settings; an unconfigured LLM brain fails here, before the call starts."""
    if name == "deterministic":
        return functools.partial(deterministic_brain, settings=settings)
    if name != "llm":
        return BRAINS[name]
    from .llm_brain import LLMNotConfigured, llm_brain_factory

    try:
        return llm_brain_factory(settings)
    except LLMNotConfigured as exc:
        raise CallSetupError(str(exc)) from None


@dataclass
class Turn:
    """Roomi's answer to one caller line."""

    reply: str
    state: str
    tools: list[dict[str, Any]]


class TextCall:
    """One call in text: caller lines in, Roomi's replies out, the call log written as it goes."""

    def __init__(
        self,
        *,
        session: AgentSession,
        brain: llm.LLM,
        state: CallState,
        recorder: CallRecorder,
        greeting: str,
        today: dt.date,
        cards: CardCapture,
    ):
        self.session = session
        self.cards = cards
        self.brain = brain
        self.state = state
        self.recorder = recorder
        self.greeting = greeting
        self.today = today
        self.timings: list[dict[str, float]] = []
        self.tools_used: list[dict[str, Any]] = []
        self._last_reply = greeting
        self._intents = IntentLog(recorder, today=today, session_id=lambda: state.session_id)

    @property
    def over(self) -> bool:
        """The caller was transferred or Roomi ended the call."""
        return self.state.ended or self.state.transferred

    async def greet(self) -> None:
        await self.session.say(self.greeting)
        await self.recorder.agent(self.greeting)

    async def say(self, text: str) -> Turn:
        """The caller says one line; returns Roomi's reply, the brain's state and the tools she called."""
        if too_long(text.strip()):  # before anything reads it: redaction and the brain are linear in its length
            await self.recorder.guest(NOT_HEARD)
            await self.recorder.agent(TOO_LONG)
            self._last_reply = TOO_LONG
            return Turn(TOO_LONG, brain_state(self.brain), [])
        captured = await self.cards.take(text.strip())
        text = captured.safe_text if captured else redact_card_numbers(text.strip())
        if captured and captured.reply:  # the secure card step answered; the brain never sees the card
            await self.recorder.guest(text)
            await self.session.say(captured.reply, add_to_chat_ctx=True)
            await self.recorder.agent(captured.reply)
            self._last_reply = captured.reply
            return Turn(captured.reply, brain_state(self.brain), [])
        await self.recorder.guest(text)
        await self._intents.log(text, previous_agent=self._last_reply)
        started = time.perf_counter()
        try:
            events = (await self.session.run(user_input=text)).events
        except Exception as exc:  # noqa: BLE001 - one failed turn must not drop the call
            log.exception("the agent failed to answer in call %s", self.state.session_id)
            self.recorder.error("agent_error", f"{type(exc).__name__}: {exc}")
            events = []
        self.timings.append({"agent_ms": round((time.perf_counter() - started) * 1000, 1)})
        self.state.tool_log = tool_calls(events)
        self.tools_used += tool_uses(events, turn=len(self.timings))
        reply = (
            " ".join(
                event.item.text_content
                for event in events
                if event.type == "message" and event.item.role == "assistant" and event.item.text_content
            )
            or SORRY
        )
        self._last_reply = reply
        if reply.startswith(NOT_UNDERSTOOD):  # findable on the desk among the calls that went wrong
            self.recorder.error("not_understood", f"Roomi did not understand: {text[:200]}")
        await self.recorder.agent(reply)
        return Turn(reply, brain_state(self.brain), self.state.tool_log)

    async def hang_up(self) -> None:
        """Finalise the call log (once): outcome, booking, entities and timings."""
        state = self.state
        pending = None if state.ended else (state.pending_booking or state.pending_change or state.pending_cancellation)
        await self.recorder.end(
            outcome=state.outcome or ("abandoned" if pending else None),
            confirmation_number=state.last_confirmation,
            entities_extracted=self._intents.entities,
            turn_timings=self.timings,
            tools_used=self.tools_used,
        )


class IntentLog:
    """Classifies each caller line for the call log (intent, entities), whatever brain answers the call."""

    def __init__(self, recorder: CallRecorder, *, today: dt.date, session_id: Callable[[], str | None]):
        self.recorder = recorder
        self.today = today
        self.session_id = session_id
        self.entities: dict[str, Any] = {}
        self._classifier = IntentClassifier()
        self._extractor = EntityExtractor()

    async def log(self, text: str, *, previous_agent: str) -> None:
        try:
            intent = self._classifier.classify(text, previous_agent=previous_agent)
            entities = self._extractor.extract(text, today=self.today, previous_agent=previous_agent)
        except Exception:  # noqa: BLE001 - understanding for the log must not break the call
            log.exception("could not classify a caller line in call %s", self.session_id())
            return
        self.entities.update(entities)
        await self.recorder.intent(intent.intent, intent.confidence, entities)


def _calls_and_outputs(events: list[RunEvent]) -> list[tuple[Any, Any]]:
    """Each tool call of one turn with its output (None when it has none)."""
    outputs = {event.item.call_id: event.item for event in events if event.type == "function_call_output"}
    return [(event.item, outputs.get(event.item.call_id)) for event in events if event.type == "function_call"]


def tool_calls(events: list[RunEvent]) -> list[dict[str, Any]]:
    """The tool calls of one turn as {"name", "arguments", "ok"}, card numbers redacted."""
    calls = []
    for call, output in _calls_and_outputs(events):
        try:
            arguments = json.loads(call.arguments or "{}")
        except ValueError:
            arguments = {"raw": call.arguments}
        calls.append(
            {"name": call.name, "arguments": redact(arguments), "ok": output is not None and not output.is_error}
        )
    return calls


def tool_uses(events: list[RunEvent], *, turn: int) -> list[dict[str, Any]]:
    """The call log's record of one turn's tool calls: name, success and the start of the result, redacted."""
    return uses_of(_calls_and_outputs(events), turn=turn)


def uses_of(pairs: list[tuple[Any, Any]], *, turn: int) -> list[dict[str, Any]]:
    """Tool calls paired with their outputs (None when none came) as the call log records them."""
    uses = []
    for call, output in pairs:
        result = " ".join(str(output.output or "").split()) if output is not None else "no result"
        uses.append(
            {
                "name": call.name[:40],
                "ok": output is not None and not output.is_error,
                "turn": turn,
                "result": redact(result)[:300],
            }
        )
    return uses


def brain_state(brain: llm.LLM) -> str:
    """The brain's conversation state, when it keeps one."""
    state = getattr(brain, "state", None)
    return "unknown" if state is None else str(getattr(state, "value", state))


@asynccontextmanager
async def connect_api(
    settings: Settings, *, today: dt.date | None = None, environ: Mapping[str, str] = os.environ
) -> AsyncIterator[tuple[RoomiApi, dt.date]]:
    """The API client and the hotel's date: API_URL with ROOMIAI_AGENT_TOKEN, else the embedded app on the database."""
    async with AsyncExitStack() as stack:
        url = environ.get(API_URL_ENV)
        if url:
            api, hotel_today = await _remote(url, environ.get(TOKEN_ENV), today, stack)
        else:
            api, hotel_today = await _embedded(settings, today, stack)
        yield api, hotel_today


async def _embedded(settings: Settings, today: dt.date | None, stack: AsyncExitStack) -> tuple[RoomiApi, dt.date]:
    clock = Clock(pinned_date=today or settings.today)
    container = await stack.enter_async_context(opened_container(settings, clock=clock))
    if settings.env == "dev":  # production databases are set up by `roomi init`, never with the demo
        async with UnitOfWork(container.db, write=True) as uow:
            await seed_demo(uow, now=Clock(DEMO_TIMEZONE, pinned_date=container.clock.pinned_date).now())
    app = await stack.enter_async_context(app_running(container))
    token = access_token(
        secret=container.secret, subject="roomi-agent", role="agent", minutes=CALL_TOKEN_MINUTES, now=wall_clock()
    )
    api = RoomiApi.embedded(app, token)
    stack.push_async_callback(api.aclose)
    return api, container.clock.today()


async def _remote(
    url: str, token: str | None, today: dt.date | None, stack: AsyncExitStack
) -> tuple[RoomiApi, dt.date]:
    if today is not None:
        raise CallSetupError(f"--today pins the embedded hotel's clock; with {API_URL_ENV} the API keeps its own date.")
    if not token:
        raise CallSetupError(f"{API_URL_ENV} is set: set {TOKEN_ENV} to an agent token (roomi token --role agent) too.")
    api = RoomiApi(url, token)
    stack.push_async_callback(api.aclose)
    return api, dt.date.fromisoformat((await api.health())["today"])


@asynccontextmanager
async def start_call(
    api: RoomiApi,
    *,
    today: dt.date,
    make_brain: MakeBrain,
    caller_id: str | None = None,
    livekit_room: str | None = None,
    on_transfer: TransferHook | None = None,
) -> AsyncIterator[TextCall]:
    """Open the call log, start Roomi with the brain, greet; the log is finalised however the call ends."""
    async with AsyncExitStack() as stack:
        facts = await api.hotel_info()
        state = CallState(caller_id=caller_id, hotel_facts=facts, today=today)
        brain = make_brain(api, state, facts)
        stack.push_async_callback(brain.aclose)
        agent = Receptionist(
            api=api, state=state, on_transfer=on_transfer, instructions=system_prompt(facts, today=today)
        )
        session = RoomiSession(
            llm=brain,
            userdata=state,
            max_tool_steps=MAX_TOOL_STEPS,
            vad=None,
            turn_handling=TEXT_TURNS,
            user_away_timeout=None,
        )
        await stack.enter_async_context(session)
        await session.start(agent, record=False)
        recorder = CallRecorder(api, agent_version=__version__)
        greeting = await recorder.start(caller_id=caller_id, livekit_room=livekit_room)
        state.session_id = recorder.session_id
        call = TextCall(
            session=session,
            brain=brain,
            state=state,
            recorder=recorder,
            greeting=greeting,
            today=today,
            cards=agent.cards,
        )
        stack.push_async_callback(call.hang_up)
        await call.greet()
        yield call
