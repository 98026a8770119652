"""Session state: compact vectors, the rolling summary, limits and the client view."""

from __future__ import annotations

import json

import numpy as np

from guards.analyzers.contextguard.state import (
    SessionState,
    Turn,
    decode_vector,
    encode_vector,
    public_view,
)


def unit(seed: int, dim: int = 384) -> np.ndarray:
    vec = np.random.default_rng(seed).standard_normal(dim).astype(np.float32)
    return vec / np.linalg.norm(vec)


def state_with(n: int, *, text: str = "we talked about pasta", vectors: bool = True) -> SessionState:
    state = SessionState.new(1000.0)
    for i in range(n):
        turn = Turn(index=i, role="user", text=text, tokens=5, at=1000.0 + i, vec=unit(i) if vectors else None)
        state.add_turn(turn, max_turns=50, summary_decay=0.7)
    return state


def test_vectors_round_trip_as_float16_in_base64():
    vec = unit(1)
    encoded = encode_vector(vec)
    assert len(encoded) == 1024  # 384 halves = 768 bytes
    assert np.allclose(decode_vector(encoded), vec, atol=1e-3)


def test_the_summary_is_an_exponential_moving_average_of_turn_vectors():
    state = state_with(2)
    expected = 0.7 * unit(0) + 0.3 * unit(1)
    assert np.allclose(state.summary.astype(np.float32), expected, atol=2e-3)


def test_only_the_last_max_turns_are_kept_but_the_count_goes_on():
    state = SessionState.new(0.0)
    for i in range(5):
        state.add_turn(Turn(i, "user", f"turn {i}", 2, float(i)), max_turns=2, summary_decay=0.7)
    assert [t.index for t in state.turns] == [3, 4]
    assert state.count == 5


def test_a_detected_shift_moves_the_topic_start():
    state = state_with(3)
    state.add_turn(Turn(3, "user", "new subject", 2, 5.0, shift=True), max_turns=50, summary_decay=0.7)
    assert state.topic_start == 3


def test_a_turn_that_returns_to_an_earlier_topic_moves_the_topic_back_and_keeps_its_tag():
    state = state_with(2)
    state.add_turn(Turn(2, "user", "digression", 2, 3.0, shift=True), max_turns=50, summary_decay=0.7)
    state.add_turn(Turn(3, "user", "back to it", 2, 4.0, topic=0), max_turns=50, summary_decay=0.7)
    assert state.topic_start == 0
    data = json.loads(json.dumps(state.to_dict(ttl_seconds=60, max_bytes=65536)))
    again = SessionState.from_dict(data, dim=384)
    assert [t.topic for t in again.turns] == [0, 0, 2, 0]
    del data["turns"][0]["p"]  # stored before turns carried their topic
    assert SessionState.from_dict(data, dim=384).turns[0].topic is None


def test_a_state_survives_the_json_round_trip():
    state = state_with(3)
    data = json.loads(json.dumps(state.to_dict(ttl_seconds=60, max_bytes=65536)))
    again = SessionState.from_dict(data, dim=384)
    assert [t.index for t in again.turns] == [0, 1, 2]
    assert np.array_equal(again.turns[2].vec, state.turns[2].vec)
    assert again.count == 3


def test_to_dict_sheds_old_vectors_before_old_turns():
    state = state_with(6)
    data = state.to_dict(ttl_seconds=60, max_bytes=4096)
    size = len(json.dumps(data, separators=(",", ":")).encode())
    assert size <= 4096
    assert len(data["turns"]) == 6  # texts are small: every turn fits once vectors go
    assert ["e" in t for t in data["turns"]] == [False] * 4 + [True] * 2


def test_to_dict_drops_the_oldest_turns_when_vectors_are_not_enough():
    state = state_with(40, text="a long turn about many different things " * 5, vectors=False)
    data = state.to_dict(ttl_seconds=60, max_bytes=2048)
    assert len(json.dumps(data, separators=(",", ":")).encode()) <= 2048
    kept = [t["i"] for t in data["turns"]]
    assert kept == list(range(40 - len(kept), 40))
    assert 0 < len(kept) < 40


def test_a_damaged_or_foreign_state_reads_as_a_new_session():
    assert SessionState.from_dict(None) is None
    assert SessionState.from_dict({"v": 99}) is None
    assert SessionState.from_dict({"v": 1, "count": "x", "turns": []}) is None
    broken = state_with(1).to_dict(ttl_seconds=60, max_bytes=65536)
    broken["turns"][0]["e"] = "not base64!"
    assert SessionState.from_dict(broken) is None


def test_a_vector_of_another_dimension_is_ignored_not_fatal():
    data = state_with(1).to_dict(ttl_seconds=60, max_bytes=65536)
    data["turns"][0]["e"] = encode_vector(np.ones(10, dtype=np.float32))
    assert SessionState.from_dict(data, dim=384).turns[0].vec is None


def test_the_public_view_shows_turns_and_times_but_no_vectors():
    data = state_with(2).to_dict(ttl_seconds=60, max_bytes=65536)
    view = public_view(data)
    assert view["turn_count"] == 2
    assert [t["text"] for t in view["turns"]] == ["we talked about pasta"] * 2
    assert view["roles"] == ["user"]
    assert view["expires_at"] == "1970-01-01T00:17:41Z"  # last update (1001 s) + 60 s
    flat = json.dumps(view)
    assert data["turns"][0]["e"][:40] not in flat
    assert data["summary"][:40] not in flat
