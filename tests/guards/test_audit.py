from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from guards.models import GuardRequest
from guards.services.audit import AuditEntry, AuditWriter, audit_flush, audit_record


def _entry(tenant_id: int, n: int = 0, **kw) -> AuditEntry:
    return AuditEntry(request_id=f"r{n}", tenant_id=tenant_id, guard="tokenguard", outcome="success",
                      latency_ms=1.0, **kw)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_queued_rows_are_written_off_the_request_thread_in_one_batch(tenant, monkeypatch) -> None:
    from guards.services import audit

    batches: list[int] = []
    real_write = audit._write
    monkeypatch.setattr(audit, "_write", lambda entries: (batches.append(len(entries)), real_write(entries)))
    writer = AuditWriter(maxsize=100)
    for n in range(25):
        writer.submit(_entry(tenant.pk, n, created_at=timezone.now()))
    assert GuardRequest.objects.count() < 25  # submit returned before the rows were written
    writer.stop()
    assert GuardRequest.objects.count() == 25
    assert batches == [25]
    assert not writer.thread.is_alive()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_flush_writes_what_is_still_queued(tenant) -> None:
    writer = AuditWriter(maxsize=10)  # no thread started: only flush can write
    for n in range(3):
        writer.queue.put_nowait(_entry(tenant.pk, n, created_at=timezone.now()))
    writer.flush()
    assert GuardRequest.objects.count() == 3
    audit_flush()  # the process-wide writer, with nothing queued, is a no-op


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_full_queue_makes_the_caller_write_its_own_row(tenant) -> None:
    writer = AuditWriter(maxsize=1)
    writer._ensure_thread = lambda: None  # keep the queue full: no consumer
    writer.submit(_entry(tenant.pk, 1, created_at=timezone.now()))
    writer.submit(_entry(tenant.pk, 2, created_at=timezone.now()))
    assert list(GuardRequest.objects.values_list("request_id", flat=True)) == ["r2"]


def test_prune_deletes_rows_past_retention_in_batches(tenant, settings) -> None:
    settings.GUARD_AUDIT_RETENTION_DAYS = 30
    old = timezone.now() - timedelta(days=31)
    for n in range(5):
        audit_record(_entry(tenant.pk, n, created_at=old))
    audit_record(_entry(tenant.pk, 99))
    from io import StringIO

    out = StringIO()
    call_command("prune_guard_requests", "--batch-size", "2", stdout=out)
    assert out.getvalue().strip() == "pruned 5 guard requests older than 30 days"
    assert list(GuardRequest.objects.values_list("request_id", flat=True)) == ["r99"]
