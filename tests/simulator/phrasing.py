"""Many ways to say one fact: dates, stays, parties, rooms, names, spelled things, yes, no, questions; all from an rng.

Built from templates written for the simulator and lines of the SGD train split (sgd_phrases.jsonl, CC BY-SA 4.0,
see README.md); nothing here is copied from tests/agent/corpus/.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import random
from functools import cache
from pathlib import Path

ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
TENS = {20: "twenty", 30: "thirty"}
ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh", 8: "eighth",
                 9: "ninth", 10: "tenth", 11: "eleventh", 12: "twelfth", 13: "thirteenth", 14: "fourteenth",
                 15: "fifteenth", 16: "sixteenth", 17: "seventeenth", 18: "eighteenth", 19: "nineteenth",
                 20: "twentieth", 30: "thirtieth"}
SUFFIX = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}
DIGIT_WORDS = {"0": ("zero", "oh"), **{str(i): (ONES[i],) for i in range(1, 10)}}
ROOM_WORDS = {
    "STD": ("a standard room", "the standard", "just a standard room", "a regular standard room", "standard, please",
            "the standard one"),
    "DLX": ("a deluxe room", "the deluxe", "deluxe, please", "one of the deluxe rooms", "a deluxe"),
    "STE": ("a suite", "the suite", "one of your suites", "the suite, please", "a suite if you have one"),
    "FAM": ("a family room", "the family room", "one of the family rooms", "family room, please"),
}
ROOM_NAMES = {"STD": "standard room", "DLX": "deluxe room", "STE": "suite", "FAM": "family room"}


@cache
def sgd_lines() -> dict[str, tuple[str, ...]]:
    """The SGD train-split lines by kind (yes, closing, book_opening, question_wifi, question_pets)."""
    lines: dict[str, list[str]] = {}
    for raw in (Path(__file__).with_name("sgd_phrases.jsonl")).read_text(encoding="utf-8").splitlines():
        row = json.loads(raw)
        lines.setdefault(row["kind"], []).append(row["utterance"])
    return {kind: tuple(found) for kind, found in lines.items()}


def number_words(n: int) -> str:
    if n < 20:
        return ONES[n]
    tens, ones = divmod(n, 10)
    return TENS[tens * 10] + (f"-{ONES[ones]}" if ones else "")


def ordinal_words(n: int) -> str:
    if n in ORDINAL_WORDS:
        return ORDINAL_WORDS[n]
    tens, ones = divmod(n, 10)
    return f"{TENS[tens * 10]}-{ORDINAL_WORDS[ones]}"


def ordinal(n: int, rng: random.Random) -> str:
    return rng.choice((f"{n}{SUFFIX.get(n, 'th')}", ordinal_words(n)))


def count(n: int, rng: random.Random) -> str:
    return rng.choice((str(n), number_words(n)))


# ------------------------------------------------------------------------------------------------------------ dates

def say_day(day: dt.date, today: dt.date, rng: random.Random) -> str:
    """A date as a caller says it, relative to today where that is natural."""
    delta = (day - today).days
    month = calendar.month_name[day.month]
    forms = [f"{month} {ordinal(day.day, rng)}", f"the {ordinal(day.day, rng)} of {month}",
             f"{calendar.month_abbr[day.month]} {day.day}", f"{day:%A}, {month} {ordinal(day.day, rng)}"]
    if day.year != today.year:
        forms = [f"{month} {ordinal(day.day, rng)}, {day.year}"]
    if delta == 0:
        forms += ["today", "tonight"]
    elif delta == 1:
        forms += ["tomorrow", "tomorrow night"]
    elif delta == 2:
        forms += ["the day after tomorrow"]
    elif delta == 7:
        forms += ["a week from today", "this time next week", "one week from today"]
    elif delta == 14:
        forms += ["two weeks from today", "two weeks from now"]
    if 1 < delta < 7 and day.weekday() > today.weekday():
        forms += [f"this {day:%A}", f"this coming {day:%A}", f"{day:%A}"]
    if day.month == today.month and day.year == today.year and day.day > today.day:
        forms += [f"the {ordinal(day.day, rng)}", f"the {ordinal(day.day, rng)} of this month"]
    return rng.choice(forms)


def weekend_after_next(today: dt.date) -> dt.date | None:
    """The Friday of the weekend after the coming one; None from Friday to Sunday, when 'the coming weekend' is unclear."""
    if today.weekday() >= 4:
        return None
    return today + dt.timedelta(days=4 - today.weekday() + 7)


def say_check_in(check_in: dt.date, today: dt.date, rng: random.Random) -> str:
    """The arrival, with a verb: 'arriving March 3rd', 'from tomorrow', 'checking in a week from today'."""
    day = say_day(check_in, today, rng)
    if check_in == weekend_after_next(today) and rng.random() < 0.4:
        return rng.choice(("for the weekend after next, arriving Friday", "the weekend after next, checking in Friday"))
    return rng.choice((f"arriving {day}", f"from {day}", f"checking in {day}", f"for {day}", f"starting {day}",
                       f"coming in {day}"))


def say_nights(nights: int, check_in: dt.date, today: dt.date, rng: random.Random) -> str:
    """How long, as nights or as the day they leave."""
    check_out = check_in + dt.timedelta(days=nights)
    forms = [f"for {count(nights, rng)} night{'s' if nights != 1 else ''}",
             f"{count(nights, rng)} night{'s' if nights != 1 else ''}"]
    if nights == 1:
        forms += ["just the one night", "only one night", "for a single night"]
    if nights == 2:
        forms += ["two nights", "for a couple of nights, so two"]
    if nights == 7:
        forms += ["for a week", "for a whole week"]
    out_day = say_day(check_out, check_in, rng) if check_out.month == check_in.month or rng.random() < 0.5 else (
        f"{calendar.month_name[check_out.month]} {ordinal(check_out.day, rng)}")
    if check_out.year == today.year:
        forms += [f"checking out {calendar.month_name[check_out.month]} {ordinal(check_out.day, rng)}",
                  f"leaving on {calendar.month_name[check_out.month]} {ordinal(check_out.day, rng)}"]
        if check_out.month == check_in.month and nights > 1:
            forms += [f"until the {ordinal(check_out.day, rng)}", f"checking out on the {ordinal(check_out.day, rng)}"]
    if 1 < nights < 7:
        forms += [f"checking out on {check_out:%A}", f"leaving {check_out:%A} morning"]
    del out_day
    return rng.choice(forms)


def say_stay(check_in: dt.date, nights: int, today: dt.date, rng: random.Random) -> str:
    return f"{say_check_in(check_in, today, rng)}, {say_nights(nights, check_in, today, rng)}"


# ------------------------------------------------------------------------------------------------------------ party

def say_party(adults: int, children: int, rng: random.Random) -> str:
    forms = [f"{count(adults, rng)} adult{'s' if adults != 1 else ''}" + (
        f" and {count(children, rng)} {'child' if children == 1 else 'children'}" if children else
        rng.choice(("", ", no kids", ", no children", " and no children")))]
    if adults == 1 and not children:
        forms += ["just me", "it's just me", "just myself", "only me", "just me travelling", "it'll just be me",
                  "one person, just me"]
    if adults == 2 and not children:
        forms += ["me and my wife", "my husband and I", "two of us", "the two of us", "me and a colleague",
                  "two adults, no kids", "my partner and me"]
    if adults == 2 and children:
        kids = "kid" if children == 1 else "kids"
        forms += [f"my wife and I and the {number_words(children)} {kids}",
                  f"two adults and {count(children, rng)} {'child' if children == 1 else 'children'}",
                  f"me, my husband and our {number_words(children)} {kids}",
                  f"a family of {number_words(adults + children)}, two adults and {number_words(children)} {kids}"]
    if adults == 3 and not children:
        forms += ["three adults", "three of us, all adults", "three grown-ups"]
    if adults == 1 and children:
        forms += [f"me and my {'kid' if children == 1 else number_words(children) + ' kids'}",
                  f"one adult and {count(children, rng)} {'child' if children == 1 else 'children'}"]
    return rng.choice(forms)


def say_room(code: str, rng: random.Random) -> str:
    return rng.choice(ROOM_WORDS[code])


# ------------------------------------------------------------------------------------------------------------ spelling

def spell_word(word: str, rng: random.Random) -> str:
    """Letter by letter: 'space' and 'dash' between parts, 'double L' for twin letters, now and then."""
    out: list[str] = []
    i = 0
    letters = word.upper()
    while i < len(letters):
        ch = letters[i]
        if ch == " ":
            out.append("space")
        elif ch == "-":
            out.append(rng.choice(("dash", "hyphen")))
        elif ch in "'’":
            out.append("apostrophe")
        elif ch.isalpha() and i + 1 < len(letters) and letters[i + 1] == ch and rng.random() < 0.6:
            out.append(f"double {ch}")
            i += 1
        else:
            out.append(ch)
        i += 1
    return " ".join(out)


def say_name(first: str, last: str, rng: random.Random, *, spell_p: float = 0.3, first_only: bool = False) -> str:
    """The caller's name, maybe with the last name spelled; only the first name when `first_only`."""
    if first_only:
        return rng.choice((f"{first}", f"It's {first}", f"{first}, just {first}", f"You can put it under {first}"))
    full = f"{first} {last}"
    said = rng.choice((full, f"It's {full}", f"My name is {full}", f"{full}, please", f"The name's {full}",
                       f"it'll be under {full}", f"Sure, {full}"))
    if rng.random() < spell_p:
        said += rng.choice((f", that's {spell_word(last, rng)}", f". {last} is spelled {spell_word(last, rng)}",
                            f" - {spell_word(last, rng)}"))
    return said


