import numpy as np
import pytest
from profanity_check import predict_prob

from guards.analyzers.biasguard import offensive
from guards.analyzers.biasguard.text import sentences


@pytest.fixture(scope="module")
def model():
    return offensive.get_model()


def test_the_numpy_profanity_model_matches_the_package(model):
    texts = ["you are such a stupid idiot", "have a lovely day", "this is fucking great",
             "the weather in Paris", "", "shut up"]
    ours = np.array([model.profanity.score(t)[0] for t in texts])
    assert np.allclose(ours, predict_prob(texts), atol=1e-9)


def test_it_locates_the_offensive_words(model):
    text = "Have a nice day, you stupid idiot."
    _, words = model.profanity.score(text)
    assert {text[w.start:w.end] for w in words} == {"stupid", "idiot"}


@pytest.mark.parametrize("text", ["you're a complete moron", "u r a loser", "go to hell", "shut the fuck up"])
def test_it_recognises_second_person_insults(text):
    (span,) = offensive.insults(text)
    assert span[1] - span[0] > 0


@pytest.mark.parametrize("text", ["He is a great teacher.", "Your report looks good.", "You are a star"])
def test_polite_second_person_sentences_are_not_insults(text):
    assert offensive.insults(text) == []


def test_scan_reports_the_abusive_sentence_with_offsets_and_masked_words(model):
    text = "Thanks for the update. You are a worthless piece of shit. See you Monday."
    probability, findings = offensive.scan(model, text, sentences(text), [], 0.5)
    assert probability > 0.9
    (finding,) = findings
    assert text[finding.start:finding.end] == "You are a worthless piece of shit."
    assert finding.type == "insult"
    assert "shit" not in finding.evidence
    assert finding.evidence.startswith("You are a ")


def test_polite_text_scores_low_and_has_no_findings(model):
    text = "Thank you for your help with the report. The figures look right."
    probability, findings = offensive.scan(model, text, sentences(text), [], 0.5)
    assert probability < 0.3
    assert findings == []


def test_a_slur_raises_the_probability_of_an_otherwise_mild_sentence(model):
    text = "they are all the same"
    without = offensive.scan(model, text, sentences(text), [], 0.5)[0]
    with_slur = offensive.scan(model, text, sentences(text), [(0, 4)], 0.5)[0]
    assert with_slur > without


def test_a_sentence_no_offensive_word_carries_needs_more_than_the_lowest_plateau(model):
    # Word salad of mildly weighted words (the profanity model learnt "dog" from tweets):
    # just past the calibrated cut, but no word, insult or slur to point at.
    text = "Sunday like a dog and a porch."
    profanity, words = model.profanity.score(text)
    probability = model.probability(offensive.OffensiveSignals(profanity, False, False))
    assert words == []
    assert model.calibrator.flag_at <= probability < offensive.NO_WORD_FLOOR
    assert offensive.scan(model, text, sentences(text), [], 0.0)[1] == []
    assert len(offensive.scan(model, text, sentences(text), [], 0.1)[1]) == 1  # a tenant's own cut applies


def test_an_insult_keeps_the_calibrated_cut_inside_a_word_problem(model):
    text = "You are a stupid idiot. Sam has 12 apples and eats 5. How many apples are left?"
    _, findings = offensive.scan(model, text, sentences(text), [], 0.0, exercise=True)
    assert [f.type for f in findings] == ["insult"]
