"""contextguard's payload and ``data``: the declaration its validation and the API schema share."""

from __future__ import annotations

from guards.analyzers.contextguard.state import ROLES
from guards.analyzers.contract import (
    BOOLEAN,
    CONTENT_TYPE,
    INTEGER,
    NOT_BLANK,
    NUMBER,
    STRING,
    UNIT,
    GuardContract,
    PayloadField,
    PayloadSchema,
    ResultSchema,
    array_of,
    described,
    nullable,
    object_of,
    text_field,
)

MAX_SESSION_ID_CHARS = 256

PAYLOAD = PayloadSchema((
    text_field(help="The new message; a blank one is not stored and cannot drift."),
    PayloadField("session_id", {"type": "string", "pattern": NOT_BLANK, "maxLength": MAX_SESSION_ID_CHARS},
                 help="The conversation; required here or as the request's top-level session_id."),
    PayloadField("role", {"type": "string", "enum": list(ROLES)}, help="Who wrote the message.", default="user"),
    PayloadField("reset", BOOLEAN, help="Forget the session before this message.", default=False),
    CONTENT_TYPE,
))

_ADVICE = object_of(turn=INTEGER, role=STRING, tokens=INTEGER,
                    action={"type": "string", "enum": ["keep", "summarize", "drop"]}, reason=STRING)

RESULT = ResultSchema(
    decisions=("allow", "flag"),
    help="flag: the message starts a new topic (calibrated drift score at or above the flag cut); score is "
         "the calibrated drift score.",
    fields={
        "drift_score": UNIT,
        "drift_detected": BOOLEAN,
        "drift_method": described(STRING, "How drift was measured (none for the first message)."),
        "drift_calibration": nullable(object_of(
            "The drift model's own score (raw_score), the map that calibrated it, the flag cut applied, and "
            "the score of the topic-boundary model (boundary_score; 0.5 marks a topic boundary in memory: the "
            "same model as raw_score except for a follow-up after a turn of the same role, which has a flag "
            "model of its own) (null: nothing to compare with).",
            map=STRING, raw_score=NUMBER, flag_at=NUMBER, boundary_score=NUMBER)),
        "closest_turn": nullable(object_of(index=INTEGER, similarity=NUMBER, role=STRING)),
        "topic_shift_point": described(INTEGER, "Index of the turn where the current topic began."),
        "similarity": {"type": "object", "additionalProperties": NUMBER},
        "turn_index": described(nullable(INTEGER), "Index of this message in the session (null: blank)."),
        "turn_count": INTEGER,
        "memory": object_of(
            "The stored session and, over token_budget, which turns to keep, summarize or drop.",
            persisted=BOOLEAN, reset=BOOLEAN, turns_stored=INTEGER, window_tokens=INTEGER, token_budget=INTEGER,
            over_budget=BOOLEAN, plan=array_of(_ADVICE), tokens_after_plan=INTEGER, fits=BOOLEAN),
    },
    always=("drift_score", "drift_detected", "drift_method", "drift_calibration", "closest_turn", "topic_shift_point", "similarity",
            "turn_index", "turn_count", "memory"),
)

CONTRACT = GuardContract(
    payload=PAYLOAD, result=RESULT,
    example={"text": "Can we also book a table for dinner on the first night?", "session_id": "trip-lisbon-42",
             "role": "user"},
)
