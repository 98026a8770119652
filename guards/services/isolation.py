"""Run one large analysis in a forked child that the worker kills at the deadline.

The in-thread deadline (``guards.services.deadline``) stops Python code, but not one C
call that holds the GIL: a super-linear regular expression over a long text would keep
the worker busy (and deaf) long after the client's timeout. Texts above
``GUARD_ISOLATE_ABOVE_CHARS`` are therefore analysed in a child forked from the worker:
the analyzers are already loaded and shared copy-on-write, so the fork costs
milliseconds, which only such texts pay. The worker waits on a pipe until the deadline,
then SIGKILLs the child and answers 504: its own thread was never blocked, and nothing
keeps running. The child also arms ``alarm()`` (and dies with its parent on Linux), so
it cannot outlive a worker that was itself killed.

The child only analyses: it writes one pickled outcome and leaves with ``os._exit``
(no atexit handlers, no flushing of the worker's audit spool or connections).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import importlib
import math
import os
import pickle
import select
import signal
import time
import traceback
from collections.abc import Callable
from typing import Any

from django.conf import settings as django_settings

from guards.analyzers.base import GuardResult, PayloadError
from guards.errors import GuardBackendError, GuardFailure
from guards.services.deadline import DeadlineExceeded

_PR_SET_PDEATHSIG = 1
_CHUNK = 1 << 20


class IsolatedAnalysisFailed(RuntimeError):
    """The child crashed or ended without an answer (its traceback, when it had one, is the message)."""


def isolation_applies(guard: str, chars: int) -> bool:
    """Whether an analysis of ``chars`` characters by ``guard`` runs in a child process."""
    threshold = django_settings.GUARD_ISOLATE_ABOVE_CHARS_BY_GUARD.get(guard, django_settings.GUARD_ISOLATE_ABOVE_CHARS)
    return bool(threshold) and chars > threshold and hasattr(os, "fork")


def isolated_analyze(analyze: Callable[[], GuardResult], *, deadline: float) -> dict[str, Any]:
    """``analyze().to_dict()`` computed in a child; DeadlineExceeded once ``deadline`` (monotonic) passes.

    Raises what the analyzer raised, as far as the caller acts on it: ``PayloadError``
    and ``GuardFailure`` subclasses come back as themselves, anything else as
    :class:`IsolatedAnalysisFailed`.
    """
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise DeadlineExceeded()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which leaves through os._exit
        _child(analyze, read_fd, write_fd, remaining)
    os.close(write_fd)
    try:
        data = _read_until(read_fd, deadline)
    except BaseException:  # the deadline, or anything else: the child must not run on unobserved
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        raise
    finally:
        os.close(read_fd)
        _, status = os.waitpid(pid, 0)
    return _outcome(data, status)


def _child(analyze: Callable[[], GuardResult], read_fd: int, write_fd: int, remaining: float) -> None:
    try:
        gc.disable()  # a collection would walk (and so copy) every page shared with the worker
        os.close(read_fd)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the kernel ends it even inside C code
        signal.alarm(math.ceil(remaining) + 2)
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        outcome: tuple[Any, ...]
        try:
            outcome = ("ok", analyze().to_dict())
        except PayloadError as exc:
            outcome = ("payload", exc.field, exc.message)
        except GuardFailure as exc:
            outcome = ("failure", type(exc).__module__, type(exc).__qualname__, str(exc.detail))
        except BaseException:  # noqa: BLE001 - reported to the parent, which logs it
            outcome = ("crash", traceback.format_exc())
        view = memoryview(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
        while view:
            view = view[os.write(write_fd, view):]
    finally:
        os._exit(0)


def _read_until(fd: int, deadline: float) -> bytes:
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded()
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def _outcome(data: bytes, status: int) -> dict[str, Any]:
    if not data:
        raise IsolatedAnalysisFailed(f"the analysis process ended without an answer (wait status {status})")
    kind, *rest = pickle.loads(data)  # noqa: S301 - written by our own child through a private pipe
    if kind == "ok":
        return rest[0]
    if kind == "payload":
        raise PayloadError(rest[0], rest[1])
    if kind == "failure":
        module, name, message = rest
        cls = getattr(importlib.import_module(module), name, None)
        raise (cls if isinstance(cls, type) and issubclass(cls, GuardFailure) else GuardBackendError)(message)
    raise IsolatedAnalysisFailed(f"the analysis process failed:\n{rest[0]}")
