"""`roomi nlu-eval`: run the intent classifier and entity extractor over JSON lines."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, TextIO

from .entities import EntityExtractor
from .intents import IntentClassifier


def _jsonable(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def predict_line(record: dict[str, Any], classifier: IntentClassifier, extractor: EntityExtractor) -> dict[str, Any]:
    """Prediction for one parsed input record; raises ValueError on bad fields."""
    if not isinstance(record, dict):
        raise ValueError("line is not a JSON object")
    utterance = record.get("utterance")
    if not isinstance(utterance, str):
        raise ValueError("missing or non-string 'utterance'")
    previous = record.get("previous_agent") or ""
    if not isinstance(previous, str):
        raise ValueError("'previous_agent' must be a string")
    today_raw = record.get("today")
    if today_raw in (None, ""):
        today = dt.date.today()
    elif isinstance(today_raw, str):
        try:
            today = dt.date.fromisoformat(today_raw)
        except ValueError:
            raise ValueError(f"'today' is not an ISO date (YYYY-MM-DD): {today_raw!r}") from None
    else:
        raise ValueError(f"'today' is not an ISO date (YYYY-MM-DD): {today_raw!r}")
    intent = classifier.classify(utterance, previous_agent=previous)
    entities = extractor.extract(utterance, today=today, previous_agent=previous)
    return {
        "id": record.get("id"),
        "intent": intent.intent,
        "entities": {k: _jsonable(v) for k, v in entities.items()},
    }


def run(infile: TextIO, outfile: TextIO) -> int:
    """Read JSON lines {id, today, previous_agent, utterance}; write {id, intent, entities} lines."""
    classifier = IntentClassifier()
    extractor = EntityExtractor()
    errors = 0
    for lineno, line in enumerate(infile, start=1):
        if not line.strip():
            continue
        record_id: object = None
        try:
            record = json.loads(line)
            if isinstance(record, dict):
                record_id = record.get("id")
            result = predict_line(record, classifier, extractor)
        except json.JSONDecodeError as exc:
            errors += 1
            result = {"id": record_id, "error": f"line {lineno}: invalid JSON: {exc.msg}"}
        except ValueError as exc:
            errors += 1
            result = {"id": record_id, "error": f"line {lineno}: {exc}"}
        outfile.write(json.dumps(result, ensure_ascii=False) + "\n")
    outfile.flush()
    return 1 if errors else 0
