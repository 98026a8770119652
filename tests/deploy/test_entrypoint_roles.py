"""The image's entry point roles as processes, with the image's environment (issue 12).

No Docker here: each role runs ``deploy/entrypoint.sh`` the way the container does, with
the Dockerfile's ``ENV`` and the ECS task's environment (read from those files), the
image's directories moved under a temporary folder that does not exist beforehand, and a
database of its own that starts empty. In the order of a deploy: ``migrate``, then
``manage`` commands, then the ``gateway`` behind ALLOWED_HOSTS set to the public name.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import requests
from django.conf import settings

from tests.support.deploy import PUBLIC_HOST, ecs_template, healthcheck_command, production_environment
from tests.support.processes import ROOT, Gunicorn, running
from tests.support.proxied import ProxiedGateway, nginx_installed

pytestmark = pytest.mark.integration

ENTRYPOINT = ["sh", str(ROOT / "deploy" / "entrypoint.sh")]


def _server_params() -> dict[str, object]:
    db = settings.DATABASES["default"]
    return {"host": db.get("HOST") or "127.0.0.1", "port": db.get("PORT") or 5432,
            "user": db.get("USER") or "postgres", "password": db.get("PASSWORD") or None}


@pytest.fixture(scope="module")
def image_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The container's environment, with an empty database of its own on the suite's server."""
    root = tmp_path_factory.mktemp("image")
    env = production_environment()
    for name in ("PROMETHEUS_MULTIPROC_DIR", "GUARD_SPOOL_DIR", "NGINX_RUN_DIR"):
        env[name] = str(root / env[name].lstrip("/"))
    name = f"aig_roles_{uuid.uuid4().hex[:10]}"
    params = _server_params()
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:  # type: ignore[arg-type]
        conn.execute(f'CREATE DATABASE "{name}"')
    auth = params["user"] + (f":{params['password']}" if params["password"] else "")
    env.update(DATABASE_URL=f"postgresql://{auth}@{params['host']}:{params['port']}/{name}",
               REDIS_URL=settings.REDIS_URL,
               # The entry point calls `python` and `gunicorn`: this virtualenv's. nginx is in /usr/sbin.
               PATH=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}:/usr/sbin",
               HOME=os.environ.get("HOME", "/tmp"), LOG_LEVEL="warning", GUNICORN_ACCESS_LOG="/dev/null")
    try:
        yield env
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:  # type: ignore[arg-type]
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def role(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*ENTRYPOINT, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def migrated(image_env: dict[str, str]) -> subprocess.CompletedProcess:
    return role(image_env, "migrate")


def test_migrate_role_migrates_an_empty_database(image_env, migrated):
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    plan = role(image_env, "manage", "showmigrations", "--plan")
    assert plan.returncode == 0, plan.stderr[-3000:]
    assert "[X]  guards." in plan.stdout
    assert "[ ]" not in plan.stdout


def test_manage_role_runs_commands_without_touching_the_servers_metrics(image_env, migrated):
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    metrics_dir = Path(image_env["PROMETHEUS_MULTIPROC_DIR"])
    result = role(image_env, "manage", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    # One-off commands keep their samples in memory: a command run inside a gateway container
    # must leave nothing in the directory the gateway's /metrics adds up.
    assert not metrics_dir.exists() or not list(metrics_dir.glob("*.db"))


def test_manage_role_reports_a_failing_command_by_its_exit_code(image_env):
    result = role(image_env, "manage", "no_such_command")
    assert result.returncode != 0
    assert "Unknown command" in result.stderr


@pytest.fixture(scope="module")
def gateway(image_env: dict[str, str], migrated: subprocess.CompletedProcess) -> Iterator[ProxiedGateway]:
    if not nginx_installed():
        pytest.fail("nginx is not installed (.ci/run installs it: apt-get install nginx)")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    # One worker: the machine's size, not the image's; everything else as the task runs it.
    server = ProxiedGateway(image_env, workers=1)
    shutil.rmtree(server.run_dir, ignore_errors=True)  # the image's path instead: run_gateway creates it
    server.run_dir = Path(image_env["NGINX_RUN_DIR"])
    server.env["NGINX_RUN_DIR"] = str(server.run_dir)
    server.start(timeout=180)  # waits for /health/live with Host: 127.0.0.1:<port>
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "10.0.3.17", "10.0.3.17:8000", "localhost"])
@pytest.mark.parametrize("path", ["/health/live", "/health/ready"])
def test_gateway_role_answers_probes_whatever_their_host(gateway, host, path):
    response = requests.get(gateway.url + path, headers={"Host": host}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["status"] in {"alive", "ready"}


def test_gateway_role_keeps_the_host_check_and_https_redirect_elsewhere(gateway):
    wrong_host = requests.get(gateway.url + "/api/v1/guards/services", headers={"Host": "10.0.3.17"}, timeout=10)
    assert wrong_host.status_code == 400
    plain_http = requests.get(gateway.url + "/api/v1/guards/services", allow_redirects=False, timeout=10,
                              headers={"Host": PUBLIC_HOST, "X-Forwarded-Proto": "http"})
    assert plain_http.status_code == 301
    assert plain_http.headers["Location"].startswith(f"https://{PUBLIC_HOST}/")


def test_the_images_healthcheck_command_passes(gateway):
    result = subprocess.run(["sh", "-c", healthcheck_command()], env={**gateway.env, "PORT": str(gateway.port)},
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_the_ecs_container_health_check_passes(gateway):
    (container,) = ecs_template()["Resources"]["GatewayTask"]["Properties"]["ContainerDefinitions"]
    kind, command = container["HealthCheck"]["Command"]
    assert kind == "CMD-SHELL"
    assert "127.0.0.1:8000" in command  # the container port; the test's gateway listens elsewhere
    result = subprocess.run(["sh", "-c", command.replace("127.0.0.1:8000", f"127.0.0.1:{gateway.port}")],
                            env=gateway.env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_gateway_role_serves_metrics_from_the_directory_the_image_names(gateway):
    response = requests.get(gateway.url + "/metrics", headers={"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"},
                            timeout=10)
    assert response.status_code == 200
    assert "aiguardian_django_http_requests_before_middlewares_total" in response.text
    assert list(Path(gateway.env["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"))



class GuardRole(Gunicorn):
    """``deploy/entrypoint.sh guard NAME``: a standalone guard service on a free port."""

    def __init__(self, env: dict[str, str], guard: str) -> None:
        super().__init__(env, workers=1)
        self.guard = guard
        self.env.update(GUNICORN_BIND=f"127.0.0.1:{self.port}", WEB_CONCURRENCY="1")

    def command(self) -> list[str]:
        return [*ENTRYPOINT, "guard", self.guard]


def test_guard_role_serves_plain_http_although_the_gateway_redirects(image_env):
    # The gateway calls guard services over the private network without TLS; the production
    # environment they share turns SECURE_SSL_REDIRECT on, which must not apply to them.
    token = "service-token-" + uuid.uuid4().hex
    env = {**image_env, "GUARD_SERVICE_TOKEN": token}
    assert env["SECURE_SSL_REDIRECT"] == "true"
    with running(GuardRole(env, "securityguard")) as service:
        response = requests.post(f"{service.url}/process", timeout=30, headers={"X-Guard-Service-Token": token},
                                 json={"service_type": "securityguard", "payload": {"text": "hello there"}})
    assert response.status_code == 200, response.text
    assert response.json()["success"] is True
