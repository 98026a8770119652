"""From the detectors' results to trustguard's answer: the trust score, findings and claim list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from guards.analyzers.base import Finding
from guards.analyzers.trustguard.citations import Citation
from guards.analyzers.trustguard.contradiction import Contradiction
from guards.analyzers.trustguard.grounding import ClaimSupport
from guards.analyzers.trustguard.markers import Marker
from guards.analyzers.trustguard.text import Span

SOURCE = "output_text"

# How much each signal takes off the trust score (multiplicative, so order does not matter).
_CONTRADICTION_PENALTY = 0.35
_FABRICATED_CITATION_PENALTY = 0.25  # sources were given and the reference is not in them
_UNVERIFIED_CITATION_PENALTY = 0.05  # no sources to check against
_OVERCONFIDENT_UNSUPPORTED_PENALTY = 0.15  # certainty wrapped around an unsupported claim
_OVERCONFIDENT_PENALTY = 0.03
_HEDGE_PENALTY = 0.02
_MAX_COUNTED_MARKERS = 3
_EVIDENCE_CHARS = 160


@dataclass(slots=True)
class Parts:
    """What the detectors found in one output."""

    supports: list[ClaimSupport]
    grounding: float | None
    markers: list[Marker]
    contradictions: list[Contradiction]
    citations: list[Citation]


def excerpt(text: str) -> str:
    """``text`` shortened for a response field (an ellipsis marks the cut)."""
    return text if len(text) <= _EVIDENCE_CHARS else text[: _EVIDENCE_CHARS - 1] + "\u2026"


def _inside(marker: Marker, span: Span) -> bool:
    return span.start <= marker.start < span.end


def trust_score(parts: Parts, support_threshold: float, *, with_sources: bool) -> float:
    """Grounding (1.0 when nothing checkable was said) times a penalty per warning sign."""
    trust = 1.0 if parts.grounding is None else parts.grounding
    for c in parts.contradictions:
        trust *= 1.0 - _CONTRADICTION_PENALTY * c.score
    for c in parts.citations:
        penalty = _FABRICATED_CITATION_PENALTY if with_sources else _UNVERIFIED_CITATION_PENALTY
        trust *= 1.0 - penalty * c.suspicion
    unsupported = [s.claim for s in parts.supports if s.score < support_threshold]
    confident = [m for m in parts.markers if m.kind == "overconfidence"][:_MAX_COUNTED_MARKERS]
    for m in confident:
        on_unsupported = any(_inside(m, span) for span in unsupported)
        trust *= 1.0 - m.strength * (_OVERCONFIDENT_UNSUPPORTED_PENALTY if on_unsupported else _OVERCONFIDENT_PENALTY)
    for m in [m for m in parts.markers if m.kind == "hedging"][:_MAX_COUNTED_MARKERS]:
        trust *= 1.0 - _HEDGE_PENALTY * m.strength
    return min(1.0, max(0.0, trust))


def claim_dict(s: ClaimSupport, threshold: float) -> dict[str, Any]:
    """One claim as the response lists it: offsets, verdict, score and supporting passage."""
    return {
        "text": s.claim.text,
        "start": s.claim.start,
        "end": s.claim.end,
        "source": SOURCE,
        "supported": s.score >= threshold,
        "score": round(s.score, 4),
        "passage": s.passage,
        "evidence": None if s.evidence is None else excerpt(s.evidence.text),
        # MiniLM cosine with the evidence, when the claim was compared by meaning (a possible paraphrase).
        "similarity": round(s.features["similarity"], 4) if "similarity" in s.features else None,
    }


def _severity(support: float) -> str:
    if support < 0.15:
        return "high"
    if support < 0.35:
        return "medium"
    return "low"


def build_findings(parts: Parts, support_threshold: float, *, with_sources: bool) -> list[Finding]:
    """Every finding, located in ``output_text``, in reading order."""
    out: list[Finding] = []
    for s in parts.supports:
        if s.score >= support_threshold:
            continue
        reasons = []
        if s.missing_names:
            reasons.append("names not in the reference: " + ", ".join(n.text for n in s.missing_names))
        if s.missing_numbers:
            reasons.append("figures not in the reference: " + ", ".join(n.text for n in s.missing_numbers))
        if s.negates_source:
            reasons.append("the reference says the opposite")
        if s.missing_words and not reasons:
            reasons.append("words not in the reference: " + ", ".join(s.missing_words[:8]))
        out.append(Finding(
            type="unsupported_claim", category="grounding", severity=_severity(s.score), score=1.0 - s.score,
            start=s.claim.start, end=s.claim.end, evidence=excerpt(s.claim.text),
            message="Claim not supported by the reference" + (f" ({'; '.join(reasons)})" if reasons else "."),
            source=SOURCE,
            detail={
                "support": round(s.score, 4),
                "passage": s.passage,
                "closest_evidence": None if s.evidence is None else excerpt(s.evidence.text),
                "missing_names": [{"text": n.text, "start": n.start, "end": n.end} for n in s.missing_names],
                "missing_numbers": [{"text": n.text, "start": n.start, "end": n.end} for n in s.missing_numbers],
                "negates_source": s.negates_source,
                "features": {k: round(v, 4) for k, v in s.features.items()},
            },
        ))
    unsupported = [s.claim for s in parts.supports if s.score < support_threshold]
    for m in parts.markers:
        on_unsupported = any(_inside(m, span) for span in unsupported)
        severity, message = {
            "overconfidence": ("medium" if on_unsupported else "low",
                               "Absolute certainty" + (" about an unsupported claim." if on_unsupported else ".")),
            "hedging": ("info", "Expressed uncertainty."),
            "refusal": ("info", "The model declines to answer."),
            "abstention": ("info", "The model says it does not know."),
        }[m.kind]
        out.append(Finding(
            type=m.kind, category="markers", severity=severity,
            score=m.strength * (1.0 if on_unsupported or m.kind in ("refusal", "abstention") else 0.5),
            start=m.start, end=m.end, evidence=m.text, message=message, source=SOURCE,
            detail={"negated": m.negated},
        ))
    for c in parts.contradictions:
        out.append(Finding(
            type="self_contradiction", category="consistency", severity="high", score=c.score,
            start=c.second.start, end=c.second.end, evidence=excerpt(c.second.text),
            message=f"Contradicts an earlier statement ({c.detail}).", source=SOURCE,
            detail={"kind": c.kind, "earlier": {"text": excerpt(c.first.text), "start": c.first.start,
                                                "end": c.first.end}},
        ))
    for c in parts.citations:
        if c.found:
            continue
        fabricated = with_sources
        out.append(Finding(
            type="fabricated_citation" if fabricated else "unverified_citation", category="citations",
            severity=("high" if not c.partial else "medium") if fabricated else "low",
            score=c.suspicion if fabricated else c.suspicion / 3,
            start=c.start, end=c.end, evidence=excerpt(c.text),
            message=("Citation absent from the sources." if fabricated
                     else "Citation that cannot be checked: no sources were given."),
            source=SOURCE, detail={"kind": c.kind, "partly_in_reference": c.partial},
        ))
    return sorted(out, key=lambda f: (f.start or 0, f.end or 0))
