"""The guard service's endpoints: ``POST /process`` (token required) and ``GET /health``."""

from __future__ import annotations

import hmac
import time
from typing import Any

from django.conf import settings
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aiguardian.api import APIError
from guards.errors import GuardUnavailable, UnknownGuardError
from guards.limits import SizeLimitedMixin
from guards.serializers import ProcessRequestSerializer
from guards.services import metrics
from guards.services.backends import GuardCall
from guards.services.backends.http import SERVICE_TOKEN_HEADER
from guards.services.backends.inprocess import load_analyzer, run_inprocess
from guards.services.context import StaticBackendHealth, analyzer_context

SERVICE_BACKEND_LABEL = "service"


class InvalidServiceToken(APIError):
    status_code = 401
    default_code = "invalid_service_token"
    default_detail = "Missing or wrong service token."


class ServiceTokenRequired(BasePermission):
    """Only the gateway (holder of ``GUARD_SERVICE_TOKEN``) may call the service."""

    def has_permission(self, request: Request, view: Any) -> bool:
        sent = request.headers.get(SERVICE_TOKEN_HEADER, "")
        expected = settings.GUARD_SERVICE_TOKEN
        if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
            raise InvalidServiceToken()
        return True


class ServiceContextSerializer(serializers.Serializer):
    tenant_key = serializers.CharField(max_length=128, allow_blank=True, default="")
    backend_health = serializers.ListField(child=serializers.DictField(), allow_null=True, required=False,
                                           default=None)


class ServiceProcessSerializer(ProcessRequestSerializer):
    """The seed request plus what the gateway resolved: the tenant's settings and context."""

    settings = serializers.DictField(default=dict)
    context = ServiceContextSerializer(required=False)


class ProcessView(SizeLimitedMixin, APIView):
    permission_classes = [ServiceTokenRequired]

    def post(self, request: Request) -> Response:
        started = time.perf_counter()
        serializer = ServiceProcessSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        guard = settings.GUARD_SERVICE_NAME
        if data["service_type"] != guard:
            raise UnknownGuardError(f"This service runs {guard}, not {data['service_type']!r}.")
        ctx = data.get("context") or {}
        health = ctx.get("backend_health")
        context = analyzer_context(
            request_id=request.request_id, tenant_key=ctx.get("tenant_key", ""), session_id=data["session_id"],
            backend_health=StaticBackendHealth(health) if health is not None else None,
            extra={"client_type": data["client_type"]},
        )
        call = GuardCall(guard=guard, payload=data["payload"], settings=data["settings"], context=context,
                         timeout=data["timeout"])
        outcome, decision = "error", ""
        try:
            answer = run_inprocess(call)
            outcome, decision = "success", answer.decision
        finally:
            metrics.record_call(guard=guard, backend=SERVICE_BACKEND_LABEL, outcome=outcome, decision=decision,
                                seconds=time.perf_counter() - started)
        return Response({
            "request_id": request.request_id, "service_type": guard, "success": True, "data": answer.data,
            "error": None, "processing_time": round(time.perf_counter() - started, 6), "service_used": guard,
        })


class HealthView(APIView):
    permission_classes: list = []  # load balancers probe it without the token

    def get(self, request: Request) -> Response:
        guard = settings.GUARD_SERVICE_NAME
        try:
            version = load_analyzer(guard).version
        except GuardUnavailable:
            return Response({"status": "unhealthy", "service": guard}, status=503)
        return Response({"status": "healthy", "service": guard, "version": version})
