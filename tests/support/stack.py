"""A throwaway gateway to break: its own PostgreSQL, redis-server and gunicorn, plus a load loop.

Used by the fault tests (tests/faults) and by ``bench/faults.py``. Everything runs on
free ports with production settings; nothing touches the machine's shared services.
Counting reads the throwaway database directly (psycopg), so a test needs no Django
database of its own.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import requests

from tests.support.processes import ROOT, Gunicorn, PostgresServer, RedisServer

PROCESS = "/api/v1/guards/process"

_PREPARE = """
import json, sys
import django
django.setup()
from accounts.services import api_key_issue, tenant_create
from billing.models import Plan
from guards.models import TenantGuardConfig
from guards.services.config import config_cache_invalidate
Plan.objects.update_or_create(code="unlimited", defaults=dict(
    name="Unlimited", rate_limit_per_minute=10**9, monthly_quota=None, is_active=True))
out = []
for spec in json.loads(sys.argv[1]):
    tenant = tenant_create(slug=spec["slug"], plan=spec.get("plan", "unlimited"))
    if spec.get("store_raw_text"):
        TenantGuardConfig.objects.filter(tenant=tenant).update(store_raw_text=True)
        config_cache_invalidate(tenant_ids=[tenant.pk])
    out.append({"slug": tenant.slug, "id": tenant.pk, "key": api_key_issue(tenant=tenant, name="faults")[1]})
