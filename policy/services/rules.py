"""A guard's list entries prepared for matching once per process and config version.

Per finding the policy step asks: which block fingerprint, else which allow entry,
matches? Dictionaries answer the fingerprint and phrase questions in O(1), and one RE2
set answers for every allow regex in a single pass; block phrases and regexes are found
in the text with one RE2 set pass too, then located only where they matched. Prepared
matchers are cached by (tenant, guard, config version): any list change is a new version.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import re2

from policy.services.matching import compiled, normalise, options
from policy.services.snapshot import ListRule

_CACHE_SIZE = 1024


def _regex_set(rules: list[ListRule]) -> tuple[re2.Set | None, list[ListRule]]:
    """One RE2 set of the rules that compile, and the rules by their index in it."""
    kept = [r for r in rules if compiled(r.value) is not None]
    if not kept:
        return None, []
    regex_set = re2.Set.SearchSet(options())
    for rule in kept:
        regex_set.Add(rule.value)
    regex_set.Compile()
    return regex_set, kept


@dataclass(slots=True)
class RuleMatcher:
    block_fingerprints: dict[str, ListRule] = field(default_factory=dict)
    allow_fingerprints: dict[str, ListRule] = field(default_factory=dict)
    allow_phrases: dict[str, ListRule] = field(default_factory=dict)
    allow_regexes: tuple[re2.Set | None, list[ListRule]] = (None, [])
    block_phrases: list[ListRule] = field(default_factory=list)
    block_regexes: tuple[re2.Set | None, list[ListRule]] = (None, [])

    @classmethod
    def build(cls, rules: tuple[ListRule, ...]) -> RuleMatcher:
        matcher = cls()
        allow_regex, block_regex = [], []
        for rule in sorted(rules, key=lambda r: r.id):
            if rule.kind == "fingerprint":
                target = matcher.block_fingerprints if rule.action == "block" else matcher.allow_fingerprints
                target.setdefault(rule.value, rule)
            elif rule.kind == "phrase":
                if rule.action == "block":
                    matcher.block_phrases.append(rule)
                else:
                    matcher.allow_phrases.setdefault(normalise(rule.value), rule)
            elif rule.kind == "regex":
                (block_regex if rule.action == "block" else allow_regex).append(rule)
        matcher.allow_regexes, matcher.block_regexes = _regex_set(allow_regex), _regex_set(block_regex)
        return matcher

    def blocked(self, fingerprint: str) -> ListRule | None:
        return self.block_fingerprints.get(fingerprint)

    def allowed(self, text: str, fingerprint: str) -> ListRule | None:
        """The allow entry that suppresses a finding with this text and fingerprint, if any."""
        rule = self.allow_fingerprints.get(fingerprint) or self.allow_phrases.get(normalise(text))
        if rule is None and self.allow_regexes[0] is not None:
            hits = self.allow_regexes[0].Match(text)
            if hits:
                rule = self.allow_regexes[1][min(hits)]
        return rule

    def block_regexes_in(self, text: str) -> list[ListRule]:
        """The block regexes that match somewhere in ``text`` (one pass for all of them)."""
        regex_set, rules = self.block_regexes
        return [rules[i] for i in sorted(regex_set.Match(text) or ())] if regex_set is not None else []


_matchers: dict[tuple[int, str, int, int], RuleMatcher] = {}
_lock = threading.Lock()


def rule_matcher(*, tenant_id: int, guard: str, version: int, rules: tuple[ListRule, ...]) -> RuleMatcher:
    """The prepared matcher of these rules, built once per process and version."""
    key = (tenant_id, guard, version, len(rules))
    matcher = _matchers.get(key)
    if matcher is None:
        matcher = RuleMatcher.build(rules)
        with _lock:
            if len(_matchers) >= _CACHE_SIZE:
                _matchers.clear()
            _matchers[key] = matcher
    return matcher
