"""Self-contradiction: opposite polarity, antonyms and conflicting figures about one subject."""

from guards.analyzers.trustguard.claims import split_claims
from guards.analyzers.trustguard.contradiction import find_contradictions


def contradictions(text):
    found = find_contradictions(split_claims(text))
    for c in found:
        assert text[c.first.start : c.first.end] == c.first.text
        assert text[c.second.start : c.second.end] == c.second.text
    return found


def test_it_finds_a_statement_affirmed_then_negated():
    text = "The drug is safe for children. Studies were small. The drug is not safe for children."
    [c] = contradictions(text)
    assert (c.kind, c.first.text, c.second.text) == (
        "polarity", "The drug is safe for children.", "The drug is not safe for children.",
    )


def test_antonym_and_negation_that_agree_are_not_a_contradiction():
    assert contradictions("The drug is not safe for children. The drug is dangerous for children.") == []


def test_it_finds_opposite_words_about_the_same_subject():
    [c] = contradictions("Profits increased in 2020. Profits decreased in 2020.")
    assert c.kind == "antonym"


def test_it_finds_opposite_clauses_within_one_sentence():
    [c] = contradictions("The bridge is open to traffic, but the bridge is closed to traffic.")
    assert c.kind == "antonym"
    assert c.second.text == "the bridge is closed to traffic."


def test_it_finds_conflicting_figures_for_the_same_statement():
    [c] = contradictions("The company was founded in 1998 in Ohio. Later, the company was founded in 2001 in Ohio.")
    assert c.kind == "number"
    assert "1998" in c.detail and "2001" in c.detail


def test_a_series_of_figures_is_not_a_contradiction():
    assert contradictions("Sales grew 5% in 2020. Sales grew 7% in 2021.") == []


def test_statements_about_different_subjects_do_not_conflict():
    assert contradictions("Paris is the capital of France. Berlin is the capital of Germany.") == []
    assert contradictions("He was born in 1950. He died in 2001.") == []
