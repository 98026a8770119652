"""The guard API is resolved first (the hot path) without shadowing any other route."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, resolve, reverse


@pytest.mark.parametrize(("path", "name"), [
    ("/api/v1/guards/process", "guards:process"),
    ("/api/v1/guards/scan", "guards:scan"),
    ("/api/v1/guards/health/tokenguard", "guards:service-health"),
    ("/api/v1/guards/feedback", "policy:feedback"),
    ("/api/v1/policy/guards/tokenguard", "policy:guard"),
    ("/metrics", "prometheus-django-metrics"),
    ("/health/live", "health-live"),
])
def test_each_path_resolves_to_its_own_view(path: str, name: str) -> None:
    assert resolve(path).view_name == name


def test_every_named_route_reverses_to_a_path_that_resolves_back_to_it() -> None:
    checked = 0
    for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items():
        if namespace not in {"guards", "policy", "accounts", "billing"}:
            continue
        for name, entries in resolver.reverse_dict.lists():
            if not isinstance(name, str):
                continue
            for _possibility, pattern, _defaults, _converters in entries:
                if "<" in pattern or "(?P" in pattern:
                    continue  # routes with parameters are covered above
                path = reverse(f"{namespace}:{name}")
                assert resolve(path).view_name == f"{namespace}:{name}", path
                checked += 1
    assert checked >= 10
