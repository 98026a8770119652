"""The request metrics keep the series alerts, dashboards and tests read, and only those."""

from __future__ import annotations

from prometheus_client import REGISTRY

NS = "aiguardian_django_http_"


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(NS + name, labels) or 0.0


def test_a_request_updates_the_kept_series(client) -> None:
    labels = {"view": "health-live", "method": "GET"}
    before = {
        "requests": _value("requests_before_middlewares_total"),
        "by_view": _value("requests_total_by_view_transport_method_total", transport="http", **labels),
        "status": _value("responses_total_by_status_total", status="200"),
        "status_view": _value("responses_total_by_status_view_method_total", status="200", **labels),
        "latency": _value("requests_latency_seconds_by_view_method_count", **labels),
    }
    assert client.get("/health/live").status_code == 200
    assert _value("requests_before_middlewares_total") == before["requests"] + 1
    assert _value("requests_total_by_view_transport_method_total", transport="http", **labels) == before["by_view"] + 1
    assert _value("responses_total_by_status_total", status="200") == before["status"] + 1
    assert _value("responses_total_by_status_view_method_total", status="200", **labels) == before["status_view"] + 1
    assert _value("requests_latency_seconds_by_view_method_count", **labels) == before["latency"] + 1


def test_the_redundant_series_are_not_written(client) -> None:
    dropped = [("requests_body_total_bytes_count", {}), ("responses_body_total_bytes_count", {}),
               ("requests_latency_including_middlewares_seconds_count", {}),
               ("responses_before_middlewares_total", {}), ("requests_total_by_method_total", {"method": "GET"}),
               ("responses_total_by_charset_total", {"charset": "utf-8"})]
    before = [_value(name, **labels) for name, labels in dropped]
    assert client.get("/health/live").status_code == 200
    assert [_value(name, **labels) for name, labels in dropped] == before
