"""The policy API: tenant feedback on verdicts. Thin: validation here, logic in services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from aiguardian.openapi import BODY_ERRORS, error_responses
from guards.views import API_KEY_401, GuardAPIView
from policy import serializers as s
from policy.services.feedback import feedback_submit

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
