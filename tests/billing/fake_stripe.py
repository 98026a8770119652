"""A small Stripe-compatible HTTP server for the billing tests.

The real ``stripe`` library talks to it over HTTP (``STRIPE_API_BASE``), so the tests
exercise the library's encoding, retries and idempotency headers, not a mock. It
implements only what billing uses, with Stripe's behaviours that matter here:

- ``Idempotency-Key``: a repeated key replays the first answer; the same key with other
  parameters is a 400 ``idempotency_error``;
- meter events: an ``identifier`` seen before is a 400 ``invalid_request_error``
  ("An event already exists with identifier …", ``stripe-should-retry: false``);
- faults on demand: :meth:`FakeStripe.fail` answers 500 to the next requests on a path,
  optionally after applying them (an answer lost on the way back).
Every request is recorded with its decoded form parameters.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

API_KEY = "sk_test_fake_0123456789"


def decode_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """``a[b][0]=x`` pairs as nested dicts, with runs of numeric keys as lists (Stripe's encoding)."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def listify(node: Any) -> Any:
        if isinstance(node, dict):
            items = {k: listify(v) for k, v in node.items()}
            if items and all(k.isdigit() for k in items):
                return [items[k] for k in sorted(items, key=int)]
            return items
        return node

    return listify(root)


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, Any]
    headers: dict[str, str]
    status: int = 0


@dataclass
class Fault:
    path: str
    times: int
    status: int = 500
    apply_first: bool = False  # apply the request, then lose the answer


