from __future__ import annotations

import random
import re

import pytest
import regex

from guards.analyzers.tokenguard.encodings import get_encoding
from guards.analyzers.tokenguard.optimizer import edits, optimize_text, protected_spans, truncate_to_budget

ENC = get_encoding("o200k_base")


def count(text: str) -> int:
    return len(ENC.encode_ordinary(text))


FENCED = "```python\ndef  f(x):\n    return  x  *  2\n\n\n\n# Please note that this is code.\n```"
INDENTED = "    for  i  in  range(10):\n        print(i)   "
NOISY = (
    "I hope this email finds you well.   Please note that the   deploy failed.\n"
    "The deploy failed on the staging cluster.\nThe deploy failed on the staging cluster.\n\n\n\n"
    f"Here is the code:\n\n{FENCED}\n\nAnd the old loop:\n\n{INDENTED}\n\n"
    'He said "keep   this    spacing" and  left. The cache is slow today. The cache is slow today.\n'
    "It costs 1  000 dollars, or 3.50 per unit, in order to ship 42 units.  "
)


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d[\d\s.,]*\d|\d", text)


def test_it_saves_tokens_on_noisy_text():
    result = optimize_text(NOISY, count=count)
    assert count(result.text) < count(NOISY)
    assert result.counts["duplicate_line"] == 1
    assert result.counts["duplicate_sentence"] == 1
    assert result.counts["boilerplate"] >= 3
    assert "I hope this email" not in result.text
    assert "The deploy failed." in result.text  # "Please note that the" -> "The"
    assert "to ship 42 units" in result.text  # "in order to" -> "to"


def test_code_blocks_and_quotes_come_out_byte_for_byte():
    result = optimize_text(NOISY, count=count)
    assert FENCED in result.text
    assert INDENTED in result.text
    assert '"keep   this    spacing"' in result.text


def test_numbers_keep_their_order_and_their_inner_spacing():
    result = optimize_text(NOISY, count=count)
    assert _numbers(result.text) == _numbers(NOISY)
    assert "1  000 dollars" in result.text


def test_a_repeated_line_with_a_number_is_kept():
    text = "Order 66 shipped to the warehouse.\nOrder 66 shipped to the warehouse.\n"
    assert optimize_text(text, count=count).text == text.strip()


def test_each_edit_slices_the_text_it_removed():
    result = optimize_text(NOISY, count=count)
    duplicates = [e for e in result.edits if e.kind == "duplicate_line"]
    assert [NOISY[e.start:e.end] for e in duplicates] == ["The deploy failed on the staging cluster.\n"]
    for edit in result.edits:
        for start, end in protected_spans(NOISY):
            assert edit.end <= start or edit.start >= end


def test_an_unclosed_fence_protects_everything_after_it():
    text = "Intro.  Intro.\n```\nraw   text\nraw   text\n"
    assert protected_spans(text) == [(15, len(text))]
    assert optimize_text(text, count=count).text == "Intro. Intro.\n```\nraw   text\nraw   text\n"


def test_cjk_sentences_are_deduplicated_and_emoji_survive():
    text = "今天的会议推迟到下午三点钟举行。今天的会议推迟到下午三点钟举行。请准时参加 🎉👩‍👩‍👧"
    out = optimize_text(text, count=count).text
    assert out.count("今天的会议推迟到下午三点钟举行") == 1
    assert out.endswith("请准时参加 🎉👩‍👩‍👧")


def test_single_quotes_protect_but_apostrophes_do_not():
    spans = protected_spans("don't touch 'this   text' but it's fine")
    assert [("don't touch 'this   text' but it's fine")[s:e] for s, e in spans] == ["'this   text'"]


def test_truncation_cuts_at_a_sentence_boundary_within_budget():
    text = " ".join(f"Sentence number {w} explains one more detail of the plan." for w in
                    ("one", "two", "three", "four", "five", "six", "seven", "eight"))
    result = truncate_to_budget(text, 40, count)
    assert result.cut_at == "sentence"
    assert result.tokens == count(result.text) <= 40
    assert result.text.endswith("plan.")
    assert text.startswith(result.text)
    # One more sentence would not have fit.
    next_end = text.index("plan.", len(result.text)) + len("plan.")
    assert count(text[:next_end]) > 40


def test_truncation_never_cuts_inside_a_code_block():
    text = "Short intro.\n```\n" + "x = 1\n" * 40 + "```\nAfter the code."
    result = truncate_to_budget(text, 30, count)
    assert result.text == "Short intro."


