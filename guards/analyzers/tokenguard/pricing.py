"""Model prices and limits, kept as data (``data/pricing.json``) with the table's date.

Prices change more often than code: operators update the JSON and its ``as_of`` date,
and every response names that date so a client knows how fresh an estimate is.
Arithmetic is done in :class:`~decimal.Decimal` so a cost is exact to the micro-dollar
rather than carrying float noise into invoices.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

PRICING_PATH = Path(__file__).parent / "data" / "pricing.json"
_MILLION = Decimal(1_000_000)
_QUANTUM = Decimal("0.00000001")


@dataclass(frozen=True, slots=True)
class ModelPrice:
    model: str  # the table's entry (the requested name may be a dated snapshot of it)
    input_per_1m: Decimal
    output_per_1m: Decimal
    context_window: int
    max_output_tokens: int


@dataclass(frozen=True, slots=True)
class PricingTable:
    as_of: str
    currency: str
    source: str
    models: dict[str, ModelPrice]

    def lookup(self, model: str) -> ModelPrice | None:
        """The entry for ``model``: exact name, else the longest entry it is a snapshot of.

        ``gpt-4o-2024-08-06`` resolves to ``gpt-4o`` and ``gpt-4o-mini-2024-07-18`` to
        ``gpt-4o-mini`` (longest prefix wins).
        """
        key = model.strip().lower()
        if key in self.models:
            return self.models[key]
        best = max((m for m in self.models if key.startswith(m + "-")), key=len, default=None)
        return self.models[best] if best else None

    def describe(self) -> dict[str, Any]:
        return {"as_of": self.as_of, "currency": self.currency, "source": self.source}


@lru_cache(maxsize=4)
def load_pricing(path: Path = PRICING_PATH) -> PricingTable:
    """Read and validate the pricing table (once per process per path)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    models = {}
    for name, entry in raw["models"].items():
        price = ModelPrice(
            model=name,
            input_per_1m=Decimal(str(entry["input"])),
            output_per_1m=Decimal(str(entry["output"])),
            context_window=int(entry["context_window"]),
            max_output_tokens=int(entry["max_output_tokens"]),
        )
        if price.input_per_1m < 0 or price.output_per_1m < 0 or price.context_window <= 0:
            raise ValueError(f"pricing.json: invalid entry for {name}")
        models[name.lower()] = price
    return PricingTable(as_of=raw["as_of"], currency=raw["currency"], source=raw.get("source", ""),
                        models=models)


def token_cost(tokens: int, per_1m: Decimal) -> Decimal:
    """Price of ``tokens`` at ``per_1m`` per million, rounded to 1e-8 of the currency."""
    return (Decimal(tokens) * per_1m / _MILLION).quantize(_QUANTUM, rounding=ROUND_HALF_UP)


def cost_estimate(price: ModelPrice, *, input_tokens: int, output_tokens: int) -> dict[str, Any]:
    """Input cost, cost of the output tokens reserved, and their total."""
    input_cost = token_cost(input_tokens, price.input_per_1m)
    output_cost = token_cost(output_tokens, price.output_per_1m)
    return {
        "model": price.model,
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "input_per_1m": float(price.input_per_1m),
        "output_per_1m": float(price.output_per_1m),
        "input_cost": float(input_cost),
        "output_cost": float(output_cost),
        "total_cost": float(input_cost + output_cost),
    }
