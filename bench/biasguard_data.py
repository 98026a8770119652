"""Loading the biasguard benchmark data and the fixed tuning/reported split.

The training scripts and the quality benchmark both import this, so the part tuned on
is never the part reported on. Nothing here is copied into the repository: every
function reads from the paths given on the command line.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

SEED = 20261122
CROWS_TO_CATEGORY = {
    "race-color": "race_ethnicity", "gender": "gender", "socioeconomic": "socioeconomic",
    "nationality": "nationality", "religion": "religion", "age": "age",
    "sexual-orientation": "sexual_orientation", "disability": "disability",
    # physical-appearance has no biasguard category; its sentences still count as stereotypes.
    "physical-appearance": None,
}


@dataclass(frozen=True, slots=True)
class Labelled:
    text: str
    label: int
    group: str = ""  # Davidson class, CrowS bias type or control source


def split(items: list, *, seed: int = SEED, tune_share: float = 0.5) -> tuple[list, list]:
    """Deterministic (tune, report) parts of ``items``."""
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    cut = int(len(items) * tune_share)
    return [items[i] for i in order[:cut]], [items[i] for i in order[cut:]]


HASH_SALT = "aiguardian-biasguard-v2"
# Share of positives each calibrator sees (positives subsampled to it, see ``at_base_rate``):
# Davidson is 83 % offensive and CrowS-Pairs' sentences naming a group are half the rows
# that name one; in a gateway's traffic both are a minority. 10 % for offensive language;
# 20 % for stereotypes among sentences that name a group (text that names a group is more
# often about it). Chosen on the tuning halves: the lowest rates at which the Davidson and
# CrowS-Pairs F1 on tuning rows stay within 0.01 of their best.
OFFENSIVE_BASE_RATE = 0.10
STEREOTYPE_BASE_RATE = 0.20
_GENDERED = re.compile(r"\b(?:he|she|him|her|his|hers|himself|herself)\b", re.IGNORECASE)


def hash_split_of(key: str, *, reported_percent: int = 50) -> str:
    """``"reported"`` or ``"tune"`` by a salted hash of the normalised ``key``.

    By content, not row order: the same sentence always lands on the same side, and a
    file that grows keeps every old row where it was.
    """
    norm = re.sub(r"\s+", " ", key.strip().lower())
    bucket = int(hashlib.sha256(f"{HASH_SALT}:{norm}".encode()).hexdigest()[:8], 16) % 100
    return "reported" if bucket < reported_percent else "tune"


def hash_split(items: list[Labelled], key=None) -> tuple[list[Labelled], list[Labelled]]:
    """(tune, reported) halves of ``items`` by :func:`hash_split_of` of ``key(item)`` (default: its text)."""
    tune, reported = [], []
    for item in items:
        (reported if hash_split_of(key(item) if key else item.text) == "reported" else tune).append(item)
    return tune, reported


def winobias_key(item: Labelled) -> str:
    """WinoBias pairs differ only in the pronoun: both spellings must land on the same side."""
    return _GENDERED.sub("_", item.text)


def load_winobias(path: str | Path) -> list[Labelled]:
    """WinoBias sentences (all neutral: particular people in occupations, gendered pronouns); label 0."""
    with open(path, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [Labelled(r["text"], 0, f"{r['stereotype']}_type{r['wino_type']}") for r in rows]


def load_prompts(path: str | Path) -> list[Labelled]:
    """Ordinary user prompts (instruction, plus its input when there is one); label 0."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                text = "\n".join(part for part in (row["instruction"], row.get("input") or "") if part.strip())
                out.append(Labelled(text, 0, row.get("dataset", "")))
    return out


def load_davidson(path: str | Path) -> list[Labelled]:
    """Tweets labelled 1 for hate (class 0) or offensive (class 1), 0 for neither (class 2)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return [Labelled(row["tweet"], int(row["class"] != "2"), row["class"]) for row in csv.DictReader(fh)]


def load_crows(path: str | Path) -> list[Labelled]:
    """CrowS-Pairs ``sent_more`` sentences of the *stereo* pairs (the stereotype statements)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return [Labelled(row["sent_more"], 1, row["bias_type"]) for row in csv.DictReader(fh)
                if row["stereo_antistereo"] == "stereo"]


