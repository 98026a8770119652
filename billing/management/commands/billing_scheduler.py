"""Run the billing jobs on a schedule in one small long-lived process (compose's scheduler container).

Each job is an ordinary management command (``flush_usage``, ``report_usage``), so the
same work can instead be scheduled by cron or EventBridge Scheduler (ECS). A failing job
is logged and tried again at its next turn; it never stops the loop. Both jobs are safe
to run while another copy runs elsewhere. SIGTERM/SIGINT end the loop between jobs.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connection

logger = logging.getLogger("billing.scheduler")


class Command(BaseCommand):
    help = "Run flush_usage and report_usage every N seconds until stopped (--once: one round, then exit)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--flush-every", type=int, default=300, help="Seconds between flush_usage runs.")
        parser.add_argument("--report-every", type=int, default=300, help="Seconds between report_usage runs.")
        parser.add_argument("--once", action="store_true", help="Run each job once and exit (1 if one failed).")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = {"flush_usage": options["flush_every"], "report_usage": options["report_every"]}
        if any(every < 1 for every in jobs.values()):
            raise CommandError("--flush-every and --report-every must be at least 1 second")
        stop = threading.Event()
        if not options["once"]:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())
        due = dict.fromkeys(jobs, 0.0)
        failed = []
        while not stop.is_set():
            for job, every in jobs.items():
                if time.monotonic() >= due[job] and not stop.is_set():
                    if not self._run(job):
                        failed.append(job)
                    due[job] = time.monotonic() + every
            if options["once"]:
                break
            stop.wait(max(0.0, min(due.values()) - time.monotonic()))
        if options["once"] and failed:
            raise CommandError(f"failed: {', '.join(failed)}")

    def _run(self, job: str) -> bool:
        _fresh_connections()
        out = StringIO()
        try:
            call_command(job, stdout=out)
        except CommandError as exc:
            printed = out.getvalue().strip()
            self.stdout.write(f"{job}: {printed}\n{job} failed: {exc}" if printed else f"{job} failed: {exc}")
            logger.warning("%s failed: %s", job, exc)
            return False
        except Exception:
            logger.exception("%s failed", job)
            self.stdout.write(f"{job} failed (see the log)")
            return False
        finally:
            _fresh_connections()
        self.stdout.write(f"{job}: {out.getvalue().strip()}")
        return True


def _fresh_connections() -> None:
    """A long-lived process must not reuse a connection the database dropped (or an old one)."""
    if not connection.in_atomic_block:  # inside a caller's transaction (a test): keep it
        close_old_connections()
