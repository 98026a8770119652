"""Bounded work: every analyzer's time grows about linearly on hostile text shapes.

Each guard analyses each shape of ``bench/adversarial_shapes.py`` at 5,000 and 20,000
characters. Linear work takes about 4x longer at 4x the size, quadratic work 16x; the
test allows 8x in CPU time, and a shape over the limit is timed again (best of three)
so that a busy moment on a loaded two-core machine does not fail it; there is also a
ceiling per analysis. Below ``_FLOOR`` seconds at the larger size the ratio is noise and
only the ceiling applies. Before the fixes these shapes took from seconds (20 KB of
zero-width characters: securityguard 2.8 s) to over a minute (5 KB of "@": healthguard).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
from adversarial import GUARD_NAMES, Runner
from adversarial_shapes import SHAPES

SMALL, LARGE = 5_000, 20_000
_GROWTH = 8.0  # allowed time ratio for 4x the size (linear: ~4, quadratic: ~16)
_FLOOR = 0.15  # seconds: below this at the larger size the ratio is not judged
_CEILING = 3.0  # seconds for one analysis of 20,000 characters, whatever the shape

_runners: dict[str, Runner] = {}


def _runner(guard: str) -> Runner:
    if guard not in _runners:
        _runners[guard] = Runner(guard)
    return _runners[guard]


def _best_seconds(runner: Runner, text: str, tries: int = 1) -> float:
    return min(runner.seconds(text) for _ in range(tries))


@pytest.mark.parametrize("guard", GUARD_NAMES)
def test_hostile_shapes_take_linear_time(guard):
    runner = _runner(guard)
    started = time.monotonic()
    slow = []
    for shape, build in SHAPES.items():
        small, large = build(SMALL), build(LARGE)
        t_small = _best_seconds(runner, small)
        t_large = _best_seconds(runner, large)
        if t_large > _CEILING or (t_large > _FLOOR and t_large > _GROWTH * max(t_small, 1e-3)):
            # Measured again before blaming the shape: one busy moment must not fail the suite.
            t_small, t_large = _best_seconds(runner, small, 3), _best_seconds(runner, large, 3)
            if t_large > _CEILING or (t_large > _FLOOR and t_large > _GROWTH * max(t_small, 1e-3)):
                slow.append(f"{shape}: {t_small:.3f}s at {SMALL}, {t_large:.3f}s at {LARGE}")
    assert not slow, f"{guard} grows faster than linearly on: " + "; ".join(slow)
    assert time.monotonic() - started < 240


def test_the_check_fails_on_quadratic_work():
    # The measuring itself must be able to fail: a deliberately quadratic "analysis".
    def quadratic(text: str) -> float:
        started = time.process_time()
        total = 0
        for i in range(len(text)):
            total += text.count("a", 0, i)
        return time.process_time() - started

    t_small = min(quadratic("a" * SMALL) for _ in range(2))
    t_large = min(quadratic("a" * LARGE) for _ in range(2))
    assert t_large > _GROWTH * t_small