print(json.dumps(out))
"""


@dataclass(frozen=True)
class TenantKey:
    slug: str
    id: int
    key: str


@dataclass(frozen=True)
class Answer:
    request_id: str
    tenant_id: int
    status: int  # 0: no HTTP answer (connection reset, timeout)
    code: str  # the JSON error code, "" on success, "not-json" when the body was not JSON
    started: float  # time.monotonic() when it was sent
    seconds: float


class Stack:
    """PostgreSQL + Redis + gunicorn (production settings) on free ports, with a spool of its own."""

    def __init__(self, *, workers: int = 2, env: dict[str, str] | None = None) -> None:
        self.pg = PostgresServer()
        self.redis = RedisServer()
        self.dir = Path(tempfile.mkdtemp(prefix="aig-faults-"))
        (self.dir / "prom").mkdir()
        self.extra_env = env or {}
        self.workers = workers
        self.gateway: Gunicorn | None = None

    @property
    def env(self) -> dict[str, str]:
        return {
            "DJANGO_SETTINGS_MODULE": "aiguardian.settings", "DJANGO_ENV": "production",
            "SECRET_KEY": self._secret("secret_key"), "API_KEY_PEPPERS": self._secret("pepper"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "DATABASE_URL": self.pg.url, "REDIS_URL": self.redis.url,
            "GUARD_SPOOL_DIR": str(self.dir / "spool"), "GUARDS_WARM_UP": "false", "LOG_LEVEL": "warning",
            "GUNICORN_ACCESS_LOG": "/dev/null", "PROMETHEUS_MULTIPROC_DIR": str(self.dir / "prom"),
            **self.extra_env,
        }

    def _secret(self, name: str) -> str:
        path = self.dir / name
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48))
        return path.read_text()

    def start(self) -> Stack:
        self.pg.start()
        self.redis.start()
        self.manage("migrate", "--noinput", "-v", "0")
        self.gateway = Gunicorn(self.env, workers=self.workers).start()
        self.warm_up()
        return self

    def warm_up(self) -> None:
        """Load tokenguard in every worker (a new connection each call spreads them), uncounted."""
        (tenant,) = self.tenants([{"slug": f"warm-{secrets.token_hex(3)}"}])
        for n in range(4 * self.workers):
            requests.post(self.url(PROCESS), json={"service_type": "tokenguard", "payload": {"text": f"warm {n}"}},
                          headers={"Authorization": f"Bearer {tenant.key}", "Connection": "close"}, timeout=60)

    def stop(self) -> None:
        if self.gateway is not None:
            self.gateway.stop()
        self.redis.stop()
        self.pg.cleanup()
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- set-up and counting -------------------------------------------------------------

    def run_python(self, script: str, *args: str) -> str:
        done = subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, env={**os.environ, **self.env},
                              capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"script failed: {done.stderr[-3000:]}")
        return done.stdout

    def manage(self, *args: str) -> str:
        return self.run_python("import sys; from django.core.management import execute_from_command_line; "
                               "execute_from_command_line(['manage.py', *sys.argv[1:]])", *args)

    def tenants(self, specs: list[dict[str, Any]]) -> list[TenantKey]:
        """Create tenants (``slug``, optional ``store_raw_text``, ``plan``) and one key each."""
        out = self.run_python(_PREPARE, json.dumps(specs))
        return [TenantKey(**t) for t in json.loads(out.strip().splitlines()[-1])]

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.pg.url, connect_timeout=5) as conn:
            return conn.execute(sql, tuple(params)).fetchall()

    def audit_request_ids(self, tenant_ids: list[int]) -> Counter[str]:
        rows = self.query("SELECT request_id FROM guards_guardrequest WHERE tenant_id = ANY(%s)", [tenant_ids])
        return Counter(r[0] for r in rows)

    def billed_rows(self, tenant_ids: list[int]) -> int:
        return self.query("SELECT count(*) FROM guards_guardrequest WHERE tenant_id = ANY(%s) "
                          "AND outcome IN ('success', 'fallback')", [tenant_ids])[0][0]

    def usage_units(self, tenant_ids: list[int]) -> int:
        return int(self.query("SELECT COALESCE(SUM(units), 0) FROM billing_usagerecord WHERE tenant_id = ANY(%s)",
                          [tenant_ids])[0][0])

    def spooled_lines(self, pid: int | None = None) -> int:
        """Lines waiting in the spool (dead letters excluded), of one worker when ``pid`` is given."""
        pattern = f"*/*-{pid}-*.jsonl" if pid is not None else "*/*.jsonl"
        return sum(p.read_bytes().count(b"\n") for p in (self.dir / "spool").glob(pattern))

    def dead_letters(self) -> int:
        return sum(p.read_bytes().count(b"\n") for p in (self.dir / "spool").glob("*/dead-letter/*.jsonl"))

    def wait_stored(self, request_ids: Iterable[str], tenant_ids: list[int], timeout: float = 60.0) -> Counter[str]:
        """Wait until every id has its audit row and the spool is empty; returns the rows' ids."""
        wanted = set(request_ids)
        deadline = time.monotonic() + timeout
        while True:
            stored = self.audit_request_ids(tenant_ids)
            if wanted <= set(stored) and self.spooled_lines() == 0:
                return stored
            if time.monotonic() > deadline:
                return stored
            time.sleep(0.5)

    # --- faults ------------------------------------------------------------------------------

    def worker_pids(self) -> list[int]:
        assert self.gateway is not None and self.gateway.proc is not None
        master = self.gateway.proc.pid
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat[stat.rindex(")") + 2:].split()[1]) == master:
                    pids.append(int(entry.name))
        return sorted(pids)

    def kill_worker(self, *, attempts: int = 50) -> tuple[int, int]:
        """SIGKILL a gunicorn worker at a moment it holds spooled entries; returns (pid, entries).

        The worker is stopped (SIGSTOP) first so its spool can be counted while it cannot
        change; if it holds nothing, it is let go and caught again a moment later.
        """
        pid, pending = self.worker_pids()[0], 0
        for _ in range(attempts):
            os.kill(pid, signal.SIGSTOP)
            pending = self.spooled_lines(pid)
            if pending:
                break
            os.kill(pid, signal.SIGCONT)
            time.sleep(0.03)
        os.kill(pid, signal.SIGKILL)
        return pid, pending

    def freeze_redis(self) -> None:
        assert self.redis.proc is not None
        os.kill(self.redis.proc.pid, signal.SIGSTOP)

    def thaw_redis(self) -> None:
        assert self.redis.proc is not None
        os.kill(self.redis.proc.pid, signal.SIGCONT)

    def restart_redis(self) -> None:
        """Start a new, empty redis-server on the same port (no persistence: everything is gone)."""
        self.redis.start()

    def url(self, path: str) -> str:
        assert self.gateway is not None
        return f"{self.gateway.url}{path}"


