"""Who a host really belongs to, and which well-known brand it pretends to be.

- :func:`registrable` cuts a host at its registrable domain with the Public Suffix
  List that the ``publicsuffixlist`` package ships (a dated snapshot inside the
  wheel; it never fetches anything), so ``paypal.com.secure-verify.ru`` belongs to
  ``secure-verify.ru`` and ``user.github.io`` to ``user.github.io``.
- :func:`impersonation` compares a host with the shipped list of commonly
  impersonated domains (``data/impersonated_domains.txt``): a look-alike spelling of
  a brand (edit distance, or the same *skeleton* once digits and confusable letters
  are read as the letters they imitate), a brand's own domain or name used as a
  subdomain of somebody else's domain, or a brand name inside another domain's name.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from pathlib import Path

from guards.analyzers.securityguard.unicode_text import CONFUSABLES

BRANDS_PATH = Path(__file__).parent / "data" / "impersonated_domains.txt"

# Link shorteners: the destination is unknown until someone follows the link.
SHORTENERS = frozenset({
    "bit.ly", "bitly.com", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "v.gd", "buff.ly", "rebrand.ly",
    "cutt.ly", "shorturl.at", "tiny.cc", "rb.gy", "t.ly", "bl.ink", "s.id", "lnkd.in", "db.tt", "qr.ae",
    "adf.ly", "shorte.st", "x.co", "soo.gd", "tiny.one", "short.io", "surl.li", "clck.ru", "u.to",
})
# Words phishing hosts add to a brand name to look like its sign-in or billing page.
LURE_WORDS = frozenset({
    "login", "logon", "signin", "sign", "verify", "verification", "secure", "security", "account", "accounts",
    "update", "confirm", "billing", "wallet", "password", "unlock", "suspended", "locked", "support", "auth",
    "recover", "recovery", "refund", "invoice", "payment", "webscr", "session", "validate", "alert", "service",
    "helpdesk", "customer", "reset", "claim", "prize", "gift", "bonus", "promo",
})

# Letters (and pairs) that read as another letter at a glance: the skeleton of a name.
_SKELETON_PAIRS = (("rn", "m"), ("vv", "w"), ("cl", "d"))
_SKELETON_TABLE = str.maketrans({**CONFUSABLES, "0": "o", "1": "l", "i": "l", "|": "l", "3": "e", "4": "a",
                                 "5": "s", "7": "t", "8": "b", "9": "g", "-": None, "_": None})

MIN_TOKEN = 4  # a brand name shorter than this ("ups", "ing") only counts as a whole domain
MIN_FUZZY = 6  # edit distance is only trusted on names at least this long ("adobe" is one edit from "abode")


def skeleton(name: str) -> str:
    """``name`` as it reads at a glance: confusables and digits as letters, ``rn`` as ``m``, no hyphens."""
    out = name.lower()
    for pair, single in _SKELETON_PAIRS:
        out = out.replace(pair, single)
    return out.translate(_SKELETON_TABLE)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count one), or ``limit + 1`` once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


@dataclass(frozen=True, slots=True)
class Impersonation:
    kind: str  # lookalike_domain | brand_in_subdomain | brand_in_domain
    brand: str  # the registered domain imitated
    how: str  # what matched: "skeleton", "edit distance 1", "domain as subdomain", ...
    lure: bool  # the host also carries a sign-in/billing lure word
    whole_domain: bool = False  # the brand's full domain appears (paypal.com.evil.example), not just its name


class _Index:
    """The public-suffix list and the brand table, built once per process."""

    def __init__(self) -> None:
        from publicsuffixlist import PublicSuffixList

        self.psl = PublicSuffixList()  # the snapshot bundled in the wheel; no network
        self.official: set[str] = set()
        self.labels: dict[str, str] = {}  # brand name (registrable label) -> its domain
        self.skeletons: dict[str, str] = {}
        for line in BRANDS_PATH.read_text(encoding="utf-8").splitlines():
            domain = line.strip().lower()
            if not domain or domain.startswith("#"):
                continue
            reg = self.psl.privatesuffix(domain) or domain
            self.official.add(reg)
            label = reg.split(".", 1)[0]
            self.labels.setdefault(label, reg)
            self.skeletons.setdefault(skeleton(label), reg)


_lock = threading.Lock()
_index: _Index | None = None


def index() -> _Index:
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                _index = _Index()
    return _index


def registrable(host: str) -> str | None:
    """The registrable domain of ``host`` (``a.b.example.co.uk`` -> ``example.co.uk``), None for bare suffixes."""
    return index().psl.privatesuffix(host.lower().rstrip("."))


def is_shortener(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host in SHORTENERS or (registrable(host) or "") in SHORTENERS


def _tokens(label: str) -> list[str]:
    return [t for t in label.replace("_", "-").split("-") if t]


@functools.lru_cache(maxsize=4096)  # a page repeats the same few hosts
def impersonation(host: str) -> Impersonation | None:
    """The brand ``host`` imitates, if any; None for a brand's own domains and for unrelated hosts."""
    idx = index()
    host = host.lower().rstrip(".")
    reg = registrable(host)
    if not reg or reg in idx.official:
        return None
    sub = host[: -len(reg)].rstrip(".")
    words = {w for part in host.split(".") for w in _tokens(part)}
    lure = bool(words & LURE_WORDS)
    # A brand's whole domain as subdomain labels: paypal.com.secure-verify.ru
    if sub:
        padded = f".{sub}."
        for brand in idx.official:
            if f".{brand}." in padded:
                return Impersonation("brand_in_subdomain", brand, "brand domain used as a subdomain", lure, True)
    label = reg.split(".", 1)[0]
    candidates = [label, *(_tokens(label) if "-" in label or "_" in label else [])]
    for cand in candidates:
        brand = _lookalike_of(cand, idx)
        if brand:
            return Impersonation("lookalike_domain", brand[0], brand[1], lure)
    # Short names ("dhl", "ups") only count next to a lure word: alone they are too common.
    shortest = 3 if lure else MIN_TOKEN
    if sub:
        for part in sub.split("."):
            for tok in {part, *_tokens(part)}:
                if len(tok) >= shortest and tok in idx.labels:
                    return Impersonation("brand_in_subdomain", idx.labels[tok], "brand name used as a subdomain", lure)
    for tok in _tokens(label):
        if tok != label and len(tok) >= shortest and tok in idx.labels:
            return Impersonation("brand_in_domain", idx.labels[tok], "brand name inside another domain", lure)
    return None


def _lookalike_of(cand: str, idx: _Index) -> tuple[str, str] | None:
    if cand in idx.labels:
        return None  # the brand's own name on another suffix (amazon.fr): brands register those themselves
    skel = skeleton(cand)
    if len(skel) >= MIN_TOKEN and skel in idx.skeletons:
        return idx.skeletons[skel], "reads as the brand name (look-alike characters)"
    if len(cand) < MIN_FUZZY - 1:
        return None
    for name, domain in idx.labels.items():
        if len(name) < MIN_FUZZY:
            continue
        limit = 2 if len(name) >= 9 else 1
        distance = edit_distance(cand, name, limit)
        if distance <= limit:
            return domain, f"{distance} edit(s) from the brand name"
    return None
