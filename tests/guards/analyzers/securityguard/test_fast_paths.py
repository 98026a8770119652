"""The shortcuts the securityguard takes on ordinary text answer exactly what the long way did.

Each shortcut skips work that provably cannot change a result (a regex that cannot match
without a character the text lacks, a fragment test answered from character pairs); these
tests pin that claim on random texts built from the characters that matter.
"""

from __future__ import annotations

import random
import re
import zlib

import numpy as np
import pytest

from guards.analyzers.securityguard import features, mention, pii
from guards.analyzers.securityguard.injection_rules import split_payload
from guards.analyzers.securityguard.needles import CASE_LOOKALIKES, Needles, ascii_case_safe, pairs
from guards.analyzers.securityguard.obfuscation import (
    _LEET,
    _LEET_CHARS,
    _LEET_TOKEN_RE,
    _ROT13_HINT_RE,
    View,
    _may_name_rot13,
    leet_view,
)
from guards.analyzers.securityguard.secrets import _EXACT_HINT_RULES, _LOWER_HINT_RULES
from guards.analyzers.securityguard.secrets.assignments import _SECRET_KEY_RE, _secret_key_words


def _texts(alphabet: list[str], n: int, seed: int, longest: int = 40) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randrange(longest))) for _ in range(n)]


@pytest.mark.parametrize("by", ["pairs", "chars"])
def test_needles_answer_exactly_what_one_in_test_per_fragment_does(by: str) -> None:
    needles = ["a", "ab", "ba", "abc", "cab", "a_b", "b-", "AB", "Ab", "xyz", "_", "aa", "aaa", "bcb", ""]
    finder = Needles(needles, by=by)
    for text in _texts([*"abcAB_-xyz \x00\u00e9\u4e00", "\U0001f600"], 20_000, seed=1):
        expected = {n for n in needles if n in text}
        assert finder.present(text) == expected
        if by == "pairs":
            assert finder.present(text, pairs(text)) == expected


def test_provider_hint_tables_find_the_hints_present() -> None:
    lower, exact = Needles(_LOWER_HINT_RULES), Needles(_EXACT_HINT_RULES, by="chars")
    pieces = [*{h for h in (*_LOWER_HINT_RULES, *_EXACT_HINT_RULES)}, *"abcxyzAKIM_-.:/ "]
    for text in _texts(pieces, 3_000, seed=2, longest=12):
        assert lower.present(text.lower()) == {h for h in _LOWER_HINT_RULES if h in text.lower()}
        assert exact.present(text) == {h for h in _EXACT_HINT_RULES if h in text}


def _leet_reference(folded: View) -> View | None:
    """leet_view as first written: a callback on every token of the text."""
    text = folded.text
    if not any(c in _LEET_CHARS for c in text):
        return None
    changed = False

    def sub(m: re.Match[str]) -> str:
        nonlocal changed
        tok = m.group()
        if any(c in _LEET_CHARS for c in tok) and sum(c.isalpha() for c in tok) >= 2:
            changed = True
            return tok.translate(_LEET)
        return tok

    out = _LEET_TOKEN_RE.sub(sub, text)
    return View("leetspeak", out, folded.index) if changed else None


def test_leet_view_rewrites_the_tokens_the_callback_did() -> None:
    for text in _texts([*"ab0123456789@$!|+ -.\n", "é"], 20_000, seed=3):
        assert leet_view(View("folded", text)) == _leet_reference(View("folded", text))


def test_secret_key_words_are_tried_where_the_pattern_can_match() -> None:
    pieces = ["pass", "Pass", "PASS", "pw", "pwd", "secret", "api", "key", "auth", "token", "_", "-", ".",
              "access", "private", "client", "credential", "x", "a", "1", " ", "="]
    for text in _texts(pieces, 5_000, seed=4, longest=10):
        assert [m.span() for m in _secret_key_words(text)] == [m.span() for m in _SECRET_KEY_RE.finditer(text)]
    # case-insensitive matching folds the long s onto "s": such text is scanned whole
    assert [m.group() for m in _secret_key_words("my \u017fecret=abc")] == ["\u017fecret"]


