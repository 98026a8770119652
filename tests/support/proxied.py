"""The gateway container's ``gateway`` role as real processes: nginx on a free port in
front of gunicorn on another, started through ``deploy/entrypoint.sh`` as the image does."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

import requests

from tests.support.processes import ROOT, free_port, wait_for_port


def nginx_installed() -> bool:
    return bool(shutil.which("nginx") or Path("/usr/sbin/nginx").exists())


class ProxiedGateway:
    """``deploy/entrypoint.sh gateway``: ``url`` reaches nginx, ``upstream_url`` gunicorn directly."""

    def __init__(self, env: Mapping[str, str], *, workers: int = 2) -> None:
        self.port = free_port()
        self.upstream_port = free_port()
        self.run_dir = Path(tempfile.mkdtemp(prefix="aig-nginx-"))
        self.log = self.run_dir / "gateway.log"
        venv_bin = str(Path(sys.executable).parent)
        self.env = {**os.environ, **env, "PORT": str(self.port), "GUNICORN_BIND": f"127.0.0.1:{self.upstream_port}",
                    "NGINX_RUN_DIR": str(self.run_dir / "run"), "WEB_CONCURRENCY": str(workers),
                    "PATH": f"{venv_bin}:{os.environ.get('PATH', '')}:/usr/sbin"}
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def upstream_url(self) -> str:
        return f"http://127.0.0.1:{self.upstream_port}"

    def start(self, *, timeout: float = 60.0) -> ProxiedGateway:
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(["sh", str(ROOT / "deploy" / "entrypoint.sh"), "gateway"], cwd=ROOT,
                                         env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_port(self.port, timeout=timeout, proc=self.proc)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/health/live", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"the proxied gateway did not become live: {self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        shutil.rmtree(self.run_dir, ignore_errors=True)
