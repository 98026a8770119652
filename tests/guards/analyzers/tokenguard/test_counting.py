from __future__ import annotations

import pytest

from guards.analyzers.base import PayloadError
from guards.analyzers.tokenguard.counting import count_messages, count_text, parse_messages
from guards.analyzers.tokenguard.encodings import get_encoding


def test_chat_messages_carry_openais_framing_overhead():
    enc = get_encoding("cl100k_base")
    messages = parse_messages([
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "Hi there", "name": "bob"},
    ])
    total, per_message = count_messages(enc, messages)
    # system: 3 framing + 1 role + 4 content; user: 3 + 1 + 2 + (1 name + 1 "bob"); reply: 3.
    assert [m.content_tokens for m in per_message] == [4, 2]
    assert [m.tokens for m in per_message] == [8, 8]
    assert total == 19


def test_a_chat_total_is_the_content_plus_the_rule(reference_encoding):
    ref = reference_encoding("o200k_base")
    raw = [{"role": "user", "content": "¿Qué tal? 你好"}, {"role": "assistant", "content": None},
           {"role": "tool", "content": "{\"ok\": true}", "name": "lookup"}]
    total, _ = count_messages(get_encoding("o200k_base"), parse_messages(raw))
    expected = 3
    for m in raw:
        expected += 3 + len(ref.encode_ordinary(m["role"])) + len(ref.encode_ordinary(m["content"] or ""))
        if "name" in m:
            expected += 1 + len(ref.encode_ordinary(m["name"]))
    assert total == expected


def test_a_special_token_typed_in_text_is_counted_as_plain_text():
    enc = get_encoding("cl100k_base")
    assert count_text(enc, "<|endoftext|>") == 7


@pytest.mark.parametrize("value", [
    [], "hello", [{"content": "no role"}], [{"role": "user", "content": 5}],
    [{"role": "user", "content": "x", "extra": 1}], ["not an object"],
    [{"role": "user", "content": "x", "name": 3}],
])
def test_it_rejects_malformed_messages(value):
    with pytest.raises(PayloadError) as exc:
        parse_messages(value)
    assert exc.value.field == "messages"
