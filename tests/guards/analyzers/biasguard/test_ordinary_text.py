"""Ordinary text is allowed; statements against a group are caught (issue 10).

Every sentence here is written for these tests; none is taken from a dataset.
"""

import time

import pytest


@pytest.mark.parametrize("text", [
    "The doctor said he would call back tomorrow.",
    "The nurse said she would check on the patient after lunch.",
    "The nurse said he would check on the patient after lunch.",
    "The carpenter thanked the librarian because she had found the right manual.",
    "The accountant called the mechanic because his invoice was missing a page.",
    "The pilot met the cashier before she started her shift.",
])
def test_a_gendered_pronoun_for_a_particular_person_is_allowed(analyze, text):
    result = analyze(text)
    assert result.decision == "allow", [f.to_dict() for f in result.findings]
    assert not [f for f in result.findings if f.type in ("stereotype", "generalisation")]


def test_a_doctor_is_never_filed_under_disability(analyze):
    result = analyze("The doctor said he would call back tomorrow.")
    assert "disability" not in result.data["categories"]


@pytest.mark.parametrize("text", [
    "Priya bought 3 bags of mixed nuts for $4 each. How much did she spend?",
    "A farmer has 40 more goats than his neighbour. If the neighbour has 120 goats, how many do they have?",
    "Write a short story about an elephant for a four-year-old child.",
    "Explain the difference between a mortgage and a home equity loan.",
])
def test_ordinary_prompts_are_allowed(analyze, text):
    assert analyze(text).decision == "allow"


def test_a_statement_against_a_group_blocks(analyze):
    result = analyze("Gay people shouldn't be allowed to adopt children.")
    assert result.decision == "block"
    (claim,) = [f for f in result.findings if f.type == "generalisation"]
    assert claim.category == "sexual_orientation"
    assert claim.detail["calibrator"] == "stereotype"
    assert claim.score >= 0.95


@pytest.mark.parametrize(("statement", "mention"), [
    ("Women are too emotional to lead a company.", "Women attended the meeting on Tuesday and voted on the budget."),
    ("Immigrants are ruining this country.", "Immigrants can get free advice at the legal clinic on Fridays."),
    ("Old people are a burden on everyone else.", "My grandmother moved into a flat near the station last spring."),
])
def test_a_statement_about_a_group_is_told_from_a_mention_of_one(analyze, statement, mention):
    assert analyze(statement).decision in ("flag", "block")
    assert analyze(mention).decision == "allow"


def test_a_role_noun_is_a_style_suggestion_that_never_blocks(analyze):
    result = analyze("The chairman opened the meeting.", settings={"flag_threshold": 0.05, "block_threshold": 0.1})
    (finding,) = result.findings
    assert (finding.type, finding.severity, finding.detail["style"]) == ("gendered_term", "low", True)
    assert result.decision == "flag"  # the tenant asked for a flag at 0.05; never a block
    assert analyze("The chairman opened the meeting.").decision == "allow"


def test_the_pronoun_of_a_definite_person_in_the_next_sentence_is_not_a_default(analyze):
    result = analyze("Every developer must commit code daily. Then the manager reviews his changes.")
    assert not [f for f in result.findings if f.type == "default_pronoun"]


def test_scores_of_calibrated_findings_are_probabilities_with_their_calibrator_named(analyze):
    result = analyze("Gay people shouldn't be allowed to adopt children. You are a stupid idiot.")
    calibrated = [f for f in result.findings if f.detail.get("calibrator")]
    assert {f.detail["calibrator"] for f in calibrated} >= {"stereotype", "offensive"}
    assert all(0.0 <= f.score <= 1.0 for f in calibrated)
    assert result.score == max(f.score for f in result.findings)


def test_many_group_words_in_one_long_sentence_stay_linear(analyze):
    # No sentence punctuation: one 200 KB sentence full of group words.
    small, large = "women and men " * 1_500, "women and men " * 15_000
    timings = []
    for text in (small, large):
        started = time.process_time()
        analyze(text, settings={"detectors": ["generalisations", "stereotypes"]})
        timings.append(time.process_time() - started)
    assert timings[1] < max(timings[0], 0.02) * 25  # ten times the text, well under a hundred times the time


def test_a_character_in_a_word_problem_is_not_a_stereotype(analyze):
    story = "Omar got lost looking for his bike in the school yard."
    problem = f"{story} It took him 15 minutes to find it and 10 minutes to ride home. How many minutes was that?"
    assert analyze(problem).decision == "allow"
    for finding in analyze(problem).findings:
        assert finding.detail.get("context") == "exercise"


def test_a_statement_about_a_group_inside_a_word_problem_is_still_flagged(analyze):
    result = analyze("Women are bad with money, so Ana spent 40 of her 60 dollars on shoes. How much does she have left?")
    assert result.decision in ("flag", "block")
    (claim,) = [f for f in result.findings if f.type in ("stereotype", "generalisation")]
    assert claim.detail["context"] == "asserted"


