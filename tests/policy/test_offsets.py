"""Findings carry UTF-16 offsets next to code-point offsets, so JavaScript can highlight spans as they are."""

from __future__ import annotations

import pytest

from policy.services.apply import policy_apply
from policy.services.lists import list_entry_create
from policy.services.matching import utf16_offset
from policy.services.snapshot import GuardPolicy

PROCESS = "/api/v1/guards/process"
TEXT = "你好世界 🙂🙂 mail bob.smith@example.com or call +1 415 555 0100 😀 ok"


def _js_slice(text: str, start: int, end: int) -> str:
    """What ``text.slice(start, end)`` gives in JavaScript (UTF-16 code units)."""
    return text.encode("utf-16-le")[2 * start:2 * end].decode("utf-16-le")


def test_a_real_guards_findings_carry_utf16_offsets_past_emoji_and_cjk(api_client) -> None:
    body = api_client.post(PROCESS, {"service_type": "securityguard", "payload": {"text": TEXT}}, format="json").json()
    findings = {f["type"]: f for f in body["data"]["findings"]}
    email = findings["EMAIL"]
    assert (email["start"], email["end"]) == (13, 34)  # code points (Python's str indices)
    assert (email["start_utf16"], email["end_utf16"]) == (15, 36)  # two astral emoji before it
    for finding in findings.values():
        span = TEXT[finding["start"]:finding["end"]]
        assert _js_slice(TEXT, finding["start_utf16"], finding["end_utf16"]) == span


def test_blocklist_findings_carry_them_too(api_client, test_guards, guard_config, tenant) -> None:
    guard_config("shoutguard")
    list_entry_create(tenant_id=tenant.pk, action="block", kind="phrase", value="ok")
    data = api_client.post(PROCESS, {"service_type": "shoutguard", "payload": {"text": TEXT}}, format="json").json()
    (hit,) = [f for f in data["data"]["findings"] if f["type"] == "blocklist_phrase"]
    assert _js_slice(TEXT, hit["start_utf16"], hit["end_utf16"]) == "ok" == TEXT[hit["start"]:hit["end"]]


def test_a_finding_without_offsets_has_none() -> None:
    finding = {"type": "overall", "evidence": "x", "score": 0.5}
    out = policy_apply(guard="tokenguard", policy=GuardPolicy(), mode="enforce", tenant_id=1,
                       payload={"text": TEXT}, settings={}, data={"decision": "keep", "findings": [finding]},
                       error=None)
    assert out.data["findings"][0]["start_utf16"] is None and out.data["findings"][0]["end_utf16"] is None


@pytest.mark.parametrize("text", ["", "abc", "🙂", "a🙂b", "日本語", "👩‍👩‍👧 family", "e\u0301"])
def test_the_offset_is_the_utf16_length_of_the_prefix(text) -> None:
    for index in range(len(text) + 1):
        assert utf16_offset(text, index) == len(text[:index].encode("utf-16-le")) // 2
