"""TrustGuard: how far a model's answer can be trusted, given what it was asked and handed.

``score`` is the risk, ``1 - trust_score``, like every guard's score (higher = worse): the
calibrated probability that the output is unfaithful to its sources (``grounding.risk``),
decided by the thresholds chosen on tuning data unless the tenant sets its own. Each claim
gets a verdict: supported, unsupported (the sources are silent), contradicted, or
unverifiable (no sources, and the prompt does not state it).
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any

from guards.analyzers.base import (
    Analyzer,
    AnalyzerContext,
    GuardResult,
    decide,
)
from guards.analyzers.calibration import Calibrator
from guards.analyzers.schema import Setting, SettingsSchema
from guards.analyzers.trustguard.citations import find_citations
from guards.analyzers.trustguard.claims import split_claims
from guards.analyzers.trustguard.contract import CONTRACT
from guards.analyzers.trustguard.contradiction import find_contradictions
from guards.analyzers.trustguard.grounding import (
    ClaimSupport,
    GroundingModel,
    build_evidence,
    calibrator,
    ground_claims,
    grounding_score,
    output_features,
)
from guards.analyzers.trustguard.markers import find_markers
from guards.analyzers.trustguard.text import Span
from guards.analyzers.trustguard.verdict import SOURCE, Parts, build_findings, claim_dict, output_risk

DETECTORS = ("grounding", "markers", "contradiction", "citations")

_model_lock = threading.Lock()
_model: GroundingModel | None = None


def reset_grounding_model() -> None:
    """Forget the loaded weights (the training script rewrites them)."""
    global _model
    with _model_lock:
        _model = None


def grounding_model() -> GroundingModel:
    """The trained grounding weights, read once per process."""
    global _model
    with _model_lock:
        if _model is None:
            _model = GroundingModel.load()
        return _model


class TrustGuard(Analyzer):
    name = "trustguard"
    version = "2.0.0"
    description = (
        "Grounding of model output (output_text) in its sources, or in what the prompt states: supported, "
        "unsupported, contradicted and unverifiable claims, overconfidence and hedging, self-contradiction, "
        "refusals, invented citations, a calibrated risk of unfaithfulness."
    )

    contract = CONTRACT

    @classmethod
    def applies_to(cls, payload: dict[str, Any], *, session_id: str | None = None) -> bool:
        return bool(payload.get("output_text"))

    settings_schema = SettingsSchema(
        (
            Setting("flag_threshold", "float", 0.0,
                    "Risk (1 - trust_score, a calibrated probability) at which the output is flagged; 0 = the "
                    "threshold chosen on tuning data (precision >= 0.80).", min=0.0, max=1.0),
            Setting("block_threshold", "float", 0.0,
                    "Risk at which the output is blocked; 0 = the threshold chosen on tuning data "
                    "(precision >= 0.98).", min=0.0, max=1.0),
            Setting("support_threshold", "float", 0.5,
                    "Claims whose support score is below this are reported as unsupported.", min=0.0, max=1.0),
            Setting("detectors", "list", list(DETECTORS), "Detectors to run.", choices=DETECTORS, item_type="str"),
            Setting("use_embeddings", "bool", True,
                    "Compare by meaning (sentence embeddings) the claims whose names, figures and polarity agree "
                    "with the sources but whose words differ (paraphrases), so they can count as supported."),
            Setting("embedded_claims_per_kb", "float", 0.5,
                    "How many such claims are compared by meaning per started KB of output_text, counted as "
                    "text: one is 256 characters of claims and source windows, so several short claims share "
                    "one; it costs up to ~20 ms of CPU on one core. Outputs up to 512 bytes get at least 1.25.",
                    min=0.0, max=64.0),
            Setting("max_embedded_claims", "int", 8,
                    "At most this many claims are compared by meaning per request, whatever the output's length.",
                    min=0, max=64),
            Setting("max_claims", "int", 200, "Claims beyond this many are not grounded (long outputs).",
                    min=1, max=2000),
        )
    )

    def warm_up(self) -> None:
        if grounding_model().uses_meaning:
            from guards.analyzers.embeddings import get_embedder

            get_embedder().embed(["warm up"])

    def analyze(self, payload: dict[str, Any], settings: dict[str, Any], context: AnalyzerContext) -> GuardResult:
        payload = self.contract.payload.validate(payload)
        prompt, output, sources = payload["text"] or "", payload[SOURCE], payload["sources"]
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
        if "grounding" in enabled:
            supports = ground_output(prompt, output, claims, sources, settings)
        timings["grounding"] = _ms(started)

        started = time.perf_counter()
        contradictions = find_contradictions(claims) if "contradiction" in enabled else []
        timings["contradiction"] = _ms(started)

        started = time.perf_counter()
        citations = find_citations(output, "\n".join([prompt, *sources])) if "citations" in enabled else []
        timings["citations"] = _ms(started)

        with_sources = any(s.strip() for s in sources)
        verdicts = [s.verdict(settings["support_threshold"], from_prompt=not with_sources) for s in supports]
        features = output_features(supports, settings["support_threshold"]) if with_sources else None
        raw_risk = None if features is None else _raw_risk(features)
        calibrated = calibrator("grounding")
        parts = Parts(
            supports, verdicts, None if raw_risk is None else calibrated(raw_risk),
            calibrator("contradiction")(1.0), markers, contradictions, citations, with_sources,
        )
        risk = output_risk(parts)
        trust = 1.0 - risk
        findings = build_findings(parts)
        flag_at, block_at = thresholds(settings, calibrated)
        data = {
            "trust_score": round(trust, 4),
            "grounding_score": None if not supports else round(grounding_score(supports), 4),
            # The output model's uncalibrated probability: monotone with the risk, without its ties.
            "raw_risk": None if raw_risk is None else round(raw_risk, 6),
            "output_features": None if features is None else {k: round(v, 4) for k, v in features.items()},
            "reference": "sources" if with_sources else ("prompt" if prompt.strip() else "none"),
            "verdicts": {v: verdicts.count(v) for v in ("supported", "unsupported", "contradicted", "unverifiable")},
            "claims": [claim_dict(s, v) for s, v in zip(supports, verdicts, strict=True)]
            if supports else [{"text": c.text, "start": c.start, "end": c.end, "source": SOURCE} for c in claims],
            "unsupported_claims": [
                {"text": s.claim.text, "start": s.claim.start, "end": s.claim.end, "score": round(s.score, 4),
                 "verdict": v, "source": SOURCE}
                for s, v in zip(supports, verdicts, strict=True) if v != "supported"
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
            decision=decide(risk, flag_at=flag_at, block_at=block_at),
            score=risk,
            findings=findings,
            data=data,
            version=self.version,
            timings_ms=timings,
        )


def ground_output(
    prompt: str, output: str, claims: list[Span], sources: list[str], settings: dict[str, Any]
) -> list[ClaimSupport]:
    """Every claim scored against the sources (or what the prompt states); [] without any reference.

    The benchmark and training scripts call this too, so they measure exactly what runs here.
    """
    if not (any(s.strip() for s in sources) or prompt.strip()):
        return []
    model = grounding_model()
    embed = None
    if settings["use_embeddings"] and model.uses_meaning:
        from guards.analyzers.embeddings import get_embedder

        embed = get_embedder().embed
    return ground_claims(
        claims, build_evidence(prompt, sources), model,
        embed=embed, max_embedded_claims=meaning_budget(output, settings),
    )


def _raw_risk(features: dict[str, float]) -> float:
    model = grounding_model()
    return model.output(features) if model.output is not None else 1.0 - features["grounding"]


def thresholds(settings: dict[str, Any], calibrated: Calibrator) -> tuple[float, float]:
    """(flag_at, block_at): the tenant's, or where they are 0 those chosen on tuning data."""
    block_at = settings["block_threshold"] or calibrated.block_at
    flag_at = settings["flag_threshold"] or calibrated.flag_at
    return min(flag_at, block_at), block_at


# A short answer (a few clauses) is compared in full: its paraphrased clauses are the whole answer.
SHORT_OUTPUT_BYTES = 512
SHORT_OUTPUT_BUDGET = 1.25  # claims' worth of text (320 characters), ~25 ms of CPU at most


def meaning_budget(output: str, settings: dict[str, Any]) -> float:
    """Full-length claims' worth of text to compare by meaning, capped by ``max_embedded_claims``.

    ``embedded_claims_per_kb`` per started KB (embedding costs ~0.4 ms of CPU per word piece
    on one core, so this keeps the cost per KB of a long output flat: 0.5 holds the worst
    case, every claim a paraphrase, near 13 ms per KB), and at least ``SHORT_OUTPUT_BUDGET``
    for an output of at most ``SHORT_OUTPUT_BYTES``.
    """
    size = len(output.encode())
    budget = settings["embedded_claims_per_kb"] * math.ceil(size / 1024)
    if budget > 0 and size <= SHORT_OUTPUT_BYTES:
        budget = max(budget, SHORT_OUTPUT_BUDGET)
    return min(float(settings["max_embedded_claims"]), budget)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0


