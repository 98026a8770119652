"""Instructions and Python opcodes per warm /process request, undisturbed by the machine's load.

    .venv/bin/python bench/gateway_instructions.py --callgrind     # valgrind: M instructions per request, per thread
    .venv/bin/python bench/gateway_instructions.py --opcodes       # sys.settrace: opcodes per request by function
    ... --root /tmp/before                                         # another checkout (before/after)

The Django test client drives ``POST /api/v1/guards/process`` (tokenguard by default, a 1 KB
prompt) against PostgreSQL and Redis (``--database-url``, ``--redis-url``; the database must be
migrated), after ``--warmup`` requests and an audit flush. ``--callgrind`` re-runs this script
under ``valgrind --tool=callgrind --instr-atstart=no --separate-threads=yes`` and switches
instrumentation on (``callgrind_control -i on``) only for the measured requests and the audit
flush after them; it prints instructions per request for the request thread (the repeatable
figure) and for the other threads (the audit writer: its share depends on how many entries
each 0.2 s batch gathers, i.e. on wall time). ``--opcodes`` counts the request thread's Python
opcodes per request, inclusive per function (exact and repeatable; slow). Method and figures:
bench/README-gateway.md, issue 16's third pass.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT = ("Summarise the attached quarterly report for the board: revenue grew 12% year over year, "
        "churn fell to 3.1%, and the new enterprise tier signed 14 customers. Keep it under 120 words.")


def _client(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(args.root))
    os.chdir(args.root)
    os.environ.update({"DJANGO_SETTINGS_MODULE": "aiguardian.settings", "DATABASE_URL": args.database_url,
                       "REDIS_URL": args.redis_url, "LOG_LEVEL": "warning", "DEBUG": "false", "ALLOWED_HOSTS": "*",
                       "CACHE_KEY_PREFIX": "aigins" + uuid.uuid4().hex[:6]})
    import django

    django.setup()
    from django.test import Client

    from accounts.services import api_key_issue, tenant_create
    from billing.models import Plan

    Plan.objects.update_or_create(code="bench", defaults={"name": "Bench", "rate_limit_per_minute": 10**9,
                                                          "monthly_quota": None, "is_active": True})
    tenant = tenant_create(slug="bench-" + uuid.uuid4().hex[:8], plan="bench")
    key = api_key_issue(tenant=tenant, name="bench")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    text = ((TEXT + " ") * (args.text_bytes // len(TEXT) + 1))[:args.text_bytes]
    body = json.dumps({"service_type": args.guard, "payload": {"text": text, "content_type": "text"},
                       "client_type": "api"})

    def one() -> None:
        response = client.post("/api/v1/guards/process", body, content_type="application/json")
        assert response.status_code == 200, response.content

    return one


def _measure(args: argparse.Namespace) -> None:
    """Runs inside valgrind (``--_inside``) or traced (``--opcodes``)."""
    one = _client(args)
    from guards.services.audit import audit_flush

    for _ in range(args.warmup):
        one()
    audit_flush()
    if args.opcodes:
        inclusive: collections.Counter[tuple[str, str]] = collections.Counter()

        def local(frame, event, arg):  # type: ignore[no-untyped-def]
            if event == "opcode":
                seen, f = set(), frame
                while f is not None:
                    key = (f.f_code.co_filename, f.f_code.co_name)
                    if key not in seen:
                        inclusive[key] += 1
                        seen.add(key)
                    f = f.f_back
            return local

        def start(frame, event, arg):  # type: ignore[no-untyped-def]
            frame.f_trace_opcodes = True
            return local

        sys.settrace(start)
        for _ in range(args.requests):
            one()
        sys.settrace(None)
        audit_flush()
        for (filename, name), count in inclusive.most_common(args.top):
            short = filename.split("site-packages/")[-1].replace(str(args.root) + "/", "")
            print(f"{count / args.requests:9.0f}  {short}:{name}")
        return
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "-i", "on", pid], check=True, capture_output=True)
    for _ in range(args.requests):
        one()
    audit_flush()
    subprocess.run(["callgrind_control", "-i", "off", pid], check=True, capture_output=True)


def _callgrind(args: argparse.Namespace) -> None:
    out = Path(tempfile.mkdtemp(prefix="aig-callgrind-")) / "callgrind.out"
    argv = [a for a in sys.argv[1:] if a != "--callgrind"]
    subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no", "--separate-threads=yes",
                    f"--callgrind-out-file={out}", sys.executable, __file__, "--_inside", *argv],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    totals = {}
    for part in sorted(out.parent.glob("callgrind.out-*")):
        for line in part.read_text(errors="replace").splitlines():
            if line.startswith("totals:"):
                totals[part.name] = int(line.split()[1])
    main = totals.get("callgrind.out-01", 0)
    other = sum(v for k, v in totals.items() if k != "callgrind.out-01")
    n = args.requests
    print(f"{args.guard} {args.text_bytes} B, {n} requests: request thread {main / n / 1e6:.3f} M instructions "
          f"per request, other threads {other / n / 1e6:.3f} M, whole process {(main + other) / n / 1e6:.3f} M "
          f"(files in {out.parent})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--callgrind", action="store_true")
    mode.add_argument("--opcodes", action="store_true")
    mode.add_argument("--_inside", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to measure")
    parser.add_argument("--guard", default="tokenguard")
    parser.add_argument("--text-bytes", type=int, default=1024)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--top", type=int, default=80, help="--opcodes: functions printed")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                "postgresql://postgres@127.0.0.1:5432/aig_gw_bench"))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"))
    args = parser.parse_args()
    args.root = args.root.resolve()
    if args.callgrind:
        _callgrind(args)
    else:
        _measure(args)


if __name__ == "__main__":
    main()
