"""The linear-time rewrites in trustguard answer exactly as the straightforward code did.

Each reference below is the previous (quadratic) form; random short texts built from the
pieces each rule reacts to must get the same answer from both.
"""

from __future__ import annotations

import random
import re

import pytest

from guards.analyzers.textscan import search_suffix
from guards.analyzers.trustguard import claims
from guards.analyzers.trustguard.contradiction import opposed
from guards.analyzers.trustguard.grounding import polarity
from guards.analyzers.trustguard.markers import _MONTH_CONTEXT_RE, _NOT_THAT_RE, _Quotes
from guards.analyzers.trustguard.text import Span, tokens


def _texts(seed: int, pieces: list[str], count: int, longest: int = 20):
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(rng.randrange(longest)))


def _quoted_reference(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before, after = text[line_start:start], text[end:line_end]
    for open_q, close_q in (('"', '"'), ("\u201c", "\u201d"), ("'", "'"), ("\u2018", "\u2019")):
        if open_q == close_q:
            opens = len(re.findall(rf"(?<!\w){re.escape(open_q)}", before)) - len(
                re.findall(rf"(?<=\w){re.escape(close_q)}(?!\w)", before))
            if opens % 2 == 1 and re.search(rf"{re.escape(close_q)}(?!\w)", after):
                return True
        elif before.count(open_q) > before.count(close_q) and close_q in after:
            return True
    return False


def test_quote_index_answers_as_scanning_the_line():
    pieces = ['"', "'", "\u201c", "\u201d", "\u2018", "\u2019", " ", "\n", "x", "don't", "é", "_", "1"]
    rng = random.Random(1)
    for text in _texts(1, pieces, 4_000):
        quotes = _Quotes(text)
        for _ in range(5):
            start = rng.randrange(len(text) + 1)
            end = rng.randrange(start, len(text) + 1)
            assert quotes.quoted(start, end) == _quoted_reference(text, start, end), (text, start, end)


@pytest.mark.parametrize("pattern", [_NOT_THAT_RE, _MONTH_CONTEXT_RE])
def test_phrase_before_a_marker_is_found_as_searching_the_whole_prefix(pattern):
    pieces = ["not that", "doesn't mean", "does not mean", "in", "of", "mid", "early", "x", "kin", " ", "\n", "_",
              "IN", "Not That"]
    rng = random.Random(2)
    for text in _texts(2, pieces, 4_000):
        end = rng.randrange(len(text) + 1)
        assert bool(search_suffix(pattern, text, 0, end, 13)) == bool(pattern.search(text[:end])), (text, end)


def _clauses_reference(sentence: Span) -> list[Span]:
    pattern = re.compile(r"\s*;\s*|\s*,\s*(?:but|while|whereas|although|though|however|yet)\s+|\s+(?:but|whereas)\s+",
                         re.IGNORECASE)
    pieces, start = [], 0
    for match in pattern.finditer(sentence.text):
        left, right = sentence.text[start : match.start()], sentence.text[match.end() :]
        if len(left.split()) >= 3 and len(right.split()) >= 3:
            pieces.append(claims._piece(sentence, start, match.start()))
            start = match.end()
    pieces.append(claims._piece(sentence, start, len(sentence.text)))
    return [p for p in pieces if p.text]


def test_clause_split_is_unchanged():
    pieces = [" ", "\t", "\n", ",", ";", "a", "b c", "but", "But", "yet", "whereas", "though", "\xa0", "word"]
    for text in _texts(3, pieces, 20_000):
        sentence = Span(text, 7, 7 + len(text))
        assert claims._clauses(sentence) == _clauses_reference(sentence), text


def test_scope_breaks_are_unchanged():
    reference = re.compile(r"\s*[,;:()\u2013\u2014]\s*|\s+(?:but|so|because|while|whereas|although|though)\s+",
                           re.IGNORECASE)
    pieces = [" ", "\t", "\n", ",", ";", ":", "(", ")", "\u2014", "a", "but", "So", "because", "\xa0", "though"]
    for text in _texts(4, pieces, 20_000):
        assert polarity._SCOPE_BREAK_RE.split(text) == reference.split(text), text


def _polarity_reference(claim: str, evidence: str) -> bool:
    evidence_scopes = polarity._scopes(evidence)
    claim_stems = {t.stem for t in tokens(claim)}
    for scope in polarity._scopes(claim):
        if len(scope.stems) < (1 if scope.negated else 2):  # a denial needs only the word it denies
            continue
        shared, other = max(((len(scope.stems & e.stems), e) for e in evidence_scopes), key=lambda m: m[0],
                            default=(0, None))
        if other is None or shared / len(scope.stems) < 0.6:
            continue
        negation, antonym = scope.negated != other.negated, opposed(scope.polar, other.polar)
        if negation == antonym:
            continue
        if negation:
            negated_side, plain_text = (scope, evidence) if scope.negated else (other, claim)
            shared = (scope.stems & other.stems) | (scope.polar & other.polar)
            if polarity._has_negator(plain_text) or not polarity._negates_shared(negated_side.text, shared):
                continue
        elif polarity._names_left_out(other.text, claim_stems):
            continue
        return True
    return False


def test_polarity_conflict_is_unchanged():
    words = ("the tower is not legal illegal more less safe dangerous Paris City United won lost iron made of "
             "no never dragons nest hills exist but so because , ; : yes No and was in 1889").split()
    rng = random.Random(5)
    conflicts = 0
    for _ in range(20_000):
        claim = " ".join(rng.choice(words) for _ in range(rng.randrange(1, 18)))
        evidence = " ".join(rng.choice(words) for _ in range(rng.randrange(1, 18)))
        expected = _polarity_reference(claim, evidence)
        conflicts += expected
        assert polarity.polarity_conflict(claim, evidence) == expected, (claim, evidence)
    assert conflicts > 20  # the comparison covered conflicts, not only their absence


def test_only_the_first_clauses_of_a_huge_sentence_are_compared():
    claim = "the old tower is legal in Paris"
    assert polarity.polarity_conflict(claim, "the old tower is illegal in Paris")
    filler = ", ".join(f"word{i} thing{i}" for i in range(polarity.MAX_CLAUSES))
    assert not polarity.polarity_conflict(claim, filler + ", the old tower is illegal in Paris")
