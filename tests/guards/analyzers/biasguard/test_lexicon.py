import pytest

from guards.analyzers.biasguard.categories import BIAS_CATEGORIES
from guards.analyzers.biasguard.lexicon import get_lexicon

ALL = set(BIAS_CATEGORIES)


def scan(text: str, categories: set[str] = ALL):
    return get_lexicon().scan(text, categories)


@pytest.mark.parametrize(("text", "term", "alternative", "category"), [
    ("The chairman opened the meeting.", "chairman", "chairperson", "gender"),
    ("Two policemen arrived.", "policemen", "police officers", "gender"),
    ("We need young and energetic people.", "young and energetic", "energetic", "age"),
    ("Ideal for a digital native.", "digital native", "digitally skilled candidate", "age"),
    ("Recent graduates welcome.", "Recent graduates", "early-career candidates", "age"),
    ("He is wheelchair-bound.", "wheelchair-bound", "wheelchair user", "disability"),
    ("Add it to the blacklist.", "blacklist", "blocklist", "race_ethnicity"),
    ("They called them illegal aliens.", "illegal aliens", "undocumented immigrants", "nationality"),
])
def test_it_finds_a_biased_term_with_its_neutral_alternative(text, term, alternative, category):
    findings = scan(text)
    assert len(findings) == 1
    f = findings[0]
    assert text[f.start:f.end] == term
    assert f.detail["alternative"] == alternative
    assert f.category == category
    assert f.message


def test_the_longest_form_wins_an_overlap():
    findings = scan("He was called deaf and dumb.")
    assert [f.evidence for f in findings] == ["deaf and dumb"]


def test_it_leaves_neutral_wording_alone():
    assert scan("The chairperson and the police officer met the firefighters.") == []
    assert scan("Humankind has built a workforce of engineers.") == []


def test_a_slur_is_found_but_never_echoed_in_evidence():
    text = "Get out of here, you faggot."
    (finding,) = scan(text)
    assert finding.type == "slur"
    assert finding.severity == "high"
    assert text[finding.start:finding.end] == "faggot"
    assert finding.evidence == "f****t"
    assert "faggot" not in finding.message


def test_a_masked_or_leetspeak_slur_is_still_found():
    for text, word in [("what a f*ggot", "f*ggot"), ("what a f4ggot", "f4ggot")]:
        (finding,) = scan(text)
        assert text[finding.start:finding.end] == word
        assert finding.category == "sexual_orientation"


def test_a_quoted_slur_scores_lower_than_one_used_directly():
    direct = scan("You retard.")[0]
    quoted = scan('He said "retard" is not an acceptable word.')[0]
    assert quoted.detail["context"] == "quoted"
    assert quoted.score < direct.score


def test_only_the_requested_categories_are_reported():
    text = "The chairman added it to the blacklist."
    assert [f.category for f in scan(text, {"race_ethnicity"})] == ["race_ethnicity"]


def test_slur_words_inside_other_words_do_not_match():
    assert scan("He is a spicy food fan who loves Scunthorpe and fagottini pasta.") == []
