"""Real processes for integration tests: gunicorn, and throwaway Redis and PostgreSQL.

Tests that stop or break a database or cache use their own instance on a free port
from here; the machine's shared services are never stopped.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, *, timeout: float = 20.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


def _bin(name: str) -> str:
    """Find a server binary on PATH or in Debian's PostgreSQL folders."""
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise FileNotFoundError(f"{name} not found; install it (Debian: redis-server / postgresql)")


class RedisServer:
    """A redis-server on a free port that keeps nothing on disk."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.proc = subprocess.Popen(
            [_bin("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, proc=self.proc)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


class PostgresServer:
    """A throwaway PostgreSQL cluster (initdb + pg_ctl) on a free port, trust auth."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="aig-pg-"))
        self.data = self.dir / "data"
        self._user_args: list[str] = []
        self._env = dict(os.environ)
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root: run it as the postgres system user.
            shutil.chown(self.dir, user="postgres")
            self._user_args = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run([*self._user_args, *args], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, env=self._env)

    def start(self) -> PostgresServer:
        if not self.data.exists():
            self._run(_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-w", "-t", "30", "-l", str(self.dir / "log"),
                  "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(_bin("pg_ctl"), "-D", str(self.data), "-w", "-m", "immediate", "stop")

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Gunicorn:
    """``gunicorn`` serving a WSGI app of this project on a free port."""

    def __init__(self, env: Mapping[str, str], *, app: str = "aiguardian.wsgi:application",
                 workers: int = 2, extra_args: list[str] | None = None) -> None:
        self.port = free_port()
        self.env = {**os.environ, **env}
        self.app = app
        self.workers = workers
        self.extra_args = extra_args or []
        self.proc: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="aig-gunicorn-", suffix=".log", delete=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers), *self.extra_args, self.app]

    def start(self, *, timeout: float = 60.0) -> Gunicorn:
        self.proc = subprocess.Popen(self.command(), cwd=ROOT, env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_live(timeout)
        except Exception:
            self.stop()  # a fixture that fails here never reaches its own stop(): leave nothing running
            raise
        return self

    def _wait_live(self, timeout: float) -> None:
        wait_for_port(self.port, timeout=timeout, proc=self.proc)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/health/live", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"gunicorn did not become live: {self.output()}")

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)


@contextmanager
def running(server):  # type: ignore[no-untyped-def]
    """``with running(RedisServer()) as redis:`` — started, then always stopped."""
    server.start()
    try:
        yield server
    finally:
        stop = getattr(server, "cleanup", None) or server.stop
        stop()


def test_database_env(settings_dict: Mapping[str, object]) -> dict[str, str]:
    """Environment that points a child process at the test run's own database."""
    user = settings_dict.get("USER") or "postgres"
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}" if password else f"{user}"
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return {"DATABASE_URL": f"postgresql://{auth}@{host}:{port}/{settings_dict['NAME']}"}


def iter_lines(path: str) -> Iterator[str]:
    yield from Path(path).read_text(errors="replace").splitlines()
