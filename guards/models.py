"""Guard backends, per-tenant guard configuration and the audit trail of guard calls."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from guards.analyzers.registry import GUARD_NAMES

GUARD_CHOICES = [(name, name) for name in GUARD_NAMES]


MIN_BACKEND_TIMEOUT, MAX_BACKEND_TIMEOUT = 0.05, 300.0  # seconds


class GuardBackend(models.Model):
    """Where a guard runs: in this process, or a remote guard service over HTTP.

    The auth header's value is never stored: ``auth_secret_name`` names the
    environment variable (filled from AWS Secrets Manager in production) holding it.
    """

    class Kind(models.TextChoices):
        INPROCESS = "inprocess", "In-process"
        HTTP = "http", "HTTP service"

    name = models.SlugField(max_length=64, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.HTTP)
    base_url = models.URLField(blank=True, help_text="e.g. http://securityguard:8005 (HTTP backends only)")
    timeout = models.FloatField(
        default=10.0, validators=[MinValueValidator(MIN_BACKEND_TIMEOUT), MaxValueValidator(MAX_BACKEND_TIMEOUT)],
        help_text="Seconds; caps the timeout a request asks for.",
    )
    auth_header = models.CharField(max_length=64, blank=True, help_text="Optional extra header name, e.g. Authorization.")
    auth_secret_name = models.CharField(
        max_length=128, blank=True,
        help_text="Name of the environment variable / secret key holding the header's value (never the value).",
    )
    max_retries = models.PositiveSmallIntegerField(default=2, validators=[MaxValueValidator(5)])
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TenantGuardConfig(models.Model):
    """One tenant's configuration of one guard. ``backend`` null means in-process.

    ``mode`` and ``failure_policy`` are applied by the gateway's policy step
    (:mod:`policy.services`), the same way for every guard.
    """

    class Mode(models.TextChoices):
        ENFORCE = "enforce", "Enforce"
        MONITOR = "monitor", "Monitor (report, never block)"
        OFF = "off", "Off (do not run; answer allow)"

    class FailurePolicy(models.TextChoices):
        FAIL_CLOSED = "fail_closed", "Fail closed (answer the error)"
        FAIL_OPEN = "fail_open", "Fail open (answer allow, degraded)"

    tenant = models.ForeignKey("accounts.Tenant", on_delete=models.CASCADE, related_name="guard_configs")
    guard = models.CharField(max_length=32, choices=GUARD_CHOICES)
    enabled = models.BooleanField(default=True)
    backend = models.ForeignKey(
        GuardBackend, on_delete=models.PROTECT, null=True, blank=True, related_name="tenant_configs",
        help_text="Empty: the gateway runs the analyzer in-process.",
    )
    settings = models.JSONField(default=dict, blank=True, help_text="Overrides of the guard's defaults.")
    fallback_allowed = models.BooleanField(
        default=True, help_text="May the in-process analyzer answer when the backend fails?"
    )
    store_raw_text = models.BooleanField(default=False, help_text="Keep the raw text in the audit trail (opt-in).")
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.ENFORCE)
    failure_policy = models.CharField(
        max_length=12, choices=FailurePolicy.choices, default=FailurePolicy.FAIL_CLOSED,
        help_text="When no backend can answer (unavailable, timeout, backend error): never for bad input.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tenant_id", "guard"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "guard"], name="guards_tenantguardconfig_unique_guard"),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id}:{self.guard}"


class GuardRequest(models.Model):
    """One guard call, for audit and usage analysis. Raw text only when the tenant opted in."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Success"
        FALLBACK = "fallback", "Success via in-process fallback"
        INVALID = "invalid", "Invalid payload"
        DENIED = "denied", "Denied"
        ERROR = "error", "Backend error"
        UNAVAILABLE = "unavailable", "Unavailable"
        TIMEOUT = "timeout", "Timeout"
        SKIPPED = "skipped", "Skipped (mode off)"

    id = models.BigAutoField(primary_key=True)
    # Minted by the gateway for each call; replays of the audit spool are de-duplicated by it.
    # (Not the request id: clients may send their own X-Request-ID, and reuse it.)
    entry_id = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    request_id = models.CharField(max_length=128, db_index=True)
    tenant = models.ForeignKey("accounts.Tenant", on_delete=models.CASCADE, related_name="guard_requests")
    key_id = models.BigIntegerField(null=True, blank=True)
    key_prefix = models.CharField(max_length=32, blank=True)
    guard = models.CharField(max_length=32, choices=GUARD_CHOICES)
    backend = models.CharField(max_length=64, blank=True, help_text="Backend name, or 'inprocess'.")
    service_used = models.CharField(max_length=96, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    decision = models.CharField(max_length=16, blank=True)
    score = models.FloatField(null=True, blank=True)
    latency_ms = models.FloatField()
    error_code = models.CharField(max_length=64, blank=True)
    client_type = models.CharField(max_length=16, blank=True)
    text_length = models.PositiveIntegerField(default=0)
    text_sha256 = models.CharField(max_length=64, blank=True)
    raw_text = models.TextField(blank=True, help_text="Only when the tenant opted in.")
    # The policy step's record: which mode applied, under which config version, what it decided.
    mode = models.CharField(max_length=8, blank=True)
    enforced = models.BooleanField(null=True, blank=True)
    config_version = models.PositiveIntegerField(null=True, blank=True)
    verdict = models.CharField(max_length=16, blank=True, help_text="The decision enforcement takes (or would take).")
    failure_policy = models.CharField(max_length=12, blank=True, help_text="fail_open / fail_closed in force.")
    degraded = models.BooleanField(default=False, help_text="Answered allow by the fail-open policy.")
    findings = models.JSONField(default=list, blank=True, help_text="[{type, fingerprint, suppressed_by, blocked_by, severity, score, source, start, end}]: no text.")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="guards_req_tenant_created"),
            # The console dashboard's per-guard counts and p95, answered from the index alone.
            models.Index(fields=["created_at", "guard"], include=["decision", "outcome", "latency_ms"],
                         name="guards_req_dashboard"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.guard} {self.outcome}"
