"""Run one guard for one caller: authorize, pick the backend, fall back, meter, audit, measure.

``service_used`` names who answered: the guard's name when its configured backend
(in-process or remote) answered, ``"<guard> (in-process fallback)"`` when the remote
backend failed and the gateway's own analyzer answered instead.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from aiguardian.api import APIError
from billing.services import usage_quota_count
from guards.analyzers.registry import GUARDS
from guards.errors import (
    BackendPayloadTooLarge,
    GuardBackendError,
    GuardFailure,
    GuardNotEnabled,
    GuardNotInKeyScope,
    GuardTimeout,
    GuardUnavailable,
    InputOverBudget,
    InvalidPayload,
    UnknownGuardError,
    error_payload,
)
from guards.models import GuardRequest
from guards.services import metrics
from guards.services.audit import AuditEntry, audit_entry_fields, audit_record
from guards.services.audit.store import is_billable
from guards.services.backends import GuardAnswer, GuardCall, run_backend
from guards.services.backends.inprocess import run_inprocess
from guards.services.config import ResolvedGuard, guard_config_resolve, tenant_backends
from guards.services.context import TenantBackendHealth, analyzer_context, tenant_key_for
from policy.services.apply import PERMISSION_SCOPES, dry_run_authorize, mode_for, policy_apply
from policy.services.snapshot import OFF

logger = logging.getLogger(__name__)

FALLBACK_SUFFIX = " (in-process fallback)"
Outcome = GuardRequest.Outcome
_OUTCOME_OF_ERROR: dict[type[APIError], str] = {
    InvalidPayload: Outcome.INVALID,
    InputOverBudget: Outcome.INVALID,
    BackendPayloadTooLarge: Outcome.INVALID,
    GuardTimeout: Outcome.TIMEOUT,
    GuardUnavailable: Outcome.UNAVAILABLE,
    GuardBackendError: Outcome.ERROR,
    GuardNotEnabled: Outcome.DENIED,
    GuardNotInKeyScope: Outcome.DENIED,
}


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: the tenant and the API key (from ``request.auth``)."""

    tenant_id: int
    key_id: int | None = None
    key_prefix: str = ""
    scopes: tuple[str, ...] = ()

    def allows(self, guard: str) -> bool:
        guards = [s for s in self.scopes if s not in PERMISSION_SCOPES]  # a permission is not a guard
        return not guards or guard in guards

    @classmethod
    def from_identity(cls, identity: Any) -> Caller:
        return cls(tenant_id=identity.tenant_id, key_id=identity.key_id, key_prefix=identity.prefix,
                   scopes=tuple(identity.scopes))


@dataclass(frozen=True, slots=True)
class RunOptions:
    """The seed request's per-call options."""

    timeout: float = 30.0
    fallback_enabled: bool = True
    user_id: str | None = None
    session_id: str | None = None
    priority: int = 1
    client_type: str = "api"
    mode: str | None = None  # "monitor": a dry run (see policy.services.apply.dry_run_authorize)

    def meta(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "session_id": self.session_id, "priority": self.priority,
                "client_type": self.client_type}


@dataclass(slots=True)
class RunResult:
    """One guard's outcome in the seed contract's terms (``error`` set when it failed)."""

    guard: str
    service_used: str
    processing_time: float
    outcome: str
    backend: str
    data: dict[str, Any] | None = None
    error: APIError | None = None
    audit: AuditEntry | None = field(default=None, repr=False)

    @property
    def success(self) -> bool:
        return self.error is None


def result_item(result: RunResult) -> dict[str, Any]:
    """A run in the seed contract's shape: ``/process``'s body (with the request id), a ``/scan`` item."""
    error = error_payload(result.error) if result.error is not None else None
    return {"service_type": result.guard, "success": result.success, "data": result.data, "error": error,
            "processing_time": result.processing_time, "service_used": result.service_used}


def guard_authorize(*, caller: Caller, guard: str) -> ResolvedGuard:
    """The tenant's config of ``guard`` if this key may use it; else 404/403."""
    if guard not in GUARDS:
        raise UnknownGuardError(f"Unknown guard {guard!r}; choose one of: {', '.join(GUARDS)}.")
    if not caller.allows(guard):
        raise GuardNotInKeyScope(f"This API key is not scoped for {guard}.")
    resolved = guard_config_resolve(tenant_id=caller.tenant_id, guard=guard)
    if resolved is None or not resolved.enabled:
        raise GuardNotEnabled(f"{guard} is not enabled for your tenant.")
    return resolved


def guard_mode_authorize(*, caller: Caller, resolved: ResolvedGuard, options: RunOptions) -> None:
    """403 when the request asks to relax an enforced guard without the dry-run scope."""
    dry_run_authorize(policy=resolved.policy, requested=options.mode, scopes=caller.scopes)


def guard_call_build(
    *, caller: Caller, resolved: ResolvedGuard, payload: dict[str, Any], options: RunOptions, request_id: str
) -> GuardCall:
    """Prepare a call in the request thread (it may read the tenant's backends from the database)."""
    health = None
    if resolved.guard == "healthguard":
        health = TenantBackendHealth(tenant_backends(tenant_id=caller.tenant_id))
    context = analyzer_context(request_id=request_id, tenant_key=tenant_key_for(caller.tenant_id),
                               session_id=options.session_id, backend_health=health,
                               extra={"client_type": options.client_type})
    # One deadline for the whole run: an in-process fallback gets what the remote call left.
    return GuardCall(guard=resolved.guard, payload=payload, settings=resolved.settings, context=context,
                     timeout=options.timeout, meta=options.meta(), deadline=time.monotonic() + options.timeout)


