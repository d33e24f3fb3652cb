"""Reads a property document and says exactly where it is wrong: `rooms[14].type_code: no room type 'DLXX' ...`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ..domain.cards import redact_card_data
from .schema import PropertyDocument, Room

_MIN, _MAX = dt.date.min, dt.date.max

MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a field here (check the spelling)",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "decimal_parsing": "must be a number",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list",
    "model_type": "must be a mapping of fields",
    "model_attributes_type": "must be a mapping of fields",
    "dict_type": "must be a mapping of fields",
    "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "date_type": "must be a date (YYYY-MM-DD)",
    "none_required": "belongs in a top-level section of its own",
}


class PropertyProblems(ValueError):
    """Everything wrong with a document, one line per place."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def where(loc: tuple) -> str:
    """('rates', 2, 'day_of_week_rates', 'friday') → rates[2].day_of_week_rates.friday."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def message(error: Mapping[str, Any]) -> str:
    """A pydantic error in words a hotel manager understands: "must be a whole number"."""
    kind = error.get("type", "")
    if kind in MESSAGES:
        return MESSAGES[kind]
    ctx = error.get("ctx") or {}
    if kind == "greater_than_equal":
        return "must not be negative" if ctx.get("ge") == 0 else f"must be at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}"
    if kind == "string_pattern_mismatch":
        return "has characters or a length that are not allowed here"
    message = error.get("msg", "is not valid")
    for prefix, replacement in (("Value error, ", ""), ("Input should be", "must be"), ("String should", "must")):
        if message.startswith(prefix):
            message = replacement + message[len(prefix) :]
    return message.strip()


def parse(data: Any) -> PropertyDocument:
    """The validated document, or PropertyProblems naming every place that is wrong."""
    if not isinstance(data, dict):
        raise PropertyProblems(
            [
                "the file must hold a mapping with the sections hotel, room_types, rooms, rates, "
                "packages and discount_codes"
            ]
        )
    try:  # a card number pasted into a description is never stored or echoed
        document = PropertyDocument.model_validate(redact_card_data(data))
    except ValidationError as exc:
        raise PropertyProblems([f"{where(e['loc']) or 'file'}: {message(e)}" for e in exc.errors()]) from None
    problems = cross_check(document)
    if problems:
        raise PropertyProblems(problems)
    return document


def _duplicates(items: list, key, label: str, path: str, field: str) -> list[str]:
    seen: dict = {}
    problems = []
    for index, item in enumerate(items):
        value = key(item)
        if value in seen:
            problems.append(f"{path}[{index}].{field}: {label} {value!r} is listed twice (also {path}[{seen[value]}])")
        else:
            seen[value] = index
    return problems


def _known(values) -> str:
    return ", ".join(values) or "none"


def cross_check(doc: PropertyDocument) -> list[str]:
    """What no single field shows: references, duplicates, ranges, and prices that would be ambiguous."""
    problems: list[str] = []
    problems += _duplicates(doc.room_types, lambda t: t.type_code, "room type", "room_types", "type_code")
    problems += _duplicates(doc.rooms, lambda r: r.room_number, "room", "rooms", "room_number")
    problems += _duplicates(doc.packages, lambda p: p.code, "package", "packages", "code")
    problems += _duplicates(doc.discount_codes, lambda d: d.code, "discount code", "discount_codes", "code")
    types = {t.type_code: t for t in doc.room_types}
    for i, t in enumerate(doc.room_types):
        if t.max_occupancy < t.base_occupancy:
            problems.append(
                f"room_types[{i}].max_occupancy: {t.max_occupancy} is below base_occupancy {t.base_occupancy}"
            )
        if t.max_adults is not None and t.max_adults > t.max_occupancy:
            problems.append(f"room_types[{i}].max_adults: {t.max_adults} is above max_occupancy {t.max_occupancy}")
        problems += _duplicates(
            t.bed_configurations, lambda b: b.code, "bed configuration", f"room_types[{i}].bed_configurations", "code"
        )
    numbers = {r.room_number for r in doc.rooms}
    for i, room in enumerate(doc.rooms):
        room_type = types.get(room.type_code)
        if room_type is None:
            problems.append(f"rooms[{i}].type_code: no room type {room.type_code!r} (known: {_known(types)})")
            continue
        beds = [b.code for b in room_type.bed_configurations]
        if beds and room.bed_configuration not in beds:
            problems.append(
                f"rooms[{i}].bed_configuration: {room.bed_configuration!r} is not a bed configuration of "
                f"{room.type_code} (known: {_known(beds)})"
            )
        if room_type.view_options and room.view not in room_type.view_options:
            problems.append(
                f"rooms[{i}].view: {room.view!r} is not a view of {room.type_code} "
                f"(known: {_known(room_type.view_options)})"
            )
        if room.connecting_room is not None and (
            room.connecting_room not in numbers or room.connecting_room == room.room_number
        ):
            problems.append(f"rooms[{i}].connecting_room: no other room {room.connecting_room!r}")
    seen: dict[tuple[str, str], int] = {}
    for i, rate in enumerate(doc.rates):
        if rate.type_code not in types:
            problems.append(f"rates[{i}].type_code: no room type {rate.type_code!r} (known: {_known(types)})")
        if rate.currency != doc.hotel.currency:
            problems.append(
                f"rates[{i}].currency: {rate.currency} differs from the hotel's currency {doc.hotel.currency}"
            )
        if rate.min_stay > rate.max_stay:
            problems.append(f"rates[{i}].min_stay: {rate.min_stay} is above max_stay {rate.max_stay}")
        if rate.valid_from and rate.valid_to and rate.valid_from > rate.valid_to:
            problems.append(f"rates[{i}].valid_to: {rate.valid_to} is before valid_from {rate.valid_from}")
        key = (rate.rate_code, rate.type_code)
        if key in seen:
            other = doc.rates[seen[key]]
            if _overlap(rate, other):
                problems.append(
                    f"rates[{i}]: {rate.rate_code} for {rate.type_code} is valid on dates rates[{seen[key]}] also covers "
                    f"({_period(other)}), so a night there would have two prices"
                )
            else:
                problems.append(
                    f"rates[{i}]: {rate.rate_code} for {rate.type_code} is listed twice (also rates[{seen[key]}]); "
                    "seasons under one rate code are not supported yet: give the season its own rate_code"
                )
        else:
            seen[key] = i
    return problems


def _overlap(a, b) -> bool:
    start = max(a.valid_from or _MIN, b.valid_from or _MIN)
    end = min(a.valid_to or _MAX, b.valid_to or _MAX)
    return start <= end


def _period(rate) -> str:
    return f"{rate.valid_from or 'always'} to {rate.valid_to or 'open end'}"


def canonical(doc: PropertyDocument) -> dict[str, Any]:
    """The document with every field filled in (defaults included), empty optional ones left out."""
    return doc.model_dump(mode="json", exclude_none=True)


def compact(data: dict[str, Any]) -> dict[str, Any]:
    """For writing: rooms without the fields at their defaults (a hotel has many rooms, most of them plain)."""
    defaults = {
        name: field.get_default(call_default_factory=True)
        for name, field in Room.model_fields.items()
        if not field.is_required()
    }
    rooms = [{k: v for k, v in room.items() if k not in defaults or v != defaults[k]} for room in data.get("rooms", [])]
    return {**data, "rooms": rooms}
