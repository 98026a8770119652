"""trustguard's payload and ``data``: the declaration its validation and the API schema share."""

from __future__ import annotations

from typing import Any

from guards.analyzers.contract import (
    BOOLEAN,
    CONTENT_TYPE,
    INTEGER,
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

VERDICTS = ("supported", "unsupported", "contradicted", "unverifiable")
_PASSAGE = {"oneOf": [STRING, {"type": "object", "properties": {"text": STRING}, "required": ["text"]}],
            "description": "a passage, or an object with its text"}


def passages(value: list[Any]) -> list[str]:
    """``sources`` as plain strings (items may be objects with a ``text``)."""
    return [item["text"] if isinstance(item, dict) else item for item in value]


PAYLOAD = PayloadSchema((
    text_field(required=False, help="The prompt the model answered; its statements count as reference when "
                                    "no sources are given."),
    text_field("output_text", help="The model's answer: the text whose claims are checked."),
    PayloadField("sources", {"type": "array", "items": _PASSAGE},
                 help="Reference passages the answer should be grounded in (strings, or objects with a text).",
                 default=[], normalise=passages),
    CONTENT_TYPE,
))

_CLAIM = object_of(text=STRING, start=INTEGER, end=INTEGER, source=STRING,
                   verdict={"type": "string", "enum": list(VERDICTS)}, supported=BOOLEAN, score=NUMBER,
                   passage=described(nullable(INTEGER), "Index into sources; -1: the prompt."),
                   evidence=nullable(STRING), similarity=nullable(NUMBER))

RESULT = ResultSchema(
    decisions=("allow", "flag", "block"),
    help="score is the calibrated risk that the output is unfaithful (1 - trust_score).",
    fields={
        "trust_score": UNIT,
        "grounding_score": nullable(UNIT),
        "raw_risk": described(nullable(NUMBER), "The output model's uncalibrated probability."),
        "output_features": nullable({"type": "object", "additionalProperties": NUMBER}),
        "reference": {"type": "string", "enum": ["sources", "prompt", "none"]},
        "verdicts": {"type": "object", "properties": {v: INTEGER for v in VERDICTS}},
        "claims": array_of(_CLAIM),
        "unsupported_claims": array_of(_CLAIM, "Claims whose verdict is not supported."),
        "claims_truncated": BOOLEAN,
        "overconfidence_markers": INTEGER,
        "hedging_markers": INTEGER,
        "refusal": BOOLEAN,
        "abstention": BOOLEAN,
        "contradictions": INTEGER,
        "citations": array_of(object_of(kind=STRING, text=STRING, start=INTEGER, end=INTEGER, found=BOOLEAN)),
    },
    always=("trust_score", "grounding_score", "reference", "verdicts", "claims", "unsupported_claims",
            "contradictions", "citations"),
)

CONTRACT = GuardContract(
    payload=PAYLOAD, result=RESULT,
    example={"text": "When was the Eiffel Tower completed?",
             "output_text": "The Eiffel Tower was completed in 1889 and is 330 metres tall.",
             "sources": ["The Eiffel Tower was completed in 1889.", {"text": "It is 330 metres tall."}]},
)
