"""Grounding: claims supported by the sources score high, invented names and figures low."""

import numpy as np
import pytest

from guards.analyzers.trustguard.analyzer import grounding_model
from guards.analyzers.trustguard.claims import split_claims
from guards.analyzers.trustguard.grounding import (
    ENTITY_CAP,
    FEATURES,
    LEXICAL_FEATURES,
    VECTOR_CACHE,
    GroundingModel,
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


def test_similarity_compares_what_the_claim_adds_beyond_the_question_with_the_sources():
    seen = []

    def fake_embed(texts):
        # Deterministic stand-in: one axis per distinctive word, so cosines are predictable.
        seen.extend(texts)
        vocab = ["delhi", "office", "city", "mumbai"]
        rows = [[float(w in t.lower()) for w in vocab] + [0.1] for t in texts]
        arr = np.array(rows, dtype=np.float32)
        return arr / np.linalg.norm(arr, axis=1, keepdims=True)

    VECTOR_CACHE.clear()
    evidence = build_evidence("Which city has the office?", ["The head office is in Delhi."])
    supports = [claim_features(c, evidence)[1] for c in split_claims("The office is in Delhi. The office is in Mumbai.")]
    add_similarity(supports, evidence, fake_embed)
    right, wrong = supports
    assert right.features["similarity"] > wrong.features["similarity"]
    assert "Delhi" in seen and "The office is in Delhi." not in seen  # the echoed question words are left out
    VECTOR_CACHE.clear()


def meaning_model(similarity_weight):
    """A model where meaning can move a claim: words count, similarity weighs in."""
    named = {"novel_coverage": 4.0, "unsupported_words": -2.0, "unsupported_names": -1.0, "unsupported_numbers": -1.0}
    lexical = [named.get(name, 0.0) for name in LEXICAL_FEATURES]
    return GroundingModel.from_dict({
        "lexical": {"features": list(LEXICAL_FEATURES), "weights": lexical, "bias": -2.0},
        "full": {"features": list(FEATURES), "weights": [*lexical, similarity_weight], "bias": -4.0},
        "ambiguous": [0.3, 0.7],
    })


def test_the_embedder_is_consulted_only_for_claims_missing_nothing_but_words():
    calls = []

    def counting_embed(texts):
        calls.append(list(texts))
        return np.ones((len(texts), 4), dtype=np.float32) / 2.0  # every cosine is 1

    model = meaning_model(6.0)
    evidence = build_evidence("", ["The head office of the group is in Delhi."])
    VECTOR_CACHE.clear()
    [settled] = ground_claims(split_claims("The head office is in Mumbai."), evidence, model, embed=counting_embed)
    assert calls == []  # a missing name settles it
    assert settled.score <= ENTITY_CAP
    [paraphrase] = ground_claims(split_claims("The group's headquarters sit in Delhi."), evidence, model,
                                 embed=counting_embed)
    assert len(calls) == 1
    assert paraphrase.features["similarity"] == pytest.approx(1.0)
    assert paraphrase.score > model.score(paraphrase)  # meaning raised the lexical score
    VECTOR_CACHE.clear()


def test_meaning_is_not_computed_when_training_gave_it_no_weight():
    def failing_embed(texts):
        raise AssertionError("the embedder should not run")

    evidence = build_evidence("", ["The head office of the group is in Delhi."])
    [claim] = ground_claims(split_claims("The group's headquarters sit in Delhi."), evidence, meaning_model(0.0),
                            embed=failing_embed)
    assert "similarity" not in claim.features


def test_a_claim_negating_its_source_sentence_is_unsupported():
    [negated] = ground("The Oberoi Group does not have its head office in Delhi.")
    assert negated.negates_source and negated.score <= ENTITY_CAP
    [affirmed] = ground("The Oberoi Group has its head office in Delhi.")
    assert not affirmed.negates_source and affirmed.score >= 0.5


def test_a_negation_the_source_shares_is_supported():
    source = ["The drug is not approved for children under twelve."]
    [claim] = ground("The drug is not approved for children.", sources=source, prompt="Is the drug approved?")
    assert not claim.negates_source and claim.score >= 0.5
