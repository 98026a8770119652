"""Provider rules by family; ``RULES`` is the order they run in (earlier rules win overlaps)."""

from __future__ import annotations

from guards.analyzers.securityguard.secrets.providers import (
    ai,
    apis,
    cloud,
    communication,
    connection,
    data_platforms,
    keys,
    payments,
    registries,
    saas,
    source_hosting,
)
from guards.analyzers.securityguard.secrets.rules import Anchored, Rule

_MODULES = (keys, cloud, source_hosting, payments, communication, ai, registries, saas, data_platforms, apis, connection)

RULES: tuple[Rule, ...] = tuple(rule for module in _MODULES for rule in module.RULES)
ANCHORED: tuple[Anchored, ...] = tuple(rule for module in _MODULES for rule in getattr(module, "ANCHORED", ()))
# Literal prefixes that name an issuer: a token that starts with one but fits none of the
# issuer's formats is a malformed key, not a secret of unknown kind. EXACT ones come from
# formats documented to the character (ghp_ + 36); for the others a long random value after
# the prefix may be a format revision we do not know, so only short or patterned ones are
# dropped. (Short generic heads such as "api-" or "key-" name no one and do not count.)
EXACT_PREFIXES: tuple[str, ...] = tuple(sorted({p for r in RULES if r.exact for p in r.prefixes}, key=len,
                                               reverse=True))
KNOWN_PREFIXES: tuple[str, ...] = tuple(sorted({p for r in RULES for p in r.prefixes if len(p) >= 5}, key=len,
                                               reverse=True))
LABELS: dict[str, str] = {}
for _rule in (*RULES, *ANCHORED):
    LABELS.setdefault(_rule.type, _rule.label)
# hint -> indices of the rules it unlocks; a rule without hints always runs
HINTS: dict[str, tuple[int, ...]] = {}
for _i, _rule in enumerate(RULES):
    for _hint in _rule.hints:
        HINTS[_hint] = (*HINTS.get(_hint, ()), _i)
UNHINTED: tuple[int, ...] = tuple(i for i, r in enumerate(RULES) if not r.hints)
LOWER_HINTS: tuple[tuple[str, tuple[int, ...]], ...] = tuple((h, i) for h, i in HINTS.items() if h.islower())
EXACT_HINTS: tuple[tuple[str, tuple[int, ...]], ...] = tuple((h, i) for h, i in HINTS.items() if not h.islower())