def say_last_name(last: str, rng: random.Random, *, spell_p: float = 0.3) -> str:
    said = rng.choice((last, f"It's {last}", f"The last name is {last}", f"{last}, the booking's under {last}",
                       f"Surname {last}"))
    if rng.random() < spell_p:
        said += rng.choice((f", {spell_word(last, rng)}", f", spelled {spell_word(last, rng)}"))
    return said


def say_digits(digits: str, rng: random.Random, *, groups: tuple[int, ...] | None = None) -> str:
    """Digits in some grouping, as figures or words ('oh' or 'zero')."""
    if groups is None:
        groups = rng.choice(((3, 3, 4), (3, 3, 2, 2), (len(digits),), (3, 7), (1,) * len(digits)))
    parts, start = [], 0
    for size in groups:
        parts.append(digits[start:start + size])
        start += size
    if start < len(digits):
        parts.append(digits[start:])
    parts = [p for p in parts if p]
    style = rng.random()
    if style < 0.45:
        return rng.choice((" ", "-", ", ")).join(parts)
    zero = rng.choice(("zero", "oh"))
    worded = [" ".join(zero if d == "0" else DIGIT_WORDS[d][0] for d in part) for part in parts]
    return ", ".join(worded)


def say_phone(phone: str, rng: random.Random) -> str:
    """A 10-digit US number: '305 555 0188', '(305) 555-0188', 'three oh five, ...', '+1 305...'."""
    forms = [say_digits(phone, rng), f"({phone[:3]}) {phone[3:6]}-{phone[6:]}", f"+1 {phone[:3]} {phone[3:6]} {phone[6:]}",
             f"area code {phone[:3]}, then {say_digits(phone[3:], rng, groups=(3, 4))}"]
    lead = rng.choice(("", "It's ", "Sure, ", "My number is ", "You can reach me at "))
    return lead + rng.choice(forms)


