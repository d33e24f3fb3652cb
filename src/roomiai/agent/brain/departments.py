"""What a guest's request is for → the department that handles it, the items named, and whether it is urgent."""

from __future__ import annotations

import re

from .normalise import clean

# Something in the room is wrong: maintenance, whatever the thing is ("the TV won't turn on", "a leak under the sink").
_FAULTS = (
    r"broken|broke|(?:not|isn'?t|aren'?t|stopped|quit) (?:working|draining|flushing|heating|cooling)|doesn'?t (?:work|flush|drain|lock|close|open)"
    r"|don'?t work|won'?t (?:work|turn on|turn off|switch on|flush|drain|lock|close|open|stop|connect)|can'?t (?:turn|switch) (?:it |the \w+ )?(?:on|off)"
    r"|leak\w*|drip\w*|flood\w*|overflow\w*|clogged|blocked|stuck|jammed|flicker\w*|sparks?|burnt? out|(?:lamp|light|bulb|power|lights) (?:is |are |went |has gone )?out"
    r"|no (?:hot )?water|no power|no electricity|no heat(?:ing)?|cold water only|(?:have|has|got) no power"
    r"|(?:don'?t|doesn'?t|do not|does not|isn'?t|aren'?t) (?:have |get |getting |got )?(?:any )?(?:power|signal|electricity)|no signal"
    r"|too (?:hot|cold|noisy|loud)|rattl\w*|buzz\w*|making (?:a |an |some )?(?:\w+ )?noise|(?:smells?|smell) of (?:gas|smoke|burning)|mou?ld|pest|bugs|cockroach\w*"
)
FAULT = re.compile(rf"\b(?:{_FAULTS})\b")
PROBLEM = re.compile(
    rf"\b(?:{_FAULTS}"
    r"|light ?bulb|bulbs?|fix\w*|repair\w*|look at|(?:air ?con\w*|\ba/?c\b|heating|heater|thermostat|radiator|tv|television|remote|plumbing|plumber|electrician|sockets?|outlets?|fridge|minibar"
    r"|lights?|lamps?|door lock|window|shower ?head|faucet|toilet(?! paper| roll| tissue)|sink|drain|bath ?tub|shower))\b"
)
FOOD = re.compile(
    r"\b(room service|menu|order(?:ing)? (?:some |a |an )?\w*|hungry|thirsty|food|snacks?|sandwich\w*|club sandwich|burgers?|fries|pizza|salad|soup|pasta"
    r"|steak|chicken|fish|dessert|cake|fruit(?: plate| platter)?|cheese|breakfast|brunch|lunch|dinner|supper|meal|drinks?|wine|champagne|prosecco"
    r"|beers?|cocktails?|whisk(?:e)?y|vodka|spirits|coffees?|espresso|cappuccino|latte|teas?|hot chocolate|juice|smoothie|milk|soda|coke|lemonade"
    r"|ice cream|bottled water|sparkling water|eggs?(?: benedict)?|omelet(?:te)?s?|pancakes?|waffles?|toast|bacon|croissants?|pastr(?:y|ies)"
    r"|biscuits?|cookies?|kitchen|starving|peckish|something to eat)\b"
)
FRONT_DESK = re.compile(
    r"\b(concierge|wake ?up call|wake me(?: up)?|alarm call|taxi|cab|uber|lyft|car (?:to|for)|limo\w*|shuttle|ride to|luggage|bags|suitcases?"
    r"|bell ?(?:hop|boy|man|desk)|porter|valet|parcel|package|deliver(?:y|ies) for me|restaurant reservation|(?:book|reserve|get) (?:us |me )?(?:a )?table"
    r"|reservation at|tickets?|tour|recommend\w*|directions|flowers|key ?cards?|room keys?|new key|locked (?:myself |ourselves )?out"
    r"|newspaper|print\w*|boarding pass)\b"
)
AMENITY = re.compile(
    r"\b(toothbrush(?:es)?|toothpaste|dental kit|razor|shaving kit|comb|sewing kit|iron(?:ing board)?|hair ?dryer|hairdryer|straightener|adapter|adaptor"
    r"|(?:phone )?charger|cables?|crib|cot|baby cot|high chair|rollaway|extra bed|bathrobes?|robes?|slippers|umbrella|kettle|fan|humidifier"
    r"|yoga mat|ice bucket|ice|corkscrew|bottle opener|wine glasses|glasses|mugs?|cups?)\b"
)
HOUSEKEEPING = re.compile(
    r"\b(housekeeping|house keeping|maid|clean\w*|tidy|tidied|vacuum\w*|dust\w*|make up (?:the |my |our )?room|(?:room|bed|beds) made(?: up)?"
    r"|made up|turn ?down|towels?|bath mat|linens?|sheets|bedding|duvet|pillows?|pillowcases?|blankets?|quilt|toilet (?:paper|roll|tissue)|tissues"
    r"|toiletries|shampoo|conditioner|soap|body wash|lotion|hangers?|trash|rubbish|garbage|bin|laundry|dry cleaning|coffee (?:pods|capsules)"
    r"|tea bags|water bottles|bottles of water|(?:more |some )?water|sugar)\b"
)
# What is done to the room's linen, bins and keys names the department whatever else is said ("juice spilled on the sheets")
LINEN = re.compile(r"\b(sheets|bedding|bed linen|linens?|towels?|pillowcases?|duvet|trash|rubbish|garbage|bins?)\b")
KEYS = re.compile(r"\b(key ?cards?|room keys?|keys?|locked (?:myself |ourselves )?out)\b")
# Other guests disturbing the caller: the front desk's to handle
DISTURBANCE = re.compile(
    r"^(?=.*\b(?:loud|noise|noisy|shouting|yelling|screaming|music|party\w*|banging|stomping|smok(?:e|ing))\b)"
    r"(?=.*\b(?:next door|neighbou?rs?|upstairs|downstairs|next room|room next|adjoining|hallway|corridor|people|guests|kids|someone|somebody|they)\b)"
)
ORDER_IN = re.compile(r"\b(?:order|get|have|send)\b(?: \w+){0,2} room service\b|\broom service (?:order|please)\b")
DEPARTMENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("concierge", DISTURBANCE),
    ("concierge", KEYS),  # a key card that stopped working is the front desk's, not maintenance's
    ("housekeeping", LINEN),
    ("maintenance", PROBLEM),  # a problem first: "the hair dryer is broken" needs a repair, not another hair dryer
    ("room_service", FOOD),
    ("concierge", FRONT_DESK),
    ("amenity", AMENITY),
    ("housekeeping", HOUSEKEEPING),
)
URGENT = re.compile(
    r"\b(urgent\w*|(?:water|leak\w*|dripping) (?:\w+ ){0,3}(?:ceiling|everywhere|floor|walls?)|from the ceiling|emergency|right (?:away|now)|asap|immediately|as soon as possible|leak\w*|flood\w*|(?:toilet|bath(?: ?tub)?|tub|sink|shower|water)\b[^.]{0,30}\boverflow\w*|water everywhere"
    r"|no (?:hot )?water|cold water only|no power|no electricity|no heat(?:ing)?|sparks?|smoke|smoking socket|fire|gas|burning smell"
    r"|locked (?:myself |ourselves )?out)\b"
)
ITEMS = re.compile(
    r"\b(towels?|bath mat|pillows?|pillowcases?|blankets?|sheets|duvet|toilet paper|tissues|toiletries|shampoo|conditioner|soap|hangers?"
    r"|toothbrush(?:es)?|toothpaste|razor|comb|iron(?:ing board)?|hair ?dryer|adapter|adaptor|charger|crib|cot|extra bed|rollaway"
    r"|bathrobes?|robes?|slippers|umbrella|kettle|ice|water|wake ?up call|taxi|cab|light ?bulb)\b"
)
_FALSE_FOOD = re.compile(
    r"\b(?:coffee (?:pods|capsules|machine|maker)|tea bags|(?:more |some |bottles of |bottled )?water)\b"
)


