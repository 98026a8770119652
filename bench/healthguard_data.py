"""Labelled data for healthguard: clean public text and documented corruptions of it.

Clean texts (negatives) come from ``DATA_PATH`` (the shared data folder, never copied
into the repository): HaluEval knowledge paragraphs, TruthfulQA questions and correct
answers, Davidson tweets (informal text: slang, handles, "!!!"). Each text goes to the
``tune`` or the ``report`` split by a salted hash of its content, so the split is fixed
and independent of row order. Positives are made from clean texts of the same split by
deterministic transformations (the rng is seeded from the text), listed in ``CORRUPTIONS``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from pathlib import Path

SALT = "healthguard-split-v1"
KEYBOARD_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
ACCENTED = ["café", "naïve", "résumé", "Zürich", "São Paulo", "façade", "jalapeño", "Ångström", "€20",
            "Dvořák", "Łódź", "crème brûlée", "½ cup", "© 2024", "Beyoncé", "El Niño"]


def split_of(text: str) -> str:
    digest = hashlib.sha1((SALT + text).encode()).digest()
    return "tune" if digest[0] % 2 == 0 else "report"


def _rng(text: str, tag: str) -> random.Random:
    return random.Random(hashlib.sha1(f"{tag}:{text}".encode()).hexdigest())


def load_clean(data_path: str | Path, *, tweets: int = 3000) -> list[dict]:
    """Clean texts as ``{"text", "source", "split", "paragraph"}`` (paragraph: ends like prose)."""
    root = Path(data_path)
    rows: list[dict] = []
    with (root / "hallucination" / "halueval_qa_dev.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            knowledge = json.loads(line)["knowledge"]
            # The dump glues sentences together ("century.First"); restore the space.
            rows.append({"text": re.sub(r"(?<=[a-z])\.(?=[A-Z])", ". ", knowledge), "source": "halueval",
                         "paragraph": True})
    with (root / "hallucination" / "TruthfulQA.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            rows.append({"text": row["Question"], "source": "truthfulqa_q", "paragraph": False})
            answers = [a.strip().rstrip(".") for a in row["Correct Answers"].split(";") if a.strip()]
            if len(answers) >= 2:
                rows.append({"text": ". ".join(answers) + ".", "source": "truthfulqa_a", "paragraph": True})
    with (root / "toxicity" / "davidson_dev.csv").open(encoding="utf-8", newline="") as fh:
        tweet_rows = [r["tweet"] for r in csv.DictReader(fh)]
    picked = random.Random(SALT).sample(tweet_rows, min(tweets, len(tweet_rows)))
    rows += [{"text": t, "source": "davidson", "paragraph": False} for t in picked]
    seen, out = set(), []
    for r in rows:
        if r["text"] and r["text"] not in seen:
            seen.add(r["text"])
            out.append({**r, "split": split_of(r["text"])})
    return out


# --- mojibake -------------------------------------------------------------------------

def smarten(text: str) -> str:
    """Typographic version of ``text`` with some non-ASCII (the clean hard negative)."""
    rng = _rng(text, "smarten")
    out = re.sub(r"(?<=\w)'(?=\w)", "\u2019", text)
    out = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", out)
    out = out.replace(" - ", " \u2014 ").replace("...", "\u2026")
    if out.isascii():
        words = out.split(" ")
        words.insert(rng.randint(0, len(words)), rng.choice(ACCENTED))
        out = " ".join(words)
    return out


def _cp1252_view(data: bytes) -> str:
    # How a Windows-1252 reader shows UTF-8 bytes; its five undefined bytes read as Latin-1.
    return "".join(bytes([b]).decode("cp1252", errors="strict") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
                   else chr(b) for b in data)


def mojibake(text: str) -> str:
    """UTF-8 bytes decoded as cp1252: the whole text, or (1 in 3) only one sentence of it."""
    rng = _rng(text, "mojibake")
    sentences = re.split(r"(?<=[.!?])\s+", text)
    candidates = [i for i, s in enumerate(sentences) if not s.isascii()]
    if len(sentences) > 1 and candidates and rng.random() < 1 / 3:
        i = rng.choice(candidates)
        sentences[i] = _cp1252_view(sentences[i].encode("utf-8"))
        return " ".join(sentences)
    return _cp1252_view(text.encode("utf-8"))


# --- gibberish ------------------------------------------------------------------------

def _mash_word(rng: random.Random) -> str:
    row = rng.choice(KEYBOARD_ROWS)
    pos = rng.randrange(len(row))
    letters = []
    for _ in range(rng.randint(3, 10)):
        letters.append(row[pos])
        if rng.random() < 0.25:
            row = rng.choice(KEYBOARD_ROWS)
        pos = max(0, min(len(row) - 1, pos + rng.choice([-2, -1, 1, 2, 3])))
    return "".join(letters)


def gibberish(text: str) -> tuple[str, str]:
    """One of four documented kinds of gibberish, chosen by the text's own rng."""
    rng = _rng(text, "gibberish")
    kind = rng.choice(["keyboard_mash", "random_letters", "inserted_mash", "scrambled_words"])
    n = max(4, min(30, len(text.split())))
    if kind == "keyboard_mash":
        return " ".join(_mash_word(rng) for _ in range(n)), kind
    if kind == "random_letters":
        return " ".join("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
                        for _ in range(n)), kind
    if kind == "inserted_mash":
        words = text.split()
        at = rng.randint(0, len(words))
        return " ".join(words[:at] + [_mash_word(rng) for _ in range(rng.randint(2, 5))] + words[at:]), kind
    # Letters of each word shuffled (keeps letter frequencies, breaks letter order).
    def scramble(w: str) -> str:
        letters = list(w)
        rng.shuffle(letters)
        return "".join(letters)
    return " ".join(scramble(w) for w in text.split()), kind


