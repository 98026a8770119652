"""Long texts are analysed in a child the worker kills at the deadline, even inside one C call."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from guards.models import GuardRequest
from guards.services.isolation import isolation_applies

URL = "/api/v1/guards/process"
# Backtracking on this takes minutes in one C call; the in-thread deadline cannot stop it.
CATASTROPHIC = "a" * 40 + "b" + " " * 200


def _children() -> list[int]:
    me, found = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2:].split()[1]) == me:
                found.append(int(entry.name))
    return found


@pytest.fixture
def isolate_long(settings, test_guards):
    settings.GUARD_ISOLATE_ABOVE_CHARS = 100
    settings.GUARD_ISOLATE_ABOVE_CHARS_BY_GUARD = {}


def test_one_blocking_c_call_is_killed_at_the_deadline(api_client, isolate_long, guard_config) -> None:
    guard_config("backtrackguard")
    # A first call pays one-off imports and connections; the timed call must not include them.
    assert api_client.post(URL, {"service_type": "backtrackguard", "payload": {"text": "aaa"}},
                           format="json").status_code == 200
    cpu_before, started = time.thread_time(), time.monotonic()
    response = api_client.post(URL, {"service_type": "backtrackguard", "payload": {"text": CATASTROPHIC},
                                     "timeout": 0.5}, format="json")
    assert response.status_code == 504 and response.json()["error"]["code"] == "guard_timeout"
    assert time.monotonic() - started < 3.0
    assert time.thread_time() - cpu_before < 1.0  # the worker waited; the child did (and lost) the work
    assert _children() == []  # killed and reaped, nothing left running
    assert GuardRequest.objects.filter(guard="backtrackguard").latest("id").outcome == "timeout"


def test_a_long_text_gets_the_same_answer_as_inline(api_client, settings, test_guards, guard_config) -> None:
    guard_config("shoutguard")
    text = "Mostly quiet words, SOME LOUD ONES, " * 10
    body = {"service_type": "shoutguard", "payload": {"text": text}}
    settings.GUARD_ISOLATE_ABOVE_CHARS = 0
    inline = api_client.post(URL, body, format="json").json()["data"]
    settings.GUARD_ISOLATE_ABOVE_CHARS = 100
    isolated = api_client.post(URL, body, format="json").json()["data"]
    assert isolated == inline and inline["letters"] > 0


def test_a_crash_in_the_child_is_a_502_and_a_payload_error_a_400(api_client, isolate_long, guard_config) -> None:
    guard_config("brokenguard")
    response = api_client.post(URL, {"service_type": "brokenguard", "payload": {"text": "x" * 500}}, format="json")
    assert response.status_code == 502 and response.json()["error"]["code"] == "guard_analyzer_error"
    assert "sk-live" not in response.content.decode()
    # trustguard refuses a payload without output_text: the child's PayloadError is the client's 400.
    response = api_client.post(URL, {"service_type": "trustguard", "payload": {"text": "x" * 500}}, format="json")
    assert response.status_code == 400, response.json()
    assert "output_text" in response.json()["error"]["fields"]["payload"]
    assert _children() == []


def test_only_texts_above_the_threshold_fork(settings) -> None:
    settings.GUARD_ISOLATE_ABOVE_CHARS = 100
    settings.GUARD_ISOLATE_ABOVE_CHARS_BY_GUARD = {"tokenguard": 0}
    assert not isolation_applies("biasguard", 100) and isolation_applies("biasguard", 101)
    assert not isolation_applies("tokenguard", 10**6)  # 0: never
    settings.GUARD_ISOLATE_ABOVE_CHARS = 0
    assert not isolation_applies("biasguard", 10**6)


def test_contextguard_keeps_its_session_memory_when_isolated(api_client, isolate_long) -> None:
    text = "We are planning the quarterly budget review for the finance team. " * 5
    for turn in range(2):
        response = api_client.post(URL, {"service_type": "contextguard", "session_id": "long-chat",
                                         "payload": {"text": text + str(turn)}}, format="json")
        assert response.status_code == 200, response.json()
    session = api_client.get("/api/v1/guards/sessions/long-chat").json()
    assert len(session["turns"]) == 2  # both turns were written from the analysis children
    assert _children() == []
