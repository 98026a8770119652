"""Who a sentence is about: a whole group, or particular people.

"Women are too emotional to lead" says something about every woman; "The nurse said she
would check on the patient" says something about one nurse, and her pronoun is simply
her pronoun. The stereotype model reads meaning, not grammar, so it cannot tell these
apart on its own (occupations and pronouns sit close to CrowS-Pairs' stereotype
sentences in embedding space). This module reads the shallow syntax that does:

- a **generic group subject**: a group noun ("women", "gay people", "the poor"), bare
  or under a quantifier ("all", "most", "these"), opening a clause and followed by a
  present-tense, modal or copular verb: "X are ...", "X shouldn't be allowed ...",
  "all X ..." (a past-tense event, "Women attended the meeting", is a report, not a
  generalisation);
- a **specific subject**: a definite or possessive noun phrase ("the doctor",
  "my grandmother"), a name or a personal pronoun opening the sentence;
- an **anchor**: any group or identity word at all ("Black", "gay", "old").

Occupation words are deliberately not groups: "the developer" is a person.
Everything here is a handful of linear-time regex scans per sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from guards.analyzers.biasguard.groups import GroupMention, Groups

# Words that open a noun phrase about particular, already-known people.
_DETERMINERS = (
    r"the|this|that|my|our|your|his|her|their|its|a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"\d+|several|both|each|either|neither|no|some|few|whose"
)
# Quantifiers that make a following group noun generic ("all women", "most immigrants").
_QUANTIFIERS = r"all|most|many|these|those|typical|every|all\s+the|most\s+of\s+the|all\s+of\s+the|so\s+many"
# A clause may open after these: framing ("I think"), a conjunction, or punctuation.
_CLAUSE_OPENERS = (
    r"^|[,;:(\-\u2013\u2014]\s*|\b(?:and|but|or|because|since|so|that|if|when|while|as|although|though|"
    r"think|believe|know|knows|feel|say|says|honestly|frankly|clearly|obviously|basically|seriously|"
    r"everyone\s+knows|we\s+all\s+know|face\s+it|let's\s+be\s+honest)\s+"
)
# After the group: optional adverbs, then a verb in the present (plural subjects take the
# bare form, so any word will do) - unless the word shows the clause is not a generic
# statement about the group: a past tense ("Women attended ..."), a preposition or
# possessive ("women in the study", "women's team"), a conjunction continuing the noun
# phrase ("women and children"), or a number.
_ADVERBS = (r"really|just|all|always|never|only|simply|generally|usually|naturally|basically|clearly|obviously|"
            r"also|still|definitely|probably|often|mostly|typically|inherently|truly|actually|sometimes")
_NOT_A_PRESENT_VERB = (
    r"was|were|had|did|went|came|said|told|got|made|took|gave|saw|found|left|met|won|lost|ran|became|began|"
    r"brought|bought|sold|wrote|spoke|stood|sat|held|kept|led|paid|sent|spent|built|fought|taught|thought|"
    r"[a-z]+ed|in|on|at|of|for|from|with|without|by|to|into|about|after|before|during|under|over|between|"
    r"and|or|nor|'s|\u2019s|s|who|whom|whose|which|than|as|like|,|\d+"
)
_GENERIC_VERB = re.compile(
    r"\s*(?:(?:" + _ADVERBS + r")\s+)*(?!(?:" + _NOT_A_PRESENT_VERB + r")\b)[a-z][a-z']*\b",
    re.IGNORECASE,
)
_SPECIFIC_START = re.compile(
    r"^[\s\"'\u201c(]*(?:(?:the|this|that|my|our|your|his|her|their)\s+(?!(?:poor|rich|elderly|disabled|"
    r"blind|deaf|homeless|young|old|french|british|irish|chinese|english|dutch|swiss|japanese)\b)"
    r"[a-z][\w-]*(?!s\b)\b|(?:he|she|i|we|you|it)\b|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s+(?!are\b)"
    r"(?:[a-z]+ed|was|is|has|had|said|told|went|got|made|took|gave|saw|came|asked|wants|needs|buys|"
    r"bought|sold|sells|earns|earned|works|worked|can|will|would|did|does|decided|loves|likes|lives|runs|ran)\b)",
    re.IGNORECASE,
)
_DETERMINER_BEFORE = re.compile(r"\b(?:" + _DETERMINERS + r")\s+(?:[\w-]+\s+)?$", re.IGNORECASE)
_QUANTIFIER_BEFORE = re.compile(r"\b(?:" + _QUANTIFIERS + r")\s+(?:of\s+)?$", re.IGNORECASE)
_OPENER_BEFORE = re.compile(r"(?:" + _CLAUSE_OPENERS + r")$", re.IGNORECASE)
_GENDERED_PRONOUN = re.compile(r"\b(?:he|him|his|himself|she|her|hers|herself)\b", re.IGNORECASE)
_PEOPLE = re.compile(r"\s+people\b", re.IGNORECASE)
_LOOKBEHIND = 40  # characters before a group word that decide how it is used
# Particular people named by their job or role ("the mechanic", "her lawyer", "a client").
# A sentence with two of them and a pronoun is a scene between those two people: the
# pronoun says which of them did what, not what a group is like.
_ROLES = (
    r"accountants?|analysts?|architects?|assistants?|attendants?|auditors?|bakers?|bankers?|barbers?|bartenders?|"
    r"bosses|boss|cashiers?|ceos?|chefs?|cleaners?|clerks?|clients?|coaches|coach|colleagues?|cooks?|"
    r"counsell?ors?|carpenters?|construction\s+workers?|customers?|dentists?|designers?|developers?|doctors?|"
    r"drivers?|editors?|electricians?|employees?|employers?|engineers?|farmers?|firefighters?|guards?|"
    r"guests?|hairdressers?|housekeepers?|instructors?|interns?|janitors?|journalists?|judges?|laborers?|labourers?|"
    r"landlords?|lawyers?|librarians?|managers?|mechanics?|movers?|neighbou?rs?|nurses?|officers?|painters?|"
    r"paralegals?|passengers?|patients?|pharmacists?|physicians?|pilots?|plumbers?|professors?|programmers?|"
    r"receptionists?|salesperson|salespeople|scientists?|secretaries|secretary|sheriffs?|soldiers?|"
    r"students?|supervisors?|surgeons?|tailors?|teachers?|technicians?|tenants?|therapists?|"
    r"veterinarians?|visitors?|volunteers?|waiters?|waitress(?:es)?|workers?|writers?"
)
_ROLE_PHRASE = re.compile(
    r"\b(?:the|a|an|this|that|my|our|your|his|her|their|its)\s+(?:[a-z-]+\s+)?(?:" + _ROLES + r")\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Referents:
    """What one sentence is about, as features the stereotype model stacks."""

    generic: GroupMention | None  # a group spoken of as a whole, in subject position
    anchor: GroupMention | None  # the first group or identity word, if any
    specific: bool  # the sentence opens with a particular person or thing
    gendered_pronoun: bool
    categories: tuple[str, ...] = ()  # of every group or identity word in the sentence
    roles: int = 0  # particular people named by job or role ("the mechanic", "a client"), counted to 2

    @property
    def about_group(self) -> bool:
        return self.generic is not None

    @property
    def scene(self) -> bool:
        """Two particular people named by role and no group or identity word: a scene between them."""
        return self.roles >= 2 and self.anchor is None and self.generic is None

    def features(self) -> list[float]:
        """Numeric features, in the order the trained stack expects (see ``FEATURES``)."""
        return [float(self.generic is not None), float(self.anchor is not None),
                float(self.specific and self.generic is None),
                float(self.gendered_pronoun and self.anchor is None)]


FEATURES = ("generic_group_subject", "names_group_or_identity", "specific_subject", "pronoun_only")


def generic_subject(groups: Groups, sentence: str) -> GroupMention | None:
    """The first group noun used as the generic subject of a clause in ``sentence``."""
    for mention in groups.mentions(sentence):
        before = sentence[max(0, mention.start - _LOOKBEHIND):mention.start]
        phrase = mention.phrase.lower()
        if _QUANTIFIER_BEFORE.search(before):
            pass  # "all women", "most of the immigrants": generic whatever follows
        elif phrase.startswith("the ") and _OPENER_BEFORE.search(before):
            pass  # "the poor", "the elderly": the article is part of the group name
        elif _DETERMINER_BEFORE.search(before) or not _OPENER_BEFORE.search(before):
            continue  # "my gay friends", "two women", "met some women": particular people
        # Positions, not slices: a sentence of 200 KB with thousands of group words stays linear.
        people = _PEOPLE.match(sentence, mention.end)
        if _GENERIC_VERB.match(sentence, people.end() if people else mention.end):
            return mention
    return None


# Identity words used as plain descriptors of no person: a colour of an animal or a thing
# ("a black lab", "white wine") and "man" as an interjection ("Rock never gets old, man.").
_THINGS = (
    r"labs?|labradors?|retrievers?|cats?|dogs?|kittens?|puppy|puppies|horses?|ponies|pony|birds?|bears?|"
    r"paint|ink|coffee|tea|wine|bread|rice|beans?|pepper|sauce|chocolate|car|cars|truck|trucks|shirts?|"
    r"dress(?:es)?|shoes?|boots?|jackets?|coats?|hats?|socks?|belts?|ties?|board|boards|walls?|"
    r"paper|sand|smoke|clouds?|holes?|friday|tie|pieces?|keys?|squares?|stones?"
)
_DESCRIPTOR = re.compile(r"(?:black|white|brown)(?:\s+and\s+(?:black|white|brown))?\s+(?:" + _THINGS + r")\b",
                         re.IGNORECASE)
_INTERJECTION_AFTER = re.compile(r"\s*(?:[.!?]|$)")  # "..., man."
_OPENING_BEFORE = re.compile(r"^[\s\"']*(?:(?:oh|aw|ah)\s+)?$", re.IGNORECASE)  # "Man, ...", "Oh man!"
_OPENING_AFTER = re.compile(r"\s*[,!]")


def _descriptor(sentence: str, match: re.Match[str]) -> bool:
    """Whether the identity word at ``match`` describes no person (see ``_DESCRIPTOR``).

    Positions, not slices of the sentence before the word: linear in a long sentence with
    thousands of "man".
    """
    word = match.group().lower()
    if word == "man":
        i = match.start()
        while i > 0 and sentence[i - 1].isspace():
            i -= 1
        after_comma = i > 0 and sentence[i - 1] == ","
        return bool((after_comma and _INTERJECTION_AFTER.match(sentence, match.end()))
                    or (_OPENING_BEFORE.match(sentence, 0, match.start())
                        and _OPENING_AFTER.match(sentence, match.end())))
    return word in ("black", "white", "brown") and bool(_DESCRIPTOR.match(sentence, match.start()))


def referents(groups: Groups, sentence: str) -> Referents:
    """Read who ``sentence`` is about (see the module docstring)."""
    mentions = [groups.mention_at(m) for m in groups.identity_re.finditer(sentence) if not _descriptor(sentence, m)]
    anchor = mentions[0] if mentions else None
    return Referents(
        generic=generic_subject(groups, sentence),
        anchor=anchor,
        specific=bool(_SPECIFIC_START.match(sentence)),
        gendered_pronoun=bool(_GENDERED_PRONOUN.search(sentence)),
        categories=tuple(dict.fromkeys(m.category for m in mentions if m.category)),
        roles=_count(_ROLE_PHRASE, sentence, 2),
    )


def _count(pattern: re.Pattern[str], text: str, most: int) -> int:
    found = 0
    for _ in pattern.finditer(text):
        found += 1
        if found >= most:
            break
    return found