# --- repetition -----------------------------------------------------------------------

def repetition_loop(text: str) -> tuple[str, str]:
    """A degenerate generation loop appended to or injected into ``text``."""
    rng = _rng(text, "loop")
    words = text.split()
    kind = rng.choice(["sentence_loop", "ngram_loop", "line_loop"])
    if kind == "sentence_loop":
        sentences = re.split(r"(?<=[.!?])\s+", text.strip())
        last = sentences[-1] if len(sentences[-1].split()) >= 2 else " ".join(words[-6:])
        return text.strip() + (" " + last) * rng.randint(3, 8), kind
    if kind == "ngram_loop":
        n = rng.randint(1, min(6, len(words)))
        at = rng.randint(0, len(words) - n)
        gram = words[at : at + n]
        reps = rng.randint(4, 10) if n > 1 else rng.randint(6, 14)
        return " ".join(words[: at + n] + gram * reps + words[at + n :]), kind
    line = " ".join(words[-rng.randint(2, min(8, len(words))):]) if len(words) >= 2 else text
    return text.strip() + "\n" + "\n".join([line] * rng.randint(3, 6)), kind


# --- truncation -----------------------------------------------------------------------

def truncate(text: str) -> str | None:
    """Cut a paragraph after a word 40-95 % of the way in, not at a sentence end."""
    rng = _rng(text, "truncate")
    ends = [m.end() for m in re.finditer(r"\w(?=\s)", text) if 0.4 * len(text) <= m.end() <= 0.95 * len(text)]
    ends = [e for e in ends if text[e - 1] not in ".!?"]
    return text[: rng.choice(ends)] if ends else None


def labelled_sets(clean: list[dict], split: str) -> dict[str, list[tuple[str, int, str]]]:
    """Per detector, ``(text, label, kind)`` rows of ``split`` (label 1 = corrupted)."""
    rows = [r for r in clean if r["split"] == split]
    sets: dict[str, list[tuple[str, int, str]]] = {"mojibake": [], "gibberish": [], "repetition": [],
                                                   "truncation": []}
    for r in rows:
        text, src = r["text"], r["source"]
        smart = smarten(text)
        sets["mojibake"] += [(text, 0, src), (smart, 0, f"{src}:smartened"), (mojibake(smart), 1, src)]
        g, kind = gibberish(text)
        sets["gibberish"] += [(text, 0, src), (g, 1, kind)]
        if len(text.split()) >= 6:
            loop, kind = repetition_loop(text)
            sets["repetition"] += [(text, 0, src), (loop, 1, kind)]
        if r["paragraph"] and len(text.split()) >= 8:
            cut = truncate(text)
            sets["truncation"].append((text, 0, src))
            if cut:
                sets["truncation"].append((cut, 1, src))
    return sets


def load_ordinary(data_path: str | Path) -> dict[str, list[str]]:
    """Ordinary text no integrity check should block: prompts and model answers to them.

    From ``benign_prompts/`` (Alpaca-style instructions with GPT-4-era reference answers,
    GSM8K questions with worked answers). The Alpaca file is CC BY-NC: measured only,
    nothing is tuned on it.
    """
    root = Path(data_path) / "benign_prompts"
    sets: dict[str, list[str]] = {}
    for name, path in (("alpaca", "alpaca_style_instructions_dev.jsonl"), ("gsm8k", "gsm8k_questions_dev.jsonl")):
        rows = [json.loads(line) for line in (root / path).open(encoding="utf-8")]
        prompts = [(r["instruction"] + ("\n\n" + r["input"] if r.get("input") else "")) for r in rows]
        sets[f"{name}_prompts"] = [t for t in prompts if t.strip()]
        sets[f"{name}_answers"] = [r["output"] for r in rows if (r.get("output") or "").strip()]
    return sets
