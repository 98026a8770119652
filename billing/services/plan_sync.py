"""Plans from Stripe: active prices whose price or product carries ``metadata.aiguardian_plan``.

Stripe is where finance sets prices; the gateway needs each plan's limits next to its
price. Metadata keys (on the price, else on its product):

- ``aiguardian_plan``: the plan code (a slug of at most 32 characters);
- ``aiguardian_rate_limit_per_minute``: a positive integer (required for a new plan);
- ``aiguardian_monthly_quota``: a positive integer, or ``unlimited``.

A key left out keeps the plan's current value. The product's name becomes the plan's
name. Prices that cannot be used (two claiming one code, bad numbers) are skipped and
reported; plans whose price is no longer active in Stripe are reported, never changed
(an operator decides what happens to their subscribers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from billing.models import Plan, Subscription
from billing.services.plans import limits_invalidate
from billing.services.stripe_api import stripe_call, stripe_client

PAGE_SIZE = 100
_CODE = re.compile(r"^[-a-zA-Z0-9_]{1,32}$")
_FIELDS = ("name", "stripe_price_id", "rate_limit_per_minute", "monthly_quota", "is_active")


@dataclass
class PlanChange:
    code: str
    action: str  # create | update | unchanged | skip | stale
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    note: str = ""

    def describe(self) -> str:
        if self.action in {"skip", "stale"}:
            return f"{self.action} {self.code}: {self.note}"
        diff = "; ".join(f"{name} {old!r} -> {new!r}" for name, (old, new) in self.changes.items())
        return f"{self.action} {self.code}" + (f": {diff}" if diff else "")


def _meta(price: dict[str, Any], product: dict[str, Any], key: str) -> Any:
    value = (price.get("metadata") or {}).get(key)
    return value if value not in (None, "") else (product.get("metadata") or {}).get(key)


def _positive(value: Any, key: str, *, unlimited: bool = False) -> int | None:
    text = str(value).strip().lower()
    if unlimited and text == "unlimited":
        return None
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{key} must be a positive integer{' or unlimited' if unlimited else ''}, not {value!r}")
    return int(text)


def _desired(price: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(plan code, the fields the price sets); ValueError when its metadata cannot be used."""
    product = price.get("product") if isinstance(price.get("product"), dict) else {}
    code = str(_meta(price, product, "aiguardian_plan") or "")
    if not _CODE.match(code):
        raise ValueError(f"aiguardian_plan {code!r} is not a plan code (letters, digits, - and _, at most 32)")
    fields: dict[str, Any] = {"stripe_price_id": price["id"], "is_active": True}
    if product.get("name"):
        fields["name"] = str(product["name"])[:100]
    rate = _meta(price, product, "aiguardian_rate_limit_per_minute")
    if rate is not None:
        fields["rate_limit_per_minute"] = _positive(rate, "aiguardian_rate_limit_per_minute")
    quota = _meta(price, product, "aiguardian_monthly_quota")
    if quota is not None:
        fields["monthly_quota"] = _positive(quota, "aiguardian_monthly_quota", unlimited=True)
    return code, fields


def stripe_plan_prices() -> list[dict[str, Any]]:
    """Active prices (products expanded) that name a plan."""
    listing = stripe_call(stripe_client().v1.prices.list,
                          params={"active": True, "expand": ["data.product"], "limit": PAGE_SIZE})
    prices = [p.to_dict() for p in stripe_call(lambda: list(listing.auto_paging_iter()))]
    return [p for p in prices if _meta(p, p.get("product") if isinstance(p.get("product"), dict) else {},
                                       "aiguardian_plan")]


def plan_sync(*, dry_run: bool = False) -> list[PlanChange]:
    """Bring :class:`Plan` rows in line with Stripe's prices; return the diff (nothing written on a dry run)."""
    result: list[PlanChange] = []
    wanted: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for price in stripe_plan_prices():
        try:
            code, fields = _desired(price)
        except ValueError as exc:
            result.append(PlanChange(price["id"], "skip", note=str(exc)))
            continue
        wanted.setdefault(code, []).append((price["id"], fields))
    plans = {plan.code: plan for plan in Plan.objects.all()}
    planned: list[tuple[Plan | None, str, dict[str, Any]]] = []
    for code, claims in sorted(wanted.items()):
        if len(claims) > 1:
            ids = ", ".join(price_id for price_id, _ in claims)
            result.append(PlanChange(code, "skip", note=f"claimed by several active prices ({ids}); keep one"))
            continue
        fields = claims[0][1]
        plan = plans.get(code)
        if plan is None and "rate_limit_per_minute" not in fields:
            result.append(PlanChange(code, "skip", note="a new plan needs aiguardian_rate_limit_per_minute"))
            continue
        current = {name: getattr(plan, name) if plan else None for name in _FIELDS}
        changes = {name: (current[name], value) for name, value in fields.items() if current[name] != value}
        if plan is None:
            changes.setdefault("name", (None, code))
            changes.setdefault("monthly_quota", (None, None))
        result.append(PlanChange(code, "create" if plan is None else "update" if changes else "unchanged", changes))
        if changes:
            planned.append((plan, code, {name: new for name, (_, new) in changes.items()}))
    synced = {fields["stripe_price_id"] for claims in wanted.values() for _, fields in claims}
    for plan in plans.values():
        if plan.stripe_price_id and plan.stripe_price_id not in synced:
            result.append(PlanChange(plan.code, "stale", note=f"price {plan.stripe_price_id} is not active in "
                                     "Stripe (or names no plan); left as it is"))
    if not dry_run and planned:
        _apply(planned)
    return result


@transaction.atomic
def _apply(planned: list[tuple[Plan | None, str, dict[str, Any]]]) -> None:
    # A price moving from one plan to another: free it first (stripe_price_id is unique).
    moving = [values["stripe_price_id"] for _, _, values in planned if "stripe_price_id" in values]
    codes = [code for _, code, _ in planned]
    Plan.objects.filter(stripe_price_id__in=moving).exclude(code__in=codes).update(stripe_price_id=None)
    Plan.objects.filter(stripe_price_id__in=moving, code__in=codes).update(stripe_price_id=None)
    for plan, code, values in planned:
        if plan is None:
            Plan.objects.create(code=code, **values)
        else:
            Plan.objects.filter(pk=plan.pk).update(**values)
            for tenant_id in Subscription.objects.filter(plan=plan).values_list("tenant_id", flat=True):
                limits_invalidate(tenant_id=tenant_id)
