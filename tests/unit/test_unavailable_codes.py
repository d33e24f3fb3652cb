"""Why a room type cannot be sold, as a stable code with the limit it names, for callers that must not parse words."""

import pytest

from roomiai.domain.pricing import Restriction
from roomiai.services.availability import unavailable_for

pytestmark = pytest.mark.unit

ROOM = object()


def test_one_reason_for_every_rate_keeps_its_code_and_the_loosest_limit():
    longest = unavailable_for(ROOM, [Restriction("stay_too_long", "a", 14), Restriction("stay_too_long", "b", 30)])
    assert (longest.code, longest.limit) == ("stay_too_long", 30)
    shortest = unavailable_for(ROOM, [Restriction("stay_too_short", "a", 3), Restriction("stay_too_short", "b", 2)])
    assert (shortest.code, shortest.limit) == ("stay_too_short", 2)
    ahead = unavailable_for(ROOM, [Restriction("book_ahead", "a", 7), Restriction("book_ahead", "b", 2)])
    assert (ahead.code, ahead.limit) == ("book_ahead", 2)


def test_rates_refused_for_different_reasons_are_no_rate_and_every_sentence_is_kept_once():
    mixed = unavailable_for(
        ROOM, [Restriction("stay_too_long", "Too long.", 14), Restriction("book_ahead", "Too soon.", 2)]
    )
    assert (mixed.code, mixed.limit, mixed.reason) == ("no_rate", None, "Too long. Too soon.")
    same = unavailable_for(ROOM, [Restriction("rate_inactive", "Off."), Restriction("rate_inactive", "Off.")])
    assert (same.code, same.limit, same.reason) == ("rate_inactive", None, "Off.")


def test_a_room_type_without_rates_has_no_rate():
    assert unavailable_for(ROOM, []).code == "no_rate"
