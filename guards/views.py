"""The guard API: process, scan, discovery and health. Thin: validation here, logic in services."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import APIKeyAuthentication
from aiguardian.openapi import BODY_ERRORS, error_responses
from aiguardian.readahead import readahead_reset, readahead_set
from billing.throttling import MonthlyQuotaThrottle, PlanRateThrottle
from guards import serializers as s
from guards.analyzers.registry import GUARDS
from guards.errors import UnknownGuardError
from guards.limits import SizeLimitedMixin, size_check
from guards.openapi import ScanResponseSchema, process_request, process_response
from guards.services.health import guard_health, guards_catalogue, guards_health
from guards.services.prefetch import gateway_read_ahead, gateway_read_ahead_end, gateway_read_ahead_learn
from guards.services.runner import Caller, RunOptions, guard_process, result_item, session_access_check
from guards.services.scan import guards_scan
from guards.stores import session_memory_delete, session_memory_get

API_KEY_401 = ("not_authenticated / malformed_authorization / invalid_api_key / api_key_revoked / "
               "api_key_expired / tenant_inactive")
_ERRORS = error_responses({
    **BODY_ERRORS,
    401: API_KEY_401,
    403: "guard_not_enabled / guard_not_in_key_scope / policy_scope_required",
    404: "unknown_guard",
    413: ("payload_too_large (the gateway's GUARD_MAX_REQUEST_BYTES, or the guard service's own limit) / "
          "input_too_large (text over the guard's input budget, oversize_policy=reject)"),
    429: "rate_limited / quota_exceeded (Retry-After)",
    502: "guard_backend_error / guard_analyzer_error (the guard failed on this input)",
    503: "guard_unavailable / rate_limit_unavailable / audit_unavailable / database_unavailable (Retry-After)",
    504: "guard_timeout",
})
# Any API-key call may need the database (a key or config not cached) while it is down.
DATABASE_503 = "database_unavailable (Retry-After)"
_READ_ERRORS = error_responses({401: API_KEY_401, 503: DATABASE_503})
_SESSION_ERRORS = error_responses({401: API_KEY_401, 403: "guard_not_in_key_scope", 404: "session_not_found",
                                   503: f"guard_unavailable (session memory: Redis unreachable) / {DATABASE_503}"})


class GuardAPIView(APIView):
    """API-key authenticated; the tenant comes from the key."""

    authentication_classes = [APIKeyAuthentication]

    def caller(self, request: Request) -> Caller:
        return Caller.from_identity(request.auth)


class MeteredGuardView(SizeLimitedMixin, GuardAPIView):
    """Views that run guards: size limit first, then auth, plan rate limit and monthly quota."""

    throttle_classes = [PlanRateThrottle, MonthlyQuotaThrottle]

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        self._read_ahead = None
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:  # whatever happened, even an exception DRF does not handle
            read, self._read_ahead = self._read_ahead, None
            if read is not None:
                try:
                    gateway_read_ahead_end(read[0])  # reads the request's read-ahead: before the reset
                finally:
                    readahead_reset(read[1])

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # One Redis round trip for the key record, the plan window, the month unit and the
        # config (guards/services/prefetch.py), after the size check and before authentication.
        size_check(request)
        read = gateway_read_ahead(request)
        if read is not None:
            self._read_ahead = (read, readahead_set(read.values))
        super().initial(request, *args, **kwargs)
        if read is not None:
            gateway_read_ahead_learn(read, request.auth)

    @staticmethod
    def options_of(data: dict[str, Any]) -> RunOptions:
        return RunOptions(timeout=data["timeout"], fallback_enabled=data["fallback_enabled"],
                          user_id=data["user_id"], session_id=data["session_id"], priority=data["priority"],
                          client_type=data["client_type"], mode=data.get("mode"))


class ProcessView(MeteredGuardView):
    @extend_schema(
        operation_id="guards_process", request=process_request(),
        responses={200: process_response(), **_ERRORS},
        summary="Run one guard on a payload (the seeds' contract).",
        description="The payload's fields depend on service_type: see the <Guard>Payload schemas (also listed by "
                    "/api/v1/guards/services) and, for each guard's data, <Guard>Result.",
    )
    def post(self, request: Request) -> Response:
        # A plainly valid request skips the serializer's machinery; anything else (and every error's
        # wording) is the serializer's.
        data = s.process_request_plain(request.data)
        if data is None:
            serializer = s.ProcessRequestSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        result = guard_process(caller=self.caller(request), guard=data["service_type"], payload=data["payload"],
                               options=self.options_of(data), request_id=request.request_id)
        return Response({"request_id": request.request_id, **result_item(result)})


class ScanView(MeteredGuardView):
    @extend_schema(
        operation_id="guards_scan", request=s.ScanRequestSerializer,
        responses={200: ScanResponseSchema, **_ERRORS},
        summary="Run several guards concurrently on one text; overall decision = most severe.",
    )
    def post(self, request: Request) -> Response:
        serializer = s.ScanRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        payload = {**data["payload"], "text": data["text"], "content_type": data["content_type"]}
        scan = guards_scan(caller=self.caller(request), guards=data.get("guards"), payload=payload,
                           options=self.options_of(data), request_id=request.request_id)
        return Response({"request_id": request.request_id, "success": scan.complete, "decision": scan.decision,
                         "results": [result_item(r) for r in scan.results], "processing_time": scan.processing_time})


class ServicesView(GuardAPIView):
    @extend_schema(operation_id="guards_services", responses={200: s.ServicesResponseSerializer, **_READ_ERRORS},
                   summary="Discovery: the guards, their analyzers, the tenant's routing and health.")
    def get(self, request: Request) -> Response:
        return Response({"services": guards_catalogue(caller=self.caller(request))})


class HealthView(GuardAPIView):
    @extend_schema(operation_id="guards_health", responses={200: s.HealthResponseSerializer, **_READ_ERRORS},
                   summary="Health of every guard for the tenant.")
    def get(self, request: Request) -> Response:
        return Response(guards_health(caller=self.caller(request)))


class ServiceHealthView(GuardAPIView):
    @extend_schema(operation_id="guards_service_health",
                   responses={200: s.GuardHealthSerializer, **_READ_ERRORS, 404: _ERRORS[404]},
                   summary="Health of one guard for the tenant.")
    def get(self, request: Request, service: str) -> Response:
        if service not in GUARDS:
            raise UnknownGuardError(f"Unknown guard {service!r}.")
        return Response(guard_health(caller=self.caller(request), guard=service))


class SessionView(GuardAPIView):
    """contextguard's memory of one session of the caller's tenant."""

    @extend_schema(operation_id="guards_session_get", responses={200: OpenApiResponse(description="The session's "
                   "turns, roles, trimmed texts and times."),
                   **_SESSION_ERRORS})
    def get(self, request: Request, session_id: str) -> Response:
        view = session_memory_get(session_access_check(caller=self.caller(request)), session_id)
        if view is None:
            raise NotFound("No live session by that id.", code="session_not_found")
        return Response(view)

    @extend_schema(operation_id="guards_session_delete", responses={204: None, **_SESSION_ERRORS})
    def delete(self, request: Request, session_id: str) -> Response:
        if not session_memory_delete(session_access_check(caller=self.caller(request)), session_id):
            raise NotFound("No live session by that id.", code="session_not_found")
        return Response(status=204)
