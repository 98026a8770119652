"""Does the prompt fit? ``keep``, ``trim`` or ``reject``, with the reason.

The room for the prompt is the model's context window less the output tokens the
client reserves (``max_tokens``), capped by the tenant's own ``max_tokens`` limit.
A prompt over that room can be trimmed when only a modest share would have to go
(``max_trim_ratio``); past that, cutting would gut the request, so it is rejected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KEEP, TRIM, REJECT = "keep", "trim", "reject"


@dataclass(frozen=True, slots=True)
class Fit:
    decision: str
    reason: str
    input_tokens: int
    limit: int  # most prompt tokens allowed
    limited_by: str  # context_window | tenant_max_tokens
    reserved_output_tokens: int
    overflow_tokens: int

    @property
    def utilization(self) -> float:
        """Share of the allowed room the prompt uses, clipped to [0, 1] (the guard's score)."""
        if self.limit <= 0:
            return 1.0
        return min(1.0, self.input_tokens / self.limit)

    def to_dict(self) -> dict[str, Any]:
        return {
            "fits": self.overflow_tokens == 0 and self.decision != REJECT,
            "limit_tokens": self.limit,
            "limited_by": self.limited_by,
            "reserved_output_tokens": self.reserved_output_tokens,
            "overflow_tokens": self.overflow_tokens,
            "utilization": round(self.utilization, 4),
        }


def assess_fit(
    *,
    input_tokens: int,
    context_window: int,
    max_output_tokens: int,
    requested_output_tokens: int | None,
    tenant_max_tokens: int,
    max_trim_ratio: float,
) -> Fit:
    reserved = requested_output_tokens or 0
    window_room = max(0, context_window - reserved)
    if tenant_max_tokens and tenant_max_tokens < window_room:
        limit, limited_by = tenant_max_tokens, "tenant_max_tokens"
    else:
        limit, limited_by = window_room, "context_window"
    overflow = max(0, input_tokens - limit)

    def fit(decision: str, reason: str) -> Fit:
        return Fit(decision, reason, input_tokens, limit, limited_by, reserved, overflow)

    if requested_output_tokens and requested_output_tokens > max_output_tokens:
        return fit(REJECT, f"max_tokens {requested_output_tokens} exceeds the model's maximum output "
                           f"of {max_output_tokens} tokens.")
    if reserved >= context_window:
        return fit(REJECT, f"max_tokens {reserved} leaves no room in the {context_window}-token "
                           "context window.")
    where = "the tenant's max_tokens" if limited_by == "tenant_max_tokens" else "the context window"
    if overflow == 0:
        return fit(KEEP, f"{input_tokens} prompt tokens fit within {limit} allowed by {where}.")
    share = overflow / input_tokens
    if limit > 0 and share <= max_trim_ratio:
        return fit(TRIM, f"{input_tokens} prompt tokens exceed the {limit} allowed by {where}; "
                         f"trim {overflow} tokens ({share:.0%}).")
    return fit(REJECT, f"{input_tokens} prompt tokens exceed the {limit} allowed by {where}; "
                       f"{share:.0%} would have to go (more than {max_trim_ratio:.0%}).")
