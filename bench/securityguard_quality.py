"""Measure securityguard on the labelled public data, on the REPORTED split only.

    .venv/bin/python bench/securityguard_quality.py /work/shared/data [--task all] [--json OUT]

Tasks: ``injection`` (deepset + jackhhao), ``benign`` (block and injection-finding
rates on NotInject, WildGuard-benign and GSM8K reported splits, and on all of the
measure-only Alpaca-style prompts), ``urls`` (labelled URL cases written for the
project, the issue's cases, URLs in public text), ``calibration`` (reliability on the
reported rows, writes bench/plots/securityguard-reliability.png), ``secrets``
(detect-secrets plugin cases), ``providers`` (trufflehog's provider-key cases, split by
provider, and secret findings on ordinary prompts: bench/securityguard_secrets.py), ``pii``
(presidio synth, pattern entities, span level),
``latency`` (1 KB texts, CPU time). The split is fixed (bench/securityguard_datasets.py);
calibrators and thresholds were fitted by the training scripts on the tuning split.
Runs the analyzer itself, one call at a time, on one thread.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project, for the analyzers
from calibration import Thresholds, reliability_diagram
from securityguard_datasets import load_benign, load_injection, load_pii, load_secrets, percentile, prf
from securityguard_url_cases import generate as url_cases
from securityguard_url_cases import public_text_urls

from guards.analyzers.base import AnalyzerContext
from guards.analyzers.securityguard import SecurityGuard
from guards.analyzers.securityguard.calibrators import get_calibrator
from guards.analyzers.securityguard.common import CATEGORY_SECRET
from guards.analyzers.securityguard.injection import LEARNED, RULED, analyse
from guards.analyzers.securityguard.urls import CALIBRATOR as URL_CALIBRATOR
from guards.analyzers.securityguard.urls import url_risk, url_signals

PLOT = Path(__file__).resolve().parent / "plots" / "securityguard-reliability.png"
# The issue's URL cases and their expected decisions.
ISSUE_URLS = {"http://paypa1-secure-login.com/verify": "block", "http://paypal.com.secure-verify.ru/signin": "block",
              "https://bit.ly/3xYz12": "flag", "http://185.220.101.4/update.exe": "block",
              "https://docs.python.org/3/": "allow", "https://github.com/org/repo": "allow",
              "https://www.paypal.com/signin": "allow"}

GUARD = SecurityGuard()
CTX = AnalyzerContext()
# presidio entity names -> securityguard finding types
PII_TYPES = {"EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "CREDIT_CARD": "CREDIT_CARD",
             "IBAN_CODE": "IBAN", "US_SSN": "US_SSN", "IP_ADDRESS": "IP_ADDRESS"}


def run(text: str, settings: dict, **payload: str) -> tuple[dict, float]:
    """The guard's answer and the CPU time it took on this thread, in ms."""
    t0 = time.thread_time()
    result = GUARD.analyze({"text": text, **payload}, settings, CTX).to_dict()
    return result, (time.thread_time() - t0) * 1000


def latency(ms: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(ms, 50), 3), "p99_ms": round(percentile(ms, 99), 3)}


def task_injection(data: Path, scan_level: str) -> dict:
    settings = GUARD.settings_schema.effective({"detectors": ["injection"]})
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tp fp fn tn
    ms: list[float] = []
    rows = [r for r in load_injection(data / "prompt_injection") if r.split == "reported"]
    for r in rows:
        out, t = run(r.text, settings, scan_level=scan_level)
        ms.append(t)
        pred = bool(out["injection"]["detected"])
        k = (0 if r.label else 1) if pred else (2 if r.label else 3)
        for group in ("all", r.source):
            counts[group][k] += 1
    report = {g: prf(*c) for g, c in counts.items()}
    report["jackhhao_benign_roleplay_fpr"] = report["jackhhao"]["fpr"]
    report["rows"] = len(rows)
    report.update(latency(ms))
    return report


def task_benign(data: Path, scan_level: str) -> dict:
    """Whole guard, default settings: how often ordinary and look-alike prompts are blocked or get an injection finding."""
    settings = GUARD.settings_schema.effective({})
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # rows, blocked, injection, secret finding
    for r in load_benign(data):
        if r.split != "reported":
            continue
        out, _ = run(r.text, settings, scan_level=scan_level)
        c = counts[r.source]
        c[0] += 1
        c[1] += out["decision"] == "block"
        c[2] += any(f["category"] == "prompt_injection" for f in out["findings"])
        c[3] += any(f["category"] == CATEGORY_SECRET for f in out["findings"])
    report = {}
    for source, (n, blocked, injection, secret) in sorted(counts.items()):
        split = "all rows (measure only)" if source == "alpaca" else "reported split"
        report[source] = {"split": split, "rows": n, "block_rate": round(blocked / n, 4),
                          "injection_finding_rate": round(injection / n, 4), "secret_finding_rate": round(secret / n, 4)}
    report["notinject_over_defence_accuracy"] = round(1 - report["notinject"]["injection_finding_rate"], 4)
    return report


