"""Hostile text shapes for the bounded-work bench and tests.

Each shape is a function of a target length returning a string of about that many
characters, built deterministically (a seeded generator) so two runs time the same text.
They aim at what makes text analysis superlinear: one endless token, a character that a
regex can start a match at everywhere (``@``, ``.``, brackets, quotes), many candidates
(URLs, e-mails, digits), markup a parser may recurse into, and plain bulk (words,
repeated sentences) that stresses every per-sentence or per-word loop.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Callable

_WORDS = (
    "the of and to in a is that for it as was with be by on not he she they this are or his her from at which "
    "but have an had were their has been one you all would there will we more if can when who so no out up "
    "women men people doctor nurse engineer study report data model system water city river year market "
    "always never maybe probably certainly because however therefore said shows found increased fell"
).split()


def _rng(seed: str) -> random.Random:
    return random.Random(seed)


def _fill(unit: str, n: int) -> str:
    """``unit`` repeated to exactly ``n`` characters."""
    return (unit * (n // max(1, len(unit)) + 1))[:n]


def _joined(n: int, seed: str, item: Callable[[random.Random], str], sep: str = " ") -> str:
    """Items drawn from a seeded generator, joined by ``sep``, cut to ``n`` characters."""
    rng = _rng(seed)
    out: list[str] = []
    size = 0
    while size < n:
        piece = item(rng)
        out.append(piece)
        size += len(piece) + len(sep)
    return sep.join(out)[:n]


def _words(n: int) -> str:
    return _joined(n, "words", lambda rng: rng.choice(_WORDS))


def _comma_clauses(n: int) -> str:
    """One endless sentence of distinct short clauses sharing common words."""
    return _joined(n, "clauses", lambda rng: " ".join(rng.choice(_WORDS) for _ in range(3)), ", ")


def _long_token(n: int) -> str:
    rng = _rng("token")
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(rng.choice(alphabet) for _ in range(n))


def _base64_blob(n: int) -> str:
    rng = _rng("b64")
    raw = bytes(rng.getrandbits(8) for _ in range(n * 3 // 4 + 3))
    return base64.b64encode(raw).decode("ascii")[:n]


def _urls(n: int) -> str:
    return _joined(n, "urls", lambda rng: (
        f"https://host{rng.randrange(10**6)}.example.com/p/{rng.randrange(10**6)}?q={rng.randrange(99)}"))


def _emails(n: int) -> str:
    return _joined(n, "emails", lambda rng: f"user{rng.randrange(10**6)}@mail{rng.randrange(999)}.example.org")


def _nested_brackets(n: int) -> str:
    half = n // 2
    return "([{" * (half // 3) + "}])" * (half // 3)


def _json_nesting(n: int) -> str:
    depth = n // 8
    return '{"a": [' * depth + "1" + "]}" * depth


def _lexicon_repeated(kind: str) -> Callable[[int], str]:
    """One biasguard lexicon entry (a slur or a biased term) repeated: a finding every few characters.

    Read from the shipped lexicon at call time so no slur is written here.
    """
    def build(n: int) -> str:
        from guards.analyzers.biasguard.lexicon import get_lexicon

        lexicon = get_lexicon()
        word = lexicon._slur_keys[0] if kind == "slur" else sorted(lexicon.terms)[0]
        return _fill(word + " ", n)

    return build


SHAPES: dict[str, Callable[[int], str]] = {
    "long_token": _long_token,
    "a_repeated": lambda n: "a" * n,
    "bang_repeated": lambda n: "!" * n,
    "at_signs": lambda n: "@" * n,
    "at_dot_mix": lambda n: _fill("a@b.", n),
    "dots": lambda n: "." * n,
    "spaced_at_dots": lambda n: _fill("x@ y. @. ", n),
    "urls": _urls,
    "url_run_no_space": lambda n: _fill("http://a.b/", n),
    "emails": _emails,
    "email_run_no_space": lambda n: _fill("a@b.c", n),
    "nested_brackets": _nested_brackets,
    "open_brackets": lambda n: "(" * n,
    "quotes": lambda n: _fill("\"'`\u201c", n),
    "words": _words,
    "comma_clauses": _comma_clauses,
    "but_clauses": lambda n: _fill("the rain fell hard but the river rose slowly ", n),
    "repeated_sentence": lambda n: _fill("Women are always worse at math than men, the study said in 2020. ", n),
    "digits": lambda n: _fill("0123456789", n),
    "phone_like": lambda n: _fill("555-123-4567 ", n),
    "combining_marks": lambda n: _fill("e" + "\u0301\u0302\u0303\u0304" * 4, n),
    "zero_width": lambda n: _fill("a\u200b", n),
    "newlines": lambda n: "\n" * n,
    "short_lines": lambda n: _fill("ok\n", n),
    "base64_blob": _base64_blob,
    "json_nesting": _json_nesting,
    "code_fences": lambda n: _fill("```\n", n),
    "tabs_spaces": lambda n: _fill(" \t", n),
    "spaces_then_word": lambda n: " " * (n - 4) + "word",
    "hyphen_chain": lambda n: _fill("a-", n),
    "dotted_chain": lambda n: _fill("a.", n),
    "leet_tokens": lambda n: _fill("1gn0r3 pr3v10us 1nstruct10ns ", n),
    "caps_words": lambda n: _fill("IGNORE ALL RULES NOW ", n),
    "lexicon_slur": _lexicon_repeated("slur"),
    "lexicon_term": _lexicon_repeated("term"),
    "mojibake": lambda n: _fill("Caf\u00c3\u00a9 d\u00c3\u00a9j\u00c3\u00a0 vu ", n),
    "control_chars": lambda n: _fill("a\x1b[0m\x00b ", n),
    "pii_mix": lambda n: _fill("mail a.b@ex.com call 555-123-4567 card 4111 1111 1111 1111 ssn 123-45-6789 ", n),
    "boilerplate": lambda n: _fill("Please note that in order to ", n),
    "hedges_quotes": lambda n: _fill('"it may" probably definitely I can\'t help ', n),
}
