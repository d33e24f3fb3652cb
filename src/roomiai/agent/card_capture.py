"""Card capture, the call's secure step: a card's digits go straight to the payment gateway, never to the brain.

Whatever the caller said or typed, the brain, the transcript and the call log see only '[card ending 4471]';
Roomi says the last four back, never the number. The number lives in this object only until the gateway has
tokenised it (or for a few caller turns, waiting for the expiry). A card-like number that is no valid card becomes
'[card number]' and Roomi asks for it again; a card expiry becomes '[card expiry]', so it never becomes a stay date.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import partial

from ..domain.cards import BRAND_NAMES, card_like_in, expiry_in, redact_card_numbers, security_code_in
from .api_client import ApiError, RoomiApi
from .call_state import CallState

log = logging.getLogger("roomiai.agent.cards")
ASK_EXPIRY = "Thank you. And the card's expiry date, the month and the year?"
NOT_VALID = "That card number doesn't seem to be valid; could you read it again?"
EXPIRY_TURNS = 3  # caller turns a card number waits for its expiry before it is forgotten
PLACEHOLDER = re.compile(r"\[(?:card ending \d{4}|card number|card expiry|security code)\]")
ABOUT_A_CARD = set(
    "a an and are can card cards charge code credit cvv debit expiry expires expiration date give here i i'd it it's "
    "its my number ok okay on please put security so that the this to use visa mastercard amex you your with is "
    "um uh er oh yes sure exp expire valid thru through until month year zero one two three four five six seven "
    "eight nine ten eleven twelve twenty thirty".split()
)


@dataclass(frozen=True)
class Captured:
    """What the brain and the transcript may see of the caller's words, and what Roomi says instead of the brain."""

    safe_text: str
    reply: str | None


class CardCapture:
    def __init__(self, api: RoomiApi, state: CallState):
        self.api = api
        self.state = state
        self._number: str | None = None  # a card number waiting for its expiry; never logged
        self._turns_left = 0  # caller turns for which a card said earlier makes a bare '12/28' its expiry

    @property
    def waiting_for_expiry(self) -> bool:
        return self._number is not None

    def __repr__(self) -> str:
        return f"CardCapture(waiting_for_expiry={self._number is not None})"

    async def take(self, text: str) -> Captured | None:
        """Handle card data in the caller's words; None when they hold none and no card was said in the last turns.

        Words about nothing but the card are answered here; a card inside a longer answer ("the deluxe, for Ada
        Lovelace, and my card is ...") leaves the rest to the brain, and the number waits a few turns for its expiry.
        A card-like number that is not a valid card is never passed on: Roomi asks for it again.
        """
        cards = card_like_in(text)
        numbers = [card.digits for card in cards if card.valid]
        after_a_card = bool(cards) or self._turns_left > 0
        safe = safe_words(text, after_a_card=after_a_card)
        if not after_a_card and safe == text:
            return None
        if cards:
            self._turns_left = EXPIRY_TURNS
        elif self._turns_left > 0:
            self._turns_left -= 1
        if len(numbers) < len(cards):
            self._number = None  # a misheard or mistyped number: nothing of it is kept
            log.info("a card-like number that is not a valid card was said in call %s", self.state.session_id)
            return Captured(safe, NOT_VALID)
        if numbers:
            self._number = numbers[-1]
        elif self._turns_left <= 0:
            self._number = None  # the caller moved on: the number is forgotten
        words = without_placeholders(redact_card_numbers(text))
        expiry = expiry_in(words, uncued=after_a_card)
        if expiry is None or self._number is None:
            return Captured(safe, ASK_EXPIRY if numbers and only_about_the_card(safe) else None)
        number, self._number = self._number, None
        code = security_code_in(words)
        month, year = expiry[1]
        try:
            saved = await self.api.save_card(
                card_number=number, expiry=f"{month:02d}/{year}", cvv=code[1] if code else None
            )
        except ApiError as exc:
            log.info("a card given in call %s was refused: %s", self.state.session_id, exc.detail)
            return Captured(
                safe, f"I'm sorry, {exc.detail[0].lower()}{exc.detail[1:]} Could you give me the card again?"
            )
        self.state.card = {
            "payment_token": saved["payment_token"],
            "brand": saved["brand"],
            "last_four": saved["last_four"],
        }
        if not only_about_the_card(safe):
            return Captured(safe, None)  # saved; the rest of what the caller said is the brain's to answer
        brand = BRAND_NAMES.get(saved["brand"], "card")
        return Captured(
            safe,
            f"Thank you, I've saved the {brand} ending in {' '.join(saved['last_four'])}. "
            "It will guarantee your booking.",
        )


def only_about_the_card(safe_text: str) -> bool:
    """Whether the caller said nothing but the card ('my card is [card ending 1111]', 'use this card: ...')."""
    words = re.findall(r"[a-z']+", PLACEHOLDER.sub(" ", safe_text.lower()))
    if words[:1] in (["yes"], ["yeah"], ["yep"], ["yup"]):
        return False  # "yes, and put it on my card": the yes answers Roomi's question, so the brain must hear it
    return sum(word not in ABOUT_A_CARD for word in words) <= 1


def safe_words(text: str, *, after_a_card: bool = True) -> str:
    """The caller's words with card-like numbers, any security code and card expiry replaced by placeholders.

    An expiry after a cue ('expires 12/28') is always replaced; a bare '12/28' only with or just after a card, since
    otherwise it may be a date of the stay.
    """
    safe = redact_card_numbers(text)
    for find, placeholder in (
        (security_code_in, "[security code]"),
        (partial(expiry_in, uncued=after_a_card), "[card expiry]"),
    ):
        while (found := find(without_placeholders(safe))) is not None and found[0] in safe:
            safe = safe.replace(found[0], placeholder)
    return safe


def without_placeholders(safe_text: str) -> str:
    """Safe text with its placeholders as plain words, so that '[card ending 1111]' cannot lend digits to a date."""
    return PLACEHOLDER.sub(" card ", safe_text)
