"""Train trustguard's grounding model on the tuning halves (HaluEval QA, and TruthfulQA for meaning).

Usage (from the repository root):
    .venv/bin/python bench/train_trustguard_grounding.py /work/shared/data/hallucination/halueval_qa_dev.jsonl \
        --truthfulqa /work/shared/data/hallucination/TruthfulQA.csv

1. Lexical model: each claim of each HaluEval answer (right = supported, hallucinated =
   unsupported) gives one row of features. HaluEval's right answers are mostly bare noun
   phrases while its hallucinated ones are often whole sentences restating the question;
   trained on that alone, the model learns that "long = invented" and distrusts every
   grounded full-sentence answer. So each short answer is also put back into its question
   ("what city ... ?" + "Delhi" -> "... Delhi"), for both classes. A sign-constrained
   logistic regression is fitted on all claims.
2. Meaning rule (``MeaningRule``): HaluEval has no paraphrased answers, so the cosine
   threshold, slope and lexical ceiling are chosen on TruthfulQA's tuning half (one correct
   answer as the source, the other correct answers should be supported, the incorrect ones
   not). Among the rules that keep HaluEval's tuning pairwise accuracy within one pair of
   the lexical model's, those whose balanced per-answer accuracy at the default support
   threshold is within ``TOLERANCE`` of the best (closer is noise on ~2,400 answers) are
   equivalent; of those, the median threshold wins (the middle of the plateau: its upper
   edge is where the curve starts to fall, and a paraphrase's cosine sits near it — "Eiffel's
   firm built the landmark" against "built by the company of Gustave Eiffel" is 0.78), then
   the best TruthfulQA pairwise accuracy.
3. Output model (``risk.OutputModel``): the analyzer's output-level features of AggreFact's
   tuning documents (split by a hash of the document id) and HaluEval's tuning answers, a
   sign-constrained logistic regression over them, and the shared isotonic calibrators
   (``bench/calibration.py``) fitted on the same rows: ``grounding`` (the output model's
   probability) and ``contradiction`` (an output whose sources contradict a claim). The flag
   threshold is the shared rule's (lowest risk whose flagged rows are >= 80 % unfaithful) taken
   among calibrated risks of at least ``FLAG_FLOOR`` (0.5): a flag means "more likely unfaithful
   than not" (``flag_threshold``).

Writes ``guards/analyzers/trustguard/data/grounding_weights.json`` and ``calibration.json``.
The reported parts are never read. Without ``--claims`` only step 3 runs (seconds).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("EMBEDDING_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import trustguard_data as data  # noqa: E402
from calibration import Thresholds, choose_thresholds, fit_calibrator, save_calibrators  # noqa: E402
from trustguard_tasks import (  # noqa: E402
    Judged,
    evaluate,
    featurise,
    fit_output_model,
    fit_signed_logistic,
    halueval_groups,
    halueval_outputs,
    output_features_of,
    paraphrase_groups,
    score_answers,
    summary_outputs,
)

from guards.analyzers.calibration import Calibrator  # noqa: E402
from guards.analyzers.embeddings import get_embedder  # noqa: E402
from guards.analyzers.trustguard import analyzer  # noqa: E402
from guards.analyzers.trustguard.grounding import (  # noqa: E402
    LEXICAL_FEATURES,
    OUTPUT_FEATURES,
    WEIGHTS_PATH,
    GroundingModel,
    OutputModel,
)
from guards.analyzers.trustguard.grounding.risk import CALIBRATION_PATH  # noqa: E402

THRESHOLDS = [round(float(t), 2) for t in np.arange(0.70, 0.99, 0.01)]
SLOPES = (10.0, 20.0, 40.0)
CEILINGS = (0.5, 0.7)
TOLERANCE = 0.005

# Evidence for support may only raise the score, evidence against only lower it: with a few
# hundred correlated rows an unconstrained fit gives some features the "wrong" sign, which
# would then punish, say, better coverage on text unlike HaluEval's.
SIGNS = {
    "coverage": 1, "novel_coverage": 1, "unsupported_words": -1, "unsupported_names": -1,
    "unsupported_numbers": -1, "sentence_coverage": 1, "phrase_coverage": 1, "question_relevance": 1,
}


def lexical_rows(rows: list[dict[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """Every claim of every answer and of its statement form, as (features, label)."""
    x, y = [], []
    for row in rows:
        answers = [(1, row["right_answer"]), (0, row["hallucinated_answer"])]
        answers += [(label, s) for label, a in answers if (s := data.as_statement(row["question"], a))]
        group = featurise(row["question"], [row["knowledge"]], answers, None)
        for answer in group.answers:
            for s in answer.supports:
                x.append([s.features[n] for n in LEXICAL_FEATURES])
                y.append(answer.label)
    return np.array(x), np.array(y)


def train_claim_model(args: argparse.Namespace) -> dict:
    """The claim-level parts (lexical weights, meaning rule) on HaluEval's and TruthfulQA's tuning halves."""
    tune, _reported = data.split(data.load_halueval(args.data))
    x, y = lexical_rows(tune)
    weights, bias = fit_signed_logistic(x, y, [SIGNS[n] for n in LEXICAL_FEATURES])
    lexical = {"features": list(LEXICAL_FEATURES), "weights": weights.round(6).tolist(), "bias": round(bias, 6),
               "rows": len(y)}

    embed = get_embedder().embed
    paraphrase_tune, _paraphrase_reported = data.split(data.truthfulqa_paraphrases(args.truthfulqa))
    halueval = halueval_groups(tune, embed, statements=False) + halueval_groups(tune, embed, statements=True)
    paraphrase = paraphrase_groups(paraphrase_tune, embed)

    def run(meaning: dict | None) -> tuple[dict, dict]:
        model = GroundingModel.from_dict({"lexical": lexical, "meaning": meaning})
        score_answers(halueval, model)  # as many claims compared by meaning as TrustGuard's defaults allow
        score_answers(paraphrase, model)
        return evaluate(halueval), evaluate(paraphrase)

    base_halueval, base_paraphrase = run(None)
    print(f"lexical only: HaluEval tune pairwise {base_halueval['pairwise_accuracy']:.3f}; TruthfulQA tune "
          f"balanced {base_paraphrase['balanced_accuracy']:.3f}, pairwise {base_paraphrase['pairwise_accuracy']:.3f}")
    floor = base_halueval["pairwise_accuracy"] - 1.0 / base_halueval["pairs"] - 1e-9
    results = []
    for threshold, slope, ceiling in itertools.product(THRESHOLDS, SLOPES, CEILINGS):
        meaning = {"threshold": threshold, "slope": slope, "ceiling": ceiling}
        h, p = run(meaning)
        if h["pairwise_accuracy"] >= floor:
            results.append((meaning, h, p))
    if not results:
        raise SystemExit("no meaning rule keeps HaluEval's tuning accuracy")
    top = max(p["balanced_accuracy"] for _m, _h, p in results)
    plateau = [r for r in results if r[2]["balanced_accuracy"] >= top - TOLERANCE]
    levels = sorted({r[0]["threshold"] for r in plateau})
    middle = levels[(len(levels) - 1) // 2]
    meaning, h, p = max((r for r in plateau if r[0]["threshold"] == middle), key=lambda r: r[2]["pairwise_accuracy"])
    for t in sorted({m["threshold"] for m, _h, _p in results})[::4]:
        _m, _h, q = max((r for r in results if r[0]["threshold"] == t), key=lambda r: r[2]["pairwise_accuracy"])
        print(f"  threshold {t:.2f}: TruthfulQA tune balanced {q['balanced_accuracy']:.3f} (supported "
              f"{q['supported_rate']:.3f}, rejected {q['rejected_rate']:.3f}), pairwise {q['pairwise_accuracy']:.3f}")
    print(f"meaning rule {meaning}: HaluEval tune pairwise {h['pairwise_accuracy']:.3f}; TruthfulQA tune balanced "
          f"{p['balanced_accuracy']:.3f} (supported {p['supported_rate']:.3f}, rejected {p['rejected_rate']:.3f}), "
          f"pairwise {p['pairwise_accuracy']:.3f}")
    raw = {
        "lexical": lexical,
        "meaning": meaning,
        "trained_on": {
            "lexical": {"data": Path(args.data).name, "part": "tune", "pairs": len(tune)},
            "meaning": {"data": Path(args.truthfulqa).name, "part": "tune", "questions": len(paraphrase_tune),
                        "guarded_by": "HaluEval tune pairwise accuracy"},
            "split_seed": data.SEED,
            "tuning": {"halueval_pairwise": round(h["pairwise_accuracy"], 4),
                       "truthfulqa_balanced": round(p["balanced_accuracy"], 4),
                       "truthfulqa_pairwise": round(p["pairwise_accuracy"], 4)},
        },
    }
    return raw



CEILING = 0.99
# A flag says "more likely unfaithful than not". The shared rule (the lowest calibrated risk whose
# flagged rows are >= 80 % unfaithful) counts every row above the cut, so very precise rows at the
# top can carry a cut down to outputs the calibrator itself scores at 0.14 (it did for a candidate
# output model tried in 2026-12: flag at 0.143, which flagged 56 % of AggreFact's held-out faithful
# summaries and cut its held-out balanced accuracy from 0.717 to 0.633). The cut is chosen among
# risks >= FLAG_FLOOR; for the shipped model it changes nothing (still 0.711).
FLAG_FLOOR = 0.5


def flag_threshold(calibrated: list[float], labels: list[int], *, floor: float = FLAG_FLOOR) -> Thresholds:
    """The shared flag rule (``choose_thresholds``) restricted to calibrated risks of at least ``floor``.

    Rows below ``floor`` are never flagged, so they take no part in the choice; the cut's
    precision is measured over the rows at or above it, as the shared rule measures it.
    """
    kept = [(c, y) for c, y in zip(calibrated, labels, strict=True) if c >= floor]
    if not kept:
        return Thresholds(1.01, 1.01, 1.0, 1.0, 0, 0)
    return choose_thresholds([c for c, _y in kept], [y for _c, y in kept])


def tuning_outputs(halueval_path: str, aggrefact_path: str) -> list[Judged]:
    """AggreFact's tuning documents and HaluEval's tuning half, as the analyzer sees them."""
    halueval_tune, _ = data.split(data.load_halueval(halueval_path))
    aggrefact_tune, _ = data.split_summaries(data.load_summaries(aggrefact_path))
    return summary_outputs(aggrefact_tune) + halueval_outputs(halueval_tune)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", help="halueval_qa_dev.jsonl")
    parser.add_argument("--aggrefact", required=True, help="aggrefact_cliff_goyal21_val.jsonl (output model)")
    parser.add_argument("--truthfulqa", required=True,
                        help="TruthfulQA.csv (tunes the meaning rule, and with the others the contradiction calibrator)")
    parser.add_argument("--claims", action="store_true",
                        help="retrain the claim-level lexical weights and meaning rule too (slow)")
    parser.add_argument("--out", default=str(WEIGHTS_PATH))
    args = parser.parse_args()

    if args.claims:
        raw = train_claim_model(args)
    else:
        raw = json.loads(Path(args.out).read_text())
    raw.pop("output", None)
    Path(args.out).write_text(json.dumps(raw, indent=2) + "\n")  # the claim model the features below use
    analyzer.reset_grounding_model()

    items = tuning_outputs(args.data, args.aggrefact)
    featured = [(f, item.unfaithful) for f, item in zip(output_features_of(items), items, strict=True) if f]
    features, labels = [f for f, _y in featured], [y for _f, y in featured]
    raw["output"] = fit_output_model(features, labels)
    model = OutputModel.from_dict(raw["output"])
    raw_scores = [model(f) for f in features]
    # A few hundred rows cannot promise certainty: no calibrated probability above CEILING, and a
    # threshold must reach its precision by the lower confidence bound (63 of 63 right is not yet
    # "0.98 sure": held-out summaries blocked at that point were right 87 % of the time).
    # "Worth a look" (flag) needs no such bound.
    fitted, _shared = fit_calibrator(raw_scores, labels, ceiling=CEILING)
    flag_t = flag_threshold([fitted(r) for r in raw_scores], labels)
    _same, block_t = fit_calibrator(raw_scores, labels, ceiling=CEILING, use_bound=True)
    grounding = Calibrator(fitted.xs, fitted.ys, min(flag_t.flag_at, block_t.block_at), block_t.block_at)
    grounding_t = Thresholds(flag_t.flag_at, block_t.block_at, flag_t.flag_precision, block_t.block_precision,
                             flag_t.flag_support, block_t.block_support)
    # Contradictions are rare in summaries and QA answers (a handful of tuning rows); TruthfulQA's
    # tuning half, where wrong answers often deny or replace the source's fact, adds ~300.
    paraphrase_tune, _ = data.split(data.truthfulqa_paraphrases(args.truthfulqa))
    statements = [Judged(i.question, [i.source], a, label) for i in paraphrase_tune
                  for label, answers in ((0, i.supported), (1, i.unsupported)) for a in answers]
    more = [(f, j.unfaithful) for f, j in zip(output_features_of(statements), statements, strict=True) if f]
    contradicted = [f["contradicted"] for f in features] + [f["contradicted"] for f, _y in more]
    contradiction, _t = fit_calibrator(contradicted, labels + [y for _f, y in more], min_support=1, ceiling=CEILING)
    raw["trained_on"]["output"] = {"data": [Path(args.aggrefact).name, Path(args.data).name], "part": "tune",
                                   "rows": len(labels), "split": "AggreFact by sha256(doc_id); HaluEval seeded"}
    Path(args.out).write_text(json.dumps(raw, indent=2) + "\n")
    save_calibrators(CALIBRATION_PATH, {"grounding": grounding, "contradiction": contradiction}, meta={
        "fitted_on": raw["trained_on"]["output"],
        "grounding_thresholds": {"flag_precision": round(grounding_t.flag_precision, 4),
                                 "flag_rows": grounding_t.flag_support,
                                 "block_precision": round(grounding_t.block_precision, 4),
                                 "block_rows": grounding_t.block_support},
        "contradicted_rows": int(sum(contradicted)),
        "contradiction_fitted_on": "the same tuning rows and TruthfulQA's tuning half",
    })
    print(f"output model on {len(labels)} tuning outputs: {dict(zip(OUTPUT_FEATURES, raw['output']['weights'], strict=True))} "
          f"bias {raw['output']['bias']}")
    print(f"grounding calibrator: flag at {grounding.flag_at:.3f} (precision {grounding_t.flag_precision:.3f}, "
          f"{grounding_t.flag_support} rows), block at {grounding.block_at:.3f} (precision "
          f"{grounding_t.block_precision:.3f}, {grounding_t.block_support} rows)")
    print(f"contradiction: {int(sum(contradicted))} tuning outputs contradicted, P(unfaithful) = {contradiction(1.0):.3f}")
    print(f"wrote {args.out} and {CALIBRATION_PATH}")


if __name__ == "__main__":
    main()
