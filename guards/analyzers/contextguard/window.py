"""Context-window advice: which stored turns to keep, summarize or drop under a token budget.

A client that resends its whole history can follow the plan to send a smaller context.
Turns are judged by what they are to the *current* message: the message itself and
system instructions are always kept; the turns of the current topic (a message that
returns to an earlier thread after a digression rejoins that thread's topic) are kept,
and so are the last few turns unless they belong to another topic and are unrelated to
the message; other turns are kept, summarized or dropped by their similarity to the
message. If the kept turns still overflow the budget, the least relevant are demoted
first (other topics before the current one, lower similarity first, then older first:
keep -> summarize -> drop) until the plan fits or only the untouchable turns remain.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from guards.analyzers.contextguard.state import Turn

SUMMARY_RATIO = 0.25  # a summary is assumed to cost a quarter of the turn it replaces
SUMMARY_MIN_TOKENS = 8


@dataclass(slots=True)
class Advice:
    index: int
    role: str
    tokens: int
    action: str  # keep | summarize | drop
    reason: str
    pinned: bool = False  # current message or system instruction: never demoted

    def cost(self) -> int:
        if self.action == "keep":
            return self.tokens
        if self.action == "summarize":
            return min(self.tokens, max(SUMMARY_MIN_TOKENS, math.ceil(self.tokens * SUMMARY_RATIO)))
        return 0

    def to_dict(self) -> dict[str, Any]:
        return {"turn": self.index, "role": self.role, "tokens": self.tokens, "action": self.action,
                "reason": self.reason}


def in_topic(turn: Turn, topic_start: int) -> bool:
    """Whether ``turn`` belongs to the current topic (by its tag; untagged: by position)."""
    return turn.topic == topic_start if turn.topic is not None else turn.index >= topic_start


def _initial(turn: Turn, *, current: int, topic_start: int, recent_from: int, similarity: float | None,
             keep_at: float, summarize_at: float) -> Advice:
    def advice(action: str, reason: str, pinned: bool = False) -> Advice:
        return Advice(turn.index, turn.role, turn.tokens, action, reason, pinned)

    if turn.index == current:
        return advice("keep", "current message", pinned=True)
    if turn.role == "system":
        return advice("keep", "system instruction", pinned=True)
    if in_topic(turn, topic_start):
        return advice("keep", "part of the current topic")
    # Recency alone does not keep a digression the conversation has left.
    if turn.index >= recent_from and (similarity is None or similarity >= summarize_at):
        return advice("keep", "one of the most recent turns")
    if similarity is None:
        return advice("summarize", "other topic; relevance unknown")
    if similarity >= keep_at:
        return advice("keep", f"other topic but close to the current message (similarity {similarity:.2f})")
    if similarity >= summarize_at:
        return advice("summarize", f"other topic, loosely related (similarity {similarity:.2f})")
    return advice("drop", f"other topic, unrelated to the current message (similarity {similarity:.2f})")


def plan_window(
    turns: Sequence[Turn],
    similarities: dict[int, float],
    *,
    current: int,
    topic_start: int,
    token_budget: int,
    keep_recent: int,
    keep_at: float,
    summarize_at: float,
) -> dict[str, Any]:
    """Advice for ``turns`` (oldest first, the current message included).

    ``similarities`` maps turn index to similarity with the current message. The plan
    is empty while the window fits ``token_budget``.
    """
    window_tokens = sum(t.tokens for t in turns)
    out: dict[str, Any] = {"window_tokens": window_tokens, "token_budget": token_budget,
                           "over_budget": window_tokens > token_budget, "plan": []}
    if not out["over_budget"]:
        return out

    recent_from = turns[-keep_recent - 1].index if len(turns) > keep_recent else turns[0].index
    advice = [
        _initial(t, current=current, topic_start=topic_start, recent_from=recent_from,
                 similarity=similarities.get(t.index), keep_at=keep_at, summarize_at=summarize_at)
        for t in turns
    ]
    # Least relevant first: other topics before the current one, then by similarity, oldest first.
    by_turn = {t.index: t for t in turns}
    order = sorted(advice, key=lambda a: (in_topic(by_turn[a.index], topic_start),
                                          similarities.get(a.index, 0.0), a.index))
    for demote_from, demote_to in (("keep", "summarize"), ("summarize", "drop")):
        for item in order:
            if sum(a.cost() for a in advice) <= token_budget:
                break
            if item.action == demote_from and not item.pinned:
                item.action = demote_to
                item.reason = f"over the token budget: least relevant {demote_from} turn ({item.reason})"
    planned = sum(a.cost() for a in advice)
    out.update(plan=[a.to_dict() for a in advice], tokens_after_plan=planned,
               fits=planned <= token_budget)
    return out