def test_truncation_falls_back_to_a_word_boundary_when_no_sentence_fits():
    text = "word " * 200
    result = truncate_to_budget(text.strip(), 10, count)
    assert result.cut_at == "word"
    assert result.tokens <= 10
    assert result.text == " ".join(["word"] * 10)


def test_text_within_budget_is_not_cut():
    result = truncate_to_budget("Fits.", 10, count)
    assert (result.text, result.cut_at) == ("Fits.", None)


@pytest.mark.parametrize("text,expected", [("", ""), ("   ", ""), ("\n\n", ""), ("```", "```")])
def test_degenerate_input_does_not_break_the_optimizer(text, expected):
    assert optimize_text(text, count=count, budget=5).text == expected


@pytest.mark.parametrize(("name", "reference", "pieces"), [
    ("_TRAILING_WS", r"[ \t]+(?=\n|\Z)", [" ", "\t", "\n", "a", "\xa0", "\r"]),
    ("_SENTENCE", r"[^\S\n]*[^\s.!?。\uff01\uff1f][^\n]*?(?:[。\uff01\uff1f]+|[.!?]+(?=\s|\Z)|(?=\n)|\Z)",
     [" ", "\t", "\n", ".", "!", "?", "。", "\uff01", "a", "b", "\xa0", "\u2003", "1", "\r"]),
])
def test_run_anchored_patterns_find_what_the_unanchored_ones_did(name, reference, pieces):
    # The lookbehind anchors only stop quadratic rescans of long whitespace runs; the
    # edits proposed must be exactly the same.
    ref, new = regex.compile(reference), getattr(edits, name)
    rng = random.Random(5)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(20)))
        assert [m.span() for m in new.finditer(text)] == [m.span() for m in ref.finditer(text)], text


def test_sentence_start_is_judged_as_on_the_text_before_the_match():
    rng = random.Random(6)
    for _ in range(20_000):
        text = "".join(rng.choice([" ", "\t", "\n", ".", "!", ":", "a", "\xa0", "\r"]) for _ in range(rng.randrange(12)))
        lead = len(text) - len(text.lstrip())
        for start in range(len(text) + 1):
            before = text[:start]
            expected = start == 0 or before.rstrip(" \t").endswith(("\n", ".", "!", "?", ":")) or not before.strip()
            assert edits._at_sentence_start(text, start, lead) == expected, (text, start)


REPEATED = "The cat sat on the mat. Latency fell to 210 ms. We left at noon."


@pytest.mark.parametrize("joiner, kind", [(" ", "duplicate_sentence"), ("\n", "duplicate_line")])
def test_repeated_prose_with_a_number_is_deduplicated_and_the_count_is_what_was_removed(joiner, kind):
    for copies in (3, 40):
        result = optimize_text(joiner.join([REPEATED] * copies), count=count)
        assert result.text == REPEATED
        removed = (copies - 1) * (3 if kind == "duplicate_sentence" else 1)
        assert result.counts == {kind: removed}


@pytest.mark.parametrize("text, expected", [
    # Found by hand (2026-12-02): "The U.S." was a sentence of its own, so its second copy went and
    # left "Army paid $3.5 m. in 2021." behind.
    ("The U.S. Army paid $3.5 m. in 2021. Dr. Smith agreed. The U.S. Army paid $3.5 m. in 2021.",
     "The U.S. Army paid $3.5 m. in 2021. Dr. Smith agreed."),
    ("We met Dr. Jones at noon. Later we met Dr. Jones at noon. Later we met Dr. Jones at noon.",
     "We met Dr. Jones at noon. Later we met Dr. Jones at noon."),
    ("J. K. Rowling wrote it in 1997. Then J. K. Rowling wrote more.",
     "J. K. Rowling wrote it in 1997. Then J. K. Rowling wrote more."),
])
def test_a_stop_after_an_abbreviation_does_not_end_a_sentence(text, expected):
    assert optimize_text(text, count=count).text == expected


def test_a_decimal_point_does_not_end_a_sentence():
    text = ("The first part costs 2.5 dollars per unit in bulk. "
            "The second part costs 1.5 dollars per unit in bulk.")
    result = optimize_text(text, count=count)
    assert result.text == text
    assert _numbers(result.text) == ["2.5", "1.5"]
