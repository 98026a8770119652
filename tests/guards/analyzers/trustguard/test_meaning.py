"""Support by meaning: a faithful paraphrase of a source sentence is supported, a changed fact is not."""

import numpy as np
import pytest

from guards.analyzers.base import AnalyzerContext
from guards.analyzers.trustguard import TrustGuard
from guards.analyzers.trustguard.analyzer import grounding_model, meaning_budget
from guards.analyzers.trustguard.claims import split_claims
from guards.analyzers.trustguard.grounding import (
    ENTITY_CAP,
    VECTOR_CACHE,
    GroundingModel,
    build_evidence,
    ground_claims,
)

EIFFEL = "The Eiffel Tower was built from 1887 to 1889 by the company of Gustave Eiffel."
QUESTION = "When was the Eiffel Tower built, and by whom?"


@pytest.fixture(scope="module")
def guard():
    return TrustGuard()


def claims(guard, output, *, prompt=QUESTION, **settings):
    payload = {"text": prompt, "output_text": output, "sources": [EIFFEL]}
    result = guard.analyze(payload, guard.settings_schema.effective(settings), AnalyzerContext())
    for c in result.data["claims"]:
        assert output[c["start"] : c["end"]] == c["text"]
    return result


@pytest.mark.parametrize("prompt", [QUESTION, ""])
def test_a_paraphrase_of_its_source_is_supported(guard, prompt):
    result = claims(guard, "The Eiffel Tower was completed in 1889 by Gustave Eiffel.", prompt=prompt)
    [claim] = result.data["claims"]
    assert claim["supported"] and claim["similarity"] > grounding_model().meaning.threshold
    assert result.data["unsupported_claims"] == []
    assert not [f for f in result.findings if f.type == "unsupported_claim"]


def test_without_meaning_the_same_paraphrase_is_reported_unsupported(guard):
    result = claims(guard, "The Eiffel Tower was completed in 1889 by Gustave Eiffel.", use_embeddings=False)
    [claim] = result.data["claims"]
    assert not claim["supported"] and claim["similarity"] is None


@pytest.mark.parametrize(
    ("output", "changed", "reason"),
    [
        ("The Eiffel Tower was completed in 1899 by Gustave Eiffel.", "1899", "figures not in the reference"),
        ("The Eiffel Tower was completed in 1889 by Gustave Flaubert.", "Gustave Flaubert",
         "names not in the reference"),
    ],
)
def test_a_paraphrase_that_changes_a_number_or_a_name_is_unsupported(guard, output, changed, reason):
    result = claims(guard, output)
    [claim] = result.data["claims"]
    assert not claim["supported"] and claim["score"] <= ENTITY_CAP
    assert claim["similarity"] is None  # meaning cannot excuse a changed fact, so it is not computed
    [finding] = [f for f in result.findings if f.type == "unsupported_claim"]
    assert reason in finding.message and changed in finding.message


def test_a_negated_paraphrase_is_caught_as_a_contradiction(guard):
    result = claims(guard, "The Eiffel Tower was not completed by Gustave Eiffel.")
    [claim] = result.data["claims"]
    assert claim["verdict"] == "contradicted" and claim["score"] <= ENTITY_CAP
    [finding] = [f for f in result.findings if f.type == "contradiction"]
    assert finding.detail["negates_source"] and finding.severity == "high"


def test_an_unrelated_claim_sharing_the_names_stays_unsupported(guard):
    # Same names, no figure, but a different statement: low similarity, no support.
    result = claims(guard, "Gustave Eiffel enjoyed sailing on weekends near the Eiffel Tower.")
    [claim] = result.data["claims"]
    assert not claim["supported"]
    assert claim["similarity"] is not None and claim["similarity"] < grounding_model().meaning.threshold


def fake_embedder(calls):
    """Every text maps to the same unit vector (cosine 1), and each call is recorded."""

    def embed(texts):
        calls.append(list(texts))
        return np.ones((len(texts), 4), dtype=np.float32) / 2.0

    return embed


def test_claims_and_their_source_sentences_are_embedded_in_one_batch_each_sentence_once():
    calls = []
    evidence = build_evidence("", [EIFFEL, "It is 330 metres tall."])
    output = "The Eiffel Tower was completed in 1889. Gustave Eiffel's firm finished the tower in 1889."
    VECTOR_CACHE.clear()
    supports = ground_claims(split_claims(output), evidence, grounding_model(), embed=fake_embedder(calls),
                             max_embedded_claims=2)
    assert len(calls) == 1
    [batch] = calls
    assert batch.count(EIFFEL) == 1 and len(batch) == 3  # two claims + their one shared source sentence
    assert all(s.score >= 0.5 for s in supports)
    calls.clear()
    ground_claims(split_claims(output), evidence, grounding_model(), embed=fake_embedder(calls), max_embedded_claims=2)
    assert EIFFEL not in calls[0]  # the source sentence's vector is cached across requests
    VECTOR_CACHE.clear()


def test_the_meaning_budget_is_text_so_long_claims_use_it_up_and_short_ones_share_it():
    evidence = build_evidence("", [EIFFEL])
    long_claims = ("The Eiffel Tower was completed in 1889 after a long period of hard work by very many builders and "
                   "engineers. Gustave Eiffel's own engineering firm finished the whole tower in 1889 after a long "
                   "period of careful design and construction work.")
    short_claims = "Eiffel's firm finished it in 1889. The tower was completed in 1889."
    for output, embedded in ((long_claims, 1), (short_claims, 2)):
        calls = []
        VECTOR_CACHE.clear()
        supports = ground_claims(split_claims(output), evidence, grounding_model(), embed=fake_embedder(calls),
                                 max_embedded_claims=1)
        assert len(supports) == 2
        assert sum("similarity" in s.features for s in supports) == embedded
    VECTOR_CACHE.clear()


def test_without_a_meaning_rule_the_embedder_is_never_called():
    def failing_embed(texts):
        raise AssertionError("the embedder should not run")

    model = grounding_model()
    lexical_only = GroundingModel(model.lexical, None)
    [claim] = ground_claims(split_claims("The Eiffel Tower was completed in 1889 by Gustave Eiffel."),
                            build_evidence("", [EIFFEL]), lexical_only, embed=failing_embed)
    assert "similarity" not in claim.features and claim.score < 0.5


def test_the_number_of_claims_compared_by_meaning_grows_with_the_output_and_is_capped():
    defaults = TrustGuard.settings_schema.defaults()
    assert meaning_budget("A short answer.", defaults) == 1.25  # a short answer is compared in full
    assert meaning_budget("x" * 1000, defaults) == 0.5
    assert meaning_budget("x" * 2500, defaults) == 1.5  # half a claim's worth per started KB
    assert meaning_budget("x" * 50_000, defaults) == defaults["max_embedded_claims"]
    assert meaning_budget("A short answer.", {**defaults, "embedded_claims_per_kb": 0.0}) == 0


def test_a_claim_already_failing_its_facts_leaves_the_rest_of_the_output_lexical():
    calls = []
    evidence = build_evidence("", [EIFFEL])
    output = "The Eiffel Tower was completed in 1889. It was designed by Jean Nouvel."
    supports = ground_claims(split_claims(output), evidence, grounding_model(), embed=fake_embedder(calls),
                             max_embedded_claims=2)
    assert calls == []  # the invented name settles the output: no CPU spent on meaning
    assert supports[1].score <= ENTITY_CAP
