from __future__ import annotations

import random

import pytest

from guards.analyzers.healthguard.encoding import Mojibake, _outside, encoding_findings, find_mojibake, repair


def _types(text):
    return [f.type for f in encoding_findings(text, "text")[0]]


@pytest.mark.parametrize("clean", [
    "café", "don\u2019t", "\u201cquoted\u201d", "Привет", "日本語", "🎉", "Zürich — naïve résumé", "€20 ½ ©",
])
def test_utf8_read_as_cp1252_is_found_and_repaired(clean):
    broken = clean.encode("utf-8").decode("cp1252", errors="ignore") if clean != "🎉" else "ðŸŽ‰"
    text = f"Before {broken} after."
    runs = find_mojibake(text)
    assert runs, broken
    assert repair(text, runs) == f"Before {clean} after."
    for run in runs:  # offsets point at the broken characters
        assert text[run.start:run.end] in broken


def test_latin1_view_with_c1_controls_is_found():
    text = "It\u00e2\u0080\u0099s broken"  # UTF-8 of a curly apostrophe read as Latin-1
    [run] = find_mojibake(text)
    assert (text[run.start:run.end], run.fixed) == ("\u00e2\u0080\u0099", "\u2019")


def test_doubly_encoded_text_is_undone_twice():
    once = "\u2019".encode().decode("cp1252")
    twice = once.encode().decode("cp1252")
    [run] = find_mojibake(f"x {twice} y")
    assert (run.fixed, run.layers) == ("\u2019", 2)


def test_the_dropped_byte_of_a_closing_quote_is_still_caught():
    text = "He said \u00e2\u20ac\u0153hi\u00e2\u20ac ok"  # “hi” with the 0x9D byte lost
    assert [f.fixed for f in find_mojibake(text)] == ["\u201c", "\u201d"]


@pytest.mark.parametrize("text", [
    "Café crème at São Paulo, 25 °C, ½ price — “quoted” and \u2019 apostrophes.",
    "Ã la carte? No, Ã and ß stand alone here",  # lead characters without continuations
    "Ελληνικά, עברית, हिन्दी, 中文, 한국어, emoji 👩‍👩‍👧",
    "plain ascii text",
    "",
])
def test_correct_unicode_is_not_mojibake(text):
    assert find_mojibake(text) == []


def test_mojibake_next_to_correct_accents_is_a_mixed_encoding():
    text = "naïve but cafÃ©"
    findings = encoding_findings(text, "text")[0]
    mixed = next(f for f in findings if f.type == "mixed_encoding")
    assert text[mixed.start:mixed.end] == "ï"
    assert "mixed_encoding" not in _types("only cafÃ© here")


def test_replacement_characters_surrogates_noncharacters_and_boms_are_located():
    text = "ok\ufffd\ufffd then \ud83d alone \uffff and a\ufeffb"
    found = {f.type: text[f.start:f.end] for f in encoding_findings(text, "text")[0]}
    assert found == {"replacement_character": "\ufffd\ufffd", "invalid_codepoint": "\ud83d",
                     "noncharacter": "\uffff", "stray_bom": "\ufeff"}


def test_a_leading_bom_is_fine():
    assert _types("\ufeffhello") == []


def test_positions_outside_mojibake_are_those_no_run_covers():
    # One pass over the sorted runs stands for checking every run at every position.
    rng = random.Random(8)
    for _ in range(3_000):
        size = rng.randrange(30)
        runs = []
        for _ in range(rng.randrange(5)):
            start = rng.randrange(size + 1)
            runs.append(Mojibake(start, min(size, start + rng.randrange(6)), "", 1))
        runs.sort(key=lambda f: f.start)
        expected = [i for i in range(size) if not any(f.start <= i < f.end for f in runs)]
        assert _outside("x" * size, runs) == expected
