"""The audit trail: one ``GuardRequest`` row per guard call, written off the request path.

Rows go into a bounded in-process queue that a daemon thread drains with
``bulk_create`` (one INSERT per batch), so a response never waits for the audit
write. When the queue is full the caller writes its own row (back-pressure rather
than loss). The queue is flushed when a worker exits (gunicorn ``worker_exit`` hook
and ``atexit``). ``GUARD_AUDIT_ASYNC=false`` writes inline (tests, one-off scripts).
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import queue
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from aiguardian.retention import cutoff, prune
from guards.models import GuardRequest

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
LINGER_SECONDS = 0.2  # a write waits this long for company
IDLE_SECONDS = 30.0  # after this long with nothing to write the connection is closed
_STOP: Any = object()


@dataclass(slots=True)
class AuditEntry:
    request_id: str
    tenant_id: int
    guard: str
    outcome: str
    latency_ms: float
    key_id: int | None = None
    key_prefix: str = ""
    backend: str = ""
    service_used: str = ""
    decision: str = ""
    score: float | None = None
    error_code: str = ""
    client_type: str = ""
    text_length: int = 0
    text_sha256: str = ""
    raw_text: str = ""
    created_at: datetime | None = None


def text_fingerprint(text: str) -> tuple[int, str]:
    """Length in characters and sha256 of the UTF-8 text: enough to correlate, nothing to leak."""
    return len(text), hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _write(entries: list[AuditEntry]) -> None:
    try:
        GuardRequest.objects.bulk_create([GuardRequest(**asdict(e)) for e in entries], batch_size=BATCH_SIZE)
    except Exception:
        # An audit failure must never fail a guard call; the count says what was lost.
        logger.exception("could not write %d guard audit rows", len(entries))


class AuditWriter:
    """Queue + one writer thread per process (recreated after a fork)."""

    def __init__(self, maxsize: int) -> None:
        self.queue: queue.Queue[AuditEntry] = queue.Queue(maxsize=maxsize)
        self.pid = 0
        self.thread: threading.Thread | None = None
        self.writing = threading.Lock()
        self.start_lock = threading.Lock()

    def _ensure_thread(self) -> None:
        if self.thread is not None and self.pid == os.getpid() and self.thread.is_alive():
            return
        with self.start_lock:
            if self.thread is None or self.pid != os.getpid() or not self.thread.is_alive():
                self.pid = os.getpid()
                self.thread = threading.Thread(target=self._loop, name="guard-audit", daemon=True)
                self.thread.start()

    def submit(self, entry: AuditEntry) -> None:
        self._ensure_thread()
        try:
            self.queue.put_nowait(entry)
        except queue.Full:
            _write([entry])

    def _drain(self, first: AuditEntry | None = None) -> list[AuditEntry]:
        batch = [first] if first is not None else []
        while len(batch) < BATCH_SIZE:
            try:
                batch.append(self.queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _loop(self) -> None:
        while True:
            try:
                first = self.queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                connection.close()  # idle: hold no database connection
                continue
            if first is _STOP:
                connection.close()
                return
            with self.writing:  # held while lingering, so a flush at exit waits for this batch
                time.sleep(LINGER_SECONDS)  # let a batch gather: one INSERT for many rows
                close_old_connections()  # this thread's own connection: drop it if broken or too old
                batch = self._drain(first)
                stop = _STOP in batch
                _write([e for e in batch if e is not _STOP])
            if stop:
                connection.close()
                return

    def flush(self) -> None:
        """Write everything queued now, in the calling thread (worker exit, tests)."""
        with self.writing:
            while batch := self._drain():
                _write([e for e in batch if e is not _STOP])

    def stop(self, timeout: float = 5.0) -> None:
        """Write what is queued and end the thread (and its database connection)."""
        if self.thread is not None and self.thread.is_alive():
            self.queue.put(_STOP)
            self.thread.join(timeout)


_writer: AuditWriter | None = None
_writer_lock = threading.Lock()


def _get_writer() -> AuditWriter:
    global _writer
    if _writer is None:
        with _writer_lock:
            if _writer is None:
                _writer = AuditWriter(settings.GUARD_AUDIT_QUEUE_SIZE)
                atexit.register(_writer.flush)
    return _writer


def audit_record(entry: AuditEntry) -> None:
    """Record one guard call (queued unless ``GUARD_AUDIT_ASYNC`` is off)."""
    if entry.created_at is None:
        entry.created_at = timezone.now()
    if settings.GUARD_AUDIT_ASYNC:
        _get_writer().submit(entry)
    else:
        _write([entry])


def audit_flush() -> None:
    """Write the queued rows now; called at worker exit."""
    if _writer is not None:
        _writer.flush()


def audit_prune(*, older_than_days: int | None = None, batch_size: int = 5000, dry_run: bool = False) -> int:
    """Delete audit rows past the retention period in batches (short locks); returns the count."""
    days = settings.GUARD_AUDIT_RETENTION_DAYS if older_than_days is None else older_than_days
    return prune(GuardRequest.objects.filter(created_at__lt=cutoff(days)), batch_size=batch_size, dry_run=dry_run)


def audit_entry_fields(payload: dict[str, Any], *, store_raw_text: bool) -> dict[str, Any]:
    """The text columns of an entry: length and hash always, the raw text only when opted in."""
    text = payload.get("text") if isinstance(payload, dict) else None
    if not isinstance(text, str):
        return {}
    length, digest = text_fingerprint(text)
    return {"text_length": length, "text_sha256": digest, "raw_text": text if store_raw_text else ""}
