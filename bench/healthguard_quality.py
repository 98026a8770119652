"""healthguard: precision/recall of its mojibake, gibberish, repetition and truncation checks.

Runs the analyzer (not the HTTP stack) over clean public text and documented
corruptions of it (see ``healthguard_data.py``). The ``tune`` split chose the shipped
gibberish model's thresholds (``train_healthguard_charlm.py``) and, here, an alternative
score threshold per detector (best F1 with FPR <= --max-fpr); figures are printed for the
``report`` split, which neither step saw. Then the whole analyzer with default settings
on ordinary prompts and model answers (``benign_prompts/``): flag and block rates. Also prints the latency of the whole analyzer
on 1 KB texts (p50/p99, one thread) and, where installed, ftfy's ``is_bad`` beside the
mojibake detector as a peer. Calibration: each detector's decision score (the analyzer's
score with only that detector on, calibrated by the maps ``train_healthguard_calibration.py``
fitted on the tune split; 0 when it finds nothing) against the label on the report split,
the precision of the flag and block decisions each finding type's fitted thresholds make,
and the reliability diagram ``bench/plots/healthguard-reliability.png``.

    .venv/bin/python bench/healthguard_quality.py /work/shared/data [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from calibration import Thresholds, reliability, reliability_diagram  # noqa: E402
from healthguard_data import (  # noqa: E402
    labelled_sets,
    load_clean,
    load_ordinary,
    mojibake,
    repetition_loop,
    smarten,
)

from guards.analyzers.base import AnalyzerContext, GuardResult  # noqa: E402
from guards.analyzers.healthguard import HealthGuard  # noqa: E402
from guards.analyzers.healthguard.calibrators import CALIBRATORS  # noqa: E402

GUARD = HealthGuard()
PLOT = ROOT / "bench" / "plots" / "healthguard-reliability.png"
# detector -> (detectors to enable, finding categories/types that count as "detected")
DETECTORS = {
    "mojibake": (["encoding"], {"mojibake", "mixed_encoding"}),
    "gibberish": (["gibberish"], {"gibberish"}),
    "repetition": (["repetition"], {"repetition_loop", "repeated_sentence"}),
    "truncation": (["truncation"], {"cut_off_sentence", "unclosed_code_fence", "unclosed_bracket",
                                    "unclosed_quote"}),
}


# detector -> the finding type whose calibrated thresholds the diagram marks
MAIN_TYPE = {"mojibake": "mojibake", "gibberish": "gibberish", "repetition": "repetition_loop",
             "truncation": "cut_off_sentence"}


def run_detector(name: str, text: str) -> GuardResult:
    """The analyzer's result on ``text`` with only detector ``name`` enabled (default settings otherwise)."""
    enabled, _ = DETECTORS[name]
    settings = GUARD.settings_schema.effective({"detectors": enabled})
    return GUARD.analyze({"text": text}, settings, AnalyzerContext())


def detector_score(name: str, text: str) -> tuple[float, float, str]:
    """The detector's strongest finding score, the analyzer's decision score and decision, that detector alone."""
    _, types = DETECTORS[name]
    result = run_detector(name, text)
    return (max((f.score for f in result.findings if f.type in types), default=0.0), float(result.score),
            result.decision)


def calibration(curves: dict[str, tuple[list[float], list[int], list[str]]], plot: Path) -> dict:
    """ECE of each detector's (calibrated) decision score on the report split, and the precision of its decisions.

    ``curves``: per detector, the decision score, label and decision of every report row.
    A flag is any decision other than ``allow`` (a block is flagged too); each finding type
    is decided by its own calibrated thresholds, so precision is read off the decisions.
    """
    marks = {}
    for name in curves:
        calibrator = CALIBRATORS.get(MAIN_TYPE.get(name, name))
        if calibrator is not None:
            marks[name] = Thresholds(calibrator.flag_at, calibrator.block_at, float("nan"), float("nan"), 0, 0)
    measured = reliability_diagram({k: (s, y) for k, (s, y, _) in curves.items()}, plot,
                                   title="healthguard: calibrated decision scores, report split",
                                   thresholds=marks, score_label="calibrated decision score")
    out = {"plot": str(plot), "detectors": {}}
    for name, (scores, labels, decisions) in curves.items():
        flagged = [y for y, d in zip(labels, decisions, strict=True) if d != "allow"]
        blocked = [y for y, d in zip(labels, decisions, strict=True) if d == "block"]
        # Rows without a finding score 0 and dominate the ECE; the findings alone show what a score claims.
        found = [(s, y) for s, y in zip(scores, labels, strict=True) if s > 0]
        found_ece = reliability([s for s, _ in found], [y for _, y in found]).ece if found else float("nan")
        mark = marks.get(name)
        out["detectors"][name] = {
            "n": len(scores), "positives": sum(labels), "ece": measured[name].ece, "brier": measured[name].brier,
            "findings": len(found), "ece_findings": found_ece,
            "flag_at": mark.flag_at if mark else None, "block_at": mark.block_at if mark else None,
            "flag_precision": round(sum(flagged) / len(flagged), 4) if flagged else float("nan"),
            "flag_support": len(flagged),
            "block_precision": round(sum(blocked) / len(blocked), 4) if blocked else float("nan"),
            "block_support": len(blocked), "bins": measured[name].bins}
    return out


