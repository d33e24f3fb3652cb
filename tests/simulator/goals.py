"""The generator: one caller's goal (kind of call, who they are, what they want, how they talk) from a seed."""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from dataclasses import dataclass, field

from . import phrasing

KINDS = ("book", "book_corrections", "book_one_breath", "change_dates", "change_room", "cancel", "cancel_keep",
         "questions", "transfer", "sold_out", "failed_verification", "card_data", "service_request", "caller_id")
FIRST_DAY = dt.date(2026, 1, 12)  # the first hotel date a simulated call happens on (a Monday)
DAYS_OF_CALLS = 42  # calls happen on one of these many days: every weekday, several weeks

FIRST_NAMES = ("Anna", "Rahman", "Grace", "Tomasz", "Aisha", "Liam", "Chiara", "Kenji", "Olu", "Marisol", "Bjorn",
               "Priya", "Jean-Luc", "Siobhan", "Mateo", "Hannah", "Dmitri", "Lucia", "Yusuf", "Ingrid", "Kwame",
               "Elif", "Noor", "Ruth", "Pedro", "Mei", "Sean", "Zoe", "Ravi", "Camille")
LAST_NAMES = ("Kowalski", "van der Berg", "O'Neill", "Smith-Jones", "de la Cruz", "McDonald", "D'Angelo", "Nguyen",
              "Okafor", "Rahman", "Fitzgerald", "Abernathy", "Lindqvist", "di Stefano", "Hall", "Russo", "Al-Sayed",
              "MacLeod", "Schulz", "Papadopoulos", "Ellington", "Haddad", "Bell", "von Trapp", "Marsh", "Kim",
              "Rossetti", "Le Blanc", "Dunne", "Wilkinson")
AREA_CODES = ("305", "786", "212", "646", "415", "312", "617", "713", "404", "202")
DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")
FITS = {"STD": (3, 3), "DLX": (3, 3), "STE": (3, 4), "FAM": (4, 5)}  # (most adults, most people)
PARTIES = ((1, 0), (2, 0), (2, 0), (1, 0), (2, 1), (2, 2), (3, 0), (1, 1))
SERVICE_ASKS = (  # (what the caller asks for, the department that handles it, its priority)
    ("more towels", "housekeeping", "normal"), ("extra pillows", "housekeeping", "normal"),
    ("the room cleaned", "housekeeping", "normal"), ("a toothbrush", "amenity", "normal"),
    ("the air conditioning fixed, it's not working", "maintenance", "normal"),
    ("a club sandwich sent up", "room_service", "normal"), ("an extra blanket", "housekeeping", "normal"),
    ("someone to look at a leak under the sink", "maintenance", "urgent"),
    ("the TV fixed, it won't turn on", "maintenance", "normal"), ("fresh sheets on the bed", "housekeeping", "normal"),
    ("somebody to fix the shower, there's no hot water", "maintenance", "urgent"),
    ("a wake-up call at six tomorrow morning", "concierge", "normal"), ("a taxi to the airport at eight", "concierge", "normal"),
    ("a bottle of red wine and two glasses brought up", "room_service", "normal"),
    ("a new light bulb, the bedside lamp is out", "maintenance", "normal"),
    ("a hair dryer", "amenity", "normal"), ("help with our luggage", "concierge", "normal"),
    ("two coffees and some orange juice", "room_service", "normal"),
)
CARDS = ("4111 1111 1111 1111", "5555 5555 5555 4444", "4012 8888 8888 1881")
TOPICS = tuple(phrasing.QUESTIONS)


