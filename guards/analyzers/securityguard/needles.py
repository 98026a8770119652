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

import operator
import re
from collections.abc import Iterable
from functools import lru_cache

# Rough frequency order of characters in prose, commonest first: a pair made of later
# characters is rarer, so it is the better pair to index a fragment by. Only the speed of
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


def pairs(text: str) -> set[str]:
    """Every two-character substring of ``text``."""
    return set(map(operator.add, text, text[1:]))


@lru_cache(maxsize=4)
def shared_pairs(text: str) -> set[str]:
    """:func:`pairs`, built once for the detectors that read the same lowered text (the secrets
    scanner and the injection rules both do). Callers must not change the set."""
    return pairs(text)


class Needles:
    """A fixed set of literal fragments, tested against many texts.

    ``by="pairs"`` indexes each fragment by its character pairs (selective on lower-case
    prose, where most letters occur but most pairs do not); ``by="chars"`` by its characters
    (enough for fragments with capitals, digits or symbols, and no pair set to build).
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
        groups: dict[str, list[tuple[str, frozenset[str], bool]]] = {}
        for n in unique:
            if len(n) < width:
                continue
            pieces = {n[i:i + width] for i in range(len(n) - width + 1)}
            key = max(sorted(pieces), key=_rarity)
            # the whole fragment is one piece: finding the piece is finding the fragment
            groups.setdefault(key, []).append((n, frozenset(pieces - {key}), len(n) == width))
        self._groups = {k: tuple(v) for k, v in groups.items()}
        self._keys = frozenset(self._groups)

    def present(self, text: str, pieces: set[str] | None = None) -> set[str]:
        """The fragments that occur in ``text``; ``pieces``: its :func:`pairs` (or ``set(text)`` for
        ``by="chars"``) when the caller has them already."""
        found = {n for n in self._short if n in text}
        if pieces is None:
            pieces = pairs(text) if self.by == "pairs" else set(text)
        for key in self._keys & pieces:
            for n, rest, whole in self._groups[key]:
                if whole or (rest <= pieces and n in text):
                    found.add(n)
        return found
