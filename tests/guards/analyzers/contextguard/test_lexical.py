"""Lexical helpers behind the fallback and the token estimate."""

from __future__ import annotations

import pytest

from guards.analyzers.contextguard import lexical


def test_content_words_leave_out_function_words():
    assert lexical.content_words("What do you think about the new hiking trail?") == {"think", "new", "hiking", "trail"}


def test_overlap_measures_shared_subject_matter():
    a = lexical.content_words("my cat sleeps on the sofa")
    b = lexical.content_words("your cat likes the sofa too")
    c = lexical.content_words("stock markets fell sharply")
    assert lexical.jaccard(a, b) > 0.3
    assert lexical.jaccard(a, c) == 0.0
    assert lexical.coverage(a, b) == 2 / 3


def test_topic_cues_are_recognised():
    assert lexical.has_topic_cue("By the way, what is your favorite movie?")
    assert not lexical.has_topic_cue("I boiled it for three minutes.")


def test_same_speaker_cues_tell_continuing_from_moving_on():
    assert lexical.leans_back("Is it open late on Sundays?")
    assert lexical.leans_back("And what about that one?")
    assert not lexical.leans_back("Can you recommend a hiking trail near Denver?")
    assert lexical.opens_with_reaction("Oh nice, I did not know that.")
    assert not lexical.opens_with_reaction("Tell me about your job.")
    assert lexical.announces_new_subject("Anyway, enough about plants.")
    assert lexical.announces_new_subject("Changing the subject: what is your favorite movie?")
    assert not lexical.announces_new_subject("The subject of my thesis is plants.")
    assert lexical.asks_about_you("What do you do for a living?")
    assert not lexical.asks_about_you("How long should I boil the pasta?")
    you, me = lexical.person_rates("I think you would like my garden")
    assert you == pytest.approx(1 / 7) and me == pytest.approx(2 / 7)


def test_the_token_estimate_grows_with_the_text_and_counts_cjk_per_character():
    assert lexical.estimate_tokens("") == 0
    assert lexical.estimate_tokens("Hello, world!") == 4
    assert lexical.estimate_tokens("internationalization") == 3
    assert lexical.estimate_tokens("你好世界") == 4
    long = "word " * 1000
    assert 900 <= lexical.estimate_tokens(long) <= 1100


def test_long_texts_are_analysed_but_not_cached():
    lexical._cached_content_words.cache_clear()
    assert lexical.content_words("tomato garden " * 5000) == {"tomato", "garden"}
    assert lexical._cached_content_words.cache_info().currsize == 0
    assert lexical.content_words("tomato garden") == {"tomato", "garden"}
    assert lexical._cached_content_words.cache_info().currsize == 1
