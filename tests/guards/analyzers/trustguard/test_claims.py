"""Claim splitting: sentences, then clauses, each located by offsets into the output."""

from guards.analyzers.trustguard.claims import split_claims
from guards.analyzers.trustguard.text import names, numbers, sentences


def test_it_splits_sentences_with_exact_offsets():
    text = "Paris is the capital of France.  It has 2.1 million people! Is it big?"
    claims = split_claims(text)
    assert [c.text for c in claims] == [
        "Paris is the capital of France.", "It has 2.1 million people!", "Is it big?",
    ]
    for c in claims:
        assert text[c.start : c.end] == c.text


def test_it_does_not_end_a_sentence_at_abbreviations_initials_or_decimals():
    text = "Dr. Smith met John F. Kennedy in the U.S. in 1961. The fee was 3.5 dollars."
    assert [s.text for s in sentences(text)] == [
        "Dr. Smith met John F. Kennedy in the U.S. in 1961.", "The fee was 3.5 dollars.",
    ]


def test_it_splits_passages_glued_without_a_space():
    text = "It was published in Philadelphia.First for Women is a magazine."
    assert [s.text for s in sentences(text)] == ["It was published in Philadelphia.", "First for Women is a magazine."]


def test_it_splits_a_sentence_joining_two_statements_into_clauses():
    text = "The bridge opened in 1932; it was closed in 1990, but it reopened after repairs in 1995."
    claims = split_claims(text)
    assert [c.text for c in claims] == [
        "The bridge opened in 1932", "it was closed in 1990", "it reopened after repairs in 1995.",
    ]
    for c in claims:
        assert text[c.start : c.end] == c.text


def test_it_keeps_a_short_contrast_inside_one_claim():
    claims = split_claims("He likes tea, but not coffee.")
    assert [c.text for c in claims] == ["He likes tea, but not coffee."]


def test_it_keeps_a_noun_phrase_answer_as_a_claim_and_drops_empty_chatter():
    assert [c.text for c in split_claims("Delhi")] == ["Delhi"]
    assert [c.text for c in split_claims("Sure! Here you go:")] == []


def test_it_finds_names_but_not_words_capitalised_by_position():
    text = "However, the office moved to New York City in 1990. See the report by Bank of America."
    found = [n.text for n in names(text)]
    assert "New York City" in found and "Bank of America" in found
    assert "However" not in found and "See" not in found
    for n in names(text):
        assert text[n.start : n.end] == n.text


def test_it_reads_a_short_answer_opening_with_a_name_as_a_name():
    assert [n.text for n in names("Mumbai, India.")] == ["Mumbai", "India"]


def test_it_normalises_numbers_and_number_words():
    text = "It sold 1,200 copies in twelve days for 3.50 dollars."
    values = {v for v, _ in numbers(text)}
    assert values == {"1200", "12", "3.5"}
    for _value, span in numbers(text):
        assert text[span.start : span.end] == span.text


def test_negation_counts_real_negators_only():
    from guards.analyzers.trustguard.text import negated

    assert negated("The drug is not safe.")
    assert negated("It isn't open.")
    assert not negated("It is not not allowed.")
    assert not negated("He starred in Rebel Without a Cause.")  # part of a title
    assert not negated("No, Joseph Roth was a journalist.")  # an answer particle
    assert negated("No one survived the crash.")
