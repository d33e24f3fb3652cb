"""ScriptedLLM: a test double for the brain that replays the tool calls and replies it is given, in order."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Union

from livekit.agents import llm, utils
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, APIConnectOptions, NotGivenOr

UNSCRIPTED = "(the script has no more steps)"


@dataclass
class Call:
    """One tool call the brain makes."""

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)


def call(name: str, **arguments: Any) -> Call:
    return Call(name, arguments)


Step = Union[str, Call, list[Call], Callable[[llm.ChatContext], Union[str, Call]]]


def last_output(chat_ctx: llm.ChatContext) -> Any:
    """The latest tool output in the chat, parsed when it is JSON."""
    for item in reversed(chat_ctx.items):
        if item.type == "function_call_output":
            try:
                return json.loads(item.output)
            except ValueError:
                return item.output
    return None


class ScriptedLLM(llm.LLM):
    """Each chat() answers with the next step: a text reply, a tool call, parallel tool calls, or a function of the chat."""

    def __init__(self, *steps: Step):
        super().__init__()
        self.steps: deque[Step] = deque(steps)
        self.state = "scripted"

    def then(self, *steps: Step) -> "ScriptedLLM":
        self.steps.extend(steps)
        return self

    @property
    def model(self) -> str:
        return "scripted"

    @property
    def provider(self) -> str:
        return "tests"

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
        step = self.steps.popleft() if self.steps else UNSCRIPTED
        if callable(step):
            step = step(chat_ctx)
        return _ReplayStream(self, step, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options)


class _ReplayStream(llm.LLMStream):
    def __init__(self, owner: ScriptedLLM, step: str | Call | list[Call], **kwargs: Any):
        super().__init__(owner, **kwargs)
        self._step = step

    async def _run(self) -> None:
        chunk_id = utils.shortuuid("scripted_")
        if isinstance(self._step, str):
            delta = llm.ChoiceDelta(role="assistant", content=self._step)
        else:
            calls = self._step if isinstance(self._step, list) else [self._step]
            delta = llm.ChoiceDelta(role="assistant", tool_calls=[
                llm.FunctionToolCall(name=c.name, arguments=json.dumps(c.arguments), call_id=utils.shortuuid("call_"))
                for c in calls
            ])
        self._event_ch.send_nowait(llm.ChatChunk(id=chunk_id, delta=delta))
