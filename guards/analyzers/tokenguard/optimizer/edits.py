"""Compression edits against the original text: whitespace, boilerplate, duplicates.

Every rule proposes :class:`Edit` s (a span of the original text and its replacement);
edits that touch a protected span are dropped, overlapping ones keep the first proposed
(structural deletions are proposed before small rewrites). Working on original offsets
lets each removal be reported with a span a client can check by slicing.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import regex

from guards.analyzers.tokenguard.optimizer.protect import ProtectedIndex


@dataclass(frozen=True, slots=True)
class Edit:
    start: int
    end: int
    replacement: str
    kind: str  # whitespace | boilerplate | duplicate_line | duplicate_sentence


# Filler that carries no instruction for a model; (pattern, replacement). Patterns are
# anchored on word boundaries and never contain digits.
_BOILERPLATE: list[tuple[regex.Pattern[str], str]] = [
    (regex.compile(p, regex.I), r)
    for p, r in (
        (r"\bI hope (?:this|my) (?:e-?mail|message|note) finds you well[.!]?\s*", ""),
        (r"\bI hope you(?:'re| are) (?:doing )?well[.!]?\s*", ""),
        (r"\bThank you (?:so much |very much )?in advance[^.!?\n]{0,60}[.!]\s*", ""),
        (r"\bThanks in advance[^.!?\n]{0,60}[.!]\s*", ""),
        (r"\bAs an AI(?: language)? model,\s*", ""),
        (r"\b(?:Please note|Note|It is important to note|It's important to note|It is worth noting|It's worth noting|Keep in mind|Bear in mind) that\s+", ""),
        (r"\bI was wondering if you could\s+", "please "),
        (r"\b(?:Could|Can|Would) you please\s+", "please "),
        (r"\bI would (?:really )?like you to\s+", "please "),
        (r"\bin order to\b", "to"),
        (r"\bdue to the fact that\b", "because"),
        (r"\bat this point in time\b", "now"),
        (r"\bfor the purpose of\b", "for"),
        (r"\bin the event that\b", "if"),
        (r"\bin spite of the fact that\b", "although"),
        (r"\bwith regard to\b", "about"),
        (r"\bhas the ability to\b", "can"),
        (r"\bis able to\b", "can"),
        (r"\b(?:basically|essentially|actually|literally),\s+", ""),
        (r"\bneedless to say,\s*", ""),
        (r"\bfirst and foremost,?\s*", "first, "),
    )
]

# Both patterns start a match only where a run begins (the lookbehinds): a match can
# start nowhere else, and without them every position of a long run that ends in no
# match rescans the rest of the run (quadratic; 20 KB of spaces before a word took 26 s).
_TRAILING_WS = regex.compile(r"(?<![ \t])[ \t]+(?=\n|\Z)")
_INNER_WS = regex.compile(r"(?<=\S)[ \t]{2,}(?=\S)|(?<=\S)\t(?=\S)")
_BLANK_LINES = regex.compile(r"\n(?:[ \t]*\n){2,}")
_LINE = regex.compile(r"[^\n]*\n?")
# A sentence ends at CJK end punctuation, or at . ! ? followed by a space or the end: a
# point between digits ("3.5", "v1.2") or inside a word ("e.g.x") does not end one. The
# lookbehinds only keep it linear: no match starts inside a run of spaces (a start there
# would also match one character earlier) and a run of end marks is judged from its start.
_SENTENCE = regex.compile(
    r"(?<![^\S\n])[^\S\n]*[^\s.!?。\uff01\uff1f][^\n]*?"
    r"(?:[。\uff01\uff1f]+|(?<![.!?])[.!?]++(?=\s|\Z)|(?=\n)|\Z)"
)
_TERMINATED = regex.compile(r"[.!?。\uff01\uff1f][\"')\]\u201d\u2019]*\s*\Z")
# A repeated sentence with a number goes only when it is clearly prose: this many words,
# closed by sentence punctuation and sharing its line with other text. A line that is
# one numbered sentence may be a log or list entry whose repetition is itself the data.
NUMERIC_MIN_WORDS = 4
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}'\u2019-]*")
_DIGIT = regex.compile(r"\p{Nd}")
# Scripts written without spaces: two characters count as about one word.
_UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}]")


def _normal(s: str) -> str:
    return " ".join(s.split()).casefold().rstrip(".!?。\uff01\uff1f ")


def _removable(fragment: str, min_words: int, *, numbers_ok: bool = False) -> bool:
    """Whether a repeated ``fragment`` may go: long enough, and numbers only in prose.

    Short fragments stay (headings, list markers, "Yes."). A fragment with a digit stays
    unless ``numbers_ok`` (the caller saw it is prose): the first copy keeps the number.
    """
    if _DIGIT.search(fragment):
        if not numbers_ok or not _TERMINATED.search(fragment):
            return False
        min_words = max(min_words, NUMERIC_MIN_WORDS)
    unspaced = len(_UNSPACED.findall(fragment))
    words = len(_WORD.findall(_UNSPACED.sub(" ", fragment))) + unspaced // 2
    return words >= min_words


def _duplicate_lines(text: str, protected: ProtectedIndex) -> list[Edit]:
    seen: set[str] = set()
    edits = []
    for m in _LINE.finditer(text):
        line = m.group()
        if not line.strip():
            continue
        key = _normal(line)
        prose = len(_SENTENCE.findall(line.strip())) >= 2
        if protected.overlaps(m.start(), m.start() + len(line.rstrip("\n"))) or not _removable(
                line, 3, numbers_ok=prose):
            continue
        if key in seen:
            edits.append(Edit(m.start(), m.end(), "", "duplicate_line"))
        else:
            seen.add(key)
    return edits


# A full stop after these does not end a sentence: titles before a name (capitalised, so "210
# ms." still ends one) and a single capital letter ("the U.S. Army", "J. K. Rowling").
_TITLES = frozenset("Mr Mrs Ms Dr Prof St Sr Jr Gen Col Capt Lt Sgt Rev Hon Mt Ft vs cf viz approx".split())
_LAST_WORD = regex.compile(r"(\p{L}+)\.$")


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """``_SENTENCE`` matches, joined where a full stop did not end a sentence.

    Splitting "The U.S. Army paid $3.5 m. in 2021." into "The U.S." / "Army paid $3.5 m." /
    "in 2021." made "The U.S." a sentence that a later copy could lose, leaving "Army paid ...":
    a stop after a title or a lone capital, or followed by a lower-case word, is not an end.
    """
    spans: list[tuple[int, int]] = []
    joined = False
    for m in _SENTENCE.finditer(text):
        start = m.start() + (len(m.group()) - len(m.group().lstrip()))
        if joined and spans:
            spans[-1] = (spans[-1][0], m.end())
        else:
            spans.append((start, m.end()))
        joined = _continues(text, spans[-1][1])
    return spans


def _continues(text: str, end: int) -> bool:
    if end >= len(text) or text[end - 1] != "." or text[end] == "\n":
        return False
    word = _LAST_WORD.search(text, max(0, end - 12), end)
    if word is not None and (word.group(1) in _TITLES or (len(word.group(1)) == 1 and word.group(1).isupper())):
        return True
    rest = text[end:end + 40].lstrip(" \t")
    return bool(rest) and rest[0].islower()


def _duplicate_sentences(text: str, protected: ProtectedIndex) -> list[Edit]:
    seen: set[str] = set()
    edits = []
    for start, end in _sentence_spans(text):
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        shares_line = bool(text[line_start:start].strip() or text[end:line_end].strip())
        if end <= start or protected.overlaps(start, end) or not _removable(
                text[start:end], 3, numbers_ok=shares_line):
            continue
        key = _normal(text[start:end])
        if key in seen:
            # Take the whitespace after it too, so no double space or empty line is left.
            while end < len(text) and text[end] in " \t":
                end += 1
            if (start == 0 or text[start - 1] == "\n") and end < len(text) and text[end] == "\n":
                end += 1
            edits.append(Edit(start, end, "", "duplicate_sentence"))
        else:
            seen.add(key)
    return edits


def _at_sentence_start(text: str, start: int, leading_space: int) -> bool:
    """Nothing but spaces since a line or sentence end, or since the text began.

    Looks back over the spaces only: copying the text before every match was quadratic.
    """
    if start <= leading_space:
        return True
    before = start
    while before and text[before - 1] in " \t":
        before -= 1
    return before > 0 and text[before - 1] in "\n.!?:"


def _boilerplate(text: str) -> list[Edit]:
    edits = []
    leading_space = len(text) - len(text.lstrip())
    for pattern, replacement in _BOILERPLATE:
        for m in pattern.finditer(text):
            start, end = m.span()
            rep = replacement
            at_sentence_start = _at_sentence_start(text, start, leading_space)
            if at_sentence_start:
                if rep:
                    rep = rep[0].upper() + rep[1:]
                elif end < len(text) and text[end].islower():
                    # "Please note that the build..." -> "The build...": take the next
                    # letter into the edit to capitalise it.
                    rep, end = text[end].upper(), end + 1
            elif m.group()[:1].isupper() and rep:
                rep = rep[0].upper() + rep[1:]
            edits.append(Edit(start, end, rep, "boilerplate"))
    return edits


def whitespace_edits(text: str) -> list[Edit]:
    """Trailing spaces, runs of blank lines, runs of inner spaces, outer whitespace."""
    edits = [Edit(m.start(), m.end(), "\n\n", "whitespace") for m in _BLANK_LINES.finditer(text)]
    edits.extend(Edit(m.start(), m.end(), "", "whitespace") for m in _TRAILING_WS.finditer(text))
    for m in _INNER_WS.finditer(text):
        # "1  000" keeps its spacing: the characters between two digits are the number's.
        if _DIGIT.match(text[m.start() - 1]) and _DIGIT.match(text[m.end()]):
            continue
        edits.append(Edit(m.start(), m.end(), " ", "whitespace"))
    lead = len(text) - len(text.lstrip())
    if lead:
        edits.append(Edit(0, lead, "", "whitespace"))
    tail = len(text.rstrip())
    if tail < len(text) and tail > 0:
        edits.append(Edit(tail, len(text), "", "whitespace"))
    return edits


def propose_edits(text: str, protected: ProtectedIndex) -> list[Edit]:
    """All non-overlapping edits for ``text``, sorted by position."""
    proposals = (
        _duplicate_lines(text, protected)
        + _duplicate_sentences(text, protected)
        + _boilerplate(text)
        + whitespace_edits(text)
    )
    return select_edits(proposals, protected)


def select_edits(proposals: list[Edit], protected: ProtectedIndex) -> list[Edit]:
    """Drop edits touching protected text or an earlier proposal; sort the rest."""
    taken: list[Edit] = []
    starts: list[int] = []  # starts and ends of the accepted, non-overlapping edits
    ends: list[int] = []
    for edit in proposals:
        if protected.overlaps(edit.start, edit.end):
            continue
        i = bisect.bisect_right(starts, edit.start)
        if i > 0 and ends[i - 1] > edit.start:
            continue
        if i < len(starts) and starts[i] < edit.end:
            continue
        starts.insert(i, edit.start)
        ends.insert(i, edit.end)
        taken.insert(i, edit)
    return taken


def apply_edits(text: str, edits: list[Edit]) -> str:
    out, pos = [], 0
    for edit in edits:
        out.append(text[pos : edit.start])
        out.append(edit.replacement)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)
