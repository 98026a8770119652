"""Prometheus metrics of guard calls (multiprocess-safe: gunicorn sets PROMETHEUS_MULTIPROC_DIR).

Counters and histograms aggregate across workers by themselves; the breaker gauge
uses ``livemostrecent`` because every worker observes the same Redis-held state and
the last observation is the truth.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from aiguardian.metric_children import child

BREAKER_STATES = {"closed": 0, "half_open": 1, "open": 2}

GUARD_REQUESTS = Counter(
    "aiguardian_guard_requests_total",
    "Guard calls by guard, backend, outcome and decision.",
    ["guard", "backend", "outcome", "decision"],
)
GUARD_LATENCY = Histogram(
    "aiguardian_guard_request_latency_seconds",
    "Latency of guard calls, backend round trip and fallback included.",
    ["guard", "backend"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
BREAKER_STATE = Gauge(
    "aiguardian_guard_breaker_state",
    "Circuit breaker state per backend: 0 closed, 1 half-open, 2 open.",
    ["backend"],
    multiprocess_mode="livemostrecent",
)

AUDIT_DEAD_LETTERS = Counter(
    "aiguardian_audit_dead_letters_total",
    "Audit entries the database refused for good, kept in the spool's dead-letter file.",
)
AUDIT_REPLAYED = Counter(
    "aiguardian_audit_replayed_total",
    "Audit entries stored from spool segments that a killed or stopped worker left behind.",
)
AUDIT_SPOOL_BYTES = Gauge(
    "aiguardian_audit_spool_bytes",
    "Bytes waiting in the audit spool directory (it grows while PostgreSQL is unreachable).",
    multiprocess_mode="max",
)


def record_call(*, guard: str, backend: str, outcome: str, decision: str, seconds: float) -> None:
    child(GUARD_REQUESTS, guard, backend, outcome, decision or "none").inc()  # label order as declared
    child(GUARD_LATENCY, guard, backend).observe(seconds)


def record_breaker(backend: str, state: str) -> None:
    BREAKER_STATE.labels(backend=backend).set(BREAKER_STATES.get(state, 0))
