"""Text primitives shared by trustguard's detectors: tokens, stems, sentences, entities, numbers.

Everything keeps character offsets into the original string, because every finding must
point back at its exact span in ``output_text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("english")

# Function words and question scaffolding: they carry no checkable content.
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are aren as at be because been
    before being below between both but by can cannot could couldn did didn do does doesn doing
    don down during each either else ever few for from further had hadn has hasn have haven
    having he her here hers herself him himself his how however i if in into is isn it its
    itself just let ll me more most much must my myself neither nor not now of off on once one
    only or other ought our ours ourselves out over own per rather re s same shall she should
    shouldn so some such t than that the their theirs them themselves then there these they
    this those through thus to too under until up upon us ve very was wasn we were weren what
    whatever when where whether which while who whom whose why will with within without won
    would wouldn yes no yet you your yours yourself yourselves
    also actually really well known called named instead overall therefore hence meanwhile
    whereas although though since already still even many several various certain another
    sure ok okay here go please thanks thank hi hello
    """.split()
)

# Linking words an answer wraps around its facts ("is located in", "is known as"): a source
# rarely repeats them, and their absence from it says nothing about the facts.
GENERIC_WORDS = frozenset(
    """
    located situated based known called named titled termed referred considered regarded
    described seen viewed held given made used serve serves served serving become becomes became
    remain remains remained include includes included including consist consists consisted
    contain contains contained part member type kind form example answer correct question result
    currently originally primarily mainly mostly generally usually typically often simply
    specifically particularly especially basically exactly approximately roughly nearly
    around located place placed find found famous notable popular well best main major
    definitely certainly undoubtedly unquestionably absolutely clearly obviously surely indeed
    probably possibly perhaps likely apparently reportedly allegedly presumably arguably
    """.split()
)
# (The last two lines are how sure the output sounds, which markers.py reports; a source
# never needs to say "definitely" for the fact to be in it.)

# Capitalised only because they open a sentence: never treated as names.
SENTENCE_OPENERS = frozenset(
    """
    according additionally after although answer based before besides both consequently
    despite during finally first firstly following furthermore given however in indeed instead
    it its lastly later likewise meanwhile moreover nevertheless no nonetheless note notably
    overall perhaps regarding second secondly similarly since so still that the then there
    therefore these this those thus today unfortunately unlike while yes yet sure certainly
    definitely clearly obviously absolutely undoubtedly maybe probably possibly
    """.split()
)

_NON_CONTENT = STOPWORDS | GENERIC_WORDS

# Lower-case words allowed inside a multi-word name ("Bank of America", "Ludwig van Beethoven").
_NAME_CONNECTORS = frozenset({"of", "the", "de", "da", "van", "von", "der", "del", "la", "le", "du", "and", "&"})

_SHORT_ANSWER_WORDS = 4  # up to this many words, a sentence is read as a noun-phrase answer
_WORD_RE = re.compile(r"[^\W_]+(?:['\u2019.\-][^\W_]+)*", re.UNICODE)
_NUMBER_RE = re.compile(r"(?<![\w.])[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.])[-+]?\d+(?:\.\d+)?")
_SENTENCE_END_RE = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s+|$)|\n\s*\n|\n(?=\s*[-*\u2022\d])")
# A full stop after these is not a sentence end.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st vs etc e.g i.e al fig no vol pp ed eds inc ltd co corp u.s u.k jan feb "
    "mar apr jun jul aug sep sept oct nov dec approx ca cf".split()
)

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "once": 1, "twice": 2, "single": 1, "double": 2, "triple": 3,
    "dozen": 12,
}


@dataclass(frozen=True, slots=True)
class Token:
    """A word with its offsets, lower-cased form and stem."""

    text: str
    start: int
    end: int
    lower: str
    stem: str

    @property
    def is_content(self) -> bool:
        # A figure is a number, not a word, also with its scale written on ("120k", "1.5m").
        return self.lower not in _NON_CONTENT and not self.lower.isdigit() and not _SCALED_FIGURE_RE.fullmatch(self.lower)

    @property
    def is_capitalised(self) -> bool:
        return self.text[:1].isupper()