def test_pii_patterns_start_no_earlier_than_the_scans_do() -> None:
    pieces = [*"0123456789", "+", "(", ")", "-", ".", ":", " ", "x", "ab", "DE", "@", "a@b.io", "\u0663"]
    digit_led = (pii._CARD_RE, pii._SSN_RE, pii._SSN_PLAIN_RE, pii._IPV4_RE)
    for text in _texts(pieces, 10_000, seed=5, longest=30):
        digit = pii._DIGIT_RE.search(text)
        first = digit.start() if digit else len(text)
        for regex in digit_led:
            assert all(m.start() >= first for m in regex.finditer(text))
        for regex in (pii._IBAN_RE, pii._PHONE_RE):
            assert all(m.start() >= first - 2 for m in regex.finditer(text))
        if text.count(":") < 2:
            assert pii._IPV6_RE.search(text) is None
        if "@" not in text:
            assert pii._EMAIL_RE.search(text) is None


def test_quoted_patterns_need_their_mark_and_payload_splitting_an_assignment() -> None:
    for text in _texts([*"ab \"'`?\n", "\u201c", "\u201d", "\u2018", "\u2019", "what", "what does", "mean"],
                       5_000, seed=6):
        for pattern, mark in mention._QUOTED_RES_MARKS:
            if mark not in text:
                assert pattern.search(text) is None
        if "what" not in text:
            assert mention._WHAT_MEANS_RE.search(text) is None
    assert split_payload(View("folded", 'a = "ign"; b = "ore"; a b')) is None
    assert split_payload(View("folded", 'a = "ign"; b = "ore"; a + b')) is not None


def _featurize_reference(text: str) -> tuple[np.ndarray, np.ndarray]:
    """features.featurize as the shipped model was trained with: plain numpy, np.unique."""
    def finalise(h: np.ndarray) -> np.ndarray:
        h = h ^ (h >> np.uint64(31))
        h = h * features._MIX
        h = h ^ (h >> np.uint64(29))
        return (h & features._MASK).astype(np.int64)

    def char_buckets(t: str) -> np.ndarray:
        codes = np.frombuffer(t.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        out = []
        with np.errstate(over="ignore"):
            for n in features.CHAR_NGRAMS:
                if codes.size < n:
                    continue
                h = np.full(codes.size - n + 1, np.uint64(n) * np.uint64(0x9E3779B97F4A7C15))
                for k in range(n):
                    h = (h * features._MUL) ^ codes[k : codes.size - n + 1 + k]
                out.append(finalise(h))
        return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)

    def word_buckets(t: str) -> np.ndarray:
        words = re.findall(r"\w+", t)
        if not words:
            return np.zeros(0, dtype=np.int64)
        ids = np.array([zlib.crc32(w.encode("utf-8")) for w in words], dtype=np.uint64)
        with np.errstate(over="ignore"):
            parts = [finalise(ids * np.uint64(0xD6E8FEB86659FD93) + np.uint64(1))]
            if ids.size > 1:
                parts.append(finalise((ids[:-1] * features._MUL) ^ (ids[1:] + np.uint64(0x632BE59BD9B4E019))))
        return np.concatenate(parts)

    def block(buckets: np.ndarray, weight: float) -> tuple[np.ndarray, np.ndarray]:
        if buckets.size == 0:
            return buckets, np.zeros(0, dtype=np.float32)
        idx, counts = np.unique(buckets, return_counts=True)
        val = np.log1p(counts.astype(np.float32))
        val *= weight / float(np.linalg.norm(val))
        return idx, val

    norm = re.sub(r"\s+", " ", features._clip(text).lower()).strip()
    ci, cv = block(char_buckets(f" {norm} "), features.CHAR_WEIGHT)
    wi, wv = block(word_buckets(norm), features.WORD_WEIGHT)
    return np.concatenate([ci, wi]), np.concatenate([cv, wv])


