"""What the Clerk and Stripe webhooks share once a delivery's signature is verified.

A signed body is authentic, but it may still be one the handlers cannot use: not JSON,
not an object, NUL or lone surrogates (the input rules of :mod:`aiguardian.input_rules`),
an id longer than the event tables hold, fields of the wrong type. Such a delivery will
never become usable by retrying it, so it is recorded as failed (with a safe copy of the
body, for an operator) and acknowledged in the way that stops the provider's retries:

- Svix (Clerk): 4xx with ``webhook-delivery: abort-message``;
- Stripe, which retries anything but 2xx for days: 200 with ``"status": "rejected"``.

Applying a usable event can still fail (a plan or tenant it names is missing, the
database is down): that is recorded as failed too and answered 503, so the provider
retries later. Nothing here answers 500.
"""

from __future__ import annotations

import hashlib
from typing import Any

from rest_framework.exceptions import ParseError

from aiguardian.input_rules import InvalidInput, json_loads

MAX_ID_LENGTH = 100  # the event tables' id and type columns
STORED_BODY_LIMIT = 64 * 1024  # characters of an unusable body kept for the operator
SVIX_ABORT_HEADERS = {"webhook-delivery": "abort-message"}


class UnusableEvent(Exception):
    """A verified delivery the handlers cannot use; ``code``/``fields`` are the API error's."""

    def __init__(self, code: str, message: str, fields: dict[str, Any] | None = None, *,
                 event_type: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields
        self.event_type = stored_type(event_type)

    def as_error(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        return error


def event_parse(body: bytes) -> dict[str, Any]:
    """The body as a JSON object under the gateway's input rules, or :class:`UnusableEvent`."""
    try:
        event = json_loads(body)
    except ParseError:
        raise UnusableEvent("malformed_json", "Body is not JSON.") from None
    except InvalidInput as exc:
        raise UnusableEvent(exc.code, str(exc.detail), exc.fields) from None
    if not isinstance(event, dict):
        raise UnusableEvent("malformed_event", "Body is not a JSON object.")
    return event


def required_id(value: Any, field: str, *, event_type: Any = None) -> str:
    """A non-empty string of at most :data:`MAX_ID_LENGTH` characters (ids, event types)."""
    if not isinstance(value, str) or not value:
        raise UnusableEvent("malformed_event", f"The event has no {field}.", {field: ["Must be a non-empty string."]},
                            event_type=event_type)
    if len(value) > MAX_ID_LENGTH:
        raise UnusableEvent("malformed_event", f"The event's {field} is too long.",
                            {field: [f"At most {MAX_ID_LENGTH} characters."]}, event_type=event_type)
    return value


def required_object(value: Any, field: str, *, event_type: Any = None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UnusableEvent("malformed_event", f"The event's {field} is not an object.",
                            {field: ["Must be a JSON object."]}, event_type=event_type)
    return value


def _storable(value: Any) -> bool:
    # isprintable() is False for NUL and lone surrogates, which PostgreSQL cannot store.
    return isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH and value.isprintable()


def stored_key(raw_id: Any, body: bytes) -> str:
    """The row key of an unusable delivery: its id when storable, else a digest that stays unique."""
    if _storable(raw_id):
        return raw_id
    source = raw_id.encode("utf-8", "surrogatepass") if isinstance(raw_id, str) and raw_id else body
    return "sha256:" + hashlib.sha256(source).hexdigest()


def stored_type(value: Any) -> str:
    """The event type column for an unusable delivery ("" when it has none worth keeping)."""
    return value if _storable(value) else ""


def unusable_payload(body: bytes, reason: UnusableEvent) -> dict[str, Any]:
    """What is stored of an unusable body: valid text (PostgreSQL takes no NUL), capped in size."""
    text = body[:STORED_BODY_LIMIT].decode("utf-8", "replace").replace("\x00", "\ufffd")
    return {"unusable_body": text, "truncated": len(body) > STORED_BODY_LIMIT, "error": reason.as_error()}
