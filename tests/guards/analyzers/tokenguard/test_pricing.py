from __future__ import annotations

import json
from decimal import Decimal

from guards.analyzers.tokenguard.pricing import cost_estimate, load_pricing, token_cost


def test_cost_is_tokens_times_the_price_per_million():
    price = load_pricing().lookup("gpt-4o")
    estimate = cost_estimate(price, input_tokens=1000, output_tokens=500)
    assert estimate["input_cost"] == 0.0025  # 1000 * 2.50 / 1e6
    assert estimate["output_cost"] == 0.005  # 500 * 10.00 / 1e6
    assert estimate["total_cost"] == 0.0075


def test_cost_keeps_fractions_of_a_cent_exactly():
    assert token_cost(7, Decimal("0.15")) == Decimal("0.00000105")
    assert token_cost(3, Decimal("0.10")) == Decimal("0.00000030")


def test_a_dated_snapshot_is_priced_as_its_model():
    table = load_pricing()
    assert table.lookup("gpt-4o-2024-08-06").model == "gpt-4o"
    assert table.lookup("gpt-4o-mini-2024-07-18").model == "gpt-4o-mini"
    assert table.lookup("GPT-4-0613").model == "gpt-4"
    assert table.lookup("llama-3") is None


def test_the_table_is_read_from_data_with_its_date(tmp_path):
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"as_of": "2030-01-02", "currency": "EUR", "models": {
        "m": {"input": 1, "output": 2, "context_window": 10, "max_output_tokens": 5}}}))
    table = load_pricing(path)
    assert table.describe()["as_of"] == "2030-01-02"
    assert table.lookup("m").output_per_1m == Decimal("2")
