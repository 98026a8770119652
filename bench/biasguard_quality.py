"""Measure biasguard on the REPORTED splits (never the ones tuned on).

    .venv/bin/python bench/biasguard_quality.py /work/shared/data [--json OUT] [--limit N] [--plot PNG]

Every task names its split. ``reported`` is the half of each file that no training or
threshold choice read (``biasguard_data.split`` for Davidson, CrowS-Pairs and the
controls; ``hash_split`` for WinoBias and GSM8K); Alpaca-style prompts are
non-commercial and only ever measured, so all of them are reported.

* ordinary text: the guard's decision (block / flag) rate on WinoBias (neutral sentences
  about people in occupations, gendered pronouns), GSM8K questions and Alpaca-style
  instructions, with alt-profanity-check >= 0.5 beside it;
* offensive: Davidson hate-or-offensive (classes 0, 1) vs neither (class 2); positive
  when an offensive-language finding is at or above its calibrated flag threshold.
  alt-profanity-check >= 0.5 beside it (trained partly on Davidson: both flatter);
* stereotype: CrowS-Pairs ``sent_more`` of stereo pairs vs ordinary control sentences;
  positive when a stereotype or generalisation finding reaches its flag threshold;
* framing: detected stereotypes wrapped as negated / quoted: share that drops below flag;
* pairs: CrowS's own question, whether sent_more scores above sent_less;
* calibration: expected calibration error of each calibrated score on the reported
  rows, and the reliability diagram (``bench/plots/biasguard-reliability.png``);
* latency: whole-analyzer time for ~1 KB texts built from reported rows, one thread
  (wall and CPU time; CPU is the figure to trust on a shared machine).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("EMBEDDING_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import random  # noqa: E402

from biasguard_data import (  # noqa: E402
    OFFENSIVE_BASE_RATE,
    SEED,
    Labelled,
    at_base_rate,
    default_controls,
    hash_split,
    load_controls,
    load_crows,
    load_davidson,
    load_prompts,
    load_winobias,
    metrics,
    split,
    winobias_key,
)
from calibration import Thresholds, reliability_diagram  # noqa: E402

from guards.analyzers.base import AnalyzerContext, GuardResult  # noqa: E402
from guards.analyzers.biasguard import BiasGuard  # noqa: E402
from guards.analyzers.biasguard.calibrators import get_calibrator  # noqa: E402

CLAIM_TYPES = {"generalisation", "stereotype"}
OFFENSIVE_TYPES = {"offensive_language", "insult"}
PLOT = ROOT / "bench" / "plots" / "biasguard-reliability.png"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


class Runner:
    """The analyzer with default settings, each result cached by text (several tasks share rows)."""

    def __init__(self) -> None:
        self.guard = BiasGuard()
        self.guard.warm_up()
        self.settings = self.guard.settings_schema.effective({})
        self.context = AnalyzerContext()
        self.last_cpu_ms = 0.0
        self._cache: dict[str, GuardResult] = {}

    def run(self, text: str) -> tuple[GuardResult, float]:
        started, cpu_started = time.perf_counter(), time.process_time()
        result = self.guard.analyze({"text": text}, self.settings, self.context)
        # CPU time too: on a shared 2-core machine wall time mostly measures the neighbours.
        self.last_cpu_ms = (time.process_time() - cpu_started) * 1000.0
        return result, (time.perf_counter() - started) * 1000.0

    def result(self, text: str) -> GuardResult:
        if text not in self._cache:
            self._cache[text] = self.run(text)[0]
        return self._cache[text]


def claim_score(result: GuardResult) -> float:
    return max((f.score for f in result.findings if f.type in CLAIM_TYPES), default=0.0)


def flagged(result: GuardResult, types: set[str]) -> bool:
    """A finding of ``types`` at or above its calibrator's flag threshold."""
    return any(get_calibrator(f.detail["calibrator"]).decide(f.score) != "allow"
               for f in result.findings if f.type in types and f.detail.get("calibrator"))


def row(name: str, split_name: str, m: dict[str, float], latencies: list[float] | None = None) -> dict:
    out: dict = {"task": name, "split": split_name, **{k: round(v, 4) for k, v in m.items()}}
    if latencies:
        out["p50_ms"] = round(percentile(latencies, 0.5), 2)
        out["p99_ms"] = round(percentile(latencies, 0.99), 2)
    return out


def ordinary_task(runner: Runner, name: str, split_name: str, rows: list[Labelled]) -> list[dict]:
    """Decision rates on text that should all be allowed, with the profanity peer beside it."""
    from profanity_check import predict_prob

    decisions = [runner.result(r.text).decision for r in rows]
    peer = predict_prob([r.text for r in rows]) if rows else []
    n = len(rows) or 1
    return [
        {"task": f"{name}: biasguard", "split": split_name, "n": len(rows),
         "block_rate": round(decisions.count("block") / n, 4),
         "flag_rate": round(decisions.count("flag") / n, 4)},
        {"task": f"{name}: alt-profanity-check >= 0.5", "split": split_name, "n": len(rows),
         "flag_rate": round(sum(p >= 0.5 for p in peer) / n, 4)},
    ]


