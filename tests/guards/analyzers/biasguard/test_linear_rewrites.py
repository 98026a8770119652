"""biasguard's linear-time rewrites answer as the straightforward code did.

The references are the previous (quadratic) forms; random texts built from the pieces
each rule reacts to must get the same answers. The one deliberate difference, cues looked
for at most ``CUE_REACH`` characters back, is pinned by its own test.
"""

from __future__ import annotations

import random

from guards.analyzers.biasguard import context
from guards.analyzers.biasguard.lexicon import _SENTENCE_BREAK, _overlaps, _sentence_start
from guards.analyzers.biasguard.rewrite import _ARTICLE
from guards.analyzers.textscan import search_suffix


def _texts(seed: int, pieces: list[str], count: int, longest: int = 16):
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(rng.randrange(longest)))


def test_quoted_ranges_are_what_the_quotation_pattern_finds():
    pieces = ['"', "\u201c", "\u201d", "\u00ab", "\u00bb", "\u2018", "\u2019", "\n", "a", "abc", "abcdefg"]
    for text in _texts(1, pieces, 20_000):
        assert context.quoted_ranges(text) == [m.span() for m in context._QUOTES.finditer(text)], text


def test_rejection_after_a_claim_is_what_the_anchored_pattern_matches():
    pieces = [" ", "'", "'s", "s", ",", "which", "is", "are", "wrong", "a myth", "\n", "x", '"', "\u2019", ")",
              "just", "IS", "Wrong"]
    rng = random.Random(2)
    found = 0
    for text in _texts(2, pieces, 20_000):
        end = rng.randrange(len(text) + 1)
        match = context._NEGATING_AFTER.match(text[end:])
        found += bool(match)
        assert context._negating_after(text, end, len(text)) == (match.group() if match else ""), (text, end)
    assert found > 50


def _frame_reference(text, start, end, sentence_start, sentence_end):
    """frame_of before the rewrite, on slices of the sentence."""
    def last(pattern, before):
        found = ""
        for match in pattern.finditer(before):
            found = match.group()
        return found

    before, inside, after = text[sentence_start:start], text[start:end], text[end:sentence_end]
    trailing = context._NEGATING_AFTER.match(after)
    tail = context._NEGATING_TAIL.search(inside) if not after.strip(" \t\"'\u201d\u2019.!?") else None
    negation = (last(context._NEGATING, before) or last(context._NOT_BEFORE, before)
                or context._leading(context._NEGATING, inside)
                or (trailing.group() if trailing else "") or (tail.group() if tail else ""))
    if negation:
        return context.Frame(context.NEGATED, negation)
    for q_start, q_end in context.quoted_ranges(text):
        if q_start < start < q_end:
            return context.Frame(context.QUOTED, text[q_start:q_start + 1])
    report = last(context._REPORTING, before)
    return context.Frame(context.REPORTED, report) if report else context.Frame(context.ASSERTED)


def test_frames_are_unchanged_within_the_cue_reach():
    pieces = ["women", "are", "lazy", "it is a myth that", "not", "not all", "some people say", "is sexist",
              '"', "\u201c", "\u201d", "they claim", ",", "x", "is wrong", "which is false", "so-called"]
    rng = random.Random(3)
    kinds = set()
    for text in _texts(3, pieces, 8_000, longest=20):
        start = rng.randrange(len(text) + 1)
        end = rng.randrange(start, len(text) + 1)
        expected = _frame_reference(text, start, end, 0, len(text))
        kinds.add(expected.kind)
        assert context.frame_of(text, start, end, sentence_start=0, sentence_end=len(text)) == expected, (
            text, start, end)
    assert kinds == {context.ASSERTED, context.NEGATED, context.QUOTED, context.REPORTED}


def test_a_cue_further_back_than_the_reach_no_longer_frames_the_claim():
    claim = "women are lazy"
    near = "it is a myth that " + claim
    far = "it is a myth that " + "x " * context.CUE_REACH + claim
    assert context.frame_of(near, near.index(claim), len(near)).kind == context.NEGATED
    assert context.frame_of(far, far.index(claim), len(far)).kind == context.ASSERTED


def test_end_anchored_searches_start_near_the_end_with_the_same_answer():
    pieces = ["a", "an", "An", "AN", "ban", "not", "Not", "knot", " ", "\n", "\t", "x", "_"]
    rng = random.Random(4)
    for text in _texts(4, pieces, 20_000):
        end = rng.randrange(len(text) + 1)
        for pattern, longest in ((_ARTICLE, 2), (context._NOT_BEFORE, 3)):
            expected = pattern.search(text, 0, end)
            got = search_suffix(pattern, text, 0, end, longest)
            assert (got and (got.span(), got.groups())) == (expected and (expected.span(), expected.groups()))


def test_overlap_with_sorted_disjoint_spans_is_found_by_bisection():
    rng = random.Random(5)
    for _ in range(5_000):
        spans, pos = [], 0
        for _ in range(rng.randrange(8)):
            pos += rng.randrange(4)
            length = 1 + rng.randrange(4)
            spans.append((pos, pos + length))
            pos += length
        start = rng.randrange(pos + 3)
        end = start + 1 + rng.randrange(5)
        assert _overlaps(start, end, spans) == any(start < e and s < end for s, e in spans)


def test_sentence_breaks_are_the_last_break_before_the_position():
    for text in _texts(6, ["a", ".", "!", "?", "\n", " "], 5_000):
        cuts = [m.start() for m in _SENTENCE_BREAK.finditer(text)]
        for pos in range(len(text) + 1):
            assert _sentence_start(cuts, pos) == max(text.rfind(ch, 0, pos) for ch in ".!?\n") + 1
