"""Claim verdicts and calibrated decisions: the cases of issue 10, with sentences written for these tests."""

import re

import pytest

from guards.analyzers.base import AnalyzerContext
from guards.analyzers.trustguard import TrustGuard
from guards.analyzers.trustguard.grounding import VECTOR_CACHE, calibrator
from guards.analyzers.trustguard.text import number_values, numbers

SOURCE = (
    "The Eiffel Tower is a wrought-iron lattice tower on the Champ de Mars in Paris. "
    "It was designed and built by the company of the engineer Gustave Eiffel between 1887 and 1889. "
    "The tower is 330 metres (1,083 feet) tall and was the tallest structure in the world until 1930."
)


@pytest.fixture(scope="module")
def guard():
    return TrustGuard()


def run(guard, output, *, sources=(SOURCE,), prompt="Tell me about the Eiffel Tower.", **settings):
    VECTOR_CACHE.clear()
    payload = {"text": prompt, "output_text": output}
    if sources is not None:
        payload["sources"] = list(sources)
    return guard.analyze(payload, guard.settings_schema.effective(settings), AnalyzerContext())


def test_a_faithful_paraphrase_of_the_source_is_supported_and_allowed(guard):
    result = run(guard, "Gustave Eiffel's firm built the Paris landmark, finishing it in 1889; it rises about 1,083 feet.")
    assert [c["verdict"] for c in result.data["claims"]] == ["supported", "supported"]
    assert result.decision == "allow" and result.score < calibrator("grounding").flag_at
    assert not [f for f in result.findings if f.category in ("grounding", "contradiction")]


def test_the_same_paraphrase_with_a_changed_year_is_flagged_at_the_highest_risk(guard):
    result = run(guard, "Gustave Eiffel's firm built the Paris landmark, finishing it in 1899; it rises about 1,083 feet.")
    assert result.decision == "flag" and result.score == max(calibrator("grounding").ys)
    [finding] = [f for f in result.findings if "1899" in f.message]
    assert finding.type == "unsupported_claim" and finding.severity == "high"


def test_messages_quote_the_words_of_the_output_never_their_stems(guard):
    output = "The volunteers finished the landmark quickly and happily."
    [finding] = run(guard, output).findings
    assert "\u201cfinished\u201d" in finding.message and "\u201cquickly\u201d" in finding.message  # stems: finish, quick
    quoted = re.findall("\u201c([^\u201d]+)\u201d", finding.message)
    assert quoted and all(re.search(rf"\b{word}\b", output) for word in quoted)
    assert finding.detail["missing_words"] == quoted


def test_a_direct_contradiction_of_the_source_is_flagged_high_as_a_contradiction(guard):
    result = run(guard, "The Eiffel Tower is not made of iron; it is a concrete tower.")
    [finding] = [f for f in result.findings if f.type == "contradiction"]
    assert finding.category == "contradiction" and finding.severity == "high"
    assert finding.score >= calibrator("grounding").flag_at
    assert "opposite" in finding.message and "wrought-iron" in finding.message
    assert result.decision in ("flag", "block")
    alone = run(guard, "The Eiffel Tower is not made of iron.")
    assert alone.decision in ("flag", "block") and alone.data["verdicts"]["contradicted"] == 1


def test_a_changed_figure_against_the_same_statement_is_a_contradiction_naming_the_sources_figure(guard):
    result = run(guard, "The tower was the tallest structure in the world until 1950.")
    [finding] = [f for f in result.findings if f.type == "contradiction"]
    assert finding.detail["reference_says"] == "1930" and "\u201c1950\u201d" in finding.message


def test_a_claim_the_source_is_silent_about_is_unsupported_not_contradicted(guard):
    result = run(guard, "The tower was repainted in 2019 by a team from Lyon.")
    assert result.data["verdicts"] == {"supported": 0, "unsupported": 1, "contradicted": 0, "unverifiable": 0}
    assert [f.type for f in result.findings] == ["unsupported_claim"]


def test_a_negation_elsewhere_in_a_long_source_sentence_is_no_contradiction(guard):
    source = ("The new stadium opened in the north of the city in May, and there was no room left for the "
              "fans who arrived late.")
    result = run(guard, "The new stadium opened in the north of the city in May.", sources=[source])
    assert result.data["verdicts"]["contradicted"] == 0 and result.decision == "allow"