_SCALED_FIGURE_RE = re.compile(r"\d[\d.,]*(?:k|m|mn|b|bn)")
NEGATORS = frozenset({"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "cannot", "without"})


def is_negator(token: Token) -> bool:
    return token.lower in NEGATORS or token.lower.endswith("n't")


def negated(text: str) -> bool:
    """An odd number of negators ("is not safe"; "is not not safe" is not negated).

    Capitalised negators inside a sentence belong to names ("Rebel Without a Cause", "No
    Fences"), and an opening "No," answers a question without negating what follows.
    """
    count = 0
    for t in _tokens(text):
        if not is_negator(t):
            continue
        if t.text[:1].isupper() and not _starts_sentence(text, t.start):
            continue
        if t.lower == "no" and text[t.end : t.end + 1] == ",":
            continue
        count += 1
    return count % 2 == 1


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of text located by offsets (a sentence, a clause, a name)."""

    text: str
    start: int
    end: int


# Units written out in one text and abbreviated in another ("1,083 feet" / "1,083 ft") are the
# same word. "m" is left alone: it is as often "million" ("$5m") as "metres".
_UNIT_ALIASES = {
    "ft": "foot", "feet": "foot", "meter": "metre", "meters": "metre", "metres": "metre", "km": "kilometre",
    "kilometer": "kilometre", "kilometers": "kilometre", "kilometres": "kilometre", "cm": "centimetre",
    "centimeters": "centimetre", "centimetres": "centimetre", "mm": "millimetre", "millimeters": "millimetre",
    "millimetres": "millimetre", "mi": "mile", "miles": "mile", "kg": "kilogram", "kgs": "kilogram",
    "kilograms": "kilogram", "lb": "pound", "lbs": "pound", "yd": "yard", "yds": "yard", "yards": "yard",
    "sq": "square", "pct": "percent",
}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stem of a lower-cased word, units unabbreviated (cached: a process's vocabulary is small)."""
    return _STEMMER.stemWord(_UNIT_ALIASES.get(word, word))


def normalise_word(word: str) -> str:
    lower = word.lower().replace("\u2019", "'")
    if lower.endswith("'s"):
        lower = lower[:-2]
    return lower.strip("'.-")


def tokens(text: str, offset: int = 0) -> list[Token]:
    """Word tokens of ``text``; offsets are shifted by ``offset`` (the text's place in its parent)."""
    found = _tokens(text)
    if not offset:
        return list(found)
    return [Token(t.text, t.start + offset, t.end + offset, t.lower, t.stem) for t in found]


@lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[Token, ...]:
    # Cached: a claim is tokenized by several detectors, and reference passages recur.
    out: list[Token] = []
    for match in _WORD_RE.finditer(text):
        # One string per word, shared by its parts: a fresh copy per part was quadratic
        # in one long dotted or hyphenated word ("a.a.a..." of 40 KB took 5 s).
        word, start, end = match.group(), match.start(), match.end()
        lower = normalise_word(word)
        if not lower:
            continue
        # "16-year-old" and "U.S." style words: index the parts.
        parts = re.split(r"[-.]", lower) if ("-" in lower or "." in lower) and not _is_number(lower) else [lower]
        for part in parts:
            if part:
                out.append(Token(word, start, end, part, stem(part)))
    return tuple(out)


def content_stems(text: str) -> set[str]:
    return {t.stem for t in tokens(text) if t.is_content}


def _is_number(word: str) -> bool:
    return bool(re.fullmatch(r"[-+]?\d+(?:[.,]\d+)*", word))


_CAPITALISED_RE = re.compile(r"(?<![\w'\u2019.\-])[A-Z][^\W_]*(?:['\u2019.\-][^\W_]+)*")
_HAS_DIGIT_RE = re.compile(r"\d")
# Too often not a quantity in a claim ("one of the", "first released", "a second album").
_WEAK_NUMBER_WORDS = frozenset({"one", "once", "single", "first", "second"})


def numbers(text: str, offset: int = 0) -> list[tuple[str, Span]]:
    """Numbers in ``text`` as (normalised value, span): digits and number words."""
    return [
        (value, Span(span.text, span.start + offset, span.end + offset))
        for value, span, weak in _numbers(text)
        if not weak
    ]


def number_values(text: str) -> set[str]:
    """Every number value mentioned in ``text``, including "one"/"second" (kept out of claims only).

    A scaled figure also counts as written ("\u00a350m" holds 50000000 and 50): a claim that
    reads the scale differently ("\u00a3 50 m" typed apart) is not a new figure.
    """
    out = set()
    for value, span, _weak in _numbers(text):
        out.add(value)
        raw = _NUMBER_RE.match(span.text)
        if raw is not None and raw.end() < len(span.text):
            plain = raw.group().replace(",", "").lstrip("+")
            out.add(plain.rstrip("0").rstrip(".") if "." in plain else plain)
    return out


# "$1.5 million", "1.5M", "120k" and "$1,500,000" are one figure. A word scale may follow a
# space; a letter scale is written against the number ("5 m" is five metres), and "m"/"b"
# alone only after a currency sign ("$5m").
_SCALE_RE = re.compile(r"\s?(?P<word>thousand|million|billion|trillion)\b|(?P<space>\s?)(?P<letter>k|K|M|bn|Bn|BN|mn|B|m|b)(?![A-Za-z])")
_SCALES = {"thousand": 3, "k": 3, "million": 6, "m": 6, "mn": 6, "billion": 9, "b": 9, "bn": 9, "trillion": 12}
_CURRENCY_BEFORE_RE = re.compile(r"[$\u20ac\u00a3\u00a5]\s?$")


def _scaled(text: str, match: re.Match[str], value: str) -> tuple[str, int]:
    """``value`` times the scale written after it, and where the figure ends."""
    scale = _SCALE_RE.match(text, match.end())
    if scale is None:
        return value, match.end()
    word = (scale.group("word") or scale.group("letter")).lower()
    letter = scale.group("letter")
    money = bool(_CURRENCY_BEFORE_RE.search(text, 0, match.start()))
    # "5 m" is five metres and "5m" may be too; after a currency sign both are millions ("\u00a3 50 m").
    if letter and (scale.group("space") or letter in ("m", "b")) and not money:
        return value, match.end()
    scaled = (Decimal(value) * (Decimal(10) ** _SCALES[word])).normalize()
    return f"{scaled:f}".rstrip("0").rstrip(".") if "." in f"{scaled:f}" else f"{scaled:f}", scale.end()


@lru_cache(maxsize=4096)
def _numbers(text: str) -> tuple[tuple[str, Span, bool], ...]:
    out: list[tuple[str, Span, bool]] = []
    if _HAS_DIGIT_RE.search(text):
        for match in _NUMBER_RE.finditer(text):
            value = match.group().replace(",", "").lstrip("+")
            if "." in value:
                value = value.rstrip("0").rstrip(".")
            value, end = _scaled(text, match, value)
            out.append((value, Span(text[match.start():end], match.start(), end), False))
    digit_ends = {span.end for _value, span, _weak in out}
    for token in _tokens(text):
        value_int = NUMBER_WORDS.get(token.lower)
        if value_int is not None and token.end not in digit_ends:  # "million" of "1.5 million" is counted there
            span = Span(token.text, token.start, token.end)
            out.append((str(value_int), span, token.lower in _WEAK_NUMBER_WORDS))
    return tuple(out)


def names(text: str, offset: int = 0, *, known: frozenset[str] = frozenset()) -> list[Span]:
    """Capitalised names (runs of capitalised words), skipping words capitalised only by position.

    A lone capitalised word opening a sentence ("See", "Mumbai") is a name only when the
    sentence is a short noun phrase (an answer like "Mumbai."), or when ``known`` (lower-cased
    words seen capitalised mid-sentence elsewhere) says so: there is no lexicon to tell
    "See" from "Mumbai" otherwise.
    """
    toks = list(_WORD_RE.finditer(text))
    out: list[Span] = []
    i = 0
    while i < len(toks):
        word = toks[i].group()
        if not word[:1].isupper() or normalise_word(word) in _NAME_CONNECTORS:
            i += 1
            continue
        j = i
        # Extend over capitalised words and inner connectors followed by a capitalised word.
        while j + 1 < len(toks):
            nxt = toks[j + 1].group()
            gap = text[toks[j].end() : toks[j + 1].start()]
            if gap.strip() not in ("", "&"):
                break
            if nxt[:1].isupper():
                j += 1
            elif (
                normalise_word(nxt) in _NAME_CONNECTORS
                and j + 2 < len(toks)
                and toks[j + 2].group()[:1].isupper()
                and not text[toks[j + 1].end() : toks[j + 2].start()].strip()
            ):
                j += 2
            else:
                break
        first = normalise_word(word)
        at_sentence_start = _starts_sentence(text, toks[i].start())
        single = j == i
        skip = (first in SENTENCE_OPENERS or first in STOPWORDS) and (single or at_sentence_start)
        if single and at_sentence_start and not skip:
            skip = len(toks) > _SHORT_ANSWER_WORDS and first not in known
        if skip and not single:
            # "The Varga Line": drop the opener, keep the rest of the name.
            i += 1
            continue
        if not skip:
            out.append(Span(text[toks[i].start() : toks[j].end()], toks[i].start() + offset, toks[j].end() + offset))
        i = j + 1
    return out


def capitalised_words(text: str) -> frozenset[str]:
    """Lower-cased words written capitalised somewhere other than a sentence start."""
    return frozenset(
        normalise_word(m.group()) for m in _CAPITALISED_RE.finditer(text) if not _starts_sentence(text, m.start())
    )


def _starts_sentence(text: str, index: int) -> bool:
    # A short look-back keeps this O(1): the scans call it for every capitalised word.
    before = text[max(0, index - 12) : index].rstrip(" \t\"'\u201c(")
    return not before or before[-1] in ".!?:\n"


def sentences(text: str, offset: int = 0) -> list[Span]:
    """Sentences of ``text`` with offsets; abbreviations and decimals do not end a sentence.

    Reference passages are often concatenated without a space ("...century.First for
    Women is..."), so a full stop glued to a capitalised word also ends a sentence.
    """
    bounds: list[int] = []
    for match in _SENTENCE_END_RE.finditer(text):
        end = match.end()
        word = re.search(r"([\w.]+)[.!?]+\S*$", text[max(0, match.start() - 12) : match.end()])
        if word and match.group().startswith(".") and word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
            continue
        if word and re.fullmatch(r"[A-Z]", word.group(1)):  # an initial: "John F. Kennedy"
            continue
        bounds.append(end)
    for match in re.finditer(r"[a-z\d)\]][.!?](?=[A-Z][a-z])", text):
        bounds.append(match.end())
    out: list[Span] = []
    start = 0
    for end in [*sorted(set(bounds)), len(text)]:
        if end <= start:
            continue
        out.extend(_strip_span(text, start, end, offset))
        start = end
    return out


def _strip_span(text: str, start: int, end: int, offset: int) -> list[Span]:
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    trail = len(chunk.rstrip())
    if trail <= lead:
        return []
    return [Span(chunk[lead:trail], start + lead + offset, start + trail + offset)]