def task_urls(data: Path, scan_level: str) -> dict:
    cal = get_calibrator(URL_CALIBRATOR)
    counts = [0, 0, 0, 0]
    for case in (c for c in url_cases() if c.split == "reported"):
        pred = cal(url_risk(url_signals(case.url))) >= cal.flag_at
        counts[(0 if case.label else 1) if pred else (2 if case.label else 3)] += 1
    settings = GUARD.settings_schema.effective({"detectors": ["urls"]})
    issue = {url: run(url, settings)[0]["decision"] for url in ISSUE_URLS}
    public = public_text_urls(data)
    flagged = [u for u in public if run(u, settings)[0]["decision"] != "allow"]
    return {"reported_cases": prf(*counts), "issue_cases": issue,
            "issue_cases_as_expected": all(issue[u] == d for u, d in ISSUE_URLS.items()),
            "public_text_urls": len(public), "public_text_urls_not_allowed": flagged}


def task_calibration(data: Path, scan_level: str) -> dict:
    """Reliability of the calibrated scores on the reported rows; writes the diagram."""
    curves: dict[str, tuple[list[float], list[int]]] = {RULED: ([], []), LEARNED: ([], [])}
    rows = [(r.text, r.label) for r in load_injection(data / "prompt_injection") if r.split == "reported"]
    rows += [(r.text, 0) for r in load_benign(data, trainable_only=True) if r.split == "reported"]
    for text, label in rows:
        v = analyse(text, thorough=scan_level == "comprehensive")
        scores, labels = curves[RULED if v.hits else LEARNED]
        scores.append(v.score)
        labels.append(label)
    cal = get_calibrator(URL_CALIBRATOR)
    url_rows = [c for c in url_cases() if c.split == "reported"]
    curves[URL_CALIBRATOR] = ([cal(url_risk(url_signals(c.url))) for c in url_rows], [c.label for c in url_rows])
    thresholds = {}
    for name in curves:
        c = get_calibrator(name)
        thresholds[name] = Thresholds(c.flag_at, c.block_at, *_precision_at(curves[name], c.flag_at, c.block_at))
    measures = reliability_diagram(curves, PLOT, title="securityguard: calibrated scores on the reported split",
                                   thresholds=thresholds)
    return {name: {"ece": m.ece, "brier": m.brier, "rows": len(curves[name][0]),
                   "flag_at": thresholds[name].flag_at, "block_at": thresholds[name].block_at,
                   "flag_precision_reported": round(thresholds[name].flag_precision, 4),
                   "block_precision_reported": round(thresholds[name].block_precision, 4)}
            for name, m in measures.items()} | {"plot": str(PLOT.relative_to(PLOT.parents[2]))}


def _precision_at(curve: tuple[list[float], list[int]], flag_at: float, block_at: float) -> tuple[float, float, int, int]:
    scores, labels = curve
    out = []
    for cut in (flag_at, block_at):
        hits = [y for s, y in zip(scores, labels, strict=True) if s >= cut]
        out.append((sum(hits) / len(hits) if hits else 1.0, len(hits)))
    return out[0][0], out[1][0], out[0][1], out[1][1]


def task_secrets(data: Path, scan_level: str) -> dict:
    settings = GUARD.settings_schema.effective({"detectors": ["secrets", "pii"], "pii_entities": ["IP_ADDRESS"]})
    tp = fp = fn = tn = 0
    ms: list[float] = []
    misses: list[str] = []
    rows = [r for r in load_secrets(data / "secrets" / "detect_secrets_plugin_tests.jsonl") if r.split == "reported"]
    for r in rows:
        out, t = run(r.text, settings, scan_level=scan_level)
        ms.append(t)
        # detect-secrets' ip_public plugin counts a public IP as a secret; ours reports it as PII
        pred = any(f["category"] == "secret" or (f["type"] == "IP_ADDRESS" and f["detail"]["scope"] == "public")
                   for f in out["findings"])
        if pred and r.label:
            tp += 1
        elif pred:
            fp += 1
            misses.append(f"FP {r.plugin}")
        elif r.label:
            fn += 1
            misses.append(f"FN {r.plugin}")
        else:
            tn += 1
    return {**prf(tp, fp, fn, tn), "rows": len(rows), "errors_by_plugin": sorted(misses), **latency(ms)}


