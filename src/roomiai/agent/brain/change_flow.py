"""Changing a verified booking: what should change, the quote, and the change after the caller's yes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ...domain.spoken_digits import UNITS
from .asked import Asked
from .booking_flow import NOT_CONFIRMED
from .dates import following
from .entities import FOLLOWS
from .flow import Action, Flow, ToolResult
from .responses import booking_summary, day, money, nights, party
from .state import ConversationState as S

RELATIVE_NIGHTS = re.compile(
    r"\b(?:add(?:ing)?|extra|another|more|extend\w*|longer|additional|(?P<fewer>less|fewer|shorter|shorten|cut|remove))\b"
    r"(?=.*\bnights?\b)|\bnights?\b.*\b(?:more|extra|longer|(?P<fewer2>less|fewer|shorter))\b"
)

_COUNT = r"(a|an|one|two|three|four|five|six|seven|a couple of|couple of|\d{1,2})"
SHIFT = re.compile(
    rf"\b{_COUNT} (days?|nights?|weeks?) (later|earlier|early|sooner|back|forward|after|before|longer|shorter)\b"
    rf"|\b(back|forward|later|earlier|postpone\w*|delay\w*)(?: it| (?:the|my|our) (?:booking|reservation|stay|dates))?(?: by)? {_COUNT} (days?|nights?|weeks?)\b"
    r"|\bthe (day|night) (before|after)(?=\s*(?:$|[,.!?]|instead|then|please|too)\b)"
)
COUNTS = {word: UNITS[word] for word in ("one", "two", "three", "four", "five", "six", "seven")} | {
    "a": 1,
    "an": 1,
    "a couple of": 2,
    "couple of": 2,
}
LATER = {"later", "back", "after", "longer", "postpone", "delay"}
MOVE_ALL = re.compile(
    r"\b(?:move|push|shift|postpone|delay|bring|reschedul\w*|whole|everything|all of it|(?:the|my|our) (?:booking|reservation|stay|dates))\b"
)
ARRIVE = re.compile(r"\b(?:arriv\w*|come|coming|check(?:ing)? ?in|get (?:there|in)|start)\b")
LEAVE = re.compile(r"\b(?:leav\w*|depart\w*|check(?:ing)? ?out|go(?:ing)? home|stay\w*|end)\b")

KEEP_IT = re.compile(
    r"(?<!want to )(?<!wanna )(?<!not )\b(?:keep|leave) (?:it|the booking|my booking|the reservation|my reservation|things)\b"
    r"|\bdon'?t (?:cancel|change)\b|\bnever ?mind\b|\bchanged my mind\b|\bon second thoughts?\b"
)  # a "no" whatever other words say yes: "ok no, keep it then"
SAID_NO = re.compile(
    r"\b(?:no|nope|nah|not|don'?t|do not|never ?mind|keep|leave|forget|rather not|changed my mind|stop)\b"
)
COUNTED = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|both|alone|solo|adults?|kids?|child(?:ren)?|bab(?:y|ies)|people|persons?|guests?)\b"
)
NOTHING = re.compile(
    r"\b(?:that'?s (?:all|it|everything|fine|good|great|perfect|correct|right)|nothing|no changes?|all good|fine as it is"
    r"|(?:just|only) (?:checking|wanted to (?:check|confirm|know)|confirming)|thanks|thank you|looks (?:good|right|fine)|no|nope|nah)\b"
)
NOT_ON_A_BOOKING = re.compile(
    r"\b(?:king|queen|twin|double|single)(?:[ -]size)? beds?\b|\bbed type\b|\b(?:sea|ocean|city|garden|pool|river) view\b"
    r"|\b(?:high|higher|low|lower|top) floor\b|\b(?:two|three|2|3|another|second|extra|connecting|adjoining) rooms?\b"
    r"|\b(?:the |a )?(?:guest'?s? )?name (?:on|of) (?:it|the booking|my booking|the reservation|my reservation)\b"
    r"|\bchange (?:the |my |our )?(?:guest )?name\b|\b(?:transfer|give) (?:it|the booking|my booking|the reservation) to\b"
    r"|\b(?:put|transfer|move|switch)\b.{0,30}\b(?:in|into|to|under) (?:my |his |her |their |our |the )?\w+'?s? name\b"
)

MORE_GUESTS = re.compile(
    r"\b(?:add(?:ing)?|plus|another|one more|an extra|extra|bring(?:ing)?|one less|remove|minus|take off)"
    r"(?: (a|an|one|two|three|\d))?(?: more)? (kids?|child(?:ren)?|bab(?:y|ies)|infants?|sons?|daughters?|adults?|persons?|people|guests?|friends?"
    r"|(?:my )?(?:mum|mom|mother|dad|father|sister|brother|wife|husband|partner|friend|colleague))\b"
)


def shift_of(lower: str) -> tuple[int, int] | None:
    """Days the arrival and the departure move by: 'push it back a week' (7, 7), 'leave a day earlier' (0, -1)."""
    m = SHIFT.search(lower)
    if not m:
        return None
    if m.group(7):
        count, unit, way = "one", "day", m.group(8)
    elif m.group(1):
        count, unit, way = m.group(1), m.group(2), m.group(3)
    else:
        count, unit, way = m.group(5), m.group(6), m.group(4)
    days = (int(count) if count.isdigit() else COUNTS[count]) * (7 if unit.startswith("week") else 1)
    days = days if any(way.startswith(w) for w in LATER) else -days
    if way in ("longer", "shorter") or (
        LEAVE.search(lower) and not ARRIVE.search(lower) and not MOVE_ALL.search(lower)
    ):
        return 0, days
    if ARRIVE.search(lower) and not MOVE_ALL.search(lower):
        return days, 0
    return days, days


class ChangeFlow(Flow):
    """Quotes a change to the verified booking and makes it only after a yes."""

    def _apply_change(self, lower: str) -> bool:
        """Store what the caller wants changed; True when anything was said."""
        e, c = self.entities, self.d.change
        changed = False
        relative = RELATIVE_NIGHTS.search(lower)
        shift = None if relative else shift_of(lower)
        if relative:
            extra = int(e.get("nights") or 1)
            fewer = relative.group("fewer") or relative.group("fewer2")
            c["extra_nights"], changed = -extra if fewer else extra, True
        more = MORE_GUESTS.search(lower)
        if more and not any(k in e for k in ("adults", "children")) or (more and more.group(1)):
            count = more.group(1) or "a"
            key = (
                "children" if re.match(r"kid|child|bab|infant|son|daughter", more.group(2)) else "adults"
            )  # "my mum": an adult
            c["more_" + key] = (int(count) if count.isdigit() else COUNTS.get(count, 1)) * (
                -1 if more.group(0).startswith(("one less", "remove", "minus", "take off")) else 1
            )
            c.pop(key, None)
            changed = True
        if shift:
            c["shift"], changed = shift, True
            for key in ("check_in", "check_out", "nights", "extra_nights"):
                c.pop(key, None)
        vague_party = (self._intent_was("confirm") or not self.d.verified) and not COUNTED.search(
            lower
        )  # "yes, make it for me" counts no one, nor "my husband made a booking"
        for key, name in (
            ("check_in_date", "check_in"),
            ("check_out_date", "check_out"),
            ("nights", "nights"),
            ("adults", "adults"),
            ("children", "children"),
        ):
            if (
                key in e
                and not (relative and key == "nights")
                and not (shift and name in ("check_in", "check_out", "nights"))
                and not ((more or vague_party) and name in ("adults", "children"))
            ):
                c[name], changed = e[key], True
        if "check_out_date" in e:
            c[FOLLOWS] = e.get(FOLLOWS)  # "checking out on Sunday": the Sunday after the arrival settled on
        if "room_type" in e and self.room_words.get(str(e["room_type"]).lower()):
            c["room_type"], changed = self.room_words[str(e["room_type"]).lower()], True
        return changed

    def _intent_was(self, intent: str) -> bool:
        return self.intent is not None and self.intent.intent == intent

    def _change_answer(self, intent: str) -> Action | None:
        """The caller's yes or no to a quoted change; None when it was neither."""
        d = self.d
        if intent == "confirm" and KEEP_IT.search(self._lower):
            intent = "deny"  # "ok no, leave it as it is": the ok is no yes
        if intent == "confirm":
            return self._call("confirm_change", {}, S.MODIFICATION)
        if intent == "deny" and SAID_NO.search(self._lower):  # "that would be splendid, thank you" is no no
            d.quote, d.change, d.asked = None, {}, Asked.CHANGE_WHAT
            return self._say(
                "No problem, I haven't changed anything. What would you like to change instead?", S.MODIFICATION
            )
        return None

    def _change_next(self, booking: dict[str, Any], changed: bool) -> Action:
        d = self.d
        if not d.change:
            if (
                d.asked == Asked.CHANGE_WHAT
                and not changed
                and (self._intent_was("deny") or NOTHING.search(self._lower))
            ):
                return self._done("Alright, your booking stays as it is. Is there anything else I can help you with?")
            if (NOT_ON_A_BOOKING.search(self._lower) and not changed) or d.desk_change:
                d.desk_change = False
                d.asked = Asked.TRANSFER
                return self._say(
                    "I'm afraid I can't make that change to a booking myself (I can change its dates, room type and "
                    "guests), but the front desk can help. Would you like me to transfer you?",
                    S.MODIFICATION,
                )
            if d.asked == Asked.CHANGE_WHAT and not changed and self._intent_was("confirm"):
                return self._ask(Asked.CHANGE_WHAT, "Sure, what would you like to change?", S.MODIFICATION)
            if d.asked == Asked.CHANGE_WHAT and not changed:
                return self._unclear()
            if d.lookup:
                d.lookup = False
                return self._ask(
                    Asked.CHANGE_WHAT,
                    booking_summary(booking) + " Would you like to change anything?",
                    S.MODIFICATION,
                )
            return self._ask(
                Asked.CHANGE_WHAT, booking_summary(booking) + " What would you like to change?", S.MODIFICATION
            )
        return self._call("quote_change", self._change_args(booking), S.MODIFICATION)

    def _change_args(self, booking: dict[str, Any]) -> dict[str, Any]:
        c = self.d.change
        args: dict[str, Any] = {"confirmation_number": booking["confirmation_number"]}
        if c.get("shift"):
            start, end = dt.date.fromisoformat(booking["check_in"]), dt.date.fromisoformat(booking["check_out"])
            args["check_in"] = (start + dt.timedelta(days=c["shift"][0])).isoformat()
            args["check_out"] = max(
                start + dt.timedelta(days=c["shift"][0] + 1), end + dt.timedelta(days=c["shift"][1])
            ).isoformat()
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
        elif (check_in or c.get("nights") or c.get("extra_nights")) and not c.get("shift"):
            start = check_in or dt.date.fromisoformat(booking["check_in"])
            args["check_out"] = (start + dt.timedelta(days=length)).isoformat()
        for key in ("room_type", "adults", "children"):
            if key in c:
                args[key] = c[key]
            elif c.get("more_" + key):
                args[key] = max(0 if key == "children" else 1, int(booking.get(key) or 0) + c["more_" + key])
        return args

    def _change_sentence(self, quote: dict[str, Any]) -> str:
        diff = quote["difference"]
        if diff > 0:
            delta = f"that's {money(diff, quote['currency'])} more than before"
        elif diff < 0:
            delta = f"that's {money(-diff, quote['currency'])} less than before"
        else:
            delta = "the same as before"
        booking = self._selected()
        args = self._change_args(booking) if booking else {}
        guests = ""
        if booking and (
            "adults" in args or "children" in args
        ):  # a new party is said back, so a mishearing can be heard
            adults, children = args.get("adults", booking["adults"]), args.get("children", booking.get("children") or 0)
            guests = f" for {party(adults, children)}"
        return (
            f"I can change it to a {quote['room_type']} from {day(quote['check_in'])} to {day(quote['check_out'])}, "
            f"{nights(quote['nights'])}{guests}. The new total is {money(quote['new_total'], quote['currency'])}, {delta}. Shall I make that change?"
        )

    # -- tool results ---------------------------------------------------------------------------

    def _on_quote_change(self, r: ToolResult) -> Action:
        d = self.d
        if r.failed:
            d.change, d.asked = {}, Asked.CHANGE_WHAT
            return self._say(
                f"I'm sorry, I can't make that change: {r.error} Is there another change I can look at?", S.MODIFICATION
            )
        d.quote = r.data
        return self._ask(Asked.CHANGE_CONFIRM, self._change_sentence(r.data), S.MODIFICATION)

    def _on_confirm_change(self, r: ToolResult) -> Action:
        d, output = self.d, r.data
        if (
            r.failed and r.code == NOT_CONFIRMED and d.quote
        ):  # the yes came with a doubt: the quote again, for a clear yes
            return self._ask(Asked.CHANGE_CONFIRM, "Just to be sure: " + self._change_sentence(d.quote), S.MODIFICATION)
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
