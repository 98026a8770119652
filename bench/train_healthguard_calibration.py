"""Fit healthguard's per-finding-type score calibration on the TUNE split only.

    .venv/bin/python bench/train_healthguard_calibration.py /work/shared/data

Runs the analyzer over the tune split of ``healthguard_data.labelled_sets`` with one
detector enabled at a time, as ``healthguard_quality.py`` does. For every labelled row
and every finding type found in it, the strongest finding's RAW score
(``detail["raw_score"]``, the detector's fixed scale) is paired with the row's label
(1 = corrupted text, so the finding is right). Per finding type with at least
``--min-findings`` such pairs:

- an isotonic map raw -> P(right) (``bench/calibration.py`` ``fit_calibrator``) when the
  raw score ranks its findings (ROC AUC >= 0.6 with both outcomes present), otherwise
  one probability for all of them (``fit_flat_calibrator``): a type that was never
  wrong on tune has nothing for a map to rank;
- the ceiling is the Laplace estimate (n + 1) / (n + 2) of a bin never wrong in n
  findings, so a type that was never wrong on a few hundred rows does not claim 1.0;
- flag/block thresholds on the calibrated scale: the lowest cut where tune precision
  over the findings at or above it reaches 0.80 / 0.98 (at least 20 of them), and never
  below 0.80 / 0.98 itself, so no finding whose own probability is under 0.98 blocks.

Types listed in ``FLAG_ONLY`` keep their flag threshold but never block: their labelled
negatives are too easy (see the list). The maps and thresholds are written to
``guards/analyzers/healthguard/data/calibration.json``; the report split is never read.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from calibration import (  # noqa: E402
    BLOCK_PRECISION,
    FLAG_PRECISION,
    fit_calibrator,
    fit_flat_calibrator,
    precision_at,
    ranks,
    save_calibrators,
)
from healthguard_data import labelled_sets, load_clean  # noqa: E402
from healthguard_quality import DETECTORS, GUARD, run_detector  # noqa: E402

from guards.analyzers.calibration import Calibrator  # noqa: E402
from guards.analyzers.healthguard.calibrators import CALIBRATION_PATH, CALIBRATORS  # noqa: E402

MIN_FINDINGS = 30
MIN_SUPPORT = 20
MIN_AUC = 0.6
NEVER = 1.01  # a threshold no probability reaches
# The tune split's clean paragraphs all end with a full stop, so a cut-off sentence was
# never wrong there (377 of 377); ordinary prompts that end on a title or a list of
# names are cut-off sentences to this detector (2 % of Alpaca prompts): a person
# should look, nothing should be refused for it.
FLAG_ONLY = {"cut_off_sentence": "tune negatives all end in a full stop; ordinary prompts ending on a title "
                                 "or a list are found as cut off (measured on benign_prompts, not tuned on)"}


def raw_pairs(split: str, data_path: str) -> dict[str, tuple[list[float], list[int]]]:
    """``{finding type: (strongest raw score per row, row label)}`` over ``split``'s labelled rows."""
    sets = labelled_sets(load_clean(data_path), split)
    pairs: dict[str, tuple[list[float], list[int]]] = defaultdict(lambda: ([], []))
    for name in DETECTORS:
        for text, label, _ in sets[name]:
            strongest: dict[str, float] = {}
            for f in run_detector(name, text).findings:
                raw = float(f.detail.get("raw_score", f.score))
                strongest[f.type] = max(strongest.get(f.type, 0.0), raw)
            for kind, raw in strongest.items():
                pairs[kind][0].append(raw)
                pairs[kind][1].append(label)
    return dict(pairs)


def fit(pairs: dict[str, tuple[list[float], list[int]]], *, min_findings: int = MIN_FINDINGS,
        min_support: int = MIN_SUPPORT) -> tuple[dict[str, Calibrator], dict[str, dict]]:
    """Calibrators for the finding types with enough tune findings, and what was fitted for each."""
    calibrators: dict[str, Calibrator] = {}
    report: dict[str, dict] = {}
    for kind, (raw, labels) in sorted(pairs.items()):
        right, n = sum(labels), len(labels)
        if n < min_findings:
            report[kind] = {"findings": n, "right": right, "fitted": False}
            continue
        ceiling = (n + 1) / (n + 2)  # Laplace for a bin never wrong: no type claims 1.0
        auc = ranks(raw, labels)
        if auc >= MIN_AUC and 0 < right < n:
            calibrator, _ = fit_calibrator(raw, labels, min_support=min_support, ceiling=ceiling)
            shape = "isotonic"
        else:
            calibrator, _ = fit_flat_calibrator(labels, min_support=min_support, ceiling=ceiling)
            shape = "flat"
        # A cut chosen by the precision of everything above it can sit below the target
        # itself (gibberish: 99.6 % of all its tune findings are right, so "block from 0"
        # meets 0.98); a calibrated score below 0.98 must not block, nor one below 0.80 flag.
        flag_at = max(calibrator.flag_at, FLAG_PRECISION)
        block_at = NEVER if kind in FLAG_ONLY else max(calibrator.block_at, BLOCK_PRECISION)
        calibrator = Calibrator(calibrator.xs, calibrator.ys, min(flag_at, block_at), block_at)
        calibrators[kind] = calibrator
        calibrated = [calibrator(x) for x in raw]
        (fp, fn), (bp, bn) = precision_at(calibrated, labels, flag_at), precision_at(calibrated, labels, block_at)
        report[kind] = {"findings": n, "right": right, "fitted": True, "map": shape, "auc": round(auc, 3),
                        "flag_at": calibrator.flag_at, "block_at": calibrator.block_at,
                        "tune_flag_precision": round(fp, 4), "tune_flag_support": fn,
                        "tune_block_precision": round(bp, 4) if bn else None, "tune_block_support": bn}
    return calibrators, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_path")
    parser.add_argument("--out", type=Path, default=CALIBRATION_PATH)
    args = parser.parse_args()

    GUARD.warm_up()
    calibrators, report = fit(raw_pairs("tune", args.data_path))
    args.out.write_text('{"calibrators": {}}\n', encoding="utf-8")  # replace, never merge with an older fit
    save_calibrators(args.out, calibrators, meta={
        "fitted_on": "healthguard_data tune split (salted sha1 of the clean text), one detector enabled at a time",
        "unit": "per labelled row and finding type: the strongest finding's raw score; right = the row is corrupted",
        "rule": "flag where tune precision >= 0.80, block where >= 0.98 (>= 20 findings at or above each)",
        "flag_only": FLAG_ONLY, "min_findings": MIN_FINDINGS,
        "not_fitted": {k: r["findings"] for k, r in report.items() if not r["fitted"]},
    })
    CALIBRATORS.reload()
    for kind, r in report.items():
        if not r["fitted"]:
            print(f"{kind:<20} {r['findings']:>5} findings ({r['right']} right): too few, not calibrated")
            continue
        print(f"{kind:<20} {r['findings']:>5} findings ({r['right']} right)  {r['map']:<8} AUC {r['auc']:.3f}  "
              f"flag >= {r['flag_at']:.3f} (P {r['tune_flag_precision']:.3f}, n {r['tune_flag_support']})  "
              f"block >= {r['block_at']:.3f}"
              + (f" (P {r['tune_block_precision']:.3f}, n {r['tune_block_support']})"
                 if r["tune_block_precision"] is not None else " (never reached)"))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
