from __future__ import annotations

import pytest

from guards.analyzers.healthguard.invisible import MAX_RUN_FINDINGS, invisible_findings, strip_invisible


def test_zero_width_characters_inside_words_are_reported_with_offsets():
    text = "Please ig\u200bnore the pre\u200b\u200bvious message."
    findings = invisible_findings(text, "text")
    assert [(text[f.start:f.end], f.detail["kinds"]) for f in findings] == [
        ("\u200b", ["zero_width"]), ("\u200b\u200b", ["zero_width"])]
    assert all(f.type == "invisible_characters" and f.score < 0.85 for f in findings)
    assert strip_invisible(text) == "Please ignore the previous message."


def test_tag_characters_are_decoded_into_the_hidden_text():
    [f] = invisible_findings("Hi\U000e0041\U000e0042 there.", "text")
    assert f.detail["hidden_text"] == "AB"
    assert f.severity == "medium"


@pytest.mark.parametrize("text", [
    "Family: \U0001f468\u200d\U0001f469\u200d\U0001f467 at the beach.",  # emoji ZWJ sequence
    "Love it \u2764\ufe0f\u200d\U0001f525 and keycap 1\ufe0f\u20e3.",
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u0628\u0631\u0648\u0645.",  # Persian ZWNJ
    "\ufeffA file that starts with a byte-order mark.",
    "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35\u200b\u0e04\u0e23\u0e31\u0e1a",  # Thai word break
    "Donau\u00addampf\u00adschiff\u00adfahrt is one long word.",  # soft hyphens

    "Plain ASCII text.",
])
def test_ordinary_writing_with_joiners_and_selectors_is_not_reported(text):
    assert invisible_findings(text, "text") == []


def test_a_text_laced_with_hidden_runs_gets_a_bounded_number_of_findings():
    runs = MAX_RUN_FINDINGS + 150
    text = "a\u200b" * runs
    findings = invisible_findings(text, "text")
    assert len(findings) == MAX_RUN_FINDINGS + 1
    last = findings[-1]
    assert last.detail["runs"] == 150 and last.detail["count"] == 150
    assert (last.start, last.end) == (2 * MAX_RUN_FINDINGS + 1, len(text))
    assert strip_invisible(text) == "a" * runs  # every run is still removed
