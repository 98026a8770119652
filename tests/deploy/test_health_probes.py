"""Health probes answer whatever the Host header and over plain HTTP (issue 12).

The image's HEALTHCHECK and the ECS container check send ``Host: 127.0.0.1:8000``, the
ALB sends the task's IP, all over HTTP, while production sets ``ALLOWED_HOSTS`` to the
public name and redirects HTTP to HTTPS. Every other path keeps both protections.
"""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.support.deploy import PUBLIC_HOST

PROBE_HOSTS = ["127.0.0.1:8000", "10.0.3.17", "10.0.3.17:8000", "[fd00::12]:8000"]
PRODUCTION_HOSTS = override_settings(ALLOWED_HOSTS=[PUBLIC_HOST], SECURE_SSL_REDIRECT=True,
                                     SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))


@PRODUCTION_HOSTS
@pytest.mark.parametrize("host", PROBE_HOSTS)
def test_live_answers_a_probe_whatever_its_host_over_plain_http(client, host):
    response = client.get("/health/live", HTTP_HOST=host)
    assert response.status_code == 200
    assert response.json()["status"] == "alive"
    assert response["X-Content-Type-Options"] == "nosniff"  # still behind SecurityMiddleware
    assert response["X-Request-ID"]


@PRODUCTION_HOSTS
@pytest.mark.django_db
@pytest.mark.parametrize("host", ["127.0.0.1:8000", "10.0.3.17"])
def test_ready_answers_a_probe_whatever_its_host_over_plain_http(client, host):
    response = client.get("/health/ready", HTTP_HOST=host)
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


@PRODUCTION_HOSTS
def test_head_probe_gets_the_status_without_a_body(client):
    response = client.head("/health/live", HTTP_HOST="10.0.3.17")
    assert response.status_code == 200
    assert response.content == b""


@PRODUCTION_HOSTS
def test_a_probe_never_echoes_the_host_it_was_sent(client):
    response = client.get("/health/live", HTTP_HOST="attacker.example.net")
    assert response.status_code == 200
    assert b"attacker" not in response.content
    assert all("attacker" not in value for value in response.headers.values())


@PRODUCTION_HOSTS
@pytest.mark.parametrize("path", ["/api/v1/guards/services", "/health/live/", "/health/livex", "/metrics",
                                  "/health"])
def test_other_paths_still_refuse_an_unknown_host(client, path):
    response = client.get(path, HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 400


@PRODUCTION_HOSTS
def test_other_paths_still_redirect_plain_http_to_https(client):
    response = client.get("/api/v1/guards/services", HTTP_HOST=PUBLIC_HOST)
    assert response.status_code == 301
    assert response["Location"] == f"https://{PUBLIC_HOST}/api/v1/guards/services"


@PRODUCTION_HOSTS
def test_only_safe_methods_are_answered_early(client):
    assert client.post("/health/live", HTTP_HOST="127.0.0.1:8000").status_code == 400  # host check applies
    assert client.post("/health/live", HTTP_HOST=PUBLIC_HOST, HTTP_X_FORWARDED_PROTO="https").status_code == 405

