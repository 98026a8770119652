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

_EVIDENCE_CHARS = 160
# Without sources, a claim the prompt neither confirms nor contradicts cannot be judged:
# a prior, not a measurement (no reference, nothing to measure it on), kept below every
# flag threshold so an unverifiable answer is at most a low-severity finding.
UNVERIFIABLE_RISK = 0.25
_UNVERIFIED_CITATION_SHARE = 1 / 3  # a citation that cannot be checked (no sources) is a weak sign


@dataclass(slots=True)
class Parts:
    """What the detectors found in one output."""

    supports: list[ClaimSupport]
    verdicts: list[str]  # one per support: supported | unsupported | contradicted | unverifiable
    grounding_risk: float | None  # calibrated probability the output is unfaithful to its sources
    contradiction_risk: float  # calibrated probability for an output the sources contradict
    markers: list[Marker]
    contradictions: list[Contradiction]
    citations: list[Citation]
    with_sources: bool


def excerpt(text: str) -> str:
    """``text`` shortened for a response field (an ellipsis marks the cut)."""
    return text if len(text) <= _EVIDENCE_CHARS else text[: _EVIDENCE_CHARS - 1] + "\u2026"


def _inside(marker: Marker, span: Span) -> bool:
    return span.start <= marker.start < span.end


def output_risk(parts: Parts) -> float:
    """The output's risk: the largest probability of a problem that any detector measured.

    Grounding with sources is the calibrated output model; a claim the sources contradict
    scores at least what contradictions scored on the tuning data; without sources an
    unverifiable claim only scores the low prior. Overconfidence and hedging are reported,
    not scored: they say how the answer is worded, not whether it is true.
    """
    risk = parts.grounding_risk or 0.0
    if "contradicted" in parts.verdicts:
        risk = max(risk, parts.contradiction_risk)
    if "unverifiable" in parts.verdicts:
        risk = max(risk, UNVERIFIABLE_RISK)
    for c in parts.contradictions:
        risk = max(risk, c.score)
    for c in parts.citations:
        risk = max(risk, _citation_score(c, parts.with_sources))
    return min(1.0, max(0.0, risk))


def _citation_score(c: Citation, with_sources: bool) -> float:
    return c.suspicion if with_sources else c.suspicion * _UNVERIFIED_CITATION_SHARE


def claim_dict(s: ClaimSupport, verdict: str) -> dict[str, Any]:
    """One claim as the response lists it: offsets, verdict, score and supporting passage."""
    return {
        "text": s.claim.text,
        "start": s.claim.start,
        "end": s.claim.end,
        "source": SOURCE,
        "verdict": verdict,
        "supported": verdict == "supported",
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


def _quoted(words: list[str]) -> str:
    return ", ".join(f"\u201c{w}\u201d" for w in words)


def _reasons(s: ClaimSupport) -> list[str]:
    """Why a claim is not supported, in the claim's own words."""
    reasons = []
    if s.missing_names:
        reasons.append("names not in the reference: " + _quoted([n.text for n in s.missing_names]))
    if s.missing_numbers:
        reasons.append("figures not in the reference: " + _quoted([n.text for n in s.missing_numbers]))
    if s.missing_words and not reasons:
        reasons.append("words not in the reference: " + _quoted(s.missing_words[:8]))
    return reasons


def _grounding_finding(s: ClaimSupport, verdict: str, parts: Parts) -> Finding:
    detail: dict[str, Any] = {
        "verdict": verdict,
        "support": round(s.score, 4),
        "passage": s.passage,
        "closest_evidence": None if s.evidence is None else excerpt(s.evidence.text),
        "missing_names": [{"text": n.text, "start": n.start, "end": n.end} for n in s.missing_names],
        "missing_numbers": [{"text": n.text, "start": n.start, "end": n.end} for n in s.missing_numbers],
        "missing_words": s.missing_words,
        "negates_source": s.negates_source,
        "features": {k: round(v, 4) for k, v in s.features.items()},
    }
    where = {"start": s.claim.start, "end": s.claim.end, "evidence": excerpt(s.claim.text), "source": SOURCE}
    reference = "the sources" if parts.with_sources else "the prompt"
    if verdict == "contradicted":
        said = "" if s.evidence is None else f": \u201c{excerpt(s.evidence.text)}\u201d"
        verb = "give" if parts.with_sources else "gives"
        if s.substituted is not None:
            detail["reference_says"] = s.substituted.text
            why = f"{reference} {verb} \u201c{s.substituted.text}\u201d where the claim has " + _quoted(
                [n.text for n in [*s.missing_numbers, *s.missing_names]])
        else:
            why = f"{reference} {'say' if parts.with_sources else 'says'} the opposite{said}"
        return Finding(type="contradiction", category="contradiction", severity="high",
                       score=parts.contradiction_risk, message=f"Contradicted by {reference}: {why}.",
                       detail=detail, **where)
    if verdict == "unverifiable":
        return Finding(type="unverifiable_claim", category="grounding", severity="low", score=UNVERIFIABLE_RISK,
                       message="Cannot be checked: no sources were given and the prompt does not state it.",
                       detail=detail, **where)
    reasons = _reasons(s)
    return Finding(type="unsupported_claim", category="grounding", severity=_severity(s.score), score=1.0 - s.score,
                   message="Not supported by the sources" + (f" ({'; '.join(reasons)})." if reasons else "."),
                   detail=detail, **where)


def build_findings(parts: Parts) -> list[Finding]:
    """Every finding, located in ``output_text``, in reading order."""
    out = [_grounding_finding(s, v, parts) for s, v in zip(parts.supports, parts.verdicts, strict=True)
           if v != "supported"]
    unsupported = [s.claim for s, v in zip(parts.supports, parts.verdicts, strict=True) if v != "supported"]
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
        fabricated = parts.with_sources
        out.append(Finding(
            type="fabricated_citation" if fabricated else "unverified_citation", category="citations",
            severity=("high" if not c.partial else "medium") if fabricated else "low",
            score=_citation_score(c, fabricated),
            start=c.start, end=c.end, evidence=excerpt(c.text),
            message=("Citation absent from the sources." if fabricated
                     else "Citation that cannot be checked: no sources were given."),
            source=SOURCE, detail={"kind": c.kind, "partly_in_reference": c.partial},
        ))
    return sorted(out, key=lambda f: (f.start or 0, f.end or 0))
