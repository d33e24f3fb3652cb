"""An answer followed by a question in one breath: "Yes please. What time is check-in?"."""

from __future__ import annotations

import re

QUESTION_WORD = r"(?:what|when|where|how|is|are|do|does|can|could|will|would)\b"
LEADS = r"(?:(?:actually|also|oh|and|so|one thing|quick question|before we go on|one more thing)\W+)*"
PIECES = re.compile(rf"(?<=[.!])\s+{LEADS}|[,?]\s+{LEADS}(?={QUESTION_WORD}[^.!?]*\?)", re.I)


def statement_and_question(said: str) -> tuple[str, str]:
    """What the caller states, and the question they ask after it; without a question, (said, "")."""
    pieces = [p for p in PIECES.split(said.strip()) if p]
    for i, piece in enumerate(pieces):
        if i and piece.endswith("?"):
            return " ".join(pieces[:i]), " ".join(pieces[i:])
    return said, ""
