"""Measure biasguard on the REPORTED splits (never the ones tuned on).

    .venv/bin/python bench/biasguard_quality.py /work/shared/data/toxicity/davidson_dev.csv \
        --crows /work/shared/data/bias/crows_pairs_anonymized.csv [--json OUT] [--limit N]

Tasks, each on the reported half of the fixed split in ``biasguard_data``:

* offensive: Davidson hate-or-offensive (classes 0, 1) vs neither (class 2); positive
  when the guard's ``offensive_score`` >= 0.5. alt-profanity-check >= 0.5 beside it
  (note: it was trained partly on Davidson, so both figures flatter real traffic).
* stereotype: CrowS-Pairs ``sent_more`` of stereo pairs vs ordinary control sentences
  (PersonaChat turns, TruthfulQA, HaluEval Wikipedia knowledge); positive when a
  generalisation or stereotype finding scores >= 0.5. It measures "reads like a
  stereotype statement" against everyday text, not against neutral sentences about the
  same groups, so precision on group-heavy text will be lower.
* framing: detected stereotype sentences wrapped in a negating frame ("It is a myth that
  ...") and in reported quotation ('Someone wrote: "..."'): how often the claim score
  drops below 0.5, and the mean score ratio.
* pairs: CrowS's own question, whether sent_more scores above sent_less.
* latency: whole-analyzer time for ~1 KB texts built from reported rows, one thread.
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
    SEED,
    Labelled,
    default_controls,
    load_controls,
    load_crows,
    load_davidson,
    metrics,
    split,
)

from guards.analyzers.base import AnalyzerContext, GuardResult  # noqa: E402
from guards.analyzers.biasguard import BiasGuard  # noqa: E402

CLAIM_TYPES = {"generalisation", "stereotype"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


class Runner:
    def __init__(self) -> None:
        self.guard = BiasGuard()
        self.guard.warm_up()
        self.settings = self.guard.settings_schema.effective({})
        self.context = AnalyzerContext()
        self.last_cpu_ms = 0.0

    def run(self, text: str) -> tuple[GuardResult, float]:
        started, cpu_started = time.perf_counter(), time.process_time()
        result = self.guard.analyze({"text": text}, self.settings, self.context)
        # CPU time too: on a shared 2-core machine wall time mostly measures the neighbours.
        self.last_cpu_ms = (time.process_time() - cpu_started) * 1000.0
        return result, (time.perf_counter() - started) * 1000.0


def claim_score(result: GuardResult) -> float:
    return max((f.score for f in result.findings if f.type in CLAIM_TYPES), default=0.0)


def row(name: str, m: dict[str, float], latencies: list[float] | None = None) -> dict[str, float | str]:
    out: dict[str, float | str] = {"task": name, **{k: round(v, 4) for k, v in m.items()}}
    if latencies:
        out["p50_ms"] = round(percentile(latencies, 0.5), 2)
        out["p99_ms"] = round(percentile(latencies, 0.99), 2)
    return out


def offensive_task(runner: Runner, rows: list[Labelled]) -> list[dict]:
    from profanity_check import predict_prob

    labels = [r.label for r in rows]
    scores, latencies = [], []
    for r in rows:
        result, ms = runner.run(r.text)
        scores.append(result.data.get("offensive_score", 0.0))
        latencies.append(ms)
    baseline = predict_prob([r.text for r in rows])
    hate = [i for i, r in enumerate(rows) if r.group in ("0", "2")]
    return [
        row("offensive (biasguard)", metrics(labels, [s >= 0.5 for s in scores]), latencies),
        row("offensive (alt-profanity-check >= 0.5)", metrics(labels, [p >= 0.5 for p in baseline])),
        row("hate-only vs neither (biasguard)",
            metrics([labels[i] for i in hate], [scores[i] >= 0.5 for i in hate])),
    ]


def stereotype_task(runner: Runner, positives: list[Labelled], controls: list[Labelled]) -> tuple[list, list]:
    rows = positives + controls
    scores, kinds, latencies = [], [], []
    for r in rows:
        result, ms = runner.run(r.text)
        scores.append(claim_score(result))
        kinds.append({f.type for f in result.findings if f.type in CLAIM_TYPES and f.score >= 0.5})
        latencies.append(ms)
    labels = [r.label for r in rows]
    out = [row("stereotype vs controls", metrics(labels, [s >= 0.5 for s in scores]), latencies)]
    for name, kind in (("pattern only", "generalisation"), ("embedding only", "stereotype")):
        out.append(row(f"stereotype vs controls ({name})", metrics(labels, [kind in k for k in kinds])))
    identity = runner.guard._patterns._groups.identity_re  # controls that name a group are the hard ones
    hard = [i for i, r in enumerate(rows) if r.label == 0 and identity.search(r.text)]
    fp = sum(1 for i in hard if scores[i] >= 0.5)
    out.append({"task": "controls naming a group/identity", "n": len(hard),
                "fpr": round(fp / len(hard), 4) if hard else 0.0})
    for bias_type in sorted({r.group for r in positives}):
        idx = [i for i, r in enumerate(positives) if r.group == bias_type]
        out.append({"task": f"recall {bias_type}", "n": len(idx),
                    "recall": round(sum(scores[i] >= 0.5 for i in idx) / len(idx), 4)})
    detected = [r.text for r, s in zip(positives, scores, strict=False) if s >= 0.5]
    return out, detected


def framing_task(runner: Runner, detected: list[str]) -> list[dict]:
    out = []
    frames = {
        "negated": lambda s: "It is a myth that " + s[0].lower() + s[1:],
        "quoted": lambda s: 'Someone wrote: "' + s + '"',
    }
    base = {s: claim_score(runner.run(s)[0]) for s in detected}
    for name, wrap in frames.items():
        framed = [claim_score(runner.run(wrap(s))[0]) for s in detected]
        ratios = [f / base[s] for s, f in zip(detected, framed, strict=True) if base[s] > 0]
        out.append({"task": f"framing: {name}", "n": len(detected),
                    "below_0.5": round(sum(f < 0.5 for f in framed) / len(framed), 4) if framed else 0.0,
                    "mean_score_ratio": round(statistics.mean(ratios), 4) if ratios else 0.0})
    return out


def pairs_task(runner: Runner, crows_path: str) -> dict:
    import csv

    with open(crows_path, encoding="utf-8", newline="") as fh:
        pairs = [(r["sent_more"], r["sent_less"]) for r in csv.DictReader(fh) if r["stereo_antistereo"] == "stereo"]
    _, report = split(pairs)
    wins = ties = 0
    for more, less in report:
        a, b = claim_score(runner.run(more)[0]), claim_score(runner.run(less)[0])
        wins += a > b
        ties += a == b
    return {"task": "pairs: sent_more scores above sent_less", "n": len(report),
            "accuracy": round(wins / len(report), 4), "ties": round(ties / len(report), 4)}


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
    return {"task": f"latency per 1 KB ({count} mixed texts)", "n": count,
            "p50_ms": round(percentile(per_kb, 0.5), 2), "p99_ms": round(percentile(per_kb, 0.99), 2),
            "cpu_p50_ms": round(percentile(cpu_per_kb, 0.5), 2),
            "cpu_p99_ms": round(percentile(cpu_per_kb, 0.99), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("davidson", help="path to davidson_dev.csv")
    parser.add_argument("--crows", help="path to crows_pairs_anonymized.csv (stereotype tasks)")
    parser.add_argument("--controls", nargs="*", type=Path, help="control sentence files (default: siblings)")
    parser.add_argument("--limit", type=int, default=0, help="use at most N reported rows per task (quick runs)")
    parser.add_argument("--latency-texts", type=int, default=200)
    parser.add_argument("--json", help="also write the table as JSON here")
    args = parser.parse_args()

    def cap(items: list) -> list:
        return items[: args.limit] if args.limit else items

    runner = Runner()
    _, davidson = split(load_davidson(args.davidson))
    table = offensive_task(runner, cap(davidson))
    pool = [r.text for r in davidson]
    if args.crows:
        _, positives = split(load_crows(args.crows))
        _, controls = split(load_controls(args.controls or default_controls(args.crows)))
        stereo_rows, detected = stereotype_task(runner, cap(positives), cap(controls))
        table += stereo_rows
        table += framing_task(runner, detected)
        table.append(pairs_task(runner, args.crows))
        pool += [r.text for r in positives + controls]
    table.append(latency_task(runner, pool, args.latency_texts))

    columns = ["task", "n", "positives", "precision", "recall", "f1", "fpr", "accuracy", "below_0.5",
               "mean_score_ratio", "ties", "p50_ms", "p99_ms", "cpu_p50_ms", "cpu_p99_ms"]
    used = [c for c in columns if any(c in r for r in table)]
    print(" | ".join(used))
    for r in table:
        print(" | ".join(str(r.get(c, "")) for c in used))
    if args.json:
        Path(args.json).write_text(json.dumps(table, indent=1) + "\n")


if __name__ == "__main__":
    main()
