"""Secrets: provider keys and tokens, private keys, passwords in assignments and URLs.

``detect_secrets`` runs, in order (an earlier match wins an overlap):

1. provider rules (``providers/``, one module per family), each written from the
   provider's documented format, with a checksum or structure validator where the
   format has one (GitHub/npm CRC32, JWT header, PEM body, Discord id, PyPI macaroon...);
2. ``key = value`` assignments whose key names a secret (``assignments.py``);
3. random-looking tokens anywhere (``tokens.py``), typed by a provider's name next to
   them when there is one (``context.py`` reads keys and provider names around a value).

Each finding's score is a calibrated probability (``data/secrets_calibration.json``,
fitted by ``bench/securityguard_secrets.py --fit`` on the tuning split, per tier), held
inside the band of the decision its tier's thresholds give: a validated provider key
can block, a generic value at most flags.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from guards.analyzers.base import Finding
from guards.analyzers.calibration import Calibrator, load_calibrators
from guards.analyzers.securityguard.common import CATEGORY_SECRET, redact
from guards.analyzers.securityguard.needles import Needles, shared_pairs
from guards.analyzers.securityguard.secrets.assignments import keyword_assignments
from guards.analyzers.securityguard.secrets.checks import (
    crc32_base62_ok,
    is_placeholder,
    jwt_ok,
    shannon_entropy,
)
from guards.analyzers.securityguard.secrets.context import AnchoredIndex, Candidate
from guards.analyzers.securityguard.secrets.providers import (
    ANCHORED,
    EXACT_HINTS,
    EXACT_PREFIXES,
    KNOWN_PREFIXES,
    LABELS,
    LOWER_HINTS,
    RULES,
    UNHINTED,
)
from guards.analyzers.securityguard.secrets.randomness import randomness
from guards.analyzers.securityguard.secrets.tokens import glued, random_tokens

__all__ = ["LABELS", "TIERS", "detect_secrets", "github_checksum_ok", "jwt_ok", "label_of", "shannon_entropy"]

github_checksum_ok = crc32_base62_ok

CALIBRATION_FILE = Path(__file__).resolve().parents[1] / "data" / "secrets_calibration.json"
# The securityguard's default decision thresholds (analyzer settings flag_threshold /
# block_threshold); a test keeps the two in step.
DEFAULT_FLAG_AT = 0.5
DEFAULT_BLOCK_AT = 0.85
# Tiers that may reach "block": the format itself vouches for the value.
BLOCKING_TIERS = frozenset({"provider", "anchored"})
TIERS = ("provider", "provider_unvalidated", "anchored", "keyword", "token")
# Used until a calibration file is fitted (and for a tier the file lacks).
_FALLBACK = {
    "provider": Calibrator((0.0, 1.0), (0.9, 0.99), 0.5, 0.9),
    "provider_unvalidated": Calibrator((0.0, 1.0), (0.6, 0.8), 0.5, 0.9),
    "anchored": Calibrator((0.0, 1.0), (0.6, 0.9), 0.5, 0.9),
    "keyword": Calibrator((0.0, 1.0), (0.6, 0.85), 0.5, 0.9),
    "token": Calibrator((0.0, 1.0), (0.3, 0.8), 0.5, 0.9),
}
GENERIC_LABELS = {
    "PASSWORD": "Password",
    "GENERIC_SECRET": "Secret value",
    "HIGH_ENTROPY_STRING": "High-entropy string (possible credential)",
}


def label_of(kind: str) -> str:
    """The human name of a secret finding type (``AWS_ACCESS_KEY`` -> ``AWS access key ID``)."""
    return LABELS.get(kind) or GENERIC_LABELS.get(kind) or kind.replace("_", " ").lower().capitalize()


@lru_cache(maxsize=1)
def calibrators() -> dict[str, Calibrator]:
    found = load_calibrators(CALIBRATION_FILE) if CALIBRATION_FILE.exists() else {}
    return {tier: found.get(tier, _FALLBACK[tier]) for tier in TIERS}


def calibrated_score(tier: str, raw: float) -> float:
    """The tier's calibrated probability, kept within the band of the decision the tier's thresholds give."""
    cal = calibrators()[tier]
    p = cal(raw)
    decision = cal.decide(p)
    if decision == "block" and tier not in BLOCKING_TIERS:
        decision = "flag"  # a generic value is at most worth a person's look
    if decision == "block":
        return max(p, DEFAULT_BLOCK_AT)
    if decision == "flag":
        return min(max(p, DEFAULT_FLAG_AT), DEFAULT_BLOCK_AT - 0.001)
    return min(p, DEFAULT_FLAG_AT - 0.001)


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    type: str
    label: str
    family: str
    severity: str
    tier: str
    raw: float
    validated: bool | None
    key: str = ""


class _Spans:
    """Non-overlapping spans, for "an earlier rule wins" in O(log n) per test."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)
        return i > 0 and self.ends[i - 1] > start

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)


