"""AWS Secrets Manager overlay, against moto's Secrets Manager."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import boto3
import pytest
from moto import mock_aws

from aiguardian import secrets
from tests.support.processes import ROOT

REGION = "eu-west-1"
NAME = "codeguardians-gateway/production"
GOOD_KEY = "k" * 20 + "Zq8#Lm2!Rt5$Vw9&Xy3*Pa7" + "n" * 20


@pytest.fixture
def aws(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    secrets.reset_cache()
    with mock_aws():
        yield boto3.client("secretsmanager", region_name=REGION)
    secrets.reset_cache()


def base_env(**extra: str) -> dict[str, str]:
    return {"AWS_SECRETS_ENABLED": "true", "AWS_REGION": REGION, **extra}


def test_it_overlays_the_secret_on_the_environment(aws):
    aws.create_secret(Name=NAME, SecretString=json.dumps({"SECRET_KEY": GOOD_KEY, "DEBUG": False, "WORKERS": 4}))
    env = base_env(SECRET_KEY="stale-task-definition-value")
    applied = secrets.apply_aws_secrets(env)
    assert sorted(applied) == ["DEBUG", "SECRET_KEY", "WORKERS"]
    assert env["SECRET_KEY"] == GOOD_KEY  # the secret wins by default
    assert env["DEBUG"] == "false"
    assert env["WORKERS"] == "4"


def test_explicit_env_wins_only_for_keys_the_operator_names(aws):
    aws.create_secret(Name=NAME, SecretString=json.dumps({"SECRET_KEY": GOOD_KEY, "DATABASE_URL": "postgresql://rds/prod"}))
    env = base_env(DATABASE_URL="postgresql://incident/replica", AWS_SECRETS_ENV_OVERRIDES="DATABASE_URL")
    secrets.apply_aws_secrets(env)
    assert env["DATABASE_URL"] == "postgresql://incident/replica"
    assert env["SECRET_KEY"] == GOOD_KEY


def test_sub_secrets_become_database_and_redis_urls(aws):
    aws.create_secret(Name=NAME, SecretString=json.dumps({"SECRET_KEY": GOOD_KEY}))
    aws.create_secret(Name=f"{NAME}/database", SecretString=json.dumps(
        {"username": "gw", "password": "p@ss/word", "host": "db.internal", "port": 5432, "dbname": "gateway"}))
    aws.create_secret(Name=f"{NAME}/redis", SecretString=json.dumps({"host": "cache.internal", "port": 6380, "tls": True}))
    aws.create_secret(Name=f"{NAME}/optional", SecretString=json.dumps({"STRIPE_API_KEY": "sk_test_x"}))
    env = base_env()
    secrets.apply_aws_secrets(env)
    assert env["DATABASE_URL"] == "postgresql://gw:p%40ss%2Fword@db.internal:5432/gateway"
    assert env["REDIS_URL"] == "rediss://cache.internal:6380/0"
    assert env["STRIPE_API_KEY"] == "sk_test_x"


def test_it_calls_secrets_manager_once_per_process(aws, monkeypatch):
    aws.create_secret(Name=NAME, SecretString=json.dumps({"SECRET_KEY": GOOD_KEY}))
    calls = []
    real_client = secrets._client

    def counting_client(region):
        calls.append(region)
        return real_client(region)

    monkeypatch.setattr(secrets, "_client", counting_client)
    secrets.apply_aws_secrets(base_env())
    secrets.apply_aws_secrets(base_env())
    assert calls == [REGION]


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        (None, "cannot read secret"),
        ("not json {", "is not valid JSON"),
        ('["a", "list"]', "must be a JSON object"),
        (json.dumps({"DEBUG": "false"}), "lacks required keys: SECRET_KEY"),
    ],
)
def test_it_refuses_a_missing_malformed_or_incomplete_secret(aws, secret, message):
    if secret is not None:
        aws.create_secret(Name=NAME, SecretString=secret)
    with pytest.raises(secrets.SecretsConfigError, match=message) as info:
        secrets.apply_aws_secrets(base_env())
    assert str(info.value).startswith("AWS_SECRETS_NAME:")


def test_required_keys_are_configurable(aws):
    aws.create_secret(Name=NAME, SecretString=json.dumps({"SECRET_KEY": GOOD_KEY}))
    with pytest.raises(secrets.SecretsConfigError, match="lacks required keys: DATABASE_URL"):
        secrets.apply_aws_secrets(base_env(AWS_SECRETS_REQUIRED_KEYS="SECRET_KEY,DATABASE_URL"))


def test_no_secret_value_is_logged(aws, caplog):
    aws.create_secret(Name=NAME, SecretString=json.dumps({"SECRET_KEY": GOOD_KEY, "STRIPE_API_KEY": "sk_live_zzz"}))
    with caplog.at_level(logging.DEBUG):
        secrets.apply_aws_secrets(base_env())
    assert "SECRET_KEY" in caplog.text
    assert GOOD_KEY not in caplog.text
    assert "sk_live_zzz" not in caplog.text


def test_disabled_means_no_call(monkeypatch):
    secrets.reset_cache()
    monkeypatch.setattr(secrets, "_client", lambda region: pytest.fail("Secrets Manager was called"))
    assert secrets.apply_aws_secrets({"AWS_SECRETS_ENABLED": "false"}) == []


def test_django_starts_with_settings_from_the_secret(tmp_path):
    """End to end: a process with only AWS settings in its environment boots production
    settings whose SECRET_KEY and ALLOWED_HOSTS come from the (moto) secret."""
    script = f"""
import json, os, boto3
from moto import mock_aws
with mock_aws():
    boto3.client("secretsmanager", region_name="{REGION}").create_secret(
        Name="{NAME}", SecretString=json.dumps({{"SECRET_KEY": "{GOOD_KEY}", "ALLOWED_HOSTS": "gw.example.com",
                                               "API_KEY_PEPPERS": "{GOOD_KEY}"}}))
    import django
    django.setup()
    from django.conf import settings
    print(settings.SECRET_KEY == "{GOOD_KEY}", settings.ALLOWED_HOSTS, settings.IS_PRODUCTION)
"""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    env.update(AWS_SECRETS_ENABLED="true", AWS_REGION=REGION, DJANGO_ENV="production",
               AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               DJANGO_SETTINGS_MODULE="aiguardian.settings")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "True ['gw.example.com'] True"
    assert GOOD_KEY not in result.stderr
