"""Prompt-injection and jailbreak detection: rules and the learned model, one calibrated score.

The rules (:mod:`.injection_rules`) read every de-obfuscated view and every hidden
span (:mod:`.hidden`: HTML comments, alt text, invisible elements, tag characters);
the n-gram model (:mod:`.injection_model`) reads the folded text plus any decoded
payloads, and each hidden span worded as an order on its own. Attack words that the
text only quotes, discusses or asks to translate (:mod:`.mention`) are not counted.
A small logistic combiner, fitted on the tuning split by the training script, turns
the model's logit and the rule families that fired into a raw score; an isotonic
calibrator per kind of verdict (rule span found, or the model alone) makes it a
probability and carries the flag/block thresholds chosen on that split.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from guards.analyzers.base import Finding
from guards.analyzers.calibration import Calibrator
from guards.analyzers.securityguard.calibrators import get_calibrator
from guards.analyzers.securityguard.common import CATEGORY_INJECTION, excerpt, finding
from guards.analyzers.securityguard.hidden import HIDDEN_VIEW_NAMES, blank, directive_strength, hidden_views
from guards.analyzers.securityguard.injection_model import get_model, logit
from guards.analyzers.securityguard.injection_rules import (
    FAMILIES,
    HIDDEN_FAMILY,
    RuleHit,
    match_rules,
    split_payload,
)
from guards.analyzers.securityguard.mention import inside, mask, mentioned_spans
from guards.analyzers.securityguard.obfuscation import View, build_views
from guards.analyzers.securityguard.steering import is_steering

_PLAIN_VIEWS = frozenset({"folded"})
# De-obfuscated whole-text views: a quoted span in them is still a quotation.
_READABLE_VIEWS = frozenset({"folded", "leetspeak", "spaced_letters"})
# An imperative hidden span (not addressed to an assistant, no rule hit) counts as an
# order when the model alone gives it at least this probability.
HIDDEN_MODEL_P = 0.5
# Calibrated separately: a rule span is strong evidence; the model alone is a weaker kind
# of finding, with its own precision and so its own flag/block thresholds.
RULED = "injection"
LEARNED = "learned_injection"


def calibrator_for(hits: list[RuleHit]) -> Calibrator:
    """The calibrator (isotonic map + thresholds, fitted on the tuning split) for this kind of verdict."""
    return get_calibrator(RULED if hits else LEARNED)


@dataclass(slots=True)
class InjectionVerdict:
    score: float  # calibrated P(injection)
    model_probability: float
    hits: list[RuleHit] = field(default_factory=list)
    obfuscations: list[str] = field(default_factory=list)
    raw: float = 0.0  # the combiner's output before calibration
    mentioned: int = 0  # quoted or discussed spans whose rule hits were not counted
    flag_at: float = 0.5  # thresholds of this kind of verdict, chosen on the tuning split
    block_at: float = 0.9


@dataclass(slots=True)
class Prepared:
    """Everything the scorer reads, computed once (training calls this too)."""

    hits: list[RuleHit]
    model_text: str  # folded text, mentioned spans masked, decoded payloads after it
    extra: list[str]  # de-obfuscated whole-text views a rule fired in
    hidden: list[View]  # hidden spans worded like orders (the model reads each alone)
    mentioned: int


def combiner_features(model_probability: float, hits: list[RuleHit]) -> np.ndarray:
    """Inputs of the combiner: model logit, one flag per rule family, an obfuscation flag."""
    fired = {h.family for h in hits}
    flags = [1.0 if fam in fired else 0.0 for fam in FAMILIES]
    obfuscated = 1.0 if any(h.view not in _PLAIN_VIEWS for h in hits) else 0.0
    return np.array([logit(model_probability), *flags, obfuscated], dtype=np.float64)


def model_text(views: list[View], masked: str | None = None) -> str:
    """What the n-gram model reads: the folded text and every decoded payload after it."""
    parts = [views[0].text if masked is None else masked]
    parts.extend(v.text for v in views[1:] if v.span is not None and v.name not in HIDDEN_VIEW_NAMES)
    return "\n".join(parts)


def prepare(text: str, *, thorough: bool) -> Prepared:
    """Rule hits over every view (hidden spans included), the text the model reads, the
    de-obfuscated views a rule fired in, and the hidden spans that read as orders."""
    hidden = hidden_views(text)
    # The visible text is read with the hidden spans blanked out (same length, so offsets
    # hold): a hidden span is judged on its own below, and a build comment must not make
    # the visible text look like an order.
    views = build_views(blank(text, [v.span for v in hidden if v.span]), thorough=thorough)
    split = split_payload(views[0])
    if split is not None:
        views.append(split)
    views.extend(hidden)
    hits = match_rules(views)
    folded = views[0]
    spans = mentioned_spans(folded.text)
    masked: str | None = None
    if spans:
        original = [folded.to_original(s, e) for s, e in spans]
        hits = [h for h in hits if h.view not in _READABLE_VIEWS or not inside(original, h.start, h.end)]
    # A user steering the assistant ("from now on, answer in Spanish") in plain words: neither
    # the rule nor, through its words, the model counts it.
    steered = [h.view_span for h in hits if h.view == "folded" and is_steering(h.name, folded.text, *h.view_span)]
    if steered:
        steered_set = set(steered)
        hits = [h for h in hits if not (h.view == "folded" and h.view_span in steered_set)]
        spans = _union(spans, steered)
    if spans:
        masked = mask(folded.text, spans)
    orders: list[View] = []  # hidden spans worded as orders: the model reads each alone
    for view in hidden:
        ruled = any(h.view == view.name and (h.start, h.end) == view.span for h in hits)
        strength = directive_strength(view.text)
        if ruled or strength >= 1.0:
            hits.append(_hidden_hit(view))
        if ruled or strength > 0:
            orders.append(view)
    fired = {h.view for h in hits}
    extra = [v.text for v in views[1:] if v.span is None and v.name in fired]
    return Prepared(hits, model_text(views, masked), extra, orders, len(spans))


def _union(spans: list[tuple[int, int]], more: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, overlapping spans merged (``mask`` needs them disjoint)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted([*spans, *more]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _hidden_hit(view: View) -> RuleHit:
    start, end = view.span or (0, 0)
    return RuleHit(HIDDEN_FAMILY, view.name, view.name, start, end, view.text[:200])


def analyse(text: str, *, thorough: bool) -> InjectionVerdict:
    """Score ``text``; ``thorough`` also tries rot13 and hex on text that does not hint at them."""
    prep = prepare(text, thorough=thorough)
    model = get_model()
    p_model = max(model.probability(t) for t in (prep.model_text, *prep.extra))
    hits = list(prep.hits)
    for view in prep.hidden:
        p_hidden = model.probability(view.text)
        hidden_hit = any(h.family == HIDDEN_FAMILY and (h.start, h.end) == view.span for h in hits)
        if not hidden_hit and p_hidden >= HIDDEN_MODEL_P:
            hits.append(_hidden_hit(view))  # imperative, and the model reads it as an injection
            hidden_hit = True
        if hidden_hit:
            # What the hidden order says matters, not the harmless text around it; an order
            # to the assistant that nobody was meant to see is evidence enough on its own.
            p_model = max(p_model, p_hidden, HIDDEN_MODEL_P)
    raw = model.combine(combiner_features(p_model, hits))
    obfuscations = sorted({h.view for h in hits if h.view not in _PLAIN_VIEWS})
    if hits and not obfuscations and not text.isascii():
        # Matched only after folding: the original spelled it with look-alikes or hidden marks.
        if any(text[h.start : h.end].lower() != h.matched for h in hits):
            obfuscations = ["homoglyph_or_invisible"]
    calibrator = calibrator_for(hits)
    return InjectionVerdict(calibrator(raw), p_model, hits, obfuscations, raw, prep.mentioned,
                            calibrator.flag_at, calibrator.block_at)


def findings_for(text: str, verdict: InjectionVerdict, *, threshold: float, direction: str) -> list[Finding]:
    """Findings when the calibrated score reaches ``threshold``: one per rule span, or the whole text."""
    if verdict.score < threshold:
        return []
    severity = "critical" if verdict.score >= verdict.block_at else "high"
    if direction == "output":
        # Injection text in a model's answer is a sign of indirect injection, less often an attack.
        severity = "medium" if severity == "high" else "high"
    common = {"model_probability": round(verdict.model_probability, 4), "obfuscation": verdict.obfuscations,
              "calibrator": RULED if verdict.hits else LEARNED}
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
    for f in out:
        f.score = verdict.score  # the calibrated probability, not a severity weight
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
