"""django-prometheus's request metrics, only the series the alerts, dashboards and tests read.

In multiprocess mode each metric update is a locked write into an mmap file, and the stock
middlewares make twelve per request (fifteen writes: each histogram observation is two).
Kept: requests before middlewares, requests by view/transport/method, responses by status
and by status/view/method, latency by view/method, exceptions (five updates, six writes on a
normal request). Dropped as derivable from those or never read: responses before
middlewares, latency including middlewares, requests by method and by transport, request and
response body-size histograms, responses by charset, streaming responses.
"""

from __future__ import annotations

from typing import Any

from django_prometheus.middleware import PrometheusAfterMiddleware, PrometheusBeforeMiddleware
from django_prometheus.utils import Time, TimeSince

from aiguardian.metric_children import child


class BeforeMiddleware(PrometheusBeforeMiddleware):
    def process_request(self, request: Any) -> None:
        self.metrics.requests_total.inc()

    def process_response(self, request: Any, response: Any) -> Any:
        return response


class AfterMiddleware(PrometheusAfterMiddleware):
    """The same series and label values as django-prometheus' middleware, each labelled child
    looked up once per worker (``aiguardian.metric_children``), not through ``labels()``."""

    def process_request(self, request: Any) -> None:
        request.prometheus_after_middleware_event = Time()

    def process_view(self, request: Any, view_func: Any, *view_args: Any, **view_kwargs: Any) -> None:
        match = getattr(request, "resolver_match", None)
        if match is not None:
            child(self.metrics.requests_by_view_transport_method, match.view_name or "<unnamed view>",
                  self._transport(request), self._method(request)).inc()

    def process_response(self, request: Any, response: Any) -> Any:
        method = self._method(request)
        name = self._get_view_name(request)
        status = str(response.status_code)
        metrics = self.metrics
        child(metrics.responses_by_status, status).inc()
        child(metrics.responses_by_status_view_method, status, name, method).inc()
        started = getattr(request, "prometheus_after_middleware_event", None)
        if started is not None:
            child(metrics.requests_latency_by_view_method, name, str(request.method)).observe(TimeSince(started))
        else:
            metrics.requests_unknown_latency.inc()
        return response
