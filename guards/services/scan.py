"""Run several guards on one text concurrently and combine their verdicts.

The guards run on a small per-process thread pool (analyzers release the GIL in
ONNX/numpy/regex-heavy code and remote calls wait on sockets). The overall decision
is the most severe one; a guard that failed counts as ``flag`` because its verdict
is unknown, and ``complete`` says whether every guard answered. Each call carries the
request's deadline: a guard past it is stopped in its pool thread (504 ``guard_timeout``
in its result), so timed-out scans cannot leave work that starves later ones.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from guards.analyzers.registry import GUARDS
from guards.errors import GuardNotEnabled, GuardNotInKeyScope, GuardTimeout
from guards.models import GuardRequest
from guards.services.backends.inprocess import installed_analyzer_class
from guards.services.config import tenant_guards_resolve
from guards.services.runner import (
    Caller,
    RunOptions,
    RunResult,
    guard_authorize,
    guard_call_build,
    guard_denial_record,
    guard_execute,
    guard_finish,
    guard_mode_authorize,
    guard_result,
)
from guards.services.verdicts import OVERALL, UNKNOWN_SEVERITY, severity_of
from policy.services.apply import DryRunNotAllowed, mode_for
from policy.services.snapshot import OFF

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(max_workers=settings.GUARD_SCAN_MAX_WORKERS, thread_name_prefix="guard-scan")
    return _pool


@dataclass(slots=True)
class ScanResult:
    decision: str
    complete: bool
    results: list[RunResult]
    processing_time: float


def overall_decision(results: list[RunResult]) -> str:
    """The most severe verdict; a failed guard counts as ``flag``."""
    worst = 0
    for result in results:
        if result.data is None:
            level = UNKNOWN_SEVERITY
        else:
            level = severity_of(str(result.data.get("decision", "")))
        worst = max(worst, level)
    return OVERALL[worst]


def _selected(caller: Caller, guards: list[str] | None, request_id: str, options: RunOptions,
              payload: dict[str, Any]) -> list[Any]:
    if guards:
        chosen = []
        for guard in dict.fromkeys(guards):
            try:
                resolved = guard_authorize(caller=caller, guard=guard)
                guard_mode_authorize(caller=caller, resolved=resolved, options=options)
            except (GuardNotEnabled, GuardNotInKeyScope, DryRunNotAllowed) as exc:
                guard_denial_record(caller=caller, guard=guard, error=exc, request_id=request_id,
                                    client_type=options.client_type)
                raise
            chosen.append(resolved)
        return chosen
    configured = tenant_guards_resolve(tenant_id=caller.tenant_id)
    chosen = [configured[g] for g in GUARDS if g in configured and configured[g].enabled and caller.allows(g)]
    if not chosen:
        raise GuardNotEnabled("No guard is enabled for your tenant and this API key.")
    # Guards switched off by policy would only answer allow: an unnamed scan leaves them out.
    applicable = [r for r in chosen if _applies(r.guard, payload, options.session_id) and r.policy.mode != OFF]
    for resolved in applicable or chosen:
        guard_mode_authorize(caller=caller, resolved=resolved, options=options)
    return applicable or chosen


def _applies(guard: str, payload: dict[str, Any], session_id: str | None) -> bool:
    cls = installed_analyzer_class(guard)
    return cls is None or cls.applies_to(payload, session_id=session_id)


def guards_scan(
    *, caller: Caller, guards: list[str] | None, payload: dict[str, Any], options: RunOptions, request_id: str
) -> ScanResult:
    """Run the listed guards (or all the tenant has enabled and the key may use) on ``payload``."""
    started = time.perf_counter()
    chosen = _selected(caller, guards, request_id, options, payload)
    calls = [
        (resolved, guard_call_build(caller=caller, resolved=resolved, payload=dict(payload), options=options,
                                    request_id=request_id))
        for resolved in chosen
    ]
    futures = [
        (resolved, call, _executor().submit(guard_execute, caller=caller, resolved=resolved, call=call, options=options,
                                  request_id=request_id))
        for resolved, call in calls
    ]
    deadline = started + options.timeout + 1.0
    results: list[RunResult] = []
    for resolved, call, future in futures:
        try:
            result = future.result(timeout=max(0.0, deadline - time.perf_counter()))
        except FutureTimeout:
            # Rare: each call carries the request's deadline, so an in-process analysis stops there by
            # itself (guards.services.deadline) and frees its pool thread; only a call stuck in one
            # long C-level step gets here. Its late answer is dropped.
            # The tenant's failure policy still applies (fail-open answers allow, degraded).
            error = GuardTimeout(f"{call.guard} did not answer within {options.timeout:g}s.")
            result = guard_result(caller=caller, resolved=resolved, call=call, options=options,
                                  request_id=request_id, mode=mode_for(policy=resolved.policy, requested=options.mode),
                                  answer=None, error=error, service_used=call.guard,
                                  outcome=GuardRequest.Outcome.TIMEOUT, elapsed=options.timeout)
        guard_finish(result=result, caller=caller)
        results.append(result)
    return ScanResult(decision=overall_decision(results), complete=all(r.success for r in results),
                      results=results, processing_time=round(time.perf_counter() - started, 6))
