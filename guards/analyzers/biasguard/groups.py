"""Names of social groups (``data/groups.json``): who a generalisation is about.

Two matchers: ``group_re`` finds collective group nouns ("women", "poor people") that a
generalisation can be about; ``identity_re`` finds any identity word at all and decides
which sentences are worth the embedding model's time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


def _alternation(forms: list[str]) -> str:
    return "|".join(r"\s+".join(re.escape(w) for w in f.split()) for f in sorted(forms, key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class GroupMention:
    start: int
    end: int
    phrase: str
    category: str


class Groups:
    def __init__(self, path: Path = DATA / "groups.json") -> None:
        data = json.loads(path.read_text())
        self.category_of: dict[str, str] = {}
        for category, forms in data["groups"].items():
            for form in forms:
                # A phrase listed twice (e.g. "jews") keeps its first category.
                self.category_of.setdefault(" ".join(form.lower().split()), category)
        self.pattern = _alternation(list(self.category_of))
        self.group_re = re.compile(r"(?<![\w-])(?:" + self.pattern + r")(?![\w-])", re.IGNORECASE)
        self.identity_category: dict[str, str] = {
            k.lower(): v for k, v in data.get("identity_categories", {}).items()}
        self.identity_re = re.compile(
            r"(?<![\w-])(?:" + _alternation(data["identity_words"] + list(self.category_of)) + r")(?![\w-])",
            re.IGNORECASE,
        )

    def category(self, phrase: str) -> str:
        return self.category_of[" ".join(phrase.lower().split())]

    def mentions(self, text: str) -> list[GroupMention]:
        return [GroupMention(m.start(), m.end(), m.group(), self.category(m.group()))
                for m in self.group_re.finditer(text)]

    def mention_at(self, match: re.Match[str]) -> GroupMention:
        """A group or identity word found by :attr:`identity_re`, with its category."""
        key = " ".join(match.group().lower().split())
        category = self.category_of.get(key) or self.identity_category.get(key) or ""
        return GroupMention(match.start(), match.end(), match.group(), category)

    def first_identity(self, text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
        return self.identity_re.search(text, start, len(text) if end is None else end)


@lru_cache(maxsize=1)
def get_groups() -> Groups:
    return Groups()
