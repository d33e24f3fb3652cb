"""Guest names: "my name is John Smith", "it's under Smith", "this is Sarah Johnson"."""

from __future__ import annotations

import re

COMMON_WORDS = frozenset(
    """
a about above actually after again against ago ahead all almost alone along already also although always am
amazing an and another any anybody anyone anything anyway are area around as ask asking at available away
awesome back bad be because been before being below best better between big bit book booked booking both
bring busy but buy by call called calling can can't cancel cancelling cannot car change changing check
checking city close come coming confirm confirmed correct could couldn't day days definitely did didn't
different do does doesn't doing don't done double down during each early either else email enough even
evening every everything exactly excellent extra fantastic fine first for free friday from front fun going
gone good got great had happy hard has have having he hello help her here hey hi him his hold home hoping
hotel how however hungry i i'd i'll i'm i've if in info information interested into is isn't it it's its
just keen kind king know last late later leaving less let like little long look looking lot lovely made
make making many may maybe me mean might mind mine monday more morning most much must my myself name near
need needing new next nice night nights no nope not nothing now number of off oh ok okay on once one only
or other our out over perfect phone please pleased pretty probably queen quite rather ready really
reservation reserve right room rooms said same saturday say see she should single so some someone
something sorry speaking staying still stuck suite sunday super sure take taking talking tell than thank
thanks that that's the their them then there these they thing think this those through thursday time to
today tomorrow tonight too trying tuesday twin two under unfortunately until up us very visiting waiting
want wanted wanting was we wednesday week weekend well were what when where which who why will wish with
without wondering would wrong yeah yes yet you your yup calling regarding about here trying looking just
fine good great well glad here again back wanting needing hoping interested a an the traveling travelling
going coming arriving leaving staying the guest caller customer from with in at on for double deluxe
standard family suite room rooms king queen twin smoking non adult adults kid kids child children people
person guest guests party group me us them it this that these those not no yes sir madam mister
roomi dash underscore dot at hyphen email mail gmail yahoo hotmail outlook com net org number phone
hmm hm mm er erm ah uh-huh wait sorry
zero three four five six seven eight nine ten eleven twelve twenty thirty forty fifty sixty seventy eighty ninety
hundred thousand plus code permission granted
alright allright cool sounds lets let's go absolutely brilliant cheers deal fab fabulous wonderful marvellous
marvelous splendid neat sweet yea ya yah aye certainly course do it's
""".split()
)

_STRONG_CUE_RE = re.compile(
    r"\b(?:my (?:full |first |last |sur)?name(?: is|'s)|(?:the )?name(?: is|'s)|name on the (?:reservation|booking)"
    r" is|(?:last|sur|first) ?name(?: is|'s)|call me|under the name(?: of)?|booked under|reserved under"
    r"|reservation(?: is|'s)? under|booking(?: is|'s)? under|it'?s under|it is under|should be under"
    r"|(?:put|book|have|make|reserve) (?:it|that|the (?:room|booking|reservation)) under|(?:it'?ll|it will|that'?ll|that will) be under"
    r"|(?:reservation|booking|room) (?:is )?for(?=\s+(?:mr|mrs|ms|dr|prof)))\s+",
    re.I,
)
_WEAK_CUE_RE = re.compile(
    r"(?:^|[.,!?] |\b(?:hi|hello|hey|yes|yeah|ya|yea|yep|yup|sure|ok|okay|oh|um|uh|well|right|and|but),? )"
    r"(?:this is|i'm|i am|it's|it is|its)\s+",  # "its Priya Natarajan": speech-to-text drops the apostrophe
    re.I,
)
_BARE_CUE_RE = re.compile(r"(?<![\w'])(?:the )?name[:,]?\s+(?!is\b|'s\b)", re.I)  # "... name Raj Patel, 555 ..."
_ANSWER_PREFIX_RE = re.compile(
    r"^(?:(?:sure|yes|yeah|ya|yea|yep|ok|okay|it's|it is|its|that's|that is|the name is|name is|um|uh|well|oh|right)[,.]?\s+)+",
    re.I,
)
_SAID_AGAIN_RE = re.compile(r"([A-Za-z'\-]+)[,.]?\s+(?=\1\s+[A-Za-z])", re.I)
_SURNAME_AGAIN_RE = re.compile(r"([A-Za-z'\-]+)[,.]?\s+(?=[A-Za-z'\-]+\s+\1\b)", re.I)  # "Okonkwo, Chidi Okonkwo"
_ASKED_BACK_RE = re.compile(r"^[^?]{0,25}\?\s*(?:(?:oh|ah|right|ok|okay|sorry|yes|yeah)\W+)*", re.I)
_TITLE_RE = re.compile(
    r"^(?:(?:mr|mister)\.? (?:and|&) (?:mrs|ms)|mr|mrs|ms|miss|dr|doctor|mister|prof|professor)\.?\s+", re.I
)
_NAME_PART_RE = re.compile(r"[a-z]+")
_INITIAL_RE = re.compile(r"[A-Za-z]\.?")
_NAME_TOKEN_RE = re.compile(r"[a-z][a-z'\-]*$", re.I)


