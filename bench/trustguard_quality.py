"""trustguard quality and latency on HaluEval QA (and optionally TruthfulQA).

Usage (from the repository root):
    .venv/bin/python bench/trustguard_quality.py /work/shared/data/hallucination/halueval_qa_dev.jsonl \
        [--truthfulqa /work/shared/data/hallucination/TruthfulQA.csv] [--json OUT]

HaluEval: each row gives knowledge, question, a right and a hallucinated answer. trustguard
gets ``text`` = question, ``sources`` = [knowledge], ``output_text`` = answer. Reported on the
half not tuned on (``trustguard_data.split``; the grounding model was trained on the other):
- pairwise accuracy: trust(right) > trust(hallucinated) (a tie counts as a miss);
- per-answer accuracy, precision/recall/F1/FPR for "hallucinated" (trust below a threshold
  chosen on the tuning half);
- the peer baseline from QUALITY-GOALS.md (content-word overlap with the knowledge) beside it;
- latency p50/p99 per call on one thread, and per KB on ~1 KB outputs built from several rows.

Paraphrases (``--truthfulqa``), on the halves not tuned on:
- TruthfulQA: ``sources`` = one correct answer (``trustguard_data.truthfulqa_paraphrases``),
  ``output_text`` = another correct answer (should be supported) or an incorrect one (should
  not); pairwise accuracy over every (correct, incorrect) pair of a question by trust score,
  and per-answer accuracy with the default settings (supported = no unsupported claim);
- HaluEval statements: the right and the hallucinated answer put back into the question as
  sentences (the knowledge words it differently), same figures;
- latency on ~1 KB outputs made of TruthfulQA correct answers, where most claims are
  paraphrases to compare by meaning (the costly case).
Each with the meaning path on and off (``use_embeddings``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("EMBEDDING_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from trustguard_data import (  # noqa: E402
    ParaphraseItem,
    as_statement,
    load_halueval,
    split,
    truthfulqa_paraphrases,
)
from trustguard_summaries import summaries  # noqa: E402

from guards.analyzers.base import AnalyzerContext  # noqa: E402
from guards.analyzers.trustguard import TrustGuard  # noqa: E402
from guards.analyzers.trustguard.analyzer import grounding_model  # noqa: E402
from guards.analyzers.trustguard.claims import split_claims  # noqa: E402
from guards.analyzers.trustguard.grounding import (  # noqa: E402
    VECTOR_CACHE,
    build_evidence,
    calibrator,
    claim_features,
    claims_to_embed,
)
from guards.analyzers.trustguard.text import content_stems  # noqa: E402

PLOT = ROOT / "bench" / "plots" / "trustguard-reliability.png"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Runner:
    def __init__(self, **overrides) -> None:
        self.guard = TrustGuard()
        self.guard.warm_up()
        self.settings = self.guard.settings_schema.effective(overrides)
        self.latencies: list[float] = []
        self.cpu: list[float] = []
        self.ms_per_kb: list[float] = []
        self.outcomes: list[tuple[float, str]] = []  # (calibrated risk, decision) per call of ``trust``

    def run(self, payload: dict) -> tuple[dict, float, float]:
        """Analyse with a cold embedding cache (requests rarely repeat); wall and CPU ms."""
        VECTOR_CACHE.clear()
        started, cpu_started = time.perf_counter(), time.process_time()
        result = self.guard.analyze(payload, self.settings, AnalyzerContext())
        return result.data, (time.perf_counter() - started) * 1000, (time.process_time() - cpu_started) * 1000

    def trust(self, question: str, answer: str, sources: list[str]) -> float:
        """The score pairs are ranked by (``rank_score``)."""
        payload = {"text": question, "output_text": answer, "sources": sources}
        VECTOR_CACHE.clear()
        started, cpu_started = time.perf_counter(), time.process_time()
        result = self.guard.analyze(payload, self.settings, AnalyzerContext())
        wall, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu_started) * 1000
        self.latencies.append(wall)
        self.cpu.append(cpu)
        self.ms_per_kb.append(wall / (len(json.dumps(payload).encode()) / 1024))
        self.outcomes.append((result.score, result.decision))
        return rank_score(result.data)

    def clear(self) -> None:
        for timings in (self.latencies, self.cpu, self.ms_per_kb, self.outcomes):
            timings.clear()


def rank_score(data: dict) -> float:
    """What pairs are ranked by: 1 - the output model's uncalibrated risk, ties broken by the grounding score.

    The calibrated risk orders outputs the same way but its isotonic steps tie many of them,
    and the uncalibrated risk ties every output whose claims are all supported (a tie counts
    as a miss): among those, the better-supported one ranks higher. Both are in the response.
    """
    raw, grounding = data["raw_risk"], data["grounding_score"]
    if raw is None:
        return data["trust_score"]
    return 1.0 - raw + 1e-6 * (grounding or 0.0)


def overlap_baseline(question: str, answer: str, sources: list[str]) -> float:
    """The peer: share of the answer's content words found in the knowledge."""
    words = content_stems(answer)
    return len(words & content_stems(" ".join(sources))) / len(words) if words else 1.0


