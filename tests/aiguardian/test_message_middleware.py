"""The message middleware builds the storage only for a request that uses it, and then behaves as Django's."""

from __future__ import annotations

from unittest import mock

from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from aiguardian import middleware as mw


def _run(view, cookies=None):
    request = RequestFactory().get("/console/")
    request.COOKIES.update(cookies or {})
    handler = SessionMiddleware(mw.MessageMiddleware(view))
    response = handler(request)
    return request, response


def test_a_request_that_never_uses_messages_builds_no_storage():
    with mock.patch.object(mw, "default_storage", wraps=mw.default_storage) as built:
        _, response = _run(lambda r: HttpResponse("ok"))
    assert built.call_count == 0
    assert "messages" not in response.cookies


def test_a_message_added_is_stored_and_read_back_on_the_next_request():
    def add(request):
        messages.success(request, "Saved.")
        assert isinstance(request._messages, FallbackStorage)  # the lazy object stands in for Django's
        return HttpResponse("ok")

    _, first = _run(add)
    assert "messages" in first.cookies  # Django's cookie storage holds it, as before

    seen = []

    def read(request):
        seen.extend(str(m) for m in messages.get_messages(request))
        return HttpResponse("ok")

    _, second = _run(read, cookies={"messages": first.cookies["messages"].value})
    assert seen == ["Saved."]
    assert second.cookies["messages"].value == ""  # read messages are cleared, as Django does
