"""Answers about the rooms from the hotel's room types: sizes, who fits, beds, views, features, and how they differ."""

from __future__ import annotations

import re
from typing import Any

from ..brain.room_questions import RoomQuestion

SAME_VIEW = {"sea": {"ocean", "sea"}, "ocean": {"ocean", "sea"}, "beach": {"ocean", "sea", "beach"}}
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}


def room_answer(question: RoomQuestion, room_types: list[dict[str, Any]]) -> str | None:
    """The answer from the room types' own facts; None when the hotel lists no rooms."""
    if not room_types:
        return None
    named = [t for code in question.codes for t in room_types if t["code"] == code]
    rooms = named or room_types
    if question.aspect == "size":
        return _sizes(rooms, compare=len(rooms) > 1) or _described(rooms)
    if question.aspect == "occupancy" and question.feature and question.feature.isdigit():
        return _fits(int(question.feature), named, room_types)
    if question.aspect == "occupancy":
        ordered = sorted(rooms, key=lambda t: -t["max_occupancy"])
        return (
            "; ".join(
                f"{'the ' if i else 'The '}{t['name']} sleeps up to {_n(t['max_occupancy'])}"
                for i, t in enumerate(ordered)
            )
            + "."
        )
    if question.aspect == "beds":
        return " ".join(f"The {t['name']} has {_beds(t)}." for t in rooms if t.get("beds")) or _described(rooms)
    if question.aspect == "view" and question.feature:
        return _view(question.feature, named, room_types)
    if question.aspect == "view":
        return " ".join(
            f"The {t['name']} has {_either([f'{v} view' for v in t['views']])}." for t in rooms if t.get("views")
        ) or _described(rooms)
    if question.aspect == "feature" and question.feature:
        return _feature(question.feature, named, room_types)
    return _described(rooms, differences=len(rooms) > 1)


def _feature(feature: str, named: list[dict[str, Any]], room_types: list[dict[str, Any]]) -> str:
    """'Yes, the Suite has a soaking tub.' / 'No, the Standard Room has no balcony; the Suite has one.'"""
    having = {t["code"]: found for t in room_types if (found := _has(t, feature))}
    if not named:
        if not having:
            return f"None of our rooms lists a {feature}; the front desk can tell you more."
        rooms = [t for t in room_types if t["code"] in having]
        if len(rooms) == len(room_types):
            return f"Every room has {_article(having[rooms[0]['code']])}."
        return " ".join(f"The {t['name']} has {_article(having[t['code']])}." for t in rooms)
    sentences = []
    for t in named:
        if t["code"] in having:
            sentences.append(f"Yes, the {t['name']} has {_article(having[t['code']])}.")
        else:
            others = [o["name"] for o in room_types if o["code"] in having and o not in named]
            elsewhere = f" The {_either(others, 'and')} {'does' if len(others) == 1 else 'do'}." if others else ""
            sentences.append(f"No, the {t['name']} doesn't have {_article(feature, a='a')}.{elsewhere}")
    return " ".join(sentences)


def _fits(party: int, named: list[dict[str, Any]], room_types: list[dict[str, Any]]) -> str:
    """'The Family Room and Suite sleep four: up to five and four.' / 'No, the Deluxe Room sleeps up to three; ...'"""
    fitting = sorted((t for t in room_types if t["max_occupancy"] >= party), key=lambda t: -t["max_occupancy"])
    if not fitting:
        largest = max(room_types, key=lambda t: t["max_occupancy"])
        return (
            f"None of our rooms sleeps {_n(party)}; the {largest['name']} sleeps the most, up to "
            f"{_n(largest['max_occupancy'])}. The front desk can help with more than one room."
        )
    upto = "; ".join(f"the {t['name']} up to {_n(t['max_occupancy'])}" for t in fitting)
    among = f"For {_n(party)}: {upto}."
    if not named:
        return among[0].upper() + among[1:]
    sentences = [
        f"Yes, the {t['name']} sleeps up to {_n(t['max_occupancy'])}."
        if t in fitting
        else f"No, the {t['name']} sleeps up to {_n(t['max_occupancy'])}."
        for t in named
    ]
    if any(t not in fitting for t in named):
        sentences.append(among[0].upper() + among[1:])
    return " ".join(sentences)


def _view(kind: str, named: list[dict[str, Any]], room_types: list[dict[str, Any]]) -> str:
    """'The Suite has an ocean view.' / 'No, the Deluxe Room has a city, garden or pool view; the Suite has an ocean view.'"""
    words = SAME_VIEW.get(kind, {kind.rstrip("s")})
    having = [t for t in room_types if any(v.lower() in words for v in t.get("views") or [])]
    if not having:
        return f"None of our rooms has {_article(kind, a='a')} view; the front desk can tell you more."
    said = next((v.lower() for t in having for v in t["views"] if v.lower() in words), kind)
    among = f"The {_either([t['name'] for t in having], 'and')} {'has' if len(having) == 1 else 'have'} {_article(said, a='a')} view."
    if not named:
        return among
    sentences = []
    for t in named:
        if t in having:
            sentences.append(f"Yes, the {t['name']} has {_article(said, a='a')} view.")
        else:
            views = _either(list(t.get("views") or []))
            sentences.append(
                f"No, the {t['name']} has {_article(views, a='a')} view." if views else f"No, the {t['name']} has none."
            )
    if any(t not in having for t in named):
        sentences.append(among)
    return " ".join(sentences)


def _has(room: dict[str, Any], feature: str) -> str | None:
    """The room's own word for the feature (its amenity or a phrase of its description), or None."""
    for amenity in room.get("amenities") or []:
        if feature in amenity.lower():
            return amenity.lower()
    description = (room.get("description") or "").lower()
    m = re.search(rf"\b((?:\w+ )?{re.escape(feature)}\w*)", description)
    return m.group(1) if m else None


def _sizes(rooms: list[dict[str, Any]], *, compare: bool) -> str | None:
    sized = [t for t in rooms if t.get("size_sqft")]
    if not sized or len(sized) < len(rooms):
        return None
    if not compare:
        return " ".join(f"The {t['name']} is {t['size_sqft']} square feet." for t in sized)
    ordered = sorted(sized, key=lambda t: -t["size_sqft"])
    rest = ", ".join(f"the {t['name']} is {t['size_sqft']}" for t in ordered[1:])
    return f"The {ordered[0]['name']} is the largest, at {ordered[0]['size_sqft']} square feet; {rest}."


def _described(rooms: list[dict[str, Any]], *, differences: bool = False) -> str:
    """Each room's own description; comparing rooms, also the features one has and another lacks."""
    sentences = [f"The {t['name']}: {t['description']}" for t in rooms if t.get("description")]
    if differences:
        common = set.intersection(*(set(t.get("amenities") or []) for t in rooms))
        for t in rooms:
            extra = [a for a in t.get("amenities") or [] if a not in common]
            if extra:
                sentences.append(f"The {t['name']} also has {_either([a.lower() for a in extra], 'and')}.")
    return " ".join(sentences) or " ".join(t["name"] for t in rooms)


def _beds(room: dict[str, Any]) -> str:
    return _either([(b.get("description") or b["code"]).lower() for b in room["beds"]])


def _either(items: list[str], last: str = "or") -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {last} " + items[-1]


def _article(thing: str, a: str = "") -> str:
    if thing.endswith("s") and not a:
        return thing
    return f"{'an' if thing[:1] in 'aeiou' else 'a'} {thing}"


def _n(count: int) -> str:
    return f"{NUMBER_WORDS.get(count, str(count))} {'person' if count == 1 else 'people'}"
