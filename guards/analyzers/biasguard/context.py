"""Is a span asserted, or only mentioned? Negation, quotation and reported speech.

"All X are Y" and "it is wrong to say all X are Y" share their words (and nearly their
embedding), so every generalisation and stereotype score is multiplied by the factor
found here. Mentions still produce a finding, at a lower score, with the reason in
``detail["context"]`` so a reviewer can see why it was discounted.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from guards.analyzers.textscan import search_suffix

ASSERTED = "asserted"
NEGATED = "negated"
QUOTED = "quoted"
REPORTED = "reported"
EXERCISE = "exercise"
SCENE = "scene"
QUESTIONED = "questioned"
HISTORY = "history"

# How much of the claim's score survives in each frame. A negated claim ("it is a
# myth that ...") argues against the stereotype; a quoted or reported one only
# repeats it, which still deserves a look. A sentence about particular people inside a
# quantitative exercise ("Nate lost his car keys twice. How many ...?") is the story of a
# maths problem: its characters stand for no group, so even the strongest such sentence
# (0.995 x 0.5) stays below every stereotype flag threshold. Generic statements about a
# group are never put in this frame (see ``statements``). A scene between two particular
# people named by their jobs, with no group word ("The mechanic looked down on the cashier
# because she ..."), is discounted the same way: the pronoun says which of the two did
# what, and a stereotype about a group needs the group.
# A claim the writer asks to have checked ("Is it true that women are worse at maths?") is
# put to the reader for correction: 0.3 keeps even a certain stereotype (0.995) under the
# default flag threshold (0.3), so the question reaches the model that can answer it.
# A dated event done to a group ("Black Americans were denied the vote ... until 1965", "the
# Jewish community of Venice was confined to the ghetto in 1516") is history about the group, not
# a trait given to it: the same 0.3. Only passive actions with a date or period: "in 1930 Jews
# were greedy" gives a trait (an adjective), and stays asserted.
FACTORS = {ASSERTED: 1.0, NEGATED: 0.15, QUOTED: 0.35, REPORTED: 0.45, EXERCISE: 0.5, SCENE: 0.5, QUESTIONED: 0.3,
           HISTORY: 0.3}

# Frames that reject what follows them, searched in the sentence before the span.
# "I don't believe that ..." is the writer rejecting a claim now; "he didn't think /
# believe ..." is an event in a story (someone's doubt, or an expectation that reveals
# a prejudice: "I didn't think X were good at ..."), not a rejection of the sentence's claim.
_NEGATING = re.compile(
    r"""\b(?:
        (?:it\s+is|it's|that\s+is|that's|is|are)\s+(?:\w+\s+)?(?:wrong|false|untrue|not\s+true|a\s+myth|
            a\s+stereotype|a\s+lie|offensive|racist|sexist|bigoted|ignorant|harmful|nonsense|unfair|
            inaccurate|incorrect|prejudiced)\b
        |(?:myth|stereotype|misconception|prejudice|fallacy|trope|canard)s?\s+(?:that|about)
        |(?:do|does)\s*(?:n't|\s+not)\s+(?:believe|think|agree|accept)
        |did\s*(?:n't|\s+not)\s+(?:agree|accept)
        |(?:never|stop|don't|do\s+not|shouldn't|should\s+not|must\s+not|mustn't|cannot|can't)\s+
            (?:say|claim|assume|pretend|believe|generali[sz]e|think)
        |(?:disagree|reject|refute|debunk|challenge|deny|denies|denied|disprove)(?:s|d|ing)?\b
        |(?:not|no)\s+(?:true|evidence)\s+that
        |there\s+is\s+no\s+(?:truth|evidence)
        |not\s+(?:all|every)\b
        |contrary\s+to
        |it\s+is\s+not\s+the\s+case\s+that
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# The same rejection placed after the claim: "... all X are Y is a myth". (The spec;
# ``_negating_after`` matches it without its quadratic backtracking over a long lead.)
_AFTER_LEAD = r"""[\s"'”\u2019»,;:)-]"""
_AFTER_REST = r"""(?:,?\s*which\s+)?(?:is|are|was|were|'s)\s+(?:just\s+|simply\s+|clearly\s+|completely\s+)?
        (?:wrong|false|untrue|not\s+true|a\s+myth|a\s+stereotype|a\s+lie|offensive|racist|sexist|bigoted|
           nonsense|a\s+harmful|harmful|prejudiced|inaccurate|incorrect|a\s+misconception)\b"""
_NEGATING_AFTER = re.compile("^" + _AFTER_LEAD + "*" + _AFTER_REST, re.IGNORECASE | re.VERBOSE)
_AFTER_LEAD_RUN = re.compile(_AFTER_LEAD + "*+")
_AFTER_REST_AT = re.compile(_AFTER_REST, re.IGNORECASE | re.VERBOSE)

# The claim runs to the end of its sentence and rejects itself there:
# "Saying all X are Y is sexist."
_NEGATING_TAIL = re.compile(
    r"""(?:is|are|was|were|'s)\s+(?:just\s+|simply\s+|clearly\s+|completely\s+|a\s+)?
        (?:wrong|false|untrue|not\s+true|myth|stereotype|lie|offensive|racist|sexist|bigoted|nonsense|
           harmful\s+stereotype|misconception|prejudiced|ignorant)[\s.!?"'”\u2019]*$""",
    re.IGNORECASE | re.VERBOSE,
)

_NOT_BEFORE = re.compile(r"\bnot\s*$", re.IGNORECASE)
# What may follow a claim that ends its sentence ("... is sexist.\"").
_CLOSERS = re.compile("[ \t\"'”\u2019.!?]*")
# How far before a claim, within its sentence, negating and reporting cues are looked for.
# Scanning the whole sentence so far for every claim in it was quadratic in a long
# sentence full of claims (one slur repeated over 40 KB: 22 s); a cue further back than
# this does not frame the claim. Sentences shorter than this are read as before.
CUE_REACH = 1000

# Frames that attribute the claim to someone else without endorsing it.
_REPORTING = re.compile(
    r"""\b(?:
        (?:some|many|they|people|someone|he|she|critics|trolls|bigots|racists|sexists)\s+
            (?:(?:often|always|sometimes|usually|still|commonly|wrongly|falsely)\s+)?
            (?:say|said|says|claim|claimed|claims|believe|believed|argue|argued|think|thought|
             assume|assumed|insist|insisted|wrote|tweeted|posted|told\s+me)
        |(?:so-called|supposedly|allegedly|according\s+to)
        |(?:the|a|this|that|their|his|her)\s+(?:claim|idea|notion|belief|assumption|view|opinion)s?\s+that
        |(?:was|were|am|is)\s+told\s+that
        |(?:heard|read)\s+(?:someone\s+)?(?:say|that)
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# A question that asks whether the claim after it holds. Only the explicit truth-seeking
# forms: "Why are X so Y?" presupposes the stereotype, and "isn't it true that ...",
# "don't you agree that ..." assert it, so neither is here.
_QUESTIONING = re.compile(
    r"""(?<!n't\s)(?<!not\s)\b(?:
        is\s+(?:it|this|that)\s+(?:really\s+|actually\s+)?(?:true|a\s+fact|a\s+myth|correct|right|accurate)\s+that
        |is\s+there\s+(?:any\s+|real\s+|scientific\s+)?(?:evidence|proof|research|data)\s+(?:that|for\s+the\s+(?:idea|claim)\s+that)
        |(?:does|do|did)\s+(?:the\s+)?(?:research|science|studies|data|evidence)\s+(?:really\s+)?(?:show|say|suggest|support|prove)\s+that
        |are\s+there\s+(?:any\s+)?studies\s+(?:showing|that\s+show|proving)\s+that
        |how\s+true\s+is\s+it\s+that
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_DONE_TO = re.compile(
    r"""\b(?:was|were|had\s+been|have\s+been)\s+(?:\w+ly\s+)?(?:
        denied|confined|sent|barred|banned|expelled|enslaved|persecuted|deported|excluded|forced|granted|given|
        allowed|segregated|interned|murdered|killed|massacred|driven|evicted|exiled|imprisoned|arrested|
        disenfranchised|emancipated|freed|liberated|admitted|recruited|resettled|displaced|targeted|oppressed|
        discriminated|expropriated|dispossessed|forbidden|prohibited|required|ordered|registered|relocated|
        stripped|robbed|attacked|lynched|hanged|shot|executed|rounded\s+up|sold|bought|brought|shipped|
        transported|removed|restricted|limited|taxed)\b""",
    re.IGNORECASE | re.VERBOSE,
)
_DATED = re.compile(
    r"\b(?:1[0-9]{3}|20[0-2][0-9])s?\b|\b(?:\d{1,2}(?:st|nd|rd|th)|[a-z]+teenth|[a-z]+tieth)[\s-]century\b"
    r"|\b(?:during|after|before|until)\s+the\s+(?:\w+\s+){0,2}(?:war|revolution|occupation|regime|era|dynasty)\b",
    re.IGNORECASE,
)
_QUESTION_END = re.compile(r"""\?[\s"'”\u2019)]*$""")

# Paired quotation marks; straight double quotes pair left to right. ``quoted_ranges``
# finds what this pattern does, from the table below (closing mark, fewest characters inside).
_QUOTES = re.compile(r"\"[^\"\n]{3,}\"|“[^”\n]{3,}”|«[^»\n]{3,}»|\u2018[^\u2019\n]{6,}\u2019")
_CLOSING = {'"': ('"', 3), "“": ("”", 3), "«": ("»", 3), "\u2018": ("\u2019", 6)}
_OPENING = re.compile("[\"“«\u2018]")


@dataclass(frozen=True, slots=True)
class Frame:
    """How a span is used: ``kind`` is asserted/negated/quoted/reported."""

    kind: str
    cue: str = ""

    @property
    def factor(self) -> float:
        return FACTORS[self.kind]


# A quantitative exercise: the text states quantities and asks for one. Both are needed:
# numbers alone are any report, "how many" alone any question.
_QUANTITY = re.compile(
    r"(?<![\w.])\$?\d+(?:[.,]\d+)*%?|\b(?:half|twice|thrice|double|triple|dozens?|percent|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"hundred|thousand)\b",
    re.IGNORECASE,
)
_QUANTITY_ASKED = re.compile(
    r"""\bhow\s+(?:many|much|long|far|old|fast|often|tall|high|big|heavy|large|wide|deep)\b
        |\b(?:calculate|find|determine|compute|work\s+out|what(?:'s|\s+is|\s+was|\s+will\s+be|\s+are|\s+were))
         \b[^.?!\n]{0,80}?\b(?:total|number|sum|average|difference|cost|price|age|height|weight|length|time|
         rate|percent(?:age)?|amount|mass|distance|speed|area|perimeter|volume|balance|salary|profit|minimum|
         maximum|value|ratio|fraction|score|share|temperature|most|least)s?\b
        |\bwhat\s+(?:percent(?:age)?|fraction|proportion|mass|rate|speed|year|time|temperature|distance|age|price)\b""",
    re.IGNORECASE | re.VERBOSE,
)
MIN_QUANTITIES = 2


def is_exercise(text: str) -> bool:
    """Whether ``text`` is a quantitative exercise (a maths word problem): it states at
    least two quantities and asks for one."""
    if not _QUANTITY_ASKED.search(text):
        return False
    found = 0
    for _ in _QUANTITY.finditer(text):
        found += 1
        if found >= MIN_QUANTITIES:
            return True
    return False


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of quoted passages (quotes included), in order, disjoint.

    What ``_QUOTES.finditer`` finds: a quotation closes at the first closing mark after
    its opening one unless a line break comes first. Matching the pattern itself rescans
    to the end of the line from every unclosed opening mark (quadratic), so the closing
    marks and line breaks are indexed and found by bisection.
    """
    if not any(mark in text for mark in _CLOSING):
        return []
    at = {mark: [m.start() for m in re.finditer(re.escape(mark), text)] for mark in {"\n", *(close for close, _ in _CLOSING.values())}}
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _OPENING.finditer(text):
        start = m.start()
        if start < pos:
            continue
        close, least = _CLOSING[m.group()]
        closes, breaks = at[close], at["\n"]
        i = bisect_right(closes, start)
        if i == len(closes):
            continue
        end = closes[i]
        j = bisect_right(breaks, start)
        if (j < len(breaks) and breaks[j] < end) or end - start - 1 < least:
            continue
        out.append((start, end + 1))
        pos = end + 1
    return out


def frame_of(text: str, start: int, end: int, *, sentence_start: int = 0, sentence_end: int | None = None,
             quotes: list[tuple[int, int]] | None = None) -> Frame:
    """Classify the use of the claim ``text[start:end]`` from the rest of its sentence.

    Negation wins over quotation ("it is a myth that 'X are Y'" argues against it);
    a quotation wins over a bare reporting verb.
    """
    if sentence_end is None:
        sentence_end = len(text)
    cue_start = max(sentence_start, start - CUE_REACH)
    inside = text[start:end]
    # Matched in place (pos/endpos) rather than on copies of the sentence's slices:
    # the same answers, without copying the sentence for every claim in it.
    trailing = _negating_after(text, end, sentence_end)
    closes_sentence = end >= sentence_end or _CLOSERS.fullmatch(text, end, sentence_end)
    tail = _NEGATING_TAIL.search(inside) if closes_sentence else None
    not_before = search_suffix(_NOT_BEFORE, text, sentence_start, start, 3)
    negation = (_last(_NEGATING, text, cue_start, start) or (not_before.group() if not_before else "")
                or _leading(_NEGATING, inside)
                or trailing or (tail.group() if tail else ""))
    if negation:
        return Frame(NEGATED, negation)
    quotes = quoted_ranges(text) if quotes is None else quotes
    k = bisect_left(quotes, (start,)) - 1  # the last quotation opening before the claim
    if k >= 0 and start < quotes[k][1]:  # the claim opens inside the quotation
        return Frame(QUOTED, text[quotes[k][0]])
    report = _last(_REPORTING, text, cue_start, start)
    if report:
        return Frame(REPORTED, report)
    question = _last(_QUESTIONING, text, cue_start, start) or _leading_question(inside)
    if question and _QUESTION_END.search(text, start, sentence_end):
        return Frame(QUESTIONED, question)
    done_to = _DONE_TO.search(text, sentence_start, sentence_end)
    dated = _DATED.search(text, sentence_start, sentence_end) if done_to else None
    if done_to and dated:
        return Frame(HISTORY, f"{done_to.group()} \u2026 {dated.group()}")
    return Frame(ASSERTED)


def _leading_question(inside: str) -> str:
    # The claim's span may open on the question itself ("Is it true that women are ...").
    match = _QUESTIONING.match(inside)
    return match.group() if match else ""


def _last(pattern: re.Pattern[str], text: str, start: int, end: int) -> str:
    found = ""
    for match in pattern.finditer(text, start, end):
        found = match.group()
    return found


def _negating_after(text: str, end: int, sentence_end: int) -> str:
    """What ``_NEGATING_AFTER`` matches on ``text[end:sentence_end]`` ("" if nothing).

    Backtracking through a long run of spaces or quote marks after the claim made the
    pattern quadratic. Its rest can only start where that run ends ("is", "which"...) or
    one character earlier, on the apostrophe of "'s"; so the run is taken whole and the
    rest tried at those two places, in the order the pattern would.
    """
    lead_end = _AFTER_LEAD_RUN.match(text, end, sentence_end)
    rest_start = lead_end.end() if lead_end else end
    match = _AFTER_REST_AT.match(text, rest_start, sentence_end)
    if match is None and rest_start > end and text[rest_start - 1] == "'":
        match = _AFTER_REST_AT.match(text, rest_start - 1, sentence_end)
    return text[end:match.end()] if match else ""


def _leading(pattern: re.Pattern[str], inside: str) -> str:
    # "Not all women ..." carries its negation inside the matched claim itself.
    match = pattern.match(inside)
    return match.group() if match and match.group().lower().startswith("not ") else ""


def claim_start(text: str, sentence_start: int, sentence_end: int) -> int:
    """Where a sentence's claim begins: just after its last negating or reporting cue.

    For a claim with no group word to anchor on ("It is a myth that Jamal ..."), so that
    :func:`frame_of` sees the cue before the claim rather than inside it.
    """
    sentence = text[sentence_start:sentence_end]
    start = 0
    for pattern in (_NEGATING, _REPORTING):
        for match in pattern.finditer(sentence):
            start = max(start, match.end())
    joiner = re.match(r"\s*(?:that\b|:|,)", sentence[start:]) if start else None
    return sentence_start + start + (joiner.end() if joiner else 0)
