"""A new booking: dates, party, room, rate, guest details, the read-back and the booking itself."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any

from . import cues
from .answers import statement_and_question
from .asked import Asked
from .corrections import after_correction
from .dates import following
from .flow import GO_AHEAD, Action, Flow, Say, ToolResult
from .names import COMMON_WORDS, LAST_NAME_CUE, PARTICLES, name_with_spelling, spelled_form, title_word
from .responses import booked, day, join_words, money, party, public_rate, rate_sentence, read_back, room_offer
from .state import ConversationState as S
from .state import Task

ALTERNATIVE_SHIFTS = (1, -1, 2, -2, 7)
MONTH_OR_RELATIVE = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august"
    r"|september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow"
    r"|tonight|next|this|week|weeks|month|months|weekend|christmas|xmas|new ?years?|nye|boxing|valentines?|halloween"
    r"|\d{1,2}/\d{1,2})\b"
)
MONTH = re.compile(r"\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|\bmay\b|\d{1,2}/\d{1,2}")
WEEKDAY = re.compile(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b")
CHEAPEST = re.compile(
    r"\b(?:cheap(?:er|est)?|least expensive|less expensive|not (?:too|so|as) expensive|inexpensive|lowest(?: price)?"
    r"|lower price|most affordable|affordable|budget|(?:cost|costs) (?:less|the least))\b"
)
BIGGEST = re.compile(  # "the bigger one": by the size its description states, else the dearer room
    r"\b(?:bigg(?:er|est)|larg(?:er|est)|more (?:space|room|spacious)|most (?:space|room|spacious)|roomi(?:er|est)"
    r"|spacious|more luxurious|fanc(?:ier|iest)|nicer|nicest|best (?:room|one))\b"
)
SIZE = re.compile(r"\b(\d[\d,]*) ?(?:square (?:foot|feet|metres?|meters?)|sq\.? ?(?:ft|m)|m2|m²)")
SUGGEST = re.compile(
    r"\b(?:suggest|recommend|what would you|what do you think|up to you|you (?:choose|pick|decide)|(?:don'?t|do not) know"
    r"|not sure|no idea|whatever you think|which (?:one )?is (?:best|better|good)|your (?:pick|choice|advice))\b"
)
ADDED_GUEST = re.compile(  # "my son is coming too", "and my wife will join us as well"
    r"\b(?:my|our|a|the) (?:(?P<n>\d) )?(?P<who>[a-z]+(?: in law)?)s?(?:'s| is| are|'re| will be| will| wants to| want to| might)? "
    r"(?:coming|joining|come|join|bringing|tagging along|with (?:me|us))\b[^.?!]{0,30}\b(?:too|as well|also|after all)\b"
    r"|\b(?:also|plus|and) (?:bringing|with) (?:my|our) (?:(?P<n2>\d) )?(?P<who2>[a-z]+)"
)
CHILD_WORD = re.compile(
    r"sons?|daughters?|kids?|child|children|bab(?:y|ie)|boys?|girls?|toddlers?|little ones?|grandkids?|grandsons?|granddaughters?"
)
ADULT_WORD = re.compile(
    r"wife|husband|partner|girlfriend|boyfriend|friends?|colleagues?|spouse|mom|mum|mother|dad|father|sisters?|brothers?"
    r"|parents?|grandma|grandpa|aunt|uncle|cousins?|mother in law|father in law|buddy|buddies|mates?"
)
WHICH_ONE = re.compile(r"\b(?:the )?(?P<which>first|second|third|fourth|last) one\b|\b(?:that|this) one\b")
ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "last": -1}
COMPARING = re.compile(r"\?|\b(?:difference|differ|compare|compared|versus|vs|between|or)\b")
NO_EMAIL = re.compile(
    r"\b(no (email|e-mail)|don'?t have (one|an email|email)|skip|not? (need|necessary)|rather not|no thanks)\b"
)
NOTHING = re.compile(
    r"^\s*(no|nope|none|nothing|not really|no thanks|no thank you|that'?s it|that'?s all|we'?re good|i'?m good)\b"
)
NAME_PREFIX = re.compile(r"^(it'?s|it is|my name is|name is|this is|i'?m|i am|the name is|under)\s+", re.I)
WORD_NAME = re.compile(r"^[A-Za-z][A-Za-z'\-]+(?: [A-Za-z][A-Za-z'\-]+){0,2}$")
TITLED = re.compile(
    r"(?:^|[\s,.:;-])(?:mr|mrs|ms|miss|dr|doctor|mister|prof|professor)\.?\s+(?:(?:and|&) (?:mrs|ms)\.?\s+)?[A-Za-z]",
    re.I,
)
COUNTED = re.compile(r"\b(?:adults?|grown ?-?ups?|kids?|child(?:ren)?|people|guests?|of us|nights?|rooms?)\b")
CARD_SAID = re.compile(r"\[card (?:ending \d{4}|number|expiry)\]")
CARD_ENDING = re.compile(r"\[card ending (\d{4})\]")
NO_CARD = re.compile(
    r"\b(?:no card|don'?t have (?:a|one|any)|pay (?:at|when)|rather not|prefer not|without a card|cash)\b"
)
ROOM_ASKS = (Asked.ROOM_TYPE, Asked.BOOK_IT, Asked.ROOM_OR_RATE, None)
ROOM_OR_ONE = re.compile(r"\b(?:rooms?|ones?|suites?)\b")
NO_PHONE = re.compile(
    r"\b(?:no (?:phone|number|mobile|cell)|rather not|prefer not|(?:don'?t|do not|won'?t) (?:have|give|want to give|share)"
    r"|not (?:giving|sharing)|skip|that'?s (?:it|all))\b"
)
NO_NAME = re.compile(
    r"\b(?:rather not|prefer not|(?:don'?t|do not) (?:want|wish) to (?:give|say|share|tell)|not (?:giving|telling|sharing)"
    r"|why do you need (?:my|a) name|anonymous(?:ly)?)\b"
)
NAME_NEEDED = (
    "I understand. The hotel needs a name to hold the reservation, and it's only used for your stay. "
    "What name should I put it under?"
)
CONTACT_WHY = re.compile(  # "do I have to give a phone number?", "why do you need my email", "do you need my email?"
    r"\b(?:why|do (?:you|u|i|we)|must (?:you|i)|have to|need(?:ed)?|is (?:it|that|a phone)|required|necessary)\b"
    r"[^.?!]{0,30}\b(?P<what>phone|number|mobile|cell|e-?mail)|\bwhy\b[^.?!]{0,20}\b(?:need|want|ask)(?P<it>)|\bwhat (?:do|would) (?:you|u) (?:need|want|use) (?:it|that|this) for\b"
)
NO_EMAIL_SAID = re.compile(
    r"\bno (?:e-?mail|email address)\b|\b(?:don'?t|do not) have (?:an |any )?e-?mail\b|\bwithout (?:an )?e-?mail\b"
)
NO_REQUESTS_SAID = re.compile(r"\bno (?:special )?requests?\b|\bnothing special\b|\bno (?:special )?occasion\b")
YES_LEAD = re.compile(
    r"^\W*(?:(?:yes|yeah|yep|yup|sure|ok|okay|oh|um|uh|well|actually|please|definitely|indeed)\b[\s,.!-]*)+"
)
STAY_ASKS = (Asked.CHECK_IN, Asked.CHECK_OUT, Asked.NIGHTS, Asked.GUESTS, Asked.ROOM_TYPE)
GUEST_DETAILS = (Asked.NAME, Asked.FIRST_NAME, Asked.LAST_NAME, Asked.PHONE, Asked.EMAIL)
RATE_WORD = re.compile(r"\brates?\b|\brefundable\b|\bbreakfast\b|\bpackage\b")
CHOSEN_OF_TWO = re.compile(r"\b(?:instead|rather than|not the|no,? the|make (?:it|that)|switch|change)\b")
FIRST_NAME_CUE = re.compile(r"\b(?:first|given|christian) name(?: is|'s)?[:,]?\s+([A-Za-z][A-Za-z'\-]+)", re.I)
GIVEN_NAME_PARTICLES = frozenset({"al", "van", "del"})  # "Al Jones", "Van Morrison": first names as well as particles
HOLD_ON = re.compile(
    r"\b(?:hang on|hold on|one (?:sec|second|moment|minute)|let me (?:find|get|grab|look|dig)|give me a (?:sec|second|moment|minute)"
    r"|just a (?:sec|second|moment|minute)|bear with me|wait a (?:sec|second|moment|minute))\b"
)
ASKS_WHICH = re.compile(r"\?|^\W*(?:(?:um+|uh+|so|and|ok|okay|hmm+|like|well)\W+)*(?:which|what|is|are|how|does|do)\b")
CONFIRMS_THIS = re.compile(
    r"\b(?:confirm|book|make|reserve|go ahead with|finali[sz]e|complete|secure|lock in)\b.{0,20}"
    r"\b(?:the|this|that|a|my) (?:reservation|booking|room)\b"
)
CANCEL_OR_CHANGE = re.compile(r"\b(?:cancel\w*|change|modify|move|existing|already|earlier|last (?:week|month))\b")
PAUSE = re.compile(r"\s*[,;]\s*|\s+-\s+")
NAMING = (Asked.NAME, Asked.FIRST_NAME, Asked.LAST_NAME, Asked.READ_BACK, Asked.WHAT_CHANGE)
NAME_CUE = re.compile(r"\b(?:name|spelled|spelt|surname|under)\b")
CORRECTION_LEAD = re.compile(
    r"^(?:\W*(?:hmm+|um+|uh+|no|nope|sorry|sure|actually|wait|well|oh|it'?s|it is|the name is|the name'?s)\b)+[\s,.!-]*",
    re.I,
)
SLOTS_OF_A_STAY = {
    "check_in_date",
    "check_out_date",
    "nights",
    "adults",
    "children",
    "rooms",
    "room_type",
    "guest_name",
    "phone_number",
    "email",
    "bed_preference",
}
CONTACT_INVALID = "contact_invalid"
NOT_CONFIRMED = "not_confirmed"  # a confirm tool's code: the caller's yes did not answer the read-back  # prepare_booking's code for a phone or e-mail that cannot be used
WHAT_TO_CHANGE = [
    (
        re.compile(r"\bdates?\b|\bday\b|check ?-?in|arriv"),
        Asked.CHECK_IN,
        "Sure. What date would you like to check in?",
        S.COLLECT_DATES,
    ),
    (
        re.compile(r"\bnights?\b|how long|check ?-?out|leav"),
        Asked.NIGHTS,
        "Sure. How many nights would you like?",
        S.COLLECT_DATES,
    ),
    (re.compile(r"\bname\b"), Asked.NAME, "Sure. What name should the booking be under?", S.COLLECT_GUEST_INFO),
    (re.compile(r"\bphone|number\b"), Asked.PHONE, "Sure. What phone number should we use?", S.COLLECT_GUEST_INFO),
    (re.compile(r"\be-?mail\b"), Asked.EMAIL, "Sure. What email address should we use?", S.COLLECT_GUEST_INFO),
    (re.compile(r"\broom\b|\bbed\b|\bview\b"), Asked.ROOM_TYPE, "Sure. Which room would you like?", S.ROOM_SELECTION),
    (
        re.compile(r"\bguests?\b|\bpeople\b|\badults?\b|\bkids?\b|\bchildren\b"),
        Asked.GUESTS,
        "Sure. How many adults and children will be staying?",
        S.COLLECT_GUESTS,
    ),
]


class BookingFlow(Flow):
    """Collects a stay and a guest, prices it through the tools and books it after the caller's yes."""

    shifts: list[int]
    _gave_details: bool = False  # this turn gave the guest's name, phone or e-mail and changed nothing of the stay

    def _new_booking_slots(self) -> None:
        d = self.d
        d.stay, d.availability, d.availability_key, d.prepared, d.booked = type(d.stay)(), None, None, None, None
        d.guest = type(d.guest)(
            first_name=d.guest.first_name, last_name=d.guest.last_name, phone=d.guest.phone, email=d.guest.email
        )

    def _apply_stay(self, intent: str, lower: str, text: str) -> bool:
        """Store the entities in the slots of a new booking; True when anything changed."""
        d, e = self.d, self.entities
        if d.asked == Asked.PHONE and "phone_number" in e and not COUNTED.search(lower):
            self.entities = e = {
                k: v for k, v in e.items() if k not in ("adults", "children", "nights", "rooms")
            }  # the number's digits
        before = (self._stay_facts(), d.guest.__dict__.copy())
        s = d.stay
        new_in, new_out, new_nights = e.get("check_in_date"), e.get("check_out_date"), e.get("nights")
        if s.check_in and not MONTH_OR_RELATIVE.search(lower):
            new_in = self._in_month_discussed(new_in, s.check_in)
            new_out = self._in_month_discussed(new_out, (new_in or s.check_in), after=new_in or s.check_in)
        if d.asked == Asked.CHECK_OUT and new_in and not new_out and not new_nights:
            new_in, new_out = None, new_in
        if new_in:
            length = s.nights or ((s.check_out - s.check_in).days if s.check_in and s.check_out else None)
            s.check_in = new_in
            if s.check_out and s.check_out_follows and not new_out:
                s.check_out = following(s.check_out, s.check_out_follows, new_in, self.today())
            if s.check_out and s.check_out <= new_in:
                s.check_out = new_in + dt.timedelta(days=length) if length else None
        if new_nights:
            s.nights, s.check_out = int(new_nights), None
        if new_out and s.check_in and new_out <= s.check_in and e.get("check_out_follows"):
            new_out = following(new_out, str(e["check_out_follows"]), s.check_in, self.today())  # the one after arrival
        elif new_out and s.check_in and new_out <= s.check_in and WEEKDAY.search(lower) and not MONTH.search(lower):
            new_out += dt.timedelta(
                days=7 * ((s.check_in - new_out).days // 7 + 1)
            )  # "leaving Thursday": the one after arrival
        if new_out:
            s.check_out, s.nights = new_out, None
            s.check_out_follows = e.get("check_out_follows")
            if s.check_in is None and new_nights:
                s.check_in = new_out - dt.timedelta(days=int(new_nights))
        if "adults" in e:
            s.adults = int(e["adults"])
            if "children" not in e and d.asked in (Asked.GUESTS, None):
                s.children = s.children or 0
        if "children" in e:
            s.children = int(e["children"])
        added = ADDED_GUEST.search(lower) if s.adults and not ("adults" in e or "children" in e) else None
        if added:
            who, n = added.group("who") or added.group("who2"), int(added.group("n") or added.group("n2") or 1)
            if CHILD_WORD.fullmatch(who):
                s.children = (s.children or 0) + n
            elif ADULT_WORD.fullmatch(who):
                s.adults = (s.adults or 0) + n
        if "rooms" in e and int(e["rooms"]) > 0:
            s.rooms = min(int(e["rooms"]), 9)
        code = self._room_chosen(lower)
        if code is None and s.room_type is None and not self._room_candidates([]):
            wish = "cheapest" if CHEAPEST.search(lower) else "biggest" if BIGGEST.search(lower) else None
            if wish and not RATE_WORD.search(lower) and not (wish == "biggest" and ASKS_WHICH.search(lower)):
                s.room_wish = wish  # "the cheapest one", said before the rooms were searched
        if code and code != s.room_type:
            s.room_type, s.bed, s.view = code, s.bed if self._bed_fits(code, s.bed) else None, None
        if "bed_preference" in e:
            s.bed = str(e["bed_preference"])
        view = cues.first_match(cues.VIEWS, lower)
        if view:
            s.view = view
        rate = None if self._asking else cues.first_match(cues.RATES, lower)
        if rate:
            s.rate_code = rate
        g = d.guest
        card = CARD_ENDING.search(text)
        if card and d.asked == Asked.CARD:
            d.card_last_four = card.group(1)
        naming = d.asked in NAMING or NAME_CUE.search(lower)
        named = statement_and_question(after_correction(text))[
            0
        ]  # "Olu Marsh, I mean, Olu Le Blanc", "Pedro Kim. How much is ...?"
        with_spelling = name_with_spelling(named) if naming and "email" not in e else None
        last_cue = LAST_NAME_CUE.search(named) if naming else None
        if last_cue and last_cue.group(1).lower() in COMMON_WORDS:
            last_cue = None  # "the surname's wrong, it's S N O W E"
        if last_cue:
            said = last_cue.group(1)
            g.last_name = spelled_form(said.lower()) if said.islower() or said.isupper() else said  # "Surname Le Blanc"
            if g.first_name == g.last_name:
                g.first_name = None
        elif with_spelling:
            self._set_name(with_spelling, spelled=True)
        elif "guest_name" in e and TITLED.search(named) and " " not in str(e["guest_name"]).strip():
            g.last_name = str(e["guest_name"])  # "Mrs Hopper": a title goes with the last name
            if g.first_name == g.last_name:
                g.first_name = None
        elif "guest_name" in e:
            self._set_name(str(e["guest_name"]))
        elif d.asked in (Asked.NAME, Asked.FIRST_NAME, Asked.LAST_NAME) and intent in ("other", "confirm"):
            self._name_from_text(named)
        elif d.asked in (Asked.READ_BACK, Asked.WHAT_CHANGE) and not self._has_stay_entities() and intent != "confirm":
            self._name_from_text(CORRECTION_LEAD.sub("", named), full=True)  # "hmm, no - Kenji de la Cruz."
        elif d.asked in STAY_ASKS and not self.entities and intent == "other" and _all_capitalised(named):
            self._name_from_text(named, full=True)  # "Maria Gonzalez" when asked for the nights: kept for later
        elif d.asked == Asked.BOOK_IT and not self._has_stay_entities() and intent in ("other", "confirm"):
            # the name as the answer to "shall I book it?" ("Sam Lee, 555 ...", "sure - Sam Lee - ..."): a yes
            phrases = PAUSE.split(named)
            for phrase in phrases[1:] if intent == "confirm" else phrases:
                if self._name_from_text(CORRECTION_LEAD.sub("", phrase), full=True):
                    break
        first_cue = FIRST_NAME_CUE.search(named) if naming else None
        if first_cue and first_cue.group(1).lower() not in COMMON_WORDS:
            g.first_name = title_word(first_cue.group(1))  # "the name's Chen, C H E N, first name Li"
        if "phone_number" in e and len(str(e["phone_number"])) >= 7:
            g.phone = str(e["phone_number"])
        if "email" in e:
            g.email, g.no_email = str(e["email"]), False
        elif (d.asked == Asked.EMAIL and (intent == "deny" or NO_EMAIL.search(lower))) or NO_EMAIL_SAID.search(lower):
            g.no_email = True
        if NO_REQUESTS_SAID.search(lower):
            g.asked_extras = True  # "... no email, no requests": said before it was asked
        if "special_request" in e:
            for item in str(e["special_request"]).split(", "):
                if item and item not in g.special_requests and not cues.OCCASIONS.fullmatch(item):
                    g.special_requests.append(item)
        occasion = cues.OCCASIONS.search(lower)
        if occasion:
            g.occasion = occasion.group(1)
        if d.asked in (Asked.EXTRAS, Asked.EXTRAS_WHAT):
            g.asked_extras = True
            request = YES_LEAD.sub("", text).strip()
            # "yeah we'll be arriving late, around midnight": the yes and the request
            said_more = intent == "confirm" and len(request.split()) >= 3
            if not ("special_request" in e or occasion or NOTHING.match(lower) or intent == "deny") and (
                intent != "confirm" or said_more
            ):
                g.special_requests.append((request if said_more else text)[:120])
        self._gave_details = self._stay_facts() == before[0] and any(
            getattr(g, k) != before[1][k] for k in ("first_name", "last_name", "phone", "email")
        )
        return (self._stay_facts(), d.guest.__dict__) != before

    def _room_chosen(self, lower: str) -> str | None:
        """The room type the caller chose: named, or described ('the cheaper one', 'the bigger one', 'the first one')."""
        named = [self.room_words[w] for w in self._room_words_said(lower)]
        candidates = self._room_candidates(named)
        choosing = self.d.asked in ROOM_ASKS or ROOM_OR_ONE.search(lower)
        if candidates and choosing and not RATE_WORD.search(lower):
            if CHEAPEST.search(lower):
                return min(candidates, key=lambda o: public_rate(o)["grand_total"])["room_type_code"]
            if BIGGEST.search(lower) and not ASKS_WHICH.search(lower):  # "which is bigger?" asks the rooms' sizes
                return max(candidates, key=self._size_and_price)["room_type_code"]
        if len(set(named)) > 1 and COMPARING.search(lower) and not CHOSEN_OF_TWO.search(lower):
            return None  # "what's the difference between the deluxe and the standard?" chooses neither
        if "room_type" in self.entities:
            return self.room_words.get(str(self.entities["room_type"]).lower())
        which = WHICH_ONE.search(lower)
        if which and which.group("which") and self.d.asked == Asked.ROOM_TYPE and self.d.offered_rooms:
            offered = self.d.offered_rooms
            index = ORDINALS[which.group("which")]
            return offered[index] if -len(offered) <= index < len(offered) else None
        return None

    def _size_and_price(self, option: dict[str, Any]) -> tuple[int, float]:
        described = self.room_types.get(option["room_type_code"], {}).get("description", "")
        size = SIZE.search(described.lower())
        return (int(size.group(1).replace(",", "")) if size else 0, public_rate(option)["grand_total"])

    def _confirms_this_booking(self, lower: str) -> bool:
        """'I wish to confirm the reservation' at the offer or the read-back: a yes to this booking, no other one."""
        return (
            self.d.task is Task.BOOK
            and self.d.asked in (Asked.BOOK_IT, Asked.READ_BACK, Asked.WHAT_CHANGE)
            and bool(CONFIRMS_THIS.search(lower))
            and not CANCEL_OR_CHANGE.search(lower)
        )

    def _declines_card(self, lower: str) -> bool:
        """'Do I have to? I'd rather pay at the hotel': an answer to the card step, not a question for the hotel."""
        return self.d.task is Task.BOOK and self.d.asked == Asked.CARD and bool(NO_CARD.search(lower))

    def _about_contact(self, lower: str) -> bool:
        """'Do I have to give a phone number?' when asked for it: about this booking, not the hotel's phone."""
        d = self.d
        return (
            d.task is Task.BOOK
            and d.asked in (Asked.PHONE, Asked.EMAIL)
            and not ("phone_number" in self.entities or "email" in self.entities)
            and bool(CONTACT_WHY.search(lower))
        )

    def _room_described(self, lower: str) -> bool:
        """'What's the cheapest?' among the rooms just offered: a choice to quote, not a question for the hotel's facts."""
        d = self.d
        return (
            d.task is Task.BOOK
            and d.asked in (Asked.ROOM_TYPE, Asked.BOOK_IT, Asked.ROOM_OR_RATE)
            and bool(self._room_candidates([]))
            and bool(CHEAPEST.search(lower) or (BIGGEST.search(lower) and not ASKS_WHICH.search(lower)))
            and not RATE_WORD.search(lower)
            and not cues.topics_of(lower)
        )

    def _details_noted(self) -> Action:
        """Details given before saying what the call is about: thank the caller and ask what they need."""
        g = self.d.guest
        self.d.asked = Asked.HOW_HELP
        return self._say(f"Thank you{', ' + g.first_name if g.first_name else ''}. How can I help you today?")

    def _room_words_said(self, lower: str) -> list[str]:
        words = sorted(self.room_words, key=len, reverse=True)
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b") if words else None
        return pattern.findall(lower) if pattern else []

    def _room_candidates(self, named: list[str]) -> list[dict[str, Any]]:
        """The rooms on offer for the stay (those named, when two or more were) that the caller can describe."""
        options = (self.d.availability or {}).get("options") or []
        if len(set(named)) > 1:
            options = [o for o in options if o["room_type_code"] in named]
        return [o for o in options if o.get("rates")]

    def _has_stay_entities_other_than_room(self) -> bool:
        return any(k in self.entities for k in ("check_in_date", "check_out_date", "nights", "adults", "children"))

    def _repeats_what_was_said(self) -> bool:
        """The caller repeated a fact unchanged ('no - John Smith', 'it's for two adults'): a confirmation, not a change."""
        g, e = self.d.guest, self.entities
        said_name = (
            g.last_name
            and g.last_name.lower() in self._lower
            and (not g.first_name or g.first_name.lower() in self._lower)
        )
        return bool(said_name or (e and set(e) <= SLOTS_OF_A_STAY))

    def _stay_facts(self) -> tuple:
        """The stay as the caller means it: '20th to 23rd' and '3 nights from the 20th' are the same stay."""
        s = self.d.stay
        return (*s.search_key(), s.room_type, s.bed, s.view, s.rate_code, s.room_wish)

    def _in_month_discussed(
        self, said: dt.date | None, anchor: dt.date, *, after: dt.date | None = None
    ) -> dt.date | None:
        """A bare day ('the 15th') belongs to the month of the stay being discussed, not to today's month."""
        if said is None or (said.year, said.month) == (anchor.year, anchor.month):
            return said
        month_start = anchor.replace(day=1)
        for _ in range(2):
            try:
                candidate = month_start.replace(day=said.day)
            except ValueError:
                return said
            if candidate >= self.today() and (after is None or candidate > after):
                return candidate
            month_start = (month_start + dt.timedelta(days=32)).replace(day=1)
        return said

    def _bed_fits(self, code: str, bed: str | None) -> bool:
        return bed is None or bed in [b["code"] for b in self.room_types.get(code, {}).get("beds", [])]

    def _set_name(self, name: str, *, spelled: bool = False) -> None:
        """One word is a first name (a last name when asked for, or spelled out); never the same word as both names."""
        parts = [p for p in re.split(r"\s+", name.strip()) if p]
        if not parts:
            return
        g, asked = self.d.guest, self.d.asked
        parts = [p if p in PARTICLES and i < len(parts) - 1 else title_word(p) for i, p in enumerate(parts)]
        given_first = len(parts) == 2 and parts[0].lower() in GIVEN_NAME_PARTICLES and asked == Asked.NAME
        if len(parts) > 1 and (given_first or not all(p.lower() in PARTICLES for p in parts[:-1])):
            initials = next((i for i, p in enumerate(parts[:-1]) if len(p) > 1), len(parts) - 1) or 1
            g.first_name, g.last_name = " ".join(parts[:initials]), " ".join(parts[initials:])  # "A J Moreau"
            return
        word = " ".join(parts)
        if spelled and g.first_name and g.last_name and asked not in (Asked.FIRST_NAME, Asked.LAST_NAME):
            if _likeness(word, g.first_name) > _likeness(word, g.last_name):
                g.first_name = word  # "it's John with an h, J O H N": the spelling corrects the name it resembles
            else:
                g.last_name = word
            return
        if asked == Asked.FIRST_NAME or (g.last_name and not g.first_name and asked != Asked.LAST_NAME):
            if word != g.last_name:
                g.first_name = word
        elif asked == Asked.LAST_NAME and word == g.first_name:
            g.first_name, g.last_name = None, word  # "Rahman" again: it was the last name
        elif asked == Asked.LAST_NAME or g.first_name or spelled:
            g.last_name = word
        else:
            g.first_name = word

    def _name_from_text(self, text: str, *, full: bool = False) -> bool:
        """Take the words as the guest's name when they can only be one; True when they were."""
        candidate = NAME_PREFIX.sub("", text.strip().rstrip(".!")).strip()
        words = [w for w in candidate.split() if w.lower() not in PARTICLES]
        if full and len(words) < 2:
            return False
        if WORD_NAME.match(" ".join(words)) and not any(w.lower() in COMMON_WORDS for w in words):
            self._set_name(candidate)
            return True
        return False

    def _booking(self, intent: str, changed: bool) -> Action:
        d, s = self.d, self.d.stay
        if intent != "deny" and not changed and self._confirms_this_booking(self._lower):
            intent = "confirm"  # "I wish to confirm the reservation"
        if d.asked == Asked.CARD and d.card_last_four:
            d.misunderstood = 0
            return self._booking_next()
        if not changed and not self.entities and HOLD_ON.search(self._lower) and d.asked is not None:
            return self._say("Of course, take your time. " + self._question())  # "hang on, let me get my wallet"
        if changed and self._gave_details and d.asked in STAY_ASKS:
            d.pending_answer = f"Thank you{', ' + d.guest.first_name if d.guest.first_name else ''}, I've noted that."
        if d.asked == Asked.PHONE and changed and self._gave_details and d.guest.email and not d.guest.phone:
            d.guest.no_phone = True  # "do you need my email? it's ...": the e-mail instead of a phone, kept
            d.pending_answer = f"An email works too; I'll send the confirmation to {d.guest.email}."
            return self._booking_next()
        if d.asked in (Asked.NAME, Asked.FIRST_NAME, Asked.LAST_NAME) and not changed and NO_NAME.search(self._lower):
            if d.last_question == NAME_NEEDED:  # refused again after hearing why: a person can help
                d.asked = Asked.TRANSFER
                return self._say("Would you like me to transfer you to the front desk instead?", S.COLLECT_GUEST_INFO)
            return self._ask(Asked.NAME, NAME_NEEDED, S.COLLECT_GUEST_INFO)
        if not changed and self._about_contact(self._lower):
            asked_about = CONTACT_WHY.search(self._lower)
            what = asked_about["what"] if asked_about else None
            return self._why_contact(what or (d.asked.value if d.asked else "phone"))
        if d.asked == Asked.PHONE and not changed and re.search(r"\be-?mail\b", self._lower):
            return self._why_contact("email")  # "can I give you my email instead"
        if d.asked == Asked.PHONE and not changed and (intent == "deny" or NO_PHONE.search(self._lower)):
            d.guest.no_phone = True  # "no that's it", "do I have to?": the booking needs a phone or an e-mail
            if d.guest.email:
                d.pending_answer = f"No problem, we'll reach you at {d.guest.email}."
                return self._booking_next()
            return self._ask(
                Asked.EMAIL,
                "No problem. Then could I have an email address instead? The hotel needs a phone number or an email "
                "to send your confirmation and reach you about the booking.",
                S.COLLECT_GUEST_INFO,
            )
        if d.asked == Asked.CARD and not changed:
            if intent == "deny" or NO_CARD.search(self._lower):
                d.asked = Asked.TRANSFER
                return self._say(
                    "I'm sorry, the hotel needs a card to guarantee a booking made by phone. "
                    "Would you like me to transfer you to the front desk?",
                    S.COLLECT_PAYMENT,
                )
            if intent == "confirm" and not CARD_SAID.search(self._lower):
                return self._ask(Asked.CARD, "Go ahead: the card number, and then its expiry date.", S.COLLECT_PAYMENT)
            return self._unclear()
        if d.asked == Asked.ALTERNATIVE and d.alternative_offer:
            if intent == "confirm" and not changed:
                offer, d.alternative_offer = d.alternative_offer, None
                s.check_in = dt.date.fromisoformat(offer["check_in"])
                s.check_out, s.nights = dt.date.fromisoformat(offer["check_out"]), None
                d.availability, d.availability_key = offer, s.search_key()
                d.asked = None
                return self._booking_next()
            if intent == "deny" and not changed:
                d.alternative_offer, d.asked = None, Asked.CHECK_IN
                s.check_in = s.check_out = s.nights = None
                return self._say("No problem. Which other dates would work for you?", S.COLLECT_DATES)
        if d.asked == Asked.YEAR_CHECK and not changed:
            if intent == "deny":
                s.check_in = s.check_out = s.nights = None
                return self._ask(Asked.CHECK_IN, "No problem. What date would you like to check in?", S.COLLECT_DATES)
            if intent == "confirm":
                d.asked = None
                return self._booking_next()
        if d.asked == Asked.BOOK_IT and changed and self._gave_details and intent != "deny":
            s.rate_code = d.offered_rate  # "its Priya Natarajan" to "shall I book it?": a yes, with the name
            d.accepted_rate, d.asked = (d.offered_rate, s.room_type), None
            return self._booking_next()
        if d.asked == Asked.BOOK_IT and not changed:
            if intent == "confirm":
                s.rate_code = d.offered_rate
                d.accepted_rate, d.asked = (d.offered_rate, s.room_type), None
                return self._booking_next()
            if intent == "deny":
                d.asked = Asked.ROOM_OR_RATE
                return self._say(
                    "No problem. Would you like a different room type or rate, or other dates?", S.ROOM_SELECTION
                )
        if d.asked == Asked.ROOM_OR_RATE and not changed and d.offered_rate and intent != "deny":
            named = self.room_words.get(str(self.entities.get("room_type", "")).lower())
            if named and named == s.room_type:  # "fine, I'll take the deluxe": the room just offered after all
                s.rate_code = d.offered_rate
                d.accepted_rate, d.asked = (d.offered_rate, s.room_type), None
                return self._booking_next()
            if intent == "confirm":  # "yes" to "a different room or rate, or other dates?": offer it once more
                d.asked = None
                return self._booking_next()
        if d.asked == Asked.ROOM_OR_RATE and not changed and intent == "deny":
            d.stay, d.availability, d.availability_key = type(s)(), None, None
            return self._done(
                "Alright. If you'd like to book later, just give us a call. Is there anything else I can help you with?"
            )
        if d.asked == Asked.READ_BACK and d.prepared:
            if intent == "confirm" and not changed:
                return self._call("confirm_booking", {}, S.CONFIRM_BOOKING)
            if not changed and self._repeats_what_was_said():
                return self._say(f"Yes, that's what I have. {self._confirm_question(d.prepared)}", S.CONFIRM_BOOKING)
            if not changed:
                if intent == "deny":
                    d.asked = Asked.WHAT_CHANGE
                    total = money(d.prepared["grand_total"], d.prepared["currency"])
                    return self._say(
                        f"Of course. What would you like to change? If it's all right as it is, at {total} in total, "
                        "just say so and I'll book it.",
                        S.CONFIRM_BOOKING,
                    )
                return self._unclear()
        if d.asked == Asked.WHAT_CHANGE and not changed:
            if intent == "confirm" and d.prepared:
                return self._call("confirm_booking", {}, S.CONFIRM_BOOKING)
            if intent == "deny":
                d.asked = Asked.READ_BACK
                return self._say("Alright. Shall I go ahead and confirm the booking as I read it?", S.CONFIRM_BOOKING)
            for pattern, slot, question, state in WHAT_TO_CHANGE:
                if pattern.search(self._lower):
                    return self._ask(slot, question, state)
        if (
            d.asked == Asked.EXTRAS
            and intent == "confirm"
            and not changed
            and not self.entities
            and not cues.OCCASIONS.search(self._lower)
        ):
            return self._ask(Asked.EXTRAS_WHAT, "Of course. What would you like us to arrange?", S.COLLECT_GUEST_INFO)
        yes_again = intent == "book_room" or YES_LEAD.match(self._lower)
        if yes_again and not changed and not self.entities and d.asked in GUEST_DETAILS:
            intent = "confirm"  # "yeah sure book it", "yes i want" when asked for the name: the yes again
        if d.asked == Asked.ROOM_TYPE and not changed and d.offered_rooms and SUGGEST.search(self._lower):
            return self._suggest_rooms()
        if d.asked == Asked.ROOM_TYPE and not changed and d.offered_rooms and BIGGEST.search(self._lower):
            return self._suggest_rooms(roomiest_only=True)  # "which one has more room?"
        said_rooms = {self.room_words[w] for w in self._room_words_said(self._lower)}
        if d.asked in (Asked.ROOM_TYPE, Asked.BOOK_IT) and not changed and len(said_rooms) > 1:
            return self._rooms_side_by_side(said_rooms)  # "what is the price difference between standard and deluxe"
        if intent == "confirm" and not changed and d.asked in GO_AHEAD:
            return self._ask(d.asked, GO_AHEAD[d.asked], d.state)
        declined = (
            intent == "deny"
            and d.asked == Asked.ROOM_TYPE
            and d.offered_rooms
            and (
                not changed
                or (s.room_type not in (None, *d.offered_rooms) and not self._has_stay_entities_other_than_room())
            )
        )
        if declined:
            s.room_type = None  # "no thanks, I only wanted the suite"
            return self._done(
                "I'm sorry I couldn't offer you the room you wanted for those dates. If you'd like to try other dates, "
                "just let me know. Is there anything else I can help you with?"
            )
        if (
            (intent == "confirm" or WHICH_ONE.search(self._lower) or (intent == "book_room" and not self.entities))
            and not changed
            and d.asked == Asked.ROOM_TYPE
            and d.offered_rooms
        ):
            if len(d.offered_rooms) == 1:
                s.room_type = d.offered_rooms[0]
                return self._booking_next()
            names = [self.room_types.get(code, {}).get("name", code) for code in d.offered_rooms]
            return self._ask(
                Asked.ROOM_TYPE, f"Which would you like: the {join_words(names, 'or the')}?", S.ROOM_SELECTION
            )
        if not changed and d.asked:
            return self._unclear()
        d.misunderstood = 0
        return self._booking_next()

    def _why_contact(self, what: str) -> Action:
        """Why a phone or an e-mail: said once, with the other one offered instead."""
        d, g = self.d, self.d.guest
        if "mail" in what and d.asked == Asked.PHONE:
            g.no_phone = True  # "do you need my email?": the e-mail instead of the phone
            return self._ask(
                Asked.EMAIL,
                "An email address works instead of a phone number. What's your email?",
                S.COLLECT_GUEST_INFO,
            )
        if d.asked == Asked.PHONE:
            return self._ask(
                Asked.PHONE,
                "It's only so the hotel can reach you about your booking; an email address will do instead. "
                "What's the best phone number, or would you rather give an email?",
                S.COLLECT_GUEST_INFO,
            )
        needed = (
            "so the hotel can reach you about the booking" if g.no_phone and not g.phone else "for your confirmation"
        )
        optional = "" if g.no_phone and not g.phone else " You can say no if you'd rather not."
        return self._ask(Asked.EMAIL, f"It's {needed}.{optional} What's your email address?", S.COLLECT_GUEST_INFO)

    def _booking_next(self) -> Action:
        d, s, g = self.d, self.d.stay, self.d.guest
        if s.check_in is None:
            return self._ask(Asked.CHECK_IN, "What date would you like to check in?", S.COLLECT_DATES)
        if s.check_out and s.check_out <= s.check_in:  # "from the 14th, checking out the 13th": ask for the length
            return self._ask(
                Asked.NIGHTS,
                f"Checking in {day(s.check_in)}, so the check-out must be a later day. "
                "How many nights will you be staying?",
                S.COLLECT_DATES,
            )
        check_out = s.resolved_check_out()
        if check_out is None:
            return self._ask(
                Asked.NIGHTS, f"Checking in {day(s.check_in)}. How many nights will you be staying?", S.COLLECT_DATES
            )
        if self._just_passed(s.check_in) and d.year_checked != s.check_in:
            d.year_checked = s.check_in
            return self._ask(
                Asked.YEAR_CHECK,
                f"{day(s.check_in.replace(year=s.check_in.year - 1), weekday=False)} has already passed "
                f"this year. Did you mean {day(s.check_in, weekday=False)}, or another date?",
                S.COLLECT_DATES,
            )
        if s.check_in < self.today():
            s.check_in = None
            return self._ask(
                Asked.CHECK_IN,
                f"That date has already passed; today is {day(self.today())}. What date would you like to check in?",
                S.COLLECT_DATES,
            )
        if s.adults is None:
            return self._ask(
                Asked.GUESTS, "How many adults will be staying, and will any children be with you?", S.COLLECT_GUESTS
            )
        if d.availability is None or d.availability_key != s.search_key():
            d.prepared = None
            return self._call(
                "check_availability", self._availability_args(s.check_in, check_out), S.CHECK_AVAILABILITY
            )
        options = d.availability["options"]
        if not options:
            return self._search_alternatives(d.availability, s.check_in)
        if s.room_type is None and (s.room_wish == "cheapest" or CHEAPEST.search(self._lower)):
            s.room_type = min(options, key=lambda o: public_rate(o)["grand_total"])["room_type_code"]
        elif s.room_type is None and s.room_wish == "biggest":
            s.room_type = max(options, key=self._size_and_price)["room_type_code"]
        if s.room_type is None:
            return self._offer_rooms(options, s.check_in, check_out, s.adults)
        option = next((o for o in options if o["room_type_code"] == s.room_type), None)
        if option is None:
            return self._room_unavailable(options, d.availability)
        if s.bed and s.bed not in option["beds"]:
            wanted, s.bed = s.bed, None
            return self._ask(
                Asked.BED,
                f"I'm sorry, a {wanted.lower()} bed isn't available in the {option['room_type']} for those dates. "
                f"It comes with {join_words([b.lower() for b in option['beds']], 'or')} beds. Which would you prefer?",
                S.ROOM_SELECTION,
            )
        if s.view and s.view not in option["views"]:
            wanted, s.view = s.view, None
            return self._ask(
                Asked.VIEW,
                f"I'm sorry, a {wanted} view isn't available in the {option['room_type']} for those dates; "
                f"I can offer a {join_words(option['views'], 'or')} view. Which would you like?",
                S.ROOM_SELECTION,
            )
        rate = self._rate(option)
        if rate is None:
            names = join_words([r["name"] for r in option["rates"]], "or")
            s.rate_code = None
            return self._ask(
                Asked.RATE,
                f"I'm sorry, that rate isn't available for this stay. I can offer the {names}. Which would you like?",
                S.RATE_SELECTION,
            )
        if not self._rate_accepted(rate):
            d.offered_rate = rate["rate_code"]
            return self._ask(
                Asked.BOOK_IT,
                rate_sentence(option, rate, d.availability[Asked.NIGHTS]) + " Would you like to book it?",
                S.RATE_SELECTION,
            )
        s.rate_code = rate["rate_code"]
        if not (g.first_name and g.last_name):
            if g.last_name and not g.first_name:
                return self._ask(
                    Asked.FIRST_NAME,
                    f"Thank you. I have {g.last_name} as your last name. And your first name?",
                    S.COLLECT_GUEST_INFO,
                )
            if g.first_name and not g.last_name:
                return self._ask(
                    Asked.LAST_NAME, f"Thank you, {g.first_name}. And your last name?", S.COLLECT_GUEST_INFO
                )
            return self._ask(Asked.NAME, "Wonderful. May I have your first and last name?", S.COLLECT_GUEST_INFO)
        if not (g.phone or g.email) and g.no_phone and g.no_email:
            g.no_phone = g.no_email = False
            d.asked, d.last_question = Asked.TRANSFER, "Could I have a phone number or an email address, then?"
            return self._say(
                "I'm sorry, I can only make the booking with a phone number or an email address, so the hotel can "
                "reach you about it. Would you like me to transfer you to the front desk instead?",
                S.COLLECT_GUEST_INFO,
            )
        if not g.phone and not g.no_phone:
            return self._ask(
                Asked.PHONE,
                f"Thank you, {g.first_name}. What's the best phone number to reach you?",
                S.COLLECT_GUEST_INFO,
            )
        if not g.email and not g.no_email and g.no_phone and not g.phone:
            return self._ask(Asked.EMAIL, "And your email address, for the confirmation?", S.COLLECT_GUEST_INFO)
        if not g.email and not g.no_email:
            return self._ask(
                Asked.EMAIL,
                "And an email address for the confirmation? You can say no if you'd rather not.",
                S.COLLECT_GUEST_INFO,
            )
        if not g.asked_extras:
            return self._ask(
                Asked.EXTRAS, "Do you have any special requests, or is it a special occasion?", S.COLLECT_GUEST_INFO
            )
        if self._guarantee_required() and not d.card_last_four:
            deposit = (self.hotel.get("policies") or {}).get("deposit") or ""
            return self._ask(
                Asked.CARD,
                f"The hotel guarantees bookings made by phone with a card. {deposit} "
                "Please read me the card number, and then its expiry date.".replace("  ", " "),
                S.COLLECT_PAYMENT,
            )
        args = self._prepare_args(s.check_in, check_out)
        if d.prepared is None or d.prepared_args != args:
            d.prepared_args = args
            return self._call("prepare_booking", args, S.CONFIRM_BOOKING)
        return self._read_back(d.prepared)

    def _just_passed(self, check_in: dt.date) -> bool:
        """A day that was a few weeks ago, which date resolution moved to next year."""
        today = self.today()
        try:
            last_year = check_in.replace(year=check_in.year - 1)
        except ValueError:
            return False
        return check_in.year > today.year and dt.timedelta(0) < today - last_year <= dt.timedelta(days=90)

    def _rate(self, option: dict[str, Any]) -> dict[str, Any] | None:
        s = self.d.stay
        if s.rate_code:
            return next((r for r in option["rates"] if r["rate_code"] == s.rate_code), None)
        return public_rate(option)

    def _rate_accepted(self, rate: dict[str, Any]) -> bool:
        d = self.d
        return d.accepted_rate == (rate["rate_code"], d.stay.room_type)

    def _availability_args(self, check_in: dt.date, check_out: dt.date) -> dict[str, Any]:
        s = self.d.stay
        return {
            "check_in": check_in.isoformat(),
            "check_out": check_out.isoformat(),
            "adults": s.adults,
            "children": s.children or 0,
            "rooms": s.rooms,
        }

    def _prepare_args(self, check_in: dt.date, check_out: dt.date) -> dict[str, Any]:
        s, g = self.d.stay, self.d.guest
        args = {
            "check_in": check_in.isoformat(),
            "check_out": check_out.isoformat(),
            "room_type": s.room_type,
            "rate_code": s.rate_code,
            "adults": s.adults,
            "children": s.children or 0,
            "rooms": s.rooms,
            "first_name": g.first_name,
            "last_name": g.last_name,
            "phone": g.phone,
            "email": g.email,
            "bed": s.bed,
            "view": s.view,
            "special_requests": list(g.special_requests),
            "special_occasion": g.occasion,
        }
        return args

    def _offer_rooms(self, options: list[dict[str, Any]], check_in: dt.date, check_out: dt.date, adults: int) -> Action:
        stay = f"For {day(check_in)} to {day(check_out)}, {party(adults, self.d.stay.children or 0)}"
        offers = join_words([room_offer(o) for o in options[:4]])
        self.d.offered_rooms = [o["room_type_code"] for o in options[:4]]
        return self._ask(Asked.ROOM_TYPE, f"{stay}, I have {offers}. Which would you like?", S.ROOM_SELECTION)

    def _suggest_rooms(self, *, roomiest_only: bool = False) -> Action:
        """'What would you suggest?': the best value and the roomiest of the rooms on offer, with their prices, to choose from."""
        options = [
            o for o in (self.d.availability or {}).get("options", []) if o["room_type_code"] in self.d.offered_rooms
        ]
        if len(options) < 2:
            return self._unclear()
        value = min(options, key=lambda o: public_rate(o)["grand_total"])
        roomiest = max(options, key=self._size_and_price)
        if roomiest_only:
            rate = public_rate(roomiest)
            return self._ask(
                Asked.ROOM_TYPE,
                f"The {roomiest['room_type']} is the most spacious, at {money(rate['per_night'], rate['currency'])} a night. "
                "Which would you like?",
                S.ROOM_SELECTION,
            )
        text = f"The {value['room_type']} is our best value, at {money(public_rate(value)['per_night'], public_rate(value)['currency'])} a night"
        if roomiest is not value:
            text += (
                f"; the {roomiest['room_type']} is the most spacious, at "
                f"{money(public_rate(roomiest)['per_night'], public_rate(roomiest)['currency'])} a night"
            )
        return self._ask(Asked.ROOM_TYPE, text + ". Which would you like?", S.ROOM_SELECTION)

    def _rooms_side_by_side(self, codes: set[str]) -> Action:
        """Two or more rooms named together and none chosen: what each costs for the stay, as the backend priced it."""
        options = [o for o in (self.d.availability or {}).get("options", []) if o["room_type_code"] in codes]
        if len(options) < 2:
            return self._unclear()
        nights = (self.d.availability or {}).get("nights")
        prices = [
            f"the {o['room_type']} is {money(public_rate(o)['per_night'], public_rate(o)['currency'])} a night"
            + (
                f", {money(public_rate(o)['grand_total'], public_rate(o)['currency'])} for the {nights} nights"
                if nights and nights > 1
                else ""
            )
            for o in options
        ]
        text = "; ".join(prices)
        self.d.offered_rooms = [o["room_type_code"] for o in options]
        return self._ask(Asked.ROOM_TYPE, f"{text[0].upper()}{text[1:]}. Which would you like?", S.ROOM_SELECTION)

    def _room_unavailable(self, options: list[dict[str, Any]], availability: dict[str, Any]) -> Action:
        s = self.d.stay
        name = self.room_types.get(s.room_type or "", {}).get("name", "room")
        refused: dict[str, Any] = next(
            (u for u in availability.get("unavailable", []) if u["room_type_code"] == s.room_type), {}
        )
        reason = refused.get("reason", "").rstrip(".")
        if refused.get("code") == "sold_out":
            why = "it's sold out for those dates"
        else:
            why = reason[0].lower() + reason[1:] if reason else "it isn't available"
        s.room_type = None
        offers = join_words([room_offer(o) for o in options[:3]], "or")
        self.d.offered_rooms = [o["room_type_code"] for o in options[:3]]
        return self._ask(
            Asked.ROOM_TYPE,
            f"I'm sorry, I can't offer the {name}: {why}. I do have {offers}. Would one of those work?",
            S.ROOM_SELECTION,
        )

    def _search_alternatives(self, availability: dict[str, Any], check_in: dt.date) -> Action:
        unavailable = availability.get("unavailable", [])
        too_big = unavailable and all(u.get("code") in ("too_many_guests", "too_many_adults") for u in unavailable)
        if too_big:
            largest = max((rt.get("max_occupancy", 0) for rt in self.room_types.values()), default=0)
            return self._ask(
                Asked.GUESTS,
                f"Our largest rooms sleep {largest} guests. Would you like to book more than one room? Just tell me how many rooms.",
                S.COLLECT_GUESTS,
            )
        if unavailable and (limit := stay_length_limit(unavailable)):
            return self._ask_nights_within(*limit)
        self.shifts = [shift for shift in ALTERNATIVE_SHIFTS if check_in + dt.timedelta(days=shift) >= self.today()]
        self.d.alternatives = []
        return self._next_alternative()

    def _ask_nights_within(self, longest: int | None, shortest: int | None) -> Action:
        """No rate sells a stay this long (or short): say the limit and ask again for the nights, not 'fully booked'."""
        s = self.d.stay
        s.check_out = s.nights = None
        if longest is not None:
            text = (
                f"I'm sorry, the longest stay I can book is {longest} nights; the front desk can help with a longer "
                f"one. How many nights would you like, up to {longest}?"
            )
        else:
            text = (
                f"I'm sorry, our rates need a stay of at least {shortest} nights then. How many nights would you like?"
            )
        return self._ask(Asked.NIGHTS, text, S.COLLECT_DATES)

    def _next_alternative(self) -> Action:
        s = self.d.stay
        check_in, check_out = s.check_in, s.resolved_check_out()
        if not self.shifts or check_in is None or check_out is None:
            self.d.asked = Asked.CHECK_IN
            s.check_in = s.check_out = s.nights = None
            return self._say(
                "I'm sorry, we're fully booked on and around those dates. Would you like to try other dates?",
                S.COLLECT_DATES,
            )
        shift = self.shifts.pop(0)
        start = check_in + dt.timedelta(days=shift)
        self.d.pending_after_tool = "alternative"
        return self._call(
            "check_availability",
            self._availability_args(start, start + (check_out - check_in)),
            S.CHECK_AVAILABILITY,
        )

    def _alternative_result(self, output: dict[str, Any] | None) -> Action:
        d, s = self.d, self.d.stay
        options = (output or {}).get("options", [])
        if s.room_type:
            options = [o for o in options if o["room_type_code"] == s.room_type] or []
        if not output or not options:
            return self._next_alternative()
        d.alternative_offer = output
        offers = join_words([room_offer(o) for o in options[:2]], "and")
        d.asked = Asked.ALTERNATIVE
        return self._say(
            f"I'm sorry, we're fully booked for those dates. I do have availability from {day(output['check_in'])} "
            f"to {day(output['check_out'])}, with {offers}. Would those dates work?",
            S.CHECK_AVAILABILITY,
        )

    def _prepare_failed(self, r: ToolResult) -> Action:
        d = self.d
        if r.code == CONTACT_INVALID:
            d.guest.phone = None
            return self._ask(Asked.PHONE, f"{r.error} What's the best phone number to reach you?", S.COLLECT_GUEST_INFO)
        d.availability, d.stay.rate_code = None, None
        return self._say(f"I'm sorry, {r.sorry()} Let me see what else I can offer.", S.ROOM_SELECTION)

    # -- tool results ---------------------------------------------------------------------------

    def _on_check_availability(self, r: ToolResult) -> Action:
        d = self.d
        if r.failed:
            d.stay.check_in = d.stay.check_out = d.stay.nights = None
            return self._ask(Asked.CHECK_IN, f"{r.error} What dates would you like instead?", S.COLLECT_DATES)
        if r.after == "alternative":
            return self._alternative_result(r.output)
        d.availability, d.availability_key = r.output, d.stay.search_key()
        return self._booking_next()

    def _on_prepare_booking(self, r: ToolResult) -> Action:
        if r.failed:
            return self._prepare_failed(r)
        self.d.prepared = r.data
        return self._read_back(r.data)

    def _on_confirm_booking(self, r: ToolResult) -> Action:
        d = self.d
        if r.failed and r.code == NOT_CONFIRMED and d.prepared:
            return self._read_back(d.prepared)  # the yes did not answer a read-back with the total: read it back again
        if r.failed:
            d.prepared = None
            d.availability = None
            return self._say(
                f"I'm sorry, I couldn't complete the booking: {r.error} Let me check again.", S.CHECK_AVAILABILITY
            )
        d.booked = r.data
        return self._done(booked(r.data))

    def _guarantee_required(self) -> bool:
        """The hotel's policy: a card guarantees a booking before it is confirmed; without a policy none is asked for."""
        return bool((self.hotel.get("policies") or {}).get("guarantee_required"))

    def card_saved(self, last_four: str) -> None:
        """The secure card step saved a card in this call; the brain learns only its last four digits."""
        self.d.card_last_four = last_four

    def _read_back(self, prepared: dict[str, Any]) -> Say:
        text = read_back(prepared)
        if self.d.card_last_four:
            text = text.replace(
                " Shall I confirm the booking?",
                f" It's guaranteed with the card ending in {' '.join(self.d.card_last_four)}. "
                "Shall I confirm the booking?",
            )
        reply = self._ask(Asked.READ_BACK, text, S.CONFIRM_BOOKING)
        self.d.last_question = "Shall I confirm the booking?"
        return reply


def _all_capitalised(text: str) -> bool:
    """'Maria Gonzalez': every word capitalised, as speech-to-text writes a name."""
    words = NAME_PREFIX.sub("", text.strip().rstrip(".!")).split()
    return len(words) >= 2 and all(w[:1].isupper() or w.lower() in PARTICLES for w in words)


def _likeness(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio()


def stay_length_limit(unavailable: list[dict[str, Any]]) -> tuple[int | None, int | None] | None:
    """(longest, None) or (None, shortest) when every room type was refused only for the stay's length; else None."""
    codes = {u.get("code") for u in unavailable}
    limits = [u["limit"] for u in unavailable if u.get("limit") is not None]
    if codes == {"stay_too_long"} and limits:
        return max(limits), None
    if codes == {"stay_too_short"} and limits:
        return None, min(limits)
    return None
