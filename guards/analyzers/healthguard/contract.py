"""healthguard's payload and ``data``: the declaration its validation and the API schema share."""

from __future__ import annotations

from guards.analyzers.contract import (
    CONTENT_TYPE,
    INTEGER,
    NUMBER,
    STRING,
    GuardContract,
    PayloadSchema,
    ResultSchema,
    described,
    nullable,
    object_of,
    text_field,
)

PAYLOAD = PayloadSchema((
    text_field(),
    text_field("output_text", required=False, help="A model's answer, checked the same way."),
    CONTENT_TYPE,
))

_FIELD_REPORT = object_of(
    chars=INTEGER, bytes=INTEGER, lines=INTEGER, mojibake_runs=INTEGER,
    language=object_of(language=STRING, confidence=NUMBER, scripts={"type": "object", "additionalProperties": NUMBER}),
    gibberish_ratio=NUMBER, repetition_ratio=NUMBER,
)
_BACKEND = object_of(name=STRING, kind=nullable(STRING), breaker_state=STRING, latency_p50_ms=nullable(NUMBER),
                     latency_p95_ms=nullable(NUMBER), error_rate=nullable(NUMBER), recent_calls=nullable(NUMBER),
                     status=STRING)

RESULT = ResultSchema(
    decisions=("allow", "flag", "block"),
    help="sanitized_text is text with mojibake repaired and control characters removed (when any were found).",
    fields={
        "fields": {"type": "object", "additionalProperties": _FIELD_REPORT,
                   "description": "Per checked field (text, output_text): size, language and ratios."},
        "platform": object_of("The tenant's guard backends (when the gateway passes their health).",
                              status=STRING, backends={"type": "array", "items": _BACKEND}),
        "repaired_output_text": described(STRING, "output_text repaired like sanitized_text."),
    },
    always=("fields",),
)

CONTRACT = GuardContract(
    payload=PAYLOAD, result=RESULT,
    example={"text": "CafÃ© au lait, s'il vous plaÃ®t.", "output_text": "Sure! Sure! Sure! Sure! Sure! Sure!"},
)
