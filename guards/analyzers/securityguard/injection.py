"""Prompt-injection and jailbreak detection: rules and the learned model, one calibrated score.

The rules (:mod:`.injection_rules`) read every de-obfuscated view; the n-gram model
(:mod:`.injection_model`) reads the folded text plus any decoded payloads. A small
logistic combiner, fitted on the tuning split by the training script, turns the
model's logit and the rule families that fired into one probability whose 0.5 point
is the operating point chosen on that split; tenants move it with ``injection_threshold``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from guards.analyzers.base import Finding
from guards.analyzers.securityguard.common import CATEGORY_INJECTION, excerpt, finding
from guards.analyzers.securityguard.injection_model import get_model, logit
from guards.analyzers.securityguard.injection_rules import FAMILIES, RuleHit, match_rules, split_payload
from guards.analyzers.securityguard.obfuscation import View, build_views

_PLAIN_VIEWS = frozenset({"folded"})


@dataclass(slots=True)
class InjectionVerdict:
    score: float  # calibrated P(injection)
    model_probability: float
    hits: list[RuleHit] = field(default_factory=list)
    obfuscations: list[str] = field(default_factory=list)


def combiner_features(model_probability: float, hits: list[RuleHit]) -> np.ndarray:
    """Inputs of the combiner: model logit, one flag per rule family, an obfuscation flag."""
    fired = {h.family for h in hits}
    flags = [1.0 if fam in fired else 0.0 for fam in FAMILIES]
    obfuscated = 1.0 if any(h.view not in _PLAIN_VIEWS for h in hits) else 0.0
    return np.array([logit(model_probability), *flags, obfuscated], dtype=np.float64)


def model_text(views: list[View]) -> str:
    """What the n-gram model reads: the folded text and every decoded payload after it."""
    parts = [views[0].text]
    parts.extend(v.text for v in views[1:] if v.span is not None)
    return "\n".join(parts)


def prepare(text: str, *, thorough: bool) -> tuple[list[RuleHit], str, list[str]]:
    """Rule hits over every view, the text the model reads (shared with training), and
    the de-obfuscated whole-text views a rule fired in, which the model reads as well."""
    views = build_views(text, thorough=thorough)
    split = split_payload(views[0])
    if split is not None:
        views.append(split)
    hits = match_rules(views)
    fired = {h.view for h in hits}
    extra = [v.text for v in views[1:] if v.span is None and v.name in fired]
    return hits, model_text(views), extra


def analyse(text: str, *, thorough: bool) -> InjectionVerdict:
    """Score ``text``; ``thorough`` also tries rot13 and hex on text that does not hint at them."""
    hits, for_model, extra = prepare(text, thorough=thorough)
    model = get_model()
    p_model = max(model.probability(t) for t in (for_model, *extra))
    score = model.combine(combiner_features(p_model, hits))
    obfuscations = sorted({h.view for h in hits if h.view not in _PLAIN_VIEWS})
    if hits and not obfuscations and not text.isascii():
        # Matched only after folding: the original spelled it with look-alikes or hidden marks.
        if any(text[h.start : h.end].lower() != h.matched for h in hits):
            obfuscations = ["homoglyph_or_invisible"]
    return InjectionVerdict(score, p_model, hits, obfuscations)


def findings_for(text: str, verdict: InjectionVerdict, *, threshold: float, direction: str) -> list[Finding]:
    """Findings when the calibrated score reaches ``threshold``: one per rule span, or the whole text."""
    if verdict.score < threshold:
        return []
    severity = "critical" if verdict.score >= 0.9 else "high"
    if direction == "output":
        # Injection text in a model's answer is a sign of indirect injection, less often an attack.
        severity = "medium" if severity == "high" else "high"
    common = {"model_probability": round(verdict.model_probability, 4), "obfuscation": verdict.obfuscations}
    out: list[Finding] = []
    for hit in _merge(verdict.hits):
        out.append(finding(
            type=hit.family, category=CATEGORY_INJECTION, severity=severity, confidence=verdict.score,
            start=hit.start, end=hit.end, evidence=excerpt(text, hit.start, hit.end),
            message=f"Prompt injection ({hit.family.replace('_', ' ')}: {hit.name.replace('_', ' ')})",
            detail={**common, "rule": hit.name, "view": hit.view, "reads_as": hit.matched[:120]},
        ))
    if not out:
        end = len(text)
        out.append(finding(
            type="learned_injection", category=CATEGORY_INJECTION, severity=severity,
            confidence=verdict.score, start=0, end=end, evidence=excerpt(text, 0, end),
            message="Text resembles known prompt-injection or jailbreak prompts", detail=common,
        ))
    return out


def _merge(hits: list[RuleHit]) -> list[RuleHit]:
    """One hit per family and overlapping span (several rules often match the same words)."""
    ordered = sorted(hits, key=lambda h: (h.family, h.start, -h.end))
    out: list[RuleHit] = []
    for h in ordered:
        last = out[-1] if out else None
        if last and last.family == h.family and h.start < last.end:
            continue
        out.append(h)
    return sorted(out, key=lambda h: (h.start, h.family))
