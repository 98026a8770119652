"""A scriptable stand-in for a remote guard service, on a free port in a thread.

Used by the HTTP backend's unit tests to produce exactly the failures they need
(503 then 200, slow answers, garbage bodies); the real service under gunicorn is
exercised by the integration tests.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    delay: float = 0.0


@dataclass
class FakeService:
    server: ThreadingHTTPServer
    replies: deque[Reply] = field(default_factory=deque)
    received: list[dict[str, Any]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def plan(self, *replies: Reply) -> None:
        self.replies.extend(replies)


def ok_body(decision: str = "allow", score: float = 0.1) -> dict[str, Any]:
    return {"request_id": "r", "service_type": "shoutguard", "success": True, "error": None,
            "data": {"decision": decision, "score": score, "findings": [], "analyzer_version": "remote-9"},
            "processing_time": 0.001, "service_used": "shoutguard"}


def start_fake_service() -> FakeService:
    state: dict[str, FakeService] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _reply(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            service = state["service"]
            service.received.append({"path": self.path, "headers": dict(self.headers),
                                     "body": json.loads(raw) if raw else None})
            reply = service.replies.popleft() if service.replies else Reply(200, ok_body())
            if reply.delay:
                time.sleep(reply.delay)
            body = reply.body if reply.body is not None else ok_body()
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_POST = _reply
        do_GET = _reply

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state["service"] = FakeService(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state["service"]
