"""Small helpers every securityguard detector shares: evidence redaction and scoring."""

from __future__ import annotations

from guards.analyzers.base import Finding

# The score a finding contributes to the risk score, by severity, before the detector's
# own confidence is applied. Tuned so one high-severity secret flags and a validated
# critical one (a private key, a live cloud key) reaches the default block threshold.
SEVERITY_WEIGHT = {"info": 0.1, "low": 0.3, "medium": 0.55, "high": 0.8, "critical": 0.95}

CATEGORY_INJECTION = "prompt_injection"
CATEGORY_SECRET = "secret"
CATEGORY_PII = "pii"
CATEGORY_INVISIBLE = "invisible_text"
CATEGORY_URL = "risky_url"

# Findings of these categories are replaced by placeholders in the sanitized text.
REDACTED_CATEGORIES = frozenset({CATEGORY_SECRET, CATEGORY_PII})


def redact(value: str, *, keep: int = 2) -> str:
    """First and last ``keep`` characters with the middle masked; short values fully masked."""
    value = value.replace("\n", " ")
    if len(value) <= keep * 2 + 2:
        return "*" * len(value)
    return f"{value[:keep]}{'*' * min(len(value) - 2 * keep, 12)}{value[-keep:]}"


def excerpt(text: str, start: int, end: int, *, limit: int = 80) -> str:
    """The span itself, shortened for display (used for non-sensitive evidence only)."""
    span = text[start:end].replace("\n", " ")
    return span if len(span) <= limit else span[: limit - 3] + "..."


def finding(
    *,
    type: str,
    category: str,
    severity: str,
    confidence: float,
    start: int,
    end: int,
    evidence: str,
    message: str,
    detail: dict | None = None,
) -> Finding:
    """A :class:`Finding` whose score is its severity weight times the detector's confidence."""
    score = max(0.0, min(1.0, SEVERITY_WEIGHT[severity] * confidence))
    return Finding(
        type=type, category=category, severity=severity, score=score, start=start, end=end,
        evidence=evidence, message=message, source="text", detail=dict(detail or {}),
    )
