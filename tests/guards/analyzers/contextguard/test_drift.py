"""The drift detector: features against memory, the trained model, closest turn."""

from __future__ import annotations

import numpy as np
import pytest

from guards.analyzers.contextguard.drift import assess, thread_view, turn_similarities
from guards.analyzers.contextguard.features import (
    SAME_ROLE_FEATURES,
    SEMANTIC_FEATURES,
    load_model,
    same_role_features,
    semantic_features,
)
from guards.analyzers.contextguard.state import SessionState, Turn


@pytest.fixture(scope="module")
def model():
    return load_model()


def axis(i: int, dim: int = 384) -> np.ndarray:
    vec = np.zeros(dim, dtype=np.float32)
    vec[i] = 1.0
    return vec


def session(texts_and_vecs) -> SessionState:
    state = SessionState.new(0.0)
    for i, (text, vec) in enumerate(texts_and_vecs):
        state.add_turn(Turn(i, "user", text, 5, float(i), vec=vec), max_turns=20, summary_decay=0.7)
    return state


def test_the_shipped_model_matches_the_feature_recipe(model):
    assert model.semantic.features == SEMANTIC_FEATURES
    assert model.meta["turns"] > 1000
    # User-only sessions: the boundary keeps the shared weights; the flag model has its own.
    assert model.semantic_same_role.features == SEMANTIC_FEATURES
    assert np.array_equal(model.semantic_same_role.coef, model.semantic.coef)
    assert model.flag_same_role.features == SAME_ROLE_FEATURES
    assert model.meta["same_role_cross_validation"]["auc"] > 0.70  # out of fold, train


def test_same_role_features_read_the_own_previous_turn_and_the_session_beside_the_thread(model):
    # Turn 0 on axis 0, turns 1-2 on axis 1; the message is on axis 0: its thread is turn 0,
    # its own previous turn (turn 2) is unlike it, and the session's turns are half alike.
    state = session([("a", axis(0)), ("b", axis(1)), ("c", axis(1))])
    sims = turn_similarities("d", axis(0), state)
    thread = thread_view(state.turns, sims, model.recipe.recent)
    assert thread[-1].index == 0
    feats = dict(zip(SAME_ROLE_FEATURES, same_role_features("d", axis(0), thread, state.turns, state.summary,
                                                            model.recipe), strict=True))
    assert feats["cos_prev"] == pytest.approx(1.0)  # the thread it follows up
    assert feats["cos_own_prev"] == pytest.approx(0.0)  # what the speaker said last
    assert feats["session_coherence"] == pytest.approx(0.5)  # 0 then 1 between consecutive turns
    assert feats["coherence_gap"] == pytest.approx(0.5 - feats["cos_recent_max"])


def test_a_same_role_follow_up_is_flagged_by_the_flag_model_and_bounded_by_the_boundary_model(model):
    state = session([("my garden tomatoes have yellow leaves", axis(0)),
                     ("should i prune the lower tomato leaves", axis(0))])
    close = assess("how often should i water the tomatoes?", axis(0), state, model, index=2, role="user")
    far = assess("by the way, what do you do for a living?", axis(7), state, model, index=2, role="user")
    for result in (close, far):
        assert result.calibration["map"] == "embedding_same_role"
    assert far.calibration["raw_score"] > close.calibration["raw_score"]
    assert far.calibration["boundary_score"] > close.calibration["boundary_score"]
    assert not close.detected and not close.flagged


def test_the_first_message_has_nothing_to_drift_from(model):
    result = assess("hello there", axis(0), SessionState.new(0.0), model, index=0)
    assert (result.score, result.detected, result.method, result.closest) == (0.0, False, "none", None)


def test_a_message_unlike_the_session_scores_higher_than_a_close_one(model):
    state = session([("the engine of my car makes noise", axis(0)), ("maybe the car engine belt", axis(0))])
    close = assess("could the engine belt be loose?", axis(0), state, model, index=2)
    far = assess("could the engine belt be loose?", axis(5), state, model, index=2)
    assert close.method == far.method == "embedding"
    assert far.score > close.score + 0.3
    assert far.detected and not close.detected
    assert far.topic_shift_point == 2
    assert close.topic_shift_point == 0


def test_the_closest_turn_is_the_most_similar_stored_turn(model):
    state = session([("a", axis(0)), ("b", axis(1)), ("c", axis(2))])
    probe = (axis(1) * 0.8 + axis(2) * 0.6).astype(np.float32)
    result = assess("something", probe, state, model, index=3)
    assert result.closest["index"] == 1
    assert result.closest["similarity"] == pytest.approx(0.8, abs=1e-3)


def test_without_a_vector_the_lexical_model_scores(model):
    state = session([("my garden tomatoes have yellow leaves", None), ("tomatoes with yellow leaves need water", None)])
    same = assess("how often should garden tomatoes get water", None, state, model, index=2)
    other = assess("what is your favorite football team ?", None, state, model, index=2)
    assert same.method == other.method == "lexical"
    assert other.score > same.score
    assert turn_similarities("garden tomatoes water", None, state)[1] > 0.3


def test_a_one_word_message_is_scored_lexically(model):
    state = session([("we discussed the budget", axis(0))])
    assert assess("ok", axis(3), state, model, index=1).method == "lexical"


def test_semantic_features_use_the_rolling_summary(model):
    state = session([("x", axis(0)), ("y", axis(1))])
    feats = dict(zip(SEMANTIC_FEATURES, semantic_features("z", axis(0), state.turns, state.summary, model.recipe), strict=True))
    assert feats["cos_prev"] == pytest.approx(0.0)
    assert feats["cos_prev2"] == pytest.approx(1.0)
    assert feats["cos_summary"] == pytest.approx(0.7 / np.hypot(0.7, 0.3), abs=2e-3)
