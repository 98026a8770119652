import pytest

from guards.analyzers.biasguard import context


def frame(text: str, claim: str) -> context.Frame:
    start = text.index(claim)
    return context.frame_of(text, start, start + len(claim), sentence_end=len(text))


def test_a_plain_claim_is_asserted():
    assert frame("All women are bad drivers.", "All women are bad drivers").kind == context.ASSERTED


def test_it_is_wrong_to_say_negates_the_claim_that_follows():
    assert frame("It is wrong to say all women are bad drivers.", "all women are bad drivers").kind == context.NEGATED


def test_a_rejection_after_the_claim_negates_it():
    text = "Saying that immigrants are lazy is racist."
    assert frame(text, "immigrants are lazy is racist").kind == context.NEGATED
    assert frame("That all Muslims are terrorists is a myth.", "all Muslims are terrorists").kind == context.NEGATED


def test_not_all_negates_the_universal():
    assert frame("Not all men are violent.", "all men are violent").kind == context.NEGATED


def test_a_claim_inside_quotation_marks_is_quoted():
    text = 'He wrote: "Muslims are all terrorists" and left.'
    assert frame(text, "Muslims are all terrorists").kind == context.QUOTED
    curly = "She posted \u201cold people are useless\u201d yesterday."
    assert frame(curly, "old people are useless").kind == context.QUOTED


def test_a_claim_attributed_to_others_is_reported():
    assert frame("Some people claim that Mexicans are lazy.", "Mexicans are lazy").kind == context.REPORTED


def test_a_word_like_no_elsewhere_does_not_negate():
    assert frame("There is no doubt: women are bad drivers.", "women are bad drivers").kind == context.ASSERTED


def test_frames_discount_in_order_negated_quoted_reported():
    f = context.FACTORS
    assert f[context.NEGATED] < f[context.QUOTED] < f[context.REPORTED] < f[context.ASSERTED] == 1.0


def test_claim_start_skips_the_framing_words():
    text = "It is a myth that Jamal was bad at school."
    assert text[context.claim_start(text, 0, len(text)):].startswith(" Jamal")


def test_a_past_doubt_in_a_story_is_not_a_rejection_of_the_claim():
    # "didn't think X could ..." tells an expectation (neg-raising: "thought X couldn't"), not a denial.
    assert frame("He didn't think women could fix cars.", "women could fix cars").kind == context.ASSERTED
    assert frame("She did not believe a word the old man said.", "old man said").kind == context.ASSERTED


def test_rejecting_a_claim_now_still_negates_it():
    assert frame("I don't believe that women are bad drivers.", "women are bad drivers").kind == context.NEGATED
    assert frame("We did not accept that immigrants are lazy.", "immigrants are lazy").kind == context.NEGATED


@pytest.mark.parametrize("text", [
    "Tobias lost his gloves twice this winter. Each pair costs $12. How much did he spend on gloves?",
    "A bakery sells 40 rolls in the morning and half as many in the afternoon. Calculate the total number sold.",
    "Mira scored 18 points and her cousin scored 3 times as many. What percentage of the points did Mira score?",
])
def test_a_word_problem_is_a_quantitative_exercise(text):
    assert context.is_exercise(text)


@pytest.mark.parametrize("text", [
    "Women earn 20 percent less than men in 3 of 4 jobs.",  # quantities, nothing asked
    "How many people live in Lisbon?",  # asked, but no quantity stated
    "All women are bad drivers.",
    "Omar got lost looking for his bike in the school yard. It took him 15 minutes to find it.",
])
def test_numbers_or_a_question_alone_do_not_make_an_exercise(text):
    assert not context.is_exercise(text)
