import pytest

from guards.analyzers.biasguard.groups import get_groups
from guards.analyzers.biasguard.referents import referents


def who(text: str):
    return referents(get_groups(), text)


@pytest.mark.parametrize(("text", "group"), [
    ("Women are too emotional to lead.", "Women"),
    ("I think the poor are lazy.", "the poor"),
    ("Everyone knows men never listen.", "men"),
    ("Most immigrants pay their taxes.", "immigrants"),
    ("Gay people shouldn't be allowed to marry.", "Gay people"),
    ("Old people put on weight.", "Old people"),
])
def test_a_group_in_subject_position_is_generic(text, group):
    found = who(text)
    assert found.generic is not None and found.generic.phrase == group
    assert found.features()[0] == 1.0


@pytest.mark.parametrize("text", [
    "Women attended the meeting on Tuesday.",
    "My gay friends are coming over tonight.",
    "Two women were waiting at the stop.",
    "We met some immigrants at the fair.",
    "The women's team won the final.",
    "Women in the study reported less pain.",
])
def test_particular_people_or_a_past_event_are_not_generic(text):
    assert who(text).generic is None


def test_a_definite_person_with_a_pronoun_is_specific_and_names_no_group():
    found = who("The doctor said he would call back tomorrow.")
    assert (found.generic, found.anchor, found.specific, found.gendered_pronoun) == (None, None, True, True)


def test_identity_words_carry_their_categories():
    found = who("My grandmother could not use the phone because she was so old.")
    assert found.anchor.category == "gender"
    assert found.categories == ("gender", "age")


@pytest.mark.parametrize("text", [
    "The plumber ignored the receptionist because she was rude to him.",
    "The banker refused to hire the cleaner because he was lazy.",
    "My landlord argued with a new tenant about her parking space.",
])
def test_two_people_named_by_role_are_a_scene(text):
    found = who(text)
    assert found.roles == 2
    assert found.scene


@pytest.mark.parametrize("text", [
    "The nurse said she would call back.",  # one person
    "The banker refused to hire Tom because he was lazy.",  # one role and a name
    "The teacher told the deaf student to sit at the front.",  # names an identity
    "Nurses are too emotional to work with surgeons.",  # a group, not two people
])
def test_a_scene_needs_two_roles_and_no_group(text):
    assert not who(text).scene


@pytest.mark.parametrize("text", [
    "Our neighbours adopted two black labs last spring.",  # a colour of an animal
    "She spilled white paint on the porch.",
    "That concert was loud, man.",  # an interjection
    "Man, that exam was long.",
])
def test_an_identity_word_used_as_a_plain_descriptor_names_no_group(text):
    assert who(text).anchor is None


@pytest.mark.parametrize(("text", "phrase"), [
    ("The black man at the counter paid in cash.", "black"),
    ("Man is a social animal.", "Man"),
    ("A white woman opened the door.", "white"),
])
def test_the_same_words_about_people_still_anchor(text, phrase):
    assert who(text).anchor.phrase == phrase