@pytest.mark.parametrize("answer", ["The capital of Australia is Canberra.", "The capital of Australia is Sydney."])
def test_without_sources_a_claim_the_prompt_cannot_confirm_is_unverifiable_and_allowed(guard, answer):
    result = run(guard, answer, sources=None, prompt="What is the capital of Australia?")
    assert result.data["reference"] == "prompt"
    assert [c["verdict"] for c in result.data["claims"]] == ["unverifiable"]
    [finding] = result.findings
    assert (finding.type, finding.severity) == ("unverifiable_claim", "low")
    assert result.decision == "allow" and result.score < calibrator("grounding").flag_at


def test_without_sources_the_prompt_grounds_what_it_states(guard):
    prompt = "Canberra is the capital of Australia. Which city is the capital?"
    right = run(guard, "The capital of Australia is Canberra.", sources=None, prompt=prompt)
    wrong = run(guard, "The capital of Australia is Sydney.", sources=None, prompt=prompt)
    assert right.decision == "allow" and right.data["verdicts"]["supported"] == 1
    [finding] = wrong.findings
    assert finding.type == "contradiction" and "\u201cCanberra\u201d" in finding.message
    assert wrong.decision in ("flag", "block") and wrong.score > right.score


def test_the_risk_is_the_calibrated_probability_and_decisions_use_the_tuned_thresholds(guard):
    grounding = calibrator("grounding")
    assert 0.0 < grounding.flag_at < 1.0 and grounding.block_at >= grounding.flag_at
    assert grounding(0.0) <= grounding(0.5) <= grounding(1.0) < 1.0  # never certain
    result = run(guard, "The tower was designed by Gustave Eiffel in 1887 for the Olympic Games in Paris.")
    assert result.score == pytest.approx(grounding(result.data["raw_risk"]), abs=1e-6)
    assert result.data["trust_score"] == pytest.approx(1 - result.score, abs=1e-4)
    strict = run(guard, "The tower was designed by Gustave Eiffel in 1887 for the Olympic Games in Paris.",
                 flag_threshold=0.05, block_threshold=0.06)
    assert strict.decision == "block"


# Tried by hand (2026-12-02) with a source and answers written for the check: the same figure in
# another notation was "contradicted" (0.99), a changed year in a two-year sentence and a denial
# of a one-word fact were missed.
LIBRARY = (
    "The city council approved a budget of $1.5 million for the new library on March 3, 2021. "
    "Construction began in June 2021 and the library opened to the public in September 2023. "
    "It holds about 120,000 books and has a rooftop garden."
)


@pytest.mark.parametrize("output", [
    "The council approved $1,500,000 for the library.",  # was contradiction 0.99
    "The budget was 1.5 million dollars.",  # was unsupported ("dollars") 0.71
    "The library holds roughly 120k books.",  # was unsupported ("120k") 0.99
    "The new library was funded with $1.5M approved by the city council in 2021.",
])
def test_one_figure_in_another_notation_is_supported(guard, output):
    result = run(guard, output, sources=(LIBRARY,), prompt="Tell me about the library.")
    assert result.decision == "allow", [f.message for f in result.findings]
    assert not [f for f in result.findings if f.type in ("unsupported_claim", "contradiction")]


def test_a_changed_year_among_two_years_of_the_sentence_is_a_contradiction(guard):
    result = run(guard, "The library opened in September 2022.", sources=(LIBRARY,), prompt="When did it open?")
    [finding] = [f for f in result.findings if f.type == "contradiction"]
    assert "2023" in finding.message and "2022" in finding.message
    assert finding.severity == "high" and result.decision == "flag"


def test_denying_a_one_word_fact_is_a_contradiction(guard):
    result = run(guard, "No, it does not have a garden.", sources=(LIBRARY,), prompt="Does it have a garden?")
    assert [f.type for f in result.findings if f.category == "contradiction"] == ["contradiction"]
    assert result.decision == "flag"


def test_a_figure_and_its_scale_read_as_one_number():
    assert [v for v, _ in numbers("a budget of $1.5 million")] == ["1500000"]
    assert [v for v, _ in numbers("a bid of \u00a3 50 m")] == ["50000000"]
    assert [v for v, _ in numbers("a wall 5 m tall")] == ["5"]  # metres, not millions
    assert number_values("\u00a350m") == {"50000000", "50"}
