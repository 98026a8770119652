"""API-key authentication: both headers, every failure code, the warm cache, rotation."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from accounts import apikeys, services
from accounts.authentication import APIKeyAuthentication, KeyIdentity, TenantPrincipal
from accounts.models import APIKey
from accounts.services import api_keys as api_keys_service
from tests.fixtures.accounts import issue_key
from tests.support.redis_trips import counting_round_trips

pytestmark = pytest.mark.django_db


class Probe(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"tenant": request.user.tenant_slug, "key": request.auth.prefix})


def call(**headers):
    request = APIRequestFactory().get("/probe", **headers)
    return Probe.as_view()(request)


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def assert_rejected(response, code: str) -> None:
    assert response.status_code == 401, response.data
    assert response.data["success"] is False
    assert response.data["error"]["code"] == code


def test_it_accepts_a_bearer_key_and_names_the_tenant(api_key):
    response = call(**bearer(api_key.raw))
    assert response.status_code == 200
    assert response.data == {"tenant": "acme", "key": api_key.prefix}


def test_it_accepts_the_x_api_key_header(api_key):
    response = call(HTTP_X_API_KEY=api_key.raw)
    assert response.status_code == 200
    assert response.data["key"] == api_key.prefix


def test_it_returns_a_tenant_principal_and_a_frozen_key_identity(tenant):
    issued = issue_key(tenant, name="scoped", scopes=["securityguard", "tokenguard"])
    principal, identity = APIKeyAuthentication().authenticate_key(issued.raw)
    assert isinstance(principal, TenantPrincipal) and principal.is_authenticated
    assert (principal.tenant_id, principal.tenant_slug, principal.key) == (tenant.pk, "acme", identity)
    assert identity == KeyIdentity(issued.model.pk, issued.prefix, "scoped", tenant.pk, "acme",
                                   ("securityguard", "tokenguard"))
    assert identity.allows("tokenguard") and not identity.allows("biasguard")
    with pytest.raises(AttributeError):
        identity.scopes = ()  # type: ignore[misc]


def test_a_key_without_scopes_allows_every_guard(api_key):
    _, identity = APIKeyAuthentication().authenticate_key(api_key.raw)
    assert identity.scopes == () and identity.allows("biasguard")


def test_a_wrong_secret_with_a_real_prefix_gets_the_same_error_as_an_unknown_key(api_key):
    tampered = api_key.raw[:-4] + ("AAAA" if not api_key.raw.endswith("AAAA") else "BBBB")
    unknown = apikeys.generate().raw
    wrong, missing = call(**bearer(tampered)), call(**bearer(unknown))
    assert_rejected(wrong, "invalid_api_key")
    assert_rejected(missing, "invalid_api_key")
    assert wrong.data["error"]["message"] == missing.data["error"]["message"]


@pytest.mark.parametrize("raw", ["aig_nothex_secretsecretsecretsecret", "sk-live-123", "aig_", ""])
def test_it_rejects_malformed_keys(raw, db):
    assert_rejected(call(HTTP_X_API_KEY=raw), "invalid_api_key")


def test_it_rejects_a_revoked_key_even_when_its_record_was_cached(api_key):
    assert call(**bearer(api_key.raw)).status_code == 200  # warms the cache
    services.api_key_revoke(key=api_key.model)
    assert_rejected(call(**bearer(api_key.raw)), "api_key_revoked")


def test_it_rejects_an_expired_key(tenant):
    issued = issue_key(tenant, expires_at=timezone.now() + timedelta(hours=1))
    assert call(**bearer(issued.raw)).status_code == 200
    APIKey.objects.filter(pk=issued.model.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    cache.clear()  # queryset.update bypasses the receivers, as an operator's SQL would
    assert_rejected(call(**bearer(issued.raw)), "api_key_expired")


def test_it_rejects_keys_of_a_deactivated_tenant_at_once(api_key, tenant):
    assert call(**bearer(api_key.raw)).status_code == 200
    services.tenant_deactivate(tenant=tenant)
    assert_rejected(call(**bearer(api_key.raw)), "tenant_inactive")
    services.tenant_reactivate(tenant=tenant)
    assert call(**bearer(api_key.raw)).status_code == 200


def test_missing_credentials_get_401_not_403(db):
    response = APIClient().get("/api/v1/keys")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("value", ["{raw}", "Token {raw}", "Bearer", "Basic dXNlcjpwYXNz"])
def test_an_authorization_header_without_bearer_gets_a_401_that_says_how(api_key, value):
    response = call(HTTP_AUTHORIZATION=value.format(raw=api_key.raw))
    assert_rejected(response, "malformed_authorization")
    assert "Authorization: Bearer <key>" in response.data["error"]["message"]
    assert "X-API-Key" in response.data["error"]["message"]


def test_a_jwt_shaped_bearer_token_is_left_to_other_authenticators(db):
    request = APIRequestFactory().get("/probe", HTTP_AUTHORIZATION="Bearer aaa.bbb.ccc")
    assert APIKeyAuthentication().authenticate(Probe().initialize_request(request)) is None


def test_a_warm_lookup_touches_no_database(api_key, django_assert_num_queries):
    call(**bearer(api_key.raw))  # cold: reads the row, writes last_used_at
    with django_assert_num_queries(0):
        for _ in range(5):
            assert call(**bearer(api_key.raw)).status_code == 200


def test_an_unknown_prefix_is_cached_too(db, django_assert_num_queries):
    raw = apikeys.generate().raw
    call(**bearer(raw))
    with django_assert_num_queries(0):
        assert_rejected(call(**bearer(raw)), "invalid_api_key")


def test_last_used_is_written_at_most_once_per_interval(api_key, django_assert_num_queries, monkeypatch, settings):
    assert api_key.model.last_used_at is None
    call(**bearer(api_key.raw))
    first = APIKey.objects.get(pk=api_key.model.pk).last_used_at
    assert first is not None
    for _ in range(3):
        call(**bearer(api_key.raw))
    assert APIKey.objects.get(pk=api_key.model.pk).last_used_at == first
    # The interval passes: the shared gate expires and this process's clock moves on.
    cache.delete(apikeys.last_used_gate_key(api_key.model.pk))
    later = time.time() + settings.API_KEY_LAST_USED_INTERVAL + 1
    monkeypatch.setattr(api_keys_service, "_clock", lambda: later)
    with django_assert_num_queries(1):
        call(**bearer(api_key.raw))
    assert APIKey.objects.get(pk=api_key.model.pk).last_used_at > first


def test_a_warm_authentication_makes_one_redis_round_trip(api_key, monkeypatch):
    call(**bearer(api_key.raw))  # cold: caches the record, passes the last-used gate
    with counting_round_trips(monkeypatch) as trips:
        for _ in range(3):
            assert call(**bearer(api_key.raw)).status_code == 200
    assert trips.calls == ["GET"] * 3


def test_a_worker_that_lost_the_last_used_race_asks_once_then_waits_for_the_gate(
    api_key, monkeypatch, django_assert_num_queries,
):
    assert services.api_key_touch(key_id=api_key.model.pk) is True  # another worker wrote
    api_keys_service._touch_quiet_until.clear()  # this worker has not seen the gate yet
    with counting_round_trips(monkeypatch) as trips, django_assert_num_queries(0):
        assert services.api_key_touch(key_id=api_key.model.pk) is False
        assert len(trips.calls) == 2  # the add that lost, and the read of the gate's expiry
        for _ in range(5):
            assert services.api_key_touch(key_id=api_key.model.pk) is False
    assert len(trips.calls) == 2


def test_the_last_used_memo_waits_exactly_until_the_shared_gate_expires(api_key, monkeypatch, settings):
    now = time.time()
    monkeypatch.setattr(api_keys_service, "_clock", lambda: now)
    assert services.api_key_touch(key_id=api_key.model.pk) is True
    api_keys_service._touch_quiet_until.clear()
    services.api_key_touch(key_id=api_key.model.pk)  # lost: learns when the gate expires
    quiet_until = api_keys_service._touch_quiet_until[api_key.model.pk]
    assert quiet_until == pytest.approx(now + settings.API_KEY_LAST_USED_INTERVAL)


def test_a_gate_left_by_an_older_release_quiets_this_worker_for_one_interval(api_key, monkeypatch, settings):
    now = time.time()
    monkeypatch.setattr(api_keys_service, "_clock", lambda: now)
    cache.set(apikeys.last_used_gate_key(api_key.model.pk), 1, 60)  # what the gate held before its expiry
    assert services.api_key_touch(key_id=api_key.model.pk) is False
    interval = settings.API_KEY_LAST_USED_INTERVAL
    assert api_keys_service._touch_quiet_until[api_key.model.pk] == pytest.approx(now + interval)


def test_a_key_hashed_with_a_retired_pepper_still_works_and_is_rehashed(settings, tenant):
    settings.API_KEY_PEPPERS = ["old-pepper-" + "x" * 32]
    issued = issue_key(tenant)
    settings.API_KEY_PEPPERS = ["new-pepper-" + "y" * 32, "old-pepper-" + "x" * 32]
    assert call(**bearer(issued.raw)).status_code == 200
    stored = APIKey.objects.get(pk=issued.model.pk).key_hash
    assert stored == apikeys.hash_key(issued.raw, "new-pepper-" + "y" * 32)
    settings.API_KEY_PEPPERS = ["new-pepper-" + "y" * 32]  # rotation finished
    assert call(**bearer(issued.raw)).status_code == 200


def test_a_key_stops_working_when_its_pepper_is_dropped(settings, tenant):
    settings.API_KEY_PEPPERS = ["first-pepper-" + "x" * 32]
    issued = issue_key(tenant)
    settings.API_KEY_PEPPERS = ["other-pepper-" + "y" * 32]
    cache.clear()
    assert_rejected(call(**bearer(issued.raw)), "invalid_api_key")


def test_the_key_hash_is_a_peppered_hmac_not_a_plain_digest(api_key):
    import hashlib

    assert api_key.model.key_hash == apikeys.hash_key(api_key.raw)
    assert api_key.model.key_hash != hashlib.sha256(api_key.raw.encode()).hexdigest()
    assert api_key.raw.startswith(f"aig_{api_key.prefix}_") and len(api_key.raw) > 50


def test_no_raw_key_is_stored_anywhere_in_the_database(api_key, admin_a):
    created = admin_a.client.post("/api/v1/keys", {"name": "from api"}, format="json").json()["key"]
    for raw in (api_key.raw, created):
        assert call(**bearer(raw)).status_code == 200
    # The secret part is what follows "aig_<prefix>_" (it may itself contain "_").
    secrets = [api_key.raw, created, *(raw.split("_", 2)[2] for raw in (api_key.raw, created))]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        assert "accounts_apikey" in tables
        dump = []
        for table in tables:
            cursor.execute(f'SELECT row_to_json(t)::text FROM "{table}" t')
            dump.extend(row[0] for row in cursor.fetchall())
    text = "\n".join(dump)
    assert api_key.prefix in text  # the dump does include the key rows
    for secret in secrets:
        assert secret not in text
