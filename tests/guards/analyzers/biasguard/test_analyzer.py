import json

import pytest

from guards.analyzers.base import PayloadError
from guards.analyzers.biasguard import BiasGuard
from guards.analyzers.registry import analyzer_class
from guards.analyzers.schema import SettingsError

JOB_AD = ("We are looking for a young and energetic chairman. Each applicant should send his CV; "
          "a recent graduate or digital native is ideal.")


def test_the_registry_resolves_biasguard_to_this_class():
    assert analyzer_class("biasguard") is BiasGuard


def test_it_requires_text(guard):
    with pytest.raises(PayloadError) as raised:
        guard.analyze({}, guard.settings_schema.effective({}), None)
    assert raised.value.field == "text"


def test_an_unknown_category_is_a_payload_error_naming_the_field(analyze):
    with pytest.raises(PayloadError) as raised:
        analyze("fine text", categories=["gender", "zodiac"])
    assert raised.value.field == "categories"


def test_empty_text_is_allowed_with_no_findings(analyze):
    result = analyze("   ")
    assert (result.decision, result.score, result.findings) == ("allow", 0.0, [])


def test_a_job_ad_gets_age_and_gender_findings_offsets_and_a_neutral_rewrite(analyze):
    result = analyze(JOB_AD)
    kinds = {(f.type, JOB_AD[f.start:f.end]) for f in result.findings}
    assert kinds >= {("age_coded", "young and energetic"), ("gendered_term", "chairman"),
                     ("default_pronoun", "his"), ("age_coded", "recent graduate"),
                     ("age_coded", "digital native")}
    for finding in result.findings:
        assert JOB_AD[finding.start:finding.end] == finding.evidence
        assert finding.detail["alternative"]
        assert finding.severity == "low" and finding.detail["style"]
    # Wording suggestions are reported with their alternatives, not flagged.
    assert result.decision == "allow"
    assert result.data["categories"]["age"]["findings"] == 3
    assert result.data["neutral_text"] == (
        "We are looking for an energetic chairperson. Each applicant should send their CV; "
        "an early-career candidate or digitally skilled candidate is ideal.")


def test_an_asserted_generalisation_blocks_and_its_negation_does_not(analyze):
    claim = analyze("Gay people shouldn't be allowed to adopt children.")
    negated = analyze("It is wrong to say gay people shouldn't be allowed to adopt children.")
    assert claim.decision == "block"
    assert claim.findings[0].type == "generalisation"
    assert claim.findings[0].category == "sexual_orientation"
    assert negated.decision == "allow"
    assert negated.score < claim.score * 0.25
    (finding,) = [f for f in negated.findings if f.type == "generalisation"]
    assert finding.detail["context"] == "negated"
    assert "rejects" in finding.message


def test_reported_speech_in_quotes_scores_well_below_the_claim(analyze):
    claim = analyze("Muslims are all terrorists.")
    quoted = analyze('The commenter wrote "Muslims are all terrorists" and was banned.')
    assert quoted.score < claim.score * 0.5
    assert quoted.findings[0].detail["context"] == "quoted"


def test_a_stereotype_without_a_pattern_is_found_by_meaning(analyze):
    text = "My grandmother could not figure out how to use the new phone because she was so old."
    result = analyze(text)
    (finding,) = [f for f in result.findings if f.type == "stereotype"]
    assert finding.category == "age"
    assert text[finding.start:finding.end] == text
    assert result.decision in ("flag", "block")


def test_a_negated_stereotype_found_by_meaning_scores_low(analyze):
    asserted = analyze("Asian students just study all the time and have no social life.")
    negated = analyze("It is a myth that Asian students just study all the time and have no social life.")
    assert asserted.findings[0].type == "stereotype"
    assert negated.score < 0.3 <= asserted.score
    assert all(f.detail["context"] == "negated" for f in negated.findings)


def test_a_quoted_stereotype_found_by_meaning_is_discounted_as_a_quotation(analyze):
    claim = "The Asian kid in my class only cared about math and never went to parties."
    asserted = analyze(claim)
    quoted = analyze(f'My cousin wrote "{claim}" on his blog.')
    (finding,) = quoted.findings
    assert finding.type == "stereotype"
    assert finding.detail["context"] == "quoted"
    assert finding.detail["probability"] >= 0.5
    assert quoted.score < asserted.score * 0.5


@pytest.mark.parametrize("text", [
    "We hired Maria as our new engineer last week.",
    "Women attended the meeting on Tuesday and voted on the budget.",
    "The Chinese New Year parade starts at noon in the city centre.",
    "Please review the attached quarterly report before Friday.",
])
def test_neutral_text_is_allowed(analyze, text):
    result = analyze(text)
    assert result.decision == "allow", [f.to_dict() for f in result.findings]


def test_an_insult_blocks_with_a_masked_evidence(analyze):
    result = analyze("You are a stupid idiot.")
    assert result.decision == "block"
    assert result.data["offensive_score"] > 0.9
    (finding,) = result.findings
    assert finding.category == "offensive"
    assert "idiot" not in finding.evidence


@pytest.mark.parametrize(("text", "slur"), [
    ("Those faggots ruin everything.", "faggot"),
    ("Each user confirms his email, you f4ggot.", "f4ggot"),
])
def test_a_slur_never_appears_anywhere_in_the_response(analyze, text, slur):
    result = analyze(text)
    body = json.dumps(result.to_dict())
    assert slur not in body
    assert any(f.type == "slur" and text[f.start:f.end].startswith(slur) for f in result.findings)
    assert result.decision == "block"


def test_payload_categories_restrict_the_findings(analyze):
    result = analyze(JOB_AD + " You idiot.", categories=["age"])
    assert {f.category for f in result.findings} == {"age"}
    assert "offensive_score" not in result.data
    assert result.data["checked_categories"] == ["age"]


def test_tenant_settings_choose_detectors_and_thresholds(analyze):
    only_lexicon = analyze("You are a stupid idiot. The chairman agreed.", settings={"detectors": ["lexicon"]})
    assert [f.type for f in only_lexicon.findings] == ["gendered_term"]
    lenient = analyze(JOB_AD, settings={"flag_threshold": 0.95, "block_threshold": 0.99})
    assert lenient.decision == "allow"
    assert lenient.findings


def test_the_settings_schema_rejects_an_unknown_category():
    with pytest.raises(SettingsError):
        BiasGuard.settings_schema.validate({"categories": ["gender", "zodiac"]})


def test_a_long_text_is_handled_within_the_embedding_budget(analyze):
    text = ("Old people always complain. " + "The report covers the quarter in detail. " * 40) * 25
    result = analyze(text)
    assert result.data["embedded_sentences"] <= 1
    assert 0.0 <= result.score <= 1.0
    for finding in result.findings:
        assert text[finding.start:finding.end]
    assert sum(f.type == "generalisation" for f in result.findings) == 25


def test_the_result_serialises_with_version_and_timings(analyze):
    data = analyze(JOB_AD).to_dict()
    assert data["analyzer_version"] == BiasGuard.version
    assert set(data["timings_ms"]) >= {"lexicon", "generalisations", "offensive"}
    json.dumps(data)


def test_findings_are_capped_keeping_the_strongest(analyze):
    text = "The chairman agreed. " * 30 + "All women are bad drivers."
    result = analyze(text, settings={"max_findings": 5})
    assert len(result.findings) == 5
    assert result.data["findings_omitted"] == 26
    assert result.findings[-1].type == "generalisation"
    assert result.data["categories"]["gender"]["findings"] == 31
