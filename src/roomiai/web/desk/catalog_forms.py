"""The setup forms for the property's items: which fields each shows, and form text ↔ the property document's item.

Form fields are named by their path in the item (`cancellation_policy.penalty_amount`), so an error found by the
property's checks lands next to the field it is about. Amounts are typed in the hotel's currency (150 or 150.00);
the property document carries currency units and the setup service stores integer cents.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from ...property.checks import message
from ...property.schema import DiscountCode, PackageItem, Rate, Room, RoomType

AMOUNT = re.compile(r"^\d{1,7}(?:[.,]\d{1,2})?$")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Field:
    """One form field: `kind` says how its text becomes a value (money, int, lines, beds, ...)."""

    path: str
    label: str
    kind: str = "text"
    required: bool = False
    options: tuple[str, ...] | str = ()  # a tuple, or the name of a list the page supplies (room types, beds, views)
    hint: str = ""
    wide: bool = False
    key: bool = False  # part of the item's identity: typed when creating, fixed when editing

    @property
    def id(self) -> str:
        return "f-" + self.path.replace(".", "-").replace("_", "-")


@dataclass(frozen=True)
class Kind:
    """An item kind of the property: its collection, its form and how its address names one item."""

    slug: str
    collection: str
    label: str
    model: type[BaseModel]
    groups: tuple[tuple[str, tuple[Field, ...]], ...]
    lookup: Callable[[str], Any] = field(default=lambda key: key)

    @property
    def fields(self) -> list[Field]:
        return [f for _, fields in self.groups for f in fields]


def _money(path: str, label: str, **more: Any) -> Field:
    return Field(path, label, kind="money", **more)


ROOM_TYPE = Kind(
    "room-types",
    "room_types",
    "room type",
    RoomType,
    (
        (
            "Room type",
            (
                Field(
                    "type_code", "Code", "code", required=True, key=True, hint="up to 16 letters or digits, e.g. DLX"
                ),
                Field("name", "Name", required=True),
                Field("base_occupancy", "Guests in the price", "int", required=True),
                Field("max_occupancy", "Most guests", "int", required=True),
                Field("max_adults", "Most adults", "int", hint="empty: as many as guests"),
                _money("extra_person_charge", "Extra guest, per night"),
                Field("size_sqft", "Size (sq ft)", "int"),
                Field("description", "Description", "textarea", wide=True),
            ),
        ),
        (
            "Beds, views and features",
            (
                Field(
                    "bed_configurations",
                    "Bed configurations",
                    "beds",
                    wide=True,
                    hint="one a line: CODE: description, e.g. KING: One king bed",
                ),
                Field("view_options", "Views", "views", hint="separated by commas, e.g. city, garden"),
                Field("amenities", "Amenities", "lines", hint="one a line"),
                Field("is_accessible", "Accessible rooms", "bool"),
                Field("is_smoking_available", "Smoking rooms", "bool"),
            ),
        ),
    ),
    lookup=str.upper,
)

ROOM = Kind(
    "rooms",
    "rooms",
    "room",
    Room,
    (
        (
            "Room",
            (
                Field("room_number", "Room number", "code", required=True, key=True),
                Field("floor", "Floor", "int", required=True),
                Field("type_code", "Room type", "select", required=True, options="type_codes"),
                Field("bed_configuration", "Beds", "select", required=True, options="bed_codes"),
                Field("view", "View", "select", required=True, options="views"),
                Field("status", "Status", "select", options=("available", "maintenance", "out_of_service")),
                Field("connecting_room", "Connects to room", "code"),
                Field("is_accessible", "Accessible", "bool"),
                Field("is_smoking", "Smoking", "bool"),
                Field("features", "Features", "lines", hint="one a line"),
                Field("notes", "Notes for staff", "textarea", wide=True),
            ),
        ),
    ),
)

RATE = Kind(
    "rates",
    "rates",
    "rate plan",
    Rate,
    (
        (
            "Rate plan",
            (
                Field("type_code", "Room type", "select", required=True, key=True, options="type_codes"),
                Field("rate_code", "Rate code", "code", required=True, key=True, hint="e.g. BAR"),
                Field("name", "Name", required=True),
                _money("base_rate", "Price", required=True),
                Field("rate_type", "Priced", "select", options=("per_night", "per_stay")),
                Field("valid_from", "Valid from", "date"),
                Field("valid_to", "Valid until", "date"),
                Field("min_stay", "Shortest stay (nights)", "int"),
                Field("max_stay", "Longest stay (nights)", "int"),
                Field("advance_booking_days", "Book at least this many days ahead", "int"),
                Field("is_refundable", "Refundable", "bool"),
                Field("is_active", "Offered to guests", "bool"),
                Field("includes", "Includes", "lines", hint="one a line, e.g. Breakfast"),
                Field("eligibility", "Who may book it", "textarea"),
                Field("description", "Description", "textarea", wide=True),
            ),
        ),
        (
            "Price by day of the week (empty: the price above)",
            tuple(_money(f"day_of_week_rates.{day}", day.capitalize()) for day in WEEKDAYS),
        ),
        (
            "Cancellation",
            (
                Field(
                    "cancellation_policy.type",
                    "Policy",
                    "select",
                    options=("flexible", "moderate", "strict", "non_refundable"),
                ),
                Field("cancellation_policy.free_cancellation_hours", "Free until hours before arrival", "int"),
                Field(
                    "cancellation_policy.penalty_type",
                    "Penalty",
                    "select",
                    options=("first_night", "percentage", "flat", "full_stay"),
                ),
                Field(
                    "cancellation_policy.penalty_amount",
                    "Penalty amount",
                    "int",
                    hint="percent for a percentage penalty, whole {currency} for a flat one",
                ),
            ),
        ),
    ),
    lookup=lambda key: tuple(reversed(key.upper().split(".", 1))) if "." in key else None,
)  # DLX.BAR

PACKAGE = Kind(
    "packages",
    "packages",
    "package",
    PackageItem,
    (
        (
            "Package",
            (
                Field("code", "Code", "code", required=True, key=True, hint="lower case, e.g. breakfast"),
                Field("name", "Name", required=True),
                _money("price", "Price", required=True),
                Field("per", "Charged per", "select", options=("stay", "night", "person_night")),
                Field("description", "Description", "textarea", wide=True),
            ),
        ),
    ),
)

DISCOUNT_CODE = Kind(
    "discount-codes",
    "discount_codes",
    "discount code",
    DiscountCode,
    (
        (
            "Discount code",
            (
                Field("code", "Code", "code", required=True, key=True, hint="2 to 32 letters or digits, e.g. WINTER10"),
                Field("type", "Discount", "select", required=True, options=("percentage", "flat")),
                Field(
                    "amount",
                    "Amount",
                    "decimal",
                    required=True,
                    hint="percent off, or {currency} off for a flat discount",
                ),
                Field("min_nights", "Shortest stay (nights)", "int"),
                Field("valid_from", "Valid from", "date"),
                Field("valid_to", "Valid until", "date"),
                Field("description", "Description", "textarea", wide=True),
            ),
        ),
    ),
    lookup=str.upper,
)

KINDS = {kind.slug: kind for kind in (ROOM_TYPE, ROOM, RATE, PACKAGE, DISCOUNT_CODE)}


# ---------------------------------------------------------------- item → the text in the form


def defaults(kind: Kind) -> dict:
    """A new item as the property document would fill it in: the model's defaults."""
    item = {}
    for name, info in kind.model.model_fields.items():
        if not info.is_required():
            value = info.get_default(call_default_factory=True)
            item[name] = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
    return item