def metrics(scored: list[tuple[float, int, str]], threshold: float) -> dict:
    tp = sum(1 for s, y, _ in scored if s >= threshold and y)
    fp = sum(1 for s, y, _ in scored if s >= threshold and not y)
    fn = sum(1 for s, y, _ in scored if s < threshold and y)
    tn = sum(1 for s, y, _ in scored if s < threshold and not y)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "fpr": round(fp / (fp + tn), 4) if fp + tn else 0.0, "tp": tp, "fp": fp, "fn": fn, "tn": tn}


def tune_threshold(scored: list[tuple[float, int, str]], max_fpr: float) -> float:
    best = (-1.0, 1e-9)
    for t in sorted({s for s, _, _ in scored if s > 0}):
        m = metrics(scored, t)
        if m["fpr"] <= max_fpr and m["f1"] > best[0]:
            best = (m["f1"], t)
    return best[1]


def breakdown(scored: list[tuple[float, int, str]], threshold: float) -> dict:
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for s, y, kind in scored:
        key = f"{'recall' if y else 'fpr'}:{kind}"
        groups[key][0] += int(s >= threshold)
        groups[key][1] += 1
    return {k: f"{hit}/{n}" for k, (hit, n) in sorted(groups.items())}


def ordinary_rates(sets: dict[str, list[str]]) -> dict:
    """The whole analyzer, default settings, on ordinary text: how often it flags or blocks, and why."""
    settings = GUARD.settings_schema.effective({})
    out = {}
    for name, texts in sets.items():
        decisions: Counter = Counter()
        reasons: Counter = Counter()
        for text in texts:
            result = GUARD.analyze({"text": text}, settings, AnalyzerContext())
            decisions[result.decision] += 1
            if result.decision != "allow":
                reasons.update({f"{result.decision}:{t}" for t in (f.type for f in result.findings)})
        n = len(texts)
        out[name] = {"texts": n, "flag_rate": round(decisions["flag"] / n, 4),
                     "block_rate": round(decisions["block"] / n, 4), "reasons": dict(reasons.most_common(8))}
    return out


def one_kb_texts(clean: list[dict], n: int) -> list[str]:
    pool = [r["text"] for r in clean if r["split"] == "report"]
    texts, buf, i = [], "", 0
    while len(texts) < n:
        buf += pool[i % len(pool)] + " "
        i += 1
        if len(buf) >= 1024:
            cut = buf[:1024]
            variant = len(texts) % 3
            if variant == 1:
                cut = mojibake(smarten(cut))[:1024]
            elif variant == 2:
                cut = repetition_loop(cut)[0][:1024]
            texts.append(cut)
            buf = ""
    return texts


