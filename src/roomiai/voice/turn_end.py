"""Has the caller finished? "My name is" and "It's 415 555" have not; "Sarah Connor." has.

A fast transcript lets Roomi take her turn soon after the caller stops, which would also cut off a caller who pauses
mid-sentence. This detector reads the words heard so far: a turn that stops on a word that needs another (an article,
a preposition, "is", "my") or in the middle of a number read out in groups is held for `unfinished_delay` (the
endpointing's max_delay) instead of the short one. It runs in microseconds and needs no model.
"""

from __future__ import annotations

import re

from livekit.agents import llm

UNFINISHED, FINISHED = 0.0, 1.0
THRESHOLD = 0.5
DANGLING = frozenset(
    """
a an the this that these my our your his her their its it's is are was were am be been to from for of in on at by
with about into until till between than and or but so because if then plus like want need would could can i i'm
we we're you you're number name names phone email address um uh er erm
""".split()
)
_WORD = re.compile(r"[a-z0-9']+")


def sounds_unfinished(text: str) -> bool:
    """True when the words stop where a sentence cannot: on a dangling word, a comma, or half a phone number."""
    stripped = text.strip()
    if not stripped:
        return False
    if stripped.endswith((",", "...", "-", "…")):
        return True
    tokens = _WORD.findall(stripped.lower())
    if not tokens:
        return False
    if tokens[-1] in DANGLING:
        return True
    trailing_digits = ""
    for token in reversed(tokens):
        if not token.isdigit():
            break
        trailing_digits = token + trailing_digits
    return 5 <= len(trailing_digits) <= 9  # a phone number read in groups, stopped between them


class TranscriptTurnDetector:
    """livekit's turn-detector interface over `sounds_unfinished`, for the caller's latest words."""

    @property
    def model(self) -> str:
        return "unfinished-words"

    @property
    def provider(self) -> str:
        return "roomiai"

    async def unlikely_threshold(self, language: str | None) -> float | None:
        return THRESHOLD

    async def supports_language(self, language: str | None) -> bool:
        return True

    async def predict_end_of_turn(self, chat_ctx: llm.ChatContext, *, timeout: float | None = None) -> float:
        for item in reversed(chat_ctx.items):
            if item.type == "message" and item.role == "user":
                return UNFINISHED if sounds_unfinished(item.text_content or "") else FINISHED
        return FINISHED
