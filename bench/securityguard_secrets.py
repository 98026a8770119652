"""Measure (and calibrate) securityguard's secrets detector.

    .venv/bin/python bench/securityguard_secrets.py /work/shared/data [--task all] [--fit] [--json OUT]

Tasks:
- ``providers``: trufflehog's detector test cases (secrets/trufflehog_detector_cases.jsonl),
  split by PROVIDER (bench/securityguard_datasets.py) into a **dev** part (the ``tune``
  split, 70 % of the providers: its misses are read, by provider, to write rules) and a
  **held-out** part (the ``reported`` split, 30 %: only its totals are ever printed, never
  its rows, so no rule is written from it). Both are reported, labelled. Row level: a row is
  predicted positive when any ``secret`` finding is reported (and, for the decision
  columns, when the finding's score reaches the default flag / block threshold).
  Also per case kind and per provider family.
- ``benign``: rows of ordinary prompts (benign_prompts/*.jsonl: GSM8K questions, Alpaca-style
  instructions, measured only) and benign look-alikes (NotInject, WildGuard) with any secret finding.
- ``code``: 1 KB chunks of installed packages' source (dev packages, whose false alarms were
  read, and held-out packages, only counted) with any secret finding.
- ``latency``: CPU time (time.thread_time) of ``detect_secrets`` alone on 1 KB texts (prose
  prompts and source code), and on 200 KB adversarial inputs.
- ``peer``: the same provider cases and prompts through detect-secrets 1.5 (default plugins
  and filters), the peer QUALITY-GOALS names.

``--fit`` fits one calibrator per tier (bench/calibration.py) on the TUNING split's
findings, writes guards/analyzers/securityguard/data/secrets_calibration.json and draws the
reliability diagram of the reported split into bench/plots/securityguard-secrets-reliability.png.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from securityguard_datasets import (
    ROOT,
    load_injection,
    load_provider_cases,
    load_secrets,
    percentile,
    prf,
    provider_of,
)
from securityguard_secrets_ordinary import benign_texts, task_benign, task_code

from guards.analyzers.base import Finding
from guards.analyzers.securityguard import secrets as sg_secrets
from guards.analyzers.securityguard.secrets import DEFAULT_BLOCK_AT, DEFAULT_FLAG_AT, TIERS, detect_secrets

PLOT = ROOT / "bench" / "plots" / "securityguard-secrets-reliability.png"

# Provider families for per-family recall: trufflehog detector names by the family they belong to.
FAMILY_OF = {
    "cloud": "aws azure gcp google alibaba digitalocean ibm cloudflare scaleway tencent heroku vercel netlify "
             "linode oracle openstack upcloud",
    "source_hosting": "github gitlab bitbucket atlassian jira confluence circleci buildkite travis sourcegraph "
                      "sonar gitea gitter",
    "payments": "stripe square paypal braintree shopify razorpay flutterwave plaid shippo easypost duffel coinbase "
                "adyen mollie paystack gocardless lob",
    "communication": "slack discord telegram teams twilio sendgrid mailgun mailchimp mandrill sendinblue brevo "
                     "postmark mailjet vonage nexmo zendesk intercom pusher zoom twitter facebook webex mattermost",
    "ai": "openai anthropic huggingface cohere groq replicate perplexity xai openrouter langsmith langfuse "
          "pinecone mistral deepseek together wandb elevenlabs assemblyai deepgram fireworks",
    "package_registry": "npm pypi rubygems nuget docker artifactory jfrog crates clojars terraform pulumi",
    "private_key": "privatekey ssh pem putty age",
    "token_format": "jwt",
    "connection_string": "uri jdbc ldap mongodb postgres redis sqlserver mysql ftp",
    "saas": "newrelic sentry linear notion postman doppler vault okta grafana databricks planetscale tailscale "
            "supabase figma airtable typeform contentful mapbox dynatrace onepassword datadog algolia pagerduty "
            "snyk fastly auth0 segment mixpanel amplitude dropbox hubspot launchdarkly octopus asana",
}
_FAMILY_INDEX = {name: family for family, names in FAMILY_OF.items() for name in names.split()}


def family_of(detector: str) -> str:
    provider = provider_of(detector).lower()
    for name, family in _FAMILY_INDEX.items():
        if provider.startswith(name):
            return family
    return "other"


def secret_findings(text: str, *, entropy: bool = False) -> list[Finding]:
    return detect_secrets(text, entropy=entropy)


def _hit_label(text: str, f: Finding, expected: Iterable[str], row_label: int) -> int | None:
    """1 if the finding is (part of) a value the case expects, 0 on a negative row, None when unclear."""
    if not row_label:
        return 0
    value = text[f.start:f.end]
    if any(value and (value in e or e in value) for e in expected) or value.strip() == text.strip():
        return 1
    return None


def peer_flags(texts: list[str]) -> list[bool]:
    """detect-secrets 1.5 (default plugins and filters, as QUALITY-GOALS ran it): any secret per text."""
    import tempfile

    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    out = []
    with default_settings(), tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "case.txt"
        for text in texts:
            path.write_text(text, encoding="utf-8")
            found = SecretsCollection()
            found.scan_file(str(path))
            out.append(bool(list(found)))
    return out


def task_peer(data: Path, *, split: str = "reported") -> dict:
    """The same rows through detect-secrets, for comparison."""
    rows = [r for r in load_provider_cases(data / "secrets" / "trufflehog_detector_cases.jsonl") if r.split == split]
    flags = peer_flags([r.text for r in rows])
    tp = sum(f and r.label for f, r in zip(flags, rows, strict=True))
    fp = sum(f and not r.label for f, r in zip(flags, rows, strict=True))
    fn = sum((not f) and r.label for f, r in zip(flags, rows, strict=True))
    report: dict = {"providers": prf(tp, fp, fn, len(rows) - tp - fp - fn)}
    for name, texts in benign_texts(data).items():
        hits = sum(peer_flags(texts))
        report[name] = {"rows": len(texts), "with_secret_finding": hits, "rate": round(hits / len(texts), 4)}
    return report


SPLIT_NAMES = {"dev": "tune", "held-out": "reported", "tune": "tune", "reported": "reported"}


def task_providers_both(data: Path, *, split: str, entropy: bool = False) -> dict:
    """The dev and held-out parts side by side (or one of them); held-out errors are never listed."""
    names = ("dev", "held-out") if split == "both" else (split,)
    out = {}
    for name in names:
        part = SPLIT_NAMES[name]
        report = task_providers(data, split=part, entropy=entropy)
        if part == "reported":
            report.pop("errors")  # held out: totals only, never row by row
        out[f"{name} ({part} split)"] = report
    return out


def task_providers(data: Path, *, split: str = "reported", entropy: bool = False) -> dict:
    rows = [r for r in load_provider_cases(data / "secrets" / "trufflehog_detector_cases.jsonl") if r.split == split]
    levels = {"any": 0.0, "flag": DEFAULT_FLAG_AT, "block": DEFAULT_BLOCK_AT}
    counts: dict[str, dict[str, list[int]]] = {lvl: defaultdict(lambda: [0, 0, 0, 0]) for lvl in levels}
    fam_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # detected, positives
    misses: list[str] = []
    for r in rows:
        found = secret_findings(r.text, entropy=entropy)
        best = max((f.score for f in found), default=-1.0)
        for lvl, cut in levels.items():
            pred = best >= cut
            k = (0 if r.label else 1) if pred else (2 if r.label else 3)
            for group in ("all", r.case_kind):
                counts[lvl][group][k] += 1
        if r.label:
            fam = family_of(r.detector)
            fam_counts[fam][0] += best >= 0
            fam_counts[fam][1] += 1
        if (best >= 0) != bool(r.label):
            misses.append(f"{'FN' if r.label else 'FP'} {r.detector} [{r.case_kind}]")
    report: dict = {"split": f"{split} ({len({provider_of(r.detector) for r in rows})} providers, {len(rows)} rows)"}
    for lvl in levels:
        report[lvl] = {g: prf(*c) for g, c in sorted(counts[lvl].items())}
    report["recall_by_family"] = {f: {"recall": round(d / n, 3), "positives": n} for f, (d, n) in sorted(fam_counts.items())}
    report["errors"] = sorted(misses)
    return report


def _cpu_ms(fn, *args) -> float:
    t0 = time.thread_time()
    fn(*args)
    return (time.thread_time() - t0) * 1000


def adversarial_inputs() -> dict[str, str]:
    n = 200_000
    rnd = random.Random(7)
    b64 = "".join(rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(n))
    return {
        "one base64 run": b64,
        "many '='": "=" * n,
        "many ':'": ":" * n,
        "key=value repeated": "api_key=" * (n // 8),
        "12-char tokens glued by '?'": ("a1b2c3d4e5f6?" * (n // 13)),
        "BEGIN PRIVATE KEY without END": ("-----BEGIN PRIVATE KEY-----\n" + "A" * 64 + "\n") * (n // 93),
        "PuTTY headers without MAC": "PuTTY-User-Key-File-3: ssh-ed25519\n" * (n // 35),
        "eyJ runs": "eyJ" * (n // 3),
        "scheme:// without @": ("postgres://user:" + "p" * 60 + " ") * (n // 77),
        "AKIA prefixes": "AKIA" * (n // 4),
        "hex with dashes": ("0123456789abcdef" * 2 + "-") * (n // 33),
    }


def task_latency(data: Path) -> dict:
    prose = " ".join(r.text for r in load_injection(data / "prompt_injection") if r.split == "reported")
    # the project's own code outside the secrets detector (whose rule tables would name every prefix)
    code = "\n".join(p.read_text(encoding="utf-8") for folder in ("accounts", "billing", "aiguardian", "tests")
                     for p in sorted((ROOT / folder).rglob("*.py")))
    report: dict = {"clock": "time.thread_time (CPU), detect_secrets only, one thread"}
    for name, pool in (("prose", prose), ("code", code)):
        texts = [pool[i:i + 1024] for i in range(0, min(len(pool), 1024 * 400), 1024)]
        for t in texts[:20]:
            detect_secrets(t)
        ms = [_cpu_ms(detect_secrets, t) for t in texts]
        report[f"1KB {name}"] = {"texts": len(texts), "p50_ms": round(percentile(ms, 50), 3),
                                 "p99_ms": round(percentile(ms, 99), 3)}
    report["200KB adversarial (ms)"] = {name: round(_cpu_ms(detect_secrets, text), 1)
                                        for name, text in adversarial_inputs().items()}
    return report


# --- calibration ------------------------------------------------------------------------------

# Format tiers say "this value is a <provider> credential". A test case's label speaks about
# the detector it tests: trufflehog's whole-input cases also encode what ITS detector needs
# around the value (a shop domain next to a Shopify token), and a negative case for one
# provider (a Livestorm near miss, detect-secrets' GitLab plugin) says nothing about a valid
# GitHub token or JWT in it. So format-tier findings are calibrated on value-level cases
# (bare values, detect-secrets lines), a negative counting only against the provider it
# tests; context tiers (anchored, password, keyword, token) on every case.
FORMAT_TIERS = frozenset({"provider", "provider_unvalidated"})
# A tier's raw score must rank its tuning findings at least this well (ROC AUC) to earn an
# isotonic map; below it the tier gets one probability, its tuning precision.
RANKS_AT = 0.6


def _same_provider(finding_type: str, provider: str) -> bool:
    return finding_type.split("_")[0].lower() in provider.lower().replace("_", "")


def tier_rows(data: Path, split: str) -> dict[str, tuple[list[float], list[int], list[float]]]:
    """Per tier: (raw scores, labels, calibrated scores) of the findings on ``split`` rows."""
    out: dict[str, tuple[list[float], list[int], list[float]]] = {t: ([], [], []) for t in TIERS}

    def add(text: str, expected: Iterable[str], label: int, provider: str, *, value_level: bool = True) -> None:
        for f in secret_findings(text):
            y = _hit_label(text, f, expected, label)
            if f.detail["detector"] in FORMAT_TIERS and (
                    not value_level or (y == 0 and not _same_provider(f.type, provider))):
                continue
            if y is not None:
                raw, labels, scores = out[f.detail["detector"]]
                raw.append(f.detail["raw_score"])
                labels.append(y)
                scores.append(f.score)

    for r in load_provider_cases(data / "secrets" / "trufflehog_detector_cases.jsonl"):
        if r.split == split:
            add(r.text, r.expected, r.label, provider_of(r.detector), value_level=r.case_kind != "test_input")
    for r in load_secrets(data / "secrets" / "detect_secrets_plugin_tests.jsonl"):
        if r.split == split:
            add(r.text, (r.text,), r.label, r.plugin)
    return out


def fit(data: Path) -> dict:
    from calibration import fit_calibrator, fit_flat_calibrator, ranks, reliability_diagram, save_calibrators

    tune = tier_rows(data, "tune")
    calibrators, thresholds, meta = {}, {}, {}
    for tier, (raw, labels, _) in tune.items():
        if len(labels) < 20 or len(set(labels)) < 2:
            meta[tier] = f"not fitted: {len(labels)} tuning findings"
            continue
        auc = ranks(raw, labels)
        if auc < RANKS_AT:  # the raw score says nothing within the tier: one probability for all
            cal, th = fit_flat_calibrator(labels, ceiling=0.99, min_support=10)
        else:
            cal, th = fit_calibrator(raw, labels, ceiling=0.99, min_support=10)
        calibrators[tier], thresholds[tier] = cal, th
        meta[tier] = {"tuning_findings": len(labels), "positives": int(sum(labels)), "raw_auc": round(auc, 3),
                      "map": "flat" if auc < RANKS_AT else "isotonic", "flag_at": round(th.flag_at, 4),
                      "block_at": round(th.block_at, 4), "flag_precision": round(th.flag_precision, 3),
                      "block_precision": round(th.block_precision, 3)}
    save_calibrators(sg_secrets.CALIBRATION_FILE, calibrators,
                     meta={"fitted_on": "tune split: trufflehog provider cases (by provider) + detect-secrets cases",
                           "tiers": meta})
    sg_secrets.calibrators.cache_clear()
    reported = tier_rows(data, "reported")
    curves = {t: (s, y) for t, (_, y, s) in reported.items() if len(y) >= 5}
    rel = reliability_diagram(curves, PLOT, title="securityguard secrets: reported split, per tier",
                              thresholds=thresholds)
    return {"tiers": meta, "reported_ece": {t: r.ece for t, r in rel.items()}, "plot": str(PLOT.relative_to(ROOT))}


TASKS = {
    "providers": lambda d, a: task_providers_both(d, split=a.split, entropy=a.comprehensive),
    "benign": lambda d, a: task_benign(d, entropy=a.comprehensive),
    "code": lambda d, a: task_code(d),
    "latency": lambda d, a: task_latency(d),
    "peer": lambda d, a: task_peer(d, split=SPLIT_NAMES.get(a.split, "reported")),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", type=Path, help="the shared data folder (holds secrets/, benign_prompts/, ...)")
    ap.add_argument("--task", choices=[*TASKS, "all"], default="all")
    ap.add_argument("--split", choices=["both", "dev", "held-out"], default="both",
                    help="providers task: the dev part (tune split), the held-out part (reported split), or both")
    ap.add_argument("--comprehensive", action="store_true", help="scan_level=comprehensive (entropy on)")
    ap.add_argument("--fit", action="store_true", help="fit the per-tier calibration first (tuning split)")
    ap.add_argument("--errors", action="store_true", help="list the dev rows the detector got wrong")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    results: dict = {}
    if args.fit:
        results["calibration"] = fit(args.data_dir)
        print(json.dumps(results["calibration"], indent=1))
    for name in TASKS if args.task == "all" else [args.task]:
        results[name] = TASKS[name](args.data_dir, args)
        print_report(name, results[name], errors=args.errors)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def print_report(name: str, r: dict, *, errors: bool) -> None:
    print(f"\n== {name} ==")
    if all(isinstance(v, dict) and "split" in v for v in r.values()):
        for part, report in r.items():
            print_report(f"{name}: {part}", report, errors=errors)
        return
    for key, val in r.items():
        if key == "errors":
            if errors:
                print("  errors:\n    " + "\n    ".join(val))
            continue
        if isinstance(val, dict) and val and all(isinstance(v, dict) and "precision" in v for v in val.values()):
            for group, m in val.items():
                print(f"  {key:6s} {group:22s} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}"
                      f"  (tp {m['tp']} fp {m['fp']} fn {m['fn']} tn {m['tn']})")
        elif isinstance(val, dict) and "precision" in val:
            print(f"  {key}: P {val['precision']:.3f}  R {val['recall']:.3f}")
        else:
            print(f"  {key}: {val}")


if __name__ == "__main__":
    main()
