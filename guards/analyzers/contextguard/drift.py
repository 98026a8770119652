"""How far a new message moves from the session's context.

The drift model (see :mod:`.features`) scores how likely a new topic starts with this
message; its own decision point marks a topic boundary in memory. The reported score is
that model score calibrated for the view it came from (:mod:`.calibrators`): the share of
TIAGE train turns scored alike that did start a new topic; a message is flagged where the
calibrated score reaches the view's flag cut (train precision >= 0.80) or the tenant's.
A follow-up after a turn of its own role (clients that send only user turns) is scored for
the flag by the same-role flag model (``DriftModel.flag_same_role``) and bounded in memory
by the same-role boundary model; ``drift_calibration.boundary_score`` is the latter.
Beside it come the similarity of the message to every stored turn (the closest one is
reported, the window planner uses all of them) and where the current topic began.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from guards.analyzers.contextguard import lexical
from guards.analyzers.contextguard.calibrators import BOUNDARY, calibrator_for
from guards.analyzers.contextguard.features import (
    DriftModel,
    lexical_features,
    same_role_features,
    semantic_features,
)
from guards.analyzers.contextguard.state import SessionState, Turn


@dataclass(slots=True)
class DriftAssessment:
    score: float  # calibrated: the chance that a new topic starts here (TIAGE train)
    detected: bool  # a topic boundary in memory (the model's own decision point, or flagged)
    method: str  # "embedding", "lexical" or "none" (nothing to compare with)
    topic_shift_point: int
    closest: dict[str, Any] | None
    similarities: dict[int, float] = field(default_factory=dict)  # turn index -> similarity
    signals: dict[str, float] = field(default_factory=dict)
    flagged: bool = False  # the calibrated score reached the flag cut
    calibration: dict[str, Any] | None = None  # map, raw_score, flag_at, boundary_score


def turn_similarities(text: str, vec: np.ndarray | None, state: SessionState) -> dict[int, float]:
    """Cosine to each stored turn that has a vector, content-word Jaccard to the rest."""
    mine = lexical.content_words(text)
    out: dict[int, float] = {}
    for turn in state.turns:
        if vec is not None and turn.vec is not None:
            out[turn.index] = float(vec.astype(np.float32) @ turn.vec.astype(np.float32))
        else:
            out[turn.index] = lexical.jaccard(mine, lexical.content_words(turn.text))
    return out


def thread_view(history: Sequence[Turn], sims: dict[int, float], recent: int) -> list[Turn]:
    """``history`` with the recent turn closest to the message moved last, as its counterpart.

    After a turn of the other role, that turn is what the message answers. A follow-up
    after a turn of its own role (a client that stores only user turns) answers nothing
    in particular: it continues whichever recent thread it is closest to, so that turn
    plays the previous turn's part in the features.
    """
    window = history[-recent:]
    closest = max(window, key=lambda t: (sims.get(t.index, 0.0), t.index))
    if closest is history[-1]:
        return list(history)
    return [t for t in history if t is not closest] + [closest]


def assess(
    text: str,
    vec: np.ndarray | None,
    state: SessionState,
    model: DriftModel,
    *,
    index: int,
    role: str = "user",
    resume_at: float | None = None,
    flag_at: float = 0.0,
    boundary: float = BOUNDARY,
) -> DriftAssessment:
    """Score ``text`` (turn number ``index``, sent as ``role``) against ``state`` before it is added.

    A new topic starts in memory where the model score reaches ``boundary``; the message
    is flagged where the calibrated score reaches ``flag_at`` (0: the view's fitted cut),
    and a flagged message always starts a new topic. A shift whose closest stored turn is
    at least ``resume_at`` similar and belongs to another topic than the current one
    resumes that topic (back from a digression) instead of starting a new one; it is
    still reported as a shift.
    """
    history = state.turns
    if not history:
        return DriftAssessment(0.0, False, "none", state.topic_start if state.count else index, None)

    recipe = model.recipe
    same_role = history[-1].role == role
    semantic_model, lexical_model = model.pair(same_role=same_role)
    sims = turn_similarities(text, vec, state)
    turns = history
    if same_role:
        history = thread_view(history, sims, recipe.recent)
    counterpart = history[-1]
    tiny = len(lexical.words(text)) < recipe.min_words
    signals: dict[str, float] = {}
    if vec is not None and not tiny and history[-1].vec is not None:
        if same_role and model.flag_same_role is not None:
            x = same_role_features(text, vec, history, turns, state.summary, recipe)
            boundary_raw = semantic_model.probability(x[: len(semantic_model.features)])
            raw = model.flag_same_role.probability(x)
        else:
            x = semantic_features(text, vec, history, state.summary, recipe)
            raw = boundary_raw = semantic_model.probability(x)
        method = "embedding"
        signals = {"previous_turn": x[0], "recent_max": x[2], "summary": x[4]}
    else:
        x = lexical_features(text, history, recipe)
        raw = boundary_raw = lexical_model.probability(x)
        method = "lexical"
        signals = {"previous_turn": x[1], "recent_coverage": x[2]}

    best = max(sims, key=lambda i: sims[i])
    closest_turn = next(t for t in history if t.index == best)
    name, calibrator = calibrator_for(method, same_role=same_role)
    score = calibrator(raw)
    cut = flag_at if flag_at > 0 else calibrator.flag_at
    flagged = score >= cut
    detected = boundary_raw >= boundary or flagged
    if detected:
        resumed = closest_turn.topic if resume_at is not None and sims[best] >= resume_at else None
        topic = resumed if resumed is not None and resumed != state.topic_start else index
    elif counterpart.topic is not None:
        topic = counterpart.topic  # continues the thread it follows up, perhaps one left earlier
    else:
        topic = state.topic_start
    return DriftAssessment(
        score=score,
        detected=detected,
        method=method,
        topic_shift_point=topic,
        closest={"index": best, "similarity": round(sims[best], 4), "role": closest_turn.role},
        similarities=sims,
        signals={k: round(v, 4) for k, v in signals.items()},
        flagged=flagged,
        calibration={"map": name, "raw_score": round(raw, 4), "flag_at": round(cut, 4),
                     "boundary_score": round(boundary_raw, 4)},
    )
