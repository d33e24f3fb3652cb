"""What every tool shares: compact JSON results, API refusals as ToolErrors, card redaction, the read-back guard."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from livekit.agents import ToolError, llm

from ...domain.cards import redact_card_numbers
from ...domain.references import digits_only
from ..api_client import ApiError, RoomiApi
from ..brain.answers import statement_and_question
from ..brain.entities import EntityExtractor
from ..brain.intents import IntentClassifier
from ..brain.normalise import clean
from ..brain.spoken import find_phone
from ..call_state import CallState

NOT_CONFIRMED = "The caller has not confirmed the read-back yet."
NOT_CONFIRMED_CODE = "not_confirmed"
LOOKUP_LIMITED = "lookup_limited"  # the API's problem code when it refuses to check a caller's details for a while
CANNOT_CHECK_NOW = "cannot_check_now"  # a tool's result code: say so and offer the front desk
CANNOT_CHECK_NOW_TELL = (
    "The hotel's system cannot check booking details right now: tell the caller you cannot check "
    "it at the moment and offer to transfer them to the front desk."
)
_classifier = IntentClassifier()
_extractor = EntityExtractor()


def refusal(detail: str, code: str) -> ToolError:
    """A ToolError saying what to do, ending with its stable code ('... [code: not_found]'): brains read the code, not the words."""
    return ToolError(f"{detail} [code: {code}]")


def refused_code(text: str) -> tuple[str, str | None]:
    """A tool error's words and its code: refusal()'s text → (detail, code); other text → (text, None)."""
    found = _CODE.search(text or "")
    return (text[: found.start()], found.group(1)) if found else (text, None)


_CODE = re.compile(r"\s*\[code: ([a-z0-9_]+)\]\s*$")


def result(data: dict[str, Any]) -> str:
    """The tool's answer as compact JSON."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


@contextmanager
def api_errors(on_refusal: Callable[[], None] | None = None) -> Iterator[None]:
    """An API error becomes a ToolError carrying the API's own explanation; `on_refusal` runs when the API said no (4xx)."""
    try:
        yield
    except ApiError as exc:
        if on_refusal is not None and exc.status < 500:
            on_refusal()
        if exc.code == LOOKUP_LIMITED:
            raise refusal(CANNOT_CHECK_NOW_TELL, CANNOT_CHECK_NOW) from None
        raise refusal(exc.detail, exc.code or ("unavailable" if exc.status >= 500 else "refused")) from None


def cannot_check_now(**extra: Any) -> str:
    """The distinct result of a tool the API would not let check the caller's details now (429 lookup_limited)."""
    return result({**extra, "code": CANNOT_CHECK_NOW, "instruction": CANNOT_CHECK_NOW_TELL})


async def hotel_facts(api: RoomiApi, state: CallState) -> dict[str, Any]:
    """GET /v1/hotel, read once per call."""
    if state.hotel_facts is None:
        with api_errors():
            state.hotel_facts = await api.hotel_info()
    return state.hotel_facts


def redact(value: Any) -> Any:
    """The value with every card number in its text replaced by '[card ending NNNN]'."""
    if isinstance(value, str):
        return redact_card_numbers(value)
    if isinstance(value, dict):
        return {key: redact(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(item) for item in value]
    return value


def normalise_confirmation(confirmation_number: str) -> str:
    return "".join(confirmation_number.split()).upper()


def caller_turns(history: llm.ChatContext) -> int:
    """How many times the caller has spoken so far."""
    return sum(1 for item in history.items if item.type == "message" and item.role == "user")


def caller_said_phone(history: llm.ChatContext, phone: str) -> bool:
    """Whether the caller said this phone number (its last ten digits), in digits or in words, during the call."""
    key = digits_only(phone)[-10:]
    for item in history.items:
        if item.type == "message" and item.role == "user":
            text = item.text_content or ""
            if key and (key in digits_only(text) or key in (find_phone(clean(text), asked=True) or "")):
                return True
    return False


def mark_read_back(state: CallState, history: llm.ChatContext, kind: str, *, amount: float | None = None) -> None:
    """Note that a quote of this kind is being read back now; only a later caller turn can confirm it.

    `amount` is the backend's total (or penalty) the read-back must state before a yes counts.
    """
    state.read_back_at[kind] = caller_turns(history)
    state.read_back_amount[kind] = amount


def require_yes(state: CallState, history: llm.ChatContext, kind: str) -> None:
    """Refuse unless the caller spoke after the read-back and their latest words are a clear yes."""
    said: str | None = None
    asked = ""
    for item in reversed(history.items):
        if item.type != "message":
            continue
        if said is None and item.role == "user":
            said = item.text_content or ""
        elif said is not None and item.role == "assistant":
            asked = item.text_content or ""
            break
    if said is None or caller_turns(history) <= state.read_back_at.get(kind, caller_turns(history)):
        raise refusal(NOT_CONFIRMED, NOT_CONFIRMED_CODE)
    statement, questions = statement_and_question(
        said
    )  # "yes please. what time is check-in?": the yes answers, the rest asks
    if _classifier.classify(statement, previous_agent=asked).intent != "confirm":
        raise refusal(NOT_CONFIRMED, NOT_CONFIRMED_CODE)
    amount = state.read_back_amount.get(kind)
    if amount is not None and round(amount * 100) not in amounts_in(asked):
        raise refusal(
            f"Read the quote back first: the question the caller answered must state the total of {amount:.2f}.",
            NOT_CONFIRMED_CODE,
        )
    if (
        _CHANGE_WORDS.search(statement.lower())
        or _CHANGE_ASKED.search(questions.lower())
        or _CHANGED_SLOTS & set(_extractor.extract(said, today=state.date(), previous_agent=asked))
    ):
        raise refusal(
            "The caller's yes came with a change or a doubt: apply the change and read it back again.",
            NOT_CONFIRMED_CODE,
        )


_CHANGE_WORDS = re.compile(r"\b(wait|hold on|actually|instead|rather|never ?mind|don'?t|not yet)\b")
_CHANGE_ASKED = re.compile(
    r"\b(wait|hold on|instead|rather|never ?mind|don'?t|not yet|change|switch|make it|different|move|cancel)\b"
)
_CHANGED_SLOTS = {
    "check_in_date",
    "check_out_date",
    "nights",
    "adults",
    "children",
    "rooms",
    "room_type",
    "bed_preference",
}
_MONEY = re.compile(
    r"(\d[\d,]*)(?:\.(\d{1,2}))?(?:\s*(?:dollars?|euros?|pounds?))?(?:\s*and\s*(\d{1,2})\s*(?:cents?|pence))?"
)


def amounts_in(text: str) -> set[int]:
    """Money amounts written in a sentence, in cents: '1,381 dollars and 25 cents', '$1,381.25', '215 dollars'."""
    found = set()
    for m in _MONEY.finditer(text or ""):
        whole = int(m.group(1).replace(",", "") or 0)
        cents = m.group(2) or m.group(3) or "0"
        found.add(whole * 100 + int(cents.ljust(2, "0") if m.group(2) else cents))
    return found
