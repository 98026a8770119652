"""A session's conversation memory: recent turns, a rolling summary vector, counters.

The state is a small JSON object that the gateway's :class:`SessionMemory` stores as is
(Redis in production). It stays compact: texts are trimmed, turn vectors are float16
in base64 (768 bytes of vector become 1 KiB of text), and :meth:`SessionState.to_dict`
sheds the oldest vectors, then the oldest turns, to fit the tenant's byte limit.

Stored shape (``v`` is the format version; an unknown or damaged state reads as a new
session rather than failing the request)::

    {"v": 1, "count": 12, "topic": 9, "created": 1700000000.0, "updated": ..., "ttl": 3600,
     "summary": "<b64 f16>" | null,
     "turns": [{"i": 11, "r": "user", "t": "trimmed text", "n": 14, "at": ..., "s": 0,
                "p": 9, "e": "<b64 f16>"}]}

``p`` is the turn where that turn's topic began (absent in states stored before it was
kept; then the current topic is "every turn since ``topic``").
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

FORMAT_VERSION = 1
ROLES = ("user", "assistant", "system")


def encode_vector(vec: np.ndarray) -> str:
    return base64.b64encode(np.asarray(vec, dtype="<f2").tobytes()).decode("ascii")


def decode_vector(data: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(data, validate=True), dtype="<f2")


def to_half(vec: np.ndarray) -> np.ndarray:
    """Quantise like storage does, so a fresh turn scores exactly as a reloaded one."""
    return np.asarray(vec, dtype="<f2")


def _json_size(obj: Any) -> int:
    return len(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


@dataclass(slots=True)
class Turn:
    index: int  # position in the session, counting turns that were dropped from the window
    role: str
    text: str  # trimmed to the tenant's max_turn_chars
    tokens: int  # estimate for the full, untrimmed message
    at: float
    shift: bool = False  # drift was detected on this turn: a topic began here
    vec: np.ndarray | None = None  # float16 unit vector, or None (lexical mode / shed for size)
    topic: int | None = None  # index of the turn that began this turn's topic (None: stored before topics)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"i": self.index, "r": self.role, "t": self.text, "n": self.tokens,
                               "at": round(self.at, 3), "s": int(self.shift)}
        if self.topic is not None:
            out["p"] = self.topic
        if self.vec is not None:
            out["e"] = encode_vector(self.vec)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], dim: int | None) -> Turn:
        vec = decode_vector(data["e"]) if data.get("e") else None
        if vec is not None and dim is not None and vec.shape[0] != dim:
            vec = None  # stored by a different model: unusable, not fatal
        return cls(index=int(data["i"]), role=str(data["r"]), text=str(data["t"]),
                   tokens=int(data["n"]), at=float(data["at"]), shift=bool(data.get("s")), vec=vec,
                   topic=int(data["p"]) if data.get("p") is not None else None)


@dataclass(slots=True)
class SessionState:
    turns: list[Turn] = field(default_factory=list)
    summary: np.ndarray | None = None  # float16 EMA of turn vectors
    count: int = 0  # turns ever seen in this session
    topic_start: int = 0  # index of the turn where the current topic began
    created: float = 0.0
    updated: float = 0.0

    @classmethod
    def new(cls, now: float | None = None) -> SessionState:
        now = time.time() if now is None else now
        return cls(created=now, updated=now)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None, *, dim: int | None = None) -> SessionState | None:
        """Rebuild a stored state; ``None`` when absent, of another version or damaged."""
        if not isinstance(data, dict) or data.get("v") != FORMAT_VERSION:
            return None
        try:
            turns = [Turn.from_dict(t, dim) for t in data.get("turns", [])]
            summary = decode_vector(data["summary"]) if data.get("summary") else None
            if summary is not None and dim is not None and summary.shape[0] != dim:
                summary = None
            return cls(turns=turns, summary=summary, count=int(data["count"]),
                       topic_start=int(data.get("topic", 0)), created=float(data["created"]),
                       updated=float(data["updated"]))
        except (KeyError, TypeError, ValueError, binascii.Error):
            return None

    def add_turn(self, turn: Turn, *, max_turns: int, summary_decay: float) -> None:
        """Append ``turn``, fold its vector into the summary and keep the last ``max_turns``."""
        if turn.vec is not None:
            turn.vec = to_half(turn.vec)
            if self.summary is None or self.summary.shape != turn.vec.shape:
                self.summary = turn.vec.copy()
            else:
                mixed = summary_decay * self.summary.astype(np.float32) + (1.0 - summary_decay) * turn.vec
                self.summary = to_half(mixed)
        if turn.topic is None:
            turn.topic = turn.index if turn.shift else self.topic_start
        # A message that picks an earlier thread back up moves the current topic back to it.
        self.topic_start = turn.topic
        self.turns.append(turn)
        del self.turns[:-max_turns]
        self.count = turn.index + 1
        self.updated = max(self.updated, turn.at)

    def to_dict(self, *, ttl_seconds: int, max_bytes: int) -> dict[str, Any]:
        """The storable form, shrunk to at most ``max_bytes`` of compact JSON.

        Vectors go first (oldest first: the newest ones drive the next drift score),
        then whole turns (oldest first); the newest turn always stays, its text cut
        if it alone is too large.
        """
        head: dict[str, Any] = {"v": FORMAT_VERSION, "count": self.count, "topic": self.topic_start,
                                "created": round(self.created, 3), "updated": round(self.updated, 3),
                                "ttl": ttl_seconds,
                                "summary": encode_vector(self.summary) if self.summary is not None else None}
        turns = [t.to_dict() for t in self.turns]
        budget = max_bytes - _json_size({**head, "turns": []})
        sizes = [_json_size(t) + 1 for t in turns]  # +1 for the separating comma
        with_vec = [i for i, t in enumerate(turns) if "e" in t]
        while sum(sizes) > budget and len(with_vec) > 1:
            i = with_vec.pop(0)
            del turns[i]["e"]
            sizes[i] = _json_size(turns[i]) + 1
        while sum(sizes) > budget and len(turns) > 1:
            turns.pop(0)
            sizes.pop(0)
        if turns and sum(sizes) > budget:
            turns[-1].pop("e", None)
            excess = _json_size(turns[-1]) + 1 - budget
            if excess > 0:
                text = turns[-1]["t"]
                turns[-1]["t"] = text[: max(0, len(text) - excess)]
        return {**head, "turns": turns}


def public_view(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a client may see of a stored state: turns and timestamps, never vectors."""
    state = SessionState.from_dict(data)
    if state is None:
        return None
    ttl = int(data.get("ttl", 0)) if isinstance(data, dict) else 0
    return {
        "turn_count": state.count,
        "turns_stored": len(state.turns),
        "topic_shift_point": state.topic_start,
        "created_at": _iso(state.created),
        "updated_at": _iso(state.updated),
        "expires_at": _iso(state.updated + ttl) if ttl else None,
        "roles": sorted({t.role for t in state.turns}),
        "turns": [
            {"index": t.index, "role": t.role, "text": t.text, "tokens": t.tokens,
             "at": _iso(t.at), "topic_shift": t.shift}
            for t in state.turns
        ],
    }


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))
