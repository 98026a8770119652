"""The gateway under gunicorn: readiness against real and failing services, metrics.

Each test that breaks a dependency starts its own throwaway instance on a free port.
"""

from __future__ import annotations

import re

import pytest
import requests

from tests.support.processes import Gunicorn, PostgresServer, RedisServer, running

pytestmark = pytest.mark.integration

LOCAL_REDIS = "redis://127.0.0.1:6379/15"


def ready(server: Gunicorn) -> tuple[int, dict]:
    response = requests.get(f"{server.url}/health/ready", timeout=15)
    return response.status_code, response.json()


def test_readiness_fails_when_redis_goes_down():
    with running(RedisServer()) as redis_server, running(PostgresServer()) as pg:
        env = {"REDIS_URL": redis_server.url, "DATABASE_URL": pg.url, "REDIS_CONNECT_TIMEOUT": "0.5",
               "REDIS_SOCKET_TIMEOUT": "0.5"}
        with running(Gunicorn(env, workers=1)) as gateway:
            status, body = ready(gateway)
            assert status == 200, body
            redis_server.stop()
            status, body = ready(gateway)
            assert status == 503
            assert body["checks"]["cache"]["status"] == "error"
            assert body["checks"]["database"]["status"] == "ok"
            live = requests.get(f"{gateway.url}/health/live", timeout=5)
            assert live.status_code == 200  # liveness never depends on the cache


def test_readiness_fails_when_postgres_goes_down():
    with running(PostgresServer()) as pg:
        env = {"DATABASE_URL": pg.url, "REDIS_URL": LOCAL_REDIS, "DB_CONNECT_TIMEOUT": "2",
               "DB_CONN_MAX_AGE": "0"}
        with running(Gunicorn(env, workers=1)) as gateway:
            status, body = ready(gateway)
            assert status == 200, body
            pg.stop()
            status, body = ready(gateway)
            assert status == 503
            assert body["checks"]["database"]["status"] == "error"
            assert body["checks"]["cache"]["status"] == "ok"


READY_COUNTER = re.compile(
    r'^aiguardian_django_http_requests_total_by_view_transport_method_total'
    r'\{[^}]*view="health-ready"[^}]*\} (\S+)$',
    re.MULTILINE,
)


def ready_requests_counted(gateway: Gunicorn) -> float:
    text = requests.get(f"{gateway.url}/metrics", timeout=5).text
    return sum(float(v) for v in READY_COUNTER.findall(text))


def test_metrics_count_requests_served_by_every_worker():
    with running(PostgresServer()) as pg:
        env = {"DATABASE_URL": pg.url, "REDIS_URL": LOCAL_REDIS}
        with running(Gunicorn(env, workers=2)) as gateway:
            # /health/ready, not /health/live: Gunicorn.start() polls live, and a poll
            # that timed out while a worker booted may still be counted later.
            before = ready_requests_counted(gateway)
            for _ in range(20):
                # A new connection each time so both workers take requests.
                requests.get(f"{gateway.url}/health/ready", timeout=10, headers={"Connection": "close"})
            after = ready_requests_counted(gateway)
    # Whichever worker answers /metrics, it reports the samples of both.
    assert after - before == 20
