"""The API's content negotiation answers exactly what DRF's default one would, for every request shape."""

from __future__ import annotations

import pytest
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.test import APIRequestFactory

from aiguardian.input_rules import CheckedJSONParser
from aiguardian.negotiation import JSONContentNegotiation

ACCEPTS = [None, "*/*", "application/json", "application/json; indent=4", "text/html", "application/*",
           "text/html, application/json;q=0.9", "application/xml", "", "*/*;q=0.1", "APPLICATION/JSON"]
QUERIES = ["", "format=json", "format=api", "x=1"]
CONTENT_TYPES = ["application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded",
                 "", "application/jsonx"]


def _request(accept, query, content_type):
    extra = {} if accept is None else {"HTTP_ACCEPT": accept}
    raw = APIRequestFactory().post("/api/v1/guards/process" + (f"?{query}" if query else ""), data=b"{}",
                                   content_type="text/plain", **extra)
    raw.META["CONTENT_TYPE"] = content_type
    return Request(raw)


def _answer(negotiation, call):
    try:
        return call(negotiation)
    except Exception as exc:  # e.g. NotAcceptable: the same exception type and detail
        return type(exc), str(exc)


def test_the_api_uses_it():
    assert api_settings.DEFAULT_CONTENT_NEGOTIATION_CLASS is JSONContentNegotiation


@pytest.mark.parametrize("renderers", [[JSONRenderer()], [JSONRenderer(), BrowsableAPIRenderer()],
                                       [BrowsableAPIRenderer()]], ids=["json", "json+api", "api"])
@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("query", QUERIES)
def test_renderer_choice_matches_drf(renderers, accept, query):
    request = _request(accept, query, "application/json")

    def pick(neg):
        renderer, media_type = neg.select_renderer(request, renderers)
        return type(renderer), media_type

    assert _answer(JSONContentNegotiation(), pick) == _answer(DefaultContentNegotiation(), pick)


@pytest.mark.parametrize("parsers", [[CheckedJSONParser()], [FormParser(), CheckedJSONParser()], []],
                         ids=["json", "form+json", "none"])
@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_parser_choice_matches_drf(parsers, content_type):
    request = _request(None, "", content_type)

    def pick(neg):
        parser = neg.select_parser(request, parsers)
        return None if parser is None else id(parser)

    assert pick(JSONContentNegotiation()) == pick(DefaultContentNegotiation())


def test_the_usual_request_skips_the_accept_parse(monkeypatch):
    request = _request(None, "", "application/json")
    monkeypatch.setattr(DefaultContentNegotiation, "_get_parsed_accept_list",
                        lambda *a: pytest.fail("the Accept header was parsed"))
    renderer = JSONRenderer()
    assert JSONContentNegotiation().select_renderer(request, [renderer]) == (renderer, "application/json")
