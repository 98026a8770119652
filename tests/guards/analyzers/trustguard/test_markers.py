"""Overconfidence, hedging, refusal and abstention markers, with negation and quotation."""

import pytest

from guards.analyzers.trustguard.markers import find_markers


def kinds(text):
    return [(m.kind, m.text) for m in find_markers(text)]


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("It is definitely the largest city.", "definitely"),
        ("There is no doubt that the treaty was signed in 1648.", "There is no doubt"),
        ("I am absolutely certain it works.", "I am absolutely certain"),
        ("This method always works.", "always"),
        ("It's a proven fact that it cures colds.", "It's a proven fact"),
    ],
)
def test_it_finds_overconfidence(text, phrase):
    found = [m for m in find_markers(text) if m.kind == "overconfidence"]
    assert [m.text for m in found] == [phrase]
    assert text[found[0].start : found[0].end] == phrase


def test_negated_certainty_is_a_hedge_not_overconfidence():
    found = find_markers("It is not definitely the largest city.")
    assert [(m.kind, m.text, m.negated) for m in found] == [("hedging", "definitely", True)]


def test_negated_universals_are_not_overconfident():
    assert kinds("This method does not always work.") == []


def test_a_quoted_marker_is_mentioned_not_used():
    assert kinds('The word "definitely" is often misspelled.') == []


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("It might be the capital.", "might"),
        ("I think it was 1990.", "I think"),
        ("I am not sure it was 1990.", "I am not sure"),
        ("It is unclear who won.", "It is unclear"),
        ("About 300 people came.", "About"),
    ],
)
def test_it_finds_hedging(text, phrase):
    found = [m for m in find_markers(text) if m.kind == "hedging"]
    assert [m.text for m in found] == [phrase]
    assert text[found[0].start : found[0].end] == phrase


def test_prepositions_and_months_are_not_hedges():
    assert kinds("We talked about the plan in May 2001 around the table.") == []


@pytest.mark.parametrize(
    "text",
    [
        "I'm sorry, but I can't help with that.",
        "I cannot provide instructions for making weapons.",
        "As an AI language model, I cannot browse the internet.",
        "I must decline to answer this question.",
    ],
)
def test_it_detects_a_refusal(text):
    assert [m.kind for m in find_markers(text)] == ["refusal"]


@pytest.mark.parametrize(
    "text",
    [
        "I can't stress enough how important sleep is.",
        'The error message said "I cannot help you" and the app closed.',
        "It's not that I can't help, it is just late.",
        "We can help you with that.",
    ],
)
def test_it_does_not_mistake_other_uses_for_a_refusal(text):
    assert "refusal" not in [m.kind for m in find_markers(text)]


def test_it_detects_an_abstention():
    assert kinds("I don't know who won the race.") == [("abstention", "I don't know")]


def test_strength_follows_the_wording():
    [strong] = find_markers("It is 100% safe.")
    [weak] = find_markers("It is clearly safe.")
    assert strong.strength > weak.strength
    [doubt] = find_markers("I think it was 1990.")
    [approx] = find_markers("It was about 300 metres.")
    assert doubt.strength > approx.strength