@dataclass
class FakeStripe:
    base_url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    portal_sessions: list[dict[str, Any]] = field(default_factory=list)
    meter_events: dict[str, dict[str, Any]] = field(default_factory=dict)  # by identifier
    prices: list[dict[str, Any]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    idempotent: dict[str, tuple[str, int, dict[str, Any]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    meter_delay: float = 0.0  # seconds each meter event takes (to overlap concurrent runs)

    def fail(self, path: str, *, times: int = 1, status: int = 500, apply_first: bool = False) -> None:
        with self.lock:
            self.faults.append(Fault(path, times, status, apply_first))

    def calls(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def metered_total(self, customer: str | None = None) -> int:
        return sum(int(e["payload"]["value"]) for e in self.meter_events.values()
                   if customer is None or e["payload"]["stripe_customer_id"] == customer)

    def add_price(self, price_id: str, *, product_name: str, price_metadata: dict[str, str] | None = None,
                  product_metadata: dict[str, str] | None = None, active: bool = True) -> None:
        product = {"id": f"prod_{price_id}", "object": "product", "name": product_name, "active": True,
                   "metadata": product_metadata or {}}
        self.prices.append({"id": price_id, "object": "price", "active": active, "product": product,
                            "metadata": price_metadata or {}, "currency": "usd", "type": "recurring"})

    # --- request handling -----------------------------------------------------------------

    def handle(self, method: str, path: str, params: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
        if headers.get("authorization") != f"Bearer {API_KEY}":
            return 401, _error("invalid_request_error", "Invalid API Key provided.")
        fault = self._take_fault(path)
        if fault and not fault.apply_first:
            return fault.status, _error("api_error", "Something went wrong on Stripe's end.")
        key = headers.get("idempotency-key")
        if method == "POST" and key:
            with self.lock:
                seen = self.idempotent.get(key)
            if seen is not None:
                if seen[0] != json.dumps(params, sort_keys=True):
                    return 400, _error("idempotency_error", "Keys for idempotent requests can only be used with "
                                       "the same parameters they were first used with.")
                status, body = seen[1], seen[2]
            else:
                status, body = self._route(method, path, params)
                with self.lock:
                    self.idempotent[key] = (json.dumps(params, sort_keys=True), status, body)
        else:
            status, body = self._route(method, path, params)
        if fault:
            return fault.status, _error("api_error", "Something went wrong on Stripe's end.")
        return status, body

    def _take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.path == path and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def _route(self, method: str, path: str, params: dict[str, Any]) -> tuple[int, Any]:
        if method == "POST" and path == "/v1/customers":
            customer = {"id": f"cus_{uuid.uuid4().hex[:14]}", "object": "customer", "name": params.get("name"),
                        "email": params.get("email"), "metadata": params.get("metadata", {})}
            with self.lock:
                self.customers[customer["id"]] = customer
            return 200, customer
        if method == "POST" and path == "/v1/checkout/sessions":
            if params.get("customer") not in self.customers:
                return 400, _error("invalid_request_error", "No such customer.", param="customer")
            session = {"id": f"cs_test_{uuid.uuid4().hex[:20]}", "object": "checkout.session",
                       "mode": params.get("mode"), "customer": params["customer"], "metadata": params.get("metadata", {}),
                       "client_reference_id": params.get("client_reference_id"), "line_items": params.get("line_items"),
                       "success_url": params.get("success_url"), "cancel_url": params.get("cancel_url")}
            session["url"] = f"https://checkout.stripe.test/c/pay/{session['id']}"
            with self.lock:
                self.sessions.append(session)
            return 200, session
        if method == "POST" and path == "/v1/billing_portal/sessions":
            if params.get("customer") not in self.customers:
                return 400, _error("invalid_request_error", "No such customer.", param="customer")
            session = {"id": f"bps_{uuid.uuid4().hex[:20]}", "object": "billing_portal.session",
                       "customer": params["customer"], "return_url": params.get("return_url")}
            session["url"] = f"https://billing.stripe.test/p/session/{session['id']}"
            with self.lock:
                self.portal_sessions.append(session)
            return 200, session
        if method == "POST" and path == "/v1/billing/meter_events":
            return self._meter_event(params)
        if method == "GET" and path == "/v1/prices":
            return 200, self._price_page(params)
        return 404, _error("invalid_request_error", f"Unrecognized request URL ({method}: {path}).")

    def _meter_event(self, params: dict[str, Any]) -> tuple[int, Any]:
        if self.meter_delay:
            time.sleep(self.meter_delay)
        payload = params.get("payload") or {}
        if not params.get("event_name") or "value" not in payload or "stripe_customer_id" not in payload:
            return 400, _error("invalid_request_error", "Missing required param.", param="payload")
        if payload["stripe_customer_id"] not in self.customers:
            return 400, _error("invalid_request_error", "No such customer.", param="payload[stripe_customer_id]")
        identifier = params.get("identifier") or uuid.uuid4().hex
        with self.lock:
            if identifier in self.meter_events:
                return 400, _error("invalid_request_error",
                                   f"An event already exists with identifier {identifier}.", retry=False)
            event = {"object": "billing.meter_event", "event_name": params["event_name"], "identifier": identifier,
                     "payload": payload, "timestamp": int(params.get("timestamp") or 0), "livemode": False}
            self.meter_events[identifier] = event
        return 200, event

    def _price_page(self, params: dict[str, Any]) -> dict[str, Any]:
        prices = [p for p in self.prices if params.get("active") != "true" or p["active"]]
        after = params.get("starting_after")
        if after:
            ids = [p["id"] for p in prices]
            prices = prices[ids.index(after) + 1:] if after in ids else []
        limit = int(params.get("limit") or 10)
        expand = set(params.get("expand") or [])
        page = [p if "data.product" in expand else {**p, "product": p["product"]["id"]} for p in prices[:limit]]
        return {"object": "list", "url": "/v1/prices", "has_more": len(prices) > limit, "data": page}


def _error(kind: str, message: str, *, param: str | None = None, retry: bool | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"type": kind, "message": message}
    if param:
        error["param"] = param
    body: dict[str, Any] = {"error": error}
    if retry is not None:
        body["_should_retry"] = retry
    return body


def serve() -> Iterator[FakeStripe]:
    """Run a :class:`FakeStripe` on a free local port for the duration of the generator."""
    fake = FakeStripe()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self, method: str) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            pairs = parse_qsl(url.query, keep_blank_values=True) + parse_qsl(body, keep_blank_values=True)
            params = decode_form(pairs)
            headers = {k.lower(): v for k, v in self.headers.items()}
            record = Recorded(method, url.path, params, headers)
            status, answer = fake.handle(method, url.path, params, headers)
            record.status = status
            with fake.lock:
                fake.requests.append(record)
            retry = answer.pop("_should_retry", None) if isinstance(answer, dict) else None
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_{uuid.uuid4().hex[:14]}")
            if retry is not None:
                self.send_header("Stripe-Should-Retry", "true" if retry else "false")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
