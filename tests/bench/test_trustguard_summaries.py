"""bench/trustguard_*: the AggreFact split keeps a document's rows together; the rates mean what they say."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from trustguard_data import SummaryRow, group_part, split_summaries
from trustguard_summaries import balanced_accuracy, best_threshold, rates


def _rows(n_docs: int = 40) -> list[SummaryRow]:
    return [SummaryRow(f"Document number {d}.", f"Summary {k} of document {d}.", k % 2, f"doc-{d}", "set", "news")
            for d in range(n_docs) for k in range(3)]


def test_the_split_never_separates_the_rows_of_one_document_and_is_fixed():
    tune, report = split_summaries(_rows())
    assert {r.group for r in tune}.isdisjoint({r.group for r in report})
    assert tune and report and len(tune) + len(report) == 120
    assert [group_part(f"doc-{d}") for d in range(40)] == [group_part(f"doc-{d}") for d in range(40)]
    assert split_summaries(_rows()) == (tune, report)


def test_balanced_accuracy_weighs_both_classes_equally():
    labels = [1] * 90 + [0] * 10
    assert balanced_accuracy(labels, [True] * 100) == pytest.approx(0.5)  # flag everything: 0.9 accuracy, 0.5 here
    assert balanced_accuracy(labels, [True] * 90 + [False] * 10) == pytest.approx(1.0)


def test_rates_name_what_a_tenant_sees():
    labels = [1, 1, 1, 0, 0, 0, 0]
    flagged = [True, True, False, True, False, False, False]
    r = rates(labels, flagged)
    assert r["recall_unfaithful"] == pytest.approx(2 / 3)
    assert r["precision_unfaithful"] == pytest.approx(2 / 3)
    assert r["faithful_allowed"] == pytest.approx(3 / 4)
    assert r["precision_faithful"] == pytest.approx(3 / 4)


def test_best_threshold_maximises_balanced_accuracy_on_the_rows_given():
    scores = [0.1, 0.2, 0.3, 0.7, 0.8, 0.9]
    labels = [0, 0, 0, 1, 1, 1]
    cut = best_threshold(scores, labels)
    assert 0.3 < cut <= 0.7
