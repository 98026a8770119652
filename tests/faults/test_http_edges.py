"""Issue 11, case 8, against real servers: chunked bodies, a JSON access log whatever the
path, and JSON for every error the gateway, gunicorn or nginx answers itself."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import RequestFactory

from accounts.services import tenant_create
from aiguardian.api import csrf_failure
from tests.fixtures.accounts import issue_key
from tests.support import processes
from tests.support.processes import Gunicorn
from tests.support.proxied import ProxiedGateway, nginx_installed

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LIMITS = {"GUARD_MAX_REQUEST_BYTES": "4096", "DATA_UPLOAD_MAX_MEMORY_SIZE": "8192"}


def _env(log: str = "/dev/null") -> dict[str, str]:
    # Audit rows stored before each answer: an answered request's row still being written by the
    # worker's audit thread when the next test's teardown truncates the tables deadlocks the two.
    return {"REDIS_URL": settings.REDIS_URL, "LOG_LEVEL": "warning", "GUNICORN_ACCESS_LOG": log,
            "DJANGO_SETTINGS_MODULE": "aiguardian.settings", "GUARD_AUDIT_ASYNC": "false", **LIMITS,
            **processes.test_database_env(connection.settings_dict)}


@pytest.fixture(scope="module")
def gateway(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    log = tmp_path_factory.mktemp("access") / "access.log"
    server = Gunicorn(_env(str(log)), workers=1).start()
    try:
        yield {"server": server, "log": log}
    finally:
        server.stop()


@pytest.fixture
def key_headers(gateway) -> dict[str, str]:  # type: ignore[no-untyped-def]
    tenant = tenant_create(slug="edges", plan="enterprise")
    return {"Authorization": f"Bearer {issue_key(tenant).raw}", "Content-Type": "application/json"}


def raw_request(port: int, data: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are (no client library would send these) and read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        chunks: list[bytes] = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:  # nginx may reset after answering a body it will not read
            if not chunks:
                raise
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def assert_json_error(status: int, headers: dict[str, str], body: bytes, expected_status: int) -> str:
    assert status == expected_status, body
    assert headers["content-type"].startswith("application/json"), headers
    error = json.loads(body)
    assert error["success"] is False and error["error"]["message"]
    return error["error"]["code"]


def _chunked(chunks: list[bytes]):  # type: ignore[no-untyped-def]
    yield from chunks  # a generator body makes requests send Transfer-Encoding: chunked


def test_a_chunked_body_is_read_not_taken_for_empty(gateway, key_headers) -> None:
    body = json.dumps({"service_type": "tokenguard", "payload": {"text": "Count the tokens of these words."}})
    parts = [body[i:i + 7].encode() for i in range(0, len(body), 7)]
    response = requests.post(f"{gateway['server'].url}/api/v1/guards/process", data=_chunked(parts),
                             headers=key_headers, timeout=30)
    assert response.request.headers.get("Transfer-Encoding") == "chunked"
    assert response.status_code == 200, response.text
    assert response.json()["data"]["token_count"] > 5


def test_a_chunked_body_over_the_limit_is_a_json_413(gateway, key_headers) -> None:
    parts = [b'{"service_type": "tokenguard", "payload": {"text": "'] + [b"x" * 1000] * 9 + [b'"}}']
    response = requests.post(f"{gateway['server'].url}/api/v1/guards/process", data=_chunked(parts),
                             headers=key_headers, timeout=30)
    assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"


def test_every_access_log_line_is_json_whatever_the_path(gateway) -> None:
    port = gateway["server"].port
    paths = ["/a%0ab", "/%0d%0aInjected: yes", '/quote%22and%5cslash', "/nul%00byte", "/bad%ffutf8", "/%e2%80%a8sep",
             "/tab%09and%1bescape", "/caf%C3%A9", "/health/live", "/health/live?api_key=secret-in-query"]
    for path in paths:
        requests.get(f"http://127.0.0.1:{port}{path}", headers={"User-Agent": 'ua "quoted" \\ back'}, timeout=10)
    lines = [line for line in gateway["log"].read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # raises on the first line that is not JSON
    assert len(records) >= len(paths)
    by_path = {r["path"]: r for r in records}
    assert by_path["/a\nb"]["status"] == 404
    assert by_path['/quote"and\\slash']["user_agent"] == 'ua "quoted" \\ back'
    assert all("secret-in-query" not in line for line in lines)  # never the query string
    assert {"/caf\u00e9", "/bad\\xffutf8", "/\u2028sep", "/nul\x00byte"} <= set(by_path)  # as the client sent them


@pytest.mark.parametrize(("request_bytes", "status", "code"), [
    (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", 414, "request_line_too_long"),
    (b"GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n", 431,
     "request_headers_too_large"),
    (b"GARBAGE\r\n\r\n", 400, "bad_request"),
    (b"GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Bad: a\x00b\r\n\r\n", 400, "bad_request"),
])
def test_gunicorns_own_answers_are_json(gateway, request_bytes, status, code) -> None:
    assert assert_json_error(*raw_request(gateway["server"].port, request_bytes), status) == code


def test_djangos_own_answers_are_json(gateway, key_headers) -> None:
    url = gateway["server"].url
    # (Health probes are the one exception to the host check: tests/deploy/test_health_probes.py.)
    disallowed = requests.get(f"{url}/api/v1/guards/services", headers={"Host": "attacker.example"}, timeout=10)
    assert disallowed.status_code == 400 and disallowed.json()["error"]["code"] == "disallowed_host"
    assert requests.get(f"{url}/nowhere", timeout=10).json()["error"]["code"] == "not_found"
    wrong_method = requests.get(f"{url}/api/v1/guards/process", headers=key_headers, timeout=10)
    assert wrong_method.status_code == 405 and wrong_method.json()["error"]["code"] == "method_not_allowed"
    form = requests.post(f"{url}/api/v1/guards/process", data={"a": "b"}, timeout=10,
                         headers={"Authorization": key_headers["Authorization"]})
    assert form.status_code == 415 and form.json()["error"]["code"] == "unsupported_media_type"


def test_a_csrf_failure_on_an_api_path_is_json_and_the_admins_stays_a_page() -> None:
    api = csrf_failure(RequestFactory().post("/api/v1/keys"), reason="CSRF cookie not set.")
    assert api.status_code == 403 and json.loads(api.content)["error"]["code"] == "csrf_failed"
    admin = csrf_failure(RequestFactory().post("/admin/login/"), reason="CSRF cookie not set.")
    assert admin.status_code == 403 and admin["Content-Type"].startswith("text/html")


# --- with nginx in front, as the image runs it -------------------------------------------------------

@pytest.fixture(scope="module")
def proxied(django_db_setup, django_db_blocker) -> Iterator[ProxiedGateway]:  # type: ignore[no-untyped-def]
    if not nginx_installed():
        pytest.skip("nginx is not installed (apt-get install -y nginx; scripts/test.sh does it in CI)")
    server = ProxiedGateway({**_env(), "NGINX_CLIENT_MAX_BODY_SIZE": "64k"}, workers=1).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize(("request_bytes", "status", "code"), [
    (b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", 414, "request_line_too_long"),
    (b"GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n", 400, "bad_request"),
    (b"GARBAGE\r\n\r\n", 400, "bad_request"),
    (b"POST /api/v1/webhooks/stripe HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n"
     + b"x" * 100000, 413, "payload_too_large"),
    (b"GET / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "not_implemented"),
])
def test_nginxs_own_answers_are_json(proxied, request_bytes, status, code) -> None:
    answer = raw_request(proxied.port, request_bytes)
    assert assert_json_error(*answer, status) == code
    assert answer[1]["x-request-id"]


def test_through_nginx_a_chunked_body_arrives_whole_and_app_errors_pass_through(proxied, key_headers) -> None:
    body = json.dumps({"service_type": "tokenguard", "payload": {"text": "Proxied and chunked."}}).encode()
    response = requests.post(f"{proxied.url}/api/v1/guards/process", data=_chunked([body[:10], body[10:]]),
                             headers={**key_headers, "X-Request-ID": "edge-test-1"}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["X-Request-ID"] == "edge-test-1"  # the client's id reaches Django and returns
    wrong = requests.post(f"{proxied.url}/api/v1/guards/process", json={"service_type": "x"}, headers=key_headers,
                          timeout=30)
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "invalid_request"


def test_nginxs_own_answers_are_logged_as_json_lines_without_the_query(proxied) -> None:
    # The proxy is shared by the module and an earlier case also draws a 413 on the Stripe
    # webhook: this one uses the Clerk webhook's path so exactly its own line is found.
    raw_request(proxied.port, b"POST /api/v1/webhooks/clerk?key=leaked HTTP/1.1\r\nHost: localhost\r\n"
                              b"Content-Length: 100000\r\n\r\n" + b"x" * 100000)

    def own(lines: list[str]) -> list[dict]:
        records = [json.loads(line) for line in lines]
        return [r for r in records if r["status"] == 413 and r["path"] == "/api/v1/webhooks/clerk"]

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = [line for line in proxied.output().splitlines() if '"source":"nginx"' in line]
        if own(lines):
            break
        time.sleep(0.1)
    (record,) = own(lines)
    assert record["method"] == "POST"
    assert all("leaked" not in line for line in lines)
