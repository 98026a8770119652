"""Every bench script starts as the READMEs write it: `.venv/bin/python bench/<script> --help`.

The scripts add the repository root to ``sys.path`` themselves; one that imported the
project before doing so worked only with PYTHONPATH set, which no README says.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
SCRIPTS = sorted(p.name for p in BENCH.glob("*.py") if "argparse" in p.read_text(encoding="utf-8")
                 and "__main__" in p.read_text(encoding="utf-8"))


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_starts_without_pythonpath(script: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    # Run from elsewhere, so the working directory cannot stand in for the repository root.
    proc = subprocess.run([sys.executable, str(BENCH / script), "--help"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "usage:" in proc.stdout
