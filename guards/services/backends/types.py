"""Plain values passed between the resolver, the runner and the backends (picklable, cacheable)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from guards.analyzers.base import AnalyzerContext

INPROCESS = "inprocess"


@dataclass(frozen=True, slots=True)
class BackendSpec:
    """A backend as the runner needs it; ``id`` is None for the implicit in-process backend."""

    name: str = INPROCESS
    kind: str = INPROCESS
    id: int | None = None
    base_url: str = ""
    timeout: float = 300.0
    auth_header: str = ""
    auth_secret_name: str = ""
    max_retries: int = 0
    active: bool = True

    @property
    def is_remote(self) -> bool:
        return self.kind != INPROCESS

    @classmethod
    def from_model(cls, backend: Any) -> BackendSpec:
        return cls(
            name=backend.name, kind=backend.kind, id=backend.pk, base_url=backend.base_url.rstrip("/"),
            timeout=float(backend.timeout), auth_header=backend.auth_header,
            auth_secret_name=backend.auth_secret_name, max_retries=int(backend.max_retries),
            active=backend.active,
        )


IN_PROCESS = BackendSpec()


@dataclass(slots=True)
class GuardCall:
    """One guard run as a backend receives it.

    ``settings`` are the tenant's stored overrides (or already-effective settings):
    whoever runs the analyzer merges them over its own schema's defaults, so a remote
    service with a newer analyzer applies its own defaults.
    """

    guard: str
    payload: dict[str, Any]
    settings: dict[str, Any]
    context: AnalyzerContext
    timeout: float
    meta: dict[str, Any] = field(default_factory=dict)  # user_id, session_id, priority, client_type
    #: when the caller stops waiting (``time.monotonic()``); in-process runs are stopped there.
    #: None: ``timeout`` seconds from when the analysis starts.
    deadline: float | None = None


@dataclass(slots=True)
class GuardAnswer:
    """A guard's result in the seed contract's ``data`` shape."""

    data: dict[str, Any]

    @property
    def decision(self) -> str:
        return str(self.data.get("decision") or "")

    @property
    def score(self) -> float | None:
        score = self.data.get("score")
        return float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else None
