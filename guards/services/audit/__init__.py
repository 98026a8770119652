"""The audit trail: one ``GuardRequest`` row per guard call, and with it the call's usage unit.

Guarantee: every call the gateway answered has exactly one ``GuardRequest`` row and,
when it was billable, exactly one unit in ``UsageRecord``, once the worker's spool has
been stored. Delivery is at-least-once (a spool line may be stored again after a crash)
and de-duplicated by the entry id the gateway mints for each call, in the transaction
that adds the unit, so the effect is exactly-once. It assumes the spool directory
(``GUARD_SPOOL_DIR``) survives what happens to the process (a SIGKILL, an OOM kill,
gunicorn's timeout, a restart of the container on the same disk), not the loss of that
disk (a replaced ECS task, while the database was unreachable) or a kernel crash.

- ``entry``: the entry and its spool line.
- ``spool``: per-process append-only segment files, locked while their process lives.
- ``store``: batch INSERT + usage units in one transaction, de-duplicated; per entry
  when a batch is refused; dead letters for entries the database can never take.
- ``writer``: the thread that stores the spool and replays orphaned segments.

The request thread answers once its entry is spooled (a few microseconds). When the
spool cannot be written (a full or read-only disk) the entry is stored inline; when
neither works the call answers 503 ``audit_unavailable`` rather than go unrecorded.
``GUARD_AUDIT_ASYNC=false`` stores inline first (tests, one-off scripts) and spools
only when the database is unreachable.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from aiguardian.retention import cutoff, prune
from guards.errors import AuditUnavailable
from guards.models import GuardRequest
from guards.services.audit.entry import AuditEntry, audit_entry_fields, text_fingerprint
from guards.services.audit.spool import Spool
from guards.services.audit.store import DatabaseUnavailable, StoreResult, audit_store
from guards.services.audit.writer import AuditWriter, dead_letter, replay_orphans

logger = logging.getLogger(__name__)

__all__ = [
    "AuditEntry",
    "AuditUnavailable",
    "AuditWriter",
    "audit_entry_fields",
    "audit_flush",
    "audit_prune",
    "audit_record",
    "audit_spool_dir",
    "audit_spool_replay",
    "audit_start",
    "audit_stop",
    "text_fingerprint",
]


def audit_spool_dir(database: Mapping[str, Any] | None = None) -> Path:
    """This deployment's spool: ``GUARD_SPOOL_DIR/<fingerprint of the database>``."""
    db = settings.DATABASES["default"] if database is None else database
    identity = f"{db.get('HOST') or ''}:{db.get('PORT') or ''}/{db.get('NAME')}"
    return Path(settings.GUARD_SPOOL_DIR) / hashlib.sha256(identity.encode()).hexdigest()[:16]


_writer: AuditWriter | None = None
_writer_lock = threading.Lock()


def _get_writer() -> AuditWriter:
    global _writer
    if _writer is None:
        with _writer_lock:
            if _writer is None:
                _writer = AuditWriter(Spool(audit_spool_dir()))
                atexit.register(_writer.stop)
    return _writer


def audit_record(entry: AuditEntry) -> None:
    """Record one guard call durably before the caller answers (see the module docstring)."""
    if entry.created_at is None:
        entry.created_at = timezone.now()
    writer = _get_writer()
    if not settings.GUARD_AUDIT_ASYNC:
        try:
            audit_store([entry], dead_letter=functools.partial(dead_letter, writer.spool))
            return
        except DatabaseUnavailable:
            logger.warning("database unavailable: audit entry %s spooled", entry.entry_id)
    try:
        writer.submit(entry)
    except OSError:
        logger.exception("audit spool unwritable; storing entry %s inline", entry.entry_id)
        try:
            audit_store([entry], dead_letter=functools.partial(dead_letter, writer.spool))
        except DatabaseUnavailable as exc:
            raise AuditUnavailable() from exc


def audit_start() -> None:
    """Start this process's writer now (gunicorn ``post_worker_init``): orphans are replayed at once."""
    _get_writer().ensure_thread()


def audit_stop(timeout: float = 5.0) -> None:
    """Store what is spooled and stop the writer (gunicorn ``worker_exit``)."""
    if _writer is not None:
        _writer.stop(timeout)


def audit_flush() -> None:
    """Store what this process has spooled, in the calling thread (tests, scripts)."""
    if _writer is not None:
        _writer.drain()


def audit_spool_replay() -> StoreResult:
    """Store the spool segments no live process holds (``replay_audit_spool``); raises DatabaseUnavailable."""
    return replay_orphans(Spool(audit_spool_dir()))


def audit_prune(*, older_than_days: int | None = None, batch_size: int = 5000, dry_run: bool = False) -> int:
    """Delete audit rows past the retention period in batches (short locks); returns the count."""
    days = settings.GUARD_AUDIT_RETENTION_DAYS if older_than_days is None else older_than_days
    return prune(GuardRequest.objects.filter(created_at__lt=cutoff(days)), batch_size=batch_size, dry_run=dry_run)
