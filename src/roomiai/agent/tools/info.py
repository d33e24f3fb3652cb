"""hotel_info: answers about the hotel in its own words, from GET /v1/hotel (read once per call)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from ..api_client import RoomiApi
from ..brain.responses import spell_digits, spell_email
from ..brain.room_questions import parse_topic, room_question
from ..call_state import CallState
from .common import hotel_facts, result
from .room_facts import room_answer

INFO_TOPICS = ("parking", "breakfast", "wifi", "pool", "fitness", "restaurant", "location", "airport", "accessibility")
SYNONYMS = {
    "check_in": ("checkin", "check in", "arrival", "arrive", "early check in"),
    "check_out": ("checkout", "check out", "departure", "leave", "late check out", "late checkout"),
    "parking": ("park", "valet", "car", "garage"),
    "breakfast": ("morning meal", "buffet"),
    "pets": ("pet", "dog", "dogs", "cat", "cats", "animal", "animals", "service animal"),
    "wifi": ("wi fi", "internet", "wireless", "wlan", "network"),
    "pool": ("swimming", "swim", "swimming pool"),
    "fitness": ("gym", "fitness center", "fitness centre", "exercise", "workout"),
    "restaurant": ("dining", "dinner", "lunch", "bar", "food", "eat", "restaurants", "room service"),
    "location": ("directions", "where", "located", "beach", "neighbourhood", "neighborhood"),
    "airport": ("shuttle", "taxi", "transfer from the airport", "flight"),
    "accessibility": ("accessible", "wheelchair", "disabled", "disability", "roll in shower"),
    "children": ("child", "kids", "kid", "crib", "cot", "family", "baby"),
    "smoking": ("smoke", "cigarette", "vape", "vaping"),
    "cancellation": ("cancel", "cancellation policy", "cancelling", "canceling"),
    "address": ("street", "street address", "postal address"),
    "postcode": ("post code", "postal code", "zip", "zip code", "zipcode", "postcode"),
    "email": ("e mail", "email address", "mail"),
    "deposit": ("prepayment", "pay in advance", "pay up front", "payment", "guarantee"),
    "phone": ("phone number", "telephone", "number", "call"),
    "amenities": (
        "amenity",
        "in room",
        "kettle",
        "coffee maker",
        "coffee machine",
        "espresso",
        "mini bar",
        "minibar",
        "room safe",
        "bathrobe",
        "bathrobes",
        "balcony",
        "tub",
        "bathtub",
        "tv",
        "television",
        "fridge",
        "microwave",
    ),
    "room_types": ("rooms", "room", "room type", "suites", "suite", "types of rooms"),
}


async def hotel_info(api: RoomiApi, state: CallState, *, topic: str) -> str:
    """The hotel's answer on a topic, or the topics it can answer."""
    facts = await hotel_facts(api, state)
    rooms = parse_topic(topic) or _named_room_question(topic, facts)
    if rooms is not None:
        return result({"topic": rooms.topic(), "answer": room_answer(rooms, facts.get("room_types") or [])})
    answers = _answers(facts)
    known = [name for name, answer in answers.items() if answer]
    name = resolve_topic(topic, known)
    if name is None:
        return result({"topic": topic, "answer": None, "known_topics": known})
    return result({"topic": name, "answer": answers[name]})


def _named_room_question(topic: str, facts: dict[str, Any]):
    """A caller's words that ask about a named room ('does the suite have a bath'), as a room question."""
    words = {}
    for t in facts.get("room_types") or []:
        name = t["name"].lower()
        words.update({name: t["code"], t["code"].lower(): t["code"], name.replace(" room", "").strip(): t["code"]})
    question = room_question(topic.lower(), words)
    return question if question is not None and question.codes else None


def resolve_topic(topic: str, known: list[str]) -> str | None:
    """The known topic a caller's word points to: the topic itself, a synonym, or a topic word inside it."""
    text = re.sub(r"[^a-z0-9]+", " ", topic.lower()).strip()
    key = text.replace(" ", "_")
    if key in known:
        return key
    for name, words in SYNONYMS.items():
        if name in known and text in words:
            return name
    padded = f" {text} "
    for name in known:
        words = (name.replace("_", " "), *SYNONYMS.get(name, ()))
        if any(f" {word} " in padded for word in words):
            return name
    return None


