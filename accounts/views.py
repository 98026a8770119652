"""Tenant self-service API: a signed-in owner or admin manages the tenant's API keys.

Every query is scoped to the tenant of the caller's Clerk session, so another tenant's
key is simply "not found".
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors
from accounts.authentication import ClerkSession
from accounts.models import APIKey
from accounts.permissions import IsTenantAdmin
from accounts.serializers import APIKeyOutputSerializer
from accounts.services import api_key_issue, api_key_revoke
from accounts.services.api_keys import MAX_SCOPES
from aiguardian.openapi import BODY_ERRORS, error_responses

# Every status the key operations can answer besides success.
_SESSION_ERRORS = {
    401: "not_authenticated / malformed_authorization / invalid_token / token_expired / unknown_user / "
         "user_inactive / tenant_inactive / invalid_api_key (API keys are checked first)",
    403: "api_key_not_allowed / no_active_organization / insufficient_role",
    503: "auth_unavailable (Clerk's key set could not be fetched) / database_unavailable (Retry-After)",
}
# Only a Clerk session may call these; an API key is recognised only to answer 403 api_key_not_allowed.
_AUTH = [{"ClerkSession": []}]
_READ_ERRORS = error_responses(_SESSION_ERRORS)
_KEY_ERRORS = error_responses({**_SESSION_ERRORS, 404: "api_key_not_found"})
_CREATE_ERRORS = error_responses({**_SESSION_ERRORS, **BODY_ERRORS, 404: "not_found (the tenant is gone)"})


def _session(request: Request) -> ClerkSession:
    assert isinstance(request.auth, ClerkSession)  # guaranteed by IsTenantAdmin
    return request.auth


def _tenant_key(request: Request, prefix: str) -> APIKey:
    key = selectors.api_key_get(prefix=prefix, tenant_id=_session(request).tenant_id)
    if key is None:
        raise NotFound("No such API key.", code="api_key_not_found")
    return key


class _TenantAdminApi(APIView):
    permission_classes = [IsTenantAdmin]


class KeyListCreateApi(_TenantAdminApi):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100)
        scopes = serializers.ListField(
            child=serializers.CharField(max_length=64), required=False, default=list, max_length=MAX_SCOPES,
            help_text="Guards this key may call; empty or omitted: every guard.",
        )
        expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    class CreatedSerializer(APIKeyOutputSerializer):
        key = serializers.CharField(help_text="The API key. Shown only in this response: store it now.")

        class Meta(APIKeyOutputSerializer.Meta):
            fields = ["key", *APIKeyOutputSerializer.Meta.fields]
            read_only_fields = fields

    @extend_schema(operation_id="keys_list", responses={200: APIKeyOutputSerializer(many=True), **_READ_ERRORS},
                   tags=["keys"], auth=_AUTH)
    def get(self, request: Request) -> Response:
        keys = selectors.api_key_list(tenant_id=_session(request).tenant_id)
        return Response(APIKeyOutputSerializer(keys, many=True).data)

    @extend_schema(
        operation_id="keys_create", request=InputSerializer, responses={201: CreatedSerializer, **_CREATE_ERRORS},
        tags=["keys"], auth=_AUTH,
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = selectors.tenant_get(pk=_session(request).tenant_id)
        if tenant is None:
            raise NotFound("Tenant not found.")
        try:
            key, raw = api_key_issue(tenant=tenant, created_by=request.user, **data.validated_data)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        key.key = raw  # type: ignore[attr-defined] - only for this one response
        return Response(self.CreatedSerializer(key).data, status=status.HTTP_201_CREATED)


class KeyDetailApi(_TenantAdminApi):
    @extend_schema(operation_id="keys_retrieve", responses={200: APIKeyOutputSerializer, **_KEY_ERRORS}, tags=["keys"], auth=_AUTH)
    def get(self, request: Request, prefix: str) -> Response:
        return Response(APIKeyOutputSerializer(_tenant_key(request, prefix)).data)

    @extend_schema(operation_id="keys_delete", responses={204: OpenApiResponse(description="Revoked."), **_KEY_ERRORS},
                   tags=["keys"], auth=_AUTH)
    def delete(self, request: Request, prefix: str) -> Response:
        """Revoke the key (keys are never deleted: audits keep pointing at them)."""
        api_key_revoke(key=_tenant_key(request, prefix))
        return Response(status=status.HTTP_204_NO_CONTENT)


class KeyRevokeApi(_TenantAdminApi):
    @extend_schema(operation_id="keys_revoke", request=None, responses={200: APIKeyOutputSerializer, **_KEY_ERRORS},
                   tags=["keys"], auth=_AUTH)
    def post(self, request: Request, prefix: str) -> Response:
        key = api_key_revoke(key=_tenant_key(request, prefix))
        return Response(APIKeyOutputSerializer(key).data)
