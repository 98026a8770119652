"""Issue 11, case 9: validly signed but odd webhook bodies are recorded and acknowledged, never 500.

Bodies are signed with the real stripe and svix libraries, exactly as the providers do.
Each case used to answer 500 (Stripe then retries for days) or Django's HTML 400.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime

import pytest
import stripe
from rest_framework.test import APIClient
from svix.webhooks import Webhook

from accounts.models import ClerkWebhookEvent, User
from billing.models import StripeEvent
from tests.accounts.conftest import WEBHOOK_SECRET as CLERK_SECRET

pytestmark = pytest.mark.django_db

STRIPE_URL = "/api/v1/webhooks/stripe"
CLERK_URL = "/api/v1/webhooks/clerk"
STRIPE_SECRET = "whsec_faults_0123456789abcdef"


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_SECRET
    settings.CLERK_WEBHOOK_SECRET = CLERK_SECRET


def stripe_post(body: str, *, timestamp: int | None = None):
    header = stripe.WebhookSignature.generate_signature_header(body, STRIPE_SECRET, timestamp=timestamp)
    return APIClient().post(STRIPE_URL, data=body.encode(), content_type="application/json",
                            HTTP_STRIPE_SIGNATURE=header)


def clerk_post(body: str, *, msg_id: str | None = None):
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    now = datetime.now(tz=UTC)
    signature = Webhook(CLERK_SECRET).sign(msg_id, now, body)
    return APIClient().post(CLERK_URL, data=body.encode(), content_type="application/json", HTTP_SVIX_ID=msg_id,
                            HTTP_SVIX_TIMESTAMP=str(int(now.timestamp())), HTTP_SVIX_SIGNATURE=signature)


def stripe_event(event_id: str = "evt_odd_1", event_type: str = "invoice.paid", obj: object = None) -> dict:
    return {"id": event_id, "object": "event", "type": event_type,
            "data": {"object": {"object": "invoice", "customer": "cus_nobody"} if obj is None else obj}}


# --- Stripe ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "code"), [
    ("[1, 2, 3]", "malformed_event"),
    ('"just a string"', "malformed_event"),
    ("not json at all", "malformed_json"),
    (json.dumps(stripe_event(event_id="evt_" + "x" * 120)), "malformed_event"),
    (json.dumps(stripe_event(event_id=12345)), "malformed_event"),
    (json.dumps(stripe_event(obj="not an object")), "malformed_event"),
    (json.dumps(stripe_event(obj={"object": "invoice", "customer": "cus_\x00"})), "invalid_request"),
    (json.dumps(stripe_event(obj={"object": "invoice", "customer": "cus_\ud800"})), "invalid_request"),
    (json.dumps({"id": "evt_deep", "type": "invoice.paid", "data": {"object": json.loads("[" * 60 + "]" * 60)}}),
     "invalid_request"),
])
def test_a_signed_stripe_body_the_handlers_cannot_use_is_recorded_failed_and_acknowledged(body, code) -> None:
    response = stripe_post(body)
    assert response.status_code == 200, response.content  # Stripe retries anything else for days
    answer = response.json()
    assert answer["status"] == "rejected" and answer["error"]["code"] == code
    row = StripeEvent.objects.get(event_id=answer["event_id"])
    assert row.status == "failed" and row.error.startswith(code)
    assert row.payload["unusable_body"].replace("\ufffd", "") != ""
    assert len(row.event_id) <= 100

    again = stripe_post(body)  # a redelivery finds the row: still one, still acknowledged
    assert again.status_code == 200 and again.json()["event_id"] == answer["event_id"]
    assert StripeEvent.objects.count() == 1


def test_a_stripe_signature_dated_in_the_future_is_refused_like_a_stale_one() -> None:
    body = json.dumps(stripe_event())
    for shift in (86_400, 301, -301):
        response = stripe_post(body, timestamp=int(time.time()) + shift)
        assert response.status_code == 400 and response.json()["error"]["code"] == "stale_timestamp", shift
    assert not StripeEvent.objects.exists()
    assert stripe_post(body, timestamp=int(time.time()) + 60).status_code in (200, 503)  # within the window


def test_a_stripe_event_whose_handler_fails_is_a_503_that_stripe_retries_not_a_500() -> None:
    response = stripe_post(json.dumps(stripe_event()))  # names a customer nobody has
    assert response.status_code == 503 and response.json()["error"]["code"] == "event_processing_failed"
    assert response["Retry-After"]
    assert StripeEvent.objects.get(event_id="evt_odd_1").status == "failed"


@pytest.mark.parametrize("url", [STRIPE_URL, CLERK_URL])
def test_a_body_over_the_upload_limit_is_a_json_413(url, settings) -> None:
    body = b'{"pad": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 500_000) + b'"}'
    response = APIClient().post(url, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE="t=1,v1=x",
                                HTTP_SVIX_ID="msg_big", HTTP_SVIX_TIMESTAMP="1", HTTP_SVIX_SIGNATURE="v1,x")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


# --- Clerk (Svix) ------------------------------------------------------------------------------------

def clerk_user_event(**data) -> dict:
    return {"type": "user.created", "object": "event",
            "data": {"id": "user_odd", "object": "user", "email_addresses": [], **data}}


@pytest.mark.parametrize(("body", "code", "field"), [
    (json.dumps(clerk_user_event(first_name="Al\x00ice")), "invalid_request", "data.first_name"),
    (json.dumps(clerk_user_event(last_name="\ud800")), "invalid_request", "data.last_name"),
    (json.dumps(clerk_user_event(**{"\x00": 1})), "invalid_request", "data.\\u0000"),
    ("[]", "malformed_event", None),
    ('{"type": "user.created", "data": "not an object"}', "malformed_event", "data"),
    ('{"type": 5, "data": {}}', "malformed_event", "type"),
    ("{not json", "malformed_json", None),
])
def test_a_signed_clerk_body_the_handlers_cannot_use_is_recorded_failed_and_svix_told_to_stop(
        body, code, field) -> None:
    response = clerk_post(body, msg_id="msg_odd")
    assert response.status_code == 400, response.content
    assert response["webhook-delivery"] == "abort-message"
    error = response.json()["error"]
    assert error["code"] == code
    if field:
        assert field in error["fields"]
    row = ClerkWebhookEvent.objects.get(svix_id="msg_odd")
    assert row.status == "failed" and row.error.startswith(code)
    assert not User.objects.filter(clerk_user_id="user_odd").exists()
    assert clerk_post(body, msg_id="msg_odd").status_code == 400  # a redelivery: same answer, one row
    assert ClerkWebhookEvent.objects.count() == 1


def test_a_svix_id_over_a_hundred_characters_is_recorded_under_a_digest_and_a_normal_one_applies() -> None:
    long_id = "msg_" + "y" * 150
    response = clerk_post(json.dumps(clerk_user_event()), msg_id=long_id)
    assert response.status_code == 400 and response["webhook-delivery"] == "abort-message"
    assert response.json()["error"]["fields"] == {"svix-id": ["At most 100 characters."]}
    row = ClerkWebhookEvent.objects.get()
    assert row.svix_id.startswith("sha256:") and row.status == "failed"
    assert row.event_type == ""

    event = clerk_user_event(email_addresses=[{"id": "e1", "email_address": "odd@example.com"}],
                             primary_email_address_id="e1")
    response = clerk_post(json.dumps(event))
    assert response.status_code == 200 and response.json()["status"] == "processed"
    assert User.objects.get(clerk_user_id="user_odd").email == "odd@example.com"
