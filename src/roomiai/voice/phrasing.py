"""Phrases for a local voice: sentences, with long ones cut at commas so Roomi starts speaking sooner.

A local voice synthesises a whole piece of text before its first sample; "For Friday, January 16th to Sunday,
January 18th, 2 adults, I have ..." would keep the caller waiting for all of it.
"""

from __future__ import annotations

import re

from livekit.agents import tokenize
from livekit.agents.tokenize import token_stream
from livekit.agents.tokenize.tokenizer import SentenceStream

LONG_SENTENCE = 60  # characters; shorter sentences are spoken whole
SHORTEST_PHRASE = 20
_COMMA = re.compile(r"(?<=[,;:])\s+")
_SENTENCES = tokenize.basic.SentenceTokenizer(min_sentence_len=SHORTEST_PHRASE)


def phrases(text: str) -> list[str]:
    out: list[str] = []
    for sentence in _SENTENCES.tokenize(text):
        if len(sentence) <= LONG_SENTENCE:
            out.append(sentence)
            continue
        current = ""
        for part in _COMMA.split(sentence):
            current = f"{current} {part}".strip()
            if len(current) >= SHORTEST_PHRASE:
                out.append(current)
                current = ""
        if current:
            if out:
                out[-1] = f"{out[-1]} {current}"
            else:
                out.append(current)
    return out


class PhraseTokenizer(tokenize.SentenceTokenizer):
    def tokenize(self, text: str, *, language: str | None = None) -> list[str]:
        return phrases(text)

    def stream(self, *, language: str | None = None) -> SentenceStream:
        return token_stream.BufferedSentenceStream(tokenizer=phrases, min_token_len=SHORTEST_PHRASE, min_ctx_len=10)
