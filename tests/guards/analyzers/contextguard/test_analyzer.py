"""contextguard as a whole: sessions across calls, drift decisions, payload rules."""

from __future__ import annotations

import json

import pytest

from guards.analyzers.base import AnalyzerContext, PayloadError
from guards.analyzers.contextguard import ContextGuard
from guards.analyzers.contextguard.memory import LocalSessionMemory
from guards.analyzers.registry import analyzer_class

from .conversations import (
    CONFIG_BUG,
    CONFIG_THEN_HIKING,
    DIGRESSION_AT,
    GARDEN,
    GARDEN_SUBJECT_CHANGES,
    LAPTOP_BATTERY,
    MARATHON,
    PASTA,
    SHIFT_AT,
    TRIP_DIALOGUE_WITH_DIGRESSION,
    TRIP_QUESTIONS,
    TRIP_WITH_DIGRESSION,
    role,
)


@pytest.fixture(scope="module")
def guard() -> ContextGuard:
    instance = ContextGuard()
    instance.warm_up()
    return instance


@pytest.fixture
def cfg() -> dict:
    return ContextGuard.settings_schema.defaults()


def converse(guard, cfg, turns, *, session_id="s1", memory=None):
    memory = memory if memory is not None else LocalSessionMemory()
    context = AnalyzerContext(tenant_key="t1", memory=memory)
    return [guard.analyze({"text": t, "role": role(i), "session_id": session_id}, cfg, context)
            for i, t in enumerate(turns)]


def test_the_registry_resolves_contextguard():
    assert analyzer_class("contextguard") is ContextGuard


@pytest.mark.parametrize("turns", [PASTA, CONFIG_BUG], ids=["pasta", "config-bug"])
def test_it_does_not_flag_a_conversation_that_stays_on_topic(guard, cfg, turns):
    results = converse(guard, cfg, turns)
    assert [r.decision for r in results] == ["allow"] * len(turns)
    assert all(r.data["drift_method"] == "embedding" for r in results[1:])
    assert results[-1].data["topic_shift_point"] == 0
    assert results[-1].data["turn_count"] == len(turns)


def test_a_change_of_subject_starts_a_new_topic_and_is_flagged_only_past_the_calibrated_cut(guard, cfg):
    results = converse(guard, cfg, CONFIG_THEN_HIKING)
    shifted = results[SHIFT_AT]
    # A new topic in memory (the model's own decision point) ...
    assert shifted.data["drift_detected"] is True
    assert shifted.data["topic_shift_point"] == SHIFT_AT
    finding = shifted.findings[0]
    assert finding.type == "topic_shift" and finding.score == shifted.score
    assert CONFIG_THEN_HIKING[SHIFT_AT][finding.start:finding.end] == CONFIG_THEN_HIKING[SHIFT_AT]
    # ... but on TIAGE train a turn scored like this started a new topic about two times in
    # three, under the 0.80 a flag needs: reported, not flagged.
    cut = shifted.data["drift_calibration"]["flag_at"]
    assert 0.5 < shifted.data["drift_score"] == round(shifted.score, 4) < cut
    assert [r.decision for r in results] == ["allow"] * len(results)
    # A tenant who wants more recall lowers drift_threshold (a calibrated probability).
    lowered = converse(guard, {**cfg, "drift_threshold": 0.6}, CONFIG_THEN_HIKING)
    assert [r.decision for r in lowered].index("flag") == SHIFT_AT
    assert [r.decision for r in lowered[:SHIFT_AT]] == ["allow"] * SHIFT_AT
    # The answer about hiking continues the new topic; the shift point stays where it began.
    assert lowered[SHIFT_AT + 1].decision == "allow"
    assert results[SHIFT_AT + 1].data["topic_shift_point"] == SHIFT_AT
    assert results[SHIFT_AT + 1].data["closest_turn"]["index"] == SHIFT_AT


def send_as_user(guard, cfg, turns):
    context = AnalyzerContext(tenant_key="t1", memory=LocalSessionMemory(), session_id="user-only")
    return [guard.analyze({"text": t, "role": "user"}, cfg, context) for t in turns]


@pytest.mark.parametrize("turns", [TRIP_QUESTIONS, CONFIG_BUG[0::2], PASTA, LAPTOP_BATTERY, MARATHON, GARDEN],
                         ids=["trip", "config-bug-user-side", "pasta-all-as-user", "laptop", "marathon", "garden"])
def test_on_topic_follow_ups_sent_as_user_turns_only_are_allowed(guard, cfg, turns):
    results = send_as_user(guard, cfg, turns)
    assert [r.decision for r in results] == ["allow"] * len(turns)
    assert results[-1].data["topic_shift_point"] == 0
    # Scored by the same-role flag model, each under its fitted cut.
    for r in results[1:]:
        assert r.data["drift_calibration"]["map"] == "embedding_same_role"
        assert r.score < r.data["drift_calibration"]["flag_at"]