def form_values(kind: Kind, item: dict) -> dict[str, str]:
    """What each field shows for a stored item."""
    return {f.path: _shown(f, _get(item, f.path)) for f in kind.fields}


def _shown(f: Field, value: Any) -> str:
    if value is None:
        return ""
    if f.kind == "bool":
        return "on" if value else ""
    if f.kind == "money":
        return f"{Decimal(str(value)):.2f}"
    if f.kind == "decimal":
        return f"{Decimal(str(value)):f}".rstrip("0").rstrip(".") if "." in str(value) else str(value)
    if f.kind == "lines":
        return "\n".join(value)
    if f.kind == "views":
        return ", ".join(value)
    if f.kind == "beds":
        return "\n".join(f"{bed['code']}: {bed['description']}" for bed in value)
    return str(value)


# ---------------------------------------------------------------- the text in the form → item


def read_form(
    kind: Kind, form: dict[str, str], base: dict | None, *, currency: str
) -> tuple[dict | None, dict[str, str]]:
    """The item the form describes, checked field by field; or None and a message per field path ('' for the form).

    `base` is the stored item when editing: fields the form does not show (a room type's images) are kept, and
    the item's key stays the one in the address.
    """
    item = copy.deepcopy(base) if base else {}
    errors: dict[str, str] = {}
    for f in kind.fields:
        if base and f.key:
            continue
        text = form.get(f.path, "")
        try:
            value = _value(f, text, currency)
        except ValueError as exc:
            errors[f.path] = str(exc)
            continue
        _put(item, f.path, value)
    if kind is RATE and not base:
        item["currency"] = currency
    if errors:
        return None, errors
    try:
        checked = kind.model.model_validate(item)
    except ValidationError as exc:
        for error in exc.errors():
            path, words = where_in(kind, error["loc"])
            errors.setdefault(path, words + message(dict(error)))
        return None, errors
    return checked.model_dump(mode="json", exclude_none=True), {}