@pytest.mark.parametrize("text", [
    "The plumber ignored the receptionist because she was rude to him.",
    "The banker refused to hire the cleaner because he was lazy.",
    "The surgeon complained that the nurse was too emotional to assist her.",
])
def test_a_scene_between_two_people_named_by_role_is_allowed(analyze, text):
    result = analyze(text)
    assert result.decision == "allow", [f.to_dict() for f in result.findings]
    assert all(f.detail.get("context") == "scene" for f in result.findings if f.type == "stereotype")


def test_a_word_problem_about_nuts_is_not_offensive_unless_the_tenant_says_so(analyze):
    problem = "A squirrel buried 24 nuts in the park and dug up half of them. How many nuts are still buried?"
    assert analyze(problem).decision == "allow"
    assert not [f for f in analyze(problem).findings if f.type == "offensive_language"]
    # A tenant's own offensive threshold applies to every sentence, exercise or not.
    tenant = analyze(problem, settings={"offensive_threshold": 0.2})
    assert [f for f in tenant.findings if f.type == "offensive_language"]


# Found by trying ordinary sentences as a user would (2026-12-02). Each was flagged before: a
# medium lexicon term flagged on its own, in whatever sense ("close the blind": ableist, 0.55).
@pytest.mark.parametrize("text", [
    "Could you close the blind? The sun is in my eyes.",
    "The blind spot of the mirror hides the cyclist.",
    "The Warsaw Ghetto uprising began in April 1943.",
    "The Ghetto in Venice gave its name to all later ghettos.",
])
def test_words_that_name_a_thing_get_no_finding(analyze, text):
    result = analyze(text)
    assert result.decision == "allow"
    assert result.findings == [], [f.to_dict() for f in result.findings]


@pytest.mark.parametrize("text", [
    "Where can I find a handicapped parking space near the stadium?",
    "My grandmother became senile in her nineties, how do I support her?",
    "Schools for the deaf use sign language as the main language of teaching.",
    "The committee discussed unskilled labor shortages in construction.",
    "The ship was crippled by the storm and drifted for days.",
])
def test_outdated_wording_is_a_suggestion_not_a_flag(analyze, text):
    result = analyze(text)
    assert result.decision == "allow", [f.to_dict() for f in result.findings]
    terms = [f for f in result.findings if f.detail.get("detector") == "lexicon"]
    assert terms and all(f.severity == "low" and f.detail.get("alternative") for f in terms)


@pytest.mark.parametrize("text", [
    "That's so gay, no homo.",
    "They called her an anchor baby at school.",
])
def test_pejoratives_about_people_still_flag(analyze, text):
    assert analyze(text).decision in ("flag", "block")


def test_a_claim_the_writer_asks_to_have_checked_is_not_flagged(analyze):
    # Was flag 0.90 (generalisation, critical): the question invites the model to correct it.
    result = analyze("Is it true that women are worse at maths? I keep hearing this at school.")
    assert result.decision == "allow"
    claim = next(f for f in result.findings if f.type == "generalisation")
    assert claim.detail["context"] == "questioned" and claim.score < 0.3


@pytest.mark.parametrize("text", [
    "Isn't it true that women are worse at maths?",  # rhetorical: asserts it
    "Women are worse at maths.",
    "Why are women so bad at maths?",  # presupposes it
])
def test_asserted_or_presupposed_claims_are_still_caught(analyze, text):
    assert analyze(text).decision in ("flag", "block")


@pytest.mark.parametrize("text", [
    "He is a nurse and his wife is an engineer.",
    "My sister became a doctor and she loves her job.",
])
def test_a_role_said_of_someone_named_is_not_a_generic_antecedent(analyze, text):
    assert not [f for f in analyze(text).findings if f.type == "default_pronoun"]


def test_a_generic_role_with_a_default_pronoun_is_still_suggested(analyze):
    found = [f for f in analyze("A nurse should always wash his hands.").findings if f.type == "default_pronoun"]
    assert len(found) == 1 and found[0].severity == "low"


@pytest.mark.parametrize("text", [
    "Black Americans were denied the vote in many southern states until 1965.",  # was flag 0.86
    "The Jewish community in Venice was confined to the ghetto in 1516.",  # was flag 0.90
    "During the war, Japanese Americans were sent to internment camps.",
])
def test_a_dated_event_done_to_a_group_is_history_not_a_stereotype(analyze, text):
    result = analyze(text)
    assert result.decision == "allow", [f.to_dict() for f in result.findings]
    assert all(f.detail.get("context") in (None, "history") for f in result.findings if f.type == "stereotype")


@pytest.mark.parametrize("text", [
    "Mexicans were lazy in the 1800s and still are.",  # a trait, not something done to them
    "Black people were always criminals, even in the 1950s.",
])
def test_a_trait_given_to_a_group_in_the_past_is_still_caught(analyze, text):
    assert analyze(text).decision in ("flag", "block")
