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

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from calibration import Thresholds, reliability_diagram
from trustguard_data import SummaryRow, load_summaries, split_summaries
from trustguard_tasks import Judged, fit_output_model, halueval_outputs, output_features_of

from guards.analyzers.base import AnalyzerContext
from guards.analyzers.trustguard import TrustGuard
from guards.analyzers.trustguard.grounding import VECTOR_CACHE, OutputModel, calibrator
from guards.analyzers.trustguard.grounding.risk import CALIBRATION_PATH
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


def summaries(aggrefact: str, faithbench: str | None, plot: Path, halueval_tune: list[dict],
              halueval_reliability: tuple[list[float], list[int]]) -> dict:
    """AggreFact (tune / report / cross-validated), FaithBench (measured only), the reliability diagram."""
    guard = TrustGuard()
    guard.warm_up()
    settings = guard.settings_schema.effective({})
    agg_tune, agg_report = split_summaries(load_summaries(aggrefact))
    judged_tune, judged_report = judge(agg_tune, guard, settings), judge(agg_report, guard, settings)
    cut = best_threshold([j.raw for j in judged_tune], [j.row.unfaithful for j in judged_tune])
    peer_cut = best_threshold([overlap(r) for r in agg_tune], [r.unfaithful for r in agg_tune])
    out: dict = {"aggrefact": {
        "tune_rows": len(agg_tune), "report_rows": len(agg_report),
        "tune_at_decision": breakdown(judged_tune, lambda j: j.decision != "allow")["all"],
        "report_at_decision": breakdown(judged_report, lambda j: j.decision != "allow"),
        "report_blocked": breakdown(judged_report, lambda j: j.decision == "block"),
        "report_at_tuned_threshold": breakdown(judged_report, lambda j: j.raw >= cut),
        "peer_overlap_report_at_tuned_threshold": breakdown(judged_report, lambda j: overlap(j.row) >= peer_cut),
        "cross_validated": cross_validated(agg_tune + agg_report, halueval_outputs(halueval_tune),
                                           lambda f, y: OutputModel.from_dict(fit_output_model(f, y))),
        "latency": source_cost(judged_tune + judged_report, guard, settings),
    }}
    curves = {"AggreFact report": ([j.risk for j in judged_report], [j.row.unfaithful for j in judged_report])}
    if halueval_reliability[0]:
        curves["HaluEval report"] = halueval_reliability
    if faithbench:
        faith = judge(load_summaries(faithbench), guard, settings)
        out["faithbench_measure_only"] = {
            "at_decision": breakdown(faith, lambda j: j.decision != "allow")["all"],
            "blocked": breakdown(faith, lambda j: j.decision == "block")["all"],
            "at_aggrefact_threshold": breakdown(faith, lambda j: j.raw >= cut)["all"],
            "peer_overlap_at_aggrefact_threshold": breakdown(faith, lambda j: overlap(j.row) >= peer_cut)["all"],
        }
        curves["FaithBench (measured only)"] = ([j.risk for j in faith], [j.row.unfaithful for j in faith])
    grounding = calibrator("grounding")
    meta = json.loads(CALIBRATION_PATH.read_text())["meta"]["grounding_thresholds"]
    chosen = Thresholds(grounding.flag_at, grounding.block_at, meta["flag_precision"], meta["block_precision"],
                        meta["flag_rows"], meta["block_rows"])
    measured = reliability_diagram(curves, plot, title="trustguard: calibrated risk of unfaithful output",
                                   thresholds={name: chosen for name in curves})
    out["calibration"] = {"flag_at": grounding.flag_at, "block_at": grounding.block_at, **meta,
                          "ece": {name: r.ece for name, r in measured.items()},
                          "brier": {name: r.brier for name, r in measured.items()}}
    print_summaries(out, cut, peer_cut)
    return out


def print_summaries(out: dict, cut: float, peer_cut: float) -> None:
    agg = out["aggrefact"]
    print(f"AggreFact CLIFF+Goyal'21 val: tuned on {agg['tune_rows']} rows (documents hashed to 'tune'), "
          f"reported on {agg['report_rows']}")
    print(f"{'rows':<44}{'bal.acc':>8}{'R unf.':>8}{'P unf.':>8}{'P faith.':>9}{'n':>5}")
    rows = [(f"trustguard decision, tune (flag at {out['calibration']['flag_at']:.3f})", agg["tune_at_decision"])]
    for name, figures in agg["report_at_decision"].items():
        rows.append((f"trustguard decision, report: {name}", figures))
    rows.append(("trustguard blocked, report (P unf. = block P)", agg["report_blocked"]["all"]))
    for name, figures in agg["report_at_tuned_threshold"].items():
        rows.append((f"trustguard raw >= {cut:.3f}, report: {name}", figures))
    for name, figures in agg["peer_overlap_report_at_tuned_threshold"].items():
        rows.append((f"peer overlap >= {peer_cut:.3f}, report: {name}", figures))
    if "faithbench_measure_only" in out:
        for name, figures in out["faithbench_measure_only"].items():
            rows.append((f"FaithBench (measure only) {name}", figures))
    for name, r in rows:
        print(f"{name[:44]:<44}{r['balanced_accuracy']:>8.3f}{r['recall_unfaithful']:>8.3f}"
              f"{r['precision_unfaithful']:>8.3f}{r['precision_faithful']:>9.3f}{r['rows']:>5}")
    cv = agg["cross_validated"]
    print(f"cross-validated by document ({cv['folds']} folds, {cv['rows']} rows): balanced accuracy "
          f"{cv['balanced_accuracy']:.3f}; " + ", ".join(f"{k[18:]} {v:.3f}" for k, v in cv.items()
                                                            if k.startswith("balanced_accuracy_")))
    lat = agg["latency"]
    print(f"latency: p50 {lat['p50_cpu_ms_per_summary']:.2f} / p99 {lat['p99_cpu_ms_per_summary']:.2f} ms CPU per "
          f"summary (median source {lat['median_source_kb']:.1f} KB), p50 {lat['p50_cpu_ms_per_kb_source']:.2f} ms "
          f"per KB of source; one summary against 10 / 50 / 100 / 200 KB of source: "
          + " / ".join(f"{lat[f'cpu_ms_{kb}kb_source']:.1f}" for kb in SOURCE_SIZES_KB)
          + f" ms CPU ({lat['cpu_ms_per_extra_kb_source']:.2f} ms per extra KB)")
    cal = out["calibration"]
    print(f"calibration: flag at {cal['flag_at']:.3f}, block at {cal['block_at']:.3f}; ECE "
          + ", ".join(f"{k} {v:.3f}" for k, v in cal["ece"].items()))