def where_in(kind: Kind, loc: tuple | list) -> tuple[str, str]:
    """The field a location in the item belongs to (longest match), and 'line N: ' for one line of a list field."""
    parts = [str(p) for p in loc]
    paths = {f.path for f in kind.fields}
    match, at, names = "", -1, []
    for i, part in enumerate(parts):
        if part.isdigit():
            continue
        names.append(part)
        if ".".join(names) in paths:
            match, at = ".".join(names), i
    if not match:
        return "", ".".join(parts) + ": " if parts else ""
    index = next((p for p in parts[at + 1 :] if p.isdigit()), None)
    return match, f"line {int(index) + 1}: " if index is not None else ""


def place_problems(kind: Kind, problems: list[str]) -> dict[str, str]:
    """The property's checks of the changed document (`floor: must be a whole number`), each next to its field."""
    errors: dict[str, str] = {}
    for problem in problems:
        head, _, text = problem.partition(": ")
        loc = re.split(r"[.\[\]]+", head.strip()) if text else []
        path, words = where_in(kind, [p for p in loc if p]) if loc else ("", "")
        if path:
            errors[path] = (errors[path] + "; " if path in errors else "") + words + text
        else:
            errors[""] = (errors[""] + "; " if "" in errors else "") + problem
    return errors


def _value(f: Field, text: str, currency: str) -> Any:
    text = text.strip()
    if f.kind == "bool":
        return text in ("on", "true", "1")
    if f.kind in ("lines", "views", "beds"):
        return _list(f, text)
    if not text:
        if f.required:
            raise ValueError("is required")
        return None
    if f.kind == "int":
        if not re.fullmatch(r"-?\d{1,9}", text):
            raise ValueError("must be a whole number")
        return int(text)
    if f.kind in ("money", "decimal"):
        if not AMOUNT.fullmatch(text):
            unit = f"{currency} " if f.kind == "money" else ""
            raise ValueError(
                f"must be an amount in {unit}like 150 or 150.00" if unit else "must be a number like 10 or 12.5"
            )
        return float(Decimal(text.replace(",", ".")))
    if f.kind == "date":
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError("must be a date like 2026-01-31") from None
    if f.kind == "select" and isinstance(f.options, tuple) and text not in f.options:
        raise ValueError(f"must be one of {', '.join(f.options)}")
    return text


def _list(f: Field, text: str) -> list:
    lines = [line.strip() for line in text.splitlines()]
    if f.kind == "views":
        return [word.strip().lower() for word in text.replace("\n", ",").split(",") if word.strip()]
    if f.kind == "lines":
        return [line for line in lines if line]
    beds = []
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        code, colon, description = line.partition(":")
        if not colon or not code.strip() or not description.strip():
            raise ValueError(f"line {number}: write the code, a colon and the description, e.g. KING: One king bed")
        beds.append({"code": code.strip(), "description": description.strip()})
    return beds


def _get(item: dict, path: str) -> Any:
    value: Any = item
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _put(item: dict, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        item = item.setdefault(part, {})
    if value is None:
        item.pop(last, None)
    else:
        item[last] = value
