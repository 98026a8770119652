from __future__ import annotations

import pytest

from guards.analyzers.healthguard.language import detect_language
from guards.analyzers.healthguard.schema import SETTINGS
from guards.analyzers.healthguard.size import size_findings


@pytest.mark.parametrize("text,lang", [
    ("The weather is lovely today and we are going to the beach.", "en"),
    ("Le temps est magnifique aujourd'hui et nous allons à la plage.", "fr"),
    ("Das Wetter ist heute herrlich und wir gehen an den Strand.", "de"),
    ("今日はとても良い天気なので、私たちは海に行きます。", "ja"),
    ("Сегодня прекрасная погода, и мы идём на пляж.", "ru"),
])
def test_it_detects_the_language_offline(text, lang):
    report = detect_language(text)
    assert report.language == lang
    assert report.confidence > 0.5


def test_scripts_are_shared_out_by_letters():
    report = detect_language("hello мир")
    assert report.scripts == {"Latin": 0.625, "Cyrillic": 0.375}
    assert report.language == "und"  # too few letters to say


def _limits(**overrides):
    return {**SETTINGS.defaults(), **overrides}


def test_the_characters_past_the_limit_are_the_span():
    text = "a" * 10 + "TAIL"
    [f] = size_findings(text, "text", _limits(max_chars=10))
    assert (f.type, text[f.start:f.end]) == ("too_many_characters", "TAIL")


def test_the_byte_limit_counts_utf8_bytes():
    text = "éé" + "xyz"  # 4 bytes of é, then 3 ASCII
    [f] = size_findings(text, "text", _limits(max_bytes=5))
    assert text[f.start:f.end] == "yz"


def test_too_many_lines_and_an_overlong_line_are_located():
    text = "a\nb\nc\n" + "Z" * 30
    found = {f.type: text[f.start:f.end] for f in size_findings(text, "text", _limits(max_lines=3, max_line_chars=20))}
    assert found == {"too_many_lines": "Z" * 30, "line_too_long": "Z" * 30}


def test_text_within_limits_has_no_size_findings():
    assert size_findings("small text", "text", _limits()) == []
