"""The deterministic brain as a livekit `llm.LLM`: it emits the same tool calls an LLM would."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from typing import Any

from livekit.agents import llm, utils
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, APIConnectOptions, NotGivenOr

from ..tools.common import refused_code
from .dialogue import Call, DialogueManager, Say
from .heard import UNSURE_BELOW

log = logging.getLogger("roomiai.brain")


class DeterministicLLM(llm.LLM):
    """Intent classifier, entity extractor and dialogue state machine behind the LLM interface; no keys, no network."""

    def __init__(
        self,
        *,
        hotel: dict[str, Any],
        today: Callable[[], dt.date],
        card: Callable[[], dict[str, str] | None] | None = None,
        read_back_below: float = UNSURE_BELOW,
    ):
        super().__init__()
        self.dialogue = DialogueManager(hotel=hotel, today=today)
        self.dialogue.read_back_below = read_back_below
        self._card = card  # the card the secure step saved in this call (token, brand, last four), if any
        self._seen_outputs: set[str] = set()

    @property
    def model(self) -> str:
        return "roomi-deterministic"

    @property
    def provider(self) -> str:
        return "roomiai"

    @property
    def state(self) -> str:
        return self.dialogue.state

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        parallel_tool_calls: NotGivenOr[bool] = NOT_GIVEN,
        tool_choice: NotGivenOr[Any] = NOT_GIVEN,
        extra_kwargs: NotGivenOr[dict[str, Any]] = NOT_GIVEN,
    ) -> llm.LLMStream:
        return _DialogueStream(self, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options)

    def next_action(self, chat_ctx: llm.ChatContext) -> Say | Call:
        """Decide from the newest item: a tool output to phrase, or the caller's last words."""
        items = chat_ctx.items
        outputs = []
        for item in reversed(items):
            if item.type == "function_call_output":
                outputs.append(item)
            elif item.type in ("function_call", "agent_handoff"):
                continue
            else:
                break
        saved = self._card() if self._card else None
        if saved and self.dialogue.d.card_last_four != saved["last_four"]:
            self.dialogue.card_saved(saved["last_four"])
        fresh = [o for o in reversed(outputs) if o.call_id not in self._seen_outputs]
        if fresh:
            out = fresh[-1]
            self._seen_outputs.update(o.call_id for o in fresh)
            parsed, error, code = _parse_output(out.output, out.is_error)
            return self.dialogue.on_tool(out.name, parsed, error, code)
        for item in reversed(items):
            if item.type == "message" and item.role == "user":
                return self.dialogue.on_user(item.text_content or "", confidence=item.transcript_confidence)
            if item.type == "message" and item.role == "assistant":
                break
        return Say(self.dialogue.d.last_reply or "How can I help you today?")


class _DialogueStream(llm.LLMStream):
    async def _run(self) -> None:
        brain: DeterministicLLM = self._llm  # type: ignore[assignment]
        try:
            action = brain.next_action(self._chat_ctx)
        except Exception:  # noqa: BLE001 - a caller must never be left in silence by a bug in the brain
            log.exception("the deterministic brain failed on a turn")
            action = Say("I'm sorry, I didn't get that. Could you say it again?")
        chunk_id = utils.shortuuid("roomi_")
        if isinstance(action, Call):
            known = {tool.id for tool in self._tools} if self._tools else set()
            if known and action.name not in known:
                log.error("brain asked for unknown tool %s", action.name)
                action = Say("Sorry, I can't do that right now. Let me transfer you to the front desk.")
            else:
                call = llm.FunctionToolCall(
                    name=action.name, arguments=json.dumps(action.arguments), call_id=utils.shortuuid("call_")
                )
                self._event_ch.send_nowait(
                    llm.ChatChunk(id=chunk_id, delta=llm.ChoiceDelta(role="assistant", tool_calls=[call]))
                )
                return
        self._event_ch.send_nowait(
            llm.ChatChunk(id=chunk_id, delta=llm.ChoiceDelta(role="assistant", content=action.text))
        )


def _parse_output(output: str, is_error: bool) -> tuple[dict[str, Any] | None, str | None, str | None]:
    """A tool's output as (parsed result, error words, error code); the code is what the dialogue reads."""
    if is_error:
        detail, code = refused_code(output.strip())
        return None, detail.strip() or "Something went wrong.", code
    try:
        value = json.loads(output)
    except (TypeError, ValueError):
        return {"answer": output}, None, None
    return (value if isinstance(value, dict) else {"value": value}), None, None
