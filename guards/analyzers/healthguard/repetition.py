"""Degenerate repetition loops: a model repeating a word, phrase, line or sentence.

A loop is a stretch of tokens that equals itself shifted by ``p`` tokens (the loop's
period): for every period up to ``MAX_PERIOD`` we compare the token sequence with its
shift in one vectorised pass and keep stretches covering enough repeats. Scripts written
without spaces loop inside one "word", so characters are checked the same way with a
regular expression. Sentences repeated apart from each other are reported too, at a
lower severity, except in lyrics marked with section labels ("[Chorus]"). Punctuation-only loops ("!!!!", "-----") are formatting, not loops.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import regex

from guards.analyzers.base import Finding

MAX_PERIOD = 64
_TOKEN = regex.compile(r"\w+|[^\w\s]")
_CHAR_LOOP = regex.compile(r"(\S{2,30}?)\1{3,}")
# A sentence ends at . ! ? before a space, but not after one capital letter ("the U.S. army").
_SENTENCE = regex.compile(r"[^\n]*?\w[^\n]*?(?:(?<!\b\p{Lu})[.!?]+(?=\s|$)|(?=\n)|$)")
# A section label of a song or poem ("[Chorus]", "(Verse 2)", "Refrain:"): its lines repeat by design.
_SONG_SECTION = regex.compile(
    r"^[ \t]*[\[(]?(?:chorus|refrain|hook|verse|bridge|pre-chorus|outro|intro)(?:[ \t]*\d+)?[\])]?:?[ \t]*$",
    regex.I | regex.M)
# People repeat interjections on purpose: "ha ha ha ha ha", "no no no no", "very very very",
# "hahahahaha". A short run of one of these is how people write; a long one is still a loop.
_INTERJECTIONS = frozenset(
    "ha haha hah he hehe hee hi ho hoho lol lmao rofl xd la na nah blah bla yes yeah yep no nope go very so "
    "really much more bye knock ah oh ooh uh um hmm mm yay woo wow rah boom bang beep tick tock choo zzz meow "
    "woof quack tap clap bravo encore again please wait stop help ow ouch".split()
)
INTERJECTION_MAX_REPEATS = 12
_LAUGH_UNITS = frozenset({"ha", "he", "hi", "ho", "ah", "eh", "ja", "ka", "xa", "wa", "lo"})
LAUGH_MAX_REPEATS = 40
# Units made of HTML entities, digits and punctuation only.
_NOT_PROSE = regex.compile(r"(?:&#?\w+;|[\W\d_])+")


@dataclass(frozen=True, slots=True)
class Loop:
    start: int
    end: int  # character span of the whole loop (first copy included)
    unit_start: int
    unit_end: int  # character span of the repeated unit's first copy
    repeats: int
    kind: str  # token_loop | char_loop


def _runs(mask: np.ndarray, min_length: int) -> list[tuple[int, int]]:
    """``(start, length)`` of each run of True in ``mask`` at least ``min_length`` long."""
    padded = np.concatenate(([0], mask.view(np.int8), [0]))
    edges = np.flatnonzero(np.diff(padded))
    starts, ends = edges[::2], edges[1::2]
    keep = (ends - starts) >= min_length
    return [(int(s), int(e - s)) for s, e in zip(starts[keep], ends[keep], strict=True)]


def _phase(tokens: list[tuple[int, int, str]], text: str, start: int, region_end: int, p: int,
           need: int) -> int:
    """Where the repeated unit begins: a sentence or line start if one is in the first period.

    "answer. I am sorry. I am sorry." repeats ". I am sorry" as much as "I am sorry.";
    a reader (and the unit shown) wants the copy that starts a sentence.
    """
    for s in range(start, start + p):
        if (region_end - s) // p < need:
            break
        if s == 0 or tokens[s - 1][2] in (".", "!", "?", ":", ";") or "\n" in text[tokens[s - 1][1] : tokens[s][0]]:
            return s
    return start


def find_loops(text: str, *, min_repeats: int = 3, min_word_repeats: int = 4) -> list[Loop]:
    tokens = [(m.start(), m.end(), m.group().casefold()) for m in _TOKEN.finditer(text)]
    ids_of: dict[str, int] = {}
    ids = np.array([ids_of.setdefault(t, len(ids_of)) for _, _, t in tokens], dtype=np.int64)
    wordy = np.array([any(c.isalpha() for c in t) for _, _, t in tokens], dtype=bool)
    covered = np.zeros(len(tokens), dtype=bool)
    loops: list[Loop] = []
    for p in range(1, min(MAX_PERIOD, len(tokens) // 2) + 1):
        need = min_word_repeats if p == 1 else min_repeats
        equal = ids[:-p] == ids[p:]
        if np.count_nonzero(equal) < (need - 1) * p:
            continue  # not enough matching pairs for even one loop of this period
        # ``need`` copies of a period-p unit are (need - 1) * p equal pairs in a row.
        for run_start, length in _runs(equal, (need - 1) * p):
            region_end = run_start + length + p  # every token of the periodic stretch
            start = _phase(tokens, text, run_start, region_end, p, need)
            repeats = (region_end - start) // p
            end_tok = start + repeats * p  # whole copies only
            if covered[start:end_tok].all() or not wordy[start : start + p].any():
                continue
            unit = text[tokens[start][0] : tokens[start + p - 1][1]]
            if _NOT_PROSE.fullmatch(unit):
                continue  # "&#128514;" x 5 is an emoji someone liked, not a model stuck
            if repeats * p < INTERJECTION_MAX_REPEATS and all(
                    t in _INTERJECTIONS for _, _, t in tokens[start : start + p]):
                continue  # "ha ha ha ha ha ha", "no no no no": how people write, not a model stuck
            covered[start:end_tok] = True
            loops.append(Loop(tokens[start][0], tokens[end_tok - 1][1], tokens[start][0],
                              tokens[start + p - 1][1], repeats, "token_loop"))
    for m in _CHAR_LOOP.finditer(text):
        unit = m.group(1)
        if len(m.group()) < 16 or not any(c.isalpha() for c in unit) or _NOT_PROSE.fullmatch(unit):
            continue
        if unit.casefold() in _LAUGH_UNITS and len(m.group()) // len(unit) < LAUGH_MAX_REPEATS:
            continue  # "hahahahahahahaha"
        if any(lp.start <= m.start() and m.end() <= lp.end for lp in loops):
            continue
        loops.append(Loop(m.start(), m.end(), m.start(), m.start() + len(unit),
                          len(m.group()) // len(unit), "char_loop"))
    return sorted(loops, key=lambda lp: lp.start)


def repetition_findings(text: str, source: str, *, min_repeats: int = 3) -> tuple[list[Finding], float]:
    """Loop findings and the share of the text taken by repeated copies."""
    findings = []
    repeated_chars = 0
    for lp in find_loops(text, min_repeats=min_repeats, min_word_repeats=max(4, min_repeats)):
        extra = (lp.end - lp.start) - (lp.unit_end - lp.unit_start)
        repeated_chars += extra
        share = extra / max(1, len(text))
        findings.append(Finding(
            type="repetition_loop", category="repetition",
            severity="high" if lp.repeats >= 6 or share >= 0.3 else "medium",
            score=min(1.0, 0.55 + 0.05 * (lp.repeats - min_repeats) + 0.5 * share),
            start=lp.start, end=lp.end, evidence=text[lp.unit_start : lp.unit_end][:80],
            message=f"The same {'text' if lp.kind == 'char_loop' else 'tokens'} repeated {lp.repeats} "
                    "times in a row: a degenerate generation loop.",
            source=source, detail={"repeats": lp.repeats, "unit_start": lp.unit_start,
                                   "unit_end": lp.unit_end, "kind": lp.kind},
        ))
    # Whole sentences that come back apart from each other (three or more times); not in
    # lyrics, where a chorus comes back by design.
    seen: dict[str, list[tuple[int, int]]] = {}
    for m in _SENTENCE.finditer(text) if not _SONG_SECTION.search(text) else ():
        s = m.group().strip()
        if len(s.split()) < 5:
            continue
        start = m.start() + m.group().index(s)
        seen.setdefault(" ".join(s.casefold().split()), []).append((start, start + len(s)))
    loop_spans = [(f.start, f.end) for f in findings]
    for spans in seen.values():
        later = [sp for sp in spans[1:] if not any(s <= sp[0] < e for s, e in loop_spans)]
        if len(spans) >= 3 and later:
            extra = sum(e - s for s, e in later)
            repeated_chars += extra
            findings.append(Finding(
                type="repeated_sentence", category="repetition", severity="low",
                score=min(1.0, 0.4 + 0.05 * len(spans) + 0.5 * extra / max(1, len(text))),
                start=later[0][0], end=later[0][1], evidence=text[later[0][0] : later[0][1]][:80],
                message=f"The same sentence appears {len(spans)} times.", source=source,
                detail={"occurrences": [list(sp) for sp in spans]},
            ))
    return sorted(findings, key=lambda f: f.start), min(1.0, repeated_chars / max(1, len(text)))
