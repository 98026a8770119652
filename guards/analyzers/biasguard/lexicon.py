"""Biased terms with neutral alternatives, and a minimal slur list (both in ``data/``).

One compiled alternation per list, longest form first, so "deaf and dumb" wins over
"dumb" and the scan is a single pass over the text.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from guards.analyzers.base import Finding
from guards.analyzers.biasguard import context
from guards.analyzers.biasguard.scoring import SEVERITY_SCORES
from guards.analyzers.biasguard.text import fold, redact

DATA = Path(__file__).parent / "data"
SLUR_SEVERITY = "high"
# A slur that is quoted or reported is still on the page, but is not the writer's own.
SLUR_MENTION_FACTOR = 0.7
# A low-severity term ("chairman", "young and energetic") is a wording suggestion: reported,
# never blocked (see scoring.decision_for).
STYLE_SEVERITIES = ("info", "low")


@dataclass(frozen=True, slots=True)
class Term:
    form: str
    category: str
    type: str
    severity: str
    explanation: str
    alternative: str | None
    replace: bool


# Forms that also name a thing: "close the blind", "the blind spot", "the Warsaw Ghetto". In
# these senses the words say nothing about people, so no suggestion is made.
_THING_SENSES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    # (what may come just before the form, what may come just after it)
    "the blind": (
        re.compile(r"\b(?:close|closed|closing|open|opened|opening|pull|pulled|raise|raised|lower|lowered|draw|drew"
                   r"|shut|adjust|fix|fixed|replace|replaced|roll|rolled|tilt|clean|install|installed|behind|through)\s*$",
                   re.IGNORECASE),
        re.compile(r"\s*(?:spot|spots|side|date|dates|corner|alley|cord|cords|slats?|rail|was\s+stuck|is\s+stuck"
                   r"|is\s+broken|was\s+broken|won't|wouldn't|got\s+stuck)\b", re.IGNORECASE),
    ),
    "ghetto": (re.compile(r"\b(?:warsaw|venetian|venice|jewish|roman|krak[oó]w|lodz|łódź|vilna|theresienstadt|riga"
                          r"|budapest)\s+$", re.IGNORECASE),
               re.compile(r"\s+(?:uprising|of\s+(?:venice|rome|warsaw|lodz|łódź|krak[oó]w)|in\s+(?:venice|rome|warsaw))\b",
                          re.IGNORECASE)),
}


def _thing_sense(text: str, form: str, start: int, end: int) -> bool:
    """Whether the match names a thing (a window blind, a historical ghetto), not people."""
    senses = _THING_SENSES.get(form)
    if senses is None:
        return False
    before, after = senses
    if form == "ghetto" and start > 0 and text[start].isupper() and not re.search(r"[.!?]\s*$", text[:start]):
        return True  # capitalised mid-sentence: a proper name ("the Ghetto in Venice")
    return bool(before.search(text[max(0, start - 30):start]) or after.match(text, end))


def _key(value: str) -> str:
    return re.sub(r"\s+", " ", value.lower())


def _compile(forms: list[str]) -> re.Pattern[str]:
    parts = [r"\s+".join(re.escape(w) for w in form.split()) for form in sorted(forms, key=len, reverse=True)]
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


class Lexicon:
    """Matches the term lexicon and the slur list against a text."""

    def __init__(self, data_dir: Path = DATA) -> None:
        terms: dict[str, Term] = {}
        for entry in json.loads((data_dir / "lexicon.json").read_text())["entries"]:
            for form, alternative in entry["forms"].items():
                terms[_key(form)] = Term(form, entry["category"], entry["type"], entry["severity"],
                                         entry["explanation"], alternative, entry["replace"])
        slurs: dict[str, Term] = {}
        for entry in json.loads((data_dir / "slurs.json").read_text())["entries"]:
            for form in entry["forms"]:
                slurs[_key(fold(form))] = Term(
                    form, entry["category"], "slur", SLUR_SEVERITY,
                    "Slur: a dehumanising name for a group.", entry["alternative"], False)
        self.terms = terms
        self.slurs = slurs
        self._terms_re = _compile(list(terms))
        # One named group per slur so a masked spelling ("f*ggot") still names its entry.
        self._slur_keys = list(slurs)
        self._slurs_re = re.compile(
            r"(?<![\w-])(?:" + "|".join(
                f"(?P<s{i}>{_masked(key)})" for i, key in sorted(
                    enumerate(self._slur_keys), key=lambda item: len(item[1]), reverse=True))
            + r")(?![\w-])", re.IGNORECASE)

    def scan(self, text: str, categories: set[str]) -> list[Finding]:
        """Findings for slurs and biased terms in ``categories``; slurs win overlaps."""
        quotes = context.quoted_ranges(text)
        findings = [f for f in self._scan_slurs(text, quotes) if f.category in categories]
        taken = [(f.start, f.end) for f in findings]  # in order and disjoint: matches of one pattern
        for match in self._terms_re.finditer(text):
            term = self.terms[_key(match.group())]
            if term.category not in categories or _overlaps(match.start(), match.end(), taken):
                continue
            if _thing_sense(text, _key(match.group()), match.start(), match.end()):
                continue
            findings.append(_term_finding(term, match))
        return findings

    def _scan_slurs(self, text: str, quotes: list[tuple[int, int]]) -> list[Finding]:
        out = []
        # Folding keeps the length, so match offsets index the original text.
        cuts = [m.start() for m in _SENTENCE_BREAK.finditer(text)]
        for match in self._slurs_re.finditer(fold(text)):
            term = self.slurs[self._slur_keys[int((match.lastgroup or "s0")[1:])]]
            start, end = match.span()
            frame = context.frame_of(text, start, end, sentence_start=_sentence_start(cuts, start),
                                     quotes=quotes)
            score = SEVERITY_SCORES[SLUR_SEVERITY]
            if frame.kind not in (context.ASSERTED, context.QUESTIONED, context.HISTORY):  # still the writer's word
                score *= SLUR_MENTION_FACTOR
            out.append(Finding(
                type="slur", category=term.category, severity=SLUR_SEVERITY, score=score,
                start=start, end=end, evidence=redact(text[start:end]),
                message=f"{term.explanation} Name the group neutrally (\u201c{term.alternative}\u201d).",
                detail={"alternative": term.alternative, "context": frame.kind, "detector": "lexicon"},
            ))
        return out


def _masked(form: str) -> str:
    """A slur pattern in which each vowel may also be written as a mask character."""
    parts = []
    for word in form.split():
        parts.append("".join(f"[{ch}*#.]" if ch in "aeiou" else re.escape(ch) for ch in word))
    return r"\s+".join(parts)


def _term_finding(term: Term, match: re.Match[str]) -> Finding:
    message = term.explanation
    if term.alternative:
        message += f" Consider \u201c{term.alternative}\u201d."
    return Finding(
        type=term.type, category=term.category, severity=term.severity,
        score=SEVERITY_SCORES[term.severity], start=match.start(), end=match.end(),
        evidence=match.group(), message=message,
        detail={"alternative": term.alternative, "replaceable": term.replace and bool(term.alternative),
                "detector": "lexicon", "style": term.severity in STYLE_SEVERITIES},
    )


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether [start, end) overlaps one of ``spans`` (sorted, disjoint): by bisection, not a scan of all."""
    i = bisect_left(spans, (end,))  # spans starting before ``end``; only the last can reach past ``start``
    return i > 0 and start < spans[i - 1][1]


def _sentence_start(cuts: list[int], pos: int) -> int:
    """Just after the last sentence break (sorted positions ``cuts``) before ``pos``."""
    i = bisect_left(cuts, pos)
    return cuts[i - 1] + 1 if i else 0


_SENTENCE_BREAK = re.compile(r"[.!?\n]")


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    """The process-wide lexicon (the JSON is parsed once)."""
    return Lexicon()