# The hints as one lookup each (lower-case ones on the lowered text, the others on the text):
# the same rules run as with one ``hint in text`` test per hint, at a fraction of the cost.
_LOWER_HINT_RULES = dict(LOWER_HINTS)
_EXACT_HINT_RULES = dict(EXACT_HINTS)
_LOWER_NEEDLES = Needles(_LOWER_HINT_RULES)
_EXACT_NEEDLES = Needles(_EXACT_HINT_RULES, by="chars")


def _provider_hits(text: str, taken: _Spans, claimed: _Spans, lower: str, lower_pairs: set[str]) -> list[_Hit]:
    hits: list[_Hit] = []
    active = set(UNHINTED)
    for hint in _LOWER_NEEDLES.present(lower, lower_pairs):
        active.update(_LOWER_HINT_RULES[hint])
    for hint in _EXACT_NEEDLES.present(text):
        active.update(_EXACT_HINT_RULES[hint])
    memo: dict[str, list[int]] = {}
    for index in sorted(active):  # rule order decides overlaps
        rule = RULES[index]
        for m in rule.regex.finditer(text):
            start, end = m.span(rule.group)
            if rule.extend is not None:
                end = rule.extend(text, end, memo)
            value = text[start:end]
            if not value or taken.overlaps(start, end) or (rule.applies is not None and not rule.applies(value)):
                continue
            # a token glued to stray symbols is mangled; a captured value sits inside its own syntax
            if (rule.placeholder or is_placeholder)(value) or (not rule.group and glued(text, start, end)):
                if not claimed.overlaps(start, end):
                    claimed.add(start, end)
                continue
            validated = rule.validator(value) if rule.validator else None
            if rule.match_check is not None and not rule.match_check(m):
                validated = False
            if (validated is False and rule.strict) or not rule.report:
                if not claimed.overlaps(start, end):
                    claimed.add(start, end)
                continue
            tier = "provider_unvalidated" if validated is False else "provider"
            raw = 1.0 if validated else 0.5 + 0.5 * randomness(value)
            taken.add(start, end)
            hits.append(_Hit(start, end, rule.type, rule.label, rule.family, rule.severity, tier, raw, validated))
    return hits


def _generic_hit(c: Candidate) -> _Hit:
    return _Hit(c.start, c.end, c.type, c.label, c.family, c.severity, c.tier, c.raw, None, c.key)


def detect_secrets(text: str, *, entropy: bool = False) -> list[Finding]:
    """Secrets in ``text``; ``entropy`` (comprehensive scans) also reports weaker random-looking tokens."""
    taken, claimed = _Spans(), _Spans()
    lower = text.lower()
    lower_pairs = shared_pairs(lower)  # for the provider hints, the provider names and the injection rules
    hits = _provider_hits(text, taken, claimed, lower, lower_pairs)
    anchored = AnchoredIndex(ANCHORED, lower, lower_pairs)
    for candidate in (*keyword_assignments(text, anchored), *random_tokens(text, anchored, thorough=entropy)):
        if taken.overlaps(candidate.start, candidate.end) or claimed.overlaps(candidate.start, candidate.end):
            continue
        if candidate.type != "PASSWORD" and (text.startswith(EXACT_PREFIXES, candidate.start) or (
                candidate.raw < 0.8 and text.startswith(KNOWN_PREFIXES, candidate.start))):
            continue  # a known issuer's prefix on a value that fits none of its formats: a near miss
        taken.add(candidate.start, candidate.end)
        hits.append(_generic_hit(candidate))
    hits.sort(key=lambda h: h.start)
    return [_finding(text, h) for h in hits]


def _finding(text: str, hit: _Hit) -> Finding:
    detail: dict = {"detector": hit.tier, "family": hit.family, "label": hit.label, "raw_score": round(hit.raw, 4)}
    if hit.validated is not None:
        detail["validated"] = hit.validated
    message = f"{hit.label} found"
    if hit.key:
        detail["key"] = hit.key[:40]
        message = f"{hit.label} assigned to '{hit.key[:40]}'"
    return Finding(type=hit.type, category=CATEGORY_SECRET, severity=hit.severity,
                   score=calibrated_score(hit.tier, hit.raw), start=hit.start, end=hit.end,
                   evidence=redact(text[hit.start:hit.end]), message=message, source="text", detail=detail)
