"""Data loading and the fixed tuning/reported splits shared by trustguard's bench scripts.

The training script and the quality benchmark both import this, so the part tuned on is
never the part reported on. Two tasks:

- HaluEval QA: knowledge, question, a right and a hallucinated answer (``load_halueval``),
  and the same answers put back into their question as full sentences (``as_statement``):
  the knowledge says the same thing in other words, so the right statement is a paraphrase;
- TruthfulQA paraphrases (``truthfulqa_paraphrases``): one correct answer is the source,
  another correct answer must be supported by it, an incorrect answer must not.
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


def load_halueval(path: str | Path) -> list[dict[str, str]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                rows.append({k: row[k] for k in ("knowledge", "question", "right_answer", "hallucinated_answer")})
    return rows


def split(rows: list, *, seed: int = SEED, tune_share: float = 0.5) -> tuple[list, list]:
    """Deterministic (tune, report) halves of ``rows``."""
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    cut = int(len(rows) * tune_share)
    return [rows[i] for i in order[:cut]], [rows[i] for i in order[cut:]]


_WH_RE = re.compile(r"\b(?:(?:what|which)(?:\s+\w+)?|who|whom|when|where)\b", re.IGNORECASE)
_SHORT_ANSWER_WORDS = 5


def as_statement(question: str, answer: str) -> str | None:
    """The question with its wh-phrase replaced by a short answer; None when it does not fit.

    "... has a head office in what city?" + "Delhi" -> "... has a head office in Delhi."
    """
    answer = answer.strip().rstrip(".")
    if len(answer.split()) > _SHORT_ANSWER_WORDS or not _WH_RE.search(question):
        return None
    return _WH_RE.sub(lambda _m: answer, question.strip().rstrip("?"), count=1).strip() + "."


@dataclass(frozen=True, slots=True)
class ParaphraseItem:
    """One TruthfulQA question: a correct answer as the source, answers to judge against it."""

    question: str
    source: str
    supported: tuple[str, ...]  # other correct answers: paraphrases (or consequences) of the source
    unsupported: tuple[str, ...]  # incorrect answers


# Correct answers that decline rather than state ("I have no comment") are not claims.
_NON_ANSWERS = re.compile(r"^(?:i have no comment|i don'?t know|there is no answer|no comment)\.?$", re.IGNORECASE)


def _answers(cell: str) -> list[str]:
    out = []
    for part in cell.split(";"):
        part = part.strip()
        if part and not _NON_ANSWERS.match(part) and part not in out:
            out.append(part)
    return out


def truthfulqa_paraphrases(path: str | Path) -> list[ParaphraseItem]:
    """Questions with at least two correct answers and one incorrect one, in file order.

    The source is the best answer (the fullest correct statement) when it is a real answer,
    else the first correct one; every other correct answer should be supported by it.
    """
    items = []
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            correct = _answers(row["Correct Answers"])
            best = row["Best Answer"].strip()
            source = best if best in correct else (correct[0] if correct else "")
            supported = tuple(c for c in correct if c != source and c.lower() != source.lower())
            unsupported = tuple(i for i in _answers(row["Incorrect Answers"]) if i.lower() != source.lower())
            if source and supported and unsupported:
                items.append(ParaphraseItem(row["Question"].strip(), source, supported, unsupported))
    return items


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """A document, a summary of it, and whether the summary is faithful (AggreFact, FaithBench)."""

    document: str
    summary: str
    unfaithful: int
    group: str  # rows of one document share it: splits and folds never separate them
    dataset: str  # AggreFact/CLIFF, AggreFact/Goyal'21, FaithBench
    origin: str  # cnndm / xsum (AggreFact), the summariser (FaithBench)


def load_summaries(path: str | Path) -> list[SummaryRow]:
    """AggreFact or FaithBench rows (``source_document``, ``summary``, ``label``), grouped by document."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            r = json.loads(line)
            rows.append(SummaryRow(
                r["source_document"], r["summary"], int(r["label"] == "unfaithful"),
                str(r.get("doc_id") or r.get("doc_group") or r.get("doc_sha256")),
                str(r.get("dataset", "")).replace("\u2019", "'"),
                str(r.get("origin") or r.get("summarizer") or ""),
            ))
    return rows


def group_part(group: str) -> str:
    """``tune`` or ``report``: a fixed split by a hash of the document id, so a document's rows stay together."""
    return "tune" if int(hashlib.sha256(group.encode()).hexdigest(), 16) % 2 == 0 else "report"


def split_summaries(rows: list[SummaryRow]) -> tuple[list[SummaryRow], list[SummaryRow]]:
    """(tune, report) parts of AggreFact by document."""
    return [r for r in rows if group_part(r.group) == "tune"], [r for r in rows if group_part(r.group) == "report"]
