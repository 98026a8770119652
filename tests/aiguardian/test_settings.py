"""Start-up configuration: URL normalisation and production refusals."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from aiguardian import config
from tests.support.processes import ROOT

STRONG_KEY = "x8#Lq2!vR5$wT9&yU3*zA7^bC1@dE4%fG6(hJ0)kM2-nP5+qS8=tV1"
PEPPER = "pepper-" + STRONG_KEY


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql+asyncpg://u:p@db:5432/gw", "postgresql://u:p@db:5432/gw"),
        ("postgres://u:p@db/gw", "postgresql://u:p@db/gw"),
        ("postgresql://u:p@db/gw", "postgresql://u:p@db/gw"),
        ("", ""),
    ],
)
def test_it_normalises_the_seeds_database_urls(given, expected):
    assert config.normalise_database_url(given) == expected


def test_it_refuses_a_database_url_it_cannot_use():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        config.normalise_database_url("mysql://u:p@db/gw")


def boot(**env: str) -> subprocess.CompletedProcess:
    """Import settings in a fresh process with exactly these overrides."""
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ENV", "API_KEY_PEPPERS",
                          "AWS_SECRETS_ENABLED"}}
    clean.update({"DJANGO_SETTINGS_MODULE": "aiguardian.settings", **env})
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60,
    )


PRODUCTION = {"DJANGO_ENV": "production", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "gw.example.com",
              "API_KEY_PEPPERS": PEPPER}


def test_production_starts_with_safe_settings():
    result = boot(**PRODUCTION)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "started"


@pytest.mark.parametrize(
    ("override", "setting"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),  # falls back to the development default
        ({"SECRET_KEY": "short-but-not-default"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"DEBUG": "true"}, "DEBUG"),
    ],
)
def test_production_refuses_unsafe_settings_in_one_line(override, setting):
    env = {**PRODUCTION, **override}
    if override.get("SECRET_KEY") == "":
        env.pop("SECRET_KEY")
    result = boot(**env)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("aiguardian: configuration error:")]
    assert len(lines) == 1, result.stderr[-2000:]
    assert f"configuration error: {setting}:" in lines[0]
    assert STRONG_KEY not in result.stderr


def test_development_defaults_need_nothing_installed():
    result = subprocess.run(
        [sys.executable, "-c",
         "import django; django.setup(); from django.conf import settings; "
         "print(settings.DATABASES['default']['ENGINE'], settings.CACHES['default']['BACKEND'], settings.DEBUG)"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_ENV"}}
        | {"DJANGO_SETTINGS_MODULE": "aiguardian.settings"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == [
        "django_prometheus.db.backends.sqlite3", "django.core.cache.backends.locmem.LocMemCache", "False"]


def test_a_guard_service_starts_in_production_without_the_api_key_pepper():
    env = {**PRODUCTION, "GUARD_SERVICE_NAME": "tokenguard", "GUARD_SERVICE_TOKEN": "t" * 40,
           "DJANGO_SETTINGS_MODULE": "guards.standalone.settings"}
    env.pop("API_KEY_PEPPERS")
    result = boot(**env)
    assert result.returncode == 0, result.stderr[-2000:]
    gateway = boot(**{**PRODUCTION, "API_KEY_PEPPERS": ""})
    assert "configuration error: API_KEY_PEPPERS:" in gateway.stderr


@pytest.mark.parametrize(("url", "expected"), [
    ("sqlite:///local.db", str(ROOT / "local.db")),
    ("sqlite:////var/data/gw.db", "/var/data/gw.db"),
])
def test_a_sqlite_database_url_runs_on_sqlite_at_that_file(url, expected):
    result = boot(DATABASE_URL=url, REDIS_URL="")
    assert result.returncode == 0, result.stderr[-2000:]
    check = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
         "d = settings.DATABASES['default']; print(d['ENGINE'], d['NAME'])"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "aiguardian.settings", "DATABASE_URL": url})
    assert check.stdout.split() == ["django_prometheus.db.backends.sqlite3", expected]


def test_a_sqlite_url_without_a_file_is_refused_in_one_line():
    result = boot(DATABASE_URL="sqlite://")
    assert "configuration error: DATABASE_URL: a sqlite URL needs a file" in result.stderr


def test_a_development_start_does_not_warn_about_a_missing_static_folder(tmp_path):
    static_root = tmp_path / "static-not-yet"
    result = subprocess.run(
        [sys.executable, "-W", "error::UserWarning", "-c",
         "import django; django.setup(); from django.test import Client; print(Client().get('/health/live').status_code)"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "aiguardian.settings", "STATIC_ROOT": str(static_root),
             "DATABASE_URL": "", "REDIS_URL": ""})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "200" and "No directory at" not in result.stderr


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**clean, "DJANGO_SETTINGS_MODULE": "aiguardian.settings", **env})


@pytest.mark.parametrize("extra", [[], ["--dry-run"]])
def test_rotate_secrets_without_aws_credentials_is_one_line_not_a_traceback(tmp_path, extra):
    result = _manage("rotate_secrets", "SECRET_KEY", *extra, AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
                     AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_EC2_METADATA_DISABLED="true")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "CommandError: AWS credentials not found: run with an IAM role, AWS_PROFILE or "
        "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"]


def test_rotate_secrets_explains_its_dry_run():
    text = " ".join(_manage("rotate_secrets", "--help").stdout.split())
    assert "--dry-run Read the secret and check it can be rotated; write nothing." in text
