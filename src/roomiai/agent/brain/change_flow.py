"""Changing a verified booking: what should change, the quote, and the change after the caller's yes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .asked import Asked
from .dates import following
from .entities import FOLLOWS
from .flow import Action, Flow, ToolResult
from .responses import booking_summary, day, money, nights
from .state import ConversationState as S

RELATIVE_NIGHTS = re.compile(
    r"\b(?:add(?:ing)?|extra|another|more|extend\w*|longer|additional|(?P<fewer>less|fewer|shorter|shorten|cut|remove))\b"
    r"(?=.*\bnights?\b)|\bnights?\b.*\b(?:more|extra|longer|(?P<fewer2>less|fewer|shorter))\b"
)


class ChangeFlow(Flow):
    """Quotes a change to the verified booking and makes it only after a yes."""

    def _apply_change(self, lower: str) -> bool:
        """Store what the caller wants changed; True when anything was said."""
        e, c = self.entities, self.d.change
        changed = False
        relative = RELATIVE_NIGHTS.search(lower)
        if relative:
            extra = int(e.get("nights") or 1)
            fewer = relative.group("fewer") or relative.group("fewer2")
            c["extra_nights"], changed = -extra if fewer else extra, True
        for key, name in (
            ("check_in_date", "check_in"),
            ("check_out_date", "check_out"),
            ("nights", "nights"),
            ("adults", "adults"),
            ("children", "children"),
        ):
            if key in e and not (relative and key == "nights"):
                c[name], changed = e[key], True
        if "check_out_date" in e:
            c[FOLLOWS] = e.get(FOLLOWS)  # "checking out on Sunday": the Sunday after the arrival settled on
        if "room_type" in e and self.room_words.get(str(e["room_type"]).lower()):
            c["room_type"], changed = self.room_words[str(e["room_type"]).lower()], True
        return changed

    def _change_answer(self, intent: str) -> Action | None:
        """The caller's yes or no to a quoted change; None when it was neither."""
        d = self.d
        if intent == "confirm":
            return self._call("confirm_change", {}, S.MODIFICATION)
        if intent == "deny":
            d.quote, d.change, d.asked = None, {}, Asked.CHANGE_WHAT
            return self._say(
                "No problem, I haven't changed anything. What would you like to change instead?", S.MODIFICATION
            )
        return None

    def _change_next(self, booking: dict[str, Any], changed: bool) -> Action:
        d = self.d
        if not d.change:
            if d.asked == Asked.CHANGE_WHAT and not changed:
                return self._unclear()
            return self._ask(
                Asked.CHANGE_WHAT, booking_summary(booking) + " What would you like to change?", S.MODIFICATION
            )
        return self._call("quote_change", self._change_args(booking), S.MODIFICATION)

    def _change_args(self, booking: dict[str, Any]) -> dict[str, Any]:
        c = self.d.change
        args: dict[str, Any] = {"confirmation_number": booking["confirmation_number"]}
        check_in = c.get("check_in")
        length = int(c["nights"]) if c.get("nights") else booking["nights"]
        if c.get("extra_nights"):
            length = max(1, booking["nights"] + c["extra_nights"])
        if check_in:
            args["check_in"] = check_in.isoformat()
        if c.get("check_out"):
            start = check_in or dt.date.fromisoformat(booking["check_in"])
            check_out = c["check_out"]
            if c.get(FOLLOWS) and (check_in or check_out <= start):
                check_out = following(check_out, c[FOLLOWS], start, self.today())
            args["check_out"] = check_out.isoformat()
        elif check_in or c.get("nights") or c.get("extra_nights"):
            start = check_in or dt.date.fromisoformat(booking["check_in"])
            args["check_out"] = (start + dt.timedelta(days=length)).isoformat()
        for key in ("room_type", "adults", "children"):
            if key in c:
                args[key] = c[key]
        return args

    def _change_sentence(self, quote: dict[str, Any]) -> str:
        diff = quote["difference"]
        if diff > 0:
            delta = f"that's {money(diff, quote['currency'])} more than before"
        elif diff < 0:
            delta = f"that's {money(-diff, quote['currency'])} less than before"
        else:
            delta = "the same as before"
        return (
            f"I can change it to a {quote['room_type']} from {day(quote['check_in'])} to {day(quote['check_out'])}, "
            f"{nights(quote['nights'])}. The new total is {money(quote['new_total'], quote['currency'])}, {delta}. Shall I make that change?"
        )

    # -- tool results ---------------------------------------------------------------------------

    def _on_quote_change(self, r: ToolResult) -> Action:
        d = self.d
        if r.failed:
            d.change, d.asked = {}, Asked.CHANGE_WHAT
            return self._say(
                f"I'm sorry, I can't make that change: {r.error} Is there another change I can look at?", S.MODIFICATION
            )
        d.quote, d.asked = r.data, Asked.CHANGE_CONFIRM
        return self._say(self._change_sentence(r.data), S.MODIFICATION)

    def _on_confirm_change(self, r: ToolResult) -> Action:
        d, output = self.d, r.data
        if r.failed:
            d.quote, d.change, d.asked = None, {}, Asked.CHANGE_WHAT
            return self._say(
                f"I'm sorry, the change didn't go through: {r.error} Would you like to try something else?",
                S.MODIFICATION,
            )
        d.quote, d.change = None, {}
        return self._done(
            f"Done. Your booking {output['confirmation_number']} is now from {day(output['check_in'])} to {day(output['check_out'])} "
            f"in a {output['room_type']}, {money(output['new_total'], output['currency'])} in total. Is there anything else I can help you with?"
        )
