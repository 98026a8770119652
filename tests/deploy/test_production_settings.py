"""The documented production environment passes ``check --deploy``, and every process
that runs Django has its metrics directory (issue 12).

"Documented" is read from the files themselves: the Dockerfile's ``ENV`` plus the ECS
gateway task's environment, with the Secrets Manager keys set directly (no AWS here).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from aiguardian import config
from tests.support.deploy import container_environment, production_environment
from tests.support.processes import ROOT

HSTS_AND_REDIRECT = ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
                     "SECURE_HSTS_PRELOAD")


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """``manage.py ARGS`` in a fresh process with exactly the production variables given."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "SECURE_", "AWS_", "PROMETHEUS"))}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def prod_env(tmp_path: Path) -> dict[str, str]:
    env = production_environment()
    # The image's paths, moved under a temporary folder that does not exist yet.
    for name in ("PROMETHEUS_MULTIPROC_DIR", "GUARD_SPOOL_DIR", "NGINX_RUN_DIR"):
        env[name] = str(tmp_path / "image" / env[name].lstrip("/"))
    return env


def test_the_gateway_task_sets_the_https_settings():
    env = container_environment("GatewayTask", "gateway")
    assert env["SECURE_SSL_REDIRECT"] == "true"
    assert int(env["SECURE_HSTS_SECONDS"]) >= 31536000


def test_check_deploy_is_clean_under_the_documented_production_environment(prod_env):
    result = manage(prod_env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", HSTS_AND_REDIRECT)
def test_check_deploy_notices_each_https_setting_left_out(prod_env, missing):
    del prod_env[missing]
    result = manage(prod_env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W0" in result.stderr + result.stdout


def test_a_command_creates_the_metrics_directory_it_is_given(prod_env):
    # migrate, manage and a shell in the image run Django without gunicorn's start-up hook.
    metrics_dir = Path(prod_env["PROMETHEUS_MULTIPROC_DIR"])
    assert not metrics_dir.exists()
    result = manage(prod_env, "check")
    assert result.returncode == 0, result.stderr[-2000:]
    assert metrics_dir.is_dir()


def test_an_unusable_metrics_directory_stops_start_up_in_one_line(prod_env, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    prod_env["PROMETHEUS_MULTIPROC_DIR"] = str(blocker / "prometheus")  # even root cannot mkdir under a file
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT,
                            env={**os.environ, **prod_env}, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("aiguardian: configuration error:")]
    assert len(lines) == 1, result.stderr[-2000:]
    assert "PROMETHEUS_MULTIPROC_DIR" in lines[0]


def test_ensure_metrics_dir_leaves_an_unset_directory_alone(tmp_path):
    config.ensure_metrics_dir("")
    target = tmp_path / "nested" / "prom"
    config.ensure_metrics_dir(str(target))
    config.ensure_metrics_dir(str(target))  # again: already there is fine
    assert target.is_dir()
    (tmp_path / "file").write_text("")
    with pytest.raises(ImproperlyConfigured, match="PROMETHEUS_MULTIPROC_DIR"):
        config.ensure_metrics_dir(str(tmp_path / "file" / "prom"))
