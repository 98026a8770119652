"""Who may use the tenant self-service API."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.authentication import ClerkSession, KeyIdentity


class IsTenantAdmin(BasePermission):
    """A signed-in (Clerk) owner or admin of the active organisation.

    API keys are refused outright: a leaked gateway key must not be able to mint or
    revoke keys. ``action`` names what the view does in the refusals (subclasses reword it).
    """

    action = "manage API keys"

    def has_permission(self, request: Request, view: Any) -> bool:
        auth = request.auth
        if isinstance(auth, KeyIdentity):
            raise exceptions.PermissionDenied(f"API keys cannot {self.action}; sign in.", code="api_key_not_allowed")
        if not isinstance(auth, ClerkSession):
            return False  # unauthenticated: DRF answers 401
        if auth.tenant_id is None:
            raise exceptions.PermissionDenied("Select an organisation first.", code="no_active_organization")
        if not auth.can_manage_tenant:
            raise exceptions.PermissionDenied(f"Only owners and admins {self.action}.", code="insufficient_role")
        return True
