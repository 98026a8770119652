"""Topic-shift features of a new message against the session's memory, and the model.

Two logistic models share one feature recipe: ``semantic`` (MiniLM similarities to the
previous turns and to the rolling summary, plus the lexical cues) and ``lexical`` (cues
only) for when the embedder is unavailable, switched off, or the text is too short to
embed meaningfully. ``bench/train_contextguard_drift.py`` fits both on TIAGE's train
split with exactly these functions and writes ``data/drift_model.json``; each model's
intercept is shifted so that the threshold tuned for F1 on train sits at 0.5, which
makes one tenant threshold mean the same for either.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from guards.analyzers.contextguard import lexical
from guards.analyzers.contextguard.state import Turn

MODEL_PATH = Path(__file__).parent / "data" / "drift_model.json"

LEXICAL_FEATURES = (
    "topic_cue", "overlap_prev", "coverage_recent", "question", "prev_question",
    "new_question", "log_words", "log_prev_words", "position", "content_words",
)
SEMANTIC_FEATURES = (
    "cos_prev", "cos_prev2", "cos_recent_max", "cos_recent_mean", "cos_summary", *LEXICAL_FEATURES,
)
# A follow-up after a turn of its own role (clients that send only user turns): the
# semantic features read against the thread it follows up (``drift.thread_view``), plus
# how it sits in the whole session and the speaker's own cues of continuing or moving on.
SAME_ROLE_FEATURES = (
    *SEMANTIC_FEATURES,
    "cos_own_prev", "cos_session_centroid", "cos_recent_centroid", "own_prev_minus_mean",
    "coverage_session", "prev_covered", "leans_back", "opens_with_reaction", "announces_new_subject",
    "asks_about_you", "ends_with_question", "second_person_rate", "first_person_rate", "fresh_question",
    "after_own_question", "session_coherence", "coherence_gap",
)


@dataclass(frozen=True, slots=True)
class Recipe:
    """Constants the model was trained with; they live in the weights file."""

    recent: int = 4  # how many earlier turns count as "recent"
    summary_decay: float = 0.7  # EMA weight of the old summary
    min_words: int = 2  # below this a message is scored lexically
    embed_chars: int = 512  # only the head is embedded: keeps long messages inside the latency goal


def lexical_features(text: str, history: Sequence[Turn], recipe: Recipe) -> list[float]:
    prev = history[-1].text
    recent = history[-recipe.recent :]
    mine = lexical.content_words(text)
    recent_words = frozenset().union(*(lexical.content_words(t.text) for t in recent))
    question = 1.0 if "?" in text else 0.0
    prev_question = 1.0 if "?" in prev else 0.0
    return [
        1.0 if lexical.has_topic_cue(text) else 0.0,
        lexical.jaccard(mine, lexical.content_words(prev)),
        lexical.coverage(mine, recent_words),
        question,
        prev_question,
        question * (1.0 - prev_question),
        math.log1p(len(lexical.words(text))),
        math.log1p(len(lexical.words(prev))),
        min(history[-1].index + 1, 15) / 15.0,
        len(mine) / 10.0,
    ]


def semantic_features(
    text: str, vec: np.ndarray, history: Sequence[Turn], summary: np.ndarray | None, recipe: Recipe
) -> list[float]:
    """Needs the previous turn's vector; other missing vectors fall back to it."""
    cur = vec.astype(np.float32)
    prev_vec = history[-1].vec
    assert prev_vec is not None
    cos_prev = float(cur @ prev_vec.astype(np.float32))
    prev2 = history[-2].vec if len(history) > 1 else None
    cos_prev2 = float(cur @ prev2.astype(np.float32)) if prev2 is not None else cos_prev
    recent = [t.vec for t in history[-recipe.recent :] if t.vec is not None]
    sims = np.stack(recent).astype(np.float32) @ cur
    if summary is not None:
        s = summary.astype(np.float32)
        cos_summary = float(cur @ s / max(float(np.linalg.norm(s)), 1e-9))
    else:
        cos_summary = cos_prev
    return [cos_prev, cos_prev2, float(sims.max()), float(sims.mean()), cos_summary,
            *lexical_features(text, history, recipe)]


