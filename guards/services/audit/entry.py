"""One audit entry: what a guard call leaves behind, and its spool line.

``entry_id`` is minted here, on the server, for every entry: it is what replays are
de-duplicated by. The request id cannot be the key, because a client may send its own
``X-Request-ID`` (and reuse it, or two tenants may pick the same one): keyed on it, a
second call would be dropped from the audit and from billing.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any


def _new_entry_id() -> str:
    return os.urandom(16).hex()  # a random (version-less) 128-bit id; cheaper than uuid4()


@dataclass(slots=True)
class AuditEntry:
    request_id: str
    tenant_id: int
    guard: str
    outcome: str
    latency_ms: float
    key_id: int | None = None
    key_prefix: str = ""
    backend: str = ""
    service_used: str = ""
    decision: str = ""
    score: float | None = None
    error_code: str = ""
    client_type: str = ""
    text_length: int = 0
    text_sha256: str = ""
    raw_text: str = ""
    mode: str = ""
    enforced: bool | None = None
    config_version: int | None = None
    verdict: str = ""
    failure_policy: str = ""
    degraded: bool = False
    findings: list[dict[str, Any]] = field(default_factory=list)
    created_at: datetime | None = None
    entry_id: str = field(default_factory=_new_entry_id)

    def to_line(self) -> bytes:
        """One spool line: JSON with ASCII escapes (lone surrogates survive), newline-terminated."""
        data = {name: getattr(self, name) for name in FIELDS}
        data["created_at"] = self.created_at.isoformat() if self.created_at is not None else None
        return (json.dumps(data, separators=(",", ":")) + "\n").encode("ascii")

    @classmethod
    def from_line(cls, line: bytes) -> AuditEntry:
        """Parse a spool line; fields a newer release added are ignored. Raises ValueError."""
        data = json.loads(line)
        if not isinstance(data, dict) or not data.get("entry_id"):
            raise ValueError("not an audit entry")
        values: dict[str, Any] = {k: v for k, v in data.items() if k in FIELDS}
        if values.get("created_at"):
            values["created_at"] = datetime.fromisoformat(values["created_at"])
        return cls(**values)


FIELDS: tuple[str, ...] = tuple(f.name for f in fields(AuditEntry))


def text_fingerprint(text: str) -> tuple[int, str]:
    """Length in characters and sha256 of the UTF-8 text: enough to correlate, nothing to leak."""
    return len(text), hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def audit_entry_fields(payload: dict[str, Any], *, store_raw_text: bool) -> dict[str, Any]:
    """The text columns of an entry: length and hash always, the raw text only when opted in."""
    text = payload.get("text") if isinstance(payload, dict) else None
    if not isinstance(text, str):
        return {}
    length, digest = text_fingerprint(text)
    return {"text_length": length, "text_sha256": digest, "raw_text": text if store_raw_text else ""}
