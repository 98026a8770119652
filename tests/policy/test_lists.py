"""Allow/block lists per tenant (optionally per guard), applied to every guard's findings after the analyzer."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError

from guards.models import GuardRequest
from policy.models import ConfigRevision, PolicyListEntry
from policy.services.lists import list_entry_create
from tests.fixtures.accounts import issue_key

PROCESS = "/api/v1/guards/process"


def _data(client, text="HELLO THERE", guard="shoutguard", **extra):
    response = client.post(PROCESS, {"service_type": guard, "payload": {"text": text}, **extra}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()["data"]


@pytest.fixture
def shout(test_guards, guard_config, tenant, other_tenant):
    guard_config("shoutguard", tenant_obj=other_tenant)
    return guard_config("shoutguard")


def test_an_allowlisted_fingerprint_stops_blocking_for_that_tenant_only(api_client, shout, tenant,
                                                                         other_tenant, client) -> None:
    first = _data(api_client)
    assert first["decision"] == "block"
    fp = first["findings"][0]["fingerprint"]
    entry = list_entry_create(tenant_id=tenant.pk, action="allow", kind="fingerprint", value=fp)

    data = _data(api_client)
    assert data["decision"] == "allow" and data["policy"]["verdict"] == "allow"
    assert data["policy"]["analyzer_decision"] == "block" and data["policy"]["suppressed"] == 1
    assert data["findings"][0]["suppressed_by"] == {"id": entry.pk, "list": "allow", "kind": "fingerprint",
                                                   "scope": "all"}
    row = GuardRequest.objects.filter(tenant=tenant).first()
    audited = row.findings[0]
    assert {k: audited[k] for k in ("type", "fingerprint", "suppressed_by", "blocked_by")} == {
        "type": "shouting", "fingerprint": fp, "suppressed_by": entry.pk, "blocked_by": None}
    assert audited["start"] == first["findings"][0]["start"] and audited["score"] == first["findings"][0]["score"]

    other = issue_key(other_tenant)
    body = {"service_type": "shoutguard", "payload": {"text": "HELLO THERE"}}
    response = client.post(PROCESS, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {other.raw}")
    other_data = response.json()["data"]
    assert other_data["decision"] == "block" and other_data["findings"][0]["suppressed_by"] is None
    assert other_data["findings"][0]["fingerprint"] != fp  # fingerprints are per tenant


def test_an_allowlisted_phrase_suppresses_the_finding_whatever_its_case_and_spacing(api_client, shout,
                                                                                    tenant) -> None:
    list_entry_create(tenant_id=tenant.pk, action="allow", kind="phrase", value="hello   there")
    data = _data(api_client)
    assert data["decision"] == "allow" and data["findings"][0]["suppressed_by"]["kind"] == "phrase"
    assert data["score"] == 0.0


def test_an_allowlisted_regex_suppresses_matching_findings(api_client, shout, tenant) -> None:
    list_entry_create(tenant_id=tenant.pk, action="allow", kind="regex", value=r"^HELLO\s+\w+$", guard="shoutguard")
    assert _data(api_client)["decision"] == "allow"
    assert _data(api_client, text="GOODBYE NOW")["decision"] == "block"


def test_an_entry_for_one_guard_does_not_touch_another(api_client, shout, tenant) -> None:
    list_entry_create(tenant_id=tenant.pk, action="allow", kind="phrase", value="HELLO THERE", guard="biasguard")
    assert _data(api_client)["decision"] == "block"


def test_monitor_reports_the_verdict_after_suppression(api_client, shout, guard_config, tenant) -> None:
    guard_config("shoutguard", mode="monitor")
    list_entry_create(tenant_id=tenant.pk, action="block", kind="phrase", value="there")
    data = _data(api_client, text="hello there")
    assert data["decision"] == "allow" and data["policy"]["verdict"] == "block"


def test_a_blocklisted_phrase_in_the_text_blocks_with_its_own_finding(api_client, shout, tenant) -> None:
    entry = list_entry_create(tenant_id=tenant.pk, action="block", kind="phrase", value="Project Zeus")
    data = _data(api_client, text="tell me about project zeus 🙂 please")
    assert data["decision"] == "block" and data["policy"]["analyzer_decision"] == "allow"
    finding = next(f for f in data["findings"] if f["type"] == "blocklist_phrase")
    assert (finding["start"], finding["end"], finding["blocked_by"]["id"]) == (14, 26, entry.pk)


def test_a_blocklisted_regex_blocks(api_client, shout, tenant) -> None:
    list_entry_create(tenant_id=tenant.pk, action="block", kind="regex", value=r"\bdb-\d+\.internal\b")
    data = _data(api_client, text="connect to db-42.internal now")
    assert data["decision"] == "block"
    assert [f["start"] for f in data["findings"] if f["type"] == "blocklist_regex"] == [11]


def test_a_blocklisted_fingerprint_turns_its_finding_into_a_block(api_client, shout, tenant) -> None:
    first = _data(api_client, text="HELLO there")
    assert first["decision"] == "flag"
    list_entry_create(tenant_id=tenant.pk, action="block", kind="fingerprint", value=first["findings"][0]["fingerprint"])
    data = _data(api_client, text="hello   THERE")  # the same evidence once normalised
    assert data["decision"] == "block" and data["findings"][0]["blocked_by"]["kind"] == "fingerprint"


def test_a_hostile_regex_cannot_stall_a_request(api_client, shout, tenant) -> None:
    # Both are exponential for a backtracking engine on this text (Python's re would not
    # finish); RE2 is linear. The block one runs over the text, the allow one over the finding.
    list_entry_create(tenant_id=tenant.pk, action="block", kind="regex", value=r"^(A+)+$")
    list_entry_create(tenant_id=tenant.pk, action="allow", kind="regex", value=r"^(A|AA)+$")
    text = "A" * 150_000 + "!"
    _data(api_client, text=text)  # the first request of a process warms Django up
    started = time.perf_counter()
    data = _data(api_client, text=text, timeout=2)
    assert time.perf_counter() - started < 2.0
    assert data["decision"] == "block" and data["findings"][0]["suppressed_by"] is None
    assert not any(f["type"] == "blocklist_regex" for f in data["findings"])


@pytest.mark.parametrize(("kind", "value", "message"), [
    ("regex", r"(a)\1", "Not a valid RE2"),
    ("regex", r"(?=x)y", "Not a valid RE2"),
    ("regex", "a" * 300, "at most 256"),
    ("regex", r"\p{L}{500}", "pattern too large"),  # over POLICY_REGEX_MAX_MEMORY once compiled
    ("fingerprint", "not-hex", "32 hex"),
    ("phrase", "   ", "non-empty"),
])
def test_entries_that_cannot_be_matched_safely_are_refused(tenant, kind, value, message) -> None:
    with pytest.raises(ValidationError) as exc:
        list_entry_create(tenant_id=tenant.pk, action="block", kind=kind, value=value)
    assert message in str(exc.value)


def test_a_tenant_has_at_most_the_configured_number_of_entries(tenant, settings) -> None:
    settings.POLICY_MAX_LIST_ENTRIES = 1
    list_entry_create(tenant_id=tenant.pk, action="block", kind="phrase", value="one")
    with pytest.raises(ValidationError, match="At most 1"):
        list_entry_create(tenant_id=tenant.pk, action="block", kind="phrase", value="two")


def test_the_admin_adds_entries_through_the_service_and_shows_re2_errors(tenant, admin_web, operator) -> None:
    url = "/admin/policy/policylistentry/add/"
    bad = admin_web.post(url, {"tenant": tenant.pk, "guard": "", "action": "block", "kind": "regex",
                               "value": r"(a)\1", "note": ""})
    assert bad.status_code == 200 and b"Not a valid RE2" in bad.content
    good = admin_web.post(url, {"tenant": tenant.pk, "guard": "", "action": "block", "kind": "regex",
                                "value": r"\bzeus\b", "note": "codename"})
    assert good.status_code == 302
    entry = PolicyListEntry.objects.get()
    assert (entry.value, entry.created_by_id) == (r"\bzeus\b", operator.pk)
    revision = ConfigRevision.objects.get(target="list_entry")
    assert (revision.via, revision.actor_id, revision.after["value"]) == ("admin", operator.pk, r"\bzeus\b")


def test_what_is_left_after_a_suppression_is_re_decided_by_each_findings_own_calibrated_cuts() -> None:
    """healthguard decides calibrated findings by their type's cuts; the policy step must not use the raw 0.5/0.85."""
    from policy.services.apply import _verdict

    suppressed = {"type": "mojibake", "score": 1.0, "suppressed_by": {"id": 1}, "detail": {}}
    calibrated = {"type": "gibberish", "score": 0.75, "suppressed_by": None,
                  "detail": {"calibrator": "gibberish", "flag_at": 0.9, "block_at": 0.98}}
    settings = {"flag_threshold": 0.5, "block_threshold": 0.85}
    assert _verdict("healthguard", "block", [suppressed, calibrated], settings) == "allow"
    plain = {**calibrated, "detail": {}}  # no cuts of its own: the tenant's thresholds
    assert _verdict("healthguard", "block", [suppressed, plain], settings) == "flag"


def test_healthguard_findings_carry_the_cuts_they_were_decided_by() -> None:
    from guards.analyzers.base import AnalyzerContext
    from guards.analyzers.healthguard import HealthGuard

    guard = HealthGuard()
    text = "Please send the report. asdkjh qwpeoi zxmcnv lkjasd poiuyt"
    for overrides in ({}, {"calibrated_flag_threshold": 0.3, "calibrated_block_threshold": 0.6}):
        result = guard.analyze({"text": text}, guard.settings_schema.effective(overrides), AnalyzerContext())
        finding = next(f for f in result.findings if f.type == "gibberish")
        if overrides:
            assert (finding.detail["flag_at"], finding.detail["block_at"]) == (0.3, 0.6)
        else:
            assert 0.8 <= finding.detail["flag_at"] <= finding.detail["block_at"]