def _answers(facts: dict[str, Any]) -> dict[str, str | None]:
    policies, info = facts["policies"], facts["info"]
    builders: dict[str, Callable[[], str | None]] = {
        "check_in": lambda: check_in_sentence(facts),
        "check_out": lambda: check_out_sentence(facts),
        "pets": lambda: policies.get("pets"),
        "children": lambda: policies.get("children"),
        "smoking": lambda: policies.get("smoking"),
        "cancellation": lambda: policies.get("cancellation"),
        "address": lambda: f"{facts['name']} is at {facts['address']}." if facts.get("address") else None,
        "phone": lambda: f"The front desk number is {spell_digits(facts['phone'])}." if facts.get("phone") else None,
        "postcode": lambda: _postcode(facts),
        "email": lambda: f"Our email address is {spell_email(facts['email'])}." if facts.get("email") else None,
        "deposit": lambda: policies.get("deposit"),
        "amenities": lambda: _amenities(facts),  # before room_types: "do rooms come with a kettle" asks about amenities
        "room_types": lambda: _room_types(facts),
    }
    answers = {name: info.get(name) for name in INFO_TOPICS}
    answers.update({name: build() for name, build in builders.items()})
    answers.update({name: text for name, text in info.items() if name not in answers})
    return answers


def _postcode(facts: dict[str, Any]) -> str | None:
    """'The postcode is 33139.' ('' when the hotel's address has none, so Roomi says she does not know)."""
    code = facts.get("postal_code")
    return f"The postcode is {code}." if code else ""


def check_in_sentence(facts: dict[str, Any]) -> str:
    """'Check-in is from 3 PM. Early check-in from noon can be arranged for 40 dollars, ...' ('' when unknown)."""
    if not facts.get("check_in_time"):
        return ""
    sentence = f"Check-in is from {_time(facts['check_in_time'])}."
    early = facts.get("early_check_in") or {}
    if early.get("available") and early.get("earliest_time"):
        sentence += (
            f" Early check-in from {_time(early['earliest_time'])} can be arranged"
            f"{_fee(early.get('fee'), facts.get('currency', 'USD'))}, subject to availability."
        )
    return sentence


def check_out_sentence(facts: dict[str, Any]) -> str:
    """'Check-out is by 11 AM. Late check-out until 2 PM can be arranged for 40 dollars, ...' ('' when unknown)."""
    if not facts.get("check_out_time"):
        return ""
    sentence = f"Check-out is by {_time(facts['check_out_time'])}."
    late = facts.get("late_check_out") or {}
    if late.get("available") and late.get("latest_time"):
        sentence += (
            f" Late check-out until {_time(late['latest_time'])} can be arranged"
            f"{_fee(late.get('fee'), facts.get('currency', 'USD'))}, subject to availability."
        )
    return sentence


def _room_types(facts: dict[str, Any]) -> str | None:
    types = facts["room_types"]
    if not types:
        return None
    return " ".join(f"{t['name']}: {t['description']}" for t in types)


def _amenities(facts: dict[str, Any]) -> str | None:
    """'In every room: WiFi, TV and safe. The Suite adds balcony.' from the room types' own amenity lists."""
    types = [t for t in facts["room_types"] if t.get("amenities")]
    if not types:
        return None
    common = [a for a in types[0]["amenities"] if all(a in t["amenities"] for t in types)]
    sentences = [f"In every room: {_listed(common)}."] if common and len(types) == len(facts["room_types"]) else []
    for t in types:
        extra = [a for a in t["amenities"] if a not in common] if sentences else t["amenities"]
        if extra:
            sentences.append(f"The {t['name']} {'adds' if sentences else 'has'} {_listed(extra)}.")
    return " ".join(sentences)


def _listed(items: list[str]) -> str:
    items = [
        " ".join(w if w.isupper() or w[1:] != w[1:].lower() else w.lower() for w in item.split()) for item in items
    ]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _time(text: str) -> str:
    moment = dt.time.fromisoformat(text)
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    if moment.hour == 12 and not moment.minute:
        return "noon"
    return f"{hour}{minutes} {'PM' if moment.hour >= 12 else 'AM'}"


def _fee(amount: float | None, currency: str) -> str:
    if not amount:
        return " at no charge"
    return f" for {amount:.2f}".removesuffix(".00") + f" {currency_name(currency)}"


def currency_name(code: str) -> str:
    """USD → dollars, as a receptionist says it."""
    return {"USD": "dollars", "EUR": "euros", "GBP": "pounds"}.get(code, code)