def score_pairs(rows, score) -> list[tuple[float, float]]:
    return [
        (score(r["question"], r["right_answer"], [r["knowledge"]]),
         score(r["question"], r["hallucinated_answer"], [r["knowledge"]]))
        for r in rows
    ]


def pairwise(pairs) -> dict[str, float]:
    wins = sum(a > b for a, b in pairs)
    ties = sum(a == b for a, b in pairs)
    return {"pairwise_accuracy": wins / len(pairs), "ties": ties, "pairs": len(pairs)}


def best_threshold(pairs) -> float:
    """Trust threshold maximising per-answer accuracy (hallucinated = trust below it)."""
    values = sorted({v for p in pairs for v in p})
    cuts = [(a + b) / 2 for a, b in itertools.pairwise(values)] or values
    return max(cuts, key=lambda t: (sum(a >= t for a, _ in pairs) + sum(b < t for _, b in pairs), -abs(t - 0.5)))


def classify(pairs, threshold: float) -> dict[str, float]:
    tp = sum(b < threshold for _, b in pairs)  # hallucinated caught
    fn = len(pairs) - tp
    fp = sum(a < threshold for a, _ in pairs)  # right answer flagged
    tn = len(pairs) - fp
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"threshold": round(threshold, 4), "accuracy": (tp + tn) / (2 * len(pairs)), "precision": precision,
            "recall": recall, "f1": f1, "fpr": fp / (fp + tn) if fp + tn else 0.0}


def one_kb_latency(rows, runner: Runner, *, right_only: bool) -> dict[str, float]:
    """Outputs of ~1 KB: consecutive rows' answers joined, their knowledge as the sources.

    With ``right_only`` the answers are bare noun phrases, so a 1 KB output holds ~60 claims
    checked against ~25 KB of sources: the worst case per KB of output.
    """
    timings, cpu_timings, request_timings = [], [], []
    i = 0
    while i < len(rows):
        answers, sources = [], []
        while i < len(rows) and len(" ".join(answers).encode()) < 1024:
            if not right_only:
                answers.append(rows[i]["hallucinated_answer"].strip())
            answers.append(rows[i]["right_answer"].strip() + ".")
            sources.append(rows[i]["knowledge"])
            i += 1
        output = " ".join(answers)[:1024]
        payload = {"text": "Answer the questions.", "output_text": output, "sources": sources}
        _data, wall, cpu = runner.run(payload)
        kb = len(output.encode()) / 1024
        timings.append(wall / kb)
        cpu_timings.append(cpu / kb)
        request_timings.append(cpu / (len(json.dumps(payload).encode()) / 1024))
    return {"outputs": len(timings), "p50_ms_per_kb_output": percentile(timings, 0.5),
            "p99_ms_per_kb_output": percentile(timings, 0.99),
            "p50_cpu_ms_per_kb_output": percentile(cpu_timings, 0.5),
            "p99_cpu_ms_per_kb_output": percentile(cpu_timings, 0.99),
            "p50_cpu_ms_per_kb_request": percentile(request_timings, 0.5)}


