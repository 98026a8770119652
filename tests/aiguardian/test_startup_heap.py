"""Workers freeze what they load at start out of the garbage collector's full passes."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from aiguardian.serving import freeze_startup_heap

ROOT = Path(__file__).resolve().parents[2]

_PROBE = """
import gc, sys
import {module}
frozen = gc.get_freeze_count()
# a full collection walks only what came after start: far fewer objects than were frozen
gc.collect()
print(frozen, len(gc.get_objects()))
"""


def _probe(module: str, **env: str) -> tuple[int, int]:
    out = subprocess.run([sys.executable, "-c", _PROBE.format(module=module)], cwd=ROOT, check=True,
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "GUARDS_WARM_UP": "false", **env}).stdout.split()
    return int(out[0]), int(out[1])


def test_the_gateway_wsgi_module_freezes_its_startup_heap():
    frozen, tracked = _probe("aiguardian.wsgi")
    assert frozen > 20_000  # Django, DRF and the project's modules
    assert tracked < frozen


def test_a_guard_service_freezes_its_loaded_model():
    frozen, tracked = _probe("guards.standalone.wsgi", GUARD_SERVICE_NAME="tokenguard",
                            GUARD_SERVICE_TOKEN="a-service-token-of-sufficient-length-0123456789")
    assert frozen > 20_000
    assert tracked < frozen


def test_freeze_startup_heap_moves_objects_to_the_permanent_generation():
    try:
        before = gc.get_freeze_count()
        kept = [{"n": i} for i in range(1000)]
        assert freeze_startup_heap() >= before + len(kept)
    finally:
        gc.unfreeze()
