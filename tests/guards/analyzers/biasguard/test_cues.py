"""Cues that stand in for a group the sentence does not name (sentences written for these tests)."""

import pytest

from guards.analyzers.biasguard.cues import CUE_FEATURES, cue_features


def test_trait_and_group_implying_words_are_counted_capped_and_scaled():
    assert CUE_FEATURES == ("trait_words", "group_implying_words")
    assert cue_features("He stole a bike and sold drugs behind the trailer park.") == [2 / 3, 1 / 3]
    assert cue_features("lazy greedy sneaky dirty rude") == [1.0, 0.0]


@pytest.mark.parametrize("text", [
    "The doctor said he would call back tomorrow.",
    "Priya bought 3 bags of mixed nuts for $4 each.",
    "Please review the attached quarterly report before Friday.",
])
def test_ordinary_sentences_have_no_cues(text):
    assert cue_features(text) == [0.0, 0.0]


def test_words_inside_other_words_are_not_cues():
    assert cue_features("The fatigue of the robotics team was unblinding.") == [0.0, 0.0]
