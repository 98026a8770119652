"""Word-level helpers: content words, overlap, topic-opening cues and a token estimate.

They feed the drift model (both its embedding and its lexical-only variant) and the
window planner; they are deliberately cheap so the lexical fallback stays well under a
millisecond per message.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
_PIECE = re.compile(r"[A-Za-z0-9]+|[^\sA-Za-z0-9]", re.UNICODE)

# Function words carry no topic; dropping them makes overlap measure shared subject matter.
STOPWORDS = frozenset(
    """a about after again all also am an and any are as at be been being but by can could
    did do does doing don't for from get got had has have having he her here hers him his how
    i i'm if in into is it it's its just like me more much my no nor not now of oh ok okay on
    one only or our out over really she should so some such than that that's the their them
    then there they this those to too up us very was we well were what when where which who
    why will with would yeah yes you you're your lol haha""".split()
)

# Phrases people use to open a new subject ("what do you do for a living?", "by the way").
TOPIC_CUE = re.compile(
    r"\b(what(?:'s| is| are| do| kind| sort)|do you|have you|are you|how about|what about|"
    r"favorite|favourite|anyway|by the way|hobbies|for a living)\b",
    re.IGNORECASE,
)


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters and digits, inner apostrophes kept)."""
    return _WORD.findall(text.lower())


def content_words(text: str) -> frozenset[str]:
    """The topical words of ``text``: no stopwords, no one- or two-letter words."""
    # Stored turns are re-read on every message, so short texts are cached; long ones
    # are not, or the cache would pin megabytes of request text.
    return _cached_content_words(text) if len(text) <= 1000 else _content_words(text)


def _content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in words(text) if len(w) > 2 and w not in STOPWORDS)


_cached_content_words = lru_cache(maxsize=4096)(_content_words)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def coverage(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of ``a``'s content words that also occur in ``b`` (0 when ``a`` has none)."""
    return len(a & b) / len(a) if a else 0.0


def has_topic_cue(text: str) -> bool:
    return TOPIC_CUE.search(text) is not None


def estimate_tokens(text: str) -> int:
    """A tokenizer-free estimate of LLM tokens (cl100k-like; tokenguard gives exact counts).

    Short ASCII words are one token, long ones one per ~8 letters; every other
    non-space character (punctuation, CJK, emoji) counts as one, which errs high
    for CJK text, the safe side for a budget.
    """
    pieces = _PIECE.findall(text)
    # Only ASCII words reach 9 characters as one piece; everything else counts 1.
    return len(pieces) + sum((len(p) - 1) // 8 for p in pieces if len(p) > 8)


# Cues of a same-speaker follow-up (a client that sends only its user turns; the other
# side's reply is unseen). Continuation: the message leans on what came before — a
# pronoun or demonstrative in its first words, or an opening reaction. Shift: an announced
# change of subject, or a question put to the other side about themselves.
_ANAPHORA = re.compile(r"^\W*(?:[\w']+\W+){0,3}?(?:it|that|this|they|them|those|these|there|he|she|him|her|same)\b",
                       re.IGNORECASE)
_CONTINUATION = re.compile(
    r"^\W*(?:yes|yeah|yep|no|nope|nah|also|and|but|so|too|oh|well|lol|haha|me too|i agree|same|cool|nice|"
    r"wow|sure|true|right|really|exactly|great|thanks|thank you|that's|that is|sounds|i see|ok|okay)\b",
    re.IGNORECASE,
)
_SUBJECT_CHANGE = re.compile(
    r"\b(?:by the way|anyway|anyways|speaking of|on another note|(?:change|changing) the subject|"
    r"different note|other than that|tell me about|enough about)\b",
    re.IGNORECASE,
)
_ASKS_ABOUT_YOU = re.compile(
    r"\b(?:do you|are you|have you|did you|what do you|what is your|what's your|what are your|how about you|"
    r"what about you|where do you|how old|any hobbies|for a living|favorite|favourite)\b",
    re.IGNORECASE,
)
_SECOND_PERSON = re.compile(r"\b(?:you|your)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|my|me|mine|i've|i'd)\b", re.IGNORECASE)


def leans_back(text: str) -> bool:
    """A pronoun or demonstrative among the first words ("is it open late?", "what about that one")."""
    return _ANAPHORA.search(text) is not None


def opens_with_reaction(text: str) -> bool:
    """Starts like a reaction to what was just said ("yes", "oh", "also", "that's ...")."""
    return _CONTINUATION.search(text) is not None


def announces_new_subject(text: str) -> bool:
    return _SUBJECT_CHANGE.search(text) is not None


def asks_about_you(text: str) -> bool:
    return _ASKS_ABOUT_YOU.search(text) is not None


def person_rates(text: str) -> tuple[float, float]:
    """Shares of second-person and first-person words."""
    n = max(1, len(words(text)))
    return len(_SECOND_PERSON.findall(text)) / n, len(_FIRST_PERSON.findall(text)) / n
