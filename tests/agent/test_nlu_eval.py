"""nlu_eval.run over JSON lines, and the dev-set scorer with regression floors."""

import importlib.util
import io
import json
import sys
from pathlib import Path

import pytest

from roomiai.agent.brain.nlu_eval import run

pytestmark = pytest.mark.agent

ROOT = Path(__file__).resolve().parents[2]


def _run(lines):
    out = io.StringIO()
    rc = run(io.StringIO("".join(lines)), out)
    return rc, [json.loads(line) for line in out.getvalue().splitlines()]


def _line(**fields):
    return json.dumps(fields) + "\n"


def test_run_writes_one_prediction_per_line_with_iso_dates():
    rc, rows = _run([
        _line(id="a", today="2026-03-10", previous_agent="", utterance="I'd like to book a room from the 20th to the 23rd",
              intent="book_room", extra="ignored"),
        _line(id="b", today="2026-03-10", previous_agent="How many nights?", utterance="three"),
        _line(id="c", today="2026-03-10", previous_agent="Shall I book it?", utterance="yes please"),
    ])
    assert rc == 0
    assert rows == [
        {"id": "a", "intent": "book_room", "entities": {"check_in_date": "2026-03-20", "check_out_date": "2026-03-23"}},
        {"id": "b", "intent": "other", "entities": {"nights": 3}},
        {"id": "c", "intent": "confirm", "entities": {}},
    ]


def test_bad_lines_give_an_error_line_and_the_run_continues():
    rc, rows = _run([
        "{not json\n",
        _line(id="no-utterance", today="2026-03-10"),
        _line(id="bad-today", today="10/03/2026", utterance="hello"),
        "[1, 2]\n",
        "\n",
        _line(id="ok", today="2026-03-10", utterance="cancel my reservation"),
    ])
    assert rc == 1
    assert len(rows) == 5
    assert rows[0]["id"] is None and "invalid JSON" in rows[0]["error"]
    assert rows[1]["id"] == "no-utterance" and "utterance" in rows[1]["error"]
    assert rows[2]["id"] == "bad-today" and "ISO date" in rows[2]["error"]
    assert "JSON object" in rows[3]["error"]
    assert rows[4] == {"id": "ok", "intent": "cancel_booking", "entities": {}}


def test_missing_previous_agent_is_allowed():
    rc, rows = _run([_line(id="x", today="2026-03-10", utterance="do you have parking")])
    assert rc == 0
    assert rows[0]["intent"] == "get_info"


def _scorer():
    spec = importlib.util.spec_from_file_location("nlu_score", ROOT / "bench" / "nlu_score.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["nlu_score"] = module
    spec.loader.exec_module(module)
    return module


def test_scorer_counts_intents_and_entities_on_a_tiny_file():
    scorer = _scorer()
    rows = [
        {"id": "1", "today": "2019-03-01", "previous_agent": "", "utterance": "I need two rooms on the 9th",
         "intent": "book_room", "entities": {"rooms": 2, "check_in_date": "2019-03-09"},
         "scored_entities": ["check_in_date", "rooms"]},
        {"id": "2", "today": "2019-03-01", "previous_agent": "Anything else?", "utterance": "no thanks",
         "intent": "deny", "entities": {}, "scored_entities": ["rooms"]},
        {"id": "3", "today": "2019-03-01", "previous_agent": "", "utterance": "what is the address?",
         "intent": "confirm", "entities": {"rooms": 4}, "scored_entities": ["rooms"]},
        {"id": "4", "today": "2019-03-01", "previous_agent": "", "utterance": "for 3 days please",
         "intent": None, "entities": {"nights": 3}, "scored_entities": ["check_in_date"]},
    ]
    rep = scorer.score(rows)
    assert rep.intent_total == 3
    assert rep.intent_correct == 2
    assert rep.entity_tp["rooms"] == 1 and rep.entity_tp["check_in_date"] == 1
    assert rep.entity_fn["rooms"] == 1
    assert sum(rep.entity_fp.values()) == 0
    assert rep.entity_prf() == pytest.approx((1.0, 2 / 3, 0.8))


def test_dev_set_floors():
    scorer = _scorer()
    path = scorer.DEFAULT_FILE
    if not path.exists():
        pytest.skip(f"dev data not found at {path}")
    rep = scorer.score(scorer.load(path))
    # Measured: intent 0.951, merged 0.975, entity F1 0.987, ~0.3 ms per utterance.
    assert rep.intent_accuracy >= 0.93
    assert rep.intent_accuracy_merged >= 0.955
    p, r, f = rep.entity_prf()
    assert f >= 0.965 and p >= 0.96 and r >= 0.96
    for name in ("check_in_date", "check_out_date", "nights", "rooms"):
        assert rep.entity_prf(name)[2] >= 0.95, name
    assert rep.ms_per_utterance < 5.0
