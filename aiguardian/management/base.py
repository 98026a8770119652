"""The base of every AIGuardian management command: an error is one line, never a traceback.

Commands validate their own input and raise ``CommandError``; what they cannot foresee —
the database or Redis unreachable, migrations not applied, a file they cannot write — is
turned into one line that says what to check, with exit code 1 (``--traceback`` still
shows the whole story).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, InterfaceError, OperationalError, ProgrammingError
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

_EXPECTED = (DatabaseError, RedisError, ConnectionInterrupted, OSError)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def command_error(exc: BaseException) -> CommandError:
    """One line naming what to check for an infrastructure failure."""
    cause = _first_line(exc)
    if isinstance(exc, ProgrammingError) or "no such table" in cause:  # PostgreSQL / SQLite
        return CommandError(f"the database schema is not ready ({cause}): run `manage.py migrate` first")
    if isinstance(exc, OperationalError | InterfaceError):
        return CommandError(f"the database cannot be reached ({cause}): check DATABASE_URL and that the database "
                            "is up")
    if isinstance(exc, DatabaseError):
        return CommandError(f"the database refused the command: {cause}")
    if isinstance(exc, RedisError | ConnectionInterrupted):
        return CommandError(f"Redis cannot be reached ({cause}): check REDIS_URL and that Redis is up")
    return CommandError(cause)


class GatewayCommand(BaseCommand):
    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except _EXPECTED as exc:
            if options.get("traceback"):
                raise
            raise command_error(exc) from None
