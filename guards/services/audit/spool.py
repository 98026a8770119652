"""A per-process append-only spool of audit lines on local disk.

The request thread appends one line per guard call to the process's *open segment*
(one ``write(2)`` on an ``O_APPEND`` file: a few microseconds) and answers. The line is
then in the kernel's page cache: it survives the process being killed (SIGKILL, OOM,
gunicorn's timeout), not a kernel crash or the loss of the disk.

Segments are files ``<time_ns>-<pid>-<seq>.jsonl``. The writer *seals* the open
segment (a fresh one takes the appends), stores its lines in the database and only
then deletes it. Every segment a process has open carries an exclusive ``flock``, which
the kernel drops when the process dies, however it dies; a segment nobody holds a lock
on is therefore an orphan, and any process may claim it (lock it) and replay it.
Replays may repeat lines already stored; the store de-duplicates by entry id.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

SUFFIX = ".jsonl"
_TMP_SUFFIX = ".tmp"
_STALE_TMP_SECONDS = 60.0


# A segment keeps the objects its lines were written from, up to this many: its writer then
# stores them without reading and parsing the file back. Beyond it (a long database outage)
# the file alone is kept and read, so memory stays bounded whatever the backlog.
MEMORY_ITEMS_MAX = 5_000


@dataclass(slots=True, eq=False)
class Segment:
    """One spool file this process holds open and locked."""

    path: Path
    fd: int
    size: int = 0
    lines: int = 0
    # What each line was written from, in order: a segment this process opened; None for one
    # claimed from disk (a replay reads the file).
    items: list[object] | None = None


class Spool:
    """The spool directory, and this process's open segment in it."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.dead_letter_dir = self.directory / "dead-letter"
        self.lock = threading.Lock()
        self.current: Segment | None = None
        self.pid = os.getpid()
        self.seq = 0

    # --- request thread -------------------------------------------------------------

    def append(self, line: bytes, item: object = None) -> None:
        """Append one newline-terminated line durably enough to survive this process. Raises OSError.

        ``item`` (what the line was written from) is kept with the segment for its writer;
        None forgets the segment's items, so the writer reads the file.
        """
        with self.lock:
            segment = self._current()
            try:
                _write_all(segment.fd, line)
            except OSError:
                # Cut a partial line off, so the next append does not glue onto it.
                try:
                    os.ftruncate(segment.fd, segment.size)
                except OSError:
                    self.current = None  # leave it to be replayed as it is; start a new one
                raise
            segment.size += len(line)
            segment.lines += 1
            items = segment.items
            if items is not None:
                if item is None or len(items) >= MEMORY_ITEMS_MAX:
                    segment.items = None
                else:
                    items.append(item)

    def _current(self) -> Segment:
        if self.pid != os.getpid():  # forked: the parent's segment is not ours
            self.pid, self.current = os.getpid(), None
        if self.current is None:
            self.current = self._create()
        return self.current

    def _create(self) -> Segment:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.seq += 1
        name = f"{time.time_ns():020d}-{os.getpid()}-{self.seq}"
        tmp = self.directory / (name + _TMP_SUFFIX)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            path = self.directory / (name + SUFFIX)
            os.rename(tmp, path)  # visible to scanners only once locked
        except OSError:
            os.close(fd)
            raise
        return Segment(path, fd, items=[])

    # --- writer -----------------------------------------------------------------------

    def seal(self) -> Segment | None:
        """Take the open segment away from the appenders (None when it holds nothing).

        The sealed segment stays locked until :meth:`discard` or :meth:`release`.
        """
        current = self.current
        if current is None or current.lines == 0 or self.pid != os.getpid():
            return None
        fresh = self._create()  # outside the lock: the request threads never wait on file creation
        with self.lock:
            sealed, self.current = self.current, fresh
        return sealed

    def sync(self, *segments: Segment | None) -> None:
        """fdatasync the open segment and ``segments`` (while the database is unreachable they are all there is)."""
        for segment in (self.current, *segments):
            if segment is not None:
                try:
                    os.fdatasync(segment.fd)
                except OSError:
                    logger.warning("could not fsync the audit spool", exc_info=True)

    def discard(self, segment: Segment) -> None:
        """Its lines are stored: delete it, then let go of the lock (in that order)."""
        try:
            os.unlink(segment.path)
        except FileNotFoundError:
            pass
        os.close(segment.fd)

    def release(self, segment: Segment) -> None:
        """Keep the file for a later replay, but let go of it."""
        os.close(segment.fd)

    def claim_orphans(self) -> Iterator[Segment]:
        """Segments no live process holds, oldest first, each locked by this process while yielded."""
        try:
            names = sorted(p.name for p in self.directory.iterdir())
        except FileNotFoundError:
            return
        for name in names:
            path = self.directory / name
            if name.endswith(_TMP_SUFFIX):
                self._remove_stale_tmp(path)
                continue
            if not name.endswith(SUFFIX):
                continue
            segment = _try_lock(path)
            if segment is not None:
                yield segment

    def _remove_stale_tmp(self, path: Path) -> None:
        """A process died between creating a segment and naming it: it holds no line."""
        try:
            if time.time() - path.stat().st_mtime < _STALE_TMP_SECONDS:
                return
        except FileNotFoundError:
            return
        segment = _try_lock(path)
        if segment is not None:
            self.discard(segment)

    def backlog(self) -> tuple[int, int]:
        """(segments, bytes) waiting in the directory, this process's open segment included."""
        count = size = 0
        try:
            for path in self.directory.glob("*" + SUFFIX):
                try:
                    size += path.stat().st_size
                    count += 1
                except FileNotFoundError:
                    continue
        except FileNotFoundError:
            pass
        return count, size

    def dead_letter(self, line: bytes, error: str) -> Path:
        """Keep a line the database refused for good, with the reason, for an operator to look at."""
        self.dead_letter_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.dead_letter_dir / f"{os.getpid()}{SUFFIX}"
        record = json.dumps({"error": error, "line": line.decode("ascii", "replace").rstrip("\n")})
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
        try:
            _write_all(fd, (record + "\n").encode("ascii"))
        finally:
            os.close(fd)
        return path


def read_lines(segment: Segment, batch: int) -> Iterator[list[bytes]]:
    """The segment's complete lines in lists of at most ``batch`` (a torn last line is skipped)."""
    lines: list[bytes] = []
    with open(segment.path, "rb") as handle:
        for line in handle:
            if not line.endswith(b"\n"):
                logger.warning("skipping a torn line at the end of %s", segment.path.name)
                break
            lines.append(line)
            if len(lines) >= batch:
                yield lines
                lines = []
    if lines:
        yield lines


def _try_lock(path: Path) -> Segment | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
            return None  # a live process holds it
        raise
    stat = os.fstat(fd)
    if stat.st_nlink == 0:  # replayed and deleted by someone else while we waited
        os.close(fd)
        return None
    return Segment(path, fd, size=stat.st_size)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
