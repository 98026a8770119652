"""The gateway container's ``gateway`` role as real processes: nginx on a free port in
front of gunicorn on another, started through ``deploy/entrypoint.sh`` as the image does."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from tests.support.processes import ROOT, Gunicorn, free_port


def nginx_installed() -> bool:
    return bool(shutil.which("nginx") or Path("/usr/sbin/nginx").exists())


class ProxiedGateway(Gunicorn):
    """``deploy/entrypoint.sh gateway``: ``url`` reaches nginx, ``upstream_url`` gunicorn directly."""

    def __init__(self, env: Mapping[str, str], *, workers: int = 2) -> None:
        self.upstream_port = free_port()
        self.run_dir = Path(tempfile.mkdtemp(prefix="aig-nginx-"))
        venv_bin = str(Path(sys.executable).parent)  # the entrypoint's `python` is this one
        super().__init__({**env, "GUNICORN_BIND": f"127.0.0.1:{self.upstream_port}", "NGINX_RUN_DIR": str(self.run_dir),
                          "WEB_CONCURRENCY": str(workers), "PATH": f"{venv_bin}:{os.environ.get('PATH', '')}:/usr/sbin"},
                         workers=workers)
        self.env["PORT"] = str(self.port)

    @property
    def upstream_url(self) -> str:
        return f"http://127.0.0.1:{self.upstream_port}"

    def command(self) -> list[str]:
        return ["sh", str(ROOT / "deploy" / "entrypoint.sh"), "gateway"]

    def stop(self) -> None:
        super().stop()
        shutil.rmtree(self.run_dir, ignore_errors=True)
