from __future__ import annotations

import pytest

from guards.analyzers.base import AnalyzerContext, PayloadError
from guards.analyzers.registry import analyzer_class
from guards.analyzers.tokenguard import TokenGuard
from guards.analyzers.tokenguard.encodings import get_encoding

GUARD = TokenGuard()


def run(payload, context=None, **settings):
    effective = GUARD.settings_schema.effective(settings)
    return GUARD.analyze(payload, effective, context or AnalyzerContext()).to_dict()


def test_the_registry_finds_tokenguard():
    assert analyzer_class("tokenguard") is TokenGuard


def test_it_names_the_encoding_and_counts_exactly(reference_encoding):
    text = "Tokenize me: naïve café, 東京, 🎉 and `code()`."
    for model, name in (("gpt-4o", "o200k_base"), ("gpt-4", "cl100k_base")):
        out = run({"text": text, "model": model})
        assert out["encoding"] == name
        assert out["token_count"] == len(reference_encoding(name).encode_ordinary(text))
        assert out["decision"] == "keep"
        assert out["notes"] == []


def test_it_answers_per_message_counts_for_chat_input():
    out = run({"messages": [{"role": "system", "content": "Be brief."},
                            {"role": "user", "content": "What is 2+2?"}], "model": "gpt-4o-mini"})
    assert [m["role"] for m in out["message_counts"]] == ["system", "user"]
    assert out["token_count"] == sum(m["tokens"] for m in out["message_counts"]) + 3
    assert out["chat_overhead_tokens"] == out["token_count"] - sum(m["content_tokens"] for m in out["message_counts"])


def test_cost_and_the_pricing_date_are_in_the_response():
    enc = get_encoding("o200k_base")
    text = "price this sentence please"
    out = run({"text": text, "model": "gpt-4o", "max_tokens": 100})
    n = len(enc.encode_ordinary(text))
    assert out["cost"]["input_cost"] == pytest.approx(n * 2.5 / 1e6)
    assert out["cost"]["output_cost"] == pytest.approx(100 * 10 / 1e6)
    assert out["pricing"]["as_of"] == "2025-08-07"


def test_an_unknown_model_is_counted_and_priced_with_notes():
    out = run({"text": "hello", "model": "mystery-model"})
    assert out["encoding"] == "o200k_base"
    assert out["priced_as"] == "gpt-4o"
    assert len(out["notes"]) == 2


def test_an_overflowing_text_is_trimmed_and_the_overflow_span_slices_the_tail():
    text = "Alpha beta gamma delta. " * 20
    out = run({"text": text, "model": "gpt-4o"}, max_tokens=80)
    assert out["decision"] == "trim"
    finding = next(f for f in out["findings"] if f["type"] == "context_overflow")
    tail = text[finding["start"]:finding["end"]]
    enc = get_encoding("o200k_base")
    assert len(enc.encode_ordinary(text[: finding["start"]])) == 80
    assert tail and text.endswith(tail)


def test_far_too_long_text_is_rejected_with_the_reason():
    out = run({"text": "word " * 500}, max_tokens=100)
    assert out["decision"] == "reject"
    assert "would have to go" in out["reason"]
    assert out["score"] == 1.0


def test_optimize_returns_the_smaller_text_and_the_money_saved():
    text = ("Please note that the invoice is late. The invoice total is 1,250.00 EUR.\n"
            "The invoice total is 1,250.00 EUR.\nIt is important to note that payment is due now.   \n"
            "We need the payment confirmed by the accounting team today.\n"
            "We need the payment confirmed by the accounting team today.\n")
    out = run({"text": text, "model": "gpt-4o", "optimize": True})
    opt = out["optimization"]
    assert opt["tokens_saved"] == opt["original_tokens"] - opt["optimized_tokens"] > 0
    assert opt["saving"] == pytest.approx(opt["tokens_saved"] * 2.5 / 1e6)
    assert opt["optimized_text"].count("1,250.00 EUR") == 2  # lines with numbers are kept
    assert opt["optimized_text"].count("We need the payment confirmed") == 1
    for f in out["findings"]:
        if f["category"] == "optimization":
            assert text[f["start"]:f["end"]] == f["evidence"][: f["end"] - f["start"]]


def test_optimize_cuts_an_overflowing_text_to_fit():
    text = " ".join(f"Point {w} adds context about the migration." for w in "abcdefghijklmnop")
    out = run({"text": text, "optimize": True}, max_tokens=80)
    assert out["decision"] == "trim"
    opt = out["optimization"]
    assert opt["truncated"] and opt["truncated_at"] == "sentence"
    assert opt["optimized_tokens"] <= 80
    assert "The optimized text fits." in out["reason"]


def test_optimize_works_per_message_and_names_the_message_in_findings():
    messages = [{"role": "user", "content": "In order to help, read this. Read the whole log file. "
                                             "Read the whole log file."}]
    out = run({"messages": messages, "optimize": True})
    opt = out["optimization"]
    assert opt["optimized_messages"][0]["content"] == "To help, read this. Read the whole log file."
    sources = {f["source"] for f in out["findings"]}
    assert sources == {"messages[0].content"}
    for f in out["findings"]:
        assert messages[0]["content"][f["start"]:f["end"]].startswith(f["evidence"][:5])


def test_the_budget_is_charged_and_reported(budget_store):
    ctx = AnalyzerContext(budgets=budget_store)
    first = run({"text": "one two three"}, ctx, budget_tokens=5, budget_period="day")
    assert first["decision"] == "keep"
    assert first["budget"]["used_tokens"] == first["token_count"] == 3
    second = run({"text": "one two three"}, ctx, budget_tokens=5, budget_period="day")
    assert second["decision"] == "reject"
    assert second["budget"]["exceeded"] is True
    assert "budget exhausted" in second["reason"]
    assert any(f["type"] == "budget_exceeded" for f in second["findings"])


def test_without_a_store_a_configured_budget_is_noted_not_faked():
    out = run({"text": "hi"}, budget_tokens=5)
    assert out["budget"] is None
    assert any("budget store" in n for n in out["notes"])


@pytest.mark.parametrize("payload,field", [
    ({}, "text"), ({"text": 3}, "text"), ({"text": "a", "messages": []}, "messages"),
    ({"text": "a", "max_tokens": 0}, "max_tokens"), ({"text": "a", "max_tokens": True}, "max_tokens"),
    ({"text": "a", "optimize": "yes"}, "optimize"), ({"text": "a", "model": ""}, "model"),
])
def test_invalid_payloads_name_the_field(payload, field):
    with pytest.raises(PayloadError) as exc:
        run(payload)
    assert exc.value.field == field


def test_empty_text_counts_zero():
    out = run({"text": ""})
    assert (out["token_count"], out["decision"], out["score"]) == (0, "keep", 0.0)


def test_optimize_removes_every_repeat_of_a_sentence_with_a_number_and_reports_each_removal():
    sentence = "The cat sat on the mat. Latency fell to 210 ms. We left at noon."
    text = " ".join([sentence] * 40)
    out = run({"text": text, "optimize": True})
    opt = out["optimization"]
    assert opt["optimized_text"] == sentence
    assert opt["edits"] == {"duplicate_sentence": 39 * 3}
    removed = [f for f in out["findings"] if f["type"] == "duplicate_sentence"]
    assert all(text[f["start"]:f["end"]].strip() in sentence for f in removed)
