"""Small keyword cues the dialogue needs beyond intents and entities: topics, views, rates, occasions."""

from __future__ import annotations

import re

TOPICS: list[tuple[str, re.Pattern[str]]] = [
    ("check_out", re.compile(r"\b(check ?-?out|checkout|late check|leave the room|vacate)\b")),
    (
        "check_in",
        re.compile(
            r"\b(check ?-?in|checkin|early check|arrive early|what time can (i|we) (get|arrive)|how early"
            r"|get into the room|room (be )?ready)\b"
        ),
    ),
    ("parking", re.compile(r"\b(park(ing)?|valet|garage|my car)\b")),
    ("breakfast", re.compile(r"\b(breakfast|brunch)\b")),
    ("pets", re.compile(r"\b(pets?|dogs?|cats?|puppy|animals?)\b")),
    ("wifi", re.compile(r"\b(wi-?fi|wireless|internet)\b")),
    ("pool", re.compile(r"\b(pool(?![- ]?(view|side|facing))|swim(ming)?)\b")),
    ("fitness", re.compile(r"\b(gym|fitness|workout|exercise)\b")),
    ("restaurant", re.compile(r"\b(restaurant|dinner|lunch|bar|room service|food|eat)\b")),
    ("airport", re.compile(r"\b(airport|shuttle|taxi|cab)\b")),
    (
        "location",
        re.compile(r"\b(where are you|located|location|(?<!mail )address|directions|how do i get|far from|near)\b"),
    ),
    ("postcode", re.compile(r"\b(post ?codes?|zip(?: ?codes?)?|postal codes?)\b")),
    (
        "email",
        re.compile(
            r"\b((?:your|ur|the hotel'?s?|hotel|front desk'?s?) e-?mail|e-?mail (?:address )?(?:for|of) (?:the hotel|you)"
            r"|e-?mail you|what(?:'s| is) the e-?mail|what e-?mail (?:address )?(?:can|should|do) (?:i|we)"
            r"|(?:number|phone|address|website) (?:and|or|&|plus) (?:an? |the |your )?e-?mail)\b"  # "your number and email"
        ),
    ),
    (
        "deposit",
        re.compile(
            r"\b(deposit|pre-?pay\w*|pay (?:anything |something )?(?:up ?front|in advance|now|ahead|before)"
            r"|pay (?:at|when (?:we|i)) (?:check|arriv|get there|the hotel))\b"
        ),
    ),
    ("accessibility", re.compile(r"\b(accessib\w*|wheelchair|disab\w*|roll-?in)\b")),
    (
        "children",
        re.compile(
            r"\b(kids? stay|children stay|cribs?|cots?|child policy|children policy|babies|infants?|(?:family|kid|child)[- ]friendly"
            r"|(?:children|kids|babies) (?:are )?(?:allowed|welcome|ok|okay|free)|allow (?:children|kids)"
            r"|(?:bring|take) (?:my |our |the )?(?:kids|children|baby)"
            r"|(?:kids|children|child|babies|baby|infants?),? (?:are |is |do |does )?(?:they |it )?(?:free|extra|charged|cost|pay)"
            r"|(?:charge|pay|cost|price|fee)s? (?:\w+ )?for (?:the |my |our )?(?:kids|children|child|baby|little ones)"
            r"|what about (?:for )?(?:the |my |our )?(?:kids|children|little ones|babies|baby)"
            r"|(?:little ones|grand ?(?:kids|children)|toddlers?) (?:\w+ ){0,2}(?:free|extra|cost|pay|stay|allowed|welcome))\b"
        ),
    ),
    (
        "amenities",
        re.compile(
            r"\b(amenities|in[- ]room|kettle|coffee (?:maker|machine)|espresso|mini ?bar|(?:a|the|in room|in-room) safe(?! (?:area|neighbou?rhood|place|city|to))|bathrobes?|balcony|balconies"
            r"|bath ?tubs?|soaking tub|fridge|microwave|tv|television)\b"
        ),
    ),
    ("smoking", re.compile(r"\b(smok\w*|cigarettes?|vape)\b")),
    (
        "cancellation",
        re.compile(
            r"\b(cancell?ation (policy|fee|charge|penalty)|cancel policy|refund policy|can i cancel|free cancell?ation"
            r"|charged? (?:\w+ ){0,3}(?:for|if i|when i) cancel\w*|penalty for cancel\w*|cost (?:\w+ )?to cancel|if i cancel"
            r"|(?:if|when) (?:i|we) (?:\w+ ){0,2}cancel\w*|cancel\w* (?:fee|charge|penalt\w*))\b"
        ),
    ),
    (
        "phone",
        re.compile(
            r"\b(phone number of the hotel|hotel'?s? (phone|number)|call you back|(your|their|the front desk'?s?) (phone )?number"
            r"|(?:your |the )?e-?mail(?: address)? (?:and|or|&|plus) (?:a |the |your )?(?:phone|telephone)(?: number)?)\b"
        ),
    ),
]

VIEWS = [
    ("ocean", re.compile(r"\b(ocean|sea|beach)[- ]?(view|front|facing|side)?\b")),
    ("city", re.compile(r"\bcity[- ]?(view|side|facing)\b")),
    ("pool", re.compile(r"\bpool[- ]?(view|side|facing)\b")),
    ("garden", re.compile(r"\bgarden[- ]?(view|side|facing)?\b")),
]

RATES = [
    (
        "PKG_BB",
        re.compile(
            r"\b(bed and breakfast|b ?& ?b|with breakfast|breakfast (included|rate|package)|include breakfast)\b"
        ),
    ),
    ("AAA", re.compile(r"\b(aaa|triple a|caa|auto club)\b")),
    ("CORP", re.compile(r"\b(corporate|business rate|company rate)\b")),
    ("BAR", re.compile(r"\b(best (available )?rate|flexible rate|regular rate|standard rate|cheapest|lowest)\b")),
]

OCCASIONS = re.compile(r"\b(anniversary|birthday|honeymoon|wedding|engagement|graduation|babymoon|proposal)\b")
ROOM_NUMBER = re.compile(r"\broom (?:number )?(\d{3,4})\b|\b(?:in|from) (\d{3,4})\b")
SPOKEN_ROOM = re.compile(r"\b(?:room(?: number)?|in|from|to)\s+((?:\d{1,4}|oh|o)(?:[\s-]+(?:\d{1,2}|oh|o)){0,3})\b")


def topic_of(text: str) -> str | None:
    for topic, pattern in TOPICS:
        if pattern.search(text):
            return topic
    return None


def first_match(options: list[tuple[str, re.Pattern[str]]], text: str) -> str | None:
    for value, pattern in options:
        if pattern.search(text):
            return value
    return None


def topics_of(text: str) -> list[str]:
    """Every topic asked about, in the order of the topic list: 'parking and breakfast' → both."""
    found = [(match.start(), topic) for topic, pattern in TOPICS if (match := pattern.search(text))]
    return [topic for _, topic in sorted(found)]


def room_number_in(norm: str) -> str | None:
    """A room number as said, from normalised text: 'room 3 oh 5' (three oh five) → 305, 'in 4-12' → 412."""
    for m in SPOKEN_ROOM.finditer(norm):
        pieces = re.split(r"[\s-]+", m.group(1))
        digits = "".join("0" if piece in ("oh", "o") else piece for piece in pieces)
        if 3 <= len(digits) <= 4 and digits.isdigit() and digits[0] != "0" and (len(pieces) > 1 or len(digits) >= 3):
            return digits
    return None
