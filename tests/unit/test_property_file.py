"""The property file: every problem is reported at its place, and the example files read and write back unchanged."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from roomiai.property import checks, files

pytestmark = pytest.mark.unit

HOTELS = Path(__file__).resolve().parents[2] / "src" / "roomiai" / "hotels"
GRAND = HOTELS / "grand-hotel.yaml"
BNB = HOTELS / "harbour-view-bnb.yaml"


def grand() -> dict:
    return files.read(GRAND)


def problems_of(data) -> list[str]:
    with pytest.raises(checks.PropertyProblems) as caught:
        checks.parse(data)
    return caught.value.problems


@pytest.mark.parametrize("path", [GRAND, BNB], ids=["grand-hotel", "bnb"])
def test_the_example_files_write_back_as_they_were_read(path):
    document = checks.compact(checks.canonical(checks.parse(files.read(path))))
    for fmt in ("yaml", "json"):
        text = files.dumps(document, fmt=fmt)
        again = checks.compact(checks.canonical(checks.parse(files.loads(text, json_only=fmt == "json"))))
        assert again == document
        assert files.dumps(again, fmt=fmt) == text


def test_the_grand_hotel_file_is_written_as_exported():
    text = GRAND.read_text()
    body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))
    assert files.dumps(checks.compact(checks.canonical(checks.parse(files.loads(text))))) == body


def test_a_day_rate_that_is_not_a_number():
    data = grand()
    data["rates"][2]["day_of_week_rates"]["friday"] = "a lot"
    assert problems_of(data) == ["rates[2].day_of_week_rates.friday: must be a number"]


def test_a_room_of_an_unknown_type_names_the_known_ones():
    data = grand()
    data["rooms"][14]["type_code"] = "DLXX"
    assert problems_of(data) == ["rooms[14].type_code: no room type 'DLXX' (known: STD, DLX, STE, FAM)"]


def test_a_rate_plan_of_a_missing_room_type():
    data = grand()
    data["rates"][5]["type_code"] = "PENTHOUSE"
    assert problems_of(data) == ["rates[5].type_code: no room type 'PENTHOUSE' (known: STD, DLX, STE, FAM)"]


def test_duplicate_room_numbers():
    data = grand()
    data["rooms"][3]["room_number"] = data["rooms"][0]["room_number"]
    assert problems_of(data) == ["rooms[3].room_number: room '201' is listed twice (also rooms[0])"]


def test_negative_prices():
    data = grand()
    data["rates"][0]["base_rate"] = -10
    data["room_types"][1]["extra_person_charge"] = -5
    assert problems_of(data) == ["room_types[1].extra_person_charge: must not be negative",
                                 "rates[0].base_rate: must not be negative"]


def test_min_stay_above_max_stay():
    data = grand()
    data["rates"][1].update(min_stay=10, max_stay=3)
    assert problems_of(data) == ["rates[1].min_stay: 10 is above max_stay 3"]


def test_overlapping_validity_makes_a_price_ambiguous():
    data = grand()
    summer = copy.deepcopy(data["rates"][1])
    summer.update(valid_from="2026-06-01", valid_to="2026-08-31", base_rate=199)
    data["rates"][1].update(valid_from="2026-01-01", valid_to="2026-06-30")
    data["rates"].append(summer)
    last = len(data["rates"]) - 1
    assert problems_of(data) == [
        f"rates[{last}]: BAR for STD is valid on dates rates[1] also covers (2026-01-01 to 2026-06-30), "
        "so a night there would have two prices"]
    summer["valid_from"] = "2026-07-01"
    assert "seasons under one rate code are not supported yet" in problems_of(data)[0]


def test_other_references_and_ranges():
    data = grand()
    data["rooms"][0]["bed_configuration"] = "KING"  # 201 is a Standard room: queen or twin
    data["rooms"][1]["connecting_room"] = "999"
    data["room_types"][0]["max_occupancy"] = 1
    data["rates"][3]["currency"] = "EUR"
    data["rates"][4].update(valid_from="2026-05-01", valid_to="2026-04-01")
    data["packages"].append(dict(data["packages"][0]))
    assert problems_of(data) == [
        "packages[3].code: package 'romance_package' is listed twice (also packages[0])",
        "room_types[0].max_occupancy: 1 is below base_occupancy 2",
        "room_types[0].max_adults: 3 is above max_occupancy 1",
        "rooms[0].bed_configuration: 'KING' is not a bed configuration of STD (known: QUEEN, TWIN)",
        "rooms[1].connecting_room: no other room '999'",
        "rates[3].currency: EUR differs from the hotel's currency USD",
        "rates[4].valid_to: 2026-04-01 is before valid_from 2026-05-01",
    ]


def test_field_problems_name_their_place():
    data = grand()
    data["hotel"]["check_in_time"] = "3pm"
    data["room_types"][0]["base_occupancy"] = "two"
    data["rooms"][0]["flor"] = 2
    del data["rates"][0]["name"]
    data["rates"][1]["rate_type"] = "per_hour"
    assert problems_of(data) == [
        "hotel.check_in_time: has characters or a length that are not allowed here",
        "room_types[0].base_occupancy: must be a whole number",
        "rooms[0].flor: is not a field here (check the spelling)",
        "rates[0].name: is required",
        "rates[1].rate_type: must be 'per_night' or 'per_stay'",
    ]


def test_files_that_are_not_a_property():
    assert problems_of(["a", "list"]) == [
        "the file must hold a mapping with the sections hotel, room_types, rooms, rates, packages and discount_codes"]
    with pytest.raises(checks.PropertyProblems) as caught:
        files.loads("hotel:\n  name: [unclosed\n", name="h.yaml")
    assert caught.value.problems[0].startswith("h.yaml: line 3, column 1: not valid YAML")
    with pytest.raises(checks.PropertyProblems) as caught:
        files.loads('{"hotel": }', json_only=True, name="h.json")
    assert caught.value.problems == ["h.json: line 1, column 11: not valid JSON (Expecting value)"]
