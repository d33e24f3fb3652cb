"""Regenerates sgd_phrases.jsonl from the SGD train split in ../shared/data/nlu_dev.jsonl (run once; see README.md)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parents[2] / "shared" / "data" / "nlu_dev.jsonl"
PROPER = re.compile(r"(?<![.!?] )(?<!^)\b[A-Z][a-z]+")  # a capitalised word inside a sentence: a hotel or city name
ANYTHING_ELSE = re.compile(r"\b(anything else|something else|else i can|anything more|help you with)", re.I)
CLOSING = re.compile(r"\b(no|nope|nothing|that'?s all|that is all|will be all|was all|all i need)\b", re.I)
TOPIC = {"wifi": re.compile(r"\bwi-?fi\b", re.I), "pets": re.compile(r"\bpets?\b", re.I)}


def usable(text: str) -> bool:
    return len(text.split()) <= 12 and not PROPER.search(text) and not re.search(r"\d|\$", text)


def kind_of(row: dict) -> str | None:
    text, intent, agent = row["utterance"], row["intent"], row["previous_agent"]
    if row["entities"] or not usable(text):
        return None
    if intent == "confirm" and "?" not in text:
        return "yes"
    if intent in ("deny", "other") and ANYTHING_ELSE.search(agent) and "?" not in text \
            and CLOSING.search(text) and "driving" not in text:
        return "closing"
    if intent == "book_room" and not agent and "there" not in text.lower() and "that" not in text.lower():
        return "book_opening"
    if intent == "get_info" and text.count("?") <= 1:
        topics = [name for name, cue in TOPIC.items() if cue.search(text)]
        lowered = text.lower()
        if len(topics) == 1 and not any(word in lowered for word in ("there", " it", "cost", "address", "they")):
            return "question_" + topics[0]
    return None


def main() -> int:
    rows = [json.loads(line) for line in SOURCE.read_text(encoding="utf-8").splitlines()]
    out = []
    for row in rows:
        kind = kind_of(row)
        if kind:
            out.append({"kind": kind, "utterance": row["utterance"].strip(), "source": row["source"]})
    (HERE / "sgd_phrases.jsonl").write_text("".join(json.dumps(line) + "\n" for line in out), encoding="utf-8")
    print(f"{len(out)} lines", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
