"""Topic-shift detection quality and latency of contextguard on TIAGE.

    .venv/bin/python bench/contextguard_quality.py /work/shared/data/topic_drift [--json OUT]

Every dialogue is sent message by message through ``ContextGuard.analyze`` with a
process-local session memory (JSON round trip per message, as with Redis), so the
figures include memory handling. The threshold is tuned on TIAGE's train split (the
data the model was fitted on) and precision/recall/F1/FPR are reported on the dev
split; the peer (1 - cosine to the previous turn, threshold tuned on train) is
computed from the same embeddings. The same dev dialogues are also
sent one speaker's side at a time, every message as ``user`` (a client that keeps only
its user turns; a turn is a shift if the topic changed since that speaker's previous
turn). Latency is per message, one thread, model loaded
once, as wall-clock and as the thread's CPU time (the machine is shared: wall time
includes waiting for a core); the lexical-only mode (``use_embeddings: false``) is reported beside it.
Calibration: the calibrated drift score of every scored dev turn (maps fitted on train by
``train_contextguard_calibration.py``) against its label (ECE, precision of the flags the
analyzer raised at each view's fitted cut; contextguard only flags, it never blocks),
drawn into ``bench/plots/contextguard-reliability.png``. "Topic boundary" rows are where the
session memory starts a new topic (the drift model's own decision point, not a flag).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("EMBEDDING_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from calibration import Thresholds, reliability_diagram  # noqa: E402
from contextguard_data import best_threshold, load_dialogues, monologues, prf, split_paths  # noqa: E402

from guards.analyzers.base import AnalyzerContext  # noqa: E402
from guards.analyzers.contextguard import ContextGuard  # noqa: E402
from guards.analyzers.contextguard.calibrators import CALIBRATORS  # noqa: E402
from guards.analyzers.contextguard.memory import LocalSessionMemory  # noqa: E402

PLOT = ROOT / "bench" / "plots" / "contextguard-reliability.png"


def run(guard: ContextGuard, dialogues: list[list[tuple[str, int]]], settings: dict,
        *, one_role: bool = False) -> dict:
    """Scores, previous-turn cosines and per-message latency for every labelled turn.

    ``one_role``: every message is sent as ``user`` (a client that stores only its user turns).
    """
    memory = LocalSessionMemory()
    out: dict[str, list] = {"score": [], "raw": [], "map": [], "flag": [], "detected": [], "cos_prev": [],
                            "gold": [], "ms": [], "cpu_ms": []}
    for n, dialogue in enumerate(dialogues):
        context = AnalyzerContext(tenant_key="bench", session_id=f"dialogue-{n}", memory=memory)
        for i, (text, label) in enumerate(dialogue):
            payload = {"text": text, "role": "user" if one_role or i % 2 == 0 else "assistant"}
            started, cpu_started = time.perf_counter(), time.thread_time()
            result = guard.analyze(payload, settings, context)
            out["ms"].append((time.perf_counter() - started) * 1000.0)
            out["cpu_ms"].append((time.thread_time() - cpu_started) * 1000.0)
            if label in (0, 1):
                out["score"].append(result.data["drift_score"])
                calibration = result.data["drift_calibration"] or {}
                out["raw"].append(calibration.get("raw_score", 0.0))
                out["map"].append(calibration.get("map"))
                out["flag"].append(result.decision == "flag")
                out["detected"].append(result.data["drift_detected"])
                out["cos_prev"].append(result.data["similarity"].get("previous_turn", 0.0))
                out["gold"].append(label == 1)
    return out


def latency(run_out: dict) -> dict[str, float]:
    """Wall-clock and this thread's CPU time per message (CPU time is what contention cannot inflate)."""
    out = {}
    for name, key in (("", "ms"), ("cpu_", "cpu_ms")):
        ordered = sorted(run_out[key])
        out[f"{name}p50_ms"] = statistics.median(ordered)
        out[f"{name}p99_ms"] = ordered[int(0.99 * (len(ordered) - 1))]
    return out


