"""Wording that says how sure the output claims to be, and whether it declines to answer.

- overconfidence: absolute certainty ("definitely", "without a doubt", "it is a proven
  fact") — harmless on a grounded claim, a warning sign on an unsupported one;
- hedging: expressed uncertainty ("might", "I think", "it is unclear");
- refusal: the model declines ("I can't help with that", "As an AI language model...").

Negation and quotation change the meaning: "not definitely" and "I am not sure" hedge,
"there is no doubt" is overconfident, "I can't stress enough" is no refusal, and a marker
inside quotes is mentioned, not used.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from guards.analyzers.textscan import search_suffix
from guards.analyzers.trustguard.text import is_negator, tokens

_OVERCONFIDENT = (
    r"definitely", r"certainly", r"undoubtedly", r"unquestionably", r"indisputabl[ey]", r"undeniabl[ey]",
    r"absolutely", r"without (?:a|any) doubt", r"beyond (?:any|all|a) doubt", r"100\s?%", r"guaranteed?",
    r"always", r"never fails", r"(?:it is|it's) (?:a )?(?:proven|known|established) fact",
    r"(?:it is|it's) (?:a )?fact that", r"everyone knows", r"everybody knows", r"no one (?:can|could) deny",
    r"(?:i am|i'm) (?:completely |absolutely |totally |100% )?(?:certain|sure|positive|confident)",
    r"(?:there is|there's) no (?:doubt|question)", r"clearly", r"obviously", r"of course", r"proves? that",
    r"(?:it is|it's) (?:impossible|certain) that",
)
_HEDGES = (
    r"might", r"may", r"could be", r"perhaps", r"possibly", r"probably", r"likely", r"unlikely",
    r"i think", r"i believe", r"i guess", r"i suppose", r"(?:it )?seems?", r"appears? to", r"apparently",
    r"as far as i know", r"to (?:the best of )?my knowledge", r"(?:it is|it's) (?:unclear|uncertain|not clear)",
    r"not (?:entirely |completely |100% )?(?:sure|certain)", r"i'm not sure", r"i am not sure",
    r"roughly", r"approximately", r"around", r"about", r"somewhat", r"arguably", r"reportedly",
    r"if i recall correctly", r"i'm unsure", r"i am unsure", r"allegedly", r"presumably",
)
# "about"/"around" hedge only before a number ("about 300 people"), not as prepositions.
_NUMBER_ONLY_HEDGES = frozenset({"roughly", "approximately", "around", "about"})
# Certainty that negation turns into a hedge ("not certain"); other negated ones ("not always") are dropped.
_NEGATION_HEDGES = frozenset({"definitely", "certainly", "absolutely", "guaranteed", "guarantee", "certain", "sure"})

_OVERCONFIDENT_RE = re.compile(r"(?<![\w'])(?:" + "|".join(_OVERCONFIDENT) + r")(?![\w])", re.IGNORECASE)
_HEDGE_RE = re.compile(r"(?<![\w'])(?:" + "|".join(_HEDGES) + r")(?![\w])", re.IGNORECASE)
_REFUSAL_RE = re.compile(
    r"(?:\b(?:i|we)\s*(?:am|'m|are|'re)?\s*(?:sorry|afraid)\b[^.!?\n]{0,40}?\b(?:can(?:no|')t|cannot|won't|unable|not able)\b"
    r"|\b(?:i|we)\s*(?:can(?:no|')t|cannot|won't|will not|am unable to|'m unable to|am not able to|'m not able to"
    r"|must decline to|have to decline to|do not feel comfortable|don't feel comfortable)\s+"
    r"(?:help|assist|provide|comply|answer|do that|do this|fulfil|fulfill|share|give|support|generate|create|write"
    r"|engage|discuss|offer|continue|complete)"
    r"|\bas an ai(?: language model| assistant| model)?\b[^.!?\n]{0,60}?\b(?:can(?:no|')t|cannot|don't|do not|am not|unable)\b"
    r"|\bi (?:must|have to) (?:decline|refuse)\b"
    r"|\b(?:this|that) (?:request )?(?:goes against|violates) (?:my|our) (?:guidelines|policies|policy)\b)",
    re.IGNORECASE,
)
_ABSTAIN_RE = re.compile(
    r"\b(?:i (?:do not|don't) (?:know|have (?:enough )?information)|i have no (?:information|idea)"
    r"|(?:there is|there's) not enough information|the (?:sources?|context|documents?) (?:do(?:es)? not|don't|doesn't) "
    r"(?:say|mention|contain|provide|specify))\b",
    re.IGNORECASE,
)
# A refusal mentioned, not made: "it's not that I can't help", "he said 'I cannot help'".
_NOT_THAT_RE = re.compile(r"\b(?:not that|doesn't mean|does not mean)\s*$", re.IGNORECASE)
_MONTH_CONTEXT_RE = re.compile(r"\b(?:in|of|since|until|by|early|late|mid)\s*$", re.IGNORECASE)
_AMOUNT_AFTER_RE = re.compile(r"\s+(?:\$|€|£)?\d")
_DIGIT_AFTER_RE = re.compile(r"\s+\d")


@dataclass(frozen=True, slots=True)
class Marker:
    """A marker phrase found in the output, with its offsets into it."""

    kind: str  # overconfidence | hedging | refusal | abstention
    start: int
    end: int
    text: str
    negated: bool = False
    strength: float = 1.0  # how strongly the phrase commits (or doubts), from its wording



# How much a phrase commits: "100%" / "without a doubt" more than "clearly"; "I think" doubts
# more than "about 300". The first pattern that matches the marker's text decides.
_STRENGTHS = {
    "overconfidence": (
        (re.compile(r"100|guarantee|doubt|question|proven|fact|undeniabl|indisputabl|unquestionabl|everyone|"
                    r"everybody|no one|impossible|certain that", re.I), 1.0),
        (re.compile(r"definitely|certainly|undoubtedly|absolutely|certain|sure|positive|confident", re.I), 0.8),
        (re.compile(r".", re.S), 0.5),  # always, clearly, obviously, of course, proves
    ),
    "hedging": (
        (re.compile(r"think|believe|guess|suppose|sure|certain|unclear|not clear|know|recall|unsure", re.I), 0.7),
        (re.compile(r"roughly|approximately|around|about", re.I), 0.3),
        (re.compile(r".", re.S), 0.5),  # might, may, perhaps, probably, likely, seems
    ),
    "refusal": ((re.compile(r".", re.S), 1.0),),
    "abstention": ((re.compile(r".", re.S), 0.8),),
}


def _strength(kind: str, phrase: str) -> float:
    return next(value for pattern, value in _STRENGTHS[kind] if pattern.search(phrase))


def _marker(kind: str, match: re.Match[str], *, negated: bool = False) -> Marker:
    return Marker(kind, match.start(), match.end(), match.group(), negated, _strength(kind, match.group()))


class _Quotes:
    """Answers "is this span inside a pair of quotes on its line?" (a mention, not a use).

    Rescanning the line around every marker was quadratic in a long line full of
    markers, so the quote marks and line ends are indexed once and counted by bisection;
    the answers are those of matching the patterns on the line's text before and after
    the span (see ``_quoted_reference`` in the tests).
    """

    _PAIRS = (('"', '"'), ("\u201c", "\u201d"), ("'", "'"), ("\u2018", "\u2019"))

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.at: dict[str, list[int]] = {q: [] for pair in self._PAIRS for q in pair}
        for m in re.finditer("[\"'\u201c\u201d\u2018\u2019]", text):
            self.at[m.group()].append(m.start())
        # For the straight quotes, whether a word character precedes and follows each one.
        self.opening: dict[str, list[int]] = {}
        self.closing: dict[str, list[int]] = {}  # word character before, none after
        self.free_after: dict[str, list[int]] = {}  # no word character after
        for q in ('"', "'"):
            self.opening[q] = [i for i in self.at[q] if not (i and _is_word(text[i - 1]))]
            self.free_after[q] = [i for i in self.at[q] if not (i + 1 < len(text) and _is_word(text[i + 1]))]
            self.closing[q] = [i for i in self.free_after[q] if i and _is_word(text[i - 1])]

    @staticmethod
    def _count(positions: list[int], start: int, end: int) -> int:
        return bisect_left(positions, end) - bisect_left(positions, start)

    def quoted(self, start: int, end: int) -> bool:
        text, count = self.text, self._count
        i = bisect_left(self.newlines, start)
        line_start = self.newlines[i - 1] + 1 if i else 0
        j = bisect_left(self.newlines, end)
        line_end = self.newlines[j] if j < len(self.newlines) else len(text)
        for open_q, close_q in self._PAIRS:
            if open_q == close_q:
                # An apostrophe inside a word ("don't") is not a quote mark. The line's text
                # before the span ends at ``start``, so a mark just before it closes there.
                closes = count(self.closing[open_q], line_start, start - 1)
                if start - 1 >= line_start and text[start - 1] == open_q and start - 1 and _is_word(text[start - 2]):
                    closes += 1
                opens = count(self.opening[open_q], line_start, start) - closes
                if opens % 2 == 1 and count(self.free_after[close_q], end, line_end):
                    return True
            elif count(self.at[open_q], line_start, start) > count(self.at[close_q], line_start, start) and count(
                    self.at[close_q], end, line_end):
                return True
        return False


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _negated(text: str, start: int) -> bool:
    """A negator in the three words before ``start``, within the same clause."""
    window = re.split(r"[.;:!?,\n]", text[max(0, start - 40) : start])[-1]
    return any(is_negator(t) or t.lower == "hardly" for t in tokens(window)[-3:])


def find_markers(text: str) -> list[Marker]:
    """Overconfidence, hedging, refusal and abstention markers in ``text``, in order."""
    out: list[Marker] = []
    quotes = _Quotes(text)
    for match in _OVERCONFIDENT_RE.finditer(text):
        if quotes.quoted(match.start(), match.end()):
            continue
        word = match.group().lower()
        if _negated(text, match.start()):
            if word.split()[-1] in _NEGATION_HEDGES:
                out.append(_marker("hedging", match, negated=True))
            continue
        out.append(_marker("overconfidence", match))
    # Overconfidence markers come in order and do not overlap: bisect for the one before.
    certain_starts = [m.start for m in out]
    certain_ends = [m.end for m in out]
    for match in _HEDGE_RE.finditer(text):
        word = match.group().lower()
        # Negating a hedge still leaves doubt ("not likely", "cannot possibly"), so no flip here.
        k = bisect_right(certain_starts, match.start()) - 1
        if quotes.quoted(match.start(), match.end()) or (k >= 0 and match.start() < certain_ends[k]):
            continue
        if word in _NUMBER_ONLY_HEDGES and not _AMOUNT_AFTER_RE.match(text, match.end()):
            continue
        if word == "may" and (
            search_suffix(_MONTH_CONTEXT_RE, text, 0, match.start(), 5)
            or (match.group()[0] == "M" and _DIGIT_AFTER_RE.match(text, match.end()))
        ):
            continue  # the month
        out.append(_marker("hedging", match))
    for match in _REFUSAL_RE.finditer(text):
        if quotes.quoted(match.start(), match.end()) or search_suffix(_NOT_THAT_RE, text, 0, match.start(), 13):
            continue
        out.append(_marker("refusal", match))
    for match in _ABSTAIN_RE.finditer(text):
        if quotes.quoted(match.start(), match.end()):
            continue
        out.append(_marker("abstention", match))
    return sorted(out, key=lambda m: (m.start, m.end))
