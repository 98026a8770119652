from __future__ import annotations

from guards.analyzers.healthguard.backends import backend_report
from guards.analyzers.healthguard.schema import SETTINGS

SETTINGS_ = SETTINGS.defaults()


class Provider:
    def __init__(self, entries=None, error=None):
        self.entries, self.error = entries or [], error

    def snapshot(self):
        if self.error:
            raise self.error
        return self.entries


def test_no_provider_means_nothing_is_reported():
    assert backend_report(None, SETTINGS_) == (None, [])


def test_open_breakers_errors_and_slowness_are_reported_per_backend():
    provider = Provider([
        {"guard": "securityguard", "kind": "http", "breaker_state": "open", "error_rate": 0.4,
         "latency_ms": {"p50": 40, "p95": 2500}},
        {"name": "tokenguard", "kind": "inprocess", "breaker_state": "closed", "latency_p50_ms": 1.2,
         "latency_p95_ms": 3.0, "error_rate": 0.0, "recent_calls": 40, "active": True},
    ])
    report, findings = backend_report(provider, SETTINGS_)
    assert report["status"] == "degraded"
    assert [b["status"] for b in report["backends"]] == ["down", "healthy"]
    assert report["backends"][0]["latency_p95_ms"] == 2500.0
    assert report["backends"][1]["latency_p50_ms"] == 1.2
    assert (report["backends"][1]["recent_calls"], report["backends"][1]["active"]) == (40, True)
    assert sorted(f.type for f in findings) == ["backend_errors", "backend_slow", "backend_unavailable"]


def test_all_healthy_backends_are_healthy():
    report, findings = backend_report(Provider([{"name": "a", "breaker_state": "closed"}]), SETTINGS_)
    assert (report["status"], findings) == ("healthy", [])


def test_a_half_open_breaker_is_recovering():
    report, findings = backend_report(Provider([{"name": "a", "breaker_state": "half-open"}]), SETTINGS_)
    assert report["backends"][0]["breaker_state"] == "half_open"
    assert [f.type for f in findings] == ["backend_recovering"]


def test_a_failing_probe_is_reported_as_unknown_not_raised():
    report, findings = backend_report(Provider(error=ConnectionError("redis down")), SETTINGS_)
    assert report == {"status": "unknown", "error": "ConnectionError", "backends": []}
    assert findings == []