def paraphrase_task(groups: list[tuple[str, list[str], list[tuple[int, str]]]], runner: Runner) -> dict[str, float]:
    """Pairwise accuracy by trust score and per-answer accuracy with the runner's settings.

    ``groups``: (prompt, sources, [(label, answer)]); label 1 = should be supported.
    """
    won = ties = pairs = 0
    right = {0: 0, 1: 0}
    total = {0: 0, 1: 0}
    for prompt, sources, answers in groups:
        scored = []
        for label, answer in answers:
            data, _wall, _cpu = runner.run({"text": prompt, "output_text": answer, "sources": sources})
            scored.append((label, rank_score(data)))
            right[label] += (not data["unsupported_claims"]) == bool(label)
            total[label] += 1
        for la, a in scored:
            for lb, b in scored:
                if la == 1 and lb == 0:
                    pairs += 1
                    won += a > b
                    ties += a == b
    supported, rejected = right[1] / max(1, total[1]), right[0] / max(1, total[0])
    return {"pairwise_accuracy": won / max(1, pairs), "ties": ties, "pairs": pairs,
            "answers": total[0] + total[1], "answer_accuracy": (right[0] + right[1]) / max(1, total[0] + total[1]),
            "balanced_accuracy": (supported + rejected) / 2, "supported_rate": supported, "rejected_rate": rejected}


def truthfulqa_groups(items: list[ParaphraseItem]):
    return [(i.question, [i.source], [(1, a) for a in i.supported] + [(0, a) for a in i.unsupported]) for i in items]


def statement_groups(rows):
    out = []
    for r in rows:
        right, wrong = as_statement(r["question"], r["right_answer"]), as_statement(r["question"], r["hallucinated_answer"])
        if right and wrong:
            out.append((r["question"], [r["knowledge"]], [(1, right), (0, wrong)]))
    return out


def paraphrase_latency(items: list[ParaphraseItem], runner: Runner, *, candidates_only: bool) -> dict[str, float]:
    """~1 KB outputs of correct answers (mostly paraphrases of their sources) and their CPU time per KB.

    With ``candidates_only`` only the answers whose every claim is a candidate for meaning
    (no changed name, figure or polarity, lexically unsupported, sharing words with the
    source) are used: the worst case, where the meaning path runs for every claim up to the cap.
    """
    pool = []
    for item in items:
        for answer in item.supported:
            text = answer.rstrip(".") + "."
            if candidates_only and not _all_candidates(item, text):
                continue
            pool.append((text, item.source))
    wall_kb, cpu_kb, embedded = [], [], []
    i = 0
    while i < len(pool):
        answers, sources = [], []
        while i < len(pool) and len(" ".join(answers).encode()) < 1024:
            answers.append(pool[i][0])
            if pool[i][1] not in sources:
                sources.append(pool[i][1])
            i += 1
        output = " ".join(answers)[:1024]
        data, wall, cpu = runner.run({"text": "Answer the questions.", "output_text": output, "sources": sources})
        kb = len(output.encode()) / 1024
        wall_kb.append(wall / kb)
        cpu_kb.append(cpu / kb)
        embedded.append(sum(c.get("similarity") is not None for c in data["claims"]))
    return {"outputs": len(cpu_kb), "p50_ms_per_kb_output": percentile(wall_kb, 0.5),
            "p99_ms_per_kb_output": percentile(wall_kb, 0.99), "p50_cpu_ms_per_kb_output": percentile(cpu_kb, 0.5),
            "p99_cpu_ms_per_kb_output": percentile(cpu_kb, 0.99), "mean_claims_embedded": sum(embedded) / len(embedded)}


