"""Tenant self-service key API: what an admin can do, and that tenants never cross."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.authentication import APIKeyAuthentication
from accounts.models import APIKey, Membership
from tests.fixtures.accounts import issue_key

pytestmark = pytest.mark.django_db


def code(response) -> str:
    return response.json()["error"]["code"]


def test_an_admin_lists_only_their_tenants_keys(admin_a, api_key, other_tenant):
    other = issue_key(other_tenant, name="globex key")
    response = admin_a.client.get("/api/v1/keys")
    assert response.status_code == 200
    prefixes = [k["prefix"] for k in response.json()]
    assert prefixes == [api_key.prefix]
    assert other.prefix not in str(response.json())
    assert set(response.json()[0]) >= {"name", "scopes", "created_at", "expires_at", "revoked_at", "is_active"}
    assert "key" not in response.json()[0] and "key_hash" not in response.json()[0]


def test_creating_a_key_shows_the_secret_once_and_it_works(admin_a):
    expires = (timezone.now() + timedelta(days=30)).isoformat()
    response = admin_a.client.post(
        "/api/v1/keys", {"name": "ci", "scopes": ["securityguard"], "expires_at": expires}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    raw = body["key"]
    assert raw.startswith(f"aig_{body['prefix']}_")
    assert body["scopes"] == ["securityguard"] and body["created_by"] == admin_a.user.email
    principal, identity = APIKeyAuthentication().authenticate_key(raw)
    assert principal.tenant_id == admin_a.tenant.pk and identity.scopes == ("securityguard",)
    listed = admin_a.client.get("/api/v1/keys").json()
    assert raw not in str(listed)
    assert raw not in str(admin_a.client.get(f"/api/v1/keys/{body['prefix']}").json())


def test_a_created_key_belongs_to_the_callers_tenant_whatever_the_body_says(admin_a, other_tenant):
    response = admin_a.client.post(
        "/api/v1/keys", {"name": "sneaky", "tenant": other_tenant.pk, "tenant_id": other_tenant.pk}, format="json"
    )
    assert response.status_code == 201
    assert APIKey.objects.get(prefix=response.json()["prefix"]).tenant_id == admin_a.tenant.pk
    assert not APIKey.objects.filter(tenant=other_tenant).exists()


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x", "scopes": ["Not A Guard!"]},
                                  {"name": "x", "expires_at": "2001-01-01T00:00:00Z"}])
def test_it_rejects_invalid_input_with_field_errors(admin_a, body):
    response = admin_a.client.post("/api/v1/keys", body, format="json")
    assert response.status_code == 400 and code(response) == "invalid_request"
    assert response.json()["error"]["fields"]


def test_an_admin_revokes_their_key_and_it_stops_working_at_once(admin_a, api_key):
    assert APIKeyAuthentication().authenticate_key(api_key.raw)  # warm cache
    response = admin_a.client.post(f"/api/v1/keys/{api_key.prefix}/revoke")
    assert response.status_code == 200 and response.json()["revoked_at"] and not response.json()["is_active"]
    from rest_framework.exceptions import AuthenticationFailed

    with pytest.raises(AuthenticationFailed) as exc:
        APIKeyAuthentication().authenticate_key(api_key.raw)
    assert exc.value.get_codes() == "api_key_revoked"


def test_delete_revokes_without_deleting_the_row(admin_a, api_key):
    assert admin_a.client.delete(f"/api/v1/keys/{api_key.prefix}").status_code == 204
    assert APIKey.objects.get(pk=api_key.model.pk).revoked_at is not None


def test_another_tenant_can_neither_see_nor_change_a_key(admin_a, admin_b, api_key):
    prefix = api_key.prefix
    for response in (
        admin_b.client.get(f"/api/v1/keys/{prefix}"),
        admin_b.client.post(f"/api/v1/keys/{prefix}/revoke"),
        admin_b.client.delete(f"/api/v1/keys/{prefix}"),
    ):
        assert response.status_code == 404 and code(response) == "api_key_not_found"
    assert admin_b.client.get("/api/v1/keys").json() == []
    created = admin_b.client.post("/api/v1/keys", {"name": "b"}, format="json").json()
    assert created["prefix"] not in str(admin_a.client.get("/api/v1/keys").json())
    assert APIKey.objects.get(pk=api_key.model.pk).revoked_at is None
    assert APIKeyAuthentication().authenticate_key(api_key.raw)[0].tenant_id == admin_a.tenant.pk


def test_a_member_without_an_admin_role_cannot_manage_keys(make_tenant_admin, tenant, api_key):
    member = make_tenant_admin(tenant, Membership.Role.MEMBER)
    for response in (
        member.client.get("/api/v1/keys"),
        member.client.post("/api/v1/keys", {"name": "x"}, format="json"),
        member.client.post(f"/api/v1/keys/{api_key.prefix}/revoke"),
    ):
        assert response.status_code == 403 and code(response) == "insufficient_role"


def test_an_owner_can_manage_keys(make_tenant_admin, tenant):
    owner = make_tenant_admin(tenant, Membership.Role.OWNER)
    assert owner.client.post("/api/v1/keys", {"name": "x"}, format="json").status_code == 201


def test_an_api_key_cannot_manage_keys_at_all(api_client, api_key, other_tenant):
    other = issue_key(other_tenant)
    for client in (api_client, APIClient()):
        if client is not api_client:
            client.credentials(HTTP_X_API_KEY=api_key.raw)
        for response in (
            client.get("/api/v1/keys"),
            client.post("/api/v1/keys", {"name": "escalate"}, format="json"),
            client.post(f"/api/v1/keys/{api_key.prefix}/revoke"),
            client.delete(f"/api/v1/keys/{other.prefix}"),
            client.get(f"/api/v1/keys/{api_key.prefix}"),
        ):
            assert response.status_code == 403 and code(response) == "api_key_not_allowed"
    assert APIKey.objects.count() == 2 and not APIKey.objects.filter(revoked_at__isnull=False).exists()


def test_anonymous_callers_get_401_on_every_endpoint(db, api_key):
    client = APIClient()
    for response in (
        client.get("/api/v1/keys"),
        client.post("/api/v1/keys", {"name": "x"}, format="json"),
        client.post(f"/api/v1/keys/{api_key.prefix}/revoke"),
        client.delete(f"/api/v1/keys/{api_key.prefix}"),
    ):
        assert response.status_code == 401 and code(response) == "not_authenticated"


def test_the_openapi_schema_describes_the_key_endpoints(db):
    schema = APIClient().get("/api/schema", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/keys" in text and "keys_create" in text and "/api/v1/keys/{prefix}/revoke" in text


def test_the_key_operations_document_clerk_sessions_as_their_only_auth(db):
    schema = APIClient().get("/api/schema", HTTP_ACCEPT="application/json").json()
    operations = [op for path, item in schema["paths"].items() if path.startswith("/api/v1/keys") for op in item.values()]
    assert len(operations) == 5
    for operation in operations:
        assert operation["security"] == [{"ClerkSession": []}]
        assert "api_key_not_allowed" in operation["responses"]["403"]["description"]