def say_email(email: str, rng: random.Random) -> str:
    local, _, domain = email.partition("@")
    words = local.replace(".", " dot ").replace("_", " underscore ").replace("-", " dash ")
    spelled = " ".join({".": "dot", "_": "underscore", "-": "dash"}.get(c, c) for c in local)
    domain_said = domain.replace(".", " dot ")
    form = rng.choice((email, f"{words} at {domain_said}", f"{spelled} at {domain_said}"))
    return rng.choice(("", "It's ", "Sure, it's ", "Email is ")) + form


def say_confirmation(number: str, rng: random.Random, *, lead: str | None = None) -> str:
    """ROOMI-20260112-001 said as written, letter by letter, or digits in words in any grouping."""
    prefix, date_part, serial = number.split("-")
    letters = rng.choice((prefix, " ".join(prefix), "-".join(prefix)))
    digits = date_part + serial
    body = rng.choice((f"{date_part}-{serial}", f"{date_part} {serial}",
                       say_digits(digits, rng, groups=rng.choice(((8, 3), (4, 4, 3), (3,) * 4, (1,) * 11)))))
    said = rng.choice((number, f"{letters}, {body}", f"{letters} {body}", f"{letters} dash {body}"))
    return (lead if lead is not None else rng.choice(("", "It's ", "The confirmation number is ", "Sure, ", "I have it here: "))) + said


