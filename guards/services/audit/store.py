"""Store audit entries in PostgreSQL, each exactly once, with its usage unit.

One transaction per batch: the entries not stored yet (by ``entry_id``) become
``GuardRequest`` rows in one INSERT, and the billable ones (outcome success or
fallback) add their units to ``UsageRecord`` in the same transaction, so an entry's
row and its unit are stored together or not at all, and a replayed entry adds neither
twice. The audit row is the single source of truth for usage.

A batch that the database refuses for its data (a NUL byte the cleaning missed, a
tenant deleted meanwhile) is retried one entry at a time, so one bad entry costs only
itself: it goes to the dead-letter callback. A database that cannot be reached raises
:class:`DatabaseUnavailable` and nothing is consumed.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date

from django.db import DatabaseError, DataError, IntegrityError, connection, models, transaction
from django.utils import timezone

from billing.services import usage_units_add
from guards.models import GuardRequest
from guards.services.audit.entry import FIELDS, AuditEntry

logger = logging.getLogger(__name__)

#: Outcomes that are billed: the guard answered (itself, or the in-process fallback).
METERED_OUTCOMES = frozenset({GuardRequest.Outcome.SUCCESS, GuardRequest.Outcome.FALLBACK})
#: "Try a guard" in the operator console: audited like any call, never billed. The API's
#: ``client_type`` choices do not include it, so a client cannot claim it.
OPERATOR_CLIENT_TYPE = "operator"


def is_billable(*, outcome: str, client_type: str) -> bool:
    """Does this call cost the tenant a unit? (The guard answered, and not for an operator.)"""
    return outcome in METERED_OUTCOMES and client_type != OPERATOR_CLIENT_TYPE

_SURROGATES = re.compile("[\ud800-\udfff]")
_TEXT_LIMITS: dict[str, int | None] = {
    f.name: f.max_length for f in GuardRequest._meta.concrete_fields
    if isinstance(f, (models.CharField, models.TextField)) and f.name in FIELDS
}
# Entry-level failures: the data, not the database. Anything else that is a DatabaseError
# (connection refused, server gone, a missing table during a deploy) is retried later.
_BAD_DATA = (DataError, IntegrityError, ValueError, TypeError, UnicodeError)


class DatabaseUnavailable(Exception):
    """The database could not take the batch now; keep it and retry."""


@dataclass(slots=True)
class StoreResult:
    stored: int = 0
    duplicates: int = 0
    dead: int = 0
    units: int = 0


DeadLetter = Callable[[AuditEntry, str], None]


def _clean_text(value: str, limit: int | None) -> str:
    """What PostgreSQL can store: no NUL, no lone surrogate, within the column's length."""
    if "\x00" in value:
        value = value.replace("\x00", "\ufffd")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = _SURROGATES.sub("\ufffd", value)
    return value[:limit] if limit is not None and len(value) > limit else value


def _row(entry: AuditEntry) -> GuardRequest:
    values = {name: getattr(entry, name) for name in FIELDS}
    for name, limit in _TEXT_LIMITS.items():
        if isinstance(values[name], str):
            values[name] = _clean_text(values[name], limit)
    if values["created_at"] is None:
        values["created_at"] = timezone.now()
    return GuardRequest(**values)


# Every column but the serial id, in table order, with the PostgreSQL array type its
# values travel in (one array parameter per column, see ``_insert_new``).
_ARRAY_TYPES = {
    "UUIDField": "uuid[]", "CharField": "text[]", "TextField": "text[]", "ForeignKey": "int8[]",
    "BigIntegerField": "int8[]", "PositiveIntegerField": "int8[]", "IntegerField": "int8[]",
    "FloatField": "float8[]", "BooleanField": "bool[]", "DateTimeField": "timestamptz[]",
    "JSONField": "text[]::jsonb[]",
}
_COLUMNS = [f for f in GuardRequest._meta.concrete_fields if not f.primary_key]


def _column_values(entries: Sequence[AuditEntry], f: models.Field) -> list[object]:  # type: ignore[type-arg]
    """One column of the batch, as its array parameter holds it."""
    values = [getattr(e, f.attname) if hasattr(e, f.attname) else f.get_default() for e in entries]
    if f.name == "entry_id":
        return [uuid.UUID(v) for v in values]
    if f.name == "created_at":
        return [v if v is not None else timezone.now() for v in values]
    if f.name in _TEXT_LIMITS:
        return [_clean_text(v, _TEXT_LIMITS[f.name]) if isinstance(v, str) else v for v in values]
    if f.get_internal_type() == "JSONField":
        return [None if v is None else json.dumps(v) for v in values]
    return values


def _insert_sql() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in _COLUMNS)
    arrays = ", ".join(f"%s::{_ARRAY_TYPES[f.get_internal_type()]}" for f in _COLUMNS)
    table, key = quote(GuardRequest._meta.db_table), quote("entry_id")
    # Names and types come from the model, every value is a parameter.
    return (f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays}) "  # noqa: S608
            f"ON CONFLICT ({key}) DO NOTHING RETURNING {key}")


