"""Fit contextguard's drift-score calibration on TIAGE's train split only.

    .venv/bin/python bench/train_contextguard_calibration.py /work/shared/data/topic_drift

Sends every train dialogue through ``ContextGuard.analyze`` as ``contextguard_quality.py``
does (alternating roles, and each speaker's side alone as ``user`` turns, labels derived
by ``contextguard_data.monologues``), with and without embeddings, and collects the drift
model's own score (``drift_calibration.raw_score``) of every labelled turn under the view
that scored it: ``embedding`` / ``lexical`` after a turn of the other role,
``embedding_same_role`` / ``lexical_same_role`` after one of the same role. Per view:

- an isotonic map raw -> P(new topic) (``bench/calibration.py`` ``fit_calibrator``),
  ceiling 0.99 (no turn of chit-chat is a sure shift);
- the flag cut on the calibrated scale: the lowest score of at least 0.80 where train
  precision over the turns at or above it reaches 0.80 (at least 20 of them); a view
  that never reaches it never flags. No block cut: contextguard never blocks.

Writes ``guards/analyzers/contextguard/data/calibration.json``; the dev split is never read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("EMBEDDING_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from calibration import FLAG_PRECISION, fit_calibrator, precision_at, ranks, save_calibrators  # noqa: E402
from contextguard_data import load_dialogues, monologues, split_paths  # noqa: E402
from contextguard_quality import run  # noqa: E402

from guards.analyzers.calibration import Calibrator, ShippedCalibrators  # noqa: E402
from guards.analyzers.contextguard import ContextGuard, calibrators  # noqa: E402

VIEWS = ("embedding", "lexical", "embedding_same_role", "lexical_same_role")
NEVER = 1.01
CEILING = 0.99
MIN_SUPPORT = 20


def raw_pairs(guard: ContextGuard, dialogues: list[list[tuple[str, int]]]) -> dict[str, tuple[list, list]]:
    """``{view: (model scores, labels)}`` over every labelled turn, the four ways the bench sends them."""
    defaults = ContextGuard.settings_schema.defaults()
    pairs: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    for sessions, one_role in ((dialogues, False), (monologues(dialogues), True)):
        for settings in (defaults, {**defaults, "use_embeddings": False}):
            out = run(guard, sessions, settings, one_role=one_role)
            for raw, view, gold in zip(out["raw"], out["map"], out["gold"], strict=True):
                if view is not None:
                    pairs[view][0].append(raw)
                    pairs[view][1].append(int(gold))
    return dict(pairs)


def flag_cut(calibrated: list[float], labels: list[int], *, min_support: int = MIN_SUPPORT) -> float:
    """The lowest calibrated score >= 0.80 whose turns at or above it are >= 0.80 right (>= ``min_support``).

    Both conditions: a cut below 0.80 would flag turns the map itself gives less than
    0.80, and one at 0.80 may still take in a step of turns that pulls precision under it.
    """
    for cut in sorted({c for c in calibrated if c >= FLAG_PRECISION}):
        precision, support = precision_at(calibrated, labels, cut)
        if support >= min_support and precision >= FLAG_PRECISION:
            return cut
    return NEVER


def fit(pairs: dict[str, tuple[list, list]], *, min_support: int = MIN_SUPPORT) -> tuple[dict[str, Calibrator], dict]:
    """A calibrator per view and what was measured on train for each."""
    fitted: dict[str, Calibrator] = {}
    report: dict[str, dict] = {}
    for view, (raw, labels) in sorted(pairs.items()):
        calibrator, _ = fit_calibrator(raw, labels, min_support=min_support, ceiling=CEILING)
        calibrated = [calibrator(x) for x in raw]
        flag_at = flag_cut(calibrated, labels, min_support=min_support)
        calibrator = Calibrator(calibrator.xs, calibrator.ys, flag_at, NEVER)
        fitted[view] = calibrator
        precision, support = precision_at(calibrated, labels, flag_at)
        report[view] = {"turns": len(labels), "shifts": sum(labels), "auc": round(ranks(raw, labels), 3),
                        "flag_at": flag_at, "train_flag_precision": round(precision, 4) if support else None,
                        "train_flag_support": support}
    return fitted, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path, help="folder holding tiage_anno_train.json")
    parser.add_argument("--out", type=Path, default=calibrators.CALIBRATION_PATH)
    args = parser.parse_args()

    # Raw scores do not depend on the maps; score with identity maps so an absent or old file is no obstacle.
    identity = {v: {"xs": [0.0, 1.0], "ys": [0.0, 1.0], "flag_at": 0.5, "block_at": NEVER} for v in VIEWS}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "identity.json"
        path.write_text(json.dumps({"calibrators": identity}))
        calibrators.CALIBRATORS = ShippedCalibrators(path)
        guard = ContextGuard()
        guard.warm_up()
        train_path, _ = split_paths(args.data_dir)
        pairs = raw_pairs(guard, load_dialogues(train_path))
    fitted, report = fit(pairs)
    args.out.write_text('{"calibrators": {}}\n', encoding="utf-8")  # replace, never merge with an older fit
    save_calibrators(args.out, fitted, meta={
        "fitted_on": "TIAGE personachat anno train (HuiyuanXie/tiage@08f98df), alternating and one side as user",
        "rule": "isotonic raw -> P(new topic); flag where train precision >= 0.80 and the score >= 0.80; no block",
        "train": report,
    })
    for view, r in report.items():
        measured = (f"train P {r['train_flag_precision']:.3f} (n {r['train_flag_support']})"
                    if r["train_flag_support"] else "never reached on train: never flags")
        print(f"{view:<20} turns {r['turns']:>5} shifts {r['shifts']:>5} AUC {r['auc']:.3f}  "
              f"flag >= {r['flag_at']:.3f}  {measured}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
