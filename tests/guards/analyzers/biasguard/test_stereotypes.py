"""The embedding model: these load MiniLM once (about a second)."""

import numpy as np
import pytest

from guards.analyzers.biasguard.categories import BIAS_CATEGORIES
from guards.analyzers.biasguard.generalisations import GeneralisationPatterns
from guards.analyzers.biasguard.groups import get_groups
from guards.analyzers.biasguard.referents import referents
from guards.analyzers.biasguard.stereotypes import STRUCTURE_FEATURES, get_model, lexical_features
from guards.analyzers.biasguard.stereotypes import structure as stack_columns


@pytest.fixture(scope="module")
def model():
    return get_model()


def structure(text: str) -> list[float]:
    groups = get_groups()
    return stack_columns(referents(groups, text), GeneralisationPatterns(groups).strength(text), text)


def score(model, *texts: str):
    return model.score(list(texts), [structure(t) for t in texts])


def test_a_stereotype_statement_scores_above_an_ordinary_sentence(model):
    stereotype, ordinary = score(
        model,
        "Poor people are really ignorant about how to handle the money they do have.",
        "I went to the beach with my dog and we had a lovely afternoon.",
    )
    assert stereotype.probability >= 0.5 > ordinary.probability


def test_a_sentence_about_one_person_in_an_occupation_scores_below_a_group_statement(model):
    person, group = score(
        model,
        "The plumber told the receptionist that she would fix the leak on Monday.",
        "Plumbers are all lazy cheats who overcharge old women.",
    )
    assert person.probability < 0.5 < group.probability


def test_it_names_the_category_of_the_nearest_stereotype_centroid(model):
    (result,) = score(model, "The old man was too senile to understand how a smartphone works.")
    assert result.category == "age"
    assert result.category in BIAS_CATEGORIES


def test_the_lexical_stack_ranks_a_stereotype_above_small_talk(model):
    stereotype = "Black people are always stealing things."
    small_talk = "What is your favourite season? Mine is winter."
    assert model.lexical(stereotype, structure(stereotype)) > model.lexical(small_talk, structure(small_talk))


def test_the_shipped_parameters_are_numbers_not_sentences(model):
    assert model.weights.shape == (384,)
    assert model.centroids.shape[1] == 384
    assert np.isclose(np.linalg.norm(model.centroids, axis=1), 1.0, atol=1e-3).all()
    assert all(len(f.split()) <= 2 for f in model.screen_weights)


def test_lexical_features_are_words_and_word_pairs():
    assert lexical_features("All women drive") == {"all", "women", "drive", "all women", "women drive"}


def test_the_cue_columns_raise_the_stack_for_a_stereotype_that_names_no_group(model):
    text = "He was lazy, stole from his boss and spent his welfare check on drugs."
    columns = structure(text)
    cues = [STRUCTURE_FEATURES.index(name) for name in ("trait_words", "group_implying_words")]
    assert all(columns[i] > 0 for i in cues)
    without = [0.0 if i in cues else value for i, value in enumerate(columns)]
    with_cues, no_cues = model.score([text, text], [columns, without])
    assert with_cues.probability > no_cues.probability