def _all_candidates(item: ParaphraseItem, answer: str) -> bool:
    model = grounding_model()
    evidence = build_evidence("Answer the questions.", [item.source])
    supports = [claim_features(c, evidence)[1] for c in split_claims(answer)]
    for s in supports:
        s.score = model.score(s)
    return bool(supports) and len(claims_to_embed(supports, model, len(supports))) == len(supports)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", help="halueval_qa_dev.jsonl")
    parser.add_argument("--truthfulqa", help="TruthfulQA.csv (optional)")
    parser.add_argument("--aggrefact", help="aggrefact_cliff_goyal21_val.jsonl (summary faithfulness, tune/report)")
    parser.add_argument("--faithbench", help="faithbench_dev.jsonl (non-commercial: measured only)")
    parser.add_argument("--plot", default=str(PLOT), help="reliability diagram PNG")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    halueval_reliability: tuple[list[float], list[int]] = ([], [])

    tune, report = split(load_halueval(args.data))
    out: dict[str, dict] = {}
    for label, overrides in (("trustguard", {}), ("trustguard_lexical_only", {"use_embeddings": False})):
        runner = Runner(**overrides)
        tune_pairs = score_pairs(tune, runner.trust)
        runner.clear()
        report_pairs = score_pairs(report, runner.trust)
        threshold = best_threshold(tune_pairs)
        # The shipped decision: hallucinated = anything but "allow" (outcomes alternate right, hallucinated).
        flagged = [1.0 if decision == "allow" else 0.0 for _risk, decision in runner.outcomes]
        if label == "trustguard":
            halueval_reliability = ([risk for risk, _d in runner.outcomes], [i % 2 for i in range(len(runner.outcomes))])
        out[label] = {
            "tune": pairwise(tune_pairs),
            "report": {**pairwise(report_pairs), **classify(report_pairs, threshold)},
            "report_at_default_decision": classify(list(zip(flagged[0::2], flagged[1::2], strict=True)), 0.5),
            "latency": {"p50_ms": percentile(runner.latencies, 0.5), "p99_ms": percentile(runner.latencies, 0.99),
                        "p50_cpu_ms": percentile(runner.cpu, 0.5), "p99_cpu_ms": percentile(runner.cpu, 0.99),
                        "p50_ms_per_kb_request": percentile(runner.ms_per_kb, 0.5),
                        "p99_ms_per_kb_request": percentile(runner.ms_per_kb, 0.99)},
        }
        if label == "trustguard":
            # Latency is not tuned, so every row serves to build the ~1 KB outputs.
            out[label]["latency_1kb_mixed"] = one_kb_latency(tune + report, runner, right_only=False)
            out[label]["latency_1kb_grounded"] = one_kb_latency(tune + report, runner, right_only=True)
        if args.truthfulqa:
            _items_tune, items_report = split(truthfulqa_paraphrases(args.truthfulqa))
            out[label]["paraphrase_truthfulqa"] = paraphrase_task(truthfulqa_groups(items_report), runner)
            out[label]["paraphrase_halueval_statements"] = paraphrase_task(statement_groups(report), runner)
            out[label]["latency_1kb_paraphrase"] = paraphrase_latency(items_report, runner, candidates_only=False)
            out[label]["latency_1kb_paraphrase_worst"] = paraphrase_latency(items_report, runner, candidates_only=True)
    base_tune, base_report = score_pairs(tune, overlap_baseline), score_pairs(report, overlap_baseline)
    out["peer_word_overlap"] = {"tune": pairwise(base_tune),
                                "report": {**pairwise(base_report), **classify(base_report, best_threshold(base_tune))}}

    rule = grounding_model().meaning
    print(f"meaning rule: {rule}" if rule else "no meaning rule: embeddings not computed")
    out["model"] = {"meaning": None if rule is None else {"threshold": rule.threshold, "slope": rule.slope,
                                                          "ceiling": rule.ceiling}}
    print(f"HaluEval QA, reported half ({len(report)} pairs; tuned on the other {len(tune)})")
    print(f"{'method':<26}{'pairwise':>9}{'ties':>6}{'acc@t':>7}{'P':>6}{'R':>6}{'F1':>6}{'FPR':>6}{'t':>7}")
    for label, figures in out.items():
        if "report" not in figures:
            continue
        r = figures["report"]
        print(f"{label:<26}{r['pairwise_accuracy']:>9.3f}{r['ties']:>6}{r['accuracy']:>7.3f}{r['precision']:>6.2f}"
              f"{r['recall']:>6.2f}{r['f1']:>6.2f}{r['fpr']:>6.2f}{r['threshold']:>7.3f}")
    d = out["trustguard"]["report_at_default_decision"]
    print("trustguard's shipped decision (hallucinated = flag or block): accuracy "
          f"{d['accuracy']:.3f}, P {d['precision']:.2f}, R {d['recall']:.2f}, F1 {d['f1']:.2f}, FPR {d['fpr']:.2f}")
    for label in ("trustguard", "trustguard_lexical_only"):
        lat = out[label]["latency"]
        line = (f"{label}: per call p50 {lat['p50_ms']:.2f} / p99 {lat['p99_ms']:.2f} ms wall, "
                f"p50 {lat['p50_cpu_ms']:.2f} / p99 {lat['p99_cpu_ms']:.2f} ms CPU; "
                f"p50 {lat['p50_ms_per_kb_request']:.2f} ms wall per KB of request")
        print(line)
    for key, what in (("latency_1kb_mixed", "right + hallucinated answers"),
                      ("latency_1kb_grounded", "right answers only, ~25 KB of sources")):
        lat = out["trustguard"][key]
        print(f"  ~1 KB outputs, {what} ({lat['outputs']}): per KB p50 {lat['p50_ms_per_kb_output']:.2f} / "
              f"p99 {lat['p99_ms_per_kb_output']:.2f} ms wall, p50 {lat['p50_cpu_ms_per_kb_output']:.2f} / "
              f"p99 {lat['p99_cpu_ms_per_kb_output']:.2f} ms CPU; p50 {lat['p50_cpu_ms_per_kb_request']:.2f} ms CPU "
              "per KB of request (output + sources)")
    if args.truthfulqa:
        print("Paraphrase tasks, reported halves (default settings; supported = no unsupported claim)")
        print(f"{'task':<34}{'method':<26}{'pairwise':>9}{'ties':>6}{'acc':>7}{'bal.acc':>8}"
              f"{'supp.':>7}{'rej.':>7}{'n':>6}")
        for task in ("paraphrase_truthfulqa", "paraphrase_halueval_statements"):
            for label in ("trustguard", "trustguard_lexical_only"):
                t = out[label][task]
                print(f"{task:<34}{label:<26}{t['pairwise_accuracy']:>9.3f}{t['ties']:>6}{t['answer_accuracy']:>7.3f}"
                      f"{t['balanced_accuracy']:>8.3f}{t['supported_rate']:>7.3f}{t['rejected_rate']:>7.3f}"
                      f"{t['answers']:>6}")
        for label, key in itertools.product(("trustguard", "trustguard_lexical_only"),
                                            ("latency_1kb_paraphrase", "latency_1kb_paraphrase_worst")):
            lat = out[label][key]
            what = "every claim a meaning candidate" if key.endswith("worst") else "correct answers"
            print(f"  {label}: ~1 KB outputs of {what} ({lat['outputs']}, {lat['mean_claims_embedded']:.1f} claims "
                  f"embedded on average): per KB p50 {lat['p50_ms_per_kb_output']:.2f} / p99 "
                  f"{lat['p99_ms_per_kb_output']:.2f} ms wall, p50 {lat['p50_cpu_ms_per_kb_output']:.2f} / p99 "
                  f"{lat['p99_cpu_ms_per_kb_output']:.2f} ms CPU")
    if halueval_reliability[0]:
        risks, labels = halueval_reliability
        blocked = [y for r, y in zip(risks, labels, strict=True) if r >= calibrator("grounding").block_at]
        out["trustguard"]["report_block_precision"] = {"blocked": len(blocked),
                                                       "precision": sum(blocked) / max(1, len(blocked))}
        print(f"HaluEval report: {len(blocked)} answers blocked, precision {sum(blocked) / max(1, len(blocked)):.3f}")
    if args.aggrefact:
        out["summaries"] = summaries(args.aggrefact, args.faithbench, Path(args.plot), tune, halueval_reliability)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
