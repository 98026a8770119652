"""The load bench states issue 16's targets as met or not from the run's own medians."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import gateway_load


def _run(tok_ratio: float, tok_cpu: float, sec_ratio: float, sec_cpu: float, rps: float, cpu: float) -> dict:
    return {
        "current": {
            "process_tokenguard": {"cpu_ms_per_request": tok_cpu},
            "ratios_tokenguard": {"process_rps_over_health_rps": tok_ratio},
            "process_securityguard": {"cpu_ms_per_request": sec_cpu},
            "ratios_securityguard": {"process_rps_over_health_rps": sec_ratio},
        },
        "current_over_litellm_securityguard": {"requests_per_s_ratio": rps, "cpu_ms_per_request_ratio": cpu},
    }


def test_each_target_is_met_only_when_both_of_its_figures_are() -> None:
    rows = gateway_load._targets(_run(0.36, 1.05, 0.26, 1.9, 4.1, 0.30))
    assert [r["met"] for r in rows] == [True, False, True]  # securityguard's CPU is over 1.8 ms
    rows = gateway_load._targets(_run(0.34, 1.0, 0.30, 1.7, 3.9, 0.30))
    assert [r["met"] for r in rows] == [False, True, False]
    assert rows[0]["measured"] == "0.340, 1.00 ms" and rows[2]["measured"] == "3.90x, 0.300x"


def test_targets_a_run_did_not_measure_are_not_reported() -> None:
    run = _run(0.4, 1.0, 0.3, 1.0, 5.0, 0.2)
    del run["current"]["process_securityguard"], run["current_over_litellm_securityguard"]
    assert [r["target"].split()[0] for r in gateway_load._targets(run)] == ["tokenguard"]
