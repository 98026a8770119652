"""The per-process writer: spooled audit entries into PostgreSQL, orphaned spools replayed.

Request threads append to the spool and wake the writer thread. The thread waits a
moment for company (one INSERT for many rows), seals the open segment, stores its
lines (:func:`~guards.services.audit.store.audit_store`) and deletes it. When the
database cannot be reached the segment stays, the thread retries with a growing
pause (``RETRY_MAX_SECONDS`` at most) and fsyncs the spool meanwhile. At start and
every ``ORPHAN_SCAN_SECONDS`` it claims segments no live process holds (a worker that
was killed) and replays them.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time

from django.db import connection

from guards.services import metrics
from guards.services.audit.entry import AuditEntry
from guards.services.audit.spool import Segment, Spool, read_lines
from guards.services.audit.store import DatabaseUnavailable, StoreResult, audit_store

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
LINGER_SECONDS = 0.2  # a write waits this long for company
ORPHAN_SCAN_SECONDS = 5.0
RETRY_MIN_SECONDS = 0.25
RETRY_MAX_SECONDS = 5.0
IDLE_SECONDS = 30.0  # after this long with nothing to write the connection is closed
_SEALS_PER_ROUND = 4  # under steady load, let the orphan scan and the stop flag have a turn


def dead_letter(spool: Spool, entry: AuditEntry, why: str) -> None:
    """Keep an entry the database refused for good in the spool's dead-letter file."""
    _keep_dead(spool, entry.to_line(), why)


def _keep_dead(spool: Spool, line: bytes, why: str) -> None:
    spool.dead_letter(line, why)
    metrics.AUDIT_DEAD_LETTERS.inc()


def store_segment(spool: Spool, segment: Segment) -> StoreResult:
    """Store every line of ``segment`` (dead letters kept aside); raises DatabaseUnavailable.

    A segment this process wrote holds the entries its lines came from: they are stored as
    they are (the file is not read back and parsed); a replayed one is read from disk.
    """
    total = StoreResult()
    refused = functools.partial(dead_letter, spool)
    items = segment.items
    if items is not None and len(items) == segment.lines:
        for start in range(0, len(items), BATCH_SIZE):
            result = audit_store(items[start:start + BATCH_SIZE], dead_letter=refused)  # type: ignore[arg-type]
            total.stored += result.stored
            total.duplicates += result.duplicates
            total.dead += result.dead
            total.units += result.units
        return total
    for lines in read_lines(segment, BATCH_SIZE):
        entries: list[AuditEntry] = []
        for line in lines:
            try:
                entries.append(AuditEntry.from_line(line))
            except (ValueError, TypeError):
                _keep_dead(spool, line, "unreadable spool line")
                total.dead += 1
        result = audit_store(entries, dead_letter=refused)
        total.stored += result.stored
        total.duplicates += result.duplicates
        total.dead += result.dead
        total.units += result.units
    return total


def replay_orphans(spool: Spool) -> StoreResult:
    """Store the segments no live process holds, oldest first; stops at the first database failure."""
    total = StoreResult()
    for segment in spool.claim_orphans():
        try:
            result = store_segment(spool, segment)
        except BaseException:
            spool.release(segment)  # kept for the next replay
            raise
        spool.discard(segment)
        metrics.AUDIT_REPLAYED.inc(result.stored)
        if result.stored or result.dead:
            logger.warning("replayed an orphaned audit spool %s: %d stored, %d already stored, %d dead-lettered",
                           segment.path.name, result.stored, result.duplicates, result.dead)
        total.stored += result.stored
        total.duplicates += result.duplicates
        total.dead += result.dead
        total.units += result.units
    return total


