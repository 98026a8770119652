"""Which of a fixed set of literal fragments occur in a text, without one ``in`` scan per fragment.

Several detectors gate their regexes or rules on literal fragments (a provider's token
prefix, a provider's name); with hundreds of fragments, one ``fragment in text`` scan of
the whole text each cost more than the regexes they gate. :class:`Needles` answers the
same question, exactly ``{n for n in needles if n in text}``, from the set of the text's
character pairs (or characters): a fragment can only occur if all its pairs do, so only
the few fragments that pass that test (a few dozen of hundreds on ordinary prose) are
looked up in full.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

# Rough frequency order of characters in prose, commonest first: a later character is
# rarer, so it is the better one to index a fragment by (``by="chars"``). Only the speed of
# the lookup depends on this order, never its answer.
_COMMON = " etaoinsrhldcumfpgwybvk,.xjqz\n"


def _rarity(piece: str) -> int:
    return sum(_COMMON.index(c) if c in _COMMON else len(_COMMON) + 1 for c in piece)


# The only characters outside ASCII that case-insensitive matching takes for an ASCII letter
# (dotted and dotless i, long s, Kelvin sign); the first is also the only character whose
# lower case is longer than one character. A test checks every code point.
CASE_LOOKALIKES = "\u0130\u0131\u017f\u212a"
_LOOKALIKE_RE = re.compile(f"[{CASE_LOOKALIKES}]")


def ascii_case_safe(text: str) -> bool:
    """Whether a case-insensitive ASCII pattern matches ``text`` exactly where its lower-case
    words occur in ``text.lower()`` (offsets kept): true unless a look-alike letter is present."""
    return text.isascii() or _LOOKALIKE_RE.search(text) is None


def pairs(text: str) -> np.ndarray:
    """Which character pairs ``text`` holds, as a table of 65,536 flags indexed by
    ``256 * first + second``; a character past U+00FF counts as U+0000 (no fragment holds either)."""
    flags = np.zeros(1 << 16, dtype=bool)
    if len(text) >= 2:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.intp)
        codes[codes > 0xFF] = 0
        flags[(codes[:-1] << 8) | codes[1:]] = True
    return flags


@lru_cache(maxsize=4)
def shared_pairs(text: str) -> np.ndarray:
    """:func:`pairs`, built once for the detectors that read the same lowered text (the secrets
    scanner and the injection rules both do); read-only, as callers share it."""
    table = pairs(text)
    table.setflags(write=False)
    return table


class Needles:
    """A fixed set of literal fragments, tested against many texts.

    ``by="pairs"`` checks each fragment's character pairs against the text's (selective on
    lower-case prose, where most letters occur but most pairs do not); ``by="chars"`` its
    characters (enough for fragments with capitals, digits or symbols, and cheaper to set up).
    """

    def __init__(self, needles: Iterable[str], *, by: str = "pairs") -> None:
        if by not in ("pairs", "chars"):
            raise ValueError(by)
        unique = tuple(dict.fromkeys(needles))
        self.needles = unique
        self.by = by
        width = 2 if by == "pairs" else 1
        # fragments too short to have a piece of that width: tested directly
        self._short = tuple(n for n in unique if len(n) < width)
        self._long = tuple(n for n in unique if len(n) >= width)
        if by == "pairs":
            if any(not 0 < ord(c) <= 0xFF for n in self._long for c in n):
                raise ValueError("pair tables hold characters U+0001..U+00FF only")
            codes = [[(ord(n[i]) << 8) | ord(n[i + 1]) for i in range(len(n) - 1)] for n in self._long]
            self._codes = np.array([c for cs in codes for c in cs], dtype=np.intp)
            self._offsets = np.cumsum([0, *map(len, codes)])[:-1].astype(np.intp)
            return
        groups: dict[str, list[tuple[str, frozenset[str], bool]]] = {}
        for n in self._long:
            key = max(sorted(set(n)), key=_rarity)
            groups.setdefault(key, []).append((n, frozenset(set(n) - {key}), len(n) == 1))
        self._groups = {k: tuple(v) for k, v in groups.items()}
        self._keys = frozenset(self._groups)

    def present(self, text: str, pieces: np.ndarray | None = None) -> set[str]:
        """The fragments that occur in ``text``; ``pieces``: its :func:`pairs` when the caller has them."""
        found = {n for n in self._short if n in text}
        if self.by == "pairs":
            if not self._long:
                return found
            if pieces is None:
                pieces = pairs(text)
            # a fragment can occur only if every pair of it does; those are looked up in full
            possible = np.logical_and.reduceat(pieces[self._codes], self._offsets)
            for i in np.flatnonzero(possible).tolist():
                n = self._long[i]
                if len(n) == 2 or n in text:
                    found.add(n)
            return found
        chars = set(text)
        for key in self._keys & chars:
            for n, rest, whole in self._groups[key]:
                if whole or (rest <= chars and n in text):
                    found.add(n)
        return found
