"""Gibberish: words no language would spell, found with a character trigram model.

Real words in a language are made of letter sequences that language uses; keyboard
mash ("asdkjh qwpeoi") and random letters are not. A trigram model of English letter
sequences (``data/charlm.npz``, trained by ``bench/train_healthguard_charlm.py`` on the
tuning split of public text, not on the reported split) gives each Latin-script word its
average log-probability per letter; runs of implausible words whose letters are, on average, very
unlikely are gibberish. The thresholds were tuned together with the model and ship in
the same file.
Acronyms, handles, hashtags, URLs, code (fenced, inline, markup tags) and code-like
tokens (identifiers, calls, attributes) are not scored.
"""

from __future__ import annotations

import threading
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import regex

from guards.analyzers.base import Finding

MODEL_PATH = Path(__file__).parent / "data" / "charlm.npz"
ALPHABET = "^abcdefghijklmnopqrstuvwxyz"  # "^" marks a word boundary
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}]*(?:['\u2019]\p{L}+)*")
# Masked spans are what ``(?:https?://|www\.)\S+|\S+@\S+\.\S+|[@#]\w+`` finds; that
# pattern backtracks cubically inside a long token (5 KB of "@" took a minute), so
# ``urlish_spans`` computes the same spans token by token in linear time.
_TOKEN = regex.compile(r"\S+")
_URL_OR_TAG = regex.compile(r"(?:https?://|www\.)(?=\S)|[@#]\w+")
# Code is not prose: fenced blocks (closed or running to the end), inline code, markup tags.
_CODE = regex.compile(r"^[ \t]{0,3}(```|~~~)[^\n]*\n.*?(?:^[ \t]{0,3}\1|\Z)|`[^`\n]+`|</?[A-Za-z!][^<>\n]{0,200}>",
                      regex.M | regex.S)
_VOWELS = set("aeiouy")
# Laughter ("hahaha", "jajaja", "hehehe") is how people write, not keyboard mash.
_LAUGHTER = regex.compile(r"(ha|he|hi|ho|ja|je|ka|xa|wa|ah|eh|lo|lol)\1+[a-z]?")
UNIT_LETTERS = 4
_CACHE_LIMIT = 200_000


@dataclass(frozen=True, slots=True)
class CharModel:
    logprobs: np.ndarray  # [a, b, c] = log2 P(c | a b)
    word_threshold: float  # words below this mean log2-prob per letter are implausible
    min_span_letters: int  # a gibberish span has at least this many letters
    span_threshold: float  # ... and a mean log2-prob per letter at most this
    # Scores depend only on ``logprobs``; copies made with dataclasses.replace share it.
    cache: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    def word_score(self, word: str) -> float:
        """Mean log2-probability per predicted symbol of ``word`` (lowercase a-z)."""
        score = self.cache.get(word)
        if score is None:
            idx = np.fromiter((_INDEX[c] for c in f"^^{word}^"), dtype=np.intp, count=len(word) + 3)
            score = float(self.logprobs[idx[:-2], idx[1:-1], idx[2:]].mean())
            if len(self.cache) > _CACHE_LIMIT:
                self.cache.clear()
            self.cache[word] = score
        return score


_model: CharModel | None = None
_lock = threading.Lock()


def load_model(path: Path = MODEL_PATH) -> CharModel:
    global _model
    if _model is None or path != MODEL_PATH:
        with _lock:
            data = np.load(path)
            model = CharModel(data["logprobs"].astype(np.float64), float(data["word_threshold"]),
                              int(data["min_span_letters"]), float(data["span_threshold"]))
            if path != MODEL_PATH:
                return model
            _model = model
    return _model


@lru_cache(maxsize=65536)
def _ascii_fold(word: str) -> str | None:
    folded = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    folded = folded.replace("'", "").replace("\u2019", "").lower()
    return folded if folded.isascii() and folded.isalpha() else None


def _unreadable_between(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds a letter the a-z model cannot read (þ, æ, ł, ß...).

    Such a word is real writing the model is blind to (Old English, Icelandic, Polish): it
    ends a span, so a few odd words around it are not joined into one gibberish run.
    """
    return any(c.isalpha() and _ascii_fold(c) is None for c in text[start:end])


@dataclass(frozen=True, slots=True)
class ScoredWord:
    start: int
    end: int
    letters: int
    logprob: float
    implausible: bool
    name_like: bool  # Capitalised, the rest lowercase


def _emailish(text: str, start: int, end: int) -> bool:
    """Whether ``\\S+@\\S+\\.\\S+`` matches the token ``text[start:end]`` from its start.

    It does iff some "@" after the first character precedes, by at least two, a "."
    that is not the token's last character; the last such dot is the best candidate.
    """
    dot = text.rfind(".", start, end - 1)
    return dot >= start + 3 and text.rfind("@", start + 1, dot - 1) >= 0


def urlish_spans(text: str) -> list[tuple[int, int]]:
    """Spans of URLs, e-mail-like tokens, handles and hashtags, in order, not overlapping.

    Within one token a URL or e-mail match runs to the token's end; an e-mail match can
    only start at the token's start (if it fails there, a later start has fewer "@"
    before the same dots), so the rest of the token is searched for URLs and tags only.
    """
    spans: list[tuple[int, int]] = []
    for token in _TOKEN.finditer(text):
        start, end = token.span()
        if _emailish(text, start, end):
            spans.append((start, end))
            continue
        pos = start
        while (m := _URL_OR_TAG.search(text, pos, end)) is not None:
            if text[m.start()] in "@#":
                spans.append(m.span())
                pos = m.end()
            else:
                spans.append((m.start(), end))
                break
    return spans


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping union of spans, so one bisect finds the span covering a position."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def candidate_words(text: str) -> list[tuple[int, int, str]]:
    """Prose words of ``text`` that the model can score: ``(start, end, folded a-z form)``.

    The training script reads its words through this too, so model and use agree.
    """
    masked = _merged(urlish_spans(text) + [m.span() for m in _CODE.finditer(text)])
    masked_starts = [s for s, _ in masked]
    out = []
    for m in _WORD.finditer(text):
        start, end = m.span()
        word = m.group()
        i = bisect_right(masked_starts, start) - 1
        if i >= 0 and start < masked[i][1]:
            continue
        # Part of an identifier or number (user_id, x86, abc123), a call (sqrt(8)) or an
        # attribute (np.linalg): not prose.
        if (start and (text[start - 1].isdigit() or text[start - 1] in "_.")) or (
                end < len(text) and (text[end].isdigit() or text[end] in "_(")):
            continue
        if end - start <= UNIT_LETTERS and start >= 2 and text[start - 1] == " " and text[start - 2].isdigit():
            continue  # a unit after a number (60 mph, 1 tsp, 5 kDa)
        if word.isupper() and len(word) <= 6:
            continue  # acronym
        if any(c.isupper() for c in word[1:]) and not word.isupper():
            continue  # camelCase identifier
        folded = _ascii_fold(word)
        if folded is not None and _LAUGHTER.fullmatch(folded):
            continue
        if folded is None or len(folded) < 3:
            continue
        out.append((start, end, folded))
    return out


def score_words(text: str, model: CharModel) -> list[ScoredWord]:
    """Latin-script words of ``text`` with their plausibility (others are skipped)."""
    words = []
    for start, end, folded in candidate_words(text):
        lp = model.word_score(folded)
        no_vowel = len(folded) >= 5 and not (_VOWELS & set(folded))
        first = text[start]
        words.append(ScoredWord(start, end, len(folded), lp, lp < model.word_threshold or no_vowel,
                                first.isupper() and not text[start:end].isupper()))
    return words


@dataclass(frozen=True, slots=True)
class GibberishReport:
    ratio: float  # letters in gibberish spans / letters scored
    scored_letters: int
    findings: list[Finding]


def gibberish_findings(text: str, source: str, model: CharModel | None = None) -> GibberishReport:
    model = model or load_model()
    words = score_words(text, model)
    total_letters = sum(w.letters for w in words)
    findings: list[Finding] = []
    gib_letters = 0
    run: list[ScoredWord] = []

    def close() -> None:
        nonlocal gib_letters
        letters = sum(w.letters for w in run)
        # Capitalised words are mostly names (Zooey, Erikson), implausible to an English
        # model yet real: they may extend a span but not make one. A lone word must be
        # long to count.
        common = [w for w in run if not w.name_like]
        common_letters = sum(w.letters for w in common)
        # One odd word is noise; the evidence of a span is its letters' mean likelihood.
        mean_lp = sum(w.logprob * w.letters for w in run) / letters if letters else 0.0
        if common_letters >= model.min_span_letters and mean_lp <= model.span_threshold and (
                len(common) >= 2 or common_letters >= 3 * model.min_span_letters):
            # Further below the threshold, and longer, is surer.
            score = min(1.0, 0.5 + 0.15 * max(0.0, model.span_threshold - mean_lp) + 0.01 * letters)
            start, end = run[0].start, run[-1].end
            gib_letters += letters
            findings.append(Finding(
                type="gibberish", category="gibberish", severity="medium", score=score,
                start=start, end=end, evidence=text[start:end][:80],
                message=f"{len(run)} implausible word(s): letter sequences unlike real language.",
                source=source, detail={"words": len(run), "mean_log2_prob": round(float(mean_lp), 3)},
            ))
        run.clear()

    for w in words:
        if run and _unreadable_between(text, run[-1].end, w.start):
            close()
        if w.implausible:
            run.append(w)
        else:
            close()
    close()
    ratio = gib_letters / total_letters if total_letters else 0.0
    return GibberishReport(ratio, total_letters, findings)
