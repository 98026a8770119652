"""The reference material of one request (sources, or the prompt), indexed once for every claim."""

from __future__ import annotations

from dataclasses import dataclass, field

from guards.analyzers.trustguard.text import Span, capitalised_words, number_values, sentences, tokens


@dataclass(frozen=True, slots=True)
class EvidenceSentence:
    passage: int  # index into ``sources``; -1 for the prompt
    span: Span
    stems: frozenset[str]


@dataclass(slots=True)
class Evidence:
    """The reference material of one request, indexed once."""

    sentences: list[EvidenceSentence]
    stems: frozenset[str]
    numbers: frozenset[str]
    prompt_stems: frozenset[str]
    prompt_sentences: list[EvidenceSentence]  # empty when the prompt is itself the reference
    known_names: frozenset[str]  # words the reference writes capitalised mid-sentence
    from_prompt: bool  # no sources were given: the prompt is the reference
    pairs: frozenset[tuple[str, str]] = frozenset()  # adjacent content stems, in order
    by_stem: dict[str, list[int]] = field(default_factory=dict)  # stem -> sentences holding it

    def __post_init__(self) -> None:
        for i, item in enumerate(self.sentences):
            for s in item.stems:
                self.by_stem.setdefault(s, []).append(i)


_EVIDENCE_REACH = 3


def build_evidence(prompt: str, sources: list[str]) -> Evidence:
    """Index the sources (or, when there are none, what the prompt states) sentence by sentence.

    A question states nothing: "What is the capital of Australia?" neither confirms nor
    denies an answer, so without sources only the prompt's statements are evidence.
    """
    from_prompt = not any(s.strip() for s in sources)
    items: list[EvidenceSentence] = []
    all_numbers: set[str] = set()
    if from_prompt:
        items = [item for item in _index_sentences(-1, prompt) if not _is_question(item.span.text)]
        for item in items:
            all_numbers |= number_values(item.span.text)
    for index, passage in [] if from_prompt else enumerate(sources):
        all_numbers |= number_values(passage)
        items.extend(_index_sentences(index, passage))
    all_stems = frozenset().union(*(item.stems for item in items))
    prompt_stems = frozenset(t.stem for t in tokens(prompt) if t.is_content)
    prompt_items = [] if from_prompt else _index_sentences(-1, prompt)
    known = capitalised_words("\n".join([prompt, *sources]))
    pairs = frozenset(p for item in items for p in content_pairs(item.span.text, reach=_EVIDENCE_REACH))
    return Evidence(items, all_stems, frozenset(all_numbers), prompt_stems, prompt_items, known, from_prompt, pairs)


def content_pairs(text: str, *, reach: int = 1) -> set[tuple[str, str]]:
    """Ordered content-stem pairs at most ``reach`` content words apart ("john brown").

    The evidence side uses a longer reach, so a claim that drops a word from a source
    phrase ("moved to Thursday" from "moved from Monday to Thursday") still matches.
    """
    stems = [t.stem for t in tokens(text) if t.is_content or t.lower.isdigit()]
    return {(a, b) for i, a in enumerate(stems) for b in stems[i + 1 : i + 1 + reach]}


def _is_question(sentence: str) -> bool:
    return sentence.rstrip("\"'\u201d\u2019)] ").endswith("?")


# A sign says the word: "$1.5 million" supports "1.5 million dollars", "40 %" supports "40 percent".
_SIGN_WORDS = {"$": ("dollar",), "\u20ac": ("euro",), "\u00a3": ("pound",), "\u00a5": ("yen",), "%": ("percent",)}
_SIGN_STEMS = {sign: frozenset(t.stem for word in words for t in tokens(word)) for sign, words in _SIGN_WORDS.items()}


def _index_sentences(index: int, passage: str) -> list[EvidenceSentence]:
    out = []
    for sentence in sentences(passage):
        stems = frozenset(t.stem for t in tokens(sentence.text) if t.is_content or t.lower.isdigit())
        for sign, sign_stems in _SIGN_STEMS.items():
            if sign in sentence.text:
                stems |= sign_stems
        out.append(EvidenceSentence(index, sentence, stems))
    return out


