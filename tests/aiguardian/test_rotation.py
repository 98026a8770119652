"""Secret rotation against moto's Secrets Manager."""

from __future__ import annotations

import io
import json

import boto3
import pytest
from django.core.management import CommandError, call_command
from moto import mock_aws

from aiguardian import rotation

REGION = "eu-west-1"
NAME = "codeguardians-gateway/production"


@pytest.fixture
def sm(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("secretsmanager", region_name=REGION)
        client.create_secret(Name=NAME, SecretString=json.dumps(
            {"SECRET_KEY": "old-secret-key", "API_KEY_PEPPERS": "pepper-b,pepper-a", "DATABASE_URL": "postgresql://x"}))
        yield client


def stored(client) -> dict:
    return json.loads(client.get_secret_value(SecretId=NAME)["SecretString"])


def test_rotation_keeps_the_old_values_valid_and_other_keys_untouched(sm):
    out = io.StringIO()
    call_command("rotate_secrets", "SECRET_KEY", "API_KEY_PEPPERS", "--region", REGION, stdout=out)
    doc = stored(sm)
    assert doc["SECRET_KEY"] != "old-secret-key" and len(doc["SECRET_KEY"]) >= 64
    assert doc["SECRET_KEY_FALLBACKS"] == "old-secret-key"
    peppers = doc["API_KEY_PEPPERS"].split(",")
    assert peppers[1:] == ["pepper-b", "pepper-a"] and len(peppers[0]) >= 48
    assert doc["DATABASE_URL"] == "postgresql://x"
    printed = out.getvalue()
    assert "rotated SECRET_KEY, API_KEY_PEPPERS" in printed
    assert doc["SECRET_KEY"] not in printed and peppers[0] not in printed


def test_fallbacks_and_peppers_are_bounded_by_keep(sm):
    for _ in range(4):
        call_command("rotate_secrets", "SECRET_KEY", "API_KEY_PEPPERS", "--region", REGION, "--keep", "2",
                     stdout=io.StringIO())
    doc = stored(sm)
    assert len(doc["SECRET_KEY_FALLBACKS"].split(",")) == 2
    assert len(doc["API_KEY_PEPPERS"].split(",")) == 3
    assert "old-secret-key" not in doc["SECRET_KEY_FALLBACKS"]


def test_a_dry_run_writes_nothing(sm):
    call_command("rotate_secrets", "SECRET_KEY", "--region", REGION, "--dry-run", stdout=io.StringIO())
    assert stored(sm)["SECRET_KEY"] == "old-secret-key"


def test_a_missing_secret_is_a_clear_error(sm):
    with pytest.raises(CommandError, match="cannot read or write secret 'nope'"):
        call_command("rotate_secrets", "SECRET_KEY", "--region", REGION, "--secret-name", "nope")


def test_only_known_keys_can_be_rotated():
    with pytest.raises(ValueError, match="cannot rotate DATABASE_URL"):
        rotation.rotate({}, ["DATABASE_URL"])
