"""contextguard: session memory, drift of a new message from the conversation, window advice.

Payload (declared in :mod:`.contract`): ``text``, ``session_id`` (or the request's
top-level one, passed as ``context.session_id``), ``role`` and ``reset``. Memory goes through ``context.memory`` (a tenant-scoped
:class:`~guards.analyzers.base.SessionMemory`); without one, each message is analysed as
the first of a new session and ``memory.persisted`` is false. Two messages of one
session analysed at the same time both read the same state and the later save wins:
chat clients send a session's turns in order, so no lock is taken.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from guards.analyzers.base import (
    Analyzer,
    AnalyzerContext,
    Finding,
    GuardResult,
    PayloadError,
)
from guards.analyzers.contextguard import lexical
from guards.analyzers.contextguard.contract import CONTRACT
from guards.analyzers.contextguard.drift import DriftAssessment, assess
from guards.analyzers.contextguard.features import DriftModel, load_model
from guards.analyzers.contextguard.state import SessionState, Turn
from guards.analyzers.contextguard.window import plan_window
from guards.analyzers.embeddings import DIM
from guards.analyzers.schema import Setting, SettingsSchema

logger = logging.getLogger(__name__)

# Drift is judged on the head of a message: turns are a few sentences in the training
# data, and reading a megabyte of text word by word would cost far more than it tells.
MAX_ANALYSED_CHARS = 4000


class ContextGuard(Analyzer):
    name = "contextguard"
    version = "1.3.0"
    description = "Per-session memory, drift of each message from the conversation, context-window advice."
    contract = CONTRACT

    @classmethod
    def applies_to(cls, payload: dict[str, Any], *, session_id: str | None = None) -> bool:
        return bool(payload.get("session_id") or session_id)

    settings_schema = SettingsSchema((
        Setting("drift_threshold", "float", 0.0, "Calibrated drift score (the chance that a new topic "
                "starts here) at which the message is flagged; 0 = the cut fitted on TIAGE train for each "
                "view (precision >= 0.80 there). Topic boundaries in memory do not depend on it.",
                min=0.0, max=1.0),
        Setting("use_embeddings", "bool", True, "Score with sentence embeddings; off = lexical only."),
        Setting("max_turns", "int", 20, "Turns kept in session memory.", min=1, max=200),
        Setting("ttl_seconds", "int", 3600, "Session memory expires this long after the last message.",
                min=1, max=30 * 86400),
        Setting("max_state_bytes", "int", 65536, "Upper bound of one session's stored state "
                "(oldest vectors, then oldest turns, are shed to fit).", min=2048, max=1048576),
        Setting("max_turn_chars", "int", 500, "Characters of each turn's text kept in memory.",
                min=0, max=4000),
        Setting("token_budget", "int", 3000, "Context tokens the client wants to send; above it the "
                "response advises which turns to keep, summarize or drop.", min=1, max=2_000_000),
        Setting("keep_recent_turns", "int", 4, "Most recent turns advised to keep (unless they belong "
                "to another topic and are unrelated to the message).", min=0, max=200),
        Setting("keep_similarity", "float", 0.5, "Older turns at least this similar to the message are kept.",
                min=0.0, max=1.0),
        Setting("summarize_similarity", "float", 0.25, "Older turns at least this similar are "
                "summarized; less similar ones dropped.", min=0.0, max=1.0),
    ))

    def __init__(self, model: DriftModel | None = None) -> None:
        self._model = model or load_model()
        self._embedder: Any = None
        self._embedder_failed = False

    def warm_up(self) -> None:
        self._get_embedder()

    def _get_embedder(self) -> Any:
        """The shared embedder, or None once it has failed to load (then lexical only)."""
        if self._embedder is None and not self._embedder_failed:
            try:
                from guards.analyzers.embeddings import get_embedder

                self._embedder = get_embedder()
            except Exception:
                logger.exception("contextguard: embedder unavailable, using the lexical fallback")
                self._embedder_failed = True
        return self._embedder

    def analyze(self, payload: dict[str, Any], settings: dict[str, Any], context: AnalyzerContext) -> GuardResult:
        started = time.perf_counter()
        payload = self.contract.payload.validate(payload)
        text, role, reset = payload["text"], payload["role"], payload["reset"]
        session_id = payload["session_id"] or context.session_id
        if not session_id or not session_id.strip():
            raise PayloadError("session_id", "This field is required: drift is measured against a session.")

        timings: dict[str, float] = {}
        memory = context.memory
        state: SessionState | None = None
        if memory is not None:
            if reset:
                memory.delete(session_id)
            else:
                state = SessionState.from_dict(memory.load(session_id), dim=DIM)
        now = time.time()
        state = state or SessionState.new(now)
        timings["memory_load"] = _ms(started)

        if not text.strip():
            return self._empty_result(state, memory is not None, timings, started)

        vec = None
        mark = time.perf_counter()
        if settings["use_embeddings"]:
            embedder = self._get_embedder()
            if embedder is not None:
                vec = embedder.embed_one(text[: self._model.recipe.embed_chars])
        timings["embed"] = _ms(mark)

        mark = time.perf_counter()
        index = state.count
        drift = assess(text[:MAX_ANALYSED_CHARS], vec, state, self._model, index=index, role=role,
                       resume_at=settings["keep_similarity"], flag_at=settings["drift_threshold"])
        turn = Turn(index=index, role=role, text=text[: settings["max_turn_chars"]],
                    tokens=lexical.estimate_tokens(text), at=now, shift=drift.detected, vec=vec,
                    topic=drift.topic_shift_point)
        state.add_turn(turn, max_turns=settings["max_turns"], summary_decay=self._model.recipe.summary_decay)
        drift.similarities[index] = 1.0
        window = plan_window(
            state.turns, drift.similarities, current=index, topic_start=state.topic_start,
            token_budget=settings["token_budget"], keep_recent=settings["keep_recent_turns"],
            keep_at=settings["keep_similarity"], summarize_at=settings["summarize_similarity"],
        )
        timings["drift"] = _ms(mark)

        mark = time.perf_counter()
        if memory is not None:
            memory.save(session_id, state.to_dict(ttl_seconds=settings["ttl_seconds"],
                                                  max_bytes=settings["max_state_bytes"]),
                        ttl_seconds=settings["ttl_seconds"])
        timings["memory_save"] = _ms(mark)
        timings["total"] = _ms(started)

        return GuardResult(
            decision="flag" if drift.flagged else "allow",
            score=drift.score,
            findings=_findings(text, drift, window, index),
            data={
                "drift_score": round(drift.score, 4),
                "drift_detected": drift.detected,
                "drift_method": drift.method,
                "drift_calibration": drift.calibration,
                "closest_turn": drift.closest,
                "topic_shift_point": drift.topic_shift_point,
                "similarity": drift.signals,
                "turn_index": index,
                "turn_count": state.count,
                "memory": {"persisted": memory is not None, "reset": reset,
                           "turns_stored": len(state.turns), **window},
            },
            version=self.version,
            timings_ms=timings,
        )

    def _empty_result(self, state: SessionState, persisted: bool, timings: dict[str, float],
                      started: float) -> GuardResult:
        """Blank text is not a turn: nothing is stored and nothing can drift."""
        timings["total"] = _ms(started)
        return GuardResult(
            decision="allow", score=0.0, version=self.version, timings_ms=timings,
            data={"drift_score": 0.0, "drift_detected": False, "drift_method": "none",
                  "drift_calibration": None,
                  "closest_turn": None, "topic_shift_point": state.topic_start, "similarity": {},
                  "turn_index": None, "turn_count": state.count,
                  "memory": {"persisted": persisted, "reset": False, "turns_stored": len(state.turns),
                             "window_tokens": sum(t.tokens for t in state.turns), "over_budget": False,
                             "plan": []}},
        )


def _findings(text: str, drift: DriftAssessment, window: dict[str, Any], index: int) -> list[Finding]:
    findings = []
    if drift.detected:
        resumed = drift.topic_shift_point != index
        findings.append(Finding(
            type="topic_shift", category="drift",
            severity="medium" if drift.flagged else "low" if drift.score >= 0.5 else "info",
            score=drift.score, start=0, end=len(text), evidence=text[:80],
            message=(f"The message leaves the recent turns and returns to the topic begun at turn "
                     f"{drift.topic_shift_point}." if resumed else
                     "The message starts a new topic relative to the session's context."),
            detail={"closest_turn": drift.closest, "method": drift.method, "flagged": drift.flagged,
                    **(drift.calibration or {}),
                    **({"resumes_topic": drift.topic_shift_point} if resumed else {})},
        ))
    if window["over_budget"]:
        overflow = window["window_tokens"] / max(1, window["token_budget"]) - 1.0
        findings.append(Finding(
            type="context_over_budget", category="memory", severity="info", score=min(1.0, overflow),
            message=f"The session window holds {window['window_tokens']} tokens, over the budget of "
                    f"{window['token_budget']}; see memory.plan.",
        ))
    return findings


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000.0

