from __future__ import annotations

import pytest

from guards.analyzers.healthguard.truncation import truncation_findings


def _by_type(text):
    return {f.type: text[f.start:f.end] for f in truncation_findings(text, "output_text")}


def test_an_unclosed_code_fence_spans_to_the_end():
    text = "Here you go:\n```python\ndef f(x):\n    return x"
    assert _by_type(text) == {"unclosed_code_fence": "```python\ndef f(x):\n    return x"}


def test_a_closed_fence_is_fine_even_with_brackets_inside():
    assert _by_type("Code:\n```\nf(x[0]\n```\nThat is all.") == {}


def test_a_sentence_cut_after_a_function_word_is_found():
    text = "The model was trained on public data. It reached high accuracy on the"
    findings = truncation_findings(text, "output_text")
    [f] = findings
    assert f.type == "cut_off_sentence"
    assert text[f.start:f.end] == "It reached high accuracy on the"
    assert f.score == 0.8


def test_a_sentence_cut_after_a_content_word_scores_lower():
    text = "The model was trained on public data. It reached high accuracy quickly"
    [f] = truncation_findings(text, "output_text")
    assert f.score == 0.6


@pytest.mark.parametrize("text", [
    "The model was trained on public data. It reached high accuracy.",
    "hey what's up",  # a chat message may end unpunctuated
    "Steps:\n- install the package\n- run the tests",
    "## Summary\nAll good. See the table below:\n| a | b |",
    "Done 🎉",
    "Is it finished?",
    "",
])
def test_complete_text_is_not_truncated(text):
    assert truncation_findings(text, "output_text") == []


def test_an_unclosed_bracket_near_the_end_is_found():
    text = "The service restarted cleanly after the update (which took about"
    found = _by_type(text)
    assert found["unclosed_bracket"] == "(which took about"


def test_a_smiley_is_not_an_open_bracket():
    assert "unclosed_bracket" not in _by_type("That did not work at all, sorry about that :( really.")


def test_an_unclosed_quote_is_found():
    text = 'He paused and then said "we will ship it when the tests are green.'
    assert _by_type(text)["unclosed_quote"].startswith('"we will ship')
