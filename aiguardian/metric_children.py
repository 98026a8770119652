"""Labelled Prometheus children looked up once per worker, not on every update.

``metric.labels(**kw)`` sorts the label names twice, builds the value tuple and takes the
metric's lock on every call; the hot path makes seven such calls per guarded request with a
handful of distinct label sets. The child for a (metric, values) pair never changes in a
process (prometheus_client keeps every child it made until ``remove``/``clear``, which the
gateway never calls), so it is remembered here by the label values in the metric's own
label order. Label sets stay as bounded as the callers make them (guards, backends,
outcomes, view names, status codes, HTTP methods).
"""

from __future__ import annotations

from typing import Any

_children: dict[tuple[Any, tuple[str, ...]], Any] = {}


def child(metric: Any, *values: str) -> Any:
    """``metric.labels(*values)``, remembered: values in the order of the metric's label names."""
    key = (metric, values)  # the metric by identity: the module-level objects live as long as the worker
    try:
        return _children[key]
    except KeyError:
        made = _children[key] = metric.labels(*values)
        return made
