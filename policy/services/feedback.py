"""Tenant feedback on verdicts, the admin's allowlisting from it, and precision estimated from it.

Feedback names a request id of the caller's own tenant: a request id of another tenant
is indistinguishable from an unknown one (404). It is stored with the audit row's
finding fingerprints and verdict, never with text.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from rest_framework import status

from aiguardian.api import APIError
from guards.models import GuardRequest
from guards.services.verdicts import SEVERITY as DECISION_SEVERITY
from policy.models import ConfigRevision, GuardFeedback
from policy.services.lists import list_entry_create

Label = GuardFeedback.Label
_ALLOW_WORDS = [word for word, level in DECISION_SEVERITY.items() if level == 0]


class FeedbackRequestNotFound(APIError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "request_not_found"
    default_detail = ("No guard call of your tenant has this request id (audit entries are stored within about a "
                      "second of the answer).")


def feedback_submit(*, tenant_id: int, request_id: str, label: str, note: str = "", guard: str | None = None,
                    key_prefix: str = "") -> list[GuardFeedback]:
    """Label every guard call of the request (or only ``guard``'s); a later label replaces an earlier one."""
    calls = GuardRequest.objects.filter(tenant_id=tenant_id, request_id=request_id).exclude(
        outcome=GuardRequest.Outcome.DENIED)
    if guard:
        calls = calls.filter(guard=guard)
    latest: dict[str, dict[str, Any]] = {}
    for call in calls.order_by("created_at").values("guard", "decision", "verdict", "findings"):
        latest[call["guard"]] = call  # a reused request id: the latest call of each guard
    if not latest:
        raise FeedbackRequestNotFound()
    stored = []
    with transaction.atomic():
        for name, call in sorted(latest.items()):
            feedback, _ = GuardFeedback.objects.update_or_create(
                tenant_id=tenant_id, request_id=request_id, guard=name,
                defaults={"label": label, "note": note, "decision": call["verdict"] or call["decision"],
                          "fingerprints": call["findings"] or [], "key_prefix": key_prefix,
                          "status": GuardFeedback.Status.NEW},
            )
            stored.append(feedback)
    return stored


def feedback_allowlist(*, feedback: GuardFeedback, actor: Any = None) -> int:
    """Allowlist the fingerprints this feedback's call was flagged for, for its tenant and guard; returns how many."""
    added = 0
    with transaction.atomic():
        for item in feedback.fingerprints:
            if item.get("suppressed_by") or item.get("blocked_by") or not item.get("fingerprint"):
                continue
            try:
                list_entry_create(tenant_id=feedback.tenant_id, guard=feedback.guard, action="allow",
                                  kind="fingerprint", value=item["fingerprint"],
                                  note=f"feedback on {feedback.request_id[:60]}: {item.get('type', '')}"[:200],
                                  actor=actor, via=ConfigRevision.Via.ADMIN)
                added += 1
            except ValidationError as exc:
                if "already on the list" not in str(exc):
                    raise
        feedback.status = GuardFeedback.Status.ALLOWLISTED
        feedback.save(update_fields=["status", "updated_at"])
    return added


def feedback_precision(*, tenant_id: int | None = None) -> list[dict[str, Any]]:
    """Per tenant and guard: of the flagged/blocked calls labelled, the share labelled correct.

    ``precision`` is None until a flagged call was labelled; false negatives say what
    recall misses and are counted beside it.
    """
    rows = GuardFeedback.objects.all() if tenant_id is None else GuardFeedback.objects.filter(tenant_id=tenant_id)
    flagged = ~Q(decision__in=_ALLOW_WORDS)
    counts = (rows.values("tenant_id", "tenant__slug", "guard")
              .annotate(true_positive=Count("id", filter=Q(label=Label.CORRECT) & flagged),
                        false_positive=Count("id", filter=Q(label=Label.FALSE_POSITIVE)),
                        false_negative=Count("id", filter=Q(label=Label.FALSE_NEGATIVE)),
                        total=Count("id"))
              .order_by("tenant__slug", "guard"))
    out = []
    for row in counts:
        judged = row["true_positive"] + row["false_positive"]
        out.append({**row, "precision": round(row["true_positive"] / judged, 3) if judged else None})
    return out
