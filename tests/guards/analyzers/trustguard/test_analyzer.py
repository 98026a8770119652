"""TrustGuard as a whole: payload validation, trust score, decision and findings with offsets."""

import pytest

from guards.analyzers.base import AnalyzerContext, PayloadError
from guards.analyzers.registry import get_analyzer
from guards.analyzers.trustguard import TrustGuard

KNOWLEDGE = (
    "The Varga Line is a shipping company with its head office in Szeged. "
    "It was founded in 1934 by Ilona Varga."
)
QUESTION = "Where is the head office of the Varga Line, and when was it founded?"


@pytest.fixture(scope="module")
def guard():
    return TrustGuard()


def run(guard, output, *, sources=(KNOWLEDGE,), prompt=QUESTION, **settings):
    payload = {"text": prompt, "output_text": output}
    if sources is not None:
        payload["sources"] = list(sources)
    result = guard.analyze(payload, guard.settings_schema.effective(settings), AnalyzerContext())
    for f in result.findings:  # every span slices back to its (possibly shortened) evidence
        span = payload[f.source][f.start : f.end]
        assert span == f.evidence or (f.evidence.endswith("\u2026") and span.startswith(f.evidence[:-1]))
    return result


def test_the_registry_resolves_trustguard(guard):
    assert isinstance(get_analyzer("trustguard"), TrustGuard)
    assert TrustGuard.settings_schema.defaults()["detectors"] == ["grounding", "markers", "contradiction", "citations"]


def test_it_requires_output_text(guard):
    with pytest.raises(PayloadError) as err:
        guard.analyze({"text": "q"}, guard.settings_schema.effective({}), AnalyzerContext())
    assert err.value.field == "output_text"


@pytest.mark.parametrize("sources", ["a passage", [1, 2], [{"title": "no text"}]])
def test_it_rejects_sources_that_are_not_a_list_of_passages(guard, sources):
    with pytest.raises(PayloadError) as err:
        guard.analyze({"output_text": "x", "sources": sources}, guard.settings_schema.effective({}), AnalyzerContext())
    assert err.value.field == "sources"


def test_it_accepts_sources_given_as_objects_with_text(guard):
    result = run(guard, "The head office is in Szeged.", sources=[{"id": "doc1", "text": KNOWLEDGE}])
    assert result.data["reference"] == "sources"
    assert result.data["unsupported_claims"] == []


def test_a_grounded_answer_is_allowed_and_an_invented_one_is_flagged(guard):
    # Flagged, not blocked: no risk reached a block precision of 0.98 by its confidence bound on tuning data.
    good = run(guard, "The head office is in Szeged. It was founded in 1934.")
    bad = run(guard, "The head office is in Debrecen. It was founded in 1952 by Peter Kovacs.")
    assert good.decision == "allow" and bad.decision == "flag"
    assert good.data["trust_score"] > 0.6 > 0.2 > bad.data["trust_score"]
    assert bad.score == pytest.approx(1 - bad.data["trust_score"], abs=1e-3)


def test_unsupported_claims_are_reported_with_offsets_into_the_output(guard):
    output = "The head office is in Szeged. It was founded in 1952 by Peter Kovacs."
    result = run(guard, output)
    [claim] = result.data["unsupported_claims"]
    assert output[claim["start"] : claim["end"]] == claim["text"] == "It was founded in 1952 by Peter Kovacs."
    assert claim["source"] == "output_text"
    [finding] = [f for f in result.findings if f.type == "unsupported_claim"]
    assert (finding.start, finding.end) == (claim["start"], claim["end"])
    assert {n["text"] for n in finding.detail["missing_names"]} == {"Peter Kovacs"}
    for n in finding.detail["missing_names"] + finding.detail["missing_numbers"]:
        assert output[n["start"] : n["end"]] == n["text"]
    supported = [c for c in result.data["claims"] if c["supported"]]
    assert supported[0]["passage"] == 0 and "Szeged" in supported[0]["evidence"]


def test_overconfidence_is_reported_higher_on_an_unsupported_claim_but_does_not_move_the_calibrated_risk(guard):
    # The risk is a probability calibrated on labelled outputs; wording says nothing measured about truth.
    plain = run(guard, "The head office is in Debrecen.")
    sure = run(guard, "The head office is definitely in Debrecen.")
    grounded = run(guard, "The head office is definitely in Szeged.")
    assert sure.score == plain.score
    [marker] = [f for f in sure.findings if f.type == "overconfidence"]
    [calm] = [f for f in grounded.findings if f.type == "overconfidence"]
    assert (marker.severity, calm.severity) == ("medium", "low")


def test_a_self_contradiction_lowers_trust(guard):
    consistent = run(guard, "The head office is in Szeged. The head office is in Szeged today.", sources=(), prompt="")
    contradictory = run(guard, "The head office is in Szeged. The head office is not in Szeged.", sources=(), prompt="")
    assert contradictory.data["contradictions"] == 1 and consistent.data["contradictions"] == 0
    assert contradictory.data["trust_score"] < consistent.data["trust_score"]
    [f] = [f for f in contradictory.findings if f.type == "self_contradiction"]
    assert f.detail["earlier"]["text"] == "The head office is in Szeged."


def test_a_citation_missing_from_the_sources_looks_fabricated(guard):
    result = run(guard, "The head office is in Szeged (see https://oberoi-facts.example/hq).")
    [f] = [f for f in result.findings if f.category == "citations"]
    assert (f.type, f.severity) == ("fabricated_citation", "high")
    without_sources = run(guard, "See https://oberoi-facts.example/hq.", sources=None)
    assert [f.type for f in without_sources.findings if f.category == "citations"] == ["unverified_citation"]


def test_a_refusal_is_reported_and_not_graded_as_an_unsupported_claim(guard):
    result = run(guard, "I'm sorry, but I can't help with that request.")
    assert result.data["refusal"] is True
    assert result.data["unsupported_claims"] == []
    assert result.decision == "allow"


def test_without_any_reference_claims_are_listed_but_not_graded(guard):
    result = run(guard, "The moon is made of cheese.", sources=None, prompt="")
    assert result.data["reference"] == "none"
    assert result.data["grounding_score"] is None
    assert [c["text"] for c in result.data["claims"]] == ["The moon is made of cheese."]


def test_it_handles_empty_and_very_long_output(guard):
    empty = run(guard, "")
    assert empty.decision == "allow" and empty.data["claims"] == []
    long = run(guard, "The head office is in Szeged. " * 400, max_claims=50)
    assert long.data["claims_truncated"] is True
    assert len(long.data["claims"]) == 50


def test_tenant_thresholds_and_detectors_change_the_answer(guard):
    output = "The head office is definitely in Debrecen."
    assert run(guard, output).decision == "flag"
    assert run(guard, output, block_threshold=0.9).decision == "block"
    assert run(guard, output, flag_threshold=1.0, block_threshold=1.0).decision == "allow"
    only_markers = run(guard, output, detectors=["markers"])
    assert [f.type for f in only_markers.findings] == ["overconfidence"]
    assert only_markers.data["grounding_score"] is None


def test_the_result_serialises_with_the_common_fields(guard):
    data = run(guard, "The head office is in Szeged.").to_dict()
    assert {"decision", "score", "findings", "analyzer_version", "trust_score", "claims"} <= set(data)
    assert data["analyzer_version"] == TrustGuard.version
