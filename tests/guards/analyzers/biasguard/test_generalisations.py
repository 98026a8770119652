import pytest

from guards.analyzers.biasguard import context
from guards.analyzers.biasguard.generalisations import GeneralisationPatterns
from guards.analyzers.biasguard.groups import get_groups
from guards.analyzers.biasguard.text import sentences


@pytest.fixture(scope="module")
def patterns() -> GeneralisationPatterns:
    return GeneralisationPatterns(get_groups())


def claims(patterns, text):
    quotes = context.quoted_ranges(text)
    return [g for s in sentences(text) for g in patterns.scan(text, s, quotes)]


@pytest.mark.parametrize(("text", "span", "category"), [
    ("All women are bad drivers.", "All women are bad drivers", "gender"),
    ("Honestly, Muslims are all terrorists.", "Muslims are all terrorists", "religion"),
    ("Old people always complain about the weather.", "Old people always complain about the weather", "age"),
    ("Women can't do math.", "Women can't do math", "gender"),
    ("I think the poor are lazy.", "the poor are lazy", "socioeconomic"),
    ("Mexicans never pay their taxes!", "Mexicans never pay their taxes", "nationality"),
    ("Gay people are all the same.", "Gay people are all the same", "sexual_orientation"),
    ("Disabled people are a burden on society.", "Disabled people are a burden on society", "disability"),
])
def test_it_finds_a_sweeping_claim_about_a_group(patterns, text, span, category):
    (claim,) = claims(patterns, text)
    assert text[claim.start:claim.end] == span
    assert claim.category == category
    assert claim.frame.kind == context.ASSERTED
    assert claim.score >= 0.6


@pytest.mark.parametrize("text", [
    "Women attended the meeting on Tuesday.",
    "Immigrants are welcome at the community centre.",
    "Many older workers retrain in their fifties.",
    "The men's team won the final.",
])
def test_neutral_sentences_about_a_group_are_not_generalisations(patterns, text):
    assert claims(patterns, text) == []


def test_a_negated_claim_scores_far_below_the_claim_itself(patterns):
    (asserted,) = claims(patterns, "All women are bad drivers.")
    (negated,) = claims(patterns, "It is wrong to say all women are bad drivers.")
    assert negated.frame.kind == context.NEGATED
    assert negated.score < asserted.score * 0.25


def test_a_quoted_claim_scores_below_the_claim_itself(patterns):
    (asserted,) = claims(patterns, "Muslims are all terrorists.")
    (quoted,) = claims(patterns, 'The troll wrote "Muslims are all terrorists" under the video.')
    assert quoted.frame.kind == context.QUOTED
    assert quoted.score < asserted.score * 0.5


def test_not_all_is_a_rejection_of_the_generalisation(patterns):
    (claim,) = claims(patterns, "Not all men are violent.")
    assert claim.frame.kind == context.NEGATED


def test_the_strongest_pattern_wins_and_is_reported_once(patterns):
    found = claims(patterns, "All immigrants are criminals.")
    assert len(found) == 1
    assert found[0].reason == "quantified_trait"
