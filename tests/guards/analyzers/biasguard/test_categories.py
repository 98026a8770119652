import pytest

from guards.analyzers.base import PayloadError
from guards.analyzers.biasguard.categories import CATEGORIES, payload_categories


def test_no_categories_means_no_restriction():
    assert payload_categories({"text": "x"}) is None


def test_known_names_and_aliases_are_normalised():
    assert payload_categories({"categories": ["Gender", "race-color", "sexual orientation"]}) == {
        "gender", "race_ethnicity", "sexual_orientation"}


def test_it_rejects_an_unknown_category_naming_the_field():
    with pytest.raises(PayloadError) as raised:
        payload_categories({"categories": ["gender", "astrology"]})
    assert raised.value.field == "categories"
    assert "astrology" in raised.value.message


@pytest.mark.parametrize("value", [42, ["gender", 3], {"gender": True}, []])
def test_it_rejects_a_malformed_categories_value(value):
    with pytest.raises(PayloadError):
        payload_categories({"categories": value})


def test_all_eight_issue_categories_and_offensive_are_known():
    assert set(CATEGORIES) == {"gender", "race_ethnicity", "religion", "age", "disability",
                               "sexual_orientation", "nationality", "socioeconomic", "offensive"}
