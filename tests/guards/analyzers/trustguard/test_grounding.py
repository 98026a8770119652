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

# An invented passage in HaluEval's style (knowledge + question), written for these tests.
KNOWLEDGE = (
    "The Varga family is a Hungarian family known for its work in shipping, mainly "
    "through the Varga Line. The Varga Line is a shipping company with its head office in Szeged. "
    "It was founded in 1934 and runs 31 ships."
)
QUESTION = "The Varga family is part of a shipping company that has a head office in what city?"


def ground(output, sources=(KNOWLEDGE,), prompt=QUESTION, embed=None):
    evidence = build_evidence(prompt, list(sources))
    return ground_claims(split_claims(output), evidence, grounding_model(), embed=embed)


def test_it_supports_a_short_answer_found_in_the_knowledge():
    [claim] = ground("Szeged")
    assert claim.score >= 0.5
    assert claim.passage == 0
    assert "head office in Szeged" in claim.evidence.text


def test_it_rejects_a_short_answer_naming_a_city_absent_from_the_knowledge():
    [claim] = ground("Debrecen")
    assert claim.score < 0.5
    assert [n.text for n in claim.missing_names] == ["Debrecen"]


def test_it_rejects_a_sentence_that_restates_the_question_with_an_invented_answer():
    [supported] = ground("The Varga Line has its head office in Szeged.")
    [invented] = ground("The Varga Line has its head office in Debrecen.")
    assert supported.score >= 0.5 > invented.score


def test_it_flags_a_number_that_appears_nowhere_in_the_sources():
    output = "The Varga Line was founded in 1952."
    [claim] = ground(output)
    assert claim.score < 0.5
    assert [(n.text, output[n.start : n.end]) for n in claim.missing_numbers] == [("1952", "1952")]
    [right] = ground("The Varga Line was founded in 1934.")
    assert right.score > claim.score


def test_it_matches_number_words_with_digits():
    [claim] = ground("It runs thirty-one ships.", sources=["It runs 31 ships across Europe."])
    assert not claim.missing_numbers or claim.missing_numbers[0].text != "31"
    [digits] = ground("It runs 31 ships.", sources=["It runs 31 ships across Europe."])
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
    good = grounding_score(ground("The Varga Line is a shipping company. Its head office is in Szeged."))
    mixed = grounding_score(ground("The Varga Line is a shipping company. Its head office is in Debrecen."))
    assert good > mixed
    assert grounding_score([]) is None


def test_a_claim_negating_its_source_sentence_is_unsupported():
    [negated] = ground("The Varga Line does not have its head office in Szeged.")
    assert negated.negates_source and negated.score <= ENTITY_CAP
    [affirmed] = ground("The Varga Line has its head office in Szeged.")
    assert not affirmed.negates_source and affirmed.score >= 0.5


def test_a_negation_the_source_shares_is_supported():
    source = ["The drug is not approved for children under twelve."]
    [claim] = ground("The drug is not approved for children.", sources=source, prompt="Is the drug approved?")
    assert not claim.negates_source and claim.score >= 0.5


def test_negation_is_scoped_to_its_clause():
    # Two negators in two clauses: the sentence is negative, not a double negative.
    source = "Dragons don't exist, so no dragons nest in the northern hills."
    assert polarity_conflict("Yes, there are dragons nesting in the northern hills.", source)
    assert not polarity_conflict("No, there are no dragons nesting in the northern hills.", source)


def test_an_opposite_yes_or_no_answer_contradicts_its_source_whatever_follows():
    assert opposite_answers("No, their thick fur keeps otters from catching colds.", "Yes, otters can catch colds.")
    assert not opposite_answers("Yes, they can.", "Yes, otters can catch colds.")
    assert not opposite_answers("No otters live there.", "Yes, otters can catch colds.")  # "No" as a determiner
    [claim] = ground("No, their thick fur keeps otters from catching colds.", sources=["Yes, otters can catch colds."],
                     prompt="Can otters catch colds?")
    assert claim.negates_source and claim.score <= ENTITY_CAP


def test_never_contradicts_always():
    assert polarity_conflict("The tower is never open at night.", "The tower is always open at night.")


def test_an_antonym_contradicts_its_source_unless_negation_cancels_it():
    source = "Parking on the verge is legal in most of the county."
    assert polarity_conflict("Parking on the verge is illegal in the county.", source)
    assert not polarity_conflict("Parking on the verge is not illegal in the county.", source)
    assert not polarity_conflict("Parking on the verge is legal in the county.", source)
