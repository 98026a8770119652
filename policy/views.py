"""The policy API: feedback on verdicts (API key), and the tenant's own lists, modes and history
(signed-in owner or admin). Thin: validation here, logic in services."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import ClerkSession
from accounts.permissions import IsTenantAdmin
from aiguardian.api import APIError
from aiguardian.openapi import BODY_ERRORS, error_responses
from guards.views import API_KEY_401, GuardAPIView
from policy import selectors
from policy import serializers as s
from policy.services.feedback import feedback_submit
from policy.services.lists import list_entry_create, list_entry_delete
from policy.services.modes import guard_policy_set
from policy.services.revert import RevertError, revision_revert

_ERRORS = error_responses({**BODY_ERRORS, 401: API_KEY_401,
                           404: "request_not_found (no guard call of your tenant has this request id)"})


class FeedbackView(GuardAPIView):
    @extend_schema(operation_id="guards_feedback", request=s.FeedbackRequestSerializer,
                   responses={201: s.FeedbackResponseSerializer, **_ERRORS},
                   summary="Label a verdict of your tenant: false_positive, false_negative or correct.")
    def post(self, request: Request) -> Response:
        serializer = s.FeedbackRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        caller = self.caller(request)
        stored = feedback_submit(tenant_id=caller.tenant_id, request_id=data["request_id"], label=data["label"],
                                 note=data["note"], guard=data["service_type"], key_prefix=caller.key_prefix)
        return Response({"request_id": data["request_id"], "label": data["label"],
                         "guards": [f.guard for f in stored],
                         "fingerprints": sum(len(f.fingerprints) for f in stored)}, status=201)


# --- Tenant self-service: lists, modes, history (a signed-in owner or admin, like the keys API) -------------

class IsPolicyAdmin(IsTenantAdmin):
    action = "manage the tenant's policy"


_SESSION_ERRORS = {
    401: "not_authenticated / malformed_authorization / invalid_token / token_expired / unknown_user / "
         "user_inactive / tenant_inactive / invalid_api_key",
    403: "api_key_not_allowed / no_active_organization / insufficient_role",
    503: "auth_unavailable",
}


def _tenant_id(request: Request) -> int:
    assert isinstance(request.auth, ClerkSession) and request.auth.tenant_id is not None  # IsPolicyAdmin
    return request.auth.tenant_id


def _bad_request(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})


class RevertConflict(APIError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "revert_not_possible"
    default_detail = "This change cannot be reverted."


class _PolicyAdminApi(APIView):
    permission_classes = [IsPolicyAdmin]


class ListEntriesApi(_PolicyAdminApi):
    @extend_schema(operation_id="policy_lists", responses={200: s.ListEntryOutputSerializer(many=True),
                                                           **error_responses(_SESSION_ERRORS)}, tags=["policy"])
    def get(self, request: Request) -> Response:
        return Response(s.ListEntryOutputSerializer(selectors.list_entries(tenant_id=_tenant_id(request)),
                                                    many=True).data)

    @extend_schema(operation_id="policy_lists_create", request=s.ListEntryInputSerializer,
                   responses={201: s.ListEntryOutputSerializer, **error_responses({**_SESSION_ERRORS, **BODY_ERRORS})},
                   tags=["policy"])
    def post(self, request: Request) -> Response:
        serializer = s.ListEntryInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            entry = list_entry_create(tenant_id=_tenant_id(request), actor=request.user, via="api",
                                      **serializer.validated_data)
        except DjangoValidationError as exc:
            raise _bad_request(exc) from exc
        return Response(s.ListEntryOutputSerializer(entry).data, status=status.HTTP_201_CREATED)


class ListEntryApi(_PolicyAdminApi):
    @extend_schema(operation_id="policy_lists_delete",
                   responses={204: None, **error_responses({**_SESSION_ERRORS, 404: "list_entry_not_found"})},
                   tags=["policy"])
    def delete(self, request: Request, entry_id: int) -> Response:
        entry = selectors.list_entry_get(tenant_id=_tenant_id(request), entry_id=entry_id)
        if entry is None:
            raise NotFound("No such list entry.", code="list_entry_not_found")
        list_entry_delete(entry=entry, actor=request.user, via="api")
        return Response(status=status.HTTP_204_NO_CONTENT)


class GuardPoliciesApi(_PolicyAdminApi):
    @extend_schema(operation_id="policy_guards", responses={200: s.GuardPolicyOutputSerializer(many=True),
                                                            **error_responses(_SESSION_ERRORS)}, tags=["policy"])
    def get(self, request: Request) -> Response:
        return Response(s.GuardPolicyOutputSerializer(selectors.guard_policies(tenant_id=_tenant_id(request)),
                                                      many=True).data)


class GuardPolicyApi(_PolicyAdminApi):
    @extend_schema(operation_id="policy_guard_update", request=s.GuardPolicyInputSerializer,
                   responses={200: s.GuardPolicyOutputSerializer,
                              **error_responses({**_SESSION_ERRORS, **BODY_ERRORS})}, tags=["policy"])
    def patch(self, request: Request, guard: str) -> Response:
        serializer = s.GuardPolicyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            config = guard_policy_set(tenant_id=_tenant_id(request), guard=guard, actor=request.user, via="api",
                                      **serializer.validated_data)
        except DjangoValidationError as exc:
            raise _bad_request(exc) from exc
        return Response(s.GuardPolicyOutputSerializer(config).data)


class HistoryApi(_PolicyAdminApi):
    @extend_schema(operation_id="policy_history", responses={200: s.RevisionOutputSerializer(many=True),
                                                             **error_responses(_SESSION_ERRORS)}, tags=["policy"])
    def get(self, request: Request) -> Response:
        """The tenant's last 100 policy changes, newest first, each with its state before and after."""
        return Response(s.RevisionOutputSerializer(selectors.revisions(tenant_id=_tenant_id(request)),
                                                   many=True).data)


class RevertApi(_PolicyAdminApi):
    @extend_schema(operation_id="policy_history_revert", request=None,
                   responses={200: s.RevisionOutputSerializer,
                              **error_responses({**_SESSION_ERRORS, 404: "revision_not_found",
                                                 409: "revert_not_possible"})}, tags=["policy"])
    def post(self, request: Request, version: int) -> Response:
        """Undo one change; the undo is itself a new version."""
        revision = selectors.revision_get(tenant_id=_tenant_id(request), version=version)
        if revision is None:
            raise NotFound("No such version.", code="revision_not_found")
        try:
            new = revision_revert(revision=revision, actor=request.user, via="api")
        except (RevertError, DjangoValidationError) as exc:
            raise RevertConflict(str(exc) if isinstance(exc, RevertError) else "; ".join(exc.messages)) from exc
        return Response(s.RevisionOutputSerializer(new).data)
