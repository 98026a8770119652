"""Clerk webhooks: Svix verification with the real library, once-only processing,
every event type, and rollback when a handler fails."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from accounts.models import ClerkWebhookEvent, Membership, Tenant, User
from accounts.signals import tenant_created
from tests.accounts.conftest import svix_sign
from tests.fixtures.accounts import issue_key

pytestmark = pytest.mark.django_db
URL = "/api/v1/webhooks/clerk"


def post(delivery):
    return APIClient().post(URL, data=delivery.body, content_type="application/json", **delivery.headers)


def send(event_type: str, data: dict, **kwargs):
    return post(svix_sign({"type": event_type, "object": "event", "data": data}, **kwargs))


def code(response) -> str:
    return response.json()["error"]["code"]


def clerk_user(uid="user_2abc", email="alice@example.com", **extra):
    return {"id": uid, "object": "user", "first_name": "Alice", "last_name": "Liddell",
            "image_url": "https://img.clerk.com/a.png", "primary_email_address_id": "idn_1",
            "email_addresses": [{"id": "idn_0", "email_address": "old@example.com"},
                                {"id": "idn_1", "email_address": email}], **extra}


def clerk_org(oid="org_2xyz", name="Wonderland", slug="wonderland", created_by=None):
    return {"id": oid, "object": "organization", "name": name, "slug": slug, "created_by": created_by}


def clerk_membership(mid="orgmem_1", role="org:member", org=None, uid="user_2abc"):
    return {"id": mid, "object": "organization_membership", "role": role, "organization": org or clerk_org(),
            "public_user_data": {"user_id": uid, "identifier": "alice@example.com", "first_name": "Alice",
                                 "last_name": "Liddell"}}


# --- verification ------------------------------------------------------------------------------

def test_a_correctly_signed_event_is_applied_and_recorded(webhook_secret):
    delivery = svix_sign({"type": "user.created", "data": clerk_user()}, msg_id="msg_valid")
    response = post(delivery)
    assert response.status_code == 200 and response.json() == {"received": True, "status": "processed"}
    event = ClerkWebhookEvent.objects.get(svix_id="msg_valid")
    assert (event.event_type, event.status, event.attempts) == ("user.created", "succeeded", 1)
    assert event.processed_at is not None and event.payload["data"]["id"] == "user_2abc"


def test_it_rejects_a_signature_made_with_another_secret(webhook_secret):
    other = "whsec_" + base64.b64encode(b"some-other-secret-entirely-here!").decode()
    response = post(svix_sign({"type": "user.created", "data": clerk_user()}, secret=other))
    assert response.status_code == 400 and code(response) == "invalid_signature"
    assert not User.objects.exists() and not ClerkWebhookEvent.objects.exists()


def test_it_rejects_a_tampered_body(webhook_secret):
    delivery = svix_sign({"type": "user.created", "data": clerk_user()})
    delivery.body = delivery.body.replace(b"alice@example.com", b"mallory@example.com")
    response = post(delivery)
    assert response.status_code == 400 and code(response) == "invalid_signature"
    assert not User.objects.exists()


@pytest.mark.parametrize("shift", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_it_rejects_a_stale_or_future_timestamp(webhook_secret, shift):
    delivery = svix_sign({"type": "user.created", "data": clerk_user()}, timestamp=datetime.now(tz=UTC) + shift)
    response = post(delivery)
    assert response.status_code == 400 and code(response) == "stale_timestamp"
    assert not ClerkWebhookEvent.objects.exists()


def test_it_rejects_missing_signature_headers(webhook_secret):
    delivery = svix_sign({"type": "user.created", "data": clerk_user()})
    del delivery.headers["HTTP_SVIX_SIGNATURE"]
    response = post(delivery)
    assert response.status_code == 400 and code(response) == "missing_signature_headers"


def test_it_rejects_a_malformed_signature_header(webhook_secret):
    delivery = svix_sign({"type": "user.created", "data": clerk_user()})
    delivery.headers["HTTP_SVIX_SIGNATURE"] = "garbage"
    response = post(delivery)
    assert response.status_code == 400 and code(response) == "invalid_signature"


def test_it_answers_503_when_no_secret_is_configured(settings):
    settings.CLERK_WEBHOOK_SECRET = ""
    response = post(svix_sign({"type": "user.created", "data": clerk_user()}))
    assert response.status_code == 503 and code(response) == "webhook_not_configured"


def test_a_replayed_message_is_acknowledged_without_reapplying_it(webhook_secret):
    delivery = svix_sign({"type": "user.created", "data": clerk_user()}, msg_id="msg_replay")
    assert post(delivery).status_code == 200
    User.objects.filter(clerk_user_id="user_2abc").update(first_name="Changed-since")
    replay = post(delivery)
    assert replay.status_code == 200 and replay.json()["status"] == "duplicate"
    assert User.objects.get(clerk_user_id="user_2abc").first_name == "Changed-since"
    assert ClerkWebhookEvent.objects.get(svix_id="msg_replay").attempts == 1


def test_an_event_being_processed_elsewhere_gets_409_so_svix_retries(webhook_secret):
    ClerkWebhookEvent.objects.create(svix_id="msg_busy", event_type="user.created", payload={},
                                     status="processing", started_at=datetime.now(tz=UTC))
    response = post(svix_sign({"type": "user.created", "data": clerk_user()}, msg_id="msg_busy"))
    assert response.status_code == 409 and code(response) == "event_in_progress"
    assert not User.objects.exists()


def test_unknown_event_types_are_stored_and_acknowledged(webhook_secret):
    response = send("session.created", {"id": "sess_1"}, msg_id="msg_unknown")
    assert response.status_code == 200 and response.json()["status"] == "ignored"
    event = ClerkWebhookEvent.objects.get(svix_id="msg_unknown")
    assert event.status == "succeeded" and event.payload["type"] == "session.created"


# --- failure and retry -----------------------------------------------------------------------------

def test_a_failing_handler_rolls_back_answers_503_and_is_retried(webhook_secret):
    def billing_down(**kwargs):
        raise RuntimeError("billing unavailable")

    tenant_created.connect(billing_down, dispatch_uid="test.billing_down")
    delivery = svix_sign({"type": "organization.created", "data": clerk_org()}, msg_id="msg_fail")
    try:
        response = post(delivery)
    finally:
        tenant_created.disconnect(dispatch_uid="test.billing_down")
    assert response.status_code == 503 and code(response) == "webhook_processing_failed"
    assert "billing unavailable" not in response.content.decode()
    assert not Tenant.objects.filter(clerk_org_id="org_2xyz").exists()  # the tenant insert was rolled back
    event = ClerkWebhookEvent.objects.get(svix_id="msg_fail")
    assert event.status == "failed" and "RuntimeError: billing unavailable" in event.error

    retry = post(delivery)  # Svix redelivers the same message
    assert retry.status_code == 200 and retry.json()["status"] == "processed"
    assert Tenant.objects.filter(clerk_org_id="org_2xyz").count() == 1
    event.refresh_from_db()
    assert (event.status, event.attempts, event.error) == ("succeeded", 2, "")


def test_a_user_whose_email_belongs_to_a_staff_account_is_not_linked(webhook_secret):
    User.objects.create_user(username="ops", email="alice@example.com", is_staff=True)
    response = send("user.created", clerk_user(), msg_id="msg_takeover")
    assert response.status_code == 503
    assert User.objects.get(email="alice@example.com").clerk_user_id is None
    assert "belongs to another user" in ClerkWebhookEvent.objects.get(svix_id="msg_takeover").error


# --- users -----------------------------------------------------------------------------------------

def test_user_created_makes_a_user_from_the_primary_email(webhook_secret):
    assert send("user.created", clerk_user()).status_code == 200
    user = User.objects.get(clerk_user_id="user_2abc")
    assert (user.email, user.first_name, user.last_name) == ("alice@example.com", "Alice", "Liddell")
    assert user.is_active and not user.has_usable_password() and user.clerk_synced_at


def test_user_updated_changes_the_mirrored_fields(webhook_secret):
    send("user.created", clerk_user())
    assert send("user.updated", clerk_user(email="alice@new.example", first_name="Al")).status_code == 200
    user = User.objects.get(clerk_user_id="user_2abc")
    assert (user.email, user.first_name) == ("alice@new.example", "Al")
    assert User.objects.count() == 1


def test_user_deleted_deactivates_the_user_and_their_memberships(webhook_secret):
    send("user.created", clerk_user())
    send("organizationMembership.created", clerk_membership())
    assert send("user.deleted", {"id": "user_2abc", "object": "user", "deleted": True}).status_code == 200
    user = User.objects.get(clerk_user_id="user_2abc")
    assert not user.is_active
    assert not Membership.objects.get(user=user).is_active


# --- organisations -----------------------------------------------------------------------------------

def test_organization_created_makes_a_tenant_and_announces_it(webhook_secret):
    seen = []

    def listener(tenant, plan, **kwargs):
        seen.append((tenant.clerk_org_id, plan))

    send("user.created", clerk_user())
    tenant_created.connect(listener, dispatch_uid="test.listener")
    try:
        response = send("organization.created", clerk_org(created_by="user_2abc"))
    finally:
        tenant_created.disconnect(dispatch_uid="test.listener")
    assert response.status_code == 200
    tenant = Tenant.objects.get(clerk_org_id="org_2xyz")
    assert (tenant.name, tenant.slug, tenant.is_active) == ("Wonderland", "wonderland", True)
    assert seen == [("org_2xyz", None)]
    owner = Membership.objects.get(tenant=tenant)
    assert (owner.user.clerk_user_id, owner.role) == ("user_2abc", "owner")


def test_a_taken_slug_gets_a_suffix(webhook_secret, db):
    from accounts.services import tenant_create

    tenant_create(slug="wonderland")
    send("organization.created", clerk_org())
    assert Tenant.objects.get(clerk_org_id="org_2xyz").slug == "wonderland-2"


def test_organization_updated_renames_but_keeps_the_slug(webhook_secret):
    send("organization.created", clerk_org())
    assert send("organization.updated", clerk_org(name="Looking Glass", slug="glass")).status_code == 200
    tenant = Tenant.objects.get(clerk_org_id="org_2xyz")
    assert (tenant.name, tenant.slug) == ("Looking Glass", "wonderland")


def test_organization_deleted_deactivates_the_tenant_and_its_keys(webhook_secret):
    from rest_framework.exceptions import AuthenticationFailed

    from accounts.authentication import APIKeyAuthentication

    send("organization.created", clerk_org())
    tenant = Tenant.objects.get(clerk_org_id="org_2xyz")
    issued = issue_key(tenant)
    APIKeyAuthentication().authenticate_key(issued.raw)  # cached
    assert send("organization.deleted", {"id": "org_2xyz", "object": "organization", "deleted": True}).status_code == 200
    tenant.refresh_from_db()
    assert not tenant.is_active and Tenant.objects.filter(pk=tenant.pk).exists()
    with pytest.raises(AuthenticationFailed) as exc:
        APIKeyAuthentication().authenticate_key(issued.raw)
    assert exc.value.get_codes() == "tenant_inactive"


# --- memberships ---------------------------------------------------------------------------------------

def test_membership_created_links_user_and_tenant_with_the_clerk_role(webhook_secret):
    send("user.created", clerk_user())
    send("organization.created", clerk_org())
    assert send("organizationMembership.created", clerk_membership(role="org:admin")).status_code == 200
    membership = Membership.objects.get(clerk_membership_id="orgmem_1")
    assert (membership.user.clerk_user_id, membership.tenant.clerk_org_id) == ("user_2abc", "org_2xyz")
    assert membership.role == "admin" and membership.is_active


def test_membership_created_before_its_user_and_organisation_still_applies(webhook_secret):
    assert send("organizationMembership.created", clerk_membership()).status_code == 200
    membership = Membership.objects.get(clerk_membership_id="orgmem_1")
    assert membership.user.email == "alice@example.com" and membership.tenant.name == "Wonderland"
    assert membership.role == "member"


def test_membership_updated_changes_the_role_but_never_demotes_the_owner(webhook_secret):
    send("user.created", clerk_user())
    send("organization.created", clerk_org(created_by="user_2abc"))
    send("organizationMembership.updated", clerk_membership(role="org:admin"))
    assert Membership.objects.get().role == "owner"
    send("organizationMembership.updated", clerk_membership(role="org:member"))
    assert Membership.objects.get().role == "member"


def test_membership_deleted_deactivates_without_deleting(webhook_secret):
    send("organizationMembership.created", clerk_membership(role="org:admin"))
    assert send("organizationMembership.deleted", clerk_membership()).status_code == 200
    membership = Membership.objects.get(clerk_membership_id="orgmem_1")
    assert not membership.is_active
    assert send("organizationMembership.created", clerk_membership(role="org:admin")).status_code == 200
    membership.refresh_from_db()
    assert membership.is_active


def test_an_abandoned_claim_is_taken_up_again_after_the_stale_interval(webhook_secret):
    ClerkWebhookEvent.objects.create(svix_id="msg_dead", event_type="user.created", payload={}, attempts=1,
                                     status="processing", started_at=datetime.now(tz=UTC) - timedelta(minutes=10))
    response = post(svix_sign({"type": "user.created", "data": clerk_user()}, msg_id="msg_dead"))
    assert response.status_code == 200 and response.json()["status"] == "processed"
    assert ClerkWebhookEvent.objects.get(svix_id="msg_dead").attempts == 2
    assert User.objects.filter(clerk_user_id="user_2abc").exists()
