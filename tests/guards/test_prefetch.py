"""The one-round-trip read ahead (guards/services/prefetch.py) keeps authentication's guarantees.

The script counts a request in the tenant's window before authentication, so these pin
that it counts only a raw key this worker already accepted, with the cached record it
accepted it with, and that revocation, expiry and config saves still apply at once.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import api_key_revoke
from aiguardian.redis_outage import redis_client
from billing.services import usage_month_total
from tests.fixtures.accounts import issue_key
from tests.support.redis_trips import counting_round_trips

URL = "/api/v1/guards/process"
BODY = {"service_type": "tokenguard", "payload": {"text": "Count the tokens of this sentence, please."}}


def _window_total(tenant_id: int) -> int:
    client = redis_client()
    return sum(int(client.get(k) or 0) for k in client.scan_iter(f"*throttle_plan_{tenant_id}_*"))


def _client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _warm(client: APIClient) -> None:
    # 1: the key record is cached; 2: the worker learns the key; 3: the script reads ahead.
    for _ in range(3):
        assert client.post(URL, BODY, format="json").status_code == 200


def test_a_warm_request_is_counted_once(api_client, tenant) -> None:
    _warm(api_client)
    before = _window_total(tenant.pk)
    assert api_client.post(URL, BODY, format="json").status_code == 200
    assert _window_total(tenant.pk) == before + 1


def test_a_guessed_secret_for_a_known_prefix_is_refused_and_not_counted(api_client, api_key, tenant) -> None:
    _warm(api_client)
    before = _window_total(tenant.pk)
    guessed = api_key.raw[:-4] + ("AAAA" if not api_key.raw.endswith("AAAA") else "BBBB")
    for _ in range(3):
        response = _client(guessed).post(URL, BODY, format="json")
        assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_api_key"
    assert _window_total(tenant.pk) == before


def test_a_revoked_key_is_refused_on_its_next_request_and_not_counted(api_client, api_key, tenant) -> None:
    _warm(api_client)
    api_key_revoke(key=api_key.model)
    before = _window_total(tenant.pk)
    for _ in range(2):  # the first re-caches the revoked record; the second reads it ahead
        response = api_client.post(URL, BODY, format="json")
        assert response.status_code == 401 and response.json()["error"]["code"] == "api_key_revoked"
    assert _window_total(tenant.pk) == before


def test_an_expired_key_is_refused_and_not_counted(tenant, monkeypatch) -> None:
    key = issue_key(tenant, name="short", expires_at=timezone.now() + timedelta(hours=1))
    client = _client(key.raw)
    _warm(client)
    before = _window_total(tenant.pk)
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.post(URL, BODY, format="json")
    assert response.status_code == 401 and response.json()["error"]["code"] == "api_key_expired"
    assert _window_total(tenant.pk) == before


def test_a_config_save_applies_to_the_next_request(api_client, guard_config) -> None:
    _warm(api_client)
    guard_config("tokenguard", enabled=False)
    response = api_client.post(URL, BODY, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "guard_not_enabled"


def test_the_plan_limit_holds_on_requests_counted_ahead(api_client, tenant, monkeypatch) -> None:
    _warm(api_client)
    from billing.services.plans import PlanLimits

    monkeypatch.setattr("billing.services.admission.limits_decode",
                        lambda raw: PlanLimits("tiny", 1, None))
    with counting_round_trips(monkeypatch) as trips:
        response = api_client.post(URL, BODY, format="json")
    assert trips.calls[0] == "EVALSHA"  # counted ahead, refused on that count
    assert response.status_code == 429 and response.json()["error"]["code"] == "rate_limited"


def test_an_answered_request_counts_its_unit_once(api_client, tenant) -> None:
    _warm(api_client)
    before = usage_month_total(tenant_id=tenant.pk)
    assert api_client.post(URL, BODY, format="json").status_code == 200
    assert usage_month_total(tenant_id=tenant.pk) == before + 1


def test_a_request_that_ends_without_an_answer_gives_its_unit_back(api_client, tenant, guard_config) -> None:
    _warm(api_client)
    before = usage_month_total(tenant_id=tenant.pk)
    assert api_client.post(URL, {**BODY, "service_type": "nope"}, format="json").status_code == 404
    assert api_client.post(URL, {**BODY, "timeout": 0}, format="json").status_code == 400
    guard_config("tokenguard", enabled=False)
    assert api_client.post(URL, BODY, format="json").status_code == 403
    assert usage_month_total(tenant_id=tenant.pk) == before


def test_a_scan_counts_one_unit_per_answered_guard(api_client, tenant) -> None:
    _warm(api_client)
    before = usage_month_total(tenant_id=tenant.pk)
    response = api_client.post("/api/v1/guards/scan", {"text": "Hello there, how are you?",
                                                        "guards": ["tokenguard", "healthguard"]}, format="json")
    assert response.status_code == 200, response.json()
    assert usage_month_total(tenant_id=tenant.pk) == before + 2


def test_a_quota_refusal_counted_ahead_gives_its_unit_back(api_client, tenant, monkeypatch) -> None:
    _warm(api_client)
    from billing.services.plans import PlanLimits

    used = usage_month_total(tenant_id=tenant.pk)
    monkeypatch.setattr("billing.services.admission.limits_decode",
                        lambda raw: PlanLimits("tiny", 1000, used))
    response = api_client.post(URL, BODY, format="json")
    assert response.status_code == 429 and response.json()["error"]["code"] == "quota_exceeded"
    assert usage_month_total(tenant_id=tenant.pk) == used


def test_a_flushed_script_is_loaded_again_and_the_request_still_counted(api_client, tenant, monkeypatch) -> None:
    """Redis restarted or SCRIPT FLUSH: the script's own connection gets NOSCRIPT and recovers."""
    _warm(api_client)
    redis_client().script_flush()
    before = _window_total(tenant.pk)
    with counting_round_trips(monkeypatch) as trips:
        assert api_client.post(URL, BODY, format="json").status_code == 200
    assert trips.calls[:3] == ["EVALSHA", "EVALSHA", "SCRIPT"]  # NOSCRIPT; redis-py's call; its load
    assert _window_total(tenant.pk) == before + 1
    with counting_round_trips(monkeypatch) as trips:
        assert api_client.post(URL, BODY, format="json").status_code == 200
    assert trips.calls == ["EVALSHA"]


