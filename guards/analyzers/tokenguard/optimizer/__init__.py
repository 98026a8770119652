"""The text optimizer: compress, deduplicate and optionally cut to a token budget.

Code blocks (fenced and indented), inline code and quoted text are never changed, no
edit changes the spacing inside a number, and a number is removed only with a repeat of
a whole prose sentence whose first copy stays.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from guards.analyzers.tokenguard.optimizer.edits import (
    Edit,
    apply_edits,
    propose_edits,
    select_edits,
    whitespace_edits,
)
from guards.analyzers.tokenguard.optimizer.protect import ProtectedIndex, protected_spans
from guards.analyzers.tokenguard.optimizer.truncate import Truncation, truncate_to_budget

__all__ = ["Edit", "Optimization", "optimize_text", "protected_spans", "truncate_to_budget"]


@dataclass(frozen=True, slots=True)
class Optimization:
    text: str
    edits: list[Edit]
    protected_spans: int
    truncation: Truncation | None = None
    counts: dict[str, int] = field(default_factory=dict)


def optimize_text(text: str, *, count: Callable[[str], int], budget: int | None = None) -> Optimization:
    """Compress ``text``; with ``budget``, also cut the result to that many tokens."""
    spans = protected_spans(text)
    edits = propose_edits(text, ProtectedIndex(spans))
    optimized = apply_edits(text, edits)
    # Deletions can leave whitespace behind ("a.  b." -> "a. "): one more whitespace pass.
    tidy = select_edits(whitespace_edits(optimized), ProtectedIndex(protected_spans(optimized)))
    optimized = apply_edits(optimized, tidy)
    truncation = None
    if budget is not None:
        truncation = truncate_to_budget(optimized, budget, count)
        optimized = truncation.text
    return Optimization(
        text=optimized,
        edits=edits,
        protected_spans=len(spans),
        truncation=truncation,
        counts=dict(Counter(e.kind for e in edits)),
    )
