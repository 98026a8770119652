"""Try a guard: run it for a tenant exactly as ``POST /process`` would, as operator traffic.

The same serializer validates the payload, the same :func:`guard_process` runs it under
the tenant's configuration (mode, lists, budget, backend and fallback), and errors take
the API's error shape, so what the operator sees is what the tenant's client would get.
The call is audited with ``client_type="operator"``, which the billing steps skip.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from django.http import HttpRequest
from rest_framework.exceptions import APIException

from aiguardian.api import exception_handler
from guards.serializers import ProcessRequestSerializer
from guards.services.audit.store import OPERATOR_CLIENT_TYPE
from guards.services.runner import Caller, guard_process, result_item
from guards.views import MeteredGuardView


def guard_try(*, tenant_id: int, guard: str, payload: Any, request_id: str,
              request: HttpRequest | None = None) -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON body) of ``POST /process`` for this tenant, run as operator traffic."""
    serializer = ProcessRequestSerializer(data={"service_type": guard, "payload": payload})
    try:
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        options = dataclasses.replace(MeteredGuardView.options_of(data), client_type=OPERATOR_CLIENT_TYPE)
        result = guard_process(caller=Caller(tenant_id=tenant_id), guard=data["service_type"],
                               payload=data["payload"], options=options, request_id=request_id)
    except APIException as exc:
        response = exception_handler(exc, {"request": request})
        assert response is not None  # an APIException always gets a response
        return response.status_code, json.loads(json.dumps(response.data))
    return 200, {"request_id": request_id, **result_item(result)}
