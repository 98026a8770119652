"""Load the gateway while Redis, PostgreSQL and a worker fail; count what was answered and what was kept.

Usage (from the repository root)::

    .venv/bin/python bench/faults.py [--workers 3] [--threads 8] [--outage 10] [--steady 5] [--json OUT]

It starts a throwaway gateway of its own (PostgreSQL via initdb/pg_ctl, redis-server,
gunicorn with the production settings; see tests/support/stack.py), creates three
tenants on an unthrottled plan (one keeps raw text and sends a NUL byte in every tenth
call: a poisoned row), and runs ``--threads`` client threads calling
``POST /api/v1/guards/process`` (tokenguard) through these phases:

    steady -> Redis stopped (--outage s), restarted empty -> steady
           -> PostgreSQL stopped (--outage s), restarted -> steady
           -> a worker SIGKILLed while it holds spooled entries -> steady

Then it waits for the spools to drain, runs ``flush_usage`` and prints, per phase and in
total: requests answered (2xx), 5xx, other answers, audit rows, usage units. The
guarantee holds when answered == audit rows for answered requests == usage units and
5xx == 0. It also measures the request thread's cost of spooling one audit entry
(thread CPU time, the figure other load on the machine disturbs least).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.stack import Answer, Load, Stack, TenantKey, tally  # noqa: E402


def _text(tenant: TenantKey, n: int) -> str:
    if tenant.slug.startswith("raw-") and n % 10 == 0:
        return f"Reconcile invoice {n}\x00 against the ledger before Friday."
    return f"Summarise ticket {n} for the on-call handover in two sentences."


def spool_cost(n: int = 20_000) -> dict[str, float]:
    """Thread CPU time of spooling one audit entry (what the request thread pays), in microseconds."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aiguardian.settings")
    import django

    django.setup()
    from django.utils import timezone

    from guards.services.audit import AuditEntry, AuditWriter
    from guards.services.audit.spool import Spool

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, raw in (("entry without raw text", ""), ("entry with 1 KB of raw text", "x" * 1024)):
            writer = AuditWriter(Spool(Path(tmp) / label.replace(" ", "-")))
            writer.ensure_thread = lambda: None  # type: ignore[method-assign]  # the request thread only
            samples = []
            for i in range(n):
                entry = AuditEntry(request_id=f"bench-{i}", tenant_id=1, guard="tokenguard", outcome="success",
                                   latency_ms=1.5, key_id=7, key_prefix="aig_abcdefgh", backend="inprocess",
                                   service_used="tokenguard", decision="keep", score=0.1, client_type="api",
                                   text_length=181, text_sha256="0" * 64, raw_text=raw)
                started = time.thread_time_ns()
                entry.created_at = timezone.now()
                writer.submit(entry)
                samples.append((time.thread_time_ns() - started) / 1000)
            samples.sort()
            results[label] = {"mean_us": round(statistics.fmean(samples), 1),
                              "p50_us": round(samples[len(samples) // 2], 1),
                              "p99_us": round(samples[int(len(samples) * 0.99)], 1)}
    return results


def _phase_rows(answers: list[Answer], marks: list[tuple[str, float]]) -> list[dict[str, Any]]:
    rows = []
    for index, (name, start) in enumerate(marks):
        end = marks[index + 1][1] if index + 1 < len(marks) else float("inf")
        inside = [a for a in answers if start <= a.started < end]
        statuses = Counter("2xx" if 200 <= a.status < 300 else ("no answer" if a.status == 0 else str(a.status))
                           for a in inside)
        latencies = sorted(a.seconds for a in inside if 200 <= a.status < 300)
        rows.append({"phase": name, "requests": len(inside), "statuses": dict(statuses),
                     "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1) if latencies else None,
                     "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1) if latencies else None})
    return rows


def run(args: argparse.Namespace) -> dict[str, Any]:
    stack = Stack(workers=args.workers)
    marks: list[tuple[str, float]] = []
    try:
        stack.start()
        tenants = stack.tenants([{"slug": "raw-bench", "store_raw_text": True}, {"slug": "bench-b"},
                                 {"slug": "bench-c"}])
        load = Load(stack, tenants, threads=args.threads, text_for=_text).start()

        def phase(name: str, seconds: float) -> None:
            marks.append((name, time.monotonic()))
            print(f"  {name} ({seconds:g} s)", flush=True)
            time.sleep(seconds)

        phase("steady", args.steady)
        stack.redis.stop()
        phase("Redis stopped", args.outage)
        stack.restart_redis()
        phase("Redis restarted empty", args.steady)
        stack.pg.stop()
        phase("PostgreSQL stopped", args.outage)
        stack.pg.start()
        phase("PostgreSQL restarted", args.steady)
        killed, pending = stack.kill_worker()
        phase(f"worker {killed} SIGKILLed holding {pending} spooled entries", args.steady)
        answers = load.stop()
        drained = time.monotonic()
        result = tally(stack, answers, [t.id for t in tenants], wait=120)
        drain_seconds = time.monotonic() - drained
    finally:
        stack.stop()
    return {"workers": args.workers, "threads": args.threads, "outage_s": args.outage, "steady_s": args.steady,
            "phases": _phase_rows(answers, marks), "drain_s": round(drain_seconds, 1),
            "total": {"requests": len(answers), "answered_2xx": result.answered, "5xx": result.server_errors,
                      "no_answer": result.no_answer, "other_answers": {k: v for k, v in result.errors.items()
                                                                     if not k.startswith("5")},
                      "audit_rows": result.audit_rows, "audit_rows_for_answered": result.answered_with_row,
                      "duplicate_rows": result.duplicate_rows, "usage_units": result.usage_units,
                      "billed_rows": result.billed_rows, "still_spooled": result.spooled,
                      "dead_letters": result.dead_letters}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--outage", type=float, default=10.0, help="seconds Redis and PostgreSQL stay down")
    parser.add_argument("--steady", type=float, default=5.0, help="seconds of load between the faults")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--no-spool-cost", action="store_true",
                        help="skip the spool micro-benchmark (e.g. when run from an older checkout)")
    args = parser.parse_args()

    cost = {} if args.no_spool_cost else spool_cost()
    if cost:
        print("spooling one audit entry, request-thread CPU time:")
    for label, figures in cost.items():
        print(f"  {label}: mean {figures['mean_us']} us, p50 {figures['p50_us']} us, p99 {figures['p99_us']} us")
    print(f"load: gunicorn {args.workers} sync workers, {args.threads} client threads, phases:")
    report = run(args)
    report["spool_cost"] = cost
    print(f"\n{'phase':<52} {'requests':>8} {'p50 ms':>7} {'p99 ms':>8}  statuses")
    for row in report["phases"]:
        print(f"{row['phase']:<52} {row['requests']:>8} {row['p50_ms'] or '-':>7} {row['p99_ms'] or '-':>8}  "
              f"{row['statuses']}")
    total = report["total"]
    print(f"\nrequests sent {total['requests']}; answered 2xx {total['answered_2xx']}; 5xx {total['5xx']}; "
          f"no answer {total['no_answer']}; other answers {total['other_answers']}")
    print(f"audit rows {total['audit_rows']} ({total['audit_rows_for_answered']} for answered requests, "
          f"{total['duplicate_rows']} duplicates); usage units {total['usage_units']}; "
          f"still spooled {total['still_spooled']}; dead letters {total['dead_letters']}; "
          f"spools drained {report['drain_s']} s after the load stopped")
    holds = (total["5xx"] == 0 and total["answered_2xx"] == total["audit_rows_for_answered"]
             and total["usage_units"] == total["billed_rows"] == total["audit_rows"]
             and total["audit_rows"] - total["answered_2xx"] <= total["no_answer"])
    print("guarantee holds" if holds else "GUARANTEE BROKEN")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    sys.exit(0 if holds else 1)


if __name__ == "__main__":
    main()