def latency(texts: list[str]) -> dict:
    settings = GUARD.settings_schema.effective({})
    ctx = AnalyzerContext()
    GUARD.analyze({"text": texts[0]}, settings, ctx)
    times = []
    for t in texts:
        started = time.perf_counter()
        GUARD.analyze({"text": t}, settings, ctx)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"texts": len(times), "p50_ms": round(statistics.median(times), 3),
            "p99_ms": round(times[min(len(times) - 1, int(0.99 * len(times)))], 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_path")
    parser.add_argument("--max-fpr", type=float, default=0.02)
    parser.add_argument("--latency-texts", type=int, default=300)
    parser.add_argument("--json", help="also write the results as JSON here")
    parser.add_argument("--plot", type=Path, default=PLOT, help="where to write the reliability diagram")
    args = parser.parse_args()

    GUARD.warm_up()
    clean = load_clean(args.data_path)
    tune, report = labelled_sets(clean, "tune"), labelled_sets(clean, "report")
    results: dict = {"detectors": {}}
    curves: dict[str, tuple[list[float], list[int], list[str]]] = {}
    for name in DETECTORS:
        tune_scored = [(detector_score(name, t)[0], y, k) for t, y, k in tune[name]]
        both = [(detector_score(name, t), y, k) for t, y, k in report[name]]
        report_scored = [(s[0], y, k) for s, y, k in both]
        curves[name] = ([s[1] for s, _, _ in both], [y for _, y, _ in both], [s[2] for s, _, _ in both])
        threshold = tune_threshold(tune_scored, args.max_fpr)
        results["detectors"][name] = {
            "report_rows": len(report_scored), "positives": sum(y for _, y, _ in report_scored),
            "shipped": metrics(report_scored, 1e-9),  # any finding = detected (the analyzer as shipped)
            "tuned_threshold": round(threshold, 4),
            "tuned": metrics(report_scored, threshold),
            "tune_split_shipped": metrics(tune_scored, 1e-9),
            "breakdown": breakdown(report_scored, 1e-9),
        }
    results["calibration"] = calibration(curves, args.plot)
    try:
        from ftfy.badness import is_bad

        rows = report["mojibake"]
        results["peer_ftfy_is_bad"] = metrics([(float(is_bad(t)), y, k) for t, y, k in rows], 0.5)
    except ImportError:
        results["peer_ftfy_is_bad"] = None
    results["ordinary"] = ordinary_rates(load_ordinary(args.data_path))
    results["latency_1kb"] = latency(one_kb_texts(clean, args.latency_texts))

    print(f"report split ({sum(r['split'] == 'report' for r in clean)} clean texts and their corruptions)")
    print(f"{'detector':<11} {'rows':>6} {'P':>7} {'R':>7} {'F1':>7} {'FPR':>7}   tuned-threshold: P / R / F1 / FPR")
    for name, r in results["detectors"].items():
        s, t = r["shipped"], r["tuned"]
        print(f"{name:<11} {r['report_rows']:>6} {s['precision']:>7.3f} {s['recall']:>7.3f} {s['f1']:>7.3f} "
              f"{s['fpr']:>7.3f}   t={r['tuned_threshold']:.3f}: {t['precision']:.3f} / {t['recall']:.3f} / "
              f"{t['f1']:.3f} / {t['fpr']:.3f}")
        print("   " + ", ".join(f"{k} {v}" for k, v in r["breakdown"].items()))
    if results["peer_ftfy_is_bad"]:
        m = results["peer_ftfy_is_bad"]
        print(f"peer ftfy is_bad (mojibake): P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f} "
              f"FPR {m['fpr']:.3f}")
    cal = results["calibration"]
    print(f"calibration, report split (calibrated decision score, one detector on; plot {cal['plot']}); "
          "flag/block by each finding type's thresholds (data/calibration.json)")
    for name, c in cal["detectors"].items():
        cuts = f"flag >= {c['flag_at']:.3f} block >= {c['block_at']:.3f}  " if c["flag_at"] is not None else ""
        print(f"  {name:<11} n {c['n']:>5} pos {c['positives']:>5}  ECE {c['ece']:.3f}  Brier {c['brier']:.3f}  "
              f"findings {c['findings']} ECE {c['ece_findings']:.3f}  {cuts}"
              f"flag P {c['flag_precision']:.3f} (n {c['flag_support']})  "
              f"block P {c['block_precision']:.3f} (n {c['block_support']})")
        print("     bins " + ", ".join(f"{b['lower']:.1f}-{b['upper']:.1f}: {b['count']} at {b['mean_score']:.2f}"
                                       f" -> {b['positive_rate']:.2f}" for b in c["bins"]))
    print("ordinary text, whole analyzer, default settings (dev files; measured, not tuned on)")
    for name, r in results["ordinary"].items():
        print(f"  {name:<16} {r['texts']:>5}  flag {r['flag_rate']:.1%}  block {r['block_rate']:.1%}   "
              + ", ".join(f"{k} {v}" for k, v in r["reasons"].items()))
    lat = results["latency_1kb"]
    print(f"latency, whole analyzer, 1 KB texts ({lat['texts']}, one thread): p50 {lat['p50_ms']} ms, "
          f"p99 {lat['p99_ms']} ms")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
