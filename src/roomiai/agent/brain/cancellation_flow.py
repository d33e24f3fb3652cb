"""Cancelling a verified booking: the penalty first, the cancellation only after the caller's yes."""

from __future__ import annotations

from typing import Any

from .asked import Asked
from .flow import Action, Flow, ToolResult
from .responses import money, spell_reference
from .state import ConversationState as S

REASON = "cancelled by the guest over the phone"


class CancellationFlow(Flow):
    """Quotes what cancelling costs now and cancels after a yes."""

    def _cancel_answer(self, intent: str) -> Action | None:
        """The caller's yes or no to a quoted cancellation; None when it was neither."""
        d = self.d
        if intent == "confirm":
            return self._call("confirm_cancellation", {"reason": REASON}, S.CANCELLATION)
        if intent == "deny":
            d.quote = None
            return self._done("Alright, your booking stays as it is. Is there anything else I can help you with?")
        return None

    def _cancel_next(self, booking: dict[str, Any]) -> Action:
        if self.d.quote is None:
            return self._call(
                "quote_cancellation", {"confirmation_number": booking["confirmation_number"]}, S.CANCELLATION
            )
        return self._unclear()

    def _cancel_sentence(self, quote: dict[str, Any]) -> str:
        if quote["free_cancellation"]:
            cost = "You can cancel it free of charge."
        else:
            cost = f"Cancelling now carries a penalty of {money(quote['penalty'], quote['currency'])} under the rate's cancellation policy."
        refund = f" You'll be refunded {money(quote['refund'], quote['currency'])}." if quote.get("refund") else ""
        return f"{cost}{refund} Would you like me to cancel booking {quote['confirmation_number']}?"

    # -- tool results ---------------------------------------------------------------------------

    def _on_quote_cancellation(self, r: ToolResult) -> Action:
        d = self.d
        if r.failed:
            return self._done(f"I'm sorry, {r.sorry()} Is there anything else I can help you with?")
        d.quote, d.asked = r.data, Asked.CANCEL_CONFIRM
        return self._say(self._cancel_sentence(r.data), S.CANCELLATION)

    def _on_confirm_cancellation(self, r: ToolResult) -> Action:
        d, output = self.d, r.data
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
