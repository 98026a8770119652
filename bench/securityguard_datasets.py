"""Loaders and the fixed tuning/reported split for the securityguard benchmarks.

The split is by a hash of the normalised text (not by row number), so it is
deterministic, needs no seed state, and duplicates always land on the same side.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REPORTED_PERCENT = 30  # share of each dataset held out for the reported figures
SPLIT_SALT = "aiguardian-securityguard-v1"

csv.field_size_limit(1 << 24)


def split_of(key: str) -> str:
    """``"reported"`` for about REPORTED_PERCENT % of keys, else ``"tune"``."""
    norm = re.sub(r"\s+", " ", key.strip().lower())
    bucket = int(hashlib.sha256(f"{SPLIT_SALT}:{norm}".encode()).hexdigest()[:8], 16) % 100
    return "reported" if bucket < REPORTED_PERCENT else "tune"


@dataclass(frozen=True, slots=True)
class InjectionRow:
    text: str
    label: int  # 1 injection/jailbreak, 0 benign
    source: str  # deepset | jackhhao
    split: str


def load_injection(data_dir: Path) -> list[InjectionRow]:
    """Both prompt-injection sets, de-duplicated on normalised text."""
    rows: list[InjectionRow] = []
    seen: set[str] = set()
    specs = (
        ("deepset", "deepset_prompt_injections_train.csv", "text", lambda r: int(r["label"])),
        ("jackhhao", "jackhhao_jailbreak_dataset_train_balanced.csv", "prompt",
         lambda r: int(r["type"] == "jailbreak")),
    )
    for source, name, column, label_of in specs:
        with (data_dir / name).open(newline="", encoding="utf-8") as fh:
            for rec in csv.DictReader(fh):
                text = rec[column]
                key = re.sub(r"\s+", " ", text.strip().lower())
                if not key or key in seen:
                    continue
                seen.add(key)
                rows.append(InjectionRow(text, label_of(rec), source, split_of(text)))
    return rows


@dataclass(frozen=True, slots=True)
class BenignRow:
    text: str
    source: str  # notinject | wildguard | gsm8k | alpaca
    split: str
    trainable: bool  # False for non-commercial data: measure only, never train or tune


# (source, file under the data folder, text field, may it be trained/tuned on)
BENIGN_SETS = (
    ("notinject", "prompt_injection/notinject_dev.jsonl", "text", True),  # MIT
    ("wildguard", "prompt_injection/wildguard_benign_dev.jsonl", "text", True),  # MIT / ODC-BY
    ("gsm8k", "benign_prompts/gsm8k_questions_dev.jsonl", "instruction", True),  # MIT
    ("alpaca", "benign_prompts/alpaca_style_instructions_dev.jsonl", "instruction", False),  # CC BY-NC: measure only
)


def load_benign(data_dir: Path, *, trainable_only: bool = False) -> list[BenignRow]:
    """The benign and benign-look-alike prompt sets (``data_dir`` is the shared data folder).

    Alpaca-style rows (non-commercial licence) are only ever in the ``reported`` split,
    so no script can tune on them by accident; ``trainable_only`` leaves them out.
    """
    rows: list[BenignRow] = []
    for source, name, field, trainable in BENIGN_SETS:
        if trainable_only and not trainable:
            continue
        with (data_dir / name).open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                text = rec[field]
                if rec.get("input"):
                    text = f"{text}\n{rec['input']}"
                rows.append(BenignRow(text, source, split_of(text) if trainable else "reported", trainable))
    return rows


@dataclass(frozen=True, slots=True)
class SecretRow:
    text: str
    label: int
    plugin: str
    split: str


def load_secrets(path: Path) -> list[SecretRow]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            text = rec["text"]
            out.append(SecretRow(text, int(rec["label"] == "secret"), rec["plugin_test"],
                                 split_of(f"{rec['plugin_test']}:{text}")))
    return out


@dataclass(frozen=True, slots=True)
class ProviderCaseRow:
    text: str
    label: int  # 1 when the provider's detector must report something
    detector: str  # trufflehog's package path, e.g. "github/v2"
    case_kind: str  # test_input | expected_secret_value | invalid_pattern_value
    expected: tuple[str, ...]
    split: str


def provider_of(detector: str) -> str:
    """The provider a trufflehog detector package covers: its versions ("github/v2") stay together."""
    return detector.split("/", 1)[0]


def load_provider_cases(path: Path) -> list[ProviderCaseRow]:
    """trufflehog's detector test cases, split by PROVIDER: the reported part holds providers never tuned on."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            out.append(ProviderCaseRow(rec["text"], int(rec["label"] == "secret"), rec["detector"], rec["case_kind"],
                                       tuple(rec.get("expected_secrets") or ()),
                                       split_of(f"trufflehog-provider:{provider_of(rec['detector'])}")))
    return out


@dataclass(frozen=True, slots=True)
class PiiRow:
    text: str
    spans: list[tuple[str, int, int]]
    split: str


def load_pii(path: Path) -> list[PiiRow]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [
        PiiRow(r["full_text"], [(s["entity_type"], s["start_position"], s["end_position"]) for s in r["spans"]],
               split_of(r["full_text"]))
        for r in rows
    ]


def floor4(value: float) -> float:
    """``value`` rounded down to 4 decimals: a stored threshold must not exclude the score it was chosen at."""
    return math.floor(value * 10_000) / 10_000


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def prf(tp: int, fp: int, fn: int, tn: int = 0) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    fpr = fp / (fp + tn) if fp + tn else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "fpr": fpr,
            "tp": tp, "fp": fp, "fn": fn, "tn": tn}
