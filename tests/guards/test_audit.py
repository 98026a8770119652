"""The audit trail: spooled before the answer, stored once with its usage unit, poison isolated."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Tenant
from billing.models import UsageRecord
from guards.errors import AuditUnavailable
from guards.models import GuardRequest
from guards.services import audit
from guards.services.audit import AuditEntry, AuditWriter, audit_record, audit_spool_dir
from guards.services.audit import writer as writer_module
from guards.services.audit.spool import Spool, read_lines
from guards.services.audit.store import DatabaseUnavailable, audit_store
from guards.services.audit.writer import replay_orphans, store_segment

transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _entry(tenant_id: int, n: int = 0, outcome: str = "success", **kw) -> AuditEntry:
    return AuditEntry(request_id=f"r{n}", tenant_id=tenant_id, guard="tokenguard", outcome=outcome,
                      latency_ms=1.0, created_at=kw.pop("created_at", timezone.now()), **kw)


def _units(tenant) -> int:
    return sum(UsageRecord.objects.filter(tenant=tenant).values_list("units", flat=True))


def _dead_letters(spool: Spool) -> list[dict]:
    return [json.loads(line) for path in sorted(spool.dead_letter_dir.glob("*.jsonl"))
            for line in path.read_text().splitlines()]


@pytest.fixture
def spool(tmp_path: Path) -> Spool:
    return Spool(tmp_path / "spool")


@pytest.fixture
def dead(spool: Spool):  # type: ignore[no-untyped-def]
    return lambda entry, why: spool.dead_letter(entry.to_line(), why)


# --- the spool -------------------------------------------------------------------------------

def test_an_entry_is_on_disk_when_submit_returns(tenant, spool) -> None:
    writer = AuditWriter(spool)
    writer.ensure_thread = lambda: None  # no writer thread: only the spool holds it
    entry = _entry(tenant.pk, 1, raw_text="caf\u00e9 \ud800")
    writer.submit(entry)
    (path,) = spool.directory.glob("*.jsonl")
    (line,) = path.read_bytes().splitlines(keepends=True)
    assert AuditEntry.from_line(line) == entry  # lone surrogate and all


def test_a_killed_processs_segment_is_an_orphan_and_a_live_ones_is_not(tenant, spool) -> None:
    live = Spool(spool.directory)
    live.append(_entry(tenant.pk, 1).to_line())
    dead_one = Spool(spool.directory)
    dead_one.append(_entry(tenant.pk, 2).to_line())
    os.close(dead_one.current.fd)  # what the kernel does when a process dies: its lock goes
    claimed = list(spool.claim_orphans())
    assert [s.path for s in claimed] == [dead_one.current.path]
    for segment in claimed:
        spool.release(segment)


def test_a_torn_last_line_is_skipped(tenant, spool) -> None:
    spool.append(_entry(tenant.pk, 1).to_line())
    os.write(spool.current.fd, b'{"entry_id": "trunc')  # a crash in the middle of a write
    (batch,) = list(read_lines(spool.current, 100))
    assert [AuditEntry.from_line(x).request_id for x in batch] == ["r1"]


# --- the store -------------------------------------------------------------------------------

@pytest.mark.django_db
def test_rows_and_their_units_are_stored_together_and_replays_add_nothing(tenant, dead) -> None:
    entries = [_entry(tenant.pk, n) for n in range(3)] + [_entry(tenant.pk, 9, outcome="invalid")]
    first = audit_store(entries, dead_letter=dead)
    again = audit_store(entries, dead_letter=dead)
    assert (first.stored, first.units, again.stored, again.duplicates, again.units) == (4, 3, 0, 4, 0)
    assert GuardRequest.objects.filter(tenant=tenant).count() == 4
    assert _units(tenant) == 3  # the invalid call is audited, not billed


@pytest.mark.django_db
def test_the_entry_id_not_the_client_request_id_is_the_key(tenant, dead) -> None:
    # A client may reuse X-Request-ID: two calls, two rows, two units.
    audit_store([_entry(tenant.pk, 1), _entry(tenant.pk, 1)], dead_letter=dead)
    assert GuardRequest.objects.filter(request_id="r1").count() == 2 and _units(tenant) == 2


@transactional  # foreign keys are checked at commit
def test_a_poisoned_entry_costs_only_itself(tenant, spool, dead) -> None:
    other = Tenant.objects.create(name="Other", slug="other")
    gone = Tenant.objects.create(name="Gone", slug="gone")
    entries = [
        _entry(other.pk, 1),
        _entry(tenant.pk, 2, raw_text="before\x00after"),  # PostgreSQL refuses NUL in text
        _entry(tenant.pk, 3, raw_text="lone \udc00 surrogate", key_prefix="k" * 80),
        _entry(gone.pk, 4),  # its tenant is deleted before the batch is stored
        _entry(other.pk, 5),
    ]
    gone.delete()
    result = audit_store(entries, dead_letter=dead)
    assert (result.stored, result.dead, result.units) == (4, 1, 4)
    rows = {r.request_id: r for r in GuardRequest.objects.all()}
    assert sorted(rows) == ["r1", "r2", "r3", "r5"]
    assert rows["r2"].raw_text == "before\ufffdafter"
    assert rows["r3"].raw_text == "lone \ufffd surrogate" and rows["r3"].key_prefix == "k" * 32
    (letter,) = _dead_letters(spool)
    assert json.loads(letter["line"])["request_id"] == "r4" and "IntegrityError" in letter["error"]
    assert _units(other) == 2 and _units(tenant) == 2


@pytest.mark.django_db
def test_a_batch_is_one_insert_that_skips_the_entries_already_stored(tenant, dead) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = [_entry(tenant.pk, n) for n in range(3)]
    audit_store(first[:1], dead_letter=dead)  # a replay overlapping what another writer stored
    with CaptureQueriesContext(connection) as queries:
        result = audit_store([*first, _entry(tenant.pk, 9)], dead_letter=dead)
    assert (result.stored, result.duplicates, result.units) == (3, 1, 3)
    audit_sql = [q["sql"] for q in queries.captured_queries if "guards_guardrequest" in q["sql"]]
    assert len(audit_sql) == 1 and audit_sql[0].startswith("INSERT") and "ON CONFLICT" in audit_sql[0]
    assert GuardRequest.objects.filter(tenant=tenant).count() == 4 and _units(tenant) == 4


@pytest.mark.django_db
def test_every_column_survives_the_batch_insert(tenant, dead) -> None:
    findings = [{"type": "secret", "fingerprint": "ab12", "start": 3, "end": 9, "score": 0.75}]
    entry = _entry(tenant.pk, 5, key_id=2**40, key_prefix="p" * 12, backend="inprocess", service_used="tokenguard",
                   decision="flag", score=0.5, error_code="", client_type="api", text_length=70_000,
                   text_sha256="f" * 64, raw_text="x\x00y", mode="monitor", enforced=False, config_version=7,
                   verdict="flag", failure_policy="fail_open", degraded=True, findings=findings)
    assert audit_store([entry], dead_letter=dead).stored == 1
    row = GuardRequest.objects.get(request_id="r5")
    assert (row.key_id, row.key_prefix, row.score, row.text_length, row.raw_text) == (2**40, "p" * 12, 0.5, 70_000,
                                                                                         "x\ufffdy")
    assert (row.mode, row.enforced, row.config_version, row.degraded, row.findings) == ("monitor", False, 7, True,
                                                                                        findings)
    assert str(row.entry_id).replace("-", "") == entry.entry_id and row.created_at == entry.created_at


@pytest.mark.django_db
def test_a_database_that_cannot_be_reached_consumes_nothing(tenant, dead, monkeypatch) -> None:
    from django.db import OperationalError
    from django.db.models.query import QuerySet

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    from django.db.backends.utils import CursorWrapper

    monkeypatch.setattr(QuerySet, "bulk_create", refuse)
    monkeypatch.setattr(CursorWrapper, "execute", refuse)  # the PostgreSQL path inserts with one statement
    with pytest.raises(DatabaseUnavailable):
        audit_store([_entry(tenant.pk, 1)], dead_letter=dead)


# --- the writer ------------------------------------------------------------------------------

@transactional
def test_the_writer_stores_a_burst_in_one_batch_with_its_units(tenant, spool, monkeypatch) -> None:
    batches: list[int] = []
    real = writer_module.audit_store
    monkeypatch.setattr(writer_module, "audit_store",
                        lambda entries, dead_letter: (batches.append(len(entries)), real(entries, dead_letter=dead_letter))[1])
    writer = AuditWriter(spool)
    for n in range(25):
        writer.submit(_entry(tenant.pk, n))
    writer.stop()
    assert GuardRequest.objects.count() == 25 and _units(tenant) == 25
    assert batches == [25]
    assert all(p.stat().st_size == 0 for p in spool.directory.glob("*.jsonl"))  # the fresh open segment
    assert not writer.thread.is_alive()


@transactional
def test_the_writer_stores_its_own_segment_from_the_entries_it_spooled(tenant, spool, monkeypatch) -> None:
    """No reading back and parsing of what this process just wrote (the file is for replays)."""
    def unread(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the writer read its own segment back")

    monkeypatch.setattr(writer_module, "read_lines", unread)
    writer = AuditWriter(spool)
    entries = [_entry(tenant.pk, n, score=n / 10, findings=[{"type": "t", "start": n}]) for n in range(12)]
    for entry in entries:
        writer.submit(entry)
    writer.stop()
    rows = {r.request_id: r for r in GuardRequest.objects.all()}
    assert len(rows) == 12 and _units(tenant) == 12
    assert rows["r7"].score == 0.7 and rows["r7"].findings == [{"type": "t", "start": 7}]


@transactional
def test_a_segment_past_the_memory_cap_is_read_from_its_file(tenant, spool, monkeypatch) -> None:
    from guards.services.audit import spool as spool_module

    monkeypatch.setattr(spool_module, "MEMORY_ITEMS_MAX", 3)
    reads: list[int] = []
    real_read = writer_module.read_lines
    monkeypatch.setattr(writer_module, "read_lines",
                        lambda segment, batch: (reads.append(1), real_read(segment, batch))[1])
    writer = AuditWriter(spool)
    writer.ensure_thread = lambda: None  # drained by hand
    for n in range(5):
        writer.submit(_entry(tenant.pk, n))
    assert writer.spool.current.items is None  # forgotten past the cap: the file is what is kept
    writer.drain()
    assert reads and GuardRequest.objects.count() == 5 and _units(tenant) == 5


@transactional
def test_while_the_database_is_down_the_spool_keeps_everything(tenant, spool, monkeypatch) -> None:
    real = writer_module.audit_store
    down = {"on": True}

    def store(entries, dead_letter):
        if down["on"]:
            raise DatabaseUnavailable("connection refused")
        return real(entries, dead_letter=dead_letter)

    monkeypatch.setattr(writer_module, "audit_store", store)
    writer = AuditWriter(spool)
    writer.ensure_thread = lambda: None  # this test drains by hand
    writer.submit(_entry(tenant.pk, 1))
    with pytest.raises(DatabaseUnavailable):
        writer.drain()
    writer.submit(_entry(tenant.pk, 2))
    with pytest.raises(DatabaseUnavailable):
        writer.drain()
    assert GuardRequest.objects.count() == 0
    assert sum(len(p.read_bytes().splitlines()) for p in spool.directory.glob("*.jsonl")) == 2
    down["on"] = False
    writer.drain()
    assert sorted(GuardRequest.objects.values_list("request_id", flat=True)) == ["r1", "r2"]
    assert _units(tenant) == 2


@transactional
def test_an_orphaned_spool_is_replayed_once_even_when_partly_stored(tenant, spool) -> None:
    killed = Spool(spool.directory)
    for n in range(4):
        killed.append(_entry(tenant.pk, n).to_line())
    segment = killed.current
    # The killed writer had stored the first two lines and died before deleting the file.
    first_two = [AuditEntry.from_line(x) for x in next(read_lines(segment, 2))]
    audit_store(first_two, dead_letter=lambda e, why: None)
    os.close(segment.fd)
    result = replay_orphans(spool)
    assert (result.stored, result.duplicates, result.units) == (2, 2, 2)
    assert GuardRequest.objects.count() == 4 and _units(tenant) == 4
    assert not segment.path.exists()
    assert replay_orphans(spool).stored == 0


@transactional
def test_an_unreadable_spool_line_goes_to_the_dead_letters(tenant, spool) -> None:
    spool.append(b"not json at all\n")
    spool.append(_entry(tenant.pk, 1).to_line())
    sealed = spool.seal()
    result = store_segment(spool, sealed)
    spool.discard(sealed)
    assert (result.stored, result.dead) == (1, 1)
    assert _dead_letters(spool)[0]["line"] == "not json at all"


# --- audit_record ------------------------------------------------------------------------------

@pytest.fixture
def own_writer(tmp_path, settings, monkeypatch):  # type: ignore[no-untyped-def]
    settings.GUARD_SPOOL_DIR = str(tmp_path / "spools")
    monkeypatch.setattr(audit, "_writer", None)
    yield
    if audit._writer is not None:
        audit._writer.stop()


@pytest.mark.django_db
def test_inline_mode_spools_when_the_database_is_down(tenant, own_writer, monkeypatch) -> None:
    def refuse(entries, dead_letter):
        raise DatabaseUnavailable("connection refused")

    monkeypatch.setattr(audit, "audit_store", refuse)
    monkeypatch.setattr(AuditWriter, "ensure_thread", lambda self: None)
    audit_record(_entry(tenant.pk, 7))
    (path,) = audit_spool_dir().glob("*.jsonl")
    assert AuditEntry.from_line(path.read_bytes()).request_id == "r7"


@pytest.mark.django_db
def test_a_call_nothing_can_record_is_refused_not_answered(tenant, own_writer, settings, monkeypatch) -> None:
    settings.GUARD_AUDIT_ASYNC = True

    def disk_full(self, line, item=None):
        raise OSError(28, "No space left on device")

    def refuse(entries, dead_letter):
        raise DatabaseUnavailable("connection refused")

    monkeypatch.setattr(Spool, "append", disk_full)
    audit_record(_entry(tenant.pk, 1))  # the disk refuses: stored inline instead
    assert GuardRequest.objects.filter(request_id="r1").exists()
    monkeypatch.setattr(audit, "audit_store", refuse)
    with pytest.raises(AuditUnavailable):
        audit_record(_entry(tenant.pk, 2))


def test_each_database_has_its_own_spool_directory(settings) -> None:
    mine = audit_spool_dir()
    other = audit_spool_dir({**settings.DATABASES["default"], "NAME": "another_database"})
    assert other != mine and other.parent == mine.parent == Path(settings.GUARD_SPOOL_DIR)


def test_prune_deletes_rows_past_retention_in_batches(tenant, settings) -> None:
    settings.GUARD_AUDIT_RETENTION_DAYS = 30
    old = timezone.now() - timedelta(days=31)
    for n in range(5):
        audit_record(_entry(tenant.pk, n, created_at=old))
    audit_record(_entry(tenant.pk, 99))
    out = StringIO()
    call_command("prune_guard_requests", "--batch-size", "2", stdout=out)
    assert out.getvalue().strip() == "pruned 5 guard requests older than 30 days"
    assert list(GuardRequest.objects.values_list("request_id", flat=True)) == ["r99"]


@pytest.mark.django_db
def test_rows_sent_as_one_json_text_equal_rows_sent_as_arrays(tenant, dead) -> None:
    """The batch INSERT sends its rows as JSON; entries retried alone go as arrays: same rows."""
    from dataclasses import replace

    from guards.services.audit import store

    findings = [{"type": "pii", "fingerprint": "9f", "start": 0, "end": 4, "score": 0.25, "detail": {"k": [1, None]}}]
    varied = [
        _entry(tenant.pk, 1),
        _entry(tenant.pk, 2, key_id=7, key_prefix="aig_x", backend="svc", service_used="tokenguard", decision="block",
               score=0.999, client_type="sdk", text_length=12, text_sha256="a" * 64, raw_text='quote " \\ é 漢 🙂',
               mode="enforce", enforced=True, config_version=3, verdict="block", failure_policy="fail_closed",
               findings=findings),
        _entry(tenant.pk, 3, raw_text="nul\x00 and lone \ud800", error_code="e" * 100, score=None, enforced=None),
        _entry(tenant.pk, 4, created_at=timezone.now() - timedelta(days=40), degraded=True),
    ]
    as_json = store._store(varied)
    as_arrays = store._store([replace(e, entry_id=os.urandom(16).hex(), request_id=e.request_id + "-a")
                              for e in varied], batch=False)
    assert as_json.stored == as_arrays.stored == 4 and as_json.units == as_arrays.units == 4

    def columns(row: GuardRequest) -> dict:
        return {f.attname: getattr(row, f.attname) for f in GuardRequest._meta.concrete_fields
                if f.attname not in {"id", "entry_id", "request_id"}}

    rows = {r.request_id: r for r in GuardRequest.objects.filter(tenant=tenant)}
    for n in range(1, 5):
        assert columns(rows[f"r{n}"]) == columns(rows[f"r{n}-a"]), n
    assert rows["r3"].raw_text == "nul\ufffd and lone \ufffd" and rows["r3"].error_code == "e" * 64


@pytest.mark.django_db
def test_a_batch_json_cannot_hold_is_stored_as_arrays(tenant, dead) -> None:
    import math

    result = audit_store([_entry(tenant.pk, 1, score=float("nan")), _entry(tenant.pk, 2, score=0.5)],
                         dead_letter=dead)
    assert (result.stored, result.dead) == (2, 0)
    assert math.isnan(GuardRequest.objects.get(request_id="r1").score)


@pytest.mark.django_db
def test_the_batch_insert_sends_its_rows_as_one_parameter(tenant, dead) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        audit_store([_entry(tenant.pk, n) for n in range(20)], dead_letter=dead)
    (insert,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT INTO \"guards_guardrequest")]
    assert "json_populate_recordset" in insert
