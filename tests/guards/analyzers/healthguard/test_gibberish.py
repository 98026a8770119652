from __future__ import annotations

import dataclasses
import random

import pytest
import regex

from guards.analyzers.healthguard.gibberish import gibberish_findings, load_model, urlish_spans


@pytest.mark.parametrize("text", [
    "The committee approved the new budget after a long discussion on Tuesday.",
    "Please review https://example.com/xq7/zzkq and ping @jdoe_92 about #devops.",
    "Set user_id and x86 flags, then call parseHTTPResponse on the NASA API.",
    "Strength, rhythm and twelfth-century crypts are unusual but real English words.",
    "The epic poem describes a zombie apocalypse in heroic verse.",
    "Photosynthesis, mitochondria, chlorophyll and xylem in bryophytes.",
    "Zooey Deschanel met Leif Erikson and Aaron Przybyszewski in Szczecin.",
    "日本語の文章は評価しません。",
    "",
])
def test_real_text_has_no_gibberish(text):
    report = gibberish_findings(text, "text")
    assert report.findings == []
    assert report.ratio == 0.0


def test_keyboard_mash_is_found_with_its_span():
    text = "Hello team, asdkjh qwpeoi zxmcnv lkjasd is my answer."
    report = gibberish_findings(text, "text")
    [f] = report.findings
    assert text[f.start:f.end] == "asdkjh qwpeoi zxmcnv lkjasd"
    assert 0.3 < report.ratio < 0.8
    assert f.score > 0.5


def test_random_letters_make_the_whole_text_gibberish():
    text = "kjq zxvbt wqpl mnbvcx trqz plkjh xcvbn"
    report = gibberish_findings(text, "text")
    assert report.ratio > 0.9


def test_one_odd_word_is_not_enough():
    assert gibberish_findings("I met Przybyszewski at the station yesterday.", "text").findings == []


def test_accented_latin_words_are_folded_before_scoring():
    text = "Le café était fermé, alors nous sommes allés au marché près de la gare."
    assert gibberish_findings(text, "text").findings == []


def test_the_threshold_shipped_with_the_model_drives_detection():
    model = load_model()
    lenient = dataclasses.replace(model, word_threshold=-20.0)
    assert gibberish_findings("asdkjh qwpeoi zxmcnv lkjasd", "text", lenient).findings == []
    assert model.word_threshold > -20.0


def test_urlish_spans_are_what_the_url_email_tag_pattern_finds():
    # The single-pattern form backtracks cubically in long tokens; the linear scan must
    # mask exactly the same spans, so words (and the trained model's inputs) are unchanged.
    reference = regex.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\S+|[@#]\w+")
    rng = random.Random(11)
    pieces = ["h", "t", "p", "s", ":", "/", "w", ".", "@", "#", " ", "a", "_", "1", "\n", "é", "-",
              "http://", "https://", "www.", "\u200b", "\xa0"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(25)))
        assert urlish_spans(text) == [m.span() for m in reference.finditer(text)], text


@pytest.mark.parametrize("text", [
    "First the distances:\nAB = sqrt((3 - 1)^2 + (4 - 2)^2) = sqrt(8)\ncos(ABC) = (8 + 8 - 32)/(2 * sqrt(8) * sqrt(8))",
    "CSS:\n```css\nhr { background-image: linear-gradient(to right, rgba(0, 0, 0, 0), rgba(0, 0, 0, 0.75)); }\n```",
    "Use `xqzt_kwr --frbl` and <hr class=\"qwxz-hrz\"> in the template.",
    "12 mph faster than 60mph is 60+12=<<60+12=72>>72 mph.\n18 mph slower than 60 mph is 60-18=<<60-18=42>>42 mph.",
])
def test_code_calls_markup_and_units_in_model_answers_are_not_gibberish(text):
    assert gibberish_findings(text, "output_text").findings == []


def test_mash_in_prose_next_to_code_is_still_found():
    text = "Run `make test` first. Then asdkjh qwpeoi zxmcnv lkjasd happened."
    [f] = gibberish_findings(text, "text").findings
    assert text[f.start:f.end] == "asdkjh qwpeoi zxmcnv lkjasd"


def test_letters_the_model_cannot_read_end_a_span():
    # Old English in a model's answer: þ/ǣ/æ words are skipped, so the short odd words
    # between them are not joined into one gibberish run.
    assert gibberish_findings("The line reads: gyf þū ne forlǣtst þæt secgan, as the poet wrote.",
                              "text").findings == []
    assert gibberish_findings("The line reads: gyf qwxzt ne vbnmk secgan, as the poet wrote.",
                              "text").findings


@pytest.mark.parametrize("text", ["hahahahahahahahahahaha okay you win", "jajajajaja qué bueno, hehehehe"])
def test_laughter_is_not_gibberish(text):
    # "hahahahahahahahahahaha" was gibberish, block 1.0, before laughter was skipped.
    assert gibberish_findings(text, "output_text").findings == []


def test_keyboard_mash_next_to_laughter_is_still_gibberish():
    assert gibberish_findings("haha asdkjh qwpeoi zxmcnv lkjasd", "output_text").findings