@dataclass
class Load:
    """Threads that POST /process in a loop, each request with its own X-Request-ID."""

    stack: Stack
    tenants: list[TenantKey]
    threads: int = 4
    text_for: Callable[[TenantKey, int], str] = field(
        default=lambda tenant, n: f"Summarise request {n} for the weekly operations review, in two lines.")
    timeout: float = 15.0
    answers: list[Answer] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._workers: list[threading.Thread] = []
        self._run = secrets.token_hex(4)

    def start(self) -> Load:
        for index in range(self.threads):
            thread = threading.Thread(target=self._loop, args=(index,), daemon=True)
            thread.start()
            self._workers.append(thread)
        return self

    def stop(self) -> list[Answer]:
        self._stop.set()
        for thread in self._workers:
            thread.join(self.timeout + 5)
        return list(self.answers)

    def _loop(self, index: int) -> None:
        session = requests.Session()
        url = self.stack.url(PROCESS)
        n = 0
        while not self._stop.is_set():
            tenant = self.tenants[(index + n) % len(self.tenants)]
            request_id = f"{self._run}-{index}-{n}"
            body = {"service_type": "tokenguard", "payload": {"text": self.text_for(tenant, n)}}
            headers = {"Authorization": f"Bearer {tenant.key}", "X-Request-ID": request_id,
                       "Connection": "close"}
            started = time.monotonic()
            try:
                response = session.post(url, json=body, headers=headers, timeout=self.timeout)
                status, code = response.status_code, _error_code(response)
            except requests.RequestException:
                status, code = 0, "no-answer"
            with self._lock:
                self.answers.append(Answer(request_id, tenant.id, status, code, started,
                                           time.monotonic() - started))
            n += 1


def _error_code(response: requests.Response) -> str:
    if 200 <= response.status_code < 300:
        return ""
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return "not-json"


@dataclass(frozen=True)
class Tally:
    """What the clients saw against what was stored."""

    answered: int  # 2xx
    server_errors: int  # 5xx
    errors: dict[str, int]  # non-2xx answers by "status code", e.g. {"503 rate_limit_unavailable": 4}
    no_answer: int  # connection reset / timeout (a killed worker's requests)
    audit_rows: int
    answered_with_row: int
    duplicate_rows: int
    billed_rows: int
    usage_units: int
    spooled: int
    dead_letters: int

    def line(self) -> str:
        return (f"answered {self.answered}, 5xx {self.server_errors}, no answer {self.no_answer}, "
                f"audit rows {self.audit_rows} ({self.answered_with_row} for answered requests, "
                f"{self.duplicate_rows} duplicated), usage units {self.usage_units}, "
                f"still spooled {self.spooled}, dead letters {self.dead_letters}, errors {self.errors}")


def tally(stack: Stack, answers: list[Answer], tenant_ids: list[int], *, wait: float = 60.0) -> Tally:
    """Wait for the spool to drain, run flush_usage, and count."""
    ok = [a.request_id for a in answers if 200 <= a.status < 300]
    rows = stack.wait_stored(ok, tenant_ids, timeout=wait)
    stack.manage("flush_usage")
    errors = Counter(f"{a.status} {a.code}" for a in answers if a.status >= 300)
    return Tally(
        answered=len(ok), server_errors=sum(1 for a in answers if a.status >= 500), errors=dict(errors),
        no_answer=sum(1 for a in answers if a.status == 0), audit_rows=sum(rows.values()),
        answered_with_row=sum(1 for r in ok if r in rows), duplicate_rows=sum(c - 1 for c in rows.values() if c > 1),
        billed_rows=stack.billed_rows(tenant_ids), usage_units=stack.usage_units(tenant_ids),
        spooled=stack.spooled_lines(), dead_letters=stack.dead_letters(),
    )


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
