from __future__ import annotations

import pytest

from guards.analyzers.healthguard.repetition import find_loops, repetition_findings


def test_a_sentence_loop_is_found_with_the_whole_span_and_its_unit():
    text = "Here is the answer. I am sorry. I am sorry. I am sorry. I am sorry."
    [f], ratio = repetition_findings(text, "output_text")
    assert text[f.start:f.end] == "I am sorry. I am sorry. I am sorry. I am sorry."
    assert text[f.detail["unit_start"]:f.detail["unit_end"]] == "I am sorry."
    assert f.detail["repeats"] == 4
    assert ratio == pytest.approx((f.end - f.start - 11) / len(text))


def test_a_word_stuck_in_a_loop_needs_four_copies():
    assert find_loops("very very good") == []
    assert find_loops("no no no") == []
    [loop] = find_loops("and the the the the end")
    assert loop.repeats == 4


def test_repeated_lines_are_a_loop():
    text = "Result:\nerror: timeout\nerror: timeout\nerror: timeout\n"
    [loop] = find_loops(text)
    assert text[loop.start:loop.end] == "error: timeout\nerror: timeout\nerror: timeout"


def test_loops_in_unspaced_scripts_are_found_by_characters():
    text = "回答\uff1a我很抱歉我很抱歉我很抱歉我很抱歉"
    [loop] = find_loops(text)
    assert (text[loop.start:loop.end], loop.kind) == ("我很抱歉我很抱歉我很抱歉我很抱歉", "char_loop")


@pytest.mark.parametrize("text", [
    "Wow!!!!!!!!! That was great -------- really.",
    "We measured it twice. Then we measured it again with a new tool.",
    "1. Install it.\n2. Configure it.\n3. Run it.",
    "best day ever &#127881;&#127881;&#127881;&#127881;&#127881; &lt;&lt;&lt;&lt;&lt;",
    "Revenue: 1,000,000,000,000 dollars",
    "",
])
def test_ordinary_text_and_punctuation_runs_are_not_loops(text):
    assert repetition_findings(text, "text") == ([], 0.0)


def test_a_sentence_coming_back_apart_three_times_is_reported():
    s = "Please restart the service now."
    text = f"{s} It failed. {s} Still failing here. {s}"
    findings, _ = repetition_findings(text, "text")
    [f] = findings
    assert f.type == "repeated_sentence"
    assert text[f.start:f.end] == s
    assert len(f.detail["occurrences"]) == 3


LYRICS = ("[Verse 1]\nWe wrote the code all through the night\nThe tests were red, the build was slow\n"
          "[Chorus]\nAnother bug bites the dust tonight\nAnd another one gone, and another one gone\n"
          "[Verse 2]\nThe pager rang at half past two\nWe rolled it back and let it go\n"
          "[Chorus]\nAnother bug bites the dust tonight\nAnd another one gone, and another one gone\n"
          "[Chorus]\nAnother bug bites the dust tonight\nAnd another one gone, and another one gone\n")


def test_a_chorus_coming_back_in_labelled_lyrics_is_not_reported():
    assert repetition_findings(LYRICS, "output_text")[0] == []
    unlabelled = "\n".join(line for line in LYRICS.splitlines() if not line.startswith("["))
    assert {f.type for f in repetition_findings(unlabelled, "output_text")[0]} == {"repeated_sentence"}


def test_a_loop_inside_lyrics_is_still_a_loop():
    stuck = LYRICS + "Another bug bites the dust tonight\n" * 6
    assert "repetition_loop" in {f.type for f in repetition_findings(stuck, "output_text")[0]}


# Found by trying ordinary answers by hand (2026-12-02): laughter was a loop (block 0.998).
@pytest.mark.parametrize("text", [
    "ha ha ha ha ha ha \u2014 that's the funniest thing I've heard all week!",
    "No no no no, the meeting is on Tuesday, not Thursday.",
    "It was very very very very cold last night.",
    "hahahahahahahahahahaha okay you win",
])
def test_interjections_people_repeat_are_not_loops(text):
    assert find_loops(text) == []


@pytest.mark.parametrize("text", [
    "the the the the the the the the the the",
    "ha " * 30,  # long past how people laugh: a model stuck on a token
    "Sure! Sure! Sure! Sure! Sure! Sure!",
])
def test_loops_of_ordinary_words_and_endless_laughter_are_still_loops(text):
    assert find_loops(text)
