"""Scores are calibrated per tier and decisions follow the policy: a validated provider key can
block, a generic value at most flags; messages name the secret in words."""

import pytest

from guards.analyzers.base import AnalyzerContext
from guards.analyzers.calibration import Calibrator, load_calibrators
from guards.analyzers.securityguard import SecurityGuard
from guards.analyzers.securityguard import secrets as sg
from tests.guards.analyzers.securityguard.secrets import fakes as f

GUARD = SecurityGuard()


def _decide(text: str) -> str:
    settings = GUARD.settings_schema.effective({"detectors": ["secrets"]})
    return GUARD.analyze({"text": text}, settings, AnalyzerContext()).decision


def test_the_score_bands_match_the_guards_default_thresholds():
    defaults = GUARD.settings_schema.effective({})
    assert (sg.DEFAULT_FLAG_AT, sg.DEFAULT_BLOCK_AT) == (defaults["flag_threshold"], defaults["block_threshold"])


def test_the_shipped_calibration_covers_the_tiers_it_was_fitted_for():
    fitted = load_calibrators(sg.CALIBRATION_FILE)
    assert {"provider", "anchored", "keyword", "token"} <= set(fitted)
    for cal in fitted.values():
        assert 0.0 <= cal.flag_at <= cal.block_at <= 1.01


def test_a_validated_provider_key_blocks_and_a_generic_one_flags():
    assert _decide(f"export GITHUB_TOKEN={f.crc_token('ghp_')}") == "block"
    assert _decide(f"MY_SERVICE_API_KEY={f.rand(f.B62, 32)}") == "flag"
    assert _decide("Lunch is at noon; bring the quarterly report.") == "allow"


@pytest.mark.parametrize("tier", ["keyword", "token"])
def test_generic_tiers_never_reach_block_even_if_a_calibrator_says_so(monkeypatch, tier):
    eager = Calibrator((0.0, 1.0), (0.99, 0.99), flag_at=0.5, block_at=0.6)
    monkeypatch.setattr(sg, "calibrators", lambda: {t: eager for t in sg.TIERS})
    assert sg.DEFAULT_FLAG_AT <= sg.calibrated_score(tier, 1.0) < sg.DEFAULT_BLOCK_AT
    assert sg.calibrated_score("provider", 1.0) >= sg.DEFAULT_BLOCK_AT


def test_a_score_below_the_tiers_flag_threshold_stays_below_the_guards(monkeypatch):
    shy = Calibrator((0.0, 1.0), (0.7, 0.7), flag_at=0.9, block_at=0.95)
    monkeypatch.setattr(sg, "calibrators", lambda: {t: shy for t in sg.TIERS})
    assert sg.calibrated_score("token", 1.0) < sg.DEFAULT_FLAG_AT


@pytest.mark.parametrize(("kind", "label"), [
    ("AWS_ACCESS_KEY", "AWS access key ID"),
    ("GITHUB_TOKEN", "GitHub token"),
    ("PASSWORD_IN_URL", "Password in a URL (database or basic auth)"),
    ("HIGH_ENTROPY_STRING", "High-entropy string (possible credential)"),
])
def test_labels_are_written_for_people(kind, label):
    assert sg.label_of(kind) == label


def test_the_finding_message_uses_the_label_and_names_the_key_not_the_value():
    value = f.rand(f.B62, 32)
    (found,) = sg.detect_secrets(f"billing_api_key = '{value}'")
    assert found.message == "Secret value assigned to 'billing_api_key'"
    assert value not in found.message and value not in found.evidence