@dataclass
class Goal:
    """What one simulated caller wants and knows; `existing` is a booking the runner makes before the call."""

    kind: str
    seed: int
    index: int
    today: dt.date
    first: str
    last: str
    phone: str  # 10 digits
    email: str | None
    caller_id: str | None
    check_in: dt.date
    nights: int
    adults: int
    children: int
    room_type: str
    existing: dict | None = None  # check_in, nights, adults, children, room_type of a booking made for the caller
    new_check_in: dt.date | None = None
    new_nights: int | None = None
    new_room_type: str | None = None
    questions: list[str] = field(default_factory=list)
    corrections: list[tuple[str, object, str]] = field(default_factory=list)  # (fact, wrong value, when)
    alternative: str | None = None  # sold out: the room type accepted instead, None to decline
    card: str | None = None
    service: tuple[str, str, str] | None = None  # (what the caller asks for, the request type it is, its priority)
    wrong: str | None = None  # failed verification: "confirmation" or "last_name"
    ask_human_at: int = 0
    volunteer_p: float = 0.3
    spell_p: float = 0.3
    question_p: float = 0.15
    first_name_only: bool = False
    # set by the runner when it prepares the hotel for the call
    existing_number: str | None = None
    room_number: str | None = None
    wrong_number: str | None = None
    wrong_last: str | None = None

    @property
    def check_out(self) -> dt.date:
        return self.check_in + dt.timedelta(days=self.nights)

    @property
    def label(self) -> str:
        return f"{self.kind}#{self.seed}.{self.index}"


def ascii_of(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def party_for(room_type: str, rng: random.Random) -> tuple[int, int]:
    most_adults, most_people = FITS[room_type]
    fitting = [p for p in PARTIES if p[0] <= most_adults and sum(p) <= most_people]
    return rng.choice(fitting)


def make_goal(kind: str, *, seed: int, index: int) -> Goal:
    """A new caller for `kind`; the same (kind, seed, index) gives the same caller."""
    rng = random.Random(f"{kind}/{seed}/{index}")
    today = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS_OF_CALLS))
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    phone = rng.choice(AREA_CODES) + f"{rng.randrange(200, 999)}" + f"{(seed * 7919 + index * 104729) % 10000:04d}"
    email = None if rng.random() < 0.25 else (
        f"{re.sub('[^a-z]', '', ascii_of(first))}.{re.sub('[^a-z]', '', ascii_of(last))}@{rng.choice(DOMAINS)}")
    room_type = rng.choice(("STD", "STD", "DLX", "DLX", "STE", "FAM"))
    adults, children = party_for(room_type, rng)
    lead = rng.choice((0, 1, 2, 3, 5, 7, 7, 10, 14, 20, 30, 45, 60, 90))
    check_in = today + dt.timedelta(days=lead)
    weekend = phrasing.weekend_after_next(today)
    if weekend and rng.random() < 0.08:
        check_in = weekend
    nights = rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 7))
    goal = Goal(kind=kind, seed=seed, index=index, today=today, first=first, last=last, phone=phone, email=email,
                caller_id=rng.choice((None, "+1" + phone, "+1305555" + f"{rng.randrange(10000):04d}")),
                check_in=check_in, nights=nights, adults=adults, children=children, room_type=room_type,
                volunteer_p=rng.choice((0.0, 0.2, 0.4, 0.6)), spell_p=rng.choice((0.0, 0.25, 0.5)),
                question_p=rng.choice((0.0, 0.1, 0.25)), first_name_only=rng.random() < 0.1)
    shape = SHAPES[kind]
    shape(goal, rng)
    return goal


def _book(goal: Goal, rng: random.Random) -> None:
    goal.check_in = max(goal.check_in, goal.today)


def _corrections(goal: Goal, rng: random.Random) -> None:
    facts = rng.sample(("nights", "check_in", "party", "room_type", "last"), k=rng.choice((1, 1, 2)))
    for fact in facts:
        if fact == "nights":
            wrong: object = goal.nights + rng.choice((1, 2)) if goal.nights < 3 else goal.nights - 1
        elif fact == "check_in":
            wrong = goal.check_in + dt.timedelta(days=rng.choice((1, 2, 7)))
        elif fact == "party":
            wrong = (goal.adults + 1, goal.children) if goal.adults < FITS[goal.room_type][0] and sum(
                (goal.adults, goal.children)) < FITS[goal.room_type][1] else (max(1, goal.adults - 1), goal.children)
        elif fact == "room_type":
            wrong = rng.choice([code for code in FITS if code != goal.room_type
                                and goal.adults <= FITS[code][0] and goal.adults + goal.children <= FITS[code][1]])
        else:
            wrong = rng.choice([name for name in LAST_NAMES if name != goal.last])
        goal.corrections.append((fact, wrong, rng.choice(("same_breath", "next_turn", "read_back"))))


