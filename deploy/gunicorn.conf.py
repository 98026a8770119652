"""gunicorn settings for the gateway and the guard services (all from the environment).

Workers default to 2 x CPU + 1 (capped by ``WEB_CONCURRENCY``); graceful shutdown
gives in-flight guard calls time to finish when ECS stops a task. Prometheus runs in
multiprocess mode: each worker writes its samples to ``PROMETHEUS_MULTIPROC_DIR``
and ``/metrics`` aggregates them, so counters are right whichever worker answers.

Each worker starts its audit writer before it takes traffic (which replays any spool a
killed worker left behind) and stores what it has spooled when it exits gracefully.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
import tempfile
from pathlib import Path

# The project root, so the serving helpers import however gunicorn was started.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiguardian import serving

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))  # above the ALB's idle timeout is wrong; below is fine
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "0"))
preload_app = os.environ.get("GUNICORN_PRELOAD", "false").lower() == "true"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# One JSON object per line (json.dumps, never a format string): request id, status, size,
# duration in microseconds; never the query string (it may hold a key).
logger_class = serving.JSONAccessLogger
# gunicorn's own 400/414/431 answers in the gateway's JSON error shape, not HTML.
serving.install_json_error_pages()

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="aig-prom-")
_prom_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"]


def on_starting(server):  # type: ignore[no-untyped-def]
    """Start with an empty multiprocess directory: stale files would skew counters."""
    shutil.rmtree(_prom_dir, ignore_errors=True)
    os.makedirs(_prom_dir, exist_ok=True)


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def _gateway_ready() -> bool:
    """The gateway's Django app is loaded here (not a guard service, not a worker that failed to boot)."""
    if os.environ.get("GUARD_SERVICE_NAME"):
        return False  # a standalone guard service keeps no audit trail (the gateway does)
    try:
        from django.apps import apps
    except ImportError:
        return False
    return apps.ready


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    if _gateway_ready():
        from guards.services.audit import audit_start

        audit_start()


def worker_exit(server, worker):  # type: ignore[no-untyped-def]
    if _gateway_ready():
        from guards.services.audit import audit_stop

        audit_stop(timeout=min(10.0, graceful_timeout / 2))
