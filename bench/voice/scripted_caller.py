"""The bench's caller beyond her script: she answers Roomi's read-back of what she heard ("Just to be sure, I heard
... Is that right?") with yes when every number, spelled name and date in it is one she gave, and otherwise with her
last line again, more slowly (a correction replaces what Roomi misheard). Only that cue is recognised; the
read-back's own words are judged generically.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

READ_BACK = re.compile(r"\bI heard (?P<heard>.+?)\.?\s+Is that right\?", re.IGNORECASE | re.DOTALL)
MONTHS = {name: n for n, name in enumerate(
    "january february march april may june july august september october november december".split(), start=1)}
DATE = re.compile(r"\b(" + "|".join(MONTHS) + r")\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?", re.IGNORECASE)
MAX_ANSWERS = 2  # read-backs answered after one scripted line; after that she carries on with her script
SLOWER = 0.85  # her speed when she repeats a line Roomi misheard


def read_back(roomi: str) -> str | None:
    """What Roomi says she heard, when her reply is a read-back."""
    match = READ_BACK.search(roomi)
    return match.group("heard") if match else None


def details(heard: str, today: dt.date) -> tuple[list[str], list[str], list[dt.date]]:
    """The numbers (digit by digit), spelled names (letter by letter) and dates in a read-back."""
    dates = [dt.date(int(year) if year else today.year, MONTHS[month.lower()], int(day))
             for month, day, year in DATE.findall(heard)]
    rest = DATE.sub(" ", heard)
    numbers = ["".join(run.split()) for run in re.findall(r"(?<![\w])\d(?:[\s,]+\d)+(?![\w])", rest)]
    numbers = ["".join(ch for ch in run if ch.isdigit()) for run in numbers]
    names = ["".join(run.split()) for run in re.findall(r"(?<![\w'])[A-Z](?:\s+[A-Z])+(?![\w'])", rest)]
    return numbers, names, dates


def matches(heard: str, said: list[str], dates: list[dt.date], today: dt.date) -> bool:
    """Whether every detail read back is one the caller gave (a read-back with no detail she can check: yes)."""
    numbers, names, heard_dates = details(heard, today)
    said_digits = ["".join(ch for ch in line if ch.isdigit()) for line in said]
    said_words = {word.lower() for line in said for word in re.findall(r"[A-Za-z']+", line)}

    def known_number(digits: str) -> bool:
        return any(digits and (digits == line or digits.lstrip("1") == line.lstrip("1")) for line in said_digits)

    return (all(known_number(n) for n in numbers) and all(n.lower() in said_words for n in names)
            and all(d in dates for d in heard_dates))


Speak = Callable[[str, int, str], Awaitable[Path]]  # text, words a minute, a name for the clip -> a WAV of it


@dataclass
class ScriptedCaller:
    """One call's caller: her script's lines as she says them, and her answers to read-backs."""

    call: dict[str, Any]
    today: dt.date
    speak: Speak
    said: list[str] = field(default_factory=list)  # her scripted lines so far
    answers: list[dict[str, Any]] = field(default_factory=list)  # {"wav", "say", "kind"}, one per unscripted line
    _in_a_row: int = 0

    def spoke(self, line: str) -> None:
        """She said a line of her script."""
        self.said.append(line)
        self._in_a_row = 0

    async def react(self, turn: dict[str, Any]) -> Path | None:
        """Her answer to Roomi's reply when it reads back what she heard; None to carry on with her script."""
        heard = read_back(turn.get("roomi") or "")
        if heard is None or not self.said or self._in_a_row >= MAX_ANSWERS:
            return None
        self._in_a_row += 1
        dates = [dt.date.fromisoformat(d) for d in self.call.get("dates", [])]
        if matches(heard, self.said, dates, self.today):
            line, speed, kind = "Yes.", self.call.get("speed", 160), "confirmed the read-back"
        else:
            # her line again, without a "no" first: a pause after it would be taken for the end of her turn
            line, speed, kind = self.said[-1], round(self.call.get("speed", 160) * SLOWER), "corrected the read-back"
        wav = await self.speak(line, speed, f"answer{len(self.answers) + 1:02d}")
        self.answers.append({"wav": str(wav), "say": line, "kind": kind, "read_back": heard})
        return wav
