"""HaluEval QA loading and the fixed tuning/reported split shared by trustguard's bench scripts.

Both the training script and the quality benchmark import this, so the part tuned on is
never the part reported on.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SEED = 20261122


def load_halueval(path: str | Path) -> list[dict[str, str]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                rows.append({k: row[k] for k in ("knowledge", "question", "right_answer", "hallucinated_answer")})
    return rows


def split(rows: list[dict[str, str]], *, seed: int = SEED, tune_share: float = 0.5) -> tuple[list, list]:
    """Deterministic (tune, report) halves of ``rows``."""
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    cut = int(len(rows) * tune_share)
    return [rows[i] for i in order[:cut]], [rows[i] for i in order[cut:]]
