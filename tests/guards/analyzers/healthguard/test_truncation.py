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


@pytest.mark.parametrize("text", [
    "Thanks for the help with the invoice. If anything else comes up, reach me directly. My email is bob@example.org",
    "The build is green. The full log is at https://ci.example.com/runs/4512",
    "We converted the reading as described above. The result is 98.9°C",
    "The parser lives in its own module now. To configure it, set parser_max_depth",
    "The fix is merged. Call it as guards.analyzers.registry.analyzer_class",
])
def test_a_text_ending_in_a_value_is_not_cut_off(text):
    assert "cut_off_sentence" not in _by_type(text)


def test_a_short_label_line_after_an_instruction_is_not_cut_off():
    assert _by_type("Determine the half-life of the given element.\n\nElement: Plutonium-239") == {}


def test_verse_without_final_punctuation_is_not_cut_off():
    lyrics = ("Here is a song about deploying on a Friday, as you asked.\n\n"
              "We ship it on a Friday night\nThe pager starts to ring\nThe dashboards all go red\n"
              "Another bug bites the dust, yeah\nHey, I'm gonna fix you, too\nAnother bug bites the dust")
    assert len(lyrics) > 200  # shorter unpunctuated texts are excused anyway
    assert _by_type(lyrics) == {}


def test_a_value_does_not_excuse_a_dangling_ending():
    text = "Thanks for the help with the invoice. If anything else comes up, my email is"
    assert _by_type(text)["cut_off_sentence"] == "If anything else comes up, my email is"


def test_quotes_inside_skipped_mojibake_runs_are_not_unclosed_quotes():
    # "Г" (U+0413) as UTF-8 read through cp1252 is "Ð“": a left curly quote in every such word.
    text = "Где ты был вчера, Гена? Мы ждали тебя весь день в городе у реки.".encode().decode("cp1252", "replace")  # noqa: RUF001
    assert "unclosed_quote" in _by_type(text)
    skip = [(0, len(text))]
    assert "unclosed_quote" not in {f.type for f in truncation_findings(text, "text", skip=skip)}
