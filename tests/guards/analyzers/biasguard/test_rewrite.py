from guards.analyzers.base import Finding
from guards.analyzers.biasguard.rewrite import neutral_text


def term(text, word, alternative, *, replaceable=True, kind="gendered_term"):
    start = text.index(word)
    return Finding(type=kind, category="gender", severity="low", score=0.3, start=start,
                   end=start + len(word), detail={"alternative": alternative, "replaceable": replaceable})


def test_it_substitutes_replaceable_terms_keeping_capitals():
    text = "Chairman Lee thanked the firemen."
    found = [term(text, "Chairman", "chairperson"), term(text, "firemen", "firefighters")]
    assert neutral_text(text, found) == "Chairperson Lee thanked the firefighters."


def test_it_fixes_the_article_before_a_replacement():
    text = "We want a young and energetic hire."
    assert neutral_text(text, [term(text, "young and energetic", "energetic")]) == "We want an energetic hire."


def test_it_fixes_verb_agreement_for_they():
    text = "If a user asks, he is told."
    found = [term(text, "he", "they", kind="default_pronoun")]
    assert neutral_text(text, found) == "If a user asks, they are told."


def test_it_leaves_a_pronoun_whose_verb_it_cannot_conjugate():
    text = "Each user says he writes."
    assert neutral_text(text, [term(text, "he", "they", kind="default_pronoun")]) is None


def test_non_replaceable_terms_are_not_rewritten():
    text = "That's so gay."
    assert neutral_text(text, [term(text, "That's so gay", "that's so bad", replaceable=False)]) is None


def test_a_slur_is_masked_in_the_rewrite():
    text = "Each user and that faggot."
    found = [term(text, "faggot", "gay man", replaceable=False, kind="slur")]
    assert neutral_text(text, found) == "Each user and that f****t."