def department_of(text: str) -> str | None:
    """The department for what a request is for: housekeeping, maintenance, room_service, concierge or amenity."""
    lowered = clean(text)
    for department, pattern in DEPARTMENTS:
        if (
            department == "room_service"
            and pattern.search(lowered)
            and not pattern.search(_FALSE_FOOD.sub(" ", lowered))
        ):
            continue  # "more coffee pods", "some water" restock the room
        if pattern.search(lowered):
            return department
    return None


DEPARTURE = re.compile(
    r"\bcheck(?:ing)? ?-?out\b.{0,20}\b(?:early|earlier|late|later|sooner)\b"
)  # a guest's, said with the room
STAY_HOURS = re.compile(r"\b(?:late|later|extended) check ?-?out\b|\bearly check ?-?in\b|\bcheck ?-?out late\b")
HOURS_ASKED = re.compile(
    r"\b(?:can|could|may) (?:i|we) (?:please )?(?:get|have|do|request|ask for|check)\b|\b(?:i|we)(?:'?d| would) like\b"
    r"|\b(?:i|we) (?:need|want|wanna)\b|\bplease\b|\bis it possible (?:to|for)\b"
)
TODAY_OR_ROOM = re.compile(
    r"\b(?:today|tomorrow|tonight|this (?:morning|afternoon)|(?:my|our|the) room|room \w+|our stay|my stay)\b|\b\d{3,4}\b"
)


def hours_request(text: str) -> bool:
    """A guest asking for a late check-out (or an early check-in) of the stay they are on: 'can I get a late checkout tomorrow'."""
    lowered = clean(text)
    return bool(
        (STAY_HOURS.search(lowered) or DEPARTURE.search(lowered) or re.search(r"\bcheck ?-?out late\b", lowered))
        and HOURS_ASKED.search(lowered)
        and TODAY_OR_ROOM.search(lowered)
    )


def in_house_only(text: str) -> bool:
    """A request only a guest in the hotel makes: a noise complaint, room service, something in the room not working."""
    lowered = clean(text)
    return bool(DISTURBANCE.search(lowered) or ORDER_IN.search(lowered) or FAULT.search(lowered))


def is_urgent(text: str) -> bool:
    """A leak, no hot water, no power, or a caller who says it cannot wait."""
    return bool(URGENT.search(clean(text)))


def items_of(text: str) -> list[str]:
    """The things named to be brought, in the order said."""
    return list(dict.fromkeys(m.group(1) for m in ITEMS.finditer(clean(text))))
