"""Cancelling a verified booking: the penalty first, the cancellation only after the caller's yes."""

from __future__ import annotations

import re
from typing import Any

from .asked import Asked
from .booking_flow import NOT_CONFIRMED
from .change_flow import KEEP_IT, SAID_NO
from .flow import Action, Flow, ToolResult
from .responses import day, money, spell_reference
from .state import ConversationState as S
from .state import Task

REASON = "cancelled by the guest over the phone"
CHANGE_INSTEAD = re.compile(
    r"\b(?:change|move|modify|switch|shift|push|postpone|reschedul\w*|different dates?|instead)\b"
)
ASKS_ABOUT_QUOTE = re.compile(
    r"\?|^\s*(?:what|how|why|when|is|does|do|will|would|can|could)\b|\b(?:penalty|fee|charge\w*|cost\w*|refund\w*|how much"
    r"|pay|price|total|again|repeat|say that)\b"
)


class CancellationFlow(Flow):
    """Quotes what cancelling costs now and cancels after a yes."""

    def _cancel_answer(self, intent: str) -> Action | None:
        """The caller's yes or no to a quoted cancellation; None when it was neither."""
        d = self.d
        if intent == "confirm" and KEEP_IT.search(self._lower):
            intent = "deny"  # "hmm ok no, keep it then": the ok is no yes
        if intent == "confirm":
            return self._call("confirm_cancellation", {"reason": REASON}, S.CANCELLATION)
        if intent == "deny" and SAID_NO.search(self._lower):
            d.quote = None
            booking = self._selected()
            if CHANGE_INSTEAD.search(self._lower) and booking is not None:  # "no, can I change the dates instead?"
                d.task, d.asked, d.change = Task.MODIFY, None, {}
                return self._change_next(booking, self._apply_change(self._lower))
            return self._done("Alright, your booking stays as it is. Is there anything else I can help you with?")
        return None

    def _cancel_next(self, booking: dict[str, Any]) -> Action:
        d = self.d
        if d.quote is None:
            return self._call(
                "quote_cancellation", {"confirmation_number": booking["confirmation_number"]}, S.CANCELLATION
            )
        return self._quote_again(self._cancel_sentence(d.quote), S.CANCELLATION)

    def _quote_again(self, sentence: str, state: S) -> Action:
        """Neither yes nor no to a quote: the quote again, amount and all (a yes counts only to a question that states it)."""
        d = self.d
        if ASKS_ABOUT_QUOTE.search(self._lower):
            return self._ask(d.asked or Asked.CANCEL_CONFIRM, sentence, state)
        if d.unclear_on == d.asked and d.misunderstood >= 1:
            return self._unclear()
        d.unclear_on, d.misunderstood = d.asked, 1
        return self._ask(d.asked or Asked.CANCEL_CONFIRM, "Sorry, I didn't catch that. " + sentence, state)

    def _cancel_sentence(self, quote: dict[str, Any]) -> str:
        if quote["free_cancellation"]:
            cost = "You can cancel it free of charge."
        else:
            cost = f"Cancelling now carries a penalty of {money(quote['penalty'], quote['currency'])} under the rate's cancellation policy."
        refund = f" You'll be refunded {money(quote['refund'], quote['currency'])}." if quote.get("refund") else ""
        booking = self._selected()
        which = (
            f"That's your {booking.get('room_type') or 'stay'} from {day(booking['check_in'])} to {day(booking['check_out'])}. "
            if booking and booking.get("check_in") and booking.get("check_out")
            else ""
        )  # the dates said before the yes: "the one in February" hears it is not
        return f"{which}{cost}{refund} Would you like me to cancel booking {quote['confirmation_number']}?"

    # -- tool results ---------------------------------------------------------------------------

    def _on_quote_cancellation(self, r: ToolResult) -> Action:
        d = self.d
        if r.failed:
            return self._done(f"I'm sorry, {r.sorry()} Is there anything else I can help you with?")
        d.quote = r.data
        return self._ask(Asked.CANCEL_CONFIRM, self._cancel_sentence(r.data), S.CANCELLATION)

    def _on_confirm_cancellation(self, r: ToolResult) -> Action:
        d, output = self.d, r.data
        if (
            r.failed and r.code == NOT_CONFIRMED and d.quote
        ):  # the yes came with a doubt: the quote again, for a clear yes
            return self._ask(Asked.CANCEL_CONFIRM, "Just to be sure: " + self._cancel_sentence(d.quote), S.CANCELLATION)
        if r.failed:
            d.asked = Asked.ANYTHING_ELSE
            return self._say(
                f"I'm sorry, the cancellation didn't go through: {r.error} Is there anything else I can help you with?",
                S.CLOSING,
            )
        d.quote = None
        ref = output["cancellation_reference"]
        refund = (
            f" A refund of {money(output['refund'], output['currency'])} is on its way." if output.get("refund") else ""
        )
        return self._done(
            f"Your booking is cancelled. Your cancellation reference is {ref}, that's {spell_reference(ref)}.{refund} "
            "Is there anything else I can help you with?"
        )
