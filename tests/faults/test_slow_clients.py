"""Issue 11, case 7: slow clients cannot hold gunicorn's sync workers (the drip test).

The gateway runs as the image runs it (``deploy/entrypoint.sh gateway``): nginx on one
port buffering requests for gunicorn (two sync workers) on another. Clients with a valid
key send a request body one byte a second. Straight at gunicorn, two of them occupy both
workers and ``/health/live`` times out for everyone; through nginx it stays fast even
with many more of them.
"""

from __future__ import annotations

import socket
import statistics
import threading
import time
from collections.abc import Iterator

import pytest
import requests
from django.conf import settings
from django.db import connection

from accounts.services import tenant_create
from tests.fixtures.accounts import issue_key
from tests.support import processes
from tests.support.proxied import ProxiedGateway, nginx_installed

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DRIP_SECONDS = 4.0
BODY = b'{"service_type": "tokenguard", "payload": {"text": "one byte at a time"}}'


@pytest.fixture(scope="module")
def gateway(django_db_setup, django_db_blocker) -> Iterator[ProxiedGateway]:  # type: ignore[no-untyped-def]
    if not nginx_installed():
        pytest.skip("nginx is not installed (apt-get install -y nginx; scripts/test.sh does it in CI)")
    # GUARD_AUDIT_ASYNC=false: no audit row is still being written when a test's teardown truncates.
    server = ProxiedGateway({"REDIS_URL": settings.REDIS_URL, "LOG_LEVEL": "warning", "GUARD_AUDIT_ASYNC": "false",
                             "GUNICORN_ACCESS_LOG": "/dev/null", "DJANGO_SETTINGS_MODULE": "aiguardian.settings",
                             **processes.test_database_env(connection.settings_dict)}, workers=2).start()
    try:
        yield server
    finally:
        server.stop()


def _drip(port: int, key: str, stop: threading.Event) -> None:
    """A client that sends its headers, then the body one byte a second."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"POST /api/v1/guards/process HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                     b"Authorization: Bearer " + key.encode() + b"\r\nContent-Length: "
                     + str(len(BODY)).encode() + b"\r\n\r\n")
        for i in range(len(BODY)):
            if stop.wait(1.0):
                return
            try:
                sock.sendall(BODY[i:i + 1])
            except OSError:
                return


def probe_while_dripping(port: int, key: str, clients: int) -> tuple[int, list[float]]:
    """(failed probes, probe latencies in seconds) of /health/live while ``clients`` drip."""
    stop = threading.Event()
    drips = [threading.Thread(target=_drip, args=(port, key, stop), daemon=True) for _ in range(clients)]
    for drip in drips:
        drip.start()
    time.sleep(1.0)  # every drip has sent its headers and holds its connection
    failed, latencies = 0, []
    deadline = time.monotonic() + DRIP_SECONDS
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            ok = requests.get(f"http://127.0.0.1:{port}/health/live", timeout=1.5).status_code == 200
        except requests.RequestException:
            ok = False
        latencies.append(time.monotonic() - started)
        failed += not ok
        time.sleep(0.25)
    stop.set()
    for drip in drips:
        drip.join(timeout=5)
    return failed, latencies


@pytest.fixture
def key(gateway) -> str:  # type: ignore[no-untyped-def]
    return issue_key(tenant_create(slug="drip", plan="enterprise")).raw


def test_two_drip_clients_straight_at_gunicorn_stop_health_for_everyone(gateway, key) -> None:
    # The control: without the proxy the sync workers are each held by a slow body.
    failed, latencies = probe_while_dripping(gateway.upstream_port, key, clients=2)
    print(f"\ngunicorn alone, 2 drip clients: {failed}/{len(latencies)} health probes failed")
    assert failed >= len(latencies) - 1


@pytest.mark.parametrize("clients", [2, 40])
def test_behind_nginx_drip_clients_do_not_hold_a_worker(gateway, key, clients) -> None:
    failed, latencies = probe_while_dripping(gateway.port, key, clients=clients)
    print(f"\nnginx + gunicorn, {clients} drip clients: {failed}/{len(latencies)} failed, "
          f"p50 {statistics.median(latencies) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms")
    assert failed == 0
    assert max(latencies) < 1.0
    # And the gateway still does real work meanwhile.
    response = requests.post(f"{gateway.url}/api/v1/guards/process", data=BODY, timeout=10,
                             headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    assert response.status_code == 200, response.text
