from __future__ import annotations

import pytest
import tiktoken_ext.openai_public as openai_public

from guards.analyzers.tokenguard import encodings
from guards.analyzers.tokenguard.encodings import (
    EncodingFileError,
    encoding_file_bytes,
    encoding_name_for_model,
    get_encoding,
)

SAMPLES = [
    "hello world",
    "The quick brown fox jumps over the lazy dog. It's 3.14159 o'clock!",
    "def add(a, b):\n    return a + b  # sum\n\n\tif x:\r\n\t\tpass\n",
    "日本語のテキストと中文文本\uff0c还有한국어 텍스트。",
    "Emoji 🎉👩‍👩‍👧 and flags 🇫🇷🇯🇵, plus e\u0301 combining and ZWJ\u200djoined",
    "<|endoftext|> typed by a user is plain text",
    "   leading and trailing whitespace \n\n\n",
    "",
]


@pytest.mark.parametrize("name", ["cl100k_base", "o200k_base"])
def test_it_counts_exactly_as_tiktoken_itself(name, reference_encoding):
    ours, ref = get_encoding(name), reference_encoding(name)
    for text in SAMPLES:
        assert ours.encode_ordinary(text) == ref.encode_ordinary(text), text


def test_it_gives_the_published_ids_for_hello_world():
    assert get_encoding("cl100k_base").encode_ordinary("hello world") == [15339, 1917]
    assert get_encoding("o200k_base").encode_ordinary("hello world") == [24912, 2375]


@pytest.mark.parametrize("name,constructor", [
    ("cl100k_base", openai_public.cl100k_base), ("o200k_base", openai_public.o200k_base),
])
def test_its_pattern_and_special_tokens_are_tiktokens(name, constructor, reference_encoding):
    reference_encoding(name)  # makes tiktoken's constructors read the cached files
    spec = constructor()
    assert encodings.SPECS[name].pat_str == spec["pat_str"]
    assert encodings.SPECS[name].special_tokens == spec["special_tokens"]


def test_it_refuses_a_file_whose_hash_does_not_match(monkeypatch):
    spec = encodings.SPECS["cl100k_base"]
    monkeypatch.setitem(encodings.SPECS, "cl100k_base",
                        encodings.EncodingSpec(**{**{f: getattr(spec, f) for f in spec.__slots__},
                                                  "sha256": "0" * 64}))
    with pytest.raises(EncodingFileError, match="does not match"):
        encoding_file_bytes("cl100k_base")


@pytest.mark.parametrize("model,expected", [
    ("gpt-4o", "o200k_base"), ("gpt-4o-mini-2024-07-18", "o200k_base"), ("gpt-4.1-nano", "o200k_base"),
    ("o1", "o200k_base"), ("o3-mini", "o200k_base"), ("o4-mini", "o200k_base"),
    ("gpt-4", "cl100k_base"), ("gpt-4-0613", "cl100k_base"), ("gpt-3.5-turbo", "cl100k_base"),
])
def test_it_picks_the_encoding_from_the_model_name(model, expected):
    assert encoding_name_for_model(model) == (expected, None)


def test_an_unknown_model_gets_o200k_base_with_a_note():
    name, note = encoding_name_for_model("claude-sonnet")
    assert name == "o200k_base"
    assert "claude-sonnet" in note


def test_a_model_with_an_unshipped_encoding_says_so():
    name, note = encoding_name_for_model("text-davinci-003")
    assert name == "o200k_base"
    assert "p50k_base" in note
