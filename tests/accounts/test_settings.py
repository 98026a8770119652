"""Production refuses to start without a real API-key pepper (or with Clerk half set up)."""

from __future__ import annotations

import pytest

from tests.aiguardian.test_settings import PRODUCTION, STRONG_KEY, boot


@pytest.mark.parametrize(
    ("override", "setting"),
    [
        ({"API_KEY_PEPPERS": ""}, "API_KEY_PEPPERS"),
        ({"API_KEY_PEPPERS": f"pepper-{STRONG_KEY},too-short"}, "API_KEY_PEPPERS"),
        ({"CLERK_JWKS_URL": "https://clerk.example.com/.well-known/jwks.json"}, "CLERK_ISSUER"),
    ],
)
def test_production_refuses_unsafe_accounts_settings_in_one_line(override, setting):
    result = boot(**{**PRODUCTION, **override})
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("aiguardian: configuration error:")]
    assert len(lines) == 1, result.stderr[-2000:]
    assert f"configuration error: {setting}:" in lines[0]
    assert STRONG_KEY not in result.stderr