def offensive_task(runner: Runner, rows: list[Labelled]) -> tuple[list[dict], list[float]]:
    from profanity_check import predict_prob

    labels = [r.label for r in rows]
    predicted, scores, latencies = [], [], []
    for r in rows:
        result, ms = runner.run(r.text)
        predicted.append(flagged(result, OFFENSIVE_TYPES))
        scores.append(result.data.get("offensive_score", 0.0))
        latencies.append(ms)
    baseline = predict_prob([r.text for r in rows])
    hate = [i for i, r in enumerate(rows) if r.group in ("0", "2")]
    return [
        row("offensive (biasguard, flag or block)", "Davidson reported", metrics(labels, predicted), latencies),
        row("offensive (alt-profanity-check >= 0.5)", "Davidson reported",
            metrics(labels, [p >= 0.5 for p in baseline])),
        row("hate-only vs neither (biasguard)", "Davidson reported",
            metrics([labels[i] for i in hate], [predicted[i] for i in hate])),
    ], scores


def stereotype_task(runner: Runner, positives: list[Labelled], controls: list[Labelled]) -> tuple[list, list]:
    rows = positives + controls
    labels = [r.label for r in rows]
    results = [runner.result(r.text) for r in rows]
    predicted = [flagged(res, CLAIM_TYPES) for res in results]
    split_name = "CrowS-Pairs + controls reported"
    out = [row("stereotype vs controls (flag or block)", split_name, metrics(labels, predicted)),
           row("stereotype vs controls (block)", split_name,
               metrics(labels, [any(get_calibrator(f.detail["calibrator"]).decide(f.score) == "block"
                                    for f in res.findings if f.type in CLAIM_TYPES) for res in results]))]
    identity = runner.guard._patterns._groups.identity_re  # controls that name a group are the hard ones
    hard = [i for i, r in enumerate(rows) if r.label == 0 and identity.search(r.text)]
    fp = sum(1 for i in hard if predicted[i])
    out.append({"task": "controls naming a group/identity", "split": split_name, "n": len(hard),
                "fpr": round(fp / len(hard), 4) if hard else 0.0})
    for bias_type in sorted({r.group for r in positives}):
        idx = [i for i, r in enumerate(positives) if r.group == bias_type]
        out.append({"task": f"recall {bias_type}", "split": split_name, "n": len(idx),
                    "recall": round(sum(predicted[i] for i in idx) / len(idx), 4)})
    detected = [r.text for r, p in zip(positives, predicted, strict=False) if p]
    return out, detected


def framing_task(runner: Runner, detected: list[str]) -> list[dict]:
    out = []
    frames = {
        "negated": lambda s: "It is a myth that " + s[0].lower() + s[1:],
        "quoted": lambda s: 'Someone wrote: "' + s + '"',
    }
    base = {s: claim_score(runner.result(s)) for s in detected}
    for name, wrap in frames.items():
        results = [runner.result(wrap(s)) for s in detected]
        ratios = [claim_score(r) / base[s] for s, r in zip(detected, results, strict=True) if base[s] > 0]
        still = sum(flagged(r, CLAIM_TYPES) for r in results)
        out.append({"task": f"framing: {name}", "split": "CrowS-Pairs reported, detected", "n": len(detected),
                    "below_flag": round(1 - still / len(results), 4) if results else 0.0,
                    "mean_score_ratio": round(statistics.mean(ratios), 4) if ratios else 0.0})
    return out


def pairs_task(runner: Runner, crows_path: Path, limit: int) -> dict:
    import csv

    with open(crows_path, encoding="utf-8", newline="") as fh:
        pairs = [(r["sent_more"], r["sent_less"]) for r in csv.DictReader(fh) if r["stereo_antistereo"] == "stereo"]
    _, report = split(pairs)
    report = report[:limit] if limit else report
    wins = ties = 0
    for more, less in report:
        a, b = claim_score(runner.result(more)), claim_score(runner.result(less))
        wins += a > b
        ties += a == b
    return {"task": "pairs: sent_more scores above sent_less", "split": "CrowS-Pairs reported", "n": len(report),
            "accuracy": round(wins / len(report), 4), "ties": round(ties / len(report), 4)}


