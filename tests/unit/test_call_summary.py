"""The one line that says what happened on a call."""

from __future__ import annotations

import datetime as dt

import pytest

from roomiai.domain.call_summary import CallFacts, stay_span, summary

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("facts", "line"), [
    (CallFacts("booking_completed", True, "ROOMI-20261201-004", "DLX", dt.date(2026, 12, 15), dt.date(2026, 12, 18)),
     "Booked DLX 15–18 Dec, ROOMI-20261201-004"),
    (CallFacts("booking_cancelled", True, "ROOMI-1", "STD", dt.date(2026, 12, 30), dt.date(2027, 1, 2)),
     "Cancelled STD 30 Dec–2 Jan, ROOMI-1"),
    (CallFacts("inquiry_only", True, intents=("get_info",), caller_lines=("Do you have parking?",)), "Asked about parking"),
    (CallFacts("transferred", True, intents=("other", "request_human"),
               caller_lines=("We are 20 people, do you do a group rate?", "let me talk to someone")),
     "Transferred: wanted a group rate"),
    (CallFacts("abandoned", True, caller_lines=("I want a room for the weekend",)), "Hung up before finishing"),
    (CallFacts("inquiry_only", True, intents=("other",), caller_lines=("blorf the wibble",)),
     "Not understood: “blorf the wibble”"),
    (CallFacts("booking_failed", True, errors=("provider error",)), "Booking failed: provider error"),
    (CallFacts("booking_modified", True, "ROOMI-2", "DLX", dt.date(2026, 12, 16), dt.date(2026, 12, 19)),
     "Changed DLX 16–19 Dec, ROOMI-2"),
    (CallFacts("service_request", True, caller_lines=("could I get extra towels", "and is the pool open")),
     "Service request: the facilities"),
    (CallFacts("service_request", True, caller_lines=("could I get extra towels",)), "Service request"),
    (CallFacts("inquiry_only", True, errors=("not understood",), caller_lines=("hmm zzz qwerty",)),
     "Not understood: “hmm zzz qwerty”"),
    (CallFacts("inquiry_only", True, errors=("provider error",), caller_lines=("hello?",)), "Went wrong: provider error"),
    (CallFacts("inquiry_only", True, intents=("check_availability",), caller_lines=("any rooms friday? parking?",)),
     "Asked about availability and parking"),
    (CallFacts("abandoned", True, caller_lines=("how much is parking",)), "Hung up before finishing: parking"),
    (CallFacts("transferred", True, caller_lines=("I need to speak about an invoice from March",)),
     "Transferred: “I need to speak about an invoice from March”"),
    (CallFacts(None, False, caller_lines=("is breakfast included?",)), "In progress: breakfast"),
    (CallFacts("inquiry_only", True), "Said nothing"),
])
def test_a_call_is_summed_up_in_one_line(facts, line):
    assert summary(facts) == line


def test_a_stay_across_months_names_both():
    assert stay_span(dt.date(2026, 1, 30), dt.date(2026, 2, 2)) == "30 Jan–2 Feb"