def calibration(curves: dict[str, dict], plot: Path) -> dict[str, dict]:
    """ECE of the calibrated drift score on dev turns and the precision of the flags the analyzer raised.

    ``curves``: per name, a :func:`run` output (``score``, ``gold``, ``flag``, ``map``). The
    diagram marks the flag cut of the map that scored most of the curve's turns.
    """
    pairs = {name: (r["score"], [int(g) for g in r["gold"]]) for name, r in curves.items()}
    marks = {}
    for name, r in curves.items():
        views = [m for m in r.get("map", []) if m]
        calibrator = CALIBRATORS.get(max(set(views), key=views.count)) if views else None
        if calibrator is not None:
            marks[name] = Thresholds(calibrator.flag_at, 1.01, float("nan"), float("nan"), 0, 0)  # no block
    measured = reliability_diagram(pairs, plot, title="contextguard: calibrated drift scores on TIAGE dev",
                                   thresholds=marks, score_label="calibrated drift score")
    out = {}
    for name, (scores, labels) in pairs.items():
        flagged = [y for y, f in zip(labels, curves[name]["flag"], strict=True) if f]
        out[name] = {"n": len(scores), "shifts": sum(labels), "ece": measured[name].ece,
                     "brier": measured[name].brier,
                     "flag_threshold": marks[name].flag_at if name in marks else None,
                     "flag_precision": round(sum(flagged) / len(flagged), 4) if flagged else float("nan"),
                     "flag_support": len(flagged), "bins": measured[name].bins}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path, help="folder holding tiage_anno_{train,dev}.json")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--plot", type=Path, default=PLOT, help="where to write the reliability diagram")
    parser.add_argument("--no-tune", action="store_true",
                        help="skip the train pass; report dev at the shipped default threshold only")
    args = parser.parse_args()

    guard = ContextGuard()
    guard.warm_up()
    defaults = ContextGuard.settings_schema.defaults()
    tune_path, report_path = split_paths(args.data_dir)
    dev = run(guard, load_dialogues(report_path), defaults)
    dev_lexical = run(guard, load_dialogues(report_path), {**defaults, "use_embeddings": False})

    rows: dict[str, dict] = {}
    rows["contextguard flag (calibrated cut)"] = {**prf(dev["flag"], dev["gold"]), **latency(dev)}
    rows["contextguard topic boundary (model 0.5)"] = prf(dev["detected"], dev["gold"])
    rows["contextguard lexical only: flag"] = {**prf(dev_lexical["flag"], dev_lexical["gold"]),
                                               **latency(dev_lexical)}
    rows["contextguard lexical only: boundary"] = prf(dev_lexical["detected"], dev_lexical["gold"])
    if not args.no_tune:
        tune = run(guard, load_dialogues(tune_path), defaults)
        threshold, _ = best_threshold(tune["raw"], tune["gold"])
        rows["model score, F1 threshold re-tuned on train"] = {
            "threshold": threshold, **prf([s >= threshold for s in dev["raw"]], dev["gold"])}
        peer_threshold, _ = best_threshold([1 - c for c in tune["cos_prev"]], tune["gold"])
        rows["peer: 1 - cos(previous turn)"] = {
            "threshold": peer_threshold,
            **prf([1 - c >= peer_threshold for c in dev["cos_prev"]], dev["gold"])}
    # A client that sends only its user turns: each speaker's side alone, labels derived.
    solo = run(guard, monologues(load_dialogues(report_path)), defaults, one_role=True)
    rows["user turns only: flag (calibrated cut)"] = {**prf(solo["flag"], solo["gold"]), **latency(solo)}
    rows["user turns only: topic boundary"] = prf(solo["detected"], solo["gold"])
    rows["user turns only: all turns flagged"] = prf([True] * len(solo["gold"]), solo["gold"])
    rows["all turns flagged"] = prf([True] * len(dev["gold"]), dev["gold"])
    # Operating points a tenant can choose with drift_threshold (calibrated; read off dev, not tuned on it).
    for threshold in (0.4, 0.5, 0.6, 0.7):
        rows[f"flag at drift_threshold {threshold}"] = {
            "threshold": threshold, **prf([s >= threshold for s in dev["score"]], dev["gold"])}
        rows[f"user turns only, drift_threshold {threshold}"] = {
            "threshold": threshold, **prf([s >= threshold for s in solo["score"]], solo["gold"])}

    print(f"reported on {report_path.name}: {len(dev['gold'])} scored turns, {sum(dev['gold'])} shifts;"
          f" threshold tuned on {tune_path.name}")
    print(f"{'detector':45} {'thr':>6} {'P':>6} {'R':>6} {'F1':>6} {'FPR':>6} {'p50 ms':>7} {'p99 ms':>7} {'cpu p50':>7} {'cpu p99':>7}")
    for name, r in rows.items():
        lat = (f"{r['p50_ms']:7.2f} {r['p99_ms']:7.2f} {r['cpu_p50_ms']:7.2f} {r['cpu_p99_ms']:7.2f}"
               if "p50_ms" in r else "")
        print(f"{name:45} {r.get('threshold', 0):6.3f} {r['precision']:6.3f} {r['recall']:6.3f} "
              f"{r['f1']:6.3f} {r['fpr']:6.3f} {lat}")
    cal = calibration({"alternating turns, embeddings": dev, "alternating turns, lexical only": dev_lexical,
                       "user turns only": solo}, args.plot)
    print(f"calibration on {report_path.name} (plot {args.plot}); flag at each view's calibrated cut "
          "(data/calibration.json), no block decision")
    for name, c in cal.items():
        cut = f"{c['flag_threshold']:.3f}" if c["flag_threshold"] is not None else "-"
        print(f"  {name:32} n {c['n']:>5} shifts {c['shifts']:>4}  ECE {c['ece']:.3f}  Brier {c['brier']:.3f}  "
              f"flag >= {cut}  flag P {c['flag_precision']:.3f} (n {c['flag_support']})")
        print("     bins " + ", ".join(f"{b['lower']:.1f}-{b['upper']:.1f}: {b['count']} at {b['mean_score']:.2f}"
                                       f" -> {b['positive_rate']:.2f}" for b in c["bins"]))
    if args.json:
        args.json.write_text(json.dumps({"reported_on": report_path.name, "tuned_on": tune_path.name,
                                         "rows": rows, "calibration": cal}, indent=2) + "\n")


if __name__ == "__main__":
    main()