def task_pii(data: Path, scan_level: str) -> dict:
    settings = GUARD.settings_schema.effective({"detectors": ["pii"]})
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    ms: list[float] = []
    rows = [r for r in load_pii(data / "pii" / "presidio_synth_dev.json") if r.split == "reported"]
    for r in rows:
        out, t = run(r.text, settings, scan_level=scan_level)
        ms.append(t)
        pred = [(f["type"], f["start"], f["end"]) for f in out["findings"]]
        gold = [(PII_TYPES[e], s, en) for e, s, en in r.spans if e in PII_TYPES]
        for g in gold:
            hit = [p for p in pred if p[0] == g[0] and p[1] < g[2] and g[1] < p[2]]
            per[g[0]]["gold"] += 1
            per[g[0]]["tp_overlap"] += bool(hit)
            per[g[0]]["tp_exact"] += any(p[1:] == g[1:] for p in hit)
        for p in pred:
            per[p[0]]["pred"] += 1
            per[p[0]]["fp"] += not any(p[0] == g[0] and p[1] < g[2] and g[1] < p[2] for g in gold)
    report: dict = {}
    total = defaultdict(int)
    for ent, c in sorted(per.items()):
        for k, v in c.items():
            total[k] += v
        report[ent] = _pii_scores(c)
    report["all"] = _pii_scores(total)
    report["rows"] = len(rows)
    report.update(latency(ms))
    return report


def _pii_scores(c: dict[str, int]) -> dict:
    overlap = prf(c["tp_overlap"], c["fp"], c["gold"] - c["tp_overlap"])
    exact = prf(c["tp_exact"], c["pred"] - c["tp_exact"], c["gold"] - c["tp_exact"])
    return {"gold": c["gold"], "overlap": {k: overlap[k] for k in ("precision", "recall", "f1")},
            "exact": {k: exact[k] for k in ("precision", "recall", "f1")}}


def task_latency(data: Path, scan_level: str) -> dict:
    """Full analyzer (all detectors) on 1 KB texts cut from the reported split's prompts."""
    settings = GUARD.settings_schema.effective({})
    pool = " ".join(r.text for r in load_injection(data / "prompt_injection") if r.split == "reported")
    texts = [pool[i : i + 1024] for i in range(0, min(len(pool), 1024 * 300), 1024)]
    for t in texts[:10]:
        run(t, settings, scan_level=scan_level)  # warm caches
    ms = [run(t, settings, scan_level=scan_level)[1] for t in texts]
    return {"texts": len(texts), "chars": 1024, "clock": "thread CPU time", **latency(ms)}


def task_providers(data: Path, scan_level: str) -> dict:
    """Provider-key cases (reported providers) and ordinary prompts; details in bench/securityguard_secrets.py."""
    from securityguard_secrets import task_benign
    from securityguard_secrets import task_providers as provider_cases

    thorough = scan_level == "comprehensive"
    report = provider_cases(data, entropy=thorough)
    return {"split": report["split"], "any_secret_finding": report["any"]["all"],
            "decision_flag_or_block": report["flag"]["all"], "recall_by_family": report["recall_by_family"],
            "benign_prompts": task_benign(data, entropy=thorough)}


TASKS = {"injection": task_injection, "benign": task_benign, "urls": task_urls, "calibration": task_calibration,
         "secrets": task_secrets, "providers": task_providers, "pii": task_pii, "latency": task_latency}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", type=Path, help="the shared data folder (holds prompt_injection/, secrets/, pii/)")
    ap.add_argument("--task", choices=[*TASKS, "all"], default="all")
    ap.add_argument("--scan-level", choices=["standard", "comprehensive"], default="standard")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    GUARD.warm_up()
    results = {}
    for name in TASKS if args.task == "all" else [args.task]:
        results[name] = TASKS[name](args.data_dir, args.scan_level)
        print_table(name, results[name])
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def print_table(name: str, r: dict) -> None:
    print(f"\n== {name} (reported split) ==")
    for key, val in r.items():
        if isinstance(val, dict) and "precision" in val:
            print(f"  {key:10s} P {val['precision']:.3f}  R {val['recall']:.3f}  F1 {val['f1']:.3f}  FPR {val['fpr']:.3f}"
                  f"  (tp {val['tp']} fp {val['fp']} fn {val['fn']} tn {val['tn']})")
        elif isinstance(val, dict) and "overlap" in val:
            o, e = val["overlap"], val["exact"]
            print(f"  {key:12s} n={val['gold']:3d}  overlap P {o['precision']:.3f} R {o['recall']:.3f}"
                  f"  | exact P {e['precision']:.3f} R {e['recall']:.3f}")
        elif isinstance(val, list):
            if val:
                print(f"  {key}: {', '.join(val)}")
        else:
            print(f"  {key}: {val}")


if __name__ == "__main__":
    main()
