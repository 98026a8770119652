"""The analyzer contract every guard implements.

Analyzers are pure: a payload, the tenant's effective settings and a small context go
in, a :class:`GuardResult` comes out. They import nothing from Django, DRF, accounts or
billing, so the same code runs in the gateway, inside a standalone guard service and in
the benchmark scripts.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Protocol

from guards.analyzers.schema import SettingsSchema

SEVERITIES = ("info", "low", "medium", "high", "critical")
# Each guard's decision vocabulary mapped onto one severity scale: allow < flag < block.
DECISION_SEVERITY = {"allow": 0, "keep": 0, "pass": 0, "flag": 1, "trim": 1, "warn": 1, "review": 1,
                     "block": 2, "reject": 2}


class PayloadError(ValueError):
    """The payload is not valid for this guard; the API answers 400 naming ``field``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(slots=True)
class Finding:
    """One thing an analyzer found, located by character offsets into the analysed text.

    ``start``/``end`` index the text named by ``source`` (``text`` or ``output_text``),
    so ``payload[source][start:end]`` is exactly the span; ``evidence`` is a redacted
    excerpt safe to log and return.
    """

    type: str
    category: str
    severity: str
    score: float
    start: int | None = None
    end: int | None = None
    evidence: str = ""
    message: str = ""
    source: str = "text"
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["score"] = round(float(self.score), 4)
        return data


@dataclass(slots=True)
class GuardResult:
    """What every guard answers: a decision, a score in [0, 1], findings, a version.

    ``data`` carries the guard's own fields (token counts, trust score, drift...);
    they are merged into the response next to the common ones.
    """

    decision: str
    score: float
    findings: list[Finding] = field(default_factory=list)
    sanitized_text: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    version: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "decision": self.decision,
            "score": round(float(self.score), 4),
            "findings": [f.to_dict() for f in self.findings],
            "analyzer_version": self.version,
        }
        if self.sanitized_text is not None:
            out["sanitized_text"] = self.sanitized_text
        if self.timings_ms:
            out["timings_ms"] = {k: round(v, 3) for k, v in self.timings_ms.items()}
        out.update(self.data)
        return out


class SessionMemory(Protocol):
    """Per-tenant, per-session conversation memory (Redis in the gateway)."""

    def load(self, session_id: str) -> dict[str, Any] | None: ...

    def save(self, session_id: str, state: dict[str, Any], *, ttl_seconds: int) -> None: ...

    def delete(self, session_id: str) -> bool: ...


class BudgetStore(Protocol):
    """Per-tenant token budget counters over a period (Redis in the gateway)."""

    def consume(self, key: str, amount: int, *, period_seconds: int) -> int:
        """Add ``amount`` to the period's counter and return the new total."""
        ...

    def used(self, key: str) -> int: ...


class BackendHealthProvider(Protocol):
    """The current health of the tenant's guard backends (breaker state, latency)."""

    def snapshot(self) -> list[dict[str, Any]]: ...


@dataclass(slots=True)
class AnalyzerContext:
    """Request-scoped facts an analyzer may use; every field is optional.

    ``tenant_key`` is an opaque per-tenant namespace (never a secret); stores given
    here are already scoped to the tenant, so an analyzer cannot reach another's data.
    """

    request_id: str = ""
    tenant_key: str = ""
    session_id: str | None = None
    memory: SessionMemory | None = None
    budgets: BudgetStore | None = None
    backend_health: BackendHealthProvider | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Analyzer(ABC):
    """Base class of the six guards' analyzers.

    Subclasses set ``name``, ``version`` and ``settings_schema`` and implement
    :meth:`analyze`. Instances are created once per process and must be thread-safe:
    load models in ``__init__`` (or lazily, once) and keep no per-request state.
    """

    name: ClassVar[str]
    version: ClassVar[str]
    settings_schema: ClassVar[SettingsSchema]
    description: ClassVar[str] = ""

    @abstractmethod
    def analyze(
        self, payload: dict[str, Any], settings: dict[str, Any], context: AnalyzerContext
    ) -> GuardResult:
        """Analyse ``payload`` with the tenant's effective ``settings``.

        Raise :class:`PayloadError` for a payload the guard cannot work with.
        """

    def warm_up(self) -> None:  # noqa: B027 - optional hook, no-op by default
        """Load models eagerly (called once per worker at start-up); default: nothing."""

    @classmethod
    def applies_to(cls, payload: dict[str, Any], *, session_id: str | None = None) -> bool:
        """Whether a multi-guard scan that did not name this guard should run it.

        A guard whose required input is absent (trustguard without ``output_text``,
        contextguard without a session) would only fail; a scan of "everything enabled"
        skips it instead. Naming the guard explicitly still runs it (and yields a 400).
        """
        return True


def require_text(payload: dict[str, Any], field_name: str = "text", *, required: bool = True) -> str:
    """Return ``payload[field_name]`` as a string, or raise :class:`PayloadError`."""
    value = payload.get(field_name)
    if value is None:
        if required:
            raise PayloadError(field_name, "This field is required.")
        return ""
    if not isinstance(value, str):
        raise PayloadError(field_name, "Must be a string.")
    return value


def decide(score: float, *, flag_at: float, block_at: float) -> str:
    """Map a risk score to ``allow``/``flag``/``block`` with the tenant's thresholds."""
    if score >= block_at:
        return "block"
    if score >= flag_at:
        return "flag"
    return "allow"
