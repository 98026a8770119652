"""Every management command answers an infrastructure failure with one line and exit code 1."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from guards.models import GuardBackend

ROOT = Path(__file__).resolve().parents[2]
DEAD_POSTGRES = "postgresql://postgres@127.0.0.1:1/nothing"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**clean, "DJANGO_SETTINGS_MODULE": "aiguardian.settings", "DB_CONNECT_TIMEOUT": "2",
                               **env})


def one_error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.strip().splitlines() if " WARNING " not in line]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("args", [
    ["create_tenant", "beta"], ["create_api_key", "--tenant", "beta", "--name", "ci"], ["revoke_api_key", "abc"],
    ["prune_guard_requests", "--dry-run"], ["prune_webhook_events", "--dry-run"],
])
def test_an_unreachable_database_is_one_line_naming_database_url(args) -> None:
    line = one_error_line(manage(*args, DATABASE_URL=DEAD_POSTGRES))
    assert line.startswith("CommandError: the database cannot be reached (")
    assert line.endswith("check DATABASE_URL and that the database is up")


def test_a_database_without_migrations_says_to_run_migrate(tmp_path) -> None:
    line = one_error_line(manage("create_tenant", "beta", DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}"))
    assert line.startswith("CommandError: the database schema is not ready (no such table")
    assert line.endswith("run `manage.py migrate` first")


def test_flush_usage_with_redis_unreachable_is_one_line_naming_redis_url(tmp_path) -> None:
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    assert manage("migrate", "-v", "0", DATABASE_URL=db).returncode == 0
    line = one_error_line(manage("flush_usage", DATABASE_URL=db, REDIS_URL="redis://127.0.0.1:1/0",
                                 REDIS_CONNECT_TIMEOUT="0.5", REDIS_SOCKET_TIMEOUT="0.5"))
    assert line.startswith("CommandError: Redis cannot be reached (")
    assert line.endswith("check REDIS_URL and that Redis is up")


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "message"), [
    (["--url-template", "nonsense"], "names no {name} or {port}"),
    (["--url-template", "http://{host}:{port}"], "may use only {name} and {port}"),
    (["--url-template", "{name}:{port}"], "not an http(s) URL"),
    (["--timeout", "0"], "timeout must be 0.05-300.0 seconds (got 0.0)"),
])
def test_register_guard_services_refuses_a_bad_template_or_timeout_and_saves_nothing(args, message) -> None:
    with pytest.raises(CommandError, match="nothing was registered") as refused:
        call_command("register_guard_services", *args, stdout=StringIO())
    assert message in str(refused.value)
    assert not GuardBackend.objects.filter(kind=GuardBackend.Kind.HTTP).exists()
