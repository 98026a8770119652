"""Bounded work: every pattern is linear, so 200 KB of hostile input costs about four times 50 KB
(a quadratic pattern would cost sixteen), and stays well inside the request budget."""

import random
import time

import pytest

from guards.analyzers.securityguard.secrets import detect_secrets

_rng = random.Random(7)
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _inputs(n: int) -> dict[str, str]:
    return {
        "base64 run": "".join(_rng.choice(B64) for _ in range(n)),
        "equals signs": "=" * n,
        "colons": ":" * n,
        "key=value": ("api_key=" * (n // 8 + 1))[:n],
        "glued tokens": ("a1b2c3d4e5f6?" * (n // 13 + 1))[:n],
        "PEM headers without END": (("-----BEGIN PRIVATE KEY-----\n" + "A" * 64 + "\n") * (n // 93 + 1))[:n],
        "PuTTY headers without MAC": ("PuTTY-User-Key-File-3: ssh-ed25519\n" * (n // 35 + 1))[:n],
        "URLs without @": (("postgres://user:" + "p" * 60 + " ") * (n // 77 + 1))[:n],
    }


def _cpu(text: str) -> float:
    t0 = time.thread_time()
    detect_secrets(text)
    return time.thread_time() - t0


@pytest.mark.parametrize("name", list(_inputs(10)))
def test_hostile_inputs_scale_linearly(name):
    small, large = _inputs(50_000)[name], _inputs(200_000)[name]
    _cpu(small)  # warm caches
    t_small = min(_cpu(small) for _ in range(2))
    t_large = min(_cpu(large) for _ in range(2))
    assert t_large < 2.0, f"{name}: {t_large:.2f}s CPU for 200 KB"
    assert t_large < 8 * max(t_small, 0.005), f"{name}: {t_small:.3f}s -> {t_large:.3f}s is not linear"
