"""Fit contextguard's drift-score calibration on TIAGE's train split only.

    .venv/bin/python bench/train_contextguard_calibration.py /work/shared/data/topic_drift

Sends every train dialogue through ``ContextGuard.analyze`` as ``contextguard_quality.py``
does (alternating roles, and each speaker's side alone as ``user`` turns, labels derived
by ``contextguard_data.monologues``), with and without embeddings, and collects the drift
model's own score (``drift_calibration.raw_score``) of every labelled turn under the view
that scored it: ``embedding`` / ``lexical`` after a turn of the other role,
``embedding_same_role`` / ``lexical_same_role`` after one of the same role. The
``embedding_same_role`` scores are cross-fitted: the same-role flag model is refitted
on four fifths of the train dialogues (``train_contextguard_drift.fit_same_role``, folds
by dialogue) and scores the fifth it did not see, so its map and flag cut are not
chosen on scores the model was fitted to (its flags sit at the very top, where
in-sample scores flatter most). Per view:

- an isotonic map raw -> P(new topic) (``bench/calibration.py`` ``fit_calibrator``),
  ceiling 0.99 (no turn of chit-chat is a sure shift);
- the flag cut on the calibrated scale: the lowest score of at least 0.80 where train
  precision over the turns at or above it reaches 0.80 (at least 20 of them); a view
  that never reaches it never flags. No block cut: contextguard never blocks.

``embedding_same_role`` differs in both (its top scores are only just 0.80 right, so
the general rule either never flags or picks a lucky edge): its map joins the centres of
the isotonic blocks (``fit_centered``), and it flags the largest share of top-scored
train turns whose flags stay >= 0.80 right on held-out train dialogues (``nested_share``:
10 random 5-fold splits by dialogue; the table is written to the file's ``meta``).

Writes ``guards/analyzers/contextguard/data/calibration.json``; the dev split is never read.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np

os.environ.setdefault("EMBEDDING_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from calibration import FLAG_PRECISION, fit_calibrator, precision_at, ranks, save_calibrators  # noqa: E402
from contextguard_data import load_dialogues, monologues, split_paths  # noqa: E402
from contextguard_quality import run  # noqa: E402
from train_contextguard_drift import fit_same_role, replay, semantic_groups, solo_sides  # noqa: E402

from guards.analyzers.calibration import Calibrator, ShippedCalibrators  # noqa: E402
from guards.analyzers.contextguard import ContextGuard, calibrators  # noqa: E402
from guards.analyzers.contextguard.features import load_model  # noqa: E402
from guards.analyzers.embeddings import get_embedder  # noqa: E402

VIEWS = ("embedding", "lexical", "embedding_same_role", "lexical_same_role")
NEVER = 1.01
CEILING = 0.99
MIN_SUPPORT = 20
FOLDS = 5
CROSS_FITTED = "embedding_same_role"
SHARES = (0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.05)


def raw_pairs(guard: ContextGuard, dialogues: list[list[tuple[str, int]]]) -> tuple[dict[str, tuple[list, list]], list]:
    """``{view: (model scores, labels)}`` over every labelled turn, the four ways the bench sends them,
    and the dialogue of each cross-fitted turn."""
    defaults = ContextGuard.settings_schema.defaults()
    pairs: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    for sessions, one_role in ((dialogues, False), (monologues(dialogues), True)):
        for settings in (defaults, {**defaults, "use_embeddings": False}):
            out = run(guard, sessions, settings, one_role=one_role)
            for raw, view, gold in zip(out["raw"], out["map"], out["gold"], strict=True):
                if view is not None and view != CROSS_FITTED:
                    pairs[view][0].append(raw)
                    pairs[view][1].append(int(gold))
    raw, labels, groups = cross_fitted_same_role(dialogues)
    pairs[CROSS_FITTED] = (raw, labels)
    return dict(pairs), groups


def cross_fitted_same_role(dialogues: list[list[tuple[str, int]]], folds: int = FOLDS) -> tuple[list, list, list]:
    """Same-role embedding scores of every train one-side turn from a model that did not see its dialogue."""
    shipped = load_model()
    c = float(shipped.meta.get("same_role_C", 1.0))
    sides, groups = solo_sides(dialogues)
    vectors = get_embedder().embed([t[: shipped.recipe.embed_chars] for d in sides for t, _ in d], batch_size=64)
    rows = replay(sides, vectors, shipped.recipe, one_role=True)
    x, y = rows["semantic"]
    row_groups = semantic_groups(sides, groups, rows)
    defaults = ContextGuard.settings_schema.defaults()
    raw_scores: list[float] = []
    labels: list[int] = []
    dialogue_of: list[int] = []
    for k in range(folds):
        fitted = fit_same_role([r for r, g in zip(x, row_groups, strict=True) if g % folds != k],
                               [v for v, g in zip(y, row_groups, strict=True) if g % folds != k], c)
        guard = ContextGuard(dataclasses.replace(shipped, flag_same_role=fitted))
        guard.warm_up()
        held = [(side, g) for side, g in zip(sides, groups, strict=True) if g % folds == k]
        out = run(guard, [side for side, _ in held], defaults, one_role=True)
        turn_dialogue = [g for side, g in held for i, (_, label) in enumerate(side) if i > 0 and label in (0, 1)]
        for raw, view, gold, g in zip(out["raw"], out["map"], out["gold"], turn_dialogue, strict=True):
            if view == CROSS_FITTED:
                raw_scores.append(raw)
                labels.append(int(gold))
                dialogue_of.append(g)
    return raw_scores, labels, dialogue_of


def fit_centered(raw: list[float] | np.ndarray, labels: list[int] | np.ndarray,
                 *, max_knots: int = 48) -> Calibrator:
    """Isotonic raw -> P(new topic) with a knot at the mean score of each isotonic block.

    ``fit_calibrator`` keeps the corners of the isotonic steps, so a whole step scores
    alike and a cut can only take it all or none; joining block centres instead rises
    between them (same probabilities at the centres), so a cut can take the top share
    of turns it means to. Cut not set here (see :func:`nested_share`).
    """
    from sklearn.isotonic import IsotonicRegression

    x, y = np.asarray(raw, dtype=float), np.asarray(labels, dtype=float)
    order = np.argsort(x, kind="stable")
    xs = x[order]
    fitted = IsotonicRegression(y_min=0.0, y_max=CEILING, out_of_bounds="clip").fit(x, y).predict(xs)
    knots_x, knots_y, start = [], [], 0
    for i in range(1, len(xs) + 1):
        if i == len(xs) or fitted[i] != fitted[start]:
            knots_x.append(float(xs[start:i].mean()))
            knots_y.append(float(fitted[start]))
            start = i
    if len(knots_x) > max_knots:
        picks = sorted(set(np.linspace(0, len(knots_x) - 1, max_knots).round().astype(int).tolist()))
        knots_x, knots_y = [knots_x[i] for i in picks], [knots_y[i] for i in picks]
    if len(knots_x) == 1:
        knots_x.append(knots_x[0] + 1e-6)
        knots_y.append(knots_y[0])
    return Calibrator(tuple(knots_x), tuple(knots_y), NEVER, NEVER)


def top_share_cut(calibrated: list[float], share: float) -> float:
    """The lowest calibrated score that flags at most ``share`` of the turns (ties are all in or all out)."""
    ordered = sorted(calibrated, reverse=True)
    allowed = int(share * len(ordered))
    if allowed == 0:
        return NEVER
    cut = ordered[allowed - 1]
    if allowed < len(ordered) and ordered[allowed] == cut:  # the tie would overshoot: next value up
        above = [c for c in ordered[:allowed] if c > cut]
        return min(above) if above else NEVER
    return cut


def nested_share(raw: list[float], labels: list[int], groups: list[int], *, draws: int = 10,
                 folds: int = FOLDS) -> tuple[float, list[dict]]:
    """The largest share of top-scored turns whose flags stay >= 0.80 right on held-out train dialogues.

    For each share on the grid, and each of ``draws`` random splits of the train dialogues
    into ``folds``: fit the map (:func:`fit_centered`) on the other folds, cut at that share of their turns, count
    the held-out turns flagged and how many were shifts. Precision pooled over every draw;
    0 when no share reaches 0.80. Choosing the cut this way (a share of turns, judged out
    of sample) is steadier than "the most recall whose train precision is 0.80", which
    picks the luckiest edge of the scores it was measured on.
    """
    x, y, g = np.asarray(raw), np.asarray(labels), np.asarray(groups)
    chosen, table = 0.0, []
    for share in SHARES:
        tp = flagged = 0
        for draw in range(draws):
            fold = np.random.RandomState(draw).permutation(g.max() + 1)[g] % folds
            for k in range(folds):
                fit_rows, held = fold != k, fold == k
                calibrator = fit_centered(x[fit_rows], y[fit_rows])
                cut = top_share_cut([calibrator(v) for v in x[fit_rows]], share)
                hit = np.array([calibrator(v) >= cut for v in x[held]], dtype=bool)
                tp += int(y[held][hit].sum())
                flagged += int(hit.sum())
        precision = tp / flagged if flagged else float("nan")
        table.append({"share": share, "held_out_precision": round(precision, 4),
                      "held_out_recall": round(tp / draws / max(1, int(y.sum())), 4)})
        if flagged and precision >= FLAG_PRECISION:
            chosen = share
    return chosen, table


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


def fit(pairs: dict[str, tuple[list, list]], *, min_support: int = MIN_SUPPORT,
        groups: list[int] | None = None) -> tuple[dict[str, Calibrator], dict]:
    """A calibrator per view and what was measured on train for each.

    With ``groups`` (the dialogue of each cross-fitted turn), the cross-fitted view's cut
    flags the share of turns chosen by :func:`nested_share` instead of :func:`flag_cut`.
    """
    fitted: dict[str, Calibrator] = {}
    report: dict[str, dict] = {}
    for view, (raw, labels) in sorted(pairs.items()):
        extra: dict = {}
        if view == CROSS_FITTED and groups is not None:
            calibrator = fit_centered(raw, labels)
            calibrated = [calibrator(x) for x in raw]
            share, table = nested_share(raw, labels, groups)
            flag_at = top_share_cut(calibrated, share) if share else NEVER
            extra = {"flag_share": share, "nested_cv": table}
        else:
            calibrator, _ = fit_calibrator(raw, labels, min_support=min_support, ceiling=CEILING)
            calibrated = [calibrator(x) for x in raw]
            flag_at = flag_cut(calibrated, labels, min_support=min_support)
        calibrator = Calibrator(calibrator.xs, calibrator.ys, flag_at, NEVER)
        fitted[view] = calibrator
        precision, support = precision_at(calibrated, labels, flag_at)
        report[view] = {"turns": len(labels), "shifts": sum(labels), "auc": round(ranks(raw, labels), 3),
                        "flag_at": flag_at, "train_flag_precision": round(precision, 4) if support else None,
                        "train_flag_support": support, **extra}
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
        pairs, groups = raw_pairs(guard, load_dialogues(train_path))
    fitted, report = fit(pairs, groups=groups)
    args.out.write_text('{"calibrators": {}}\n', encoding="utf-8")  # replace, never merge with an older fit
    save_calibrators(args.out, fitted, meta={
        "fitted_on": "TIAGE personachat anno train (HuiyuanXie/tiage@08f98df), alternating and one side as user",
        "rule": "isotonic raw -> P(new topic); flag where train precision >= 0.80 and the score >= 0.80; no block;"
                f" {CROSS_FITTED}: centred isotonic, flag the largest top share whose held-out train precision"
                " (nested CV by dialogue) is >= 0.80",
        "cross_fitted": {CROSS_FITTED: f"{FOLDS} folds by dialogue: scores from a same-role model fitted without"
                                       " the scored dialogue"},
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
