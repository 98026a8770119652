"""Does a string look machine-generated? The test every provider-agnostic secret check relies on.

Generated credentials draw each character uniformly from an alphabet (hex, base36,
base62, base64), so their character entropy sits close to the entropy of that many
uniform draws, letters are rarely vowels (about 1 in 5), and they mix digits with
letters. Identifiers, words, paths and domain names fail at least one of these:
``get_user_profile`` repeats letters and is 35 % vowels, ``v1.2.3-beta`` is short
and low in entropy. The score is a number in [0, 1] whose meaning (the probability
that a string with that score is a credential) comes from the calibration map.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from guards.analyzers.securityguard.secrets.checks import typed_share

_HEX_RE = re.compile(r"[0-9a-fA-F]+")
_SEGMENT_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_VOWELS = frozenset("aeiouAEIOU")
# The ~130 most frequent letter pairs of English words: they make up most pairs of an
# identifier (get_user_profile: 11 of 11) but only about a fifth of a random string's.
_COMMON_BIGRAMS = frozenset("""
th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co me de hi ri ro
ic ne ea ra ce li ch ll be ma si om ur ca el ta la ns di fo ho pe ec pr no ct us ac ot il tr ly nc et ut ss so
rs un lo wa ge ie wh ee wi em ad ol rt po we na ul ni ts mo ow pa im mi ai sh ir su id os iv ia am fi ci vi pl
ig tu ev ld ry mp fe bl ab gh ty op wo sa ay ex ke fr oo av ag if ap gr od bo sp rd do uc bu ei ov by rm ep tt
oc fa ef cu rn sc gi da qu ue ck
""".split())
_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _expected_entropy(n: int, alphabet: int) -> float:
    """Entropy of ``n`` uniform draws from ``alphabet`` symbols (Miller-Madow bias), at most log2(n)."""
    if n < 2:
        return 1.0
    return max(1.0, min(math.log2(alphabet) - (alphabet - 1) / (2 * n * math.log(2)), math.log2(n)))


@dataclass(frozen=True, slots=True)
class Shape:
    length: int  # alphanumeric characters
    alphabet: int  # 16 for hex, else 10/26/36/52/62 by the classes present
    entropy_ratio: float  # character entropy / that of uniform draws from the alphabet
    vowel_ratio: float  # vowels among letters
    wordlike: float  # share of letter pairs (inside letter runs) that are common in English
    digits: bool
    lower: bool
    upper: bool
    hex: bool
    uuid: bool

    @property
    def classes(self) -> int:
        return self.digits + self.lower + self.upper


@lru_cache(maxsize=4096)
def shape(token: str) -> Shape:
    core = "".join(c for c in token if c.isalnum() and c.isascii())
    n = len(core)
    lower = any(c.islower() for c in core)
    upper = any(c.isupper() for c in core)
    digits = any(c.isdigit() for c in core)
    is_hex = bool(core) and _HEX_RE.fullmatch(core) is not None and digits and (lower or upper)
    alphabet = (22 if lower and upper else 16) if is_hex else (26 * lower + 26 * upper + 10 * digits) or 1
    entropy = -sum(k / n * math.log2(k / n) for k in Counter(core).values()) if n else 0.0
    letters = [c for c in core if c.isalpha()]
    vowels = sum(c in _VOWELS for c in letters) / len(letters) if letters else 0.0
    pairs = common = 0
    for seg in _SEGMENT_RE.findall(core):
        seg = seg.lower()
        for i in range(len(seg) - 1):
            pairs += 1
            common += seg[i:i + 2] in _COMMON_BIGRAMS
    return Shape(n, alphabet, entropy / _expected_entropy(n, alphabet), vowels, common / pairs if pairs else 0.0,
                 digits, lower, upper, is_hex, _UUID_RE.fullmatch(token) is not None)


# "vendor_kind_" / "xx-" heads and "-NRMA" tails that self-identifying keys wrap a random body in
_AFFIX_RE = re.compile(r"^((?:[A-Za-z][A-Za-z0-9]{0,11}[_\-]){1,3})(?=[A-Za-z0-9]{16}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-)"
                       r"|(?<=[A-Za-z0-9]{16})([_\-][A-Za-z]{2,6}\d{0,3})$")
_NUMBER_RE = re.compile(r"[+\-]?\d+(?:[.,_]\d+)*(?:[eE][+\-]?\d+)?|v?\d+(?:\.\d+)+(?:[\-+.][A-Za-z0-9.]+)?")
_PART_RE = re.compile(r"[^./]+")


@lru_cache(maxsize=4096)
def randomness(token: str) -> float:
    """0 for words, identifiers, numbers and typed patterns; towards 1 the more uniformly random ``token`` looks.

    Dotted names and paths (``numpy.dtype.itemsize``, ``/usr/lib/x86_64``) are judged by
    their most random part of 12+ characters, so one short odd part does not make the whole.
    """
    if _NUMBER_RE.fullmatch(token):
        return 0.0
    if "." in token or token.count("/") >= 2:
        parts = [p for p in _PART_RE.findall(token) if len(p) >= 12]
        if len(parts) != 1 or len(parts[0]) < len(token) - 1:
            return max((_randomness(p) for p in parts), default=0.0)
    return _randomness(token)


def strip_affixes(token: str) -> str:
    """The random body of ``rootly_<hex>``, ``sk_pr_<hex>``, ``<hex>-NRMA``: the words around it are a label."""
    return _AFFIX_RE.sub("", token)


def _randomness(token: str) -> float:
    body = strip_affixes(token)
    typed = typed_share("".join(c for c in body if c.isalnum()))
    return _looks_generated(body) * (1.0 - typed * typed)


def _looks_generated(token: str) -> float:
    s = shape(token)
    if s.length < 8 or (s.classes < 2 and not (s.upper and s.length >= 20)):
        return 0.0
    if s.hex:
        # hex: only the entropy says anything (vowels a/e are a third of its letters)
        return _clip((s.entropy_ratio - 0.7) / 0.25)
    score = _clip((s.entropy_ratio - 0.75) / 0.2)
    score *= _clip((0.55 - s.vowel_ratio) / 0.2)  # identifiers sit around 0.35-0.45, random around 0.2
    score *= _clip((0.7 - s.wordlike) / 0.3)  # words 0.7-1.0, random around 0.2
    if not s.digits:
        score *= 0.6  # letters only: camel-case words are the usual culprit
    return score


def _clip(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x


_HEXISH = frozenset("0123456789abcdefABCDEF")
# hex with at least one digit and one letter (all-digit runs are numbers, all-letter ones words)
_ODD_HEX_RE = re.compile(r"(?=[A-Fa-f]*[0-9])(?=[0-9]*[A-Fa-f])[0-9A-Fa-f]+")
_UUIDISH_RE = re.compile(r"[A-Za-z0-9]{7,9}-[A-Za-z0-9]{3,5}-[A-Za-z0-9]{3,5}-[A-Za-z0-9]{3,5}-[A-Za-z0-9]{10,14}")


def edited(token: str) -> bool:
    """A generated token with a character or group changed by hand: a near-miss, not a credential.

    Generators draw every character from one alphabet, so a value that is hex but for one
    or two letters, lower-case but for one or two capitals (or the reverse), or laid out
    as a UUID with a group of the wrong length, was edited (or mistyped) after the fact.
    The chance that a random base-36/62 string looks like this is below one in a thousand.
    Hex encodes whole bytes, two characters each: hex of odd length lost or gained a
    character (a truncated digest, a key cut short), so it is no key either. (Only a bare
    run: formats such as ``live_`` + 35 hex wrap an odd-length body in a label.)
    """
    if len(token) >= 12 and len(token) % 2 and _ODD_HEX_RE.fullmatch(token):
        return True
    core = "".join(c for c in strip_affixes(token) if c.isalnum())
    if len(core) < 16:
        return False
    off_hex = sum(c not in _HEXISH for c in core)
    if 0 < off_hex <= 2 and len(core) >= 24:
        return True
    lower = sum(c.islower() for c in core)
    upper = sum(c.isupper() for c in core)
    if 0 < min(lower, upper) <= (3 if max(lower, upper) >= 15 else 2) and max(lower, upper) >= 12:
        return True
    if _UUIDISH_RE.fullmatch(token) and not _UUID_RE.fullmatch(token):
        return token.count("-") == 4 and [len(g) for g in token.split("-")] != [8, 4, 4, 4, 12]
    return False
