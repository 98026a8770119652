"""Grounding: claims supported by the sources score high, invented names and figures low."""

from guards.analyzers.trustguard.analyzer import grounding_model
from guards.analyzers.trustguard.claims import split_claims
from guards.analyzers.trustguard.grounding import (
    ENTITY_CAP,
    build_evidence,
    claim_features,
    ground_claims,
    grounding_score,
    opposite_answers,
    polarity_conflict,
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


def test_a_claim_negating_its_source_sentence_is_unsupported():
    [negated] = ground("The Oberoi Group does not have its head office in Delhi.")
    assert negated.negates_source and negated.score <= ENTITY_CAP
    [affirmed] = ground("The Oberoi Group has its head office in Delhi.")
    assert not affirmed.negates_source and affirmed.score >= 0.5


def test_a_negation_the_source_shares_is_supported():
    source = ["The drug is not approved for children under twelve."]
    [claim] = ground("The drug is not approved for children.", sources=source, prompt="Is the drug approved?")
    assert not claim.negates_source and claim.score >= 0.5


def test_negation_is_scoped_to_its_clause():
    # Two negators in two clauses: the sentence is negative, not a double negative.
    source = "Wizards don't exist, so no wizards live in the West Country."
    assert polarity_conflict("Yes, there are wizards living in the West Country.", source)
    assert not polarity_conflict("No, there are no wizards living in the West Country.", source)


def test_an_opposite_yes_or_no_answer_contradicts_its_source_whatever_follows():
    assert opposite_answers("No, cartilage in sharks prevents cancer.", "Yes, sharks can get cancer.")
    assert not opposite_answers("Yes, they can.", "Yes, sharks can get cancer.")
    assert not opposite_answers("No sharks live there.", "Yes, sharks can get cancer.")  # "No" as a determiner
    [claim] = ground("No, cartilage in sharks prevents cancer.", sources=["Yes, sharks can get cancer."],
                     prompt="Can sharks get cancer?")
    assert claim.negates_source and claim.score <= ENTITY_CAP


def test_never_contradicts_always():
    assert polarity_conflict("The tower is never open at night.", "The tower is always open at night.")


def test_an_antonym_contradicts_its_source_unless_negation_cancels_it():
    source = "Hitting your children is legal in most of the UK."
    assert polarity_conflict("Hitting your children is illegal in the UK.", source)
    assert not polarity_conflict("Hitting your children is not illegal in the UK.", source)
    assert not polarity_conflict("Hitting your children is legal in the UK.", source)
