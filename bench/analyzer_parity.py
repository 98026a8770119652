"""Do two versions of the analyzers answer the same on real text? (Refactors that must not change behaviour.)

Runs every guard on public texts from the shared data folder (instructions and answers,
CrowS-Pairs sentences, tweets, injection prompts, synthetic PII, HaluEval and AggreFact
for trustguard) with the analyzer code found under ``--root``, and writes each result
(timings dropped) as a JSON line. ``--compare A B`` counts the results that differ.
Measurement only: nothing here is trained or shipped.

    git archive <rev> guards | tar -x -C /tmp/old
    .venv/bin/python bench/analyzer_parity.py /work/shared/data --root /tmp/old --out /tmp/old.jsonl
    .venv/bin/python bench/analyzer_parity.py /work/shared/data --root . --out /tmp/new.jsonl
    .venv/bin/python bench/analyzer_parity.py --compare /tmp/old.jsonl /tmp/new.jsonl

``--guards securityguard --wide`` runs securityguard instead on every row of the injection,
benign-prompt and secrets sets, PII texts and 1 KB slices of prose and of the project's code,
at both scan levels, both directions and both content types (for speed refactors of that guard).
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import random
import sys
from pathlib import Path
from typing import Any

GUARDS = ("tokenguard", "trustguard", "contextguard", "biasguard", "securityguard", "healthguard")


def _texts(data: Path, per_set: int, rng: random.Random) -> tuple[list[str], list[dict[str, Any]]]:
    """Plain texts for five guards and output/source payloads for trustguard."""
    def jsonl(name: str) -> list[dict[str, Any]]:
        rows = [json.loads(line) for line in (data / name).open(encoding="utf-8")]
        rng.shuffle(rows)
        return rows

    def column(name: str, col: str) -> list[str]:
        with (data / name).open(newline="", encoding="utf-8") as fh:
            rows = [row[col] for row in csv.DictReader(fh)]
        rng.shuffle(rows)
        return rows[:per_set]

    alpaca = jsonl("benign_prompts/alpaca_style_instructions_dev.jsonl")[: 2 * per_set]
    texts = [r["instruction"] + ("\n" + r["input"] if r["input"] else "") for r in alpaca[:per_set]]
    texts += [r["output"] for r in alpaca[per_set:]]
    texts += column("bias/crows_pairs_anonymized.csv", "sent_more")
    texts += column("toxicity/davidson_dev.csv", "tweet")
    texts += column("prompt_injection/deepset_prompt_injections_train.csv", "text")
    pii = json.loads((data / "pii/presidio_synth_dev.json").read_text(encoding="utf-8"))
    rng.shuffle(pii)
    texts += [r["full_text"] for r in pii[:per_set]]
    qa = jsonl("hallucination/halueval_qa_dev.jsonl")[:per_set]
    summaries = jsonl("hallucination/aggrefact_cliff_goyal21_val.jsonl")[: per_set * 2 // 3]
    grounded = [{"output_text": r["hallucinated_answer"], "sources": [r["knowledge"]], "text": r["question"]}
                for r in qa]
    grounded += [{"output_text": r["right_answer"], "sources": [r["knowledge"]], "text": r["question"]}
                 for r in qa[: per_set // 2]]
    grounded += [{"output_text": r.get("summary") or "", "sources": [r["source_document"]]} for r in summaries]
    grounded += [{"output_text": a, "sources": [b]} for a, b in zip(texts[:per_set], texts[per_set:], strict=False)]
    return texts, grounded


def _securityguard_wide(data: Path) -> list[dict[str, Any]]:
    """Every row of the sets securityguard is measured on, in several payload shapes."""
    def jsonl(name: str) -> list[dict[str, Any]]:
        return [json.loads(line) for line in (data / name).open(encoding="utf-8")]

    def column(name: str, col: str) -> list[str]:
        with (data / name).open(newline="", encoding="utf-8") as fh:
            return [row[col] for row in csv.DictReader(fh)]

    injection = column("prompt_injection/deepset_prompt_injections_train.csv", "text")
    injection += column("prompt_injection/jackhhao_jailbreak_dataset_train_balanced.csv", "prompt")
    injection += [r["text"] for name in ("notinject_dev.jsonl", "wildguard_benign_dev.jsonl")
                  for r in jsonl("prompt_injection/" + name)]
    benign = [r["instruction"] + ("\n" + r["input"] if r.get("input") else "")
              for name in ("alpaca_style_instructions_dev.jsonl", "gsm8k_questions_dev.jsonl")
              for r in jsonl("benign_prompts/" + name)]
    benign += [r["output"] for r in jsonl("benign_prompts/alpaca_style_instructions_dev.jsonl")]
    secrets = [r["text"] for name in ("detect_secrets_plugin_tests.jsonl", "trufflehog_detector_cases.jsonl")
               for r in jsonl("secrets/" + name)]
    pii = [r["full_text"] for r in json.loads((data / "pii/presidio_synth_dev.json").read_text(encoding="utf-8"))]
    prose = " ".join(injection[:600])
    root = Path(__file__).resolve().parents[1]
    code = "\n".join(p.read_text(encoding="utf-8") for folder in ("accounts", "billing", "aiguardian")
                     for p in sorted((root / folder).rglob("*.py")))
    slices = [pool[i:i + 1024] for pool in (prose, code) for i in range(0, min(len(pool), 1024 * 300), 1024)]
    payloads = [{"text": t} for t in injection + benign + secrets + pii + slices]
    payloads += [{"text": t, "scan_level": "comprehensive"} for t in injection[:600] + secrets + pii + slices]
    payloads += [{"text": t, "direction": "output"} for t in injection[:600] + benign[:500]]
    payloads += [{"text": t, "content_type": "code"} for t in secrets + pii + slices]
    return payloads


def run(data: Path, root: Path, out: Path, per_set: int, guards: tuple[str, ...] = GUARDS,
        wide: bool = False) -> int:
    sys.path.insert(0, str(root.resolve()))
    from guards.analyzers.base import AnalyzerContext
    from guards.analyzers.contextguard.memory import LocalSessionMemory
    from guards.analyzers.registry import get_analyzer

    texts, grounded = _texts(data, per_set, random.Random(1))
    count = 0
    with out.open("w", encoding="utf-8") as fh:
        for guard in guards:
            analyzer = get_analyzer(guard)
            settings = analyzer.settings_schema.defaults()
            memory = LocalSessionMemory()
            if wide and guard == "securityguard":
                payloads = _securityguard_wide(data)
            elif guard == "trustguard":
                payloads = grounded
            elif guard == "tokenguard":
                payloads = [{"text": t, "optimize": True} for t in texts]
            elif guard == "healthguard":
                payloads = [{"text": t, "output_text": t[::-1]} for t in texts]
            else:
                payloads = [{"text": t} for t in texts]
            for i, payload in enumerate(payloads):
                if not (payload.get("text") or payload.get("output_text")):
                    continue
                context = AnalyzerContext(tenant_key="parity", session_id=f"s{i % 20}", memory=memory)
                try:
                    result = analyzer.analyze(payload, settings, context).to_dict()
                    result.pop("timings_ms", None)
                except Exception as exc:  # a crash is an answer too, and must match
                    result = {"error": repr(exc)}
                fh.write(json.dumps({"guard": guard, "i": i, "result": result}, sort_keys=True, default=str) + "\n")
                count += 1
    return count


def compare(a: Path, b: Path) -> dict[str, dict[str, int]]:
    total: collections.Counter[str] = collections.Counter()
    differ: collections.Counter[str] = collections.Counter()
    with a.open(encoding="utf-8") as fa, b.open(encoding="utf-8") as fb:
        for line_a, line_b in zip(fa, fb, strict=True):
            ra, rb = json.loads(line_a), json.loads(line_b)
            if (ra["guard"], ra["i"]) != (rb["guard"], rb["i"]):
                raise SystemExit("the two files do not hold the same runs")
            total[ra["guard"]] += 1
            differ[ra["guard"]] += ra["result"] != rb["result"]
    return {g: {"results": total[g], "different": differ[g]} for g in total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path, nargs="?", help="the shared data folder")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1],
                        help="folder holding the guards package to run")
    parser.add_argument("--out", type=Path, help="JSON lines written here")
    parser.add_argument("--per-set", type=int, default=150, help="texts taken from each data set")
    parser.add_argument("--guards", default=",".join(GUARDS), help="comma-separated guards to run")
    parser.add_argument("--wide", action="store_true",
                        help="securityguard on every row of its data sets, in several payload shapes")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"))
    args = parser.parse_args()
    if args.compare:
        figures = compare(*args.compare)
        for guard, row in figures.items():
            print(f"{guard:13s} {row['results']:6d} results, {row['different']:4d} different")
        sys.exit(1 if any(row["different"] for row in figures.values()) else 0)
    if not args.data_dir or not args.out:
        parser.error("data_dir and --out are needed to run the analyzers")
    guards = tuple(g for g in args.guards.split(",") if g)
    print(run(args.data_dir, args.root, args.out, args.per_set, guards, args.wide), "results written to", args.out)


if __name__ == "__main__":
    main()
