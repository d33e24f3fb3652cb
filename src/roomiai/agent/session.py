"""RoomiSession: livekit's AgentSession, with no way for card data to reach the brain or the history."""

from __future__ import annotations

from livekit.agents import AgentSession, llm

from .card_capture import safe_words


class RoomiSession(AgentSession):
    """Caller text given to generate_reply / run (typed text, room chat, keypad) is made safe like speech is:
    card-like numbers, security codes and card expiries become placeholders."""

    def generate_reply(self, *, user_input=None, **options):  # noqa: ANN001, ANN201 - livekit's signature
        if isinstance(user_input, str):
            user_input = safe_words(user_input, after_a_card=False)
        elif isinstance(user_input, llm.ChatMessage):
            user_input.content = [
                safe_words(part, after_a_card=False) if isinstance(part, str) else part for part in user_input.content
            ]
        if user_input is None:
            return super().generate_reply(**options)
        return super().generate_reply(user_input=user_input, **options)