def same_role_features(
    text: str, vec: np.ndarray, thread: Sequence[Turn], turns: Sequence[Turn], summary: np.ndarray | None,
    recipe: Recipe,
) -> list[float]:
    """:func:`semantic_features` against ``thread`` (the turns as :func:`drift.thread_view` orders
    them) and the same-role extras against ``turns`` in session order; the thread's last turn needs a vector.
    """
    base = semantic_features(text, vec, thread, summary, recipe)
    cur = vec.astype(np.float32)
    stored = np.stack([t.vec for t in turns if t.vec is not None]).astype(np.float32)
    sims = stored @ cur
    own_prev = turns[-1].vec
    cos_own_prev = float(cur @ own_prev.astype(np.float32)) if own_prev is not None else base[0]
    centroid = stored.mean(axis=0)
    # How alike the session's own consecutive turns are: a work thread runs at 0.5, chit-chat
    # at 0.2; a message far below its session's usual likeness has left it.
    coherence = float(np.mean(np.sum(stored[1:] * stored[:-1], axis=1))) if len(stored) > 1 else cos_own_prev
    recent_centroid = stored[-3:].mean(axis=0)
    mine = lexical.content_words(text)
    prev_words = lexical.content_words(turns[-1].text)
    session_words = frozenset().union(*(lexical.content_words(t.text) for t in turns))
    question = "?" in text
    you_rate, i_rate = lexical.person_rates(text)
    reaction = lexical.opens_with_reaction(text)
    coverage_session = lexical.coverage(mine, session_words)
    return [
        *base,
        cos_own_prev,
        float(cur @ centroid / max(float(np.linalg.norm(centroid)), 1e-9)),
        float(cur @ recent_centroid / max(float(np.linalg.norm(recent_centroid)), 1e-9)),
        cos_own_prev - float(sims.mean()),
        coverage_session,
        lexical.coverage(prev_words, mine),
        1.0 if lexical.leans_back(text) else 0.0,
        1.0 if reaction else 0.0,
        1.0 if lexical.announces_new_subject(text) else 0.0,
        1.0 if lexical.asks_about_you(text) else 0.0,
        1.0 if question and text.rstrip().endswith("?") else 0.0,
        you_rate,
        i_rate,
        1.0 if question and not reaction and coverage_session == 0.0 else 0.0,
        1.0 if "?" in turns[-1].text and not question else 0.0,
        coherence,
        coherence - base[2],
    ]


@dataclass(frozen=True, slots=True)
class LogisticModel:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def probability(self, x: Sequence[float]) -> float:
        z = float(((np.asarray(x, dtype=np.float64) - self.mean) / self.scale) @ self.coef) + self.intercept
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    @classmethod
    def from_dict(cls, data: dict, expected: tuple[str, ...]) -> LogisticModel:
        if tuple(data["features"]) != expected:
            raise ValueError("drift model features do not match this code; retrain it")
        return cls(tuple(data["features"]), np.asarray(data["mean"]), np.asarray(data["scale"]),
                   np.asarray(data["coef"]), float(data["intercept"]))

    def to_dict(self) -> dict:
        return {"features": list(self.features), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": self.intercept}


@dataclass(frozen=True, slots=True)
class DriftModel:
    """The drift models: one pair for a reply to the other side, one for a same-role follow-up.

    A client that stores only its user turns sends follow-up after follow-up; a user's
    next question is less like their last one than a reply is like the message it
    answers, so read with the same threshold, ordinary follow-ups would be new topics.
    The same-role pair has the same weights and a higher decision point: the topic
    boundary in memory. Whether such a follow-up is *flagged* is scored by ``flag_same_role``,
    a model of its own over :data:`SAME_ROLE_FEATURES` fitted on one speaker's side of each
    TIAGE train dialogue: it ranks the clearest shifts better (what a flag needs), while the
    boundary and the window plan built on it keep the behaviour they had.
    """

    recipe: Recipe
    semantic: LogisticModel
    lexical: LogisticModel
    meta: dict
    semantic_same_role: LogisticModel | None = None
    lexical_same_role: LogisticModel | None = None
    flag_same_role: LogisticModel | None = None

    def pair(self, *, same_role: bool) -> tuple[LogisticModel, LogisticModel]:
        """(semantic, lexical) for a message after a turn of the other role, or of its own role."""
        if same_role and self.semantic_same_role is not None and self.lexical_same_role is not None:
            return self.semantic_same_role, self.lexical_same_role
        return self.semantic, self.lexical

    @classmethod
    def from_dict(cls, data: dict) -> DriftModel:
        semantic = LogisticModel.from_dict(data["semantic"], SEMANTIC_FEATURES)
        lexical_model = LogisticModel.from_dict(data["lexical"], LEXICAL_FEATURES)
        # Same weights, another decision point; the flag model has its own (see
        # bench/train_contextguard_drift.py).
        same = data.get("same_role")
        if not same:
            return cls(Recipe(**data["recipe"]), semantic, lexical_model, data.get("meta", {}))
        flag = same.get("flag_semantic")
        return cls(Recipe(**data["recipe"]), semantic, lexical_model, data.get("meta", {}),
                   dataclasses.replace(semantic, intercept=float(same["semantic_intercept"])),
                   dataclasses.replace(lexical_model, intercept=float(same["lexical_intercept"])),
                   LogisticModel.from_dict(flag, SAME_ROLE_FEATURES) if flag else None)


@lru_cache(maxsize=1)
def load_model(path: str = str(MODEL_PATH)) -> DriftModel:
    """The trained drift model (read once per process)."""
    return DriftModel.from_dict(json.loads(Path(path).read_text()))