def _insert_new(entries: Sequence[AuditEntry]) -> set[uuid.UUID]:
    """INSERT the batch in one statement, skipping entry ids already stored; the ids inserted.

    PostgreSQL's ``INSERT ... SELECT * FROM unnest(<one array per column>) ON CONFLICT
    (entry_id) DO NOTHING RETURNING entry_id``: one statement where a SELECT of the known
    ids and an ORM ``bulk_create`` (a model instance per row) took two; a replay racing
    another writer skips the rows it lost instead of failing the batch. The text of the
    statement is the same for every batch size and its values travel as bound parameters
    (a server-side binding cursor), so the driver neither re-parses a statement of
    ``rows x columns`` placeholders nor quotes every value into it on each batch.
    """
    from django.db.backends.postgresql.base import ServerBindingCursor

    params = [_column_values(entries, f) for f in _COLUMNS]
    connection.ensure_connection()
    with connection._prepare_cursor(ServerBindingCursor(connection.connection)) as cursor:
        cursor.execute(_insert_sql(), params)
        return {uuid.UUID(str(r[0])) for r in cursor.fetchall()}


_ENTRY_ATTRS = frozenset(AuditEntry.__slots__)


def _json_rows(entries: Sequence[AuditEntry]) -> str:
    """The batch as one JSON array of rows keyed by column name, text cleaned as for the arrays.

    Raises ValueError (a NaN or infinite score: not JSON) or TypeError (a value JSON cannot
    hold); the caller then sends the batch as arrays instead.
    """
    now = None
    rows = []
    for entry in entries:
        row = {}
        for f in _COLUMNS:
            value = getattr(entry, f.attname) if f.attname in _ENTRY_ATTRS else f.get_default()
            if f.name in _TEXT_LIMITS and isinstance(value, str):
                value = _clean_text(value, _TEXT_LIMITS[f.name])
            row[f.column] = value
        created = entry.created_at
        if created is None:
            created = now = now or timezone.now()
        row["created_at"] = created.isoformat()
        rows.append(row)
    return json.dumps(rows, separators=(",", ":"), allow_nan=False)


def _insert_json_sql() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in _COLUMNS)
    table, key = quote(GuardRequest._meta.db_table), quote("entry_id")
    # Names come from the model; the rows are the one parameter.
    return (f"INSERT INTO {table} ({columns}) SELECT {columns} "  # noqa: S608
            f"FROM json_populate_recordset(NULL::{table}, %s::json) "
            f"ON CONFLICT ({key}) DO NOTHING RETURNING {key}")


def _insert_batch(entries: Sequence[AuditEntry]) -> set[uuid.UUID]:
    """:func:`_insert_new`, with the rows as one JSON text (``json_populate_recordset``) where they fit.

    The same INSERT ... ON CONFLICT DO NOTHING, but the driver sends one text built by
    json's C encoder instead of dumping 25 arrays value by value in Python (with a UUID
    object per id): half the audit thread's CPU per entry (0.16 -> 0.08 ms on a 500-entry
    batch). A batch JSON cannot
    hold (a NaN score), and every entry retried on its own after a refused batch, goes as
    arrays, exactly as before.
    """
    from django.db.backends.postgresql.base import ServerBindingCursor

    try:
        rows = _json_rows(entries)
    except (ValueError, TypeError):
        return _insert_new(entries)
    connection.ensure_connection()
    with connection._prepare_cursor(ServerBindingCursor(connection.connection)) as cursor:
        cursor.execute(_insert_json_sql(), [rows])
        return {uuid.UUID(str(r[0])) for r in cursor.fetchall()}


def _usage_day(entry: AuditEntry) -> date:
    """The UTC day the call was made (not the day it was stored: a replay may come days later)."""
    created = entry.created_at or timezone.now()
    return created.astimezone(UTC).date() if timezone.is_aware(created) else created.date()


def _store(entries: Sequence[AuditEntry], *, batch: bool = True) -> StoreResult:
    """One transaction: the new entries' rows and their usage units (``batch``: rows as one JSON text)."""
    by_id = {uuid.UUID(e.entry_id): e for e in entries}  # ValueError for a mangled id: bad data
    with transaction.atomic():
        if connection.vendor == "postgresql":
            inserted = (_insert_batch if batch else _insert_new)(list(by_id.values()))
            fresh = [e for key, e in by_id.items() if key in inserted]
        else:  # the embedded SQLite: select the known ids, insert the others
            known = set(GuardRequest.objects.filter(entry_id__in=list(by_id)).values_list("entry_id", flat=True))
            fresh = [e for key, e in by_id.items() if key not in known]
            GuardRequest.objects.bulk_create([_row(e) for e in fresh])
        units = Counter((e.tenant_id, e.guard, _usage_day(e)) for e in fresh
                        if is_billable(outcome=e.outcome, client_type=e.client_type))
        usage_units_add(counts=units)
    return StoreResult(stored=len(fresh), duplicates=len(entries) - len(fresh), units=sum(units.values()))


def audit_store(entries: Sequence[AuditEntry], *, dead_letter: DeadLetter) -> StoreResult:
    """Store ``entries`` (and their units) exactly once; per entry when the batch is refused."""
    if not entries:
        return StoreResult()
    try:
        return _store(entries)
    except _BAD_DATA as exc:
        logger.warning("audit batch of %d refused (%s); storing entry by entry", len(entries), type(exc).__name__)
    except DatabaseError as exc:
        raise DatabaseUnavailable(str(exc)) from exc
    total = StoreResult()
    for entry in entries:
        try:
            result = _store([entry], batch=False)
        except _BAD_DATA as exc:
            reason = f"{type(exc).__name__}: {str(exc)[:300]}"
            logger.error("audit entry %s (request %s, tenant %s) cannot be stored: %s",
                         entry.entry_id, entry.request_id, entry.tenant_id, type(exc).__name__)
            dead_letter(entry, reason)
            total.dead += 1
            continue
        except DatabaseError as exc:
            raise DatabaseUnavailable(str(exc)) from exc
        total.stored += result.stored
        total.duplicates += result.duplicates
        total.units += result.units
    return total
