"""Roomi's system prompt: the blueprint's, filled from the hotel's own data (GET /v1/hotel) and the policy files.

The rules live in `policies/*.md`, one markdown file per topic; every file in the folder is part of the prompt.
Nothing here uses `str.format` on hotel data, so braces in a description can never break the prompt.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import Any

from .tools import info

POLICY_PACKAGE = "roomiai.agent"
POLICY_FOLDER = "policies"
# the order the rules read best in; any other file in the folder follows, alphabetically
POLICY_ORDER = ("style", "booking", "changes", "money", "verification", "escalation", "security")
BASIC_TOPICS = ("check_in", "check_out", "address", "phone", "room_types")

ROLE = """\
You are {agent}, the AI receptionist answering the phone for {hotel}. Your role is to:
1. Help callers check availability and make room reservations
2. Change or cancel the bookings of callers you have verified
3. Answer questions about the hotel
4. Process service requests for guests staying at the hotel now
Respond naturally and professionally, and keep every reply short: it is spoken on a phone call.
Always read the details back and get a clear yes before booking, changing or cancelling."""


def policy_topics() -> list[str]:
    """The policy topics, from the markdown files in the policies folder."""
    names = [
        entry.name.removesuffix(".md")
        for entry in _policy_dir().iterdir()
        if entry.name.endswith(".md") and entry.is_file()
    ]
    ranked = [name for name in POLICY_ORDER if name in names]
    return ranked + sorted(name for name in names if name not in POLICY_ORDER)


def policy_text(topic: str) -> str:
    """One policy file's text."""
    return (_policy_dir() / f"{topic}.md").read_text(encoding="utf-8").strip()


def policies() -> str:
    """Every policy, in reading order, its headings one level below the prompt's own."""
    return "\n\n".join(_demote(policy_text(topic)) for topic in policy_topics())


def system_prompt(facts: dict[str, Any], *, today: dt.date) -> str:
    """The system prompt for one call: role, today's date at the hotel, the hotel's facts, then the rules."""
    agent = (facts.get("voice_agent_settings") or {}).get("greeting_name") or "Roomi"
    sections = [
        ROLE.replace("{agent}", agent).replace("{hotel}", facts["name"]),
        _today(facts, today),
        "# The hotel\n" + "\n".join(line for line in _hotel(facts) if line),
        "# Rules\n" + policies(),
    ]
    return "\n\n".join(sections).strip() + "\n"


def _policy_dir():
    return resources.files(POLICY_PACKAGE).joinpath(POLICY_FOLDER)


def _demote(markdown: str) -> str:
    return "\n".join(f"#{line}" if line.startswith("#") else line for line in markdown.splitlines())


def _today(facts: dict[str, Any], today: dt.date) -> str:
    zone = facts.get("timezone")
    where = f" (time zone {zone})" if zone else ""
    return (
        f"Today is {today:%A} {today.day} {today:%B %Y} ({today.isoformat()}) at the hotel{where}. "
        "Give tools dates as YYYY-MM-DD, working out words such as tomorrow, next Friday or the 20th from today; "
        "a stay starts today or later. If a date is unclear, ask."
    )


def _hotel(facts: dict[str, Any]) -> list[str]:
    currency = facts.get("currency") or "USD"
    lines = [_contact(facts, currency), info.check_in_sentence(facts), info.check_out_sentence(facts)]
    rooms = facts.get("room_types") or []
    if rooms:
        lines.append("Room types (the code in brackets is what the tools take):")
        lines += [f"- {_room(room)}" for room in rooms]
    packages = facts.get("packages") or []
    if packages:
        lines.append("Packages and extras:")
        lines += [f"- {_package(package, currency)}" for package in packages]
    hotel_policies = facts.get("policies") or {}
    if hotel_policies:
        lines.append("Hotel policies, in the hotel's words:")
        lines += [f"- {_topic(name).capitalize()}: {text}" for name, text in hotel_policies.items() if text]
    topics = [*BASIC_TOPICS, *(facts.get("info") or {}), *hotel_policies]
    lines.append(
        "hotel_info answers these topics in the hotel's words: "
        + ", ".join(_topic(name) for name in dict.fromkeys(topics))
        + "."
    )
    return lines


def _contact(facts: dict[str, Any], currency: str) -> str:
    line = f"{facts['name']}"
    if facts.get("address"):
        line += f", {facts['address']}"
    line += "."
    if facts.get("phone"):
        line += f" The front desk number is {facts['phone']}."
    return line + f" Prices are in {info.currency_name(currency)}."


def _room(room: dict[str, Any]) -> str:
    text = f"{room['name']} ({room['code']}): {room.get('description') or ''}".rstrip()
    beds = [f"{bed['description']} ({bed['code']})" for bed in room.get("beds") or []]
    if beds:
        text += f" Beds: {' or '.join(beds)}."
    views = room.get("views") or []
    if views:
        text += f" Views: {' or '.join(views)}."
    if room.get("max_occupancy"):
        text += f" Sleeps up to {room['max_occupancy']}."
    return text


def _package(package: dict[str, Any], currency: str) -> str:
    text = f"{package['name']}: {package.get('description') or ''}".rstrip()
    if package.get("price") is not None:
        per = package.get("per")
        per_text = f" per {per.replace('_', ' per ')}" if per else ""
        text += f" {_amount(package['price'], currency)}{per_text}."
    return text


def _topic(name: str) -> str:
    return name.replace("_", " ")


def _amount(amount: float, currency: str) -> str:
    number = f"{amount:.2f}".removesuffix(".00")
    return f"{number} {info.currency_name(currency)}"
