"""Load-test the gateway under gunicorn with PostgreSQL and Redis: /process (tokenguard) vs /health/live.

Usage (from the repository root)::

    .venv/bin/python bench/gateway_load.py [--duration 10] [--connections 16] [--workers 3]
        [--database-url postgresql://postgres@127.0.0.1:5432/aig_gw_bench]
        [--redis-url redis://127.0.0.1:6379/9] [--json OUT]

It creates the database if needed, migrates it, creates a tenant on an unthrottled
"bench" plan with an API key, starts gunicorn (the project's deploy/gunicorn.conf.py),
then runs ``wrk`` (``apt-get install -y wrk``) against ``/health/live`` and
``POST /api/v1/guards/process`` for tokenguard in the same run, and prints requests/s,
p50 and p99 for each and the ratios. ``--audit-inline`` starts a second gateway whose
audit row is written inside the request (``GUARD_AUDIT_ASYNC=false``); the two /process
variants alternate in ``--rounds`` so a change in the machine's load hits both alike.
Every /process request really runs: API-key auth, plan rate limit and
monthly quota (Redis), config resolution, the tokenizer, usage metering and the audit.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TEXT = ("Summarise the attached quarterly report for the board: revenue grew 12% year over year, "
        "churn fell to 3.1%, and the new enterprise tier signed 14 customers. Keep it under 120 words.")
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


def _ensure_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _prepare(env: dict[str, str]) -> str:
    """Migrate, then create a bench tenant + key in a child process; returns the raw key."""
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    script = (
        "import django, uuid; django.setup()\n"
        "from billing.models import Plan\n"
        "from accounts.services import tenant_create, api_key_issue\n"
        "Plan.objects.update_or_create(code='bench', defaults=dict(name='Bench', rate_limit_per_minute=10**9,"
        " monthly_quota=None, is_active=True))\n"
        "t = tenant_create(slug='bench-' + uuid.uuid4().hex[:8], plan='bench')\n"
        "print(api_key_issue(tenant=t, name='bench')[1])\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True,
                         text=True)
    return out.stdout.strip().splitlines()[-1]


def _start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    from tests.support.processes import wait_for_port

    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "aiguardian.wsgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    wait_for_port(port, timeout=60, proc=proc)
    return proc


def _stop(proc: subprocess.Popen) -> None:
    import signal

    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def _wrk(url: str, *, duration: int, connections: int, threads: int, script: str | None) -> dict[str, Any]:
    cmd = ["wrk", "--latency", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", url]
    if script:
        cmd[1:1] = ["-s", script]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    pct = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    return {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
            "p50_ms": _ms(pct["50"]), "p99_ms": _ms(pct["99"]), "requests": int(total.group(1)) if total else 0,
            "errors": int(non_2xx.group(1)) if non_2xx else 0}


def _combine(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Rounds of one endpoint as one row: the rounds' mean throughput and mean percentiles."""
    n = len(parts)
    return {"requests_per_s": sum(p["requests_per_s"] for p in parts) / n,
            "p50_ms": sum(p["p50_ms"] for p in parts) / n, "p99_ms": sum(p["p99_ms"] for p in parts) / n,
            "requests": sum(p["requests"] for p in parts), "errors": sum(p["errors"] for p in parts)}


def _post_script(key: str, tmp: Path) -> str:
    body = json.dumps({"service_type": "tokenguard", "payload": {"text": TEXT, "content_type": "text"},
                       "client_type": "api"})
    path = tmp / "process.lua"
    path.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {key}"\n'
    )
    return str(path)


def _check(url: str, key: str) -> None:
    import requests

    response = requests.post(f"{url}/api/v1/guards/process", timeout=30, headers={"Authorization": f"Bearer {key}"},
                             json={"service_type": "tokenguard", "payload": {"text": TEXT}})
    if response.status_code != 200:
        raise SystemExit(f"/process answered {response.status_code}: {response.text[:300]}")
    for _ in range(20):  # warm every worker's tokenizer and caches
        requests.post(f"{url}/api/v1/guards/process", timeout=30, headers={"Authorization": f"Bearer {key}"},
                      json={"service_type": "tokenguard", "payload": {"text": TEXT}})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 "postgresql://postgres@127.0.0.1:5432/aig_gw_bench"))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"))
    parser.add_argument("--audit-inline", action="store_true", help="also measure /process with inline audit writes")
    parser.add_argument("--rounds", type=int, default=3, help="/process runs alternate between variants in rounds")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install -y wrk")

    from tests.support.processes import free_port

    _ensure_database(args.database_url)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aiguardian.settings", "DATABASE_URL": args.database_url,
           "REDIS_URL": args.redis_url, "LOG_LEVEL": "warning", "GUNICORN_ACCESS_LOG": "/dev/null",
           "DEBUG": "false"}
    key = _prepare(env)
    tmp = Path(tempfile.mkdtemp(prefix="aig-bench-"))
    script = _post_script(key, tmp)
    servers: dict[str, tuple[subprocess.Popen, str]] = {}
    variants = {"process_tokenguard": {}}
    if args.audit_inline:
        variants["process_tokenguard_inline_audit"] = {"GUARD_AUDIT_ASYNC": "false"}
    results: dict[str, Any] = {}
    try:
        for name, extra in variants.items():
            port = free_port()
            servers[name] = (_start_gunicorn({**env, **extra}, port, args.workers), f"http://127.0.0.1:{port}")
            _check(servers[name][1], key)
        base_url = servers["process_tokenguard"][1]
        run = {"duration": args.duration, "connections": args.connections, "threads": args.threads}
        results["health_live"] = _wrk(base_url + "/health/live", script=None, **run)
        # Variants alternate round by round, so a change in the machine's load hits them alike.
        rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in variants}
        for _ in range(args.rounds):
            for name in variants:
                rounds[name].append(_wrk(servers[name][1] + "/api/v1/guards/process", script=script,
                                         **{**run, "duration": max(1, args.duration // args.rounds)}))
        for name, parts in rounds.items():
            results[name] = _combine(parts)
    finally:
        for proc, _ in servers.values():
            _stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)

    health, process = results["health_live"], results["process_tokenguard"]
    results["ratios"] = {
        "process_rps_over_health_rps": round(process["requests_per_s"] / health["requests_per_s"], 3),
        "process_p50_over_health_p50": round(process["p50_ms"] / health["p50_ms"], 2),
        "process_p99_over_health_p99": round(process["p99_ms"] / health["p99_ms"], 2),
    }
    results["setup"] = {"workers": args.workers, "connections": args.connections, "duration_s": args.duration,
                        "cpus": os.cpu_count(), "text_chars": len(TEXT)}
    print(f"gunicorn {args.workers} sync workers, wrk {args.threads} threads x {args.connections} connections, "
          f"{args.duration}s per endpoint, {os.cpu_count()} CPUs")
    print(f"{'endpoint':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'non-2xx':>8}")
    for name, row in results.items():
        if name in ("ratios", "setup"):
            continue
        print(f"{name:34} {row['requests_per_s']:9.1f} {row['p50_ms']:8.2f} {row['p99_ms']:8.2f} "
              f"{row['requests']:9d} {row['errors']:8d}")
    for name, value in results["ratios"].items():
        print(f"{name:34} {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