@pytest.mark.parametrize("change", GARDEN_SUBJECT_CHANGES, ids=["by-the-way", "anyway", "changing-the-subject"])
def test_an_explicit_change_of_subject_sent_as_user_turns_only_is_flagged(guard, cfg, change):
    # Issue 10: the shared weights scored these 0.66-0.75 calibrated, under their 0.816 cut,
    # so a user-only session was (almost) never flagged; the same-role flag model ranks an
    # announced new subject with a question to the other side at the top.
    results = send_as_user(guard, cfg, [*GARDEN, change])
    assert [r.decision for r in results] == ["allow"] * len(GARDEN) + ["flag"]
    last = results[-1]
    assert last.data["drift_detected"] is True and last.data["topic_shift_point"] == len(GARDEN)
    assert last.findings[0].type == "topic_shift" and last.findings[0].severity == "medium"
    calibration = last.data["drift_calibration"]
    assert calibration["map"] == "embedding_same_role"
    assert last.score >= calibration["flag_at"]
    # The topic boundary is still read by the boundary model (its own score).
    assert calibration["boundary_score"] != calibration["raw_score"]


def test_a_new_subject_sent_as_user_turns_only_is_still_a_new_topic(guard, cfg):
    results = send_as_user(guard, cfg, CONFIG_THEN_HIKING[0::2])
    assert [r.data["drift_detected"] for r in results] == [False, False, True]
    assert results[-1].data["drift_calibration"]["map"] == "embedding_same_role"
    assert [r.decision for r in results] == ["allow"] * 3  # 0.66 calibrated: under the flag cut
    lowered = send_as_user(guard, {**cfg, "drift_threshold": 0.6}, CONFIG_THEN_HIKING[0::2])
    assert [r.decision for r in lowered] == ["allow", "allow", "flag"]


def test_the_plan_drops_a_digression_and_keeps_the_thread_the_message_returns_to(guard, cfg):
    results = send_as_user(guard, {**cfg, "token_budget": 85}, TRIP_WITH_DIGRESSION)
    assert results[DIGRESSION_AT].data["drift_detected"] is True
    back = results[-1]
    assert back.decision == "allow"
    assert back.data["topic_shift_point"] == 0  # the trip topic again, not the digression
    actions = {step["turn"]: step["action"] for step in back.data["memory"]["plan"]}
    assert actions[DIGRESSION_AT] == "drop"
    assert all(actions[i] == "keep" for i in range(DIGRESSION_AT))


def test_coming_back_from_a_digression_resumes_the_earlier_topic_in_the_plan(guard, cfg):
    results = converse(guard, {**cfg, "token_budget": 100}, TRIP_DIALOGUE_WITH_DIGRESSION)
    back = results[-1]
    assert back.data["drift_detected"] is True  # a change from the turns just before it
    assert back.data["topic_shift_point"] == 0
    assert "returns to the topic begun at turn 0" in back.findings[0].message
    actions = {step["turn"]: step["action"] for step in back.data["memory"]["plan"]}
    assert [actions[i] for i in range(len(TRIP_DIALOGUE_WITH_DIGRESSION))] == [
        "keep", "keep", "keep", "keep", "drop", "drop", "keep"]


def test_a_raised_threshold_stops_the_flag(guard, cfg):
    results = converse(guard, {**cfg, "drift_threshold": 0.99}, CONFIG_THEN_HIKING)
    assert results[SHIFT_AT].decision == "allow"
    assert results[SHIFT_AT].data["drift_score"] > 0.5


def test_it_reports_the_closest_earlier_turn(guard, cfg):
    memory = LocalSessionMemory()
    converse(guard, cfg, CONFIG_BUG[:4], memory=memory)
    context = AnalyzerContext(memory=memory, session_id="s1")
    result = guard.analyze({"text": "Where in the YAML file should the db_host key go?"}, cfg, context)
    closest = result.data["closest_turn"]
    assert closest["index"] == 3  # the turn about the YAML file
    assert closest["similarity"] > 0.4


def test_the_session_id_may_come_from_the_context(guard, cfg):
    memory = LocalSessionMemory()
    context = AnalyzerContext(memory=memory, session_id="from-request")
    guard.analyze({"text": PASTA[0]}, cfg, context)
    second = guard.analyze({"text": PASTA[1]}, cfg, context)
    assert second.data["turn_index"] == 1
    assert memory.load("from-request") is not None


def test_a_missing_session_id_is_a_payload_error(guard, cfg):
    with pytest.raises(PayloadError) as exc:
        guard.analyze({"text": "hello"}, cfg, AnalyzerContext(memory=LocalSessionMemory()))
    assert exc.value.field == "session_id"


@pytest.mark.parametrize(("payload", "field"), [
    ({"text": "hi", "session_id": "s", "role": "robot"}, "role"),
    ({"text": "hi", "session_id": "s", "reset": "yes"}, "reset"),
    ({"text": "hi", "session_id": 12}, "session_id"),
    ({"session_id": "s"}, "text"),
])
def test_it_rejects_malformed_fields(guard, cfg, payload, field):
    with pytest.raises(PayloadError) as exc:
        guard.analyze(payload, cfg, AnalyzerContext(memory=LocalSessionMemory()))
    assert exc.value.field == field


