"""The health of the tenant's guard backends, from ``context.backend_health``.

The gateway's provider reports each backend's circuit-breaker state, recent latency and
error rate; we normalise the entries (providers name fields slightly differently),
judge each against the tenant's thresholds and sum it up as healthy/degraded/down.
Without a provider there is nothing to report, and nothing is invented.
"""

from __future__ import annotations

from typing import Any

from guards.analyzers.base import BackendHealthProvider, Finding


def _num(entry: dict[str, Any], *keys: str) -> float | None:
    for key in keys:
        value = entry
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return None


def normalise(entry: dict[str, Any]) -> dict[str, Any]:
    state = str(entry.get("breaker_state") or entry.get("state") or "closed").lower().replace("-", "_")
    return {
        "name": str(entry.get("name") or entry.get("guard") or entry.get("backend") or "unknown"),
        "kind": entry.get("kind"),
        "breaker_state": state,
        "latency_p50_ms": _num(entry, "latency_p50_ms", "p50_ms", "latency_ms.p50", "latency.p50"),
        "latency_p95_ms": _num(entry, "latency_p95_ms", "p95_ms", "latency_ms.p95", "latency.p95"),
        "error_rate": _num(entry, "error_rate", "errors.rate"),
        "recent_calls": _num(entry, "recent_calls"),
        "active": entry.get("active"),
    }


def backend_report(
    provider: BackendHealthProvider | None, settings: dict[str, Any]
) -> tuple[dict[str, Any] | None, list[Finding]]:
    if provider is None:
        return None, []
    try:
        entries = [normalise(e) for e in provider.snapshot() if isinstance(e, dict)]
    except Exception as exc:  # noqa: BLE001 - a failing probe must not fail the text check
        return {"status": "unknown", "error": type(exc).__name__, "backends": []}, []
    findings = []
    for b in entries:
        problems = []
        if b["breaker_state"] == "open":
            problems.append(("backend_unavailable", "high", 0.9, "circuit breaker open"))
        elif b["breaker_state"] == "half_open":
            problems.append(("backend_recovering", "medium", 0.5, "circuit breaker half-open"))
        if b["error_rate"] is not None and b["error_rate"] >= settings["backend_error_rate"]:
            problems.append(("backend_errors", "medium", min(1.0, 0.4 + b["error_rate"]),
                             f"error rate {b['error_rate']:.0%}"))
        if b["latency_p95_ms"] is not None and b["latency_p95_ms"] >= settings["backend_p95_ms"]:
            problems.append(("backend_slow", "low", 0.35, f"p95 latency {b['latency_p95_ms']:.0f} ms"))
        b["status"] = "down" if b["breaker_state"] == "open" else ("degraded" if problems else "healthy")
        for kind, severity, score, what in problems:
            findings.append(Finding(type=kind, category="platform", severity=severity, score=score,
                                    message=f"Backend {b['name']}: {what}.", source="backend_health",
                                    detail={"backend": b["name"]}))
    statuses = {b["status"] for b in entries}
    if not entries:
        status = "unknown"
    elif statuses == {"down"}:
        status = "down"
    elif statuses == {"healthy"}:
        status = "healthy"
    else:
        status = "degraded"
    return {"status": status, "backends": entries}, findings