def test_a_read_cut_short_leaves_no_answer_behind_for_the_next_request(api_client, api_key, monkeypatch) -> None:
    """An interruption between sending the script and reading its answer (a deadline, a
    signal) must not leave that answer on the connection: the next request would read the
    cut request's key record and accept a key revoked in between."""
    from guards.services import prefetch

    _warm(api_client)
    connection = prefetch._line.connection
    assert connection is not None
    real_read = type(connection).read_response

    def interrupted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(type(connection), "read_response", real_read)
        raise KeyboardInterrupt  # a BaseException, as a delivered deadline is

    monkeypatch.setattr(type(connection), "read_response", interrupted)
    try:
        api_client.post(URL, BODY, format="json")
    except KeyboardInterrupt:
        pass
    api_key_revoke(key=api_key.model)
    for _ in range(2):
        response = api_client.post(URL, BODY, format="json")
        assert response.status_code == 401 and response.json()["error"]["code"] == "api_key_revoked"


def test_a_script_connection_the_server_closed_is_reopened_not_taken_for_an_outage(api_client, tenant,
                                                                                   monkeypatch) -> None:
    """Redis restarted or dropped idle clients: the next request reconnects, as a pooled command would."""
    from guards.services import prefetch

    _warm(api_client)
    connection = prefetch._line.connection
    assert connection is not None and connection._sock is not None
    client = redis_client()
    connection.send_command("CLIENT", "ID")
    own_id = connection.read_response()
    client.client_kill_filter(_id=own_id)
    before = _window_total(tenant.pk)
    with counting_round_trips(monkeypatch) as trips:
        assert api_client.post(URL, BODY, format="json").status_code == 200
    assert trips.calls == ["EVALSHA"]  # counted ahead on the reopened connection, nothing else
    assert _window_total(tenant.pk) == before + 1
    assert not client.connection_pool.outage.down