def test_reset_starts_the_session_afresh(guard, cfg):
    memory = LocalSessionMemory()
    converse(guard, cfg, CONFIG_BUG[:3], memory=memory)
    context = AnalyzerContext(memory=memory)
    result = guard.analyze({"text": PASTA[0], "session_id": "s1", "reset": True}, cfg, context)
    assert result.data["turn_index"] == 0
    assert result.data["drift_method"] == "none"
    assert result.data["memory"]["reset"] is True
    assert memory.load("s1")["count"] == 1


def test_sessions_do_not_share_memory(guard, cfg):
    memory = LocalSessionMemory()
    converse(guard, cfg, CONFIG_BUG[:3], session_id="a", memory=memory)
    other = guard.analyze({"text": PASTA[0], "session_id": "b"}, cfg, AnalyzerContext(memory=memory))
    assert other.data["turn_index"] == 0
    assert other.data["closest_turn"] is None


def test_without_a_memory_store_each_message_starts_a_session(guard, cfg):
    context = AnalyzerContext(session_id="s")
    first = guard.analyze({"text": PASTA[0]}, cfg, context)
    second = guard.analyze({"text": PASTA[1]}, cfg, context)
    assert second.data["turn_index"] == 0
    assert second.data["memory"]["persisted"] is False
    assert first.decision == second.decision == "allow"


def test_the_lexical_fallback_scores_without_embeddings(guard, cfg):
    results = converse(guard, {**cfg, "use_embeddings": False}, CONFIG_THEN_HIKING)
    assert {r.data["drift_method"] for r in results[1:]} == {"lexical"}
    assert results[SHIFT_AT].data["drift_score"] > results[SHIFT_AT - 1].data["drift_score"]
    assert results[SHIFT_AT].data["drift_detected"] is True
    # The lexical model never reached 0.80 precision on TIAGE train: it marks topics, never flags.
    assert results[SHIFT_AT].data["drift_calibration"]["flag_at"] > 1.0
    assert results[SHIFT_AT].decision == "allow"


def test_blank_text_is_not_stored_as_a_turn(guard, cfg):
    memory = LocalSessionMemory()
    converse(guard, cfg, PASTA[:2], memory=memory)
    result = guard.analyze({"text": "   ", "session_id": "s1"}, cfg, AnalyzerContext(memory=memory))
    assert result.decision == "allow"
    assert result.data["turn_index"] is None
    assert memory.load("s1")["count"] == 2


def test_the_stored_state_respects_the_turn_and_byte_limits(guard, cfg):
    memory = LocalSessionMemory()
    limits = {**cfg, "max_turns": 3, "max_state_bytes": 4096}
    converse(guard, limits, PASTA, memory=memory)
    state = memory.load("s1")
    assert [t["i"] for t in state["turns"]] == [5, 6, 7]
    assert state["count"] == len(PASTA)
    assert len(json.dumps(state, separators=(",", ":"), ensure_ascii=False).encode()) <= 4096
    assert "e" in state["turns"][-1]  # the newest vector is the last to go


def test_a_window_over_the_token_budget_gets_a_plan(guard, cfg):
    results = converse(guard, {**cfg, "token_budget": 60}, CONFIG_THEN_HIKING)
    memory = results[-1].data["memory"]
    assert memory["over_budget"] is True
    actions = {step["turn"]: step["action"] for step in memory["plan"]}
    assert actions[len(CONFIG_THEN_HIKING) - 1] == "keep"  # the message itself
    assert actions[SHIFT_AT] == "keep"  # the current topic
    assert {actions[i] for i in range(SHIFT_AT)} <= {"summarize", "drop"}
    assert memory["tokens_after_plan"] <= 60
    assert any(f.type == "context_over_budget" for f in results[-1].findings)


def test_a_very_long_message_is_handled_and_stored_trimmed(guard, cfg):
    memory = LocalSessionMemory()
    converse(guard, cfg, PASTA[:2], memory=memory)
    long = "Knead the pasta dough for ten minutes. " * 3000
    result = guard.analyze({"text": long, "session_id": "s1"}, cfg, AnalyzerContext(memory=memory))
    assert result.data["drift_method"] == "embedding"
    assert result.timings_ms["total"] < 1000
    stored = memory.load("s1")["turns"][-1]
    assert stored["t"] == long[: cfg["max_turn_chars"]]
    assert stored["n"] > 20000  # the token estimate counts the whole message
    assert result.data["memory"]["over_budget"] is True


def test_a_missing_embedding_model_degrades_to_the_lexical_fallback(monkeypatch, cfg):
    from guards.analyzers import embeddings

    def broken():
        raise embeddings.EmbeddingModelError("Embedding file missing")

    monkeypatch.setattr(embeddings, "get_embedder", broken)
    results = converse(ContextGuard(), cfg, CONFIG_THEN_HIKING)
    assert {r.data["drift_method"] for r in results[1:]} == {"lexical"}
    assert results[SHIFT_AT].data["drift_detected"] is True
