"""TIAGE topic-shift conversations for the contextguard benchmark and training scripts.

Each file maps a dialogue id to ``[[text, label], ...]`` with label ``"1"`` (a new topic
starts at this turn), ``"0"`` (same topic) or ``"-1"`` (first turn, not scored).
"""

from __future__ import annotations

import json
from pathlib import Path

TRAIN_FILE = "tiage_anno_train.json"
DEV_FILE = "tiage_anno_dev.json"


def load_dialogues(path: Path) -> list[list[tuple[str, int]]]:
    """Dialogues in file order (sorted by numeric id, so every run sees the same order)."""
    raw = json.loads(path.read_text())
    return [[(str(text), int(label)) for text, label in raw[key]]
            for key in sorted(raw, key=lambda k: (len(k), k))]


def monologues(dialogues: list[list[tuple[str, int]]]) -> list[list[tuple[str, int]]]:
    """Each speaker's side of each dialogue on its own, as a client that sends only user turns.

    A turn is a shift when the topic changed since that speaker's previous turn: at the
    other speaker's turn in between or at this one (labels are derived, never re-annotated).
    """
    out = []
    for dialogue in dialogues:
        for side in (0, 1):
            turns, pending = [], 0
            for i, (text, label) in enumerate(dialogue):
                if i % 2 != side:
                    pending = max(pending, label)
                    continue
                turns.append((text, -1 if not turns else max(pending, label)))
                pending = 0
            if len(turns) > 1:
                out.append(turns)
    return out


def split_paths(data_dir: Path) -> tuple[Path, Path]:
    """(tuning file, reported file): TIAGE's own train and dev splits."""
    return data_dir / TRAIN_FILE, data_dir / DEV_FILE


def prf(pred: list[bool], gold: list[bool]) -> dict[str, float]:
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    tn = len(gold) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "fpr": fp / (fp + tn) if fp + tn else 0.0,
            "tp": tp, "fp": fp, "fn": fn, "tn": tn}


def best_threshold(scores: list[float], gold: list[bool]) -> tuple[float, float]:
    """(threshold, F1) maximising F1 of ``score >= threshold`` over the observed scores."""
    positives = sum(gold)
    ranked = sorted(zip(scores, gold, strict=True), key=lambda p: -p[0])
    best = (1.0, 0.0)
    tp = fp = 0
    for i, (score, is_shift) in enumerate(ranked):
        tp += is_shift
        fp += not is_shift
        if i + 1 < len(ranked) and ranked[i + 1][0] == score:
            continue  # a threshold cannot split equal scores
        f1 = 2 * tp / (tp + fp + positives) if positives else 0.0
        if f1 > best[1]:
            best = (score, f1)
    return best


def precision_threshold(scores: list[float], gold: list[bool], min_precision: float) -> float | None:
    """The lowest threshold whose precision is at least ``min_precision`` (most recall), or None."""
    ranked = sorted(zip(scores, gold, strict=True), key=lambda p: -p[0])
    best = None
    tp = fp = 0
    for i, (score, is_shift) in enumerate(ranked):
        tp += is_shift
        fp += not is_shift
        if i + 1 < len(ranked) and ranked[i + 1][0] == score:
            continue
        if tp >= 20 and tp / (tp + fp) >= min_precision:
            best = score
    return best
