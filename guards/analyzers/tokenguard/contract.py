"""tokenguard's payload and ``data``: the declaration its validation and the API schema share."""

from __future__ import annotations

from guards.analyzers.contract import (
    BOOLEAN,
    CONTENT_TYPE,
    INTEGER,
    NOT_BLANK,
    NUMBER,
    STRING,
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
from guards.analyzers.tokenguard.counting import parse_messages
from guards.analyzers.tokenguard.fit import KEEP, REJECT, TRIM

MESSAGE = {
    "type": "object",
    "properties": {"role": {"type": "string", "minLength": 1, "pattern": NOT_BLANK},
                   "content": nullable(STRING), "name": STRING},
    "required": ["role"],
    "additionalProperties": False,
}

PAYLOAD = PayloadSchema(
    (
        text_field(required=False, help="A prompt as plain text (or send messages)."),
        PayloadField("messages", {"type": "array", "minItems": 1, "items": MESSAGE},
                     help="A chat request: {role, content, name?} objects, counted by OpenAI's chat rule.",
                     normalise=parse_messages),
        PayloadField("model", {"type": "string", "pattern": NOT_BLANK, "maxLength": 200},
                     help="Model to count, price and size for (default: the tenant's default_model).",
                     normalise=str.strip),
        PayloadField("max_tokens", {"type": "integer", "minimum": 1},
                     help="Output tokens the request will ask for; reserved in the context window."),
        PayloadField("optimize", BOOLEAN, help="Also answer an optimized text and what it saves.", default=False),
        CONTENT_TYPE,
    ),
    exactly_one_of=("text", "messages"),
)

_OPTIMIZATION = object_of(
    "With optimize: the optimized text (or messages) and what it saves.",
    optimized_text=STRING, optimized_messages=array_of(MESSAGE), truncated=BOOLEAN,
    truncated_at=nullable(INTEGER), protected_spans=INTEGER, original_tokens=INTEGER, optimized_tokens=INTEGER,
    tokens_saved=INTEGER, saving=described(NUMBER, "Input cost saved, in the pricing currency."),
    saving_ratio=NUMBER, edits={"type": "object", "additionalProperties": INTEGER},
)

RESULT = ResultSchema(
    decisions=(KEEP, TRIM, REJECT),
    help="keep: fits; trim: over the limit but trimmable within max_trim_ratio; reject: does not fit or "
         "over budget. score is the share of the limit used.",
    fields={
        "model": STRING,
        "priced_as": described(STRING, "The price-table model used (the fallback for unknown models)."),
        "encoding": described(STRING, "cl100k_base or o200k_base."),
        "char_count": described(INTEGER, "With text."),
        "message_counts": array_of(object_of(index=INTEGER, role=STRING, content_tokens=INTEGER, tokens=INTEGER),
                                   "With messages: each message's tokens."),
        "chat_overhead_tokens": described(INTEGER, "With messages: framing and reply priming."),
        "token_count": described(INTEGER, "Prompt tokens."),
        "optimization": _OPTIMIZATION,
        "context_window": INTEGER,
        "max_output_tokens": INTEGER,
        "fit": object_of(fits=BOOLEAN, limit_tokens=INTEGER, limited_by=STRING, reserved_output_tokens=INTEGER,
                         overflow_tokens=INTEGER, utilization=NUMBER),
        "cost": object_of("Estimated cost of this prompt and the reserved output.",
                          model=STRING, input_tokens=INTEGER, output_tokens=INTEGER, input_per_1m=NUMBER,
                          output_per_1m=NUMBER, input_cost=NUMBER, output_cost=NUMBER, total_cost=NUMBER),
        "pricing": object_of(as_of=STRING, currency=STRING, source=STRING),
        "budget": nullable(object_of(
            "The tenant's token budget (null when none is configured).",
            limit_tokens=INTEGER, used_tokens=INTEGER, remaining_tokens=INTEGER, charged_tokens=INTEGER,
            period=STRING, window=STRING, resets_at=STRING, exceeded=BOOLEAN)),
        "reason": STRING,
        "notes": array_of(STRING),
    },
    always=("model", "priced_as", "encoding", "token_count", "context_window", "max_output_tokens", "fit", "cost",
            "pricing", "budget", "reason", "notes"),
)

CONTRACT = GuardContract(
    payload=PAYLOAD, result=RESULT,
    example={"text": "Please summarise the attached quarterly report in three bullet points.",
             "model": "gpt-4o", "max_tokens": 300, "optimize": True},
)
