"""Grounding: claims supported by the sources score high, invented names and figures low."""

import numpy as np
import pytest

from guards.analyzers.trustguard.analyzer import grounding_model
from guards.analyzers.trustguard.claims import split_claims
from guards.analyzers.trustguard.grounding import (
    VECTOR_CACHE,
    add_similarity,
    build_evidence,
    claim_features,
    ground_claims,
    grounding_score,
)

KNOWLEDGE = (
    "The Oberoi family is an Indian family that is famous for its involvement in hotels, namely "
    "through The Oberoi Group. The Oberoi Group is a hotel company with its head office in Delhi. "
    "It was founded in 1934 and runs 31 hotels."
)
QUESTION = "The Oberoi family is part of a hotel company that has a head office in what city?"


def ground(output, sources=(KNOWLEDGE,), prompt=QUESTION, embed=None):
    evidence = build_evidence(prompt, list(sources))
    return ground_claims(split_claims(output), evidence, grounding_model(), embed=embed)


def test_it_supports_a_short_answer_found_in_the_knowledge():
    [claim] = ground("Delhi")
    assert claim.score >= 0.5
    assert claim.passage == 0
    assert "head office in Delhi" in claim.evidence.text


def test_it_rejects_a_short_answer_naming_a_city_absent_from_the_knowledge():
    [claim] = ground("Mumbai")
    assert claim.score < 0.5
    assert [n.text for n in claim.missing_names] == ["Mumbai"]


def test_it_rejects_a_sentence_that_restates_the_question_with_an_invented_answer():
    [supported] = ground("The Oberoi Group has its head office in Delhi.")
    [invented] = ground("The Oberoi Group has its head office in Mumbai.")
    assert supported.score >= 0.5 > invented.score


def test_it_flags_a_number_that_appears_nowhere_in_the_sources():
    output = "The Oberoi Group was founded in 1952."
    [claim] = ground(output)
    assert claim.score < 0.5
    assert [(n.text, output[n.start : n.end]) for n in claim.missing_numbers] == [("1952", "1952")]
    [right] = ground("The Oberoi Group was founded in 1934.")
    assert right.score > claim.score


def test_it_matches_number_words_with_digits():
    [claim] = ground("It runs thirty-one hotels.", sources=["It runs 31 hotels across India."])
    assert not claim.missing_numbers or claim.missing_numbers[0].text != "31"
    [digits] = ground("It runs 31 hotels.", sources=["It runs 31 hotels across India."])
    assert digits.missing_numbers == []


def test_it_grounds_against_the_prompt_when_no_sources_are_given():
    prompt = "Summarise: the meeting moved from Monday to Thursday because the room was booked."
    [good] = ground("The meeting moved to Thursday.", sources=[], prompt=prompt)
    [bad] = ground("The meeting moved to Friday in Berlin.", sources=[], prompt=prompt)
    assert good.score >= 0.5 > bad.score
    assert good.passage == -1


def test_stems_match_inflected_forms():
    features, _ = claim_features(split_claims("Hotels are run by the family.")[0],
                                 build_evidence("", ["The family runs many hotels."]))
    assert features["coverage"] == 1.0


def test_the_output_score_is_dragged_down_by_its_weakest_claim():
    good = grounding_score(ground("The Oberoi Group is a hotel company. Its head office is in Delhi."))
    mixed = grounding_score(ground("The Oberoi Group is a hotel company. Its head office is in Mumbai."))
    assert good > mixed
    assert grounding_score([]) is None


def test_similarity_gain_rewards_closeness_to_the_sources_over_echoing_the_question():
    def fake_embed(texts):
        # Deterministic stand-in: one axis per distinctive word, so cosines are predictable.
        vocab = ["delhi", "office", "city", "hotel"]
        rows = [[float(w in t.lower()) for w in vocab] + [0.1] for t in texts]
        arr = np.array(rows, dtype=np.float32)
        return arr / np.linalg.norm(arr, axis=1, keepdims=True)

    VECTOR_CACHE.clear()
    evidence = build_evidence("Which city has the office?", ["The head office is in Delhi."])
    supports = [claim_features(c, evidence)[1] for c in split_claims("The office is in Delhi. Which city has it?")]
    add_similarity(supports, evidence, fake_embed)
    near_source, echo = supports
    assert near_source.features["similarity_gain"] > 0 > echo.features["similarity_gain"]
    VECTOR_CACHE.clear()


@pytest.mark.parametrize("output", ["The head office of the Oberoi Group is located in Delhi."])
def test_the_shared_embedder_is_consulted_only_for_undecided_claims(output):
    calls = []

    def counting_embed(texts):
        calls.append(list(texts))
        from guards.analyzers.embeddings import get_embedder

        return get_embedder().embed(texts)

    VECTOR_CACHE.clear()
    ground("Mumbai", embed=counting_embed)  # settled lexically: a missing name
    assert calls == []
    [claim] = ground(output, embed=counting_embed)
    assert claim.score >= 0.5
    VECTOR_CACHE.clear()
