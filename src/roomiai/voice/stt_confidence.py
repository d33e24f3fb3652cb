"""How sure the ears are of a caller's turn, as one number in [0, 1] that the brain compares with its threshold."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Heard:
    """A transcript and the recogniser's confidence in it."""

    text: str
    confidence: float


class _Segment(Protocol):
    avg_logprob: float
    tokens: list[int]


def from_logprob(average_logprob: float) -> float:
    """Whisper's average token log-probability as the geometric mean of its token probabilities."""
    if math.isnan(average_logprob):
        return 0.0
    return max(0.0, min(1.0, math.exp(average_logprob)))


def from_segments(segments: Iterable[_Segment]) -> float:
    """faster-whisper segments of one turn: their average log-probabilities, weighted by their tokens."""
    weighted = [(segment.avg_logprob, max(len(segment.tokens), 1)) for segment in segments]
    if not weighted:
        return 0.0
    return from_logprob(sum(logprob * n for logprob, n in weighted) / sum(n for _, n in weighted))
