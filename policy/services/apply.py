"""The policy step: what the runner does with a guard's answer (or failure) before it answers.

Applied in one place, after the analyzer and before metering and audit, identically for
every guard and backend, so analyzers stay pure:

1. every finding gets its ``fingerprint``, UTF-16 offsets and ``suppressed_by``
   (an allow entry matched it: it no longer counts) or ``blocked_by``;
2. blocklisted phrases/regexes found in the text become findings of their own;
3. the decision is recomputed from what remains (``verdict``): never stricter than the
   analyzer's unless a block entry matched, never laxer unless an allow entry did;
4. the mode decides what is answered: ``enforce`` answers the verdict, ``monitor``
   answers allow and reports the verdict, ``off`` never runs the guard;
5. a backend failure under ``fail_open`` becomes an ``allow`` marked ``degraded``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings as django_settings
from rest_framework import status

from aiguardian.api import APIError
from guards.analyzers.base import decide
from guards.services.verdicts import SEVERITY as DECISION_SEVERITY
from policy.services.matching import (
    Utf16Index,
    fingerprint,
    phrase_spans,
    regex_spans,
)
from policy.services.rules import RuleMatcher, rule_matcher
from policy.services.snapshot import ENFORCE, FAIL_OPEN, MONITOR, OFF, GuardPolicy, ListRule

#: Scope a key needs to ask for a dry run where its tenant's config enforces.
DRY_RUN_SCOPE = "policy_dry_run"
#: Key scopes that grant a permission rather than name a guard.
PERMISSION_SCOPES = frozenset({DRY_RUN_SCOPE})
#: Failures that say no backend could answer; fail-open applies to these only, never to bad input.
FAIL_OPEN_CODES = frozenset({"guard_unavailable", "guard_timeout", "guard_backend_error"})
_TEXT_FIELDS = ("text", "output_text")
_ALLOW_WORD = {"tokenguard": "keep"}
_BLOCK_WORD = {"tokenguard": "reject"}


class DryRunNotAllowed(APIError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "policy_scope_required"
    default_detail = f'"mode": "monitor" would relax an enforced guard; the key needs the {DRY_RUN_SCOPE} scope.'


@dataclass(slots=True)
class PolicyOutcome:
    """The answer after the policy step, and what the audit row records of it."""

    data: dict[str, Any] | None
    error: APIError | None
    audit: dict[str, Any] = field(default_factory=dict)


def mode_for(*, policy: GuardPolicy, requested: str | None) -> str:
    """The mode that applies: the configured one, unless the request asks otherwise (``off`` stays off)."""
    if policy.mode == OFF or requested not in (ENFORCE, MONITOR):
        return policy.mode
    return requested


def dry_run_authorize(*, policy: GuardPolicy, requested: str | None, scopes: tuple[str, ...]) -> None:
    """A request may relax ``enforce`` to ``monitor`` only with a key holding :data:`DRY_RUN_SCOPE`."""
    if requested == MONITOR and policy.mode == ENFORCE and DRY_RUN_SCOPE not in scopes:
        raise DryRunNotAllowed()


def level(decision: str) -> int:
    return DECISION_SEVERITY.get(decision.lower(), 1)


def _span_text(finding: dict[str, Any], payload: dict[str, Any]) -> tuple[str, str | None]:
    """(the finding's text, its source text when the offsets index it)."""
    source = payload.get(finding.get("source") or "text")
    start, end = finding.get("start"), finding.get("end")
    if isinstance(source, str) and isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(source):
        return source[start:end], source
    return str(finding.get("evidence") or ""), None


def _ref(rule: ListRule) -> dict[str, Any]:
    return {"id": rule.id, "list": rule.action, "kind": rule.kind, "scope": rule.guard or "all"}


def _annotate(findings: list[dict[str, Any]], matcher: RuleMatcher, tenant_id: int,
              payload: dict[str, Any]) -> None:
    indexes: dict[int, Utf16Index] = {}
    for finding in findings:
        text, source = _span_text(finding, payload)
        fp = fingerprint(tenant_id=tenant_id, finding_type=str(finding.get("type", "")), evidence=text)
        finding["fingerprint"] = fp
        if source is not None:
            index = indexes.get(id(source)) or indexes.setdefault(id(source), Utf16Index(source))
            finding["start_utf16"], finding["end_utf16"] = index(finding["start"]), index(finding["end"])
        else:
            finding["start_utf16"] = finding["end_utf16"] = None
        blocked = matcher.blocked(fp)
        allowed = None if blocked else matcher.allowed(text, fp)
        finding["suppressed_by"] = _ref(allowed) if allowed else None
        if blocked:
            finding["blocked_by"] = _ref(blocked)


def _blocklist_findings(matcher: RuleMatcher, tenant_id: int, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """A finding per blocklisted phrase/regex occurrence in the payload's texts."""
    found: list[dict[str, Any]] = []
    if not matcher.block_phrases and matcher.block_regexes[0] is None:
        return found
    for name in _TEXT_FIELDS:
        text = payload.get(name)
        if not isinstance(text, str):
            continue
        text = text[: django_settings.POLICY_SCAN_MAX_CHARS]
        index = Utf16Index(text)
        for rule in [*matcher.block_phrases, *matcher.block_regexes_in(text)]:
            spans = phrase_spans(rule.value, text) if rule.kind == "phrase" else regex_spans(rule.value, text)
            for start, end in spans:
                found.append({
                    "type": f"blocklist_{rule.kind}", "category": "policy", "severity": "high", "score": 1.0,
                    "start": start, "end": end, "evidence": f"blocklist entry {rule.id}",
                    "message": "Matched an entry of your blocklist.", "source": name, "detail": {},
                    "fingerprint": fingerprint(tenant_id=tenant_id, finding_type=f"blocklist_{rule.kind}",
                                               evidence=text[start:end]),
                    "start_utf16": index(start), "end_utf16": index(end),
                    "suppressed_by": None, "blocked_by": _ref(rule),
                })
    return found


def _verdict(guard: str, original: str, findings: list[dict[str, Any]], settings: dict[str, Any]) -> str:
    if any(f.get("blocked_by") for f in findings):
        return _BLOCK_WORD.get(guard, "block")
    if not any(f.get("suppressed_by") for f in findings):
        return original
    remaining = [f for f in findings if not f.get("suppressed_by")]
    if not remaining:
        return _ALLOW_WORD.get(guard, "allow")
    flag_at, block_at = settings.get("flag_threshold"), settings.get("block_threshold")
    if not (isinstance(flag_at, int | float) and isinstance(block_at, int | float) and flag_at and block_at):
        return original  # the guard decides by calibration we cannot redo here: keep its verdict
    worst = max(level(_decide(f, flag_at, block_at)) for f in remaining)
    return original if worst >= level(original) else ("allow", "flag", "block")[worst]


def _decide(finding: dict[str, Any], flag_at: float, block_at: float) -> str:
    """A calibrated finding carries its own cuts (``detail.flag_at``/``block_at``); the rest use the tenant's."""
    detail = finding.get("detail") or {}
    own_flag, own_block = _number(detail.get("flag_at")), _number(detail.get("block_at"))
    if own_flag is not None and own_block is not None:
        flag_at, block_at = own_flag, own_block
    return decide(float(finding.get("score") or 0.0), flag_at=flag_at, block_at=block_at)


def _number(value: Any) -> float | int | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _audit_findings(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Type, fingerprint, where (field and offsets) and how sure: never the text a finding points at."""
    return [{"type": f.get("type", ""), "fingerprint": f["fingerprint"],
             "suppressed_by": (f["suppressed_by"] or {}).get("id"), "blocked_by": (f.get("blocked_by") or {}).get("id"),
             "severity": str(f.get("severity") or "")[:16], "score": _number(f.get("score")),
             "source": str(f.get("source") or "")[:32], "start": _number(f.get("start")), "end": _number(f.get("end"))}
            for f in findings[: django_settings.POLICY_AUDIT_MAX_FINDINGS]]


def policy_apply(*, guard: str, policy: GuardPolicy, mode: str, tenant_id: int, payload: dict[str, Any],
                 settings: dict[str, Any], data: dict[str, Any] | None, error: APIError | None) -> PolicyOutcome:
    """Steps 1-5 of the module docstring on one guard's answer. Database-free (runs in the scan pool)."""
    report: dict[str, Any] = {"mode": mode, "enforced": mode == ENFORCE, "config_version": policy.config_version,
                              "failure_policy": policy.failure_policy, "degraded": False}
    audit: dict[str, Any] = {"mode": mode, "enforced": mode == ENFORCE, "config_version": policy.config_version,
                             "failure_policy": policy.failure_policy}
    if mode == OFF:
        allow = _ALLOW_WORD.get(guard, "allow")
        report.update(verdict=allow, suppressed=0)
        return PolicyOutcome(data={**off_answer(guard=guard), "policy": report}, error=None,
                             audit={**audit, "verdict": allow, "decision": allow})
    if data is None:
        if error is None or policy.failure_policy != FAIL_OPEN or error.code not in FAIL_OPEN_CODES:
            return PolicyOutcome(data=None, error=error, audit=audit)
        allow = _ALLOW_WORD.get(guard, "allow")
        report.update(degraded=True, degraded_reason={"code": error.code, "message": str(error.detail)},
                      verdict=allow, suppressed=0)
        return PolicyOutcome(data={"decision": allow, "score": 0.0, "findings": [], "policy": report}, error=None,
                             audit={**audit, "verdict": allow, "degraded": True, "decision": allow})
    data = dict(data)
    findings = [dict(f) for f in data.get("findings") or [] if isinstance(f, dict)]
    matcher = rule_matcher(tenant_id=tenant_id, guard=guard, version=policy.config_version, rules=policy.rules)
    _annotate(findings, matcher, tenant_id, payload)
    findings += _blocklist_findings(matcher, tenant_id, payload)
    original = str(data.get("decision") or "")
    verdict = _verdict(guard, original, findings, settings)
    if verdict != original and level(verdict) < level(original):
        remaining = [float(f.get("score") or 0.0) for f in findings if not f.get("suppressed_by")]
        if isinstance(data.get("score"), int | float):
            data["score"] = round(min(float(data["score"]), max(remaining, default=0.0)), 4)
    answered = verdict if mode == ENFORCE or level(verdict) == 0 else _ALLOW_WORD.get(guard, "allow")
    data.update(decision=answered, findings=findings)
    report.update(verdict=verdict, analyzer_decision=original,
                  suppressed=sum(1 for f in findings if f.get("suppressed_by")))
    data["policy"] = report
    return PolicyOutcome(data=data, error=None,
                         audit={**audit, "verdict": verdict, "decision": answered,
                                "findings": _audit_findings(findings)})


def off_answer(*, guard: str) -> dict[str, Any]:
    """What a guard whose mode is ``off`` answers: allow, nothing analysed."""
    return {"decision": _ALLOW_WORD.get(guard, "allow"), "score": 0.0, "findings": [], "analyzer_version": ""}
