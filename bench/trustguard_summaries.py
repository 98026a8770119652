"""Summary faithfulness for trustguard's bench: AggreFact (tune/report by document), FaithBench (measure only).

Each row is a news document and a model's summary of it, labelled faithful or unfaithful.
trustguard gets ``output_text`` = summary, ``sources`` = [document], no prompt, default
settings. A summary counts as judged unfaithful when the decision is not ``allow`` (the
shipped calibrated flag threshold), and, as the peers are scored, when its uncalibrated
risk reaches the threshold that maximises balanced accuracy on AggreFact's tuning part.

- AggreFact: the output model and its calibrator were fitted on the tuning documents
  (``trustguard_data.split_summaries``); figures are on the reported documents, with the
  CLIFF / Goyal'21 and cnndm / xsum breakdowns, plus a 5-fold cross-validation by document
  group (the output model and the threshold refitted on four folds with HaluEval's tuning
  half, the fifth predicted) over all 375 rows.
- FaithBench: non-commercial licence, so measured only, with the shipped model and the
  thresholds chosen on AggreFact; nothing is fitted or chosen on it.
- Peer: content-word overlap (share of the summary's content words found in the document)
  with its threshold tuned on AggreFact's tuning part.
- Latency: CPU time per summary and per KB of source document, and on one long source
  built from many documents (grounding is linear in the source's length).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from trustguard_data import SummaryRow
from trustguard_tasks import Judged, output_features_of

from guards.analyzers.base import AnalyzerContext
from guards.analyzers.trustguard import TrustGuard
from guards.analyzers.trustguard.grounding import VECTOR_CACHE
from guards.analyzers.trustguard.text import content_stems

FOLDS = 5


@dataclass(frozen=True, slots=True)
class Judgement:
    row: SummaryRow
    risk: float  # calibrated
    raw: float  # the output model's probability (monotone with risk, no ties)
    decision: str
    cpu_ms: float


def judge(rows: Sequence[SummaryRow], guard: TrustGuard, settings: dict) -> list[Judgement]:
    """Run the analyzer on every summary against its document (cold embedding cache, CPU time)."""
    out = []
    for row in rows:
        VECTOR_CACHE.clear()
        started = time.process_time()
        result = guard.analyze({"output_text": row.summary, "sources": [row.document]}, settings, AnalyzerContext())
        cpu = (time.process_time() - started) * 1000
        raw = result.data["raw_risk"]
        out.append(Judgement(row, result.score, result.score if raw is None else raw, result.decision, cpu))
    return out


def balanced_accuracy(labels: Sequence[int], predicted: Sequence[bool]) -> float:
    y, p = np.asarray(labels), np.asarray(predicted, dtype=bool)
    if not (y == 1).any() or not (y == 0).any():
        return float("nan")
    return 0.5 * (float(p[y == 1].mean()) + float((~p[y == 0]).mean()))


def rates(labels: Sequence[int], predicted: Sequence[bool]) -> dict[str, float]:
    """Balanced accuracy, recall on unfaithful, precision on faithful (share of allowed rows that were faithful)."""
    y, p = np.asarray(labels), np.asarray(predicted, dtype=bool)
    allowed = ~p
    return {
        "rows": len(y),
        "balanced_accuracy": balanced_accuracy(y, p),
        "recall_unfaithful": float(p[y == 1].mean()) if (y == 1).any() else float("nan"),
        "precision_unfaithful": float((y[p] == 1).mean()) if p.any() else float("nan"),
        "faithful_allowed": float(allowed[y == 0].mean()) if (y == 0).any() else float("nan"),
        "precision_faithful": float((y[allowed] == 0).mean()) if allowed.any() else float("nan"),
    }


def best_threshold(scores: Sequence[float], labels: Sequence[int]) -> float:
    """The cut (unfaithful = score >= cut) with the best balanced accuracy on these rows."""
    values = np.unique(np.asarray(scores))
    cuts = np.concatenate([values, [values[-1] + 1e-9]])
    return float(max(cuts, key=lambda c: balanced_accuracy(labels, np.asarray(scores) >= c)))


def overlap(row: SummaryRow) -> float:
    """The peer's score, as a risk: the share of the summary's content words NOT in the document."""
    words = content_stems(row.summary)
    return 1.0 - (len(words & content_stems(row.document)) / len(words) if words else 1.0)


def breakdown(judged: Sequence[Judgement], predict: Callable[[Judgement], bool]) -> dict[str, dict[str, float]]:
    """Rates overall and per dataset (CLIFF / Goyal'21) and per origin (cnndm / xsum)."""
    groups: dict[str, list[Judgement]] = {"all": list(judged)}
    for j in judged:
        groups.setdefault(j.row.dataset, []).append(j)
        groups.setdefault(j.row.origin, []).append(j)
    return {name: rates([j.row.unfaithful for j in js], [predict(j) for j in js]) for name, js in groups.items()}


def cross_validated(rows: Sequence[SummaryRow], halueval_tune: list[Judged], fit: Callable) -> dict[str, float]:
    """Balanced accuracy of the output model refitted per fold of AggreFact documents (HaluEval tune always in).

    ``fit(features, labels) -> predict(features) -> probability``; the threshold is the
    best balanced accuracy on the fold's training AggreFact rows.
    """
    groups = sorted({r.group for r in rows})
    rng = np.random.default_rng(20261201)
    fold_of = dict(zip(groups, rng.permutation(len(groups)) % FOLDS, strict=True))
    items = [Judged("", [r.document], r.summary, r.unfaithful) for r in rows]
    features = output_features_of(items)
    extra = [(f, j.unfaithful) for f, j in zip(output_features_of(halueval_tune), halueval_tune, strict=True) if f]
    predicted = np.zeros(len(rows), dtype=bool)
    for fold in range(FOLDS):
        train = [i for i, r in enumerate(rows) if fold_of[r.group] != fold and features[i]]
        model = fit([features[i] for i in train] + [f for f, _ in extra],
                    [rows[i].unfaithful for i in train] + [y for _, y in extra])
        cut = best_threshold([model(features[i]) for i in train], [rows[i].unfaithful for i in train])
        for i, r in enumerate(rows):
            if fold_of[r.group] == fold:
                predicted[i] = features[i] is not None and model(features[i]) >= cut
    labels = [r.unfaithful for r in rows]
    by_origin = {
        origin: balanced_accuracy([labels[i] for i in idx], predicted[idx])
        for origin in sorted({r.origin for r in rows})
        for idx in [np.array([i for i, r in enumerate(rows) if r.origin == origin])]
    }
    return {"folds": FOLDS, "rows": len(rows), "balanced_accuracy": balanced_accuracy(labels, predicted),
            **{f"balanced_accuracy_{k}": v for k, v in by_origin.items()}}


SOURCE_SIZES_KB = (10, 50, 100, 200)


def source_cost(judged: Sequence[Judgement], guard: TrustGuard, settings: dict) -> dict[str, float]:
    """CPU per summary and per KB of its document, and one summary against 10-200 KB of source.

    The long sources are AggreFact's documents joined; each size is run three times and
    the fastest kept (the first run also fills the tokenizer caches), so the slope is the
    steady cost of reading more source.
    """
    per_kb = [j.cpu_ms / (len(j.row.document.encode()) / 1024) for j in judged]
    cpu = [j.cpu_ms for j in judged]
    documents = list(dict.fromkeys(j.row.document for j in judged))
    long_source = "\n\n".join(documents)
    timings = {}
    for size in SOURCE_SIZES_KB:
        source = long_source[: size * 1024]
        runs = []
        for _ in range(3):
            VECTOR_CACHE.clear()
            started = time.process_time()
            guard.analyze({"output_text": judged[0].row.summary, "sources": [source]}, settings, AnalyzerContext())
            runs.append((time.process_time() - started) * 1000)
        timings[f"cpu_ms_{size}kb_source"] = min(runs)
    first, last = SOURCE_SIZES_KB[0], SOURCE_SIZES_KB[-1]
    slope = (timings[f"cpu_ms_{last}kb_source"] - timings[f"cpu_ms_{first}kb_source"]) / (last - first)
    return {"p50_cpu_ms_per_summary": float(np.percentile(cpu, 50)),
            "p99_cpu_ms_per_summary": float(np.percentile(cpu, 99)),
            "p50_cpu_ms_per_kb_source": float(np.percentile(per_kb, 50)),
            "median_source_kb": float(np.median([len(j.row.document.encode()) / 1024 for j in judged])),
            "cpu_ms_per_extra_kb_source": slope, **timings}
