"""RoomiSession: livekit's AgentSession, with no way for a card number to reach the brain or the history."""

from __future__ import annotations

from livekit.agents import AgentSession, llm

from ..domain.cards import redact_card_numbers


class RoomiSession(AgentSession):
    """Caller text given to generate_reply / run (typed text, room chat, keypad) is redacted like speech is."""

    def generate_reply(self, *, user_input=None, **options):  # noqa: ANN001, ANN201 - livekit's signature
        if isinstance(user_input, str):
            user_input = redact_card_numbers(user_input)
        elif isinstance(user_input, llm.ChatMessage):
            user_input.content = [redact_card_numbers(part) if isinstance(part, str) else part
                                  for part in user_input.content]
        if user_input is None:
            return super().generate_reply(**options)
        return super().generate_reply(user_input=user_input, **options)
