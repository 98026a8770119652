from __future__ import annotations

from guards.analyzers.tokenguard.fit import assess_fit


def _fit(tokens, *, window=1000, max_out=500, requested=None, tenant=0, ratio=0.5):
    return assess_fit(input_tokens=tokens, context_window=window, max_output_tokens=max_out,
                      requested_output_tokens=requested, tenant_max_tokens=tenant, max_trim_ratio=ratio)


def test_a_prompt_within_the_window_is_kept():
    fit = _fit(400, requested=200)
    assert (fit.decision, fit.limit, fit.overflow_tokens) == ("keep", 800, 0)
    assert fit.utilization == 0.5


def test_reserved_output_shrinks_the_room_and_a_small_overflow_is_trimmed():
    fit = _fit(900, requested=200)
    assert (fit.decision, fit.overflow_tokens) == ("trim", 100)
    assert "trim 100 tokens" in fit.reason


def test_an_overflow_beyond_the_trim_ratio_is_rejected():
    fit = _fit(2500)
    assert fit.decision == "reject"
    assert "60%" in fit.reason


def test_the_tenant_limit_applies_when_tighter_than_the_window():
    fit = _fit(300, tenant=250)
    assert (fit.decision, fit.limit, fit.limited_by) == ("trim", 250, "tenant_max_tokens")
    assert _fit(300, tenant=5000).limited_by == "context_window"


def test_asking_for_more_output_than_the_model_gives_is_rejected():
    fit = _fit(10, requested=501)
    assert fit.decision == "reject"
    assert "maximum output" in fit.reason
