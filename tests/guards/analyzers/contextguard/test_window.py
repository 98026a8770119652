"""Window advice: keep, summarize or drop turns to fit the token budget."""

from __future__ import annotations

from guards.analyzers.contextguard.state import Turn
from guards.analyzers.contextguard.window import plan_window


def turns(*specs: tuple[str, int]) -> list[Turn]:
    return [Turn(index=i, role=role, text="...", tokens=tokens, at=float(i)) for i, (role, tokens) in enumerate(specs)]


def plan(window, sims, **overrides):
    options = {"current": window[-1].index, "topic_start": window[-1].index, "token_budget": 100,
               "keep_recent": 1, "keep_at": 0.5, "summarize_at": 0.25, **overrides}
    return plan_window(window, sims, **options)


def test_a_window_within_budget_needs_no_plan():
    window = turns(("user", 30), ("assistant", 30), ("user", 30))
    out = plan(window, {0: 0.1, 1: 0.1, 2: 1.0})
    assert out["over_budget"] is False
    assert out["plan"] == []
    assert out["window_tokens"] == 90


def test_old_turns_are_judged_by_their_relevance_to_the_message():
    window = turns(("user", 40), ("assistant", 40), ("user", 40), ("assistant", 10), ("user", 10))
    out = plan(window, {0: 0.8, 1: 0.3, 2: 0.05, 3: 0.3, 4: 1.0}, token_budget=200)
    assert out["plan"] == []  # 140 tokens fit
    out = plan(window, {0: 0.8, 1: 0.3, 2: 0.05, 3: 0.3, 4: 1.0}, token_budget=120)
    actions = [step["action"] for step in out["plan"]]
    assert actions == ["keep", "summarize", "drop", "keep", "keep"]
    assert "similarity 0.05" in out["plan"][2]["reason"]
    assert out["tokens_after_plan"] == 40 + 10 + 10 + 10
    assert out["fits"] is True


def test_system_instructions_and_the_current_topic_are_kept():
    window = turns(("system", 20), ("user", 30), ("assistant", 30), ("user", 30), ("assistant", 30))
    out = plan(window, {0: 0.0, 1: 0.0, 2: 0.0, 3: 0.1, 4: 1.0}, topic_start=3, token_budget=100)
    actions = {step["turn"]: (step["action"], step["reason"]) for step in out["plan"]}
    assert actions[0] == ("keep", "system instruction")
    assert actions[3][0] == "keep" and "current topic" in actions[3][1]
    assert actions[1][0] == actions[2][0] == "drop"


def test_a_recent_turn_of_another_topic_unrelated_to_the_message_is_not_kept_for_its_recency():
    window = turns(("user", 40), ("assistant", 40), ("user", 10))
    out = plan(window, {0: 0.6, 1: 0.1, 2: 1.0}, token_budget=60)
    assert [step["action"] for step in out["plan"]] == ["keep", "drop", "keep"]
    assert "similarity 0.10" in out["plan"][1]["reason"]


def tagged(*specs: tuple[str, int, int]) -> list[Turn]:
    return [Turn(index=i, role=role, text="...", tokens=tokens, at=float(i), topic=topic)
            for i, (role, tokens, topic) in enumerate(specs)]


def test_a_digression_is_dropped_and_the_thread_the_message_returns_to_is_kept():
    # Turns 0-2 and the message are one topic (0); turn 3 was a digression (its own topic).
    window = tagged(("user", 20, 0), ("user", 20, 0), ("user", 20, 0), ("user", 20, 3), ("user", 10, 0))
    out = plan(window, {0: 0.5, 1: 0.07, 2: 0.3, 3: 0.02, 4: 1.0}, topic_start=0, keep_recent=4, token_budget=80)
    actions = {step["turn"]: (step["action"], step["reason"]) for step in out["plan"]}
    assert [actions[i][0] for i in range(5)] == ["keep", "keep", "keep", "drop", "keep"]
    assert "current topic" in actions[1][1]  # related by topic although its similarity is 0.07
    assert out["fits"] is True


def test_the_least_relevant_turns_are_demoted_first():
    window = turns(("user", 50), ("assistant", 50), ("user", 50), ("assistant", 50), ("user", 10))
    out = plan(window, {0: 0.9, 1: 0.6, 2: 0.8, 3: 0.7, 4: 1.0}, keep_recent=0, token_budget=175)
    actions = [step["action"] for step in out["plan"]]
    assert actions == ["keep", "summarize", "keep", "keep", "keep"]  # 0.6 goes first, not the oldest


def test_kept_turns_are_demoted_oldest_first_until_the_plan_fits():
    window = turns(("user", 50), ("assistant", 50), ("user", 50), ("assistant", 50))
    out = plan(window, {0: 0.9, 1: 0.9, 2: 0.9, 3: 1.0}, topic_start=0, token_budget=130)
    actions = [step["action"] for step in out["plan"]]
    assert actions == ["summarize", "summarize", "keep", "keep"]
    assert out["plan"][0]["reason"].startswith("over the token budget")
    assert out["tokens_after_plan"] == 13 + 13 + 50 + 50


def test_a_message_larger_than_the_budget_is_kept_and_reported_as_not_fitting():
    window = turns(("user", 10), ("user", 500))
    out = plan(window, {0: 0.9, 1: 1.0}, token_budget=100)
    assert [s["action"] for s in out["plan"]] == ["drop", "keep"]
    assert out["fits"] is False
