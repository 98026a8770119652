"""Guard backends: in-process analyzers and remote guard services behind a circuit breaker."""

from __future__ import annotations

from guards.services.backends.http import run_http
from guards.services.backends.inprocess import run_inprocess
from guards.services.backends.types import IN_PROCESS, INPROCESS, BackendSpec, GuardAnswer, GuardCall


def run_backend(spec: BackendSpec, call: GuardCall) -> GuardAnswer:
    """Run ``call`` on ``spec``: the one dispatch point between backend kinds."""
    if spec.is_remote:
        return run_http(spec, call)
    return run_inprocess(call)


__all__ = ["INPROCESS", "IN_PROCESS", "BackendSpec", "GuardAnswer", "GuardCall", "run_backend"]