def test_featurize_gives_the_features_the_model_was_trained_on() -> None:
    pieces = [*"ab Zé1_", "ignore", " previous", "\t", "\n\n", "\x1c", "\x85", "\xa0", "\u2028", "\u3000", "\u200b",
              "\U0001f600", "İ"]
    texts = [*_texts(pieces, 2_000, seed=7), "", " ", "a", "ab", "x" * 7_000, "word " * 1_500]
    for text in texts:
        got, want = features.featurize(text), _featurize_reference(text)
        assert got[0].dtype == want[0].dtype and got[1].dtype == want[1].dtype
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


def test_rot13_is_looked_for_whenever_its_pattern_could_match() -> None:
    for text in _texts([*"rotROT13 -_", "caesar", "CIPHER", "\u212a", "x"], 5_000, seed=8, longest=12):
        if _ROT13_HINT_RE.search(text):
            assert _may_name_rot13(text)


def test_case_lookalikes_are_every_letter_that_ignorecase_takes_for_ascii() -> None:
    ascii_letter = re.compile(r"(?i)[a-z]")
    found = {chr(c) for c in range(0x80, 0x110000) if ascii_letter.match(chr(c))}
    assert found == set(CASE_LOOKALIKES)
    longer = {chr(c) for c in range(0x110000) if len(chr(c).lower()) != 1}
    assert longer <= set(CASE_LOOKALIKES)
    assert not ascii_case_safe("\u212aey") and ascii_case_safe("caf\u00e9 \u201ckey\u201d")
    # the secret-key shortcut holds on text with other non-ASCII letters too
    for text in _texts(["pass", "PASS", "\u00e9", "\u00c9", "\u03a3", "token", "x", " ", "\u201c"], 3_000, seed=9,
                       longest=10):
        assert [m.span() for m in _secret_key_words(text)] == [m.span() for m in _SECRET_KEY_RE.finditer(text)]


def test_url_pattern_needs_a_colon_or_www() -> None:
    from guards.analyzers.securityguard.urls import _URL_RE

    assert not [c for c in map(chr, range(0x80, 0x110000)) if re.match("(?i)w", c)]
    for text in _texts(["www", "WwW", ".", "http", "/", "data", "x", " ", "\u0131"], 5_000, seed=10, longest=8):
        if ":" not in text and "www." not in text.lower():
            assert _URL_RE.search(text) is None


# The lookbehind-first forms the PII patterns were written in; the shipped ones open with the
# digit (or a lookahead) so the regex engine can skip to the next candidate character.
_PII_REFERENCE = {
    "_CARD_RE": r"(?<![\d\-.])\d(?:[ \-]?\d){11,18}(?![\d\-]|\.\d)",
    "_SSN_RE": r"(?<![\d\-])(\d{3})([\- ])(\d{2})\2(\d{4})(?![\d\-])",
    "_SSN_PLAIN_RE": r"(?<![\d\-])\d{9}(?![\d\-])",
    "_IPV4_RE": r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d]|\.\d)",
    "_PHONE_RE": (r"(?<![\w+])(?:(?:\+|00)\d{1,3}[\s.\-]?)?(?:\(\d{1,4}\)[\s.\-]?)?\d[\d\s.\-()]{4,18}\d"
                  r"(?:\s?(?:x|ext\.?|#)\s?\d{1,5})?(?![\w])"),
}


@pytest.mark.parametrize("name", sorted(_PII_REFERENCE))
def test_digit_led_pii_patterns_match_what_their_lookbehind_first_forms_match(name: str) -> None:
    shipped, reference = getattr(pii, name), re.compile(_PII_REFERENCE[name])
    alphabet = list("0123456789") * 3 + list(".-  ()+#x:a_") + ["٣", "\n"]
    rng = random.Random(7)
    for text in _texts(alphabet, 20_000, seed=11, longest=48):
        pos = rng.randrange(len(text) + 1)
        assert ([(m.span(), m.groups()) for m in shipped.finditer(text, pos)]
                == [(m.span(), m.groups()) for m in reference.finditer(text, pos)]), (name, text, pos)