def _run(call: GuardCall, resolved: ResolvedGuard, options: RunOptions) -> tuple[GuardAnswer, str, str]:
    """(answer, service_used, outcome); raises the primary backend's error when nothing answered."""
    backend = resolved.backend
    try:
        return run_backend(backend, call), call.guard, Outcome.SUCCESS
    except GuardFailure as primary:
        if not (backend.is_remote and options.fallback_enabled and resolved.fallback_allowed):
            raise
        logger.info("backend %s failed (%s): falling back in-process", backend.name, primary.code)
        try:
            return run_inprocess(call), call.guard + FALLBACK_SUFFIX, Outcome.FALLBACK
        except GuardFailure:
            raise primary from None


def guard_execute(
    *, caller: Caller, resolved: ResolvedGuard, call: GuardCall, options: RunOptions, request_id: str
) -> RunResult:
    """Run the guard; never raises for guard failures (they are in ``RunResult.error``).

    Thread-safe and database-free, so the scan pool can call it; ``guard_finish``
    (audit, usage) runs in the request thread afterwards.
    """
    started = time.perf_counter()
    mode = mode_for(policy=resolved.policy, requested=options.mode)
    answer: GuardAnswer | None = None
    error: APIError | None = None
    try:
        if mode == OFF:
            service_used, outcome = call.guard, Outcome.SKIPPED
        else:
            answer, service_used, outcome = _run(call, resolved, options)
    except (GuardFailure, InvalidPayload) as exc:
        error, service_used, outcome = exc, call.guard, _OUTCOME_OF_ERROR.get(type(exc), Outcome.ERROR)
    return guard_result(caller=caller, resolved=resolved, call=call, options=options, request_id=request_id,
                        mode=mode, answer=answer, error=error, service_used=service_used, outcome=outcome,
                        elapsed=time.perf_counter() - started)


def guard_result(
    *, caller: Caller, resolved: ResolvedGuard, call: GuardCall, options: RunOptions, request_id: str, mode: str,
    answer: GuardAnswer | None, error: APIError | None, service_used: str, outcome: str, elapsed: float,
) -> RunResult:
    """The run's result after the tenant's policy (mode, lists, failure policy), with its audit entry."""
    applied = policy_apply(guard=call.guard, policy=resolved.policy, mode=mode, tenant_id=caller.tenant_id,
                           payload=call.payload, settings=resolved.settings,
                           data=answer.data if answer else None, error=error)
    data = applied.data
    policy_audit = {k: v for k, v in applied.audit.items() if k != "decision"}
    decision = str(applied.audit.get("decision") or (answer.decision if answer else ""))
    backend = resolved.backend.name
    metrics.record_call(guard=call.guard, backend=backend, outcome=outcome, decision=decision, seconds=elapsed)
    entry = AuditEntry(
        request_id=request_id, tenant_id=caller.tenant_id, guard=call.guard, outcome=outcome,
        latency_ms=round(elapsed * 1000, 3), key_id=caller.key_id, key_prefix=caller.key_prefix,
        backend=backend, service_used=service_used, decision=decision,
        score=GuardAnswer(data).score if data else None,
        error_code=error.code if error else "", client_type=options.client_type,
        **audit_entry_fields(call.payload, store_raw_text=resolved.store_raw_text), **policy_audit,
    )
    return RunResult(guard=call.guard, service_used=service_used, processing_time=round(elapsed, 6),
                     outcome=outcome, backend=backend, data=data, error=applied.error, audit=entry)


def guard_finish(*, result: RunResult, caller: Caller) -> None:
    """Record the run durably (its audit entry carries the billable unit), then count it for the quota."""
    if result.audit is not None:
        audit_record(result.audit)
    client_type = result.audit.client_type if result.audit is not None else ""
    if is_billable(outcome=result.outcome, client_type=client_type):  # not skipped, not a fail-open "allow"
        usage_quota_count(tenant_id=caller.tenant_id, units=1)


def guard_denial_record(*, caller: Caller, guard: str, error: APIError, request_id: str, client_type: str) -> None:
    """Audit a refused call (guard not enabled / outside the key's scope)."""
    metrics.record_call(guard=guard, backend="-", outcome=Outcome.DENIED, decision="", seconds=0.0)
    audit_record(AuditEntry(
        request_id=request_id, tenant_id=caller.tenant_id, guard=guard, outcome=Outcome.DENIED, latency_ms=0.0,
        key_id=caller.key_id, key_prefix=caller.key_prefix, error_code=error.code, client_type=client_type,
    ))


def session_access_check(*, caller: Caller) -> str:
    """Session memory belongs to contextguard: the key must be allowed to use it. Returns the tenant key."""
    if not caller.allows("contextguard"):
        raise GuardNotInKeyScope("This API key is not scoped for contextguard sessions.")
    return tenant_key_for(caller.tenant_id)


def guard_process(
    *, caller: Caller, guard: str, payload: dict[str, Any], options: RunOptions, request_id: str
) -> RunResult:
    """``POST /process``: authorize, run, meter, audit. Raises the API error of a failed run."""
    try:
        resolved = guard_authorize(caller=caller, guard=guard)
    except (GuardNotEnabled, GuardNotInKeyScope) as exc:
        guard_denial_record(caller=caller, guard=guard, error=exc, request_id=request_id,
                            client_type=options.client_type)
        raise
    try:
        guard_mode_authorize(caller=caller, resolved=resolved, options=options)
    except APIError as exc:
        guard_denial_record(caller=caller, guard=guard, error=exc, request_id=request_id,
                            client_type=options.client_type)
        raise
    call = guard_call_build(caller=caller, resolved=resolved, payload=payload, options=options,
                            request_id=request_id)
    result = guard_execute(caller=caller, resolved=resolved, call=call, options=options, request_id=request_id)
    guard_finish(result=result, caller=caller)
    if result.error is not None:
        raise result.error
    return result
