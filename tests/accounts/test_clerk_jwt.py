"""Clerk session tokens, verified with PyJWT against a JWKS served over real HTTP."""

from __future__ import annotations

import time

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from rest_framework.test import APIClient

from accounts.models import Membership
from tests.fixtures.accounts import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def get_keys(token: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get("/api/v1/keys")


def code(response) -> str:
    return response.json()["error"]["code"]


@pytest.fixture
def member(clerk_settings, tenant):
    tenant.clerk_org_id = "org_acme"
    tenant.save()
    user = UserFactory(clerk_user_id="user_alice")
    MembershipFactory(user=user, tenant=tenant, role=Membership.Role.ADMIN)
    return user


def test_a_valid_token_signs_in_the_member_of_the_active_organisation(clerk_settings, member, api_key):
    response = get_keys(clerk_settings.token(sub="user_alice", org_id="org_acme"))
    assert response.status_code == 200
    assert [k["prefix"] for k in response.json()] == [api_key.prefix]
    assert any(path.endswith("/jwks.json") for path in clerk_settings.requests)


def test_it_reads_the_organisation_from_v2_tokens(clerk_settings, member):
    response = get_keys(clerk_settings.token(sub="user_alice", org_id="org_acme", v2=True))
    assert response.status_code == 200


def test_the_key_set_is_fetched_once_and_cached(clerk_settings, member):
    before = len(clerk_settings.requests)
    for _ in range(3):
        assert get_keys(clerk_settings.token(sub="user_alice", org_id="org_acme")).status_code == 200
    assert len(clerk_settings.requests) - before <= 1


def test_it_rejects_an_expired_token(clerk_settings, member):
    now = int(time.time())
    response = get_keys(clerk_settings.token(sub="user_alice", org_id="org_acme", iat=now - 600, exp=now - 60))
    assert response.status_code == 401 and code(response) == "token_expired"


def test_it_rejects_a_token_signed_by_another_key(clerk_settings, member):
    forged = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = get_keys(clerk_settings.token(sub="user_alice", org_id="org_acme", key=forged))
    assert response.status_code == 401 and code(response) == "invalid_token"


def test_it_rejects_an_unknown_key_id(clerk_settings, member):
    response = get_keys(clerk_settings.token(sub="user_alice", org_id="org_acme", kid="ins_other"))
    assert response.status_code == 401 and code(response) == "invalid_token"


def test_it_rejects_another_issuer(clerk_settings, member):
    response = get_keys(clerk_settings.token(sub="user_alice", org_id="org_acme", iss="https://evil.example"))
    assert response.status_code == 401 and code(response) == "invalid_token"


def test_it_rejects_an_unauthorised_party(clerk_settings, member):
    response = get_keys(clerk_settings.token(sub="user_alice", org_id="org_acme", azp="https://evil.example"))
    assert response.status_code == 401 and code(response) == "invalid_token"


def test_it_rejects_an_unknown_user(clerk_settings, member):
    response = get_keys(clerk_settings.token(sub="user_nobody", org_id="org_acme"))
    assert response.status_code == 401 and code(response) == "unknown_user"


def test_it_rejects_a_deactivated_user(clerk_settings, member):
    member.is_active = False
    member.save()
    response = get_keys(clerk_settings.token(sub="user_alice", org_id="org_acme"))
    assert response.status_code == 401 and code(response) == "user_inactive"


def test_a_removed_membership_loses_access_while_the_token_is_still_valid(clerk_settings, member):
    Membership.objects.filter(user=member).update(is_active=False)
    response = get_keys(clerk_settings.token(sub="user_alice", org_id="org_acme"))
    assert response.status_code == 403 and code(response) == "insufficient_role"


def test_a_token_without_an_active_organisation_cannot_manage_keys(clerk_settings, member):
    response = get_keys(clerk_settings.token(sub="user_alice"))
    assert response.status_code == 403 and code(response) == "no_active_organization"


def test_clerk_tokens_are_ignored_when_clerk_is_not_configured(settings, clerk_idp, member):
    settings.CLERK_JWKS_URL = ""
    response = get_keys(clerk_idp.token(sub="user_alice", org_id="org_acme"))
    assert response.status_code == 401 and code(response) == "not_authenticated"


def test_an_unreachable_key_set_answers_503(settings, clerk_idp, member):
    from tests.support.processes import free_port

    settings.CLERK_JWKS_URL = f"http://127.0.0.1:{free_port()}/jwks.json"
    settings.CLERK_ISSUER = "https://clerk.example.test"
    response = get_keys(clerk_idp.token(sub="user_alice", org_id="org_acme"))
    assert response.status_code == 503 and code(response) == "auth_unavailable"