def _take_name(raw_tail: str) -> str | None:
    tail = _TITLE_RE.sub("", raw_tail.strip())
    said_again = _SAID_AGAIN_RE.match(tail) or _SURNAME_AGAIN_RE.match(tail)
    if said_again:
        tail = tail[said_again.end(1) :].lstrip(" ,.")  # "Dorothy, Dorothy Gale": the first name, then the whole name
    tokens = tail.split()
    picked: list[str] = []
    for i, tok in enumerate(tokens[:6]):
        word = tok.strip(',.!?;:"()')
        if not word or not _NAME_TOKEN_RE.match(word):
            break
        initial = (  # "J. Patel", "Mrs J Patel", "A. J. Moreau"
            _INITIAL_RE.fullmatch(tok) and i + 1 < len(tokens) and all(len(p) == 1 for p in picked)
        )
        if word.lower() in COMMON_WORDS and not (initial and (tok.endswith(".") or word.lower() not in ("a", "i"))):
            break
        picked.append(word.upper() if initial else word)
        if tok[-1:] in ",.!?;:" and not initial:
            break
    while picked and picked[-1].lower() in PARTICLES:
        picked.pop()
    if not picked or len([p for p in picked if p.lower() not in PARTICLES]) > 3:
        return None
    if len(picked[0]) < 2 and len(picked) < 2:
        return None
    return " ".join(p if p in PARTICLES and i < len(picked) - 1 else title_word(p) for i, p in enumerate(picked))


def title_word(word: str) -> str:
    if not (word.islower() or word.isupper()):
        return word[:1].upper() + word[1:]
    return _NAME_PART_RE.sub(lambda m: m.group(0).capitalize(), word.lower())


PARTICLES = frozenset("van von der den de del della di da du la le ter ten bin ibn al el dos das st".split())
LAST_NAME_CUE = re.compile(
    r"\b(?:last name|surname|family name)(?: is|'s)?[:,]?\s+((?:(?:van|von|der|den|de|del|la|le|di|da|du|st)\s+)*"
    r"[A-Za-z][A-Za-z'\-]+)",
    re.I,
)
_SPELL_UNIT = r"(?:double [a-z]|[a-z]|space|dash|hyphen|apostrophe)"
_SPELLED_RE = re.compile(rf"(?<![\w'])({_SPELL_UNIT}(?:[\s,.\-]+{_SPELL_UNIT}){{2,}})(?![\w'])", re.I)
_SPELL_SAID_RE = re.compile(
    r"\b(?:that'?s|that is|it'?s|it is)?\s*(?:[a-z]+(?: [a-z]+){0,2} )?\b(?:spelled|spelt|spelling)\b", re.I
)
_LETTER_NAMED_RE = re.compile(r"\b(?:an?|the letter|with|without)\s+$", re.I)
_FIRST_UNIT_RE = re.compile(r"[a-z],?\s+", re.I)
_SPELL_WORDS = {"space": " ", "dash": "-", "hyphen": "-", "apostrophe": "'"}


