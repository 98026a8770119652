from guards.analyzers.biasguard import pronouns


def spans(text: str) -> list[tuple[str, str]]:
    return [(text[f.start:f.end], f.detail["alternative"]) for f in pronouns.scan(text)]


def test_he_as_the_default_for_each_user_is_flagged_with_they():
    text = "Each user must confirm his email before he can log in."
    assert spans(text) == [("his", "their"), ("he", "they")]


def test_the_pronoun_may_refer_back_from_the_next_sentence():
    assert spans("A candidate should apply online. He will hear from us.") == [("He", "they")]


def test_she_as_the_default_for_a_nurse_is_flagged_too():
    assert spans("Every nurse knows she must wash her hands.") == [("she", "they"), ("her", "their")]


def test_a_named_person_in_between_is_the_real_referent():
    assert spans("The user, John, said he was happy.") == []


def test_a_stated_gender_is_not_a_default():
    assert spans("Each male user confirmed his email.") == []
    assert spans("Each user's husband said he agreed.") == []


def test_inclusive_forms_are_left_alone():
    assert spans("Each user must confirm his or her email.") == []
    assert spans("Every student knows s/he must bring a pen.") == []


def test_a_pronoun_with_no_generic_antecedent_is_not_flagged():
    assert spans("My brother said he would come.") == []


def test_a_definite_role_usually_names_a_known_person():
    assert spans("The manager said he would approve it.") == []


def test_a_definite_person_in_the_next_sentence_is_the_nearer_referent():
    assert spans("Every developer must commit code. Then the manager reviews his changes.") == []