def default_controls(crows_path: str | Path) -> list[Path]:
    root = Path(crows_path).resolve().parent.parent
    return [root / "topic_drift" / "tiage_anno_train.json", root / "hallucination" / "TruthfulQA.csv",
            root / "hallucination" / "halueval_qa_dev.jsonl"]


def _detokenise(text: str) -> str:
    text = re.sub(r"\s+([,.!?;:%)])", r"\1", text)
    text = re.sub(r"\s+(n't|'s|'m|'re|'ve|'ll|'d)\b", r"\1", text)
    return text[:1].upper() + text[1:]


def _sentences(passage: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])(?=[A-Z])|(?<=[.!?])\s+", passage) if s.strip()]


def load_controls(paths: list[Path], *, per_source: int = 1500, seed: int = SEED) -> list[Labelled]:
    """Ordinary sentences (label 0): PersonaChat turns, TruthfulQA questions and answers,
    HaluEval's Wikipedia knowledge; 5+ words, deduplicated. Every sentence that names a
    group or identity is kept (they are the hard cases: neutral text about people), plus at
    most ``per_source`` others from each file."""
    from guards.analyzers.biasguard.groups import get_groups

    identity = get_groups().identity_re
    out: list[Labelled] = []
    for path in paths:
        texts: list[str] = []
        if path.suffix == ".json":
            for turns in json.loads(path.read_text(encoding="utf-8")).values():
                texts += [_detokenise(turn[0]) for turn in turns]
        elif path.suffix == ".csv":
            with open(path, encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    texts += [row["Question"], row["Best Answer"]]
        elif path.suffix == ".jsonl":
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        texts += _sentences(json.loads(line)["knowledge"])
        texts = sorted({t for t in texts if len(t.split()) >= 5})
        random.Random(seed).shuffle(texts)
        named = [t for t in texts if identity.search(t)]
        others = [t for t in texts if not identity.search(t)][:per_source]
        out += [Labelled(t, 0, path.stem) for t in named + others]
    return out


def metrics(labels: list[int], predicted: list[bool]) -> dict[str, float]:
    tp = sum(1 for y, p in zip(labels, predicted, strict=True) if y and p)
    fp = sum(1 for y, p in zip(labels, predicted, strict=True) if not y and p)
    fn = sum(1 for y, p in zip(labels, predicted, strict=True) if y and not p)
    tn = len(labels) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"n": len(labels), "positives": tp + fn, "precision": precision, "recall": recall, "f1": f1,
            "fpr": fp / (fp + tn) if fp + tn else 0.0, "accuracy": (tp + tn) / len(labels) if labels else 0.0}


def best_threshold(labels: list[int], scores: list[float], *, max_fpr: float = 1.0) -> float:
    """The score threshold with the best F1 (subject to ``max_fpr``) on these rows."""
    best, best_f1 = 0.5, -1.0
    for threshold in sorted(set(round(s, 4) for s in scores)):
        m = metrics(labels, [s >= threshold for s in scores])
        if m["fpr"] <= max_fpr and m["f1"] > best_f1:
            best, best_f1 = threshold, m["f1"]
    return best


def at_base_rate(labels: list[int], rate: float, *, seed: int = SEED) -> list[int]:
    """Indices of every negative and a fixed random share of the positives, so positives are ``rate`` of the result.

    Davidson is 83 % offensive; a gateway's traffic is not. Calibrating (and measuring
    calibration) at a stated base rate keeps "probability 0.3" meaning the same on both.
    """
    positives = [i for i, y in enumerate(labels) if y]
    negatives = [i for i, y in enumerate(labels) if not y]
    wanted = min(len(positives), round(rate / (1 - rate) * len(negatives)))
    return sorted(negatives + random.Random(seed).sample(positives, wanted))