def _one_breath(goal: Goal, rng: random.Random) -> None:
    goal.volunteer_p = 1.0


def _existing(goal: Goal, rng: random.Random) -> None:
    goal.check_in = goal.today + dt.timedelta(days=rng.choice((5, 9, 14, 21, 30, 45)))
    goal.existing = {"check_in": goal.check_in, "nights": goal.nights, "adults": goal.adults,
                     "children": goal.children, "room_type": goal.room_type}


def _change_dates(goal: Goal, rng: random.Random) -> None:
    _existing(goal, rng)
    goal.new_check_in = goal.check_in + dt.timedelta(days=rng.choice((-3, -2, -1, 1, 2, 7, 14)))
    goal.new_nights = rng.choice((goal.nights, goal.nights, goal.nights + 1, max(1, goal.nights - 1)))


def _change_room(goal: Goal, rng: random.Random) -> None:
    _existing(goal, rng)
    goal.new_room_type = rng.choice([code for code in FITS if code != goal.room_type
                                     and goal.adults <= FITS[code][0] and goal.adults + goal.children <= FITS[code][1]])


def _cancel(goal: Goal, rng: random.Random) -> None:
    _existing(goal, rng)


def _questions(goal: Goal, rng: random.Random) -> None:
    goal.questions = rng.sample(TOPICS, k=rng.choice((1, 2, 3, 4)))
    if rng.random() < 0.5:
        goal.questions.append("price")


def _transfer(goal: Goal, rng: random.Random) -> None:
    goal.ask_human_at = rng.choice((0, 1, 2, 3))


def _sold_out(goal: Goal, rng: random.Random) -> None:
    goal.room_type = "STE"
    goal.adults, goal.children = party_for("DLX", rng)
    goal.check_in = goal.today + dt.timedelta(days=rng.choice((3, 8, 15, 25, 40)))
    goal.alternative = rng.choice(("DLX", "STD", None))


def _failed_verification(goal: Goal, rng: random.Random) -> None:
    _existing(goal, rng)
    goal.wrong = rng.choice(("confirmation", "last_name"))
    goal.wrong_last = rng.choice([name for name in LAST_NAMES if name != goal.last])
    goal.caller_id = None


def _card(goal: Goal, rng: random.Random) -> None:
    goal.check_in = max(goal.check_in, goal.today + dt.timedelta(days=1))
    goal.card = rng.choice(CARDS)


def _service(goal: Goal, rng: random.Random) -> None:
    goal.check_in, goal.nights = goal.today, rng.choice((2, 3, 4))
    goal.existing = {"check_in": goal.check_in, "nights": goal.nights, "adults": goal.adults,
                     "children": goal.children, "room_type": goal.room_type, "checked_in": True}
    goal.service = rng.choice(SERVICE_ASKS)


def _caller_id(goal: Goal, rng: random.Random) -> None:
    _existing(goal, rng)
    goal.caller_id = "+1" + goal.phone
    if rng.random() < 0.5:
        goal.new_check_in = goal.check_in + dt.timedelta(days=rng.choice((1, 2, 7)))
        goal.new_nights = goal.nights


SHAPES = {"book": _book, "book_corrections": _corrections, "book_one_breath": _one_breath,
          "change_dates": _change_dates, "change_room": _change_room, "cancel": _cancel, "cancel_keep": _cancel,
          "questions": _questions, "transfer": _transfer, "sold_out": _sold_out,
          "failed_verification": _failed_verification, "card_data": _card, "service_request": _service,
          "caller_id": _caller_id}


def goals_for(*, calls: int, seed: int, kinds: tuple[str, ...] = KINDS) -> list[Goal]:
    """`calls` goals spread evenly over `kinds` (round robin), reproducible from `seed`."""
    return [make_goal(kinds[i % len(kinds)], seed=seed, index=i) for i in range(calls)]
