"""The local demo: one tenant and exactly one valid demo key, the same across restarts.

Secrets are never stored in the database, so the only way to show the key again is to
keep it where the developer's own files are: a git-ignored file (mode 0600) next to the
SQLite database. Each ``make run`` reuses that key while it still works; when it does
not (file gone, key revoked, database reset), every older demo key is revoked and one
new key is issued, so there is never more than one live demo key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from accounts import apikeys, selectors
from accounts.models import APIKey, Tenant
from accounts.services.api_keys import api_key_issue, api_key_revoke
from accounts.services.tenants import tenant_create, tenant_reactivate

DEMO_SLUG = "demo"
DEMO_KEY_NAME = "demo (manage.py demo_setup)"


@dataclass(frozen=True, slots=True)
class DemoAccess:
    tenant: Tenant
    raw_key: str
    reused: bool  # the key from the file still works
    revoked: int  # older demo keys revoked now


def _stored_key(path: Path, tenant: Tenant) -> str | None:
    """The raw key in ``path`` if it is a live demo key of ``tenant``."""
    try:
        raw = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    prefix = apikeys.parse_prefix(raw)
    key = selectors.api_key_get(prefix=prefix, tenant_id=tenant.pk) if prefix else None
    if key is None or key.is_revoked or key.is_expired or key.name != DEMO_KEY_NAME:
        return None
    return raw if apikeys.match_pepper(raw, key.key_hash) is not None else None


def _write_private(path: Path, raw: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(raw + "\n")


def demo_access_ensure(*, key_file: Path) -> DemoAccess:
    """The demo tenant (created or reactivated) and its one valid key."""
    with transaction.atomic():
        tenant = selectors.tenant_get(slug=DEMO_SLUG)
        if tenant is None:
            tenant = tenant_create(slug=DEMO_SLUG, name="Demo tenant")
        elif not tenant.is_active:
            tenant_reactivate(tenant=tenant)
        raw = _stored_key(key_file, tenant)
        if raw is not None:
            return DemoAccess(tenant, raw, reused=True, revoked=0)
        stale = list(APIKey.objects.filter(tenant=tenant, name=DEMO_KEY_NAME, revoked_at__isnull=True))
        for key in stale:
            api_key_revoke(key=key)
        _, raw = api_key_issue(tenant=tenant, name=DEMO_KEY_NAME)
    _write_private(key_file, raw)
    return DemoAccess(tenant, raw, reused=False, revoked=len(stale))
