"""Backchannels: the "uh-huh", "okay" and "mm-hm" a caller says while Roomi talks, to show they are listening."""

from __future__ import annotations

import re

# not "yes", "no" or "sure": said over the end of a question they are answers
BACKCHANNEL_WORDS = frozenset(
    {
        "uh-huh",
        "uh",
        "huh",
        "um",
        "uhm",
        "hm",
        "hmm",
        "mm",
        "mmm",
        "mhm",
        "mm-hm",
        "mm-hmm",
        "mmhmm",
        "uh-hum",
        "okay",
        "ok",
        "kay",
        "right",
        "alright",
        "all",
        "i",
        "see",
        "got",
        "it",
        "yep",
        "yup",
        "aha",
        "ah",
        "oh",
    }
)
MAX_WORDS = 3


def is_backchannel(text: str) -> bool:
    """True when the words are only listening noises, which must not stop Roomi while she speaks."""
    words = re.findall(r"[a-z]+(?:-[a-z]+)*", text.lower())
    return 0 < len(words) <= MAX_WORDS and all(word in BACKCHANNEL_WORDS for word in words)