def say_room_number(number: str, rng: random.Random) -> str:
    """'305' as 'three oh five', 'three-oh-five', 'three zero five', 'three hundred five' or '305'; '412': 'four-twelve'."""
    head, tail = number[0], number[1:]
    forms = [number, f"{ONES[int(head)]} {'oh' if tail[0] == '0' else ONES[int(tail[0])]} {ONES[int(tail[1])]}"]
    if tail[0] == "0":
        forms += [f"{ONES[int(head)]}-oh-{ONES[int(tail[1])]}", f"{ONES[int(head)]} zero {ONES[int(tail[1])]}"]
    elif int(tail) >= 10:
        forms += [f"{ONES[int(head)]}-{number_words(int(tail))}", f"{ONES[int(head)]} {number_words(int(tail))}"]
    return rng.choice(forms)


# ------------------------------------------------------------------------------------------------------------ talk

OPENINGS = {
    "book": ("I'd like to book a room", "Hi, I need a room", "Hello, do you have a room available", "I want to make a reservation",
             "Hi there, I'm looking to book a stay", "Can I reserve a room please"),
    "modify": ("I need to change my reservation", "Hi, I have a booking and want to move the dates",
               "I'd like to make a change to my booking", "I have to modify a reservation I made",
               "Could you help me change my booking"),
    "cancel": ("I need to cancel my reservation", "Hi, I'd like to cancel a booking", "I have to cancel my stay",
               "I want to cancel my room", "Can you cancel my reservation please"),
    "service": ("Hi, I'm a guest here", "Hello, I'm calling from my room", "Hi, we're staying at the hotel"),
}
YES = ("yes", "yes please", "yeah, that's right", "correct", "that's right", "yep, go ahead", "sounds good",
       "yes, please go ahead", "perfect, yes", "that's all correct", "uh huh, yes", "sure, do it")
NO_THANKS = ("no thanks", "no, thank you", "nope", "no, I'm fine", "not really, no")
NO_REQUESTS = ("no, nothing special", "no, no special requests", "nothing, thanks", "no, that's fine", "none, thanks")
NO_EMAIL = ("no thanks, no email", "I'd rather not give an email", "no email, thanks", "skip the email please")
CLOSINGS = ("no, that's all, thanks", "that's everything, bye", "nothing else, thank you, goodbye", "no, I'm all set, bye")
HUMAN = ("can I speak to a person please", "I'd like to talk to someone at the front desk", "can you put me through to a real person",
         "representative please", "let me speak to a human", "could you transfer me to the reception", "I want to talk to a manager")
KEEP = ("actually, never mind, keep it", "no, keep the booking please", "on second thought I'll keep it", "hmm, no, leave it as it is",
        "forget it, don't cancel", "no keep it, thanks")
UNSURE_DATES = ("I don't remember the exact dates", "sorry, I don't know the dates offhand")
QUESTIONS = {
    "parking": ("do you have parking", "is there parking, and how much is it", "what does parking cost",
                "can I park my car at the hotel"),
    "breakfast": ("is breakfast included", "how much is breakfast", "what time is breakfast served", "do you serve breakfast"),
    "wifi": ("is the wifi free", "do you have wifi in the rooms", "what's the internet like, is it free"),
    "pets": ("do you allow dogs", "can I bring my dog", "are pets ok", "do you guys take dogs"),
    "pool": ("do you have a pool", "what are the pool hours", "is the pool open in the evening"),
    "check_in_time": ("what time is check-in", "when can I check in", "how early can we get into the room"),
    "check_out_time": ("what time is check-out", "when do we have to check out", "can I get a late checkout"),
    "cancellation": ("will I be charged anything for cancelling", "what's your cancellation policy",
                     "is there a penalty if I cancel", "how late can I cancel for free"),
    "airport": ("how far are you from the airport", "do you have an airport shuttle", "how do I get there from the airport"),
}
QUESTION_LEADS = ("before we go on, ", "quick question - ", "oh, and ", "actually, ", "also, ", "one thing: ", "")


def join_questions(questions: list[str], rng: random.Random) -> str:
    if len(questions) == 1:
        return questions[0] + "?"
    return rng.choice((", ".join(questions[:-1]) + ", and " + questions[-1] + "?", "? ".join(questions) + "?"))


def yes(rng: random.Random) -> str:
    return rng.choice(YES) if rng.random() < 0.6 else rng.choice(sgd_lines()["yes"])


def closing(rng: random.Random) -> str:
    return rng.choice(CLOSINGS) if rng.random() < 0.5 else rng.choice(sgd_lines()["closing"])


def book_opening(rng: random.Random) -> str:
    return rng.choice(OPENINGS["book"]) if rng.random() < 0.7 else rng.choice(sgd_lines()["book_opening"])
