"""Writes of the accounts app. Views, admin, webhooks and commands call these.

Import from here (``from accounts.services import api_key_issue``); the parts live in
named modules of this package.
"""

from accounts.services.api_keys import (
    api_key_cache_invalidate,
    api_key_issue,
    api_key_revoke,
    api_key_touch,
    api_key_update,
)
from accounts.services.clerk import (
    ClerkSyncError,
    clerk_event_parse,
    clerk_event_process,
    clerk_event_reject,
    clerk_events_prune,
    clerk_membership_deactivate,
    clerk_membership_upsert,
    clerk_organization_deactivate,
    clerk_organization_upsert,
    clerk_user_deactivate,
    clerk_user_upsert,
)
from accounts.services.memberships import membership_deactivate, membership_upsert
from accounts.services.tenants import (
    tenant_create,
    tenant_deactivate,
    tenant_reactivate,
    tenant_save_new,
    tenant_update,
)

__all__ = [
    "ClerkSyncError",
    "api_key_cache_invalidate",
    "api_key_issue",
    "api_key_revoke",
    "api_key_touch",
    "api_key_update",
    "clerk_event_parse",
    "clerk_event_process",
    "clerk_event_reject",
    "clerk_events_prune",
    "clerk_membership_deactivate",
    "clerk_membership_upsert",
    "clerk_organization_deactivate",
    "clerk_organization_upsert",
    "clerk_user_deactivate",
    "clerk_user_upsert",
    "membership_deactivate",
    "membership_upsert",
    "tenant_create",
    "tenant_deactivate",
    "tenant_reactivate",
    "tenant_save_new",
    "tenant_update",
]
