""""He" (or "she") as the default pronoun for an unspecified person.

"Each user must confirm his email" assumes every user is a man. The detector looks for
a generic antecedent ("each user", "a candidate", "anyone"; not "the manager", who is
usually a known person) and a gendered pronoun in
the same or the next sentence that refers back to it, and suggests the singular
"they". A named person or a gendered noun in between means the pronoun has a real
referent, so nothing is reported; so does a definite person in between ("Every developer
commits code. Then the manager reviews his changes": "his" is the manager's).
"""

from __future__ import annotations

import re

from guards.analyzers.base import Finding
from guards.analyzers.biasguard.categories import GENDER
from guards.analyzers.biasguard.scoring import SEVERITY_SCORES

_ROLES = (
    "user|employee|customer|client|student|applicant|candidate|developer|programmer|engineer|doctor|"
    "nurse|patient|reader|member|manager|worker|person|individual|participant|player|visitor|author|"
    "writer|researcher|scientist|teacher|driver|citizen|voter|subscriber|owner|admin|administrator|"
    "operator|contributor|caller|buyer|seller|tenant|child|guest|pilot|lawyer|officer|professor|"
    "secretary|assistant|staff\\s+member|team\\s+member|volunteer|consumer|patron|resident|learner|"
    "newcomer|hire|recruit|attendee|speaker|traveller|traveler|investor|founder|ceo|boss|supervisor|"
    "judge|surgeon|physician|architect|accountant|clerk|agent|representative|maintainer|reviewer"
)
_ANTECEDENT = re.compile(
    r"\b(?:(?:each|every|any|a|an|no|one|whichever|whatever)\s+(?:new\s+|single\s+|individual\s+|"
    r"typical\s+|average\s+|good\s+|prospective\s+|successful\s+|qualified\s+)?(?:" + _ROLES + r")s?"
    r"|everyone|everybody|anyone|anybody|someone|somebody|no\s+one|nobody|whoever)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(he|him|his|himself|she|her|hers|herself)\b", re.IGNORECASE)
# "he or she", "his/her", "s/he": already inclusive, not a default.
_INCLUSIVE = re.compile(r"\b(?:he|she|his|her|him)\s*(?:/|\bor\b|\band\b)\s*(?:she|he|her|his|him)\b|\bs/he\b",
                        re.IGNORECASE)
_GENDERED_REFERENT = re.compile(
    r"\b(?:man|men|woman|women|boy|girl|guy|gentleman|lady|father|mother|husband|wife|son|daughter|"
    r"brother|sister|king|queen|actor|actress|mr|mrs|ms|sir|madam|male|female|boyfriend|girlfriend)\b",
    re.IGNORECASE,
)
# "the manager", "my doctor": a particular, known person, nearer than the generic antecedent.
_DEFINITE_PERSON = re.compile(r"\b(?:the|this|that|my|our|your|their)\s+(?:" + _ROLES + r")\b", re.IGNORECASE)
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+\b")
_NOT_NAMES = {"I", "The", "A", "An", "Each", "Every", "Any", "If", "When", "Then", "They", "He", "She",
              "His", "Her", "It", "This", "That", "In", "On", "For", "To", "And", "But", "Or"}
_REPLACEMENTS = {"he": "they", "him": "them", "his": "their", "himself": "themselves",
                 "she": "they", "hers": "theirs", "herself": "themselves"}
_SCOPE = re.compile(r"[.!?](?:\s|$)")
# "He is a nurse and his wife ...": "a nurse" after a copula says what someone already named is;
# it is not a generic person for a later pronoun to stand for.
_PREDICATE = re.compile(
    r"\b(?:is|was|am|are|were|be|been|being|became|become|becomes|remains|remained|works\s+as|worked\s+as"
    r"|trained\s+as|serves\s+as|served\s+as)\s+(?:(?:also|now|still|already|just|only|really|not)\s+)?$|'s\s+$",
    re.IGNORECASE,
)


def _scope_end(text: str, start: int) -> int:
    """End of the sentence after the antecedent's own: how far a pronoun may refer back."""
    end = start
    for _ in range(2):
        match = _SCOPE.search(text, end)
        if match is None:
            return len(text)
        end = match.end()
    return end


def _alternative(text: str, match: re.Match[str]) -> str:
    word = match.group().lower()
    if word == "her":
        # Possessive "her" is followed by a noun phrase; object "her" by punctuation or a verb particle.
        rest = text[match.end():match.end() + 20].lstrip()
        following = re.match(r"[a-z]+", rest)
        return "their" if following and following.group() not in {"to", "and", "or", "in", "on", "at",
                                                                    "with", "for", "that", "if"} else "them"
    return _REPLACEMENTS[word]


def scan(text: str) -> list[Finding]:
    """Findings for gendered pronouns that refer back to a generic person."""
    inclusive = [m.span() for m in _INCLUSIVE.finditer(text)]
    findings: list[Finding] = []
    seen: set[int] = set()
    for antecedent in _ANTECEDENT.finditer(text):
        if _GENDERED_REFERENT.search(text, max(0, antecedent.start() - 12), antecedent.start()):
            continue  # "each male user": the gender is stated, not assumed
        if re.match(r"an?\s", antecedent.group(), re.IGNORECASE) and _PREDICATE.search(
                text, max(0, antecedent.start() - 24), antecedent.start()):
            continue  # "she is a doctor": a predicate about someone named, not a generic person
        end = _scope_end(text, antecedent.end())
        for pronoun in _PRONOUN.finditer(text, antecedent.end(), end):
            between = text[antecedent.end():pronoun.start()]
            if _GENDERED_REFERENT.search(between) or _DEFINITE_PERSON.search(between) or any(
                name.group() not in _NOT_NAMES for name in _NAME.finditer(between)
            ):
                break  # the pronoun has a nearer, real referent
            if pronoun.start() in seen or any(s <= pronoun.start() < e for s, e in inclusive):
                continue
            seen.add(pronoun.start())
            alternative = _alternative(text, pronoun)
            findings.append(Finding(
                type="default_pronoun", category=GENDER, severity="low", score=SEVERITY_SCORES["low"],
                start=pronoun.start(), end=pronoun.end(), evidence=pronoun.group(),
                message=(f"\u201c{pronoun.group()}\u201d refers to an unspecified person "
                         f"(\u201c{antecedent.group()}\u201d); the singular \u201c{alternative}\u201d "
                         "does not assume their gender."),
                detail={"alternative": alternative, "antecedent": antecedent.group(),
                        "antecedent_start": antecedent.start(), "detector": "pronouns",
                        "style": True},
            ))
    findings.sort(key=lambda f: f.start or 0)
    return findings
