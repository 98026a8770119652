"""The gateway container's main process: nginx on ``PORT`` in front of gunicorn on loopback.

Why a proxy: gunicorn's sync workers read each request themselves, so a client that
sends its body a byte a second holds a worker all that time; two such clients made
``/health/live`` time out for everyone (issue 11). nginx buffers whole requests (and
whole responses) with an event loop, so a worker only ever sees a complete request.
A buffering worker class would do too, but the guards are CPU-bound and run in sync
workers; nginx adds the buffering without changing how the application runs.

This script renders ``deploy/nginx/nginx.conf.template`` into ``NGINX_RUN_DIR``, starts
gunicorn (``deploy/gunicorn.conf.py``) on ``GUNICORN_BIND`` and nginx on ``PORT``,
passes SIGTERM/SIGINT on to both (graceful stops), and when either one exits stops the
other and exits with its status, so the orchestrator replaces the container.
``GATEWAY_PROXY=none`` runs gunicorn alone on ``PORT`` (for a platform whose own proxy
already buffers requests).

Run as ``python deploy/run_gateway.py [WSGI app]`` (``deploy/entrypoint.sh gateway``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx" / "nginx.conf.template"
DEFAULT_APP = "aiguardian.wsgi:application"


def render_nginx_conf(env: dict[str, str], run_dir: Path) -> Path:
    """Write nginx.conf for this environment into ``run_dir`` and return its path."""
    gunicorn_timeout = int(env.get("GUNICORN_TIMEOUT", "60"))
    values = {
        "PORT": env.get("PORT", "8000"),
        "UPSTREAM": env.get("GUNICORN_BIND", "127.0.0.1:8080"),
        "RUN_DIR": str(run_dir),
        "ACCESS_LOG": str(run_dir / "access.fifo"),
        "WORKER_PROCESSES": env.get("NGINX_WORKER_PROCESSES", "1"),
        "CLIENT_MAX_BODY_SIZE": env.get("NGINX_CLIENT_MAX_BODY_SIZE", "4m"),
        # Longer than gunicorn's own worker timeout, so gunicorn (not nginx) decides.
        "PROXY_READ_TIMEOUT": f"{gunicorn_timeout + 5}s",
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"@@{name}@@", value)
    if "@@" in text:
        raise SystemExit(f"run_gateway: unfilled placeholder in {TEMPLATE}")
    run_dir.mkdir(parents=True, exist_ok=True)
    run_dir.chmod(0o755)  # nginx workers (another user when started as root) create temp dirs here
    conf = run_dir / "nginx.conf"
    conf.write_text(text)
    return conf


def relay_access_log(fifo: Path) -> threading.Thread:
    """Copy what nginx writes to ``fifo`` to our stdout, line by line, for as long as we run.

    nginx opens its access log itself; as a non-root user it may not open ``/dev/stdout``
    (a pipe the container runtime created as root), so it writes to a FIFO we own.
    """
    if fifo.exists():
        fifo.unlink()
    os.mkfifo(fifo, 0o600)

    def relay() -> None:
        while True:  # nginx reopens the log on USR1, and `nginx -t` opens it once
            with open(fifo, "rb") as source:  # blocks until nginx opens it for writing
                for line in source:
                    sys.stdout.buffer.write(line)
                    sys.stdout.buffer.flush()

    thread = threading.Thread(target=relay, name="nginx-access-log", daemon=True)
    thread.start()
    return thread


def _nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise SystemExit("run_gateway: nginx is not installed (apt-get install nginx), or set GATEWAY_PROXY=none")
    return found


def _gunicorn(app: str, bind: str) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "--bind", bind, app]


def supervise(procs: dict[str, subprocess.Popen], stop_signals: dict[str, int]) -> int:
    """Wait until one child exits or we are told to stop; stop the others; return the exit status."""
    stopping = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)
    status = 0
    while not stopping:
        exited = [(name, proc.returncode) for name, proc in procs.items() if proc.poll() is not None]
        if exited:
            name, status = exited[0]
            print(f"run_gateway: {name} exited with {status}; stopping the rest", file=sys.stderr, flush=True)
            break
        time.sleep(0.2)
    for name, proc in procs.items():
        if proc.poll() is None:
            proc.send_signal(stop_signals[name])
    deadline = time.monotonic() + float(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30")) + 5
    for proc in procs.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return status


def main(argv: list[str]) -> int:
    env = dict(os.environ)
    app = argv[0] if argv else DEFAULT_APP
    if env.get("GATEWAY_PROXY", "nginx") == "none":
        os.execv(sys.executable, _gunicorn(app, env.get("GUNICORN_BIND") or f"0.0.0.0:{env.get('PORT', '8000')}"))
    bind = env.setdefault("GUNICORN_BIND", "127.0.0.1:8080")
    run_dir = Path(env.get("NGINX_RUN_DIR", "/tmp/nginx"))
    conf = render_nginx_conf(env, run_dir)
    relay_access_log(run_dir / "access.fifo")
    nginx = [_nginx_binary(), "-e", "stderr", "-c", str(conf)]
    subprocess.run([*nginx, "-t", "-q"], check=True)  # a broken config stops start-up with nginx's message
    procs = {"gunicorn": subprocess.Popen(_gunicorn(app, bind), env=env)}
    procs["nginx"] = subprocess.Popen(nginx, env=env)
    # gunicorn stops gracefully on SIGTERM, nginx on SIGQUIT (both finish requests in flight).
    return supervise(procs, {"gunicorn": signal.SIGTERM, "nginx": signal.SIGQUIT})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
