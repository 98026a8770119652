"""The text with neutral alternatives substituted, where that is safe to do blindly.

Only lexicon terms marked replaceable and pronouns whose verb agreement we can fix
("he is" -> "they are") are rewritten, and slurs are masked; everything else is left for the writer, since
a wrong automatic rewrite is worse than none.
"""

from __future__ import annotations

import re

from guards.analyzers.base import Finding
from guards.analyzers.biasguard.text import match_case, redact
from guards.analyzers.textscan import search_suffix

_AGREEMENT = {"is": "are", "was": "were", "has": "have", "does": "do", "isn't": "aren't", "wasn't": "weren't",
              "hasn't": "haven't", "doesn't": "don't", "'s": "'re"}
_MODALS = {"can", "could", "will", "would", "should", "shall", "must", "may", "might", "did", "didn't",
           "can't", "won't", "wouldn't", "shouldn't", "cannot", "needs", "had"}
_NEXT = re.compile(r"(\s*)('s|[\w']+)")
_ARTICLE = re.compile(r"\b(an?|An?|AN?)(\s+)$")


def neutral_text(text: str, findings: list[Finding]) -> str | None:
    """``text`` with the safe replacements applied, or None when there are none."""
    edits: list[tuple[int, int, str]] = []
    for finding in sorted(findings, key=lambda f: f.start or 0):
        alternative = finding.detail.get("alternative")
        if not alternative or finding.start is None or finding.end is None:
            continue
        if finding.type == "slur":
            # Never echoed, not even here; the writer chooses how to name the group.
            edit = (finding.start, finding.end, redact(text[finding.start:finding.end]))
        elif finding.type == "default_pronoun":
            edit = _pronoun_edit(text, finding, alternative)
        elif finding.detail.get("replaceable"):
            edit = _term_edit(text, finding.start, finding.end, alternative)
        else:
            edit = None
        if edit and (not edits or edit[0] >= edits[-1][1]):
            edits.append(edit)
    if not edits:
        return None
    out, pos = [], 0
    for start, end, value in edits:
        out += [text[pos:start], value]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _term_edit(text: str, start: int, end: int, alternative: str) -> tuple[int, int, str]:
    value = match_case(alternative, text[start:end])
    article = search_suffix(_ARTICLE, text, 0, start, 2)  # not a search of the whole text per term
    if article is not None:
        # "a young and energetic" -> "an energetic": the article follows the new word.
        wanted = "an" if value[:1].lower() in "aeiou" else "a"
        if article.group(1).lower() != wanted:
            return article.start(1), end, match_case(wanted, article.group(1)) + article.group(2) + value
    return start, end, value


def _pronoun_edit(text: str, finding: Finding, alternative: str) -> tuple[int, int, str] | None:
    original = text[finding.start:finding.end]
    if original.lower() not in ("he", "she"):
        return finding.start, finding.end, match_case(alternative, original)
    following = _NEXT.match(text, finding.end)
    if not following:
        return None
    verb = following.group(2).lower()
    if verb in _MODALS:
        return finding.start, finding.end, match_case(alternative, original)
    if verb in _AGREEMENT:
        return finding.start, following.end(), match_case(alternative, original) + (
            "" if verb == "'s" else following.group(1)) + _AGREEMENT[verb]
    return None  # "he writes" -> "they write" needs a conjugator; leave it to the writer