class AuditWriter:
    """One spool and one writer thread per process (recreated after a fork)."""

    def __init__(self, spool: Spool) -> None:
        self.spool = spool
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.io_lock = threading.Lock()  # one storer at a time: the thread, or a flush
        self.sealed: Segment | None = None
        self.thread: threading.Thread | None = None
        self.pid = 0
        self.start_lock = threading.Lock()

    # --- request thread ------------------------------------------------------------------

    def submit(self, entry: AuditEntry) -> None:
        """Spool the entry (raises OSError when the disk refuses) and wake the writer."""
        self.spool.append(entry.to_line(), entry)
        self.ensure_thread()
        self.wake.set()

    def ensure_thread(self) -> None:
        if self.thread is not None and self.pid == os.getpid() and self.thread.is_alive():
            return
        with self.start_lock:
            if self.thread is None or self.pid != os.getpid() or not self.thread.is_alive():
                self.pid = os.getpid()
                self.sealed = None  # a forked child does not own its parent's segments
                self.stopping.clear()
                self.thread = threading.Thread(target=self._loop, name="guard-audit", daemon=True)
                self.thread.start()

    # --- writer thread -------------------------------------------------------------------

    def _loop(self) -> None:
        retry = 0.0
        next_scan = 0.0
        idle_since = time.monotonic()
        while not self.stopping.is_set():
            now = time.monotonic()
            if now >= next_scan:
                self._replay_orphans()
                next_scan = now + ORPHAN_SCAN_SECONDS
            if retry:  # back off whatever the requests say: they keep spooling meanwhile
                self.stopping.wait(retry)
                self.wake.clear()
            elif self.wake.wait(timeout=min(ORPHAN_SCAN_SECONDS, IDLE_SECONDS)):
                self.wake.clear()
                self.stopping.wait(LINGER_SECONDS)  # gather a batch (cut short by stop)
            try:
                if self.drain():
                    idle_since = time.monotonic()
                retry = 0.0
            except DatabaseUnavailable as exc:
                retry = min(RETRY_MAX_SECONDS, max(RETRY_MIN_SECONDS, retry * 2))
                logger.warning("audit spool kept: database unavailable (%s); retrying in %.2f s",
                               type(exc.__cause__).__name__, retry)
                self.spool.sync(self.sealed)
                _close_connection()
            except Exception:  # never let the writer die: the spool keeps the entries
                logger.exception("audit writer failed; retrying")
                retry = RETRY_MAX_SECONDS
                _close_connection()
            metrics.AUDIT_SPOOL_BYTES.set(self.spool.backlog()[1])
            if time.monotonic() - idle_since > IDLE_SECONDS:
                _close_connection()  # idle: hold no database connection
                idle_since = time.monotonic()
        try:
            self.drain()
        except Exception:  # at stop, what is left stays spooled for the next start
            logger.warning("audit entries left in the spool at stop", exc_info=True)
        _close_connection()

    def _replay_orphans(self) -> None:
        try:
            replay_orphans(self.spool)
        except DatabaseUnavailable:
            pass  # the open segment's retry loop reports it
        except Exception:
            logger.exception("replaying orphaned audit spools failed")

    def drain(self) -> bool:
        """Store what is spooled by this process now; True when something was stored.

        Raises DatabaseUnavailable, keeping the entries in the spool.
        """
        stored = False
        with self.io_lock:
            for _ in range(_SEALS_PER_ROUND):
                if self.sealed is None:
                    self.sealed = self.spool.seal()
                    if self.sealed is None:
                        break
                store_segment(self.spool, self.sealed)
                self.spool.discard(self.sealed)
                self.sealed, stored = None, True
        return stored

    def stop(self, timeout: float = 5.0) -> None:
        """Store what is spooled and end the thread; what cannot be stored in time stays spooled."""
        self.stopping.set()
        self.wake.set()
        if self.thread is not None and self.thread.is_alive() and self.pid == os.getpid():
            self.thread.join(timeout)


def _close_connection() -> None:
    try:
        connection.close()
    except Exception:  # a broken connection may fail to close; it is dropped anyway
        logger.debug("closing the audit writer's connection failed", exc_info=True)
