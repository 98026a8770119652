"""Fit contextguard's topic-shift models on TIAGE's train split.

    .venv/bin/python bench/train_contextguard_drift.py /work/shared/data/topic_drift

Replays every training dialogue through the analyzer's own session state (float16
vectors, trimmed texts, the EMA summary) and feature functions, fits one logistic
model on the embedding features and one on the lexical features, picks each model's
F1-best threshold on train and folds it into the intercept (so 0.5 is the decision
point), then writes ``guards/analyzers/contextguard/data/drift_model.json``.
For a follow-up after a turn of its own role (a client that sends only user turns) the
topic boundary uses the same weights, read against the closest recent turn
(``drift.thread_view``), with the decision point moved to where train precision on each
speaker's side alone (labels derived by ``contextguard_data.monologues``) reaches
``--same-role-precision`` (0.65; both same-role intercepts). Whether such a follow-up is
flagged is scored by a model of its own (``flag_semantic``), fitted on those one-side
rows over ``SAME_ROLE_FEATURES``: the semantic features against the closest recent turn
plus the speaker's own previous turn, the session centroid and coherence, word coverage
of the whole session and cues of continuing or moving on. Its grouped 5-fold
cross-validation on train (folds by dialogue) is printed;
``train_contextguard_calibration.py`` calibrates it on those out-of-fold scores.
``--flag-model-only`` refits only that flag model and keeps every committed model and
intercept (a full re-run reproduces them to ~1e-7 on this machine, not byte for byte).
The dev split is never read here: ``bench/contextguard_quality.py`` reports on it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from contextguard_data import (  # noqa: E402
    best_threshold,
    load_dialogues,
    monologues,
    precision_threshold,
    prf,
    split_paths,
)

from guards.analyzers.contextguard import ContextGuard, lexical  # noqa: E402
from guards.analyzers.contextguard.drift import thread_view, turn_similarities  # noqa: E402
from guards.analyzers.contextguard.features import (  # noqa: E402
    LEXICAL_FEATURES,
    MODEL_PATH,
    SAME_ROLE_FEATURES,
    SEMANTIC_FEATURES,
    LogisticModel,
    Recipe,
    lexical_features,
    same_role_features,
    semantic_features,
)
from guards.analyzers.contextguard.state import SessionState, Turn  # noqa: E402
from guards.analyzers.embeddings import get_embedder  # noqa: E402

SOURCE = "TIAGE personachat anno train (HuiyuanXie/tiage@08f98df data/personachat/anno/)"


def replay(dialogues: list[list[tuple[str, int]]], vectors: np.ndarray, recipe: Recipe,
           *, one_role: bool = False) -> dict:
    """Feature rows exactly as the analyzer computes them, one per scored turn."""
    defaults = ContextGuard.settings_schema.defaults()
    rows: dict = {"semantic": ([], []), "lexical": ([], []), "route": [], "gold": []}
    pos = 0
    for dialogue in dialogues:
        state = SessionState.new(0.0)
        for i, (text, label) in enumerate(dialogue):
            vec = vectors[pos]
            pos += 1
            if i > 0 and label in (0, 1):
                history = turns = state.turns
                if one_role:  # as the analyzer reads a follow-up after a turn of its own role
                    history = thread_view(history, turn_similarities(text, vec, state), recipe.recent)
                lex = lexical_features(text, history, recipe)
                rows["lexical"][0].append(lex)
                rows["lexical"][1].append(label)
                tiny = len(lexical.words(text)) < recipe.min_words
                if not tiny and history[-1].vec is not None:
                    rows["semantic"][0].append(
                        same_role_features(text, vec, history, turns, state.summary, recipe) if one_role
                        else semantic_features(text, vec, history, state.summary, recipe))
                    rows["semantic"][1].append(label)
                    rows["route"].append(("semantic", len(rows["semantic"][0]) - 1))
                else:
                    rows["route"].append(("lexical", len(rows["lexical"][0]) - 1))
                rows["gold"].append(label == 1)
            turn = Turn(index=i, role="user" if one_role or i % 2 == 0 else "assistant",
                        text=text[: defaults["max_turn_chars"]], tokens=lexical.estimate_tokens(text),
                        at=float(i), vec=vec)
            state.add_turn(turn, max_turns=defaults["max_turns"], summary_decay=recipe.summary_decay)
    return rows


def fit(x: list[list[float]], y: list[int], names: tuple[str, ...], c: float) -> tuple[LogisticModel, float]:
    """A standardised logistic model whose F1-best train threshold is moved to 0.5."""
    xa = np.asarray(x, dtype=np.float64)
    mean = xa.mean(axis=0)
    scale = np.where(xa.std(axis=0) > 1e-9, xa.std(axis=0), 1.0)
    clf = LogisticRegression(C=c, max_iter=5000).fit((xa - mean) / scale, y)
    raw = LogisticModel(names, mean, scale, clf.coef_[0], float(clf.intercept_[0]))
    threshold, f1 = best_threshold([raw.probability(r) for r in x], [v == 1 for v in y])
    logit = math.log(threshold / (1.0 - threshold))
    return LogisticModel(names, mean, scale, clf.coef_[0], raw.intercept - logit), f1


def shifted(model: LogisticModel, x: list[list[float]], y: list[int], min_precision: float) -> LogisticModel:
    """``model`` with its decision point moved to the lowest score reaching ``min_precision`` on ``x``."""
    threshold = precision_threshold([model.probability(r) for r in x], [v == 1 for v in y], min_precision)
    if threshold is None:
        raise SystemExit(f"no threshold reaches precision {min_precision} on the same-role rows")
    logit = math.log(threshold / (1.0 - threshold))
    return LogisticModel(model.features, model.mean, model.scale, model.coef, model.intercept - logit)


def solo_sides(dialogues: list[list[tuple[str, int]]]) -> tuple[list[list[tuple[str, int]]], list[int]]:
    """``monologues(dialogues)`` and, for each, the index of the dialogue it came from (CV groups)."""
    sides, groups = [], []
    for n, dialogue in enumerate(dialogues):
        for side in monologues([dialogue]):
            sides.append(side)
            groups.append(n)
    return sides, groups


def fit_same_role(x: list[list[float]], y: list[int], c: float) -> LogisticModel:
    """The same-role flag model over ``SAME_ROLE_FEATURES`` rows (its score is calibrated afterwards)."""
    model, _ = fit(x, y, SAME_ROLE_FEATURES, c)
    return model


def cross_validate(x: list[list[float]], y: list[int], groups: list[int], c: float, folds: int = 5) -> dict:
    """Out-of-fold AUC and recall at precision 0.80 of the same-role model (folds by dialogue, train only)."""
    from sklearn.metrics import roc_auc_score

    g = np.asarray(groups)
    oof = np.zeros(len(y))
    for k in range(folds):
        held = g % folds == k
        xs = [r for r, h in zip(x, held, strict=True) if not h]
        ys = [v for v, h in zip(y, held, strict=True) if not h]
        model, _ = fit(xs, ys, SAME_ROLE_FEATURES, c)
        for i in np.flatnonzero(held):
            oof[i] = model.probability(x[i])
    cut = precision_threshold(oof.tolist(), [v == 1 for v in y], 0.80)
    measured = prf([s >= cut for s in oof], [v == 1 for v in y]) if cut is not None else None
    return {"folds": folds, "auc": round(float(roc_auc_score(y, oof)), 4),
            "recall_at_precision_0.80": round(measured["recall"], 4) if measured else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path, help="folder holding tiage_anno_train.json")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--c", type=float, default=1.0, help="inverse L2 strength")
    parser.add_argument("--same-role-precision", type=float, default=0.65,
                        help="train precision the same-role models' threshold must reach")
    parser.add_argument("--flag-model-only", action="store_true",
                        help="refit only the same-role flag model; keep the other models of --out as they are")
    args = parser.parse_args()

    recipe = Recipe()
    train_path, _ = split_paths(args.data_dir)
    dialogues = load_dialogues(train_path)
    kept = json.loads(args.out.read_text()) if args.flag_model_only else None
    if kept is not None:
        semantic = LogisticModel.from_dict(kept["semantic"], SEMANTIC_FEATURES)
        lexical_model = LogisticModel.from_dict(kept["lexical"], LEXICAL_FEATURES)
        meta = {k: v for k, v in kept["meta"].items() if k not in ("same_role_C", "same_role_cross_validation")}
    else:
        texts = [t[: recipe.embed_chars] for d in dialogues for t, _ in d]
        print(f"embedding {len(texts)} turns ...", file=sys.stderr)
        vectors = get_embedder().embed(texts, batch_size=64)
        rows = replay(dialogues, vectors, recipe)
        semantic, sem_f1 = fit(*rows["semantic"], SEMANTIC_FEATURES, args.c)
        lexical_model, lex_f1 = fit(*rows["lexical"], LEXICAL_FEATURES, args.c)
        models = {"semantic": semantic, "lexical": lexical_model}
        pred = [models[kind].probability(rows[kind][0][i]) >= 0.5 for kind, i in rows["route"]]
        combined = prf(pred, rows["gold"])
        lexical_only = prf([lexical_model.probability(r) >= 0.5 for r in rows["lexical"][0]], rows["gold"])
        meta = {"trained_on": SOURCE, "turns": len(rows["gold"]), "shifts": sum(rows["gold"]), "C": args.c,
                "train_f1": round(combined["f1"], 4), "train_f1_lexical_only": round(lexical_only["f1"], 4)}
        print(f"semantic rows {len(rows['semantic'][0])} F1 {sem_f1:.3f}; lexical rows "
              f"{len(rows['lexical'][0])} F1 {lex_f1:.3f}; routed train F1 {combined['f1']:.3f}")

    solo, groups = solo_sides(dialogues)
    print(f"embedding {sum(map(len, solo))} one-side turns ...", file=sys.stderr)
    solo_vectors = get_embedder().embed([t[: recipe.embed_chars] for d in solo for t, _ in d], batch_size=64)
    solo_rows = replay(solo, solo_vectors, recipe, one_role=True)
    row_groups = semantic_groups(solo, groups, solo_rows)
    cv = cross_validate(*solo_rows["semantic"], row_groups, args.c)
    flag_model = fit_same_role(*solo_rows["semantic"], args.c)
    thread_rows = [r[: len(SEMANTIC_FEATURES)] for r in solo_rows["semantic"][0]]  # as the boundary reads them
    same_semantic = shifted(semantic, thread_rows, solo_rows["semantic"][1], args.same_role_precision)
    same_lexical = shifted(lexical_model, *solo_rows["lexical"], args.same_role_precision)
    if kept is not None:  # the committed boundaries, exactly
        same_semantic = dataclasses.replace(semantic, intercept=float(kept["same_role"]["semantic_intercept"]))
        same_lexical = dataclasses.replace(lexical_model, intercept=float(kept["same_role"]["lexical_intercept"]))
    same_models = {"semantic": same_semantic, "lexical": same_lexical}
    solo_pred = [same_models[kind].probability(solo_rows[kind][0][i][: len(same_models[kind].features)]) >= 0.5
                 for kind, i in solo_rows["route"]]
    same_role = prf(solo_pred, solo_rows["gold"])

    meta.update({"same_role_turns": len(solo_rows["gold"]), "same_role_shifts": sum(solo_rows["gold"]),
                 "same_role_min_precision": args.same_role_precision, "same_role_C": args.c,
                 "same_role_train": {k: round(same_role[k], 4) for k in ("precision", "recall", "f1", "fpr")},
                 "same_role_cross_validation": cv})
    out = {"recipe": {"recent": recipe.recent, "summary_decay": recipe.summary_decay,
                      "min_words": recipe.min_words, "embed_chars": recipe.embed_chars},
           "semantic": semantic.to_dict(), "lexical": lexical_model.to_dict(),
           "same_role": {"semantic_intercept": same_semantic.intercept, "lexical_intercept": same_lexical.intercept,
                         "flag_semantic": flag_model.to_dict()},
           "meta": meta}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1) + "\n")
    print(f"same-role flag model: {len(solo_rows['semantic'][0])} rows; out-of-fold AUC {cv['auc']:.3f}, "
          f"recall at precision 0.80 {cv['recall_at_precision_0.80']:.3f}")
    print(f"same-role topic boundary (one speaker's side): train P {same_role['precision']:.3f} R {same_role['recall']:.3f} "
          f"F1 {same_role['f1']:.3f} FPR {same_role['fpr']:.3f}")
    print(f"wrote {args.out}")


def semantic_groups(sides: list[list[tuple[str, int]]], groups: list[int], rows: dict) -> list[int]:
    """The dialogue of each semantic row of ``replay(sides, ..., one_role=True)`` (rows follow ``sides``)."""
    per_turn = [g for side, g in zip(sides, groups, strict=True) for i, (_, label) in enumerate(side)
                if i > 0 and label in (0, 1)]
    return [per_turn[j] for j, (kind, _) in enumerate(rows["route"]) if kind == "semantic"]


if __name__ == "__main__":
    main()
