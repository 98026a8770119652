"""TrustGuard: how far a model's answer can be trusted, given what it was asked and handed.

``score`` is the risk, ``1 - trust_score``, like every guard's score (higher = worse), so
the tenant's ``flag_threshold``/``block_threshold`` read the same way across guards.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from guards.analyzers.base import (
    Analyzer,
    AnalyzerContext,
    Finding,
    GuardResult,
    PayloadError,
    decide,
    require_text,
)
from guards.analyzers.schema import Setting, SettingsSchema
from guards.analyzers.trustguard.citations import Citation, find_citations
from guards.analyzers.trustguard.claims import split_claims
from guards.analyzers.trustguard.contradiction import Contradiction, find_contradictions
from guards.analyzers.trustguard.grounding import (
    ClaimSupport,
    GroundingModel,
    build_evidence,
    ground_claims,
    grounding_score,
)
from guards.analyzers.trustguard.markers import Marker, find_markers
from guards.analyzers.trustguard.text import Span

DETECTORS = ("grounding", "markers", "contradiction", "citations")
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
class _Parts:
    supports: list[ClaimSupport]
    grounding: float | None
    markers: list[Marker]
    contradictions: list[Contradiction]
    citations: list[Citation]


_model_lock = threading.Lock()
_model: GroundingModel | None = None


def grounding_model() -> GroundingModel:
    """The trained grounding weights, read once per process."""
    global _model
    with _model_lock:
        if _model is None:
            _model = GroundingModel.load()
        return _model


def _sources(payload: dict[str, Any]) -> list[str]:
    """``sources`` as a list of strings; items may be strings or objects with a ``text``."""
    raw = payload.get("sources")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise PayloadError("sources", "Must be a list of strings (reference passages).")
    out = []
    for i, item in enumerate(raw):
        if isinstance(item, dict) and isinstance(item.get("text"), str):
            item = item["text"]
        if not isinstance(item, str):
            raise PayloadError("sources", f"Item {i} must be a string or an object with a string 'text'.")
        out.append(item)
    return out


def _excerpt(text: str) -> str:
    return text if len(text) <= _EVIDENCE_CHARS else text[: _EVIDENCE_CHARS - 1] + "\u2026"


class TrustGuard(Analyzer):
    name = "trustguard"
    version = "1.0.0"
    description = (
        "Grounding of model output (output_text) in its sources or prompt: unsupported claims, "
        "overconfidence and hedging, self-contradiction, refusals, invented citations, a trust score."
    )
    settings_schema = SettingsSchema(
        (
            Setting("flag_threshold", "float", 0.5, "Risk (1 - trust_score) at which the output is flagged.",
                    min=0.0, max=1.0),
            Setting("block_threshold", "float", 0.85, "Risk (1 - trust_score) at which the output is blocked.",
                    min=0.0, max=1.0),
            Setting("support_threshold", "float", 0.5,
                    "Claims whose support score is below this are reported as unsupported.", min=0.0, max=1.0),
            Setting("detectors", "list", list(DETECTORS), "Detectors to run.", choices=DETECTORS, item_type="str"),
            Setting("use_embeddings", "bool", True,
                    "Consult sentence embeddings for claims that word overlap leaves undecided (paraphrases), "
                    "when the trained grounding weights give meaning a weight."),
            Setting("max_embedded_claims", "int", 1,
                    "At most this many undecided claims are compared by meaning per request "
                    "(each costs a few milliseconds of CPU).", min=0, max=64),
            Setting("max_claims", "int", 200, "Claims beyond this many are not grounded (long outputs).",
                    min=1, max=2000),
        )
    )

    def warm_up(self) -> None:
        from guards.analyzers.embeddings import get_embedder

        grounding_model()
        get_embedder().embed(["warm up"])

    def analyze(self, payload: dict[str, Any], settings: dict[str, Any], context: AnalyzerContext) -> GuardResult:
        prompt = require_text(payload, "text", required=False)
        output = require_text(payload, SOURCE)
        sources = _sources(payload)
        enabled = set(settings["detectors"])
        timings: dict[str, float] = {}

        started = time.perf_counter()
        markers = find_markers(output) if "markers" in enabled else []
        timings["markers"] = _ms(started)
        # Refusals and "I don't know" assert nothing about the world: they are not grounded.
        declines = [m for m in markers if m.kind in ("refusal", "abstention")]
        all_claims = [c for c in split_claims(output) if not any(c.start <= m.start < c.end for m in declines)]
        claims = all_claims[: settings["max_claims"]]

        started = time.perf_counter()
        supports: list[ClaimSupport] = []
        has_reference = any(s.strip() for s in sources) or bool(prompt.strip())
        if "grounding" in enabled and has_reference:
            embed = None
            if settings["use_embeddings"]:
                from guards.analyzers.embeddings import get_embedder

                embed = get_embedder().embed
            supports = ground_claims(
                claims, build_evidence(prompt, sources), grounding_model(),
                embed=embed, max_embedded_claims=settings["max_embedded_claims"],
            )
        timings["grounding"] = _ms(started)

        started = time.perf_counter()
        contradictions = find_contradictions(claims) if "contradiction" in enabled else []
        timings["contradiction"] = _ms(started)

        started = time.perf_counter()
        citations = find_citations(output, "\n".join([prompt, *sources])) if "citations" in enabled else []
        timings["citations"] = _ms(started)

        parts = _Parts(supports, grounding_score(supports), markers, contradictions, citations)
        with_sources = any(s.strip() for s in sources)
        trust = _trust(parts, settings["support_threshold"], with_sources=with_sources)
        risk = 1.0 - trust
        findings = _findings(parts, settings["support_threshold"], with_sources=with_sources)
        unsupported = [s for s in supports if s.score < settings["support_threshold"]]
        data = {
            "trust_score": round(trust, 4),
            "grounding_score": None if parts.grounding is None else round(parts.grounding, 4),
            "reference": "sources" if with_sources else ("prompt" if prompt.strip() else "none"),
            "claims": [_claim_dict(s, settings["support_threshold"]) for s in supports]
            if supports else [{"text": c.text, "start": c.start, "end": c.end, "source": SOURCE} for c in claims],
            "unsupported_claims": [
                {"text": s.claim.text, "start": s.claim.start, "end": s.claim.end, "score": round(s.score, 4),
                 "source": SOURCE}
                for s in unsupported
            ],
            "claims_truncated": len(all_claims) > len(claims),
            "overconfidence_markers": sum(m.kind == "overconfidence" for m in markers),
            "hedging_markers": sum(m.kind == "hedging" for m in markers),
            "refusal": any(m.kind == "refusal" for m in markers),
            "abstention": any(m.kind == "abstention" for m in markers),
            "contradictions": len(contradictions),
            "citations": [{"kind": c.kind, "text": c.text, "start": c.start, "end": c.end, "found": c.found}
                          for c in citations],
        }
        return GuardResult(
            decision=decide(risk, flag_at=settings["flag_threshold"], block_at=settings["block_threshold"]),
            score=risk,
            findings=findings,
            data=data,
            version=self.version,
            timings_ms=timings,
        )


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0


def _inside(marker: Marker, span: Span) -> bool:
    return span.start <= marker.start < span.end


def _trust(parts: _Parts, support_threshold: float, *, with_sources: bool) -> float:
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


def _claim_dict(s: ClaimSupport, threshold: float) -> dict[str, Any]:
    return {
        "text": s.claim.text,
        "start": s.claim.start,
        "end": s.claim.end,
        "source": SOURCE,
        "supported": s.score >= threshold,
        "score": round(s.score, 4),
        "passage": s.passage,
        "evidence": None if s.evidence is None else _excerpt(s.evidence.text),
    }


def _severity(support: float) -> str:
    if support < 0.15:
        return "high"
    if support < 0.35:
        return "medium"
    return "low"


def _findings(parts: _Parts, support_threshold: float, *, with_sources: bool) -> list[Finding]:
    out: list[Finding] = []
    for s in parts.supports:
        if s.score >= support_threshold:
            continue
        reasons = []
        if s.missing_names:
            reasons.append("names not in the reference: " + ", ".join(n.text for n in s.missing_names))
        if s.missing_numbers:
            reasons.append("figures not in the reference: " + ", ".join(n.text for n in s.missing_numbers))
        if s.missing_words and not reasons:
            reasons.append("words not in the reference: " + ", ".join(s.missing_words[:8]))
        out.append(Finding(
            type="unsupported_claim", category="grounding", severity=_severity(s.score), score=1.0 - s.score,
            start=s.claim.start, end=s.claim.end, evidence=_excerpt(s.claim.text),
            message="Claim not supported by the reference" + (f" ({'; '.join(reasons)})" if reasons else "."),
            source=SOURCE,
            detail={
                "support": round(s.score, 4),
                "passage": s.passage,
                "closest_evidence": None if s.evidence is None else _excerpt(s.evidence.text),
                "missing_names": [{"text": n.text, "start": n.start, "end": n.end} for n in s.missing_names],
                "missing_numbers": [{"text": n.text, "start": n.start, "end": n.end} for n in s.missing_numbers],
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
            start=c.second.start, end=c.second.end, evidence=_excerpt(c.second.text),
            message=f"Contradicts an earlier statement ({c.detail}).", source=SOURCE,
            detail={"kind": c.kind, "earlier": {"text": _excerpt(c.first.text), "start": c.first.start,
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
            start=c.start, end=c.end, evidence=_excerpt(c.text),
            message=("Citation absent from the sources." if fabricated
                     else "Citation that cannot be checked: no sources were given."),
            source=SOURCE, detail={"kind": c.kind, "partly_in_reference": c.partial},
        ))
    return sorted(out, key=lambda f: (f.start or 0, f.end or 0))
