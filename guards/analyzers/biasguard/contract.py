"""biasguard's payload and ``data``: the declaration its validation and the API schema share."""

from __future__ import annotations

from guards.analyzers.biasguard.categories import CATEGORIES, CATEGORIES_SCHEMA, categories_from
from guards.analyzers.contract import (
    CONTENT_TYPE,
    INTEGER,
    STRING,
    UNIT,
    GuardContract,
    PayloadField,
    PayloadSchema,
    ResultSchema,
    array_of,
    described,
    object_of,
    text_field,
)

PAYLOAD = PayloadSchema((
    text_field(),
    PayloadField("categories", CATEGORIES_SCHEMA,
                 help=f"Check only these categories (within the tenant's): {', '.join(CATEGORIES)}; common "
                      "spellings such as race or sexual-orientation are accepted.",
                 normalise=categories_from),
    CONTENT_TYPE,
))

RESULT = ResultSchema(
    decisions=("allow", "flag", "block"),
    help="score is the strongest finding's calibrated probability.",
    fields={
        "checked_categories": array_of({"type": "string", "enum": list(CATEGORIES)}),
        "categories": {"type": "object", "additionalProperties": object_of(findings=INTEGER, score=UNIT),
                       "description": "Per category with findings: how many and the highest score."},
        "embedded_sentences": described(INTEGER, "Sentences the stereotype model read."),
        "offensive_score": UNIT,
        "neutral_text": described(STRING, "The text with biased terms replaced by neutral alternatives."),
        "findings_omitted": described(INTEGER, "Findings beyond max_findings (not listed)."),
    },
    always=("checked_categories", "categories"),
)

CONTRACT = GuardContract(
    payload=PAYLOAD, result=RESULT,
    example={"text": "Every chairman should thank his secretary and her team.", "categories": ["gender"]},
)
