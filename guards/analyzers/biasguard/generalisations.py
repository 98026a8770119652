"""Sweeping claims about a whole group, found by sentence pattern.

"All X are Y", "X (people) always ...", "women can't ...": a group noun in subject
position followed by a universal quantifier, an essentialising adverb, an ability
claim or a trait word. Each match is scored by how sweeping it is, then discounted
by its frame (negated, quoted, reported; see :mod:`context`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from guards.analyzers.biasguard import context
from guards.analyzers.biasguard.groups import Groups
from guards.analyzers.biasguard.text import Span

_TRAITS = (
    r"lazy|stupid|dumb|dirty|violent|criminals?|terrorists?|thieves|greedy|cheap|stingy|weak|emotional|"
    r"hysterical|irrational|aggressive|dangerous|inferior|savages?|animals|uneducated|ignorant|sneaky|"
    r"untrustworthy|dishonest|liars|loud|smelly|ugly|fat|evil|disgusting|parasites|a\s+burden|useless|"
    r"incompetent|slow|primitive|backward|rapists|drunks|alcoholics|nerds|submissive|bossy|naive|"
    r"good\s+at\s+\w+|bad\s+at\s+\w+|terrible\s+at\s+\w+|better\s+at\s+\w+|worse\s+at\s+\w+|"
    r"(?:bad|terrible|awful|horrible|worse)\s+drivers|too\s+\w+\s+to|not\s+smart|not\s+capable|"
    r"incapable|unable|unfit|unqualified|freeloaders|moochers|welfare\s+cheats|gold\s+diggers|"
    r"hypocrites|crooks|frauds|cowards|fanatics|extremists|barbaric|uncivili[sz]ed|stubborn|promiscuous|"
    r"perverts|predators|sluts|whores|dirty|thugs|gangsters|drug\s+dealers|illiterate|poor\s+\w+"
)
_ESSENTIAL = (
    r"(?:are|is)\s+(?:all|always|never|so|naturally|inherently|just|basically|genetically|born|only\s+good|"
    r"all\s+the\s+same|the\s+same)|always|never|can't|cannot|can\s+not|can\s+never|could\s+never|"
    r"don't\s+know\s+how|do\s+not\s+know\s+how|shouldn't\s+be\s+allowed|should\s+not\s+be\s+allowed|"
    r"should\s+stay|belong\s+in|tend\s+to|are\s+known\s+for|are\s+prone\s+to|are\s+incapable|"
    r"are\s+all|all\s+(?:are|have|do|want|look|think|act)|ruin|are\s+ruining|are\s+destroying|"
    r"only\s+care|only\s+want|will\s+never|are\s+not\s+capable|aren't\s+capable"
)
_QUANTIFIERS = r"all|every|most|typical|you|those|these|the\s+typical|all\s+the"


@dataclass(frozen=True, slots=True)
class Generalisation:
    start: int
    end: int
    group: str
    category: str
    strength: float  # how sweeping the wording is, before the frame discount
    reason: str
    frame: context.Frame

    @property
    def score(self) -> float:
        return self.strength * self.frame.factor


class GeneralisationPatterns:
    """Compiled patterns over one group lexicon."""

    def __init__(self, groups: Groups) -> None:
        g = r"(?P<group>" + groups.pattern + r")(?:\s+people)?"
        tail = r"(?P<rest>[^.!?;\n\"\u201d\u00bb]*)"  # a claim ends at its sentence or closing quote
        flags = re.IGNORECASE
        self._groups = groups
        self._patterns: list[tuple[re.Pattern[str], float, str]] = [
            (re.compile(r"(?<![\w-])(?:" + _QUANTIFIERS + r")\s+(?:of\s+(?:the|those|these)\s+)?" + g
                        + r"\s+(?:are|is|were)\s+(?:(?:so|very|really|too|just|usually|mostly|all)\s+)?(?:"
                        + _TRAITS + r")\b" + tail, flags), 0.9, "quantified_trait"),
            (re.compile(r"(?<![\w-])" + g + r"\s+(?:are|is|were)\s+(?:(?:so|very|really|too|all|just|usually|"
                        r"mostly|naturally|inherently|always|basically)\s+)?(?:" + _TRAITS + r")\b" + tail,
                        flags), 0.8, "trait"),
            (re.compile(r"(?<![\w-])(?:(?:" + _QUANTIFIERS + r")\s+(?:of\s+(?:the|those|these)\s+)?)?" + g
                        + r"\s+(?:" + _ESSENTIAL + r")\b" + tail, flags), 0.7, "essentialising"),
            (re.compile(r"(?<![\w-])(?:all|every)\s+(?:of\s+(?:the|those|these)\s+)?" + g
                        + r"\s+(?:are|is|have|do|want|will|should|must|need|hate|love)\b" + tail, flags),
             0.6, "universal"),
            (re.compile(r"\b(?:typical\s+of|like\s+all|just\s+like\s+all|that's\s+what)\s+" + g + r"\b" + tail,
                        flags), 0.6, "typifying"),
        ]

    def strength(self, sentence: str) -> float:
        """How sweeping the strongest pattern in ``sentence`` is (0 when none matches), frame aside."""
        return max((strength for pattern, strength, _ in self._patterns if pattern.search(sentence)), default=0.0)

    def scan(self, text: str, sentence: Span, quotes: list[tuple[int, int]]) -> list[Generalisation]:
        """Generalisations in one sentence (offsets into ``text``), strongest first per span."""
        found: list[Generalisation] = []
        for pattern, strength, reason in self._patterns:
            for match in pattern.finditer(sentence.value):
                start = sentence.start + match.start()
                end = sentence.start + match.end("rest") if match.group("rest").strip() else (
                    sentence.start + match.end())
                end = _trim_end(text, start, end)
                if any(start < g.end and g.start < end for g in found):
                    continue  # a stronger pattern already covers this claim
                frame = context.frame_of(text, start, end, sentence_start=sentence.start,
                                         sentence_end=sentence.end, quotes=quotes)
                group = match.group("group")
                found.append(Generalisation(start, end, group, self._groups.category(group),
                                            strength, reason, frame))
        return found


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",:-\"'”\u2019"):
        end -= 1
    return end