def spelled(raw: str) -> tuple[str | None, str]:
    """A name spelled letter by letter ('V A N, space, D E R' → 'van der'; 'P H I double L' → 'phill'), and the rest of the words."""
    found = [m for m in _SPELLED_RE.finditer(raw) if re.search(r"\b[a-z]\b", m.group(1), re.I)]
    if not found:
        return None, raw
    last = found[-1]
    if _LETTER_NAMED_RE.search(raw[: last.start()]) and (lead := _FIRST_UNIT_RE.match(last.group(1))):
        found[-1] = _SPELLED_RE.search(raw, last.start() + lead.end()) or last  # "John with an h, J O H N"
    letters = []
    for token in re.findall(r"double [a-z]|[a-z]+", found[-1].group(1), re.I):
        token = token.lower()
        letters.append(token[-1] * 2 if token.startswith("double ") else _SPELL_WORDS.get(token, token))
    word = re.sub(r"\s+", " ", "".join(letters)).strip(" -'")
    rest = raw
    for m in reversed(found):
        rest = rest[: m.start()] + " " + rest[m.end() :]
    rest = _SPELL_SAID_RE.sub(" ", rest)
    return (word or None), re.sub(r"\s+", " ", rest).strip(" ,.-")


def last_name_of(name: str) -> str:
    """The last name in a full name: 'Grace Hopper' → 'Hopper', 'Anneke van der Berg' → 'van der Berg', 'von Trapp' kept."""
    parts = name.split()
    if len(parts) < 2 or parts[0].lower() in PARTICLES:
        return name
    rest = parts[1:]
    return " ".join(rest)


def name_with_spelling(raw: str) -> str | None:
    """The name said with its spelling: the spelled letters decide the spelling of the words they match."""
    word, rest = spelled(raw)
    if word is None or word.replace(" ", "").replace("-", "").replace("'", "") in ("roomi", ""):
        return None
    said = find_name(rest, asked=True) if rest else None
    compact = word.replace(" ", "")
    if said:
        parts = said.split()
        for k in range(len(parts), 0, -1):
            if "".join(parts[-k:]).lower() == compact:
                return said
        if len(parts) == 1 or parts[0].lower() == compact:  # "Zoe Kravitz, z o e": the first name spelled
            return said if parts[0].lower() == compact else spelled_form(word)
        return f"{parts[0]} {spelled_form(word)}"
    return spelled_form(word)


def spelled_form(word: str) -> str:
    """Spelled letters as a name: 'o'brien' → "O'Brien", 'van der berg' → 'van der Berg'."""
    parts = word.split()
    return " ".join(p if i < len(parts) - 1 and p in PARTICLES else title_word(p) for i, p in enumerate(parts))


_NAME_END_RE = re.compile(
    r",|;|(?<!\bmr)(?<!\bmrs)(?<!\bms)(?<!\bdr)(?<!\b[a-z])[.?!:](?:\s|$)|\b(?:and|phone|email|e-mail|my|number|at)\b",
    re.I,
)


def find_name(raw: str, *, asked: bool = False) -> str | None:
    """Guest name from raw caller text (case kept when present), else None."""
    raw = raw.replace("\u2019", "'")
    m = _STRONG_CUE_RE.search(raw)
    if m:
        name = _take_name(raw[m.end() :])
        if name:
            return name
    m = _BARE_CUE_RE.search(raw)
    if m:
        tail = raw[m.end() :]
        name = _take_name(tail)
        if name and _looks_like_name(tail):
            return name
    for m in _WEAK_CUE_RE.finditer(raw):  # "it's for me and my wife, I'm Tom Price": the cue that leads to a name
        tail = raw[m.end() :]
        name = _take_name(tail)
        if name and (asked or _looks_like_name(tail)):
            return name
    if asked:
        raw = _ASKED_BACK_RE.sub("", raw.strip())  # "sorry who? oh, Marco Bianchi": the name after the question
        stripped = _TITLE_RE.sub("", _ANSWER_PREFIX_RE.sub("", raw.strip()))  # "Dr. Ada Lovelace", "Mrs Hopper"
        said_again = _SAID_AGAIN_RE.match(stripped) or _SURNAME_AGAIN_RE.match(stripped)
        if said_again:
            stripped = stripped[said_again.end(1) :].lstrip(" ,.")
        stripped = _NAME_END_RE.split(stripped, maxsplit=1)[0].strip()
        words = [w.strip(",.!?") for w in stripped.split() if w.lower() not in PARTICLES]
        if 1 <= len(words) <= 3:
            name = _take_name(stripped)
            if name and len([w for w in name.split() if w.lower() not in PARTICLES]) == len(words):
                return name
    return None


def _looks_like_name(tail: str) -> bool:
    words = [w.strip(",.!?") for w in tail.split()[:2]]
    if not words or not words[0]:
        return False
    if words[0][:1].isupper():
        return True
    return len(words) >= 2 and all(w and w.lower() not in COMMON_WORDS and w.isalpha() for w in words)
