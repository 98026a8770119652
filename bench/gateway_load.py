"""Load-test the gateway under gunicorn with PostgreSQL and Redis: /process (per guard) vs /health/live.

Usage (from the repository root)::

    .venv/bin/python bench/gateway_load.py [--duration 8] [--rounds 5] [--connections 16] [--workers 3]
        [--guards tokenguard,securityguard] [--text-bytes 1024]
        [--database-url postgresql://postgres@127.0.0.1:5432/aig_gw_bench]
        [--redis-url redis://127.0.0.1:6379/9] [--audit-inline] [--baseline-root DIR] [--scan]
        [--litellm ~/.litellm-venv/bin/litellm] [--json OUT]

It creates the database if needed, migrates it, creates a tenant on an unthrottled
"bench" plan with an API key, starts gunicorn (the project's deploy/gunicorn.conf.py),
then runs ``wrk`` (``apt-get install -y wrk``) in ``--rounds`` rounds; each round
measures ``/health/live`` and then ``POST /api/v1/guards/process`` for each of ``--guards``
(default tokenguard; the prompt is ``--text-bytes`` long, default 181 characters) on
every gateway (in A B, B A order), so a change in the machine's load hits all of them
alike. It prints each round and the medians over rounds of requests/s, p50, p99 and
the gateway workers' CPU time per request (from /proc: the figure the machine's other
load disturbs least), and of the per-round ratios /process : /health/live of the same
gateway.

Extra gateways, alternated in the same rounds: ``--audit-inline`` writes the audit row
inside the request (``GUARD_AUDIT_ASYNC=false``); ``--baseline-root DIR`` runs another
checkout of the project (``git archive <rev> | tar -x -C DIR``) against the same
database, with its own cache key prefix, for a before/after comparison in one run.
``--scan`` adds ``/scan`` of all six guards on the same text to every gateway's rounds.
``--litellm BINARY`` starts the LiteLLM proxy (``../shared/peers/litellm/config.yaml``: a
mock model and the ``litellm_content_filter`` guardrail; installed in its own virtualenv,
never a project dependency) with as many workers, and measures its ``/health/liveliness``
and a guarded chat completion with the same text in the same rounds (CPU: the proxy's
whole process tree), printing AIGuardian /process : LiteLLM paired per round.
Every /process request really runs: API-key auth, plan rate limit and monthly quota
(Redis), config resolution, the tokenizer, usage metering and the audit.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
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


def _start_gunicorn(env: dict[str, str], port: int, workers: int, root: Path = ROOT) -> subprocess.Popen:
    from tests.support.processes import wait_for_port

    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(root / "deploy" / "gunicorn.conf.py"),
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "aiguardian.wsgi:application"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    wait_for_port(port, timeout=60, proc=proc)
    return proc


def _stop(proc: subprocess.Popen) -> None:
    import signal

    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def _cpu_seconds(master: int) -> float:
    """CPU time (user + system) used so far by the gunicorn master's workers, from /proc."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
        if int(fields[1]) == master:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def _wrk(url: str, *, master: int, duration: int, connections: int, threads: int,
         script: str | None, tree: bool = False) -> dict[str, Any]:
    cmd = ["wrk", "--latency", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", url]
    if script:
        cmd[1:1] = ["-s", script]
    cpu_of = _cpu_seconds_tree if tree else _cpu_seconds
    cpu_before = cpu_of(master)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    cpu = cpu_of(master) - cpu_before
    pct = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    requests = int(total.group(1)) if total else 0
    return {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
            "p50_ms": _ms(pct["50"]), "p99_ms": _ms(pct["99"]), "requests": requests,
            "errors": int(non_2xx.group(1)) if non_2xx else 0,
            "cpu_ms_per_request": round(1000 * cpu / requests, 3) if requests else 0.0}


def _median(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Rounds of one endpoint as one row: the median of each figure, the total of the counts."""
    return {"requests_per_s": statistics.median(p["requests_per_s"] for p in parts),
            "p50_ms": statistics.median(p["p50_ms"] for p in parts),
            "p99_ms": statistics.median(p["p99_ms"] for p in parts),
            "cpu_ms_per_request": statistics.median(p["cpu_ms_per_request"] for p in parts),
            "requests": sum(p["requests"] for p in parts), "errors": sum(p["errors"] for p in parts)}


def _ratios(health: list[dict[str, Any]], process: list[dict[str, Any]]) -> dict[str, float]:
    """Median over rounds of /process : /health/live, each round against the same gateway's health."""
    pairs = list(zip(health, process, strict=True))
    return {"process_rps_over_health_rps": round(statistics.median(p["requests_per_s"] / h["requests_per_s"]
                                                                   for h, p in pairs), 3),
            "process_p50_over_health_p50": round(statistics.median(p["p50_ms"] / h["p50_ms"] for h, p in pairs), 2),
            "process_p99_over_health_p99": round(statistics.median(p["p99_ms"] / h["p99_ms"] for h, p in pairs), 2)}


def _text(size: int | None) -> str:
    """The prompt: TEXT itself, or TEXT repeated and cut to ``size`` characters (1 KB: ``--text-bytes 1024``)."""
    if not size:
        return TEXT
    return ((TEXT + " ") * (size // len(TEXT) + 1))[:size]


def _wrk_post(path: Path, body: str, bearer: str) -> str:
    """A wrk Lua script that POSTs ``body`` as JSON with a bearer token; returns its path."""
    path.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {bearer}"\n'
    )
    return str(path)


def _post_script(key: str, tmp: Path, guard: str, text: str) -> str:
    body = json.dumps({"service_type": guard, "payload": {"text": text, "content_type": "text"},
                       "client_type": "api"})
    return _wrk_post(tmp / f"process-{guard}.lua", body, key)


ALL_GUARDS = ["tokenguard", "trustguard", "contextguard", "biasguard", "securityguard", "healthguard"]


def _scan_script(key: str, tmp: Path, text: str) -> str:
    body = json.dumps({"text": text, "guards": ALL_GUARDS, "client_type": "api"})
    return _wrk_post(tmp / "scan-all.lua", body, key)


def _litellm_script(tmp: Path, text: str, master_key: str) -> str:
    body = json.dumps({"model": "fake", "messages": [{"role": "user", "content": text}]})
    return _wrk_post(tmp / "litellm.lua", body, master_key)


def _cpu_seconds_tree(root: int) -> float:
    """CPU time (user + system) of ``root`` and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    times: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = int(fields[11]) + int(fields[12])
    tree = {root}
    changed = True
    while changed:
        changed = False
        for pid, ppid in parents.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                changed = True
    total = sum(times.get(pid, 0) for pid in tree)
    return total / os.sysconf("SC_CLK_TCK")


def _peer_config() -> Path:
    """``shared/peers/litellm/config.yaml`` in the nearest folder above the checkout that has it."""
    for folder in ROOT.parents:
        candidate = folder / "shared" / "peers" / "litellm" / "config.yaml"
        if candidate.is_file():
            return candidate
    return ROOT.parent / "shared" / "peers" / "litellm" / "config.yaml"


def _start_litellm(binary: str, config: Path, port: int, workers: int, log: Path) -> subprocess.Popen:
    import time

    import requests

    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True", "LITELLM_LOG": "ERROR",
           "LITELLM_MODE": "PRODUCTION"}
    proc = subprocess.Popen([binary, "--config", str(config), "--host", "127.0.0.1", "--port", str(port),
                             "--num_workers", str(workers)], cwd=config.parent, env=env,
                            stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/health/liveliness", timeout=2).status_code == 200:
                return proc
        except requests.RequestException:
            pass
        if proc.poll() is not None:
            raise SystemExit("litellm exited before it answered:\n" + log.read_text(errors="replace")[-2000:])
        time.sleep(1)
    raise SystemExit("litellm did not answer within 180 s")


def _check(url: str, key: str, guards: list[str], text: str, scan: bool = False) -> None:
    import requests

    if scan:  # every guard's models load on its first call in each worker: not inside a measured round
        for _ in range(8):
            response = requests.post(f"{url}/api/v1/guards/scan", timeout=120, headers={"Authorization": f"Bearer {key}"},
                                     json={"text": text, "guards": ALL_GUARDS})
            if response.status_code != 200:
                raise SystemExit(f"/scan answered {response.status_code}: {response.text[:300]}")

    for guard in guards:
        body = {"service_type": guard, "payload": {"text": text}}
        response = requests.post(f"{url}/api/v1/guards/process", timeout=60,
                                 headers={"Authorization": f"Bearer {key}"}, json=body)
        if response.status_code != 200:
            raise SystemExit(f"/process {guard} answered {response.status_code}: {response.text[:300]}")
        for _ in range(20):  # warm every worker's models and caches
            requests.post(f"{url}/api/v1/guards/process", timeout=60, headers={"Authorization": f"Bearer {key}"},
                          json=body)


def _paired(current: list[dict[str, Any]], baseline: list[dict[str, Any]]) -> dict[str, float]:
    """Median over rounds of current : baseline, each round's two runs measured back to back."""
    pairs = [(c, b) for c, b in zip(current, baseline, strict=True) if c["requests"] and b["requests"]]
    if not pairs:  # nothing was answered in any round (e.g. models still loading)
        return {}
    return {f"{figure}_ratio": round(statistics.median(c[figure] / b[figure] for c, b in pairs), 3)
            for figure in ("requests_per_s", "p50_ms", "p99_ms", "cpu_ms_per_request")}


def _row(name: str, row: dict[str, Any]) -> str:
    return (f"{name:44} {row['requests_per_s']:9.1f} {row['p50_ms']:8.2f} {row['p99_ms']:8.2f} "
            f"{row['cpu_ms_per_request']:8.2f} {row['requests']:9d} {row['errors']:8d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of health + /process on every gateway")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 "postgresql://postgres@127.0.0.1:5432/aig_gw_bench"))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"))
    parser.add_argument("--guards", default="tokenguard",
                        help="comma-separated guards measured on /process, each as its own endpoint per round")
    parser.add_argument("--text-bytes", type=int, default=0,
                        help="prompt size in characters (default: the 181-character TEXT)")
    parser.add_argument("--audit-inline", action="store_true", help="also measure /process with inline audit writes")
    parser.add_argument("--gthread", type=int, metavar="THREADS",
                        help="also measure a gateway of gthread workers with this many threads each "
                             "(GUNICORN_THREADS: keep-alive connections instead of one connection per request)")
    parser.add_argument("--baseline-root", type=Path, help="another checkout to compare with in the same rounds")
    parser.add_argument("--scan", action="store_true", help="also measure /scan of all six guards on the text")
    parser.add_argument("--litellm", metavar="BINARY",
                        help="also measure the LiteLLM proxy (mock model + content-filter guardrail) in the same "
                             "rounds: the litellm executable of a separate virtualenv")
    parser.add_argument("--litellm-config", type=Path, default=_peer_config(),
                        help="the peer's config (default: shared/peers/litellm/config.yaml beside the checkout "
                             "or one of its parents)")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install -y wrk")

    from tests.support.processes import free_port

    _ensure_database(args.database_url)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aiguardian.settings", "DATABASE_URL": args.database_url,
           "REDIS_URL": args.redis_url, "LOG_LEVEL": "warning", "GUNICORN_ACCESS_LOG": "/dev/null",
           "DEBUG": "false", "GUARDS_WARM_UP": "true"}  # as in production: models loaded, then frozen, at boot
    key = _prepare(env)
    tmp = Path(tempfile.mkdtemp(prefix="aig-bench-"))
    guards = [g.strip() for g in args.guards.split(",") if g.strip()]
    text = _text(args.text_bytes)
    scripts = {guard: _post_script(key, tmp, guard, text) for guard in guards}
    endpoints = [("health", "/health/live", None)] + [
        (f"process_{guard}", "/api/v1/guards/process", scripts[guard]) for guard in guards]
    if args.scan:
        endpoints.append(("scan_all", "/api/v1/guards/scan", _scan_script(key, tmp, text)))
    # name -> (checkout, extra environment); each runs as its own gateway.
    variants: dict[str, tuple[Path, dict[str, str]]] = {"current": (ROOT, {})}
    if args.audit_inline:
        variants["current_inline_audit"] = (ROOT, {"GUARD_AUDIT_ASYNC": "false"})
    if args.gthread:
        variants["current_gthread"] = (ROOT, {"GUNICORN_THREADS": str(args.gthread)})
    if args.baseline_root:
        # Its own key prefix: the two releases' cache entries must not meet.
        variants["baseline"] = (args.baseline_root.resolve(), {"CACHE_KEY_PREFIX": "aigbaseline"})
    servers: dict[str, tuple[subprocess.Popen, str]] = {}
    rounds: dict[str, dict[str, list[dict[str, Any]]]] = {name: {e[0]: [] for e in endpoints} for name in variants}
    run = {"duration": args.duration, "connections": args.connections, "threads": args.threads}
    print(f"gunicorn {args.workers} sync workers per gateway, wrk {args.threads} threads x {args.connections} "
          f"connections, {args.duration}s per run, {args.rounds} rounds, {os.cpu_count()} CPUs")
    print(f"{'round / gateway / endpoint':44} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'cpu ms':>8} {'requests':>9} {'non-2xx':>8}")
    try:
        for name, (root, extra) in variants.items():
            port = free_port()
            servers[name] = (_start_gunicorn({**env, **extra}, port, args.workers, root), f"http://127.0.0.1:{port}")
            _check(servers[name][1], key, guards, text, scan=args.scan)
        litellm: tuple[subprocess.Popen, str] | None = None
        litellm_endpoints = [("health", "/health/liveliness", None),
                             ("guarded", "/v1/chat/completions", _litellm_script(tmp, text, "sk-master-1234"))]
        if args.litellm:
            port = free_port()
            litellm = (_start_litellm(args.litellm, args.litellm_config.resolve(), port, args.workers,
                                      tmp / "litellm.log"),
                       f"http://127.0.0.1:{port}")
            rounds["litellm"] = {e[0]: [] for e in litellm_endpoints}
        for number in range(1, args.rounds + 1):
            # A B, then B A: a gateway is not always measured first (or last) in a round.
            order = list(variants) + (["litellm"] if litellm else [])
            for name in order[::1 if number % 2 else -1]:
                proc, url = servers[name] if name != "litellm" else litellm  # type: ignore[misc]
                for endpoint, path, lua in (endpoints if name != "litellm" else litellm_endpoints):
                    figures = _wrk(url + path, master=proc.pid, script=lua, tree=name == "litellm", **run)
                    rounds[name][endpoint].append(figures)
                    print(_row(f"{number} {name} {endpoint}", figures), flush=True)
    finally:
        for proc, _ in servers.values():
            _stop(proc)
        if args.litellm and litellm is not None:
            _stop(litellm[0])
        shutil.rmtree(tmp, ignore_errors=True)

    results: dict[str, Any] = {"setup": {"workers": args.workers, "connections": args.connections,
                                         "duration_s": args.duration, "rounds": args.rounds,
                                         "cpus": os.cpu_count(), "text_chars": len(text), "guards": guards}}
    print(f"\nmedians over {args.rounds} rounds")
    for name, parts in rounds.items():
        if name == "litellm":
            continue
        results[name] = {"health_live": _median(parts["health"]), "rounds": parts}
        print(_row(f"{name} /health/live", results[name]["health_live"]))
        for guard in guards:
            results[name][f"process_{guard}"] = _median(parts[f"process_{guard}"])
            results[name][f"ratios_{guard}"] = _ratios(parts["health"], parts[f"process_{guard}"])
            print(_row(f"{name} /process {guard}", results[name][f"process_{guard}"]))
            for ratio, value in results[name][f"ratios_{guard}"].items():
                print(f"  {ratio:42} {value}")
        if args.scan:
            results[name]["scan_all"] = _median(parts["scan_all"])
            results[name]["ratios_scan_all"] = _ratios(parts["health"], parts["scan_all"])
            print(_row(f"{name} /scan all six guards", results[name]["scan_all"]))
            for ratio, value in results[name]["ratios_scan_all"].items():
                print(f"  {ratio:42} {value}")
    if "litellm" in rounds:
        parts = rounds["litellm"]
        results["litellm"] = {"health": _median(parts["health"]), "guarded": _median(parts["guarded"]),
                              "rounds": parts}
        print(_row("litellm /health/liveliness", results["litellm"]["health"]))
        print(_row("litellm guarded chat completion", results["litellm"]["guarded"]))
        for guard in guards:  # same rounds: AIGuardian /process over LiteLLM's guarded request
            pairs = [(c, g) for c, g in zip(rounds["current"][f"process_{guard}"], parts["guarded"], strict=True)
                     if c["requests"] and g["requests"]]
            results[f"current_over_litellm_{guard}"] = {
                "requests_per_s_ratio": round(statistics.median(c["requests_per_s"] / g["requests_per_s"]
                                                                for c, g in pairs), 3),
                "cpu_ms_per_request_ratio": round(statistics.median(c["cpu_ms_per_request"] / g["cpu_ms_per_request"]
                                                                    for c, g in pairs), 3)}
            print(f"current /process {guard} : litellm guarded, paired within each round (medians)")
            for ratio, value in results[f"current_over_litellm_{guard}"].items():
                print(f"  {ratio:42} {value}")
    if "baseline" in rounds:
        for guard in guards + (["scan_all"] if args.scan else []):
            endpoint = guard if guard == "scan_all" else f"process_{guard}"
            paired = _paired(rounds["current"][endpoint], rounds["baseline"][endpoint])
            results[f"current_over_baseline_{guard}"] = paired
            print(f"current : baseline {endpoint}, paired within each round (medians)")
            for ratio, value in paired.items():
                print(f"  {ratio:42} {value}")
    results["targets"] = _targets(results)
    if results["targets"]:
        print("\nissue 16's targets, this run")
        for row in results["targets"]:
            print(f"  {row['target']:58} {row['measured']:32} {'met' if row['met'] else 'NOT met'}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


# Issue 16: /process on a 1 KB prompt against the same gateway's /health/live (req/s ratio,
# at most this much worker CPU per request), and securityguard against LiteLLM's guarded call.
TARGETS = {"tokenguard": (0.35, 1.1), "securityguard": (0.25, 1.8)}
LITELLM_TARGET = ("securityguard", 4.0, 1 / 3)


def _targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The targets this run measured, each with its figures (medians over the rounds) and met or not."""
    rows: list[dict[str, Any]] = []
    current = results.get("current", {})
    for guard, (min_ratio, max_cpu) in TARGETS.items():
        if f"process_{guard}" not in current:
            continue
        ratio = current[f"ratios_{guard}"]["process_rps_over_health_rps"]
        cpu = current[f"process_{guard}"]["cpu_ms_per_request"]
        rows.append({"target": f"{guard} >= {min_ratio} of /health/live req/s, <= {max_cpu} ms CPU",
                     "measured": f"{ratio:.3f}, {cpu:.2f} ms", "met": ratio >= min_ratio and cpu <= max_cpu})
    guard, min_rps, max_cpu_ratio = LITELLM_TARGET
    versus = results.get(f"current_over_litellm_{guard}")
    if versus:
        rps, cpu = versus["requests_per_s_ratio"], versus["cpu_ms_per_request_ratio"]
        rows.append({"target": f"{guard} >= {min_rps:g}x LiteLLM's req/s at <= {max_cpu_ratio:.2f}x its CPU",
                     "measured": f"{rps:.2f}x, {cpu:.3f}x", "met": rps >= min_rps and cpu <= max_cpu_ratio})
    return rows


if __name__ == "__main__":
    main()