def calibration_task(runner: Runner, positives: list[Labelled], negatives: list[Labelled],
                     davidson: list[Labelled], offensive_scores: list[float], ordinary: list[Labelled],
                     plot: Path) -> list[dict]:
    """ECE of the calibrated scores on reported rows, and the reliability PNG."""
    stereo_rows = positives + negatives
    stereo = ([claim_score(runner.result(r.text)) for r in stereo_rows], [r.label for r in stereo_rows])
    # Offensive at the base rate it was calibrated at (Davidson's positives subsampled to 10 %).
    all_scores = offensive_scores + [runner.result(r.text).data.get("offensive_score", 0.0) for r in ordinary]
    all_labels = [r.label for r in davidson] + [0] * len(ordinary)
    keep = at_base_rate(all_labels, OFFENSIVE_BASE_RATE)
    offensive = ([all_scores[i] for i in keep], [all_labels[i] for i in keep])
    thresholds = {}
    for name, key in (("stereotype / generalisation", "stereotype"), ("offensive", "offensive")):
        c = get_calibrator(key)
        thresholds[name] = Thresholds(c.flag_at, c.block_at, float("nan"), float("nan"), 0, 0)
    measured = reliability_diagram(
        {"stereotype / generalisation": stereo, "offensive": offensive}, plot,
        title="biasguard: calibrated scores on reported rows", thresholds=thresholds)
    return [{"task": f"calibration: {name}", "split": split_name, "n": len(curve[0]), "ece": m.ece, "brier": m.brier}
            for (name, m), curve, split_name in zip(
                measured.items(), (stereo, offensive),
                ("CrowS + controls + WinoBias + GSM8K reported",
                 "Davidson (offensive subsampled to 10 %) + WinoBias + GSM8K + controls reported"),
                strict=True)]


def latency_task(runner: Runner, texts: list[str], count: int) -> dict:
    rng = random.Random(SEED)
    docs = []
    for _ in range(count):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < 1024:
            parts.append(rng.choice(texts).strip().rstrip(".") + ".")
        docs.append(" ".join(parts)[:1024])
    per_kb, cpu_per_kb = [], []
    for doc in docs:
        per_kb.append(runner.run(doc)[1] * 1024 / len(doc))
        cpu_per_kb.append(runner.last_cpu_ms * 1024 / len(doc))
    return {"task": f"latency per 1 KB ({count} mixed texts)", "split": "reported rows", "n": count,
            "p50_ms": round(percentile(per_kb, 0.5), 2), "p99_ms": round(percentile(per_kb, 0.99), 2),
            "cpu_p50_ms": round(percentile(cpu_per_kb, 0.5), 2),
            "cpu_p99_ms": round(percentile(cpu_per_kb, 0.99), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the shared data folder (toxicity/, bias/, benign_prompts/, ...)")
    parser.add_argument("--limit", type=int, default=0, help="use at most N reported rows per task (quick runs)")
    parser.add_argument("--latency-texts", type=int, default=200)
    parser.add_argument("--plot", type=Path, default=PLOT, help="where to write the reliability diagram")
    parser.add_argument("--json", help="also write the table as JSON here")
    args = parser.parse_args()

    def cap(items: list) -> list:
        return items[: args.limit] if args.limit else items

    data: Path = args.data
    crows_path = data / "bias" / "crows_pairs_anonymized.csv"
    runner = Runner()
    _, winobias = hash_split(load_winobias(data / "bias" / "winobias_dev_not_biased.jsonl"), winobias_key)
    _, gsm8k = hash_split(load_prompts(data / "benign_prompts" / "gsm8k_questions_dev.jsonl"))
    alpaca = load_prompts(data / "benign_prompts" / "alpaca_style_instructions_dev.jsonl")
    winobias, gsm8k, alpaca = cap(winobias), cap(gsm8k), cap(alpaca)
    table = ordinary_task(runner, "WinoBias", "WinoBias reported", winobias)
    table += ordinary_task(runner, "GSM8K questions", "GSM8K reported", gsm8k)
    table += ordinary_task(runner, "Alpaca-style instructions", "all (measured only, never tuned)", alpaca)

    _, davidson = split(load_davidson(data / "toxicity" / "davidson_dev.csv"))
    davidson = cap(davidson)
    offensive_rows, offensive_scores = offensive_task(runner, davidson)
    table += offensive_rows

    _, positives = split(load_crows(crows_path))
    _, controls = split(load_controls(default_controls(crows_path)))
    positives, controls = cap(positives), cap(controls)
    stereo_rows, detected = stereotype_task(runner, positives, controls)
    table += stereo_rows
    table += framing_task(runner, detected)
    table.append(pairs_task(runner, crows_path, args.limit))
    ordinary = winobias + gsm8k
    table += calibration_task(runner, positives, controls + ordinary, davidson, offensive_scores,
                              ordinary + controls, args.plot)
    pool = [r.text for r in davidson + positives + controls]
    table.append(latency_task(runner, pool, args.latency_texts))

    columns = ["task", "split", "n", "positives", "precision", "recall", "f1", "fpr", "block_rate", "flag_rate",
               "accuracy", "below_flag", "mean_score_ratio", "ties", "ece", "brier", "p50_ms", "p99_ms",
               "cpu_p50_ms", "cpu_p99_ms"]
    used = [c for c in columns if any(c in r for r in table)]
    print(" | ".join(used))
    for r in table:
        print(" | ".join(str(r.get(c, "")) for c in used))
    if args.json:
        Path(args.json).write_text(json.dumps(table, indent=1) + "\n")


if __name__ == "__main__":
    main()
