"""A real HTTP receiver for push tests: http.server in a thread on a free port. It records every request, answers
the first `fail_first` with `fail_status` (then 200), and applies each batch id once, as a partner should."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    fail_first: int = 0
    fail_status: int = 503
    retry_after: str = ""
    requests: list[Received] = field(default_factory=list)
    applied: dict[str, list] = field(default_factory=dict)  # batch id → values, applied once

    def __post_init__(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append(Received(self.path, {k: v for k, v in self.headers.items()}, body))
                if len(receiver.requests) <= receiver.fail_first:
                    self.send_response(receiver.fail_status)
                    if receiver.retry_after:
                        self.send_header("Retry-After", receiver.retry_after)
                    self.end_headers()
                    self.wfile.write(b"busy")
                    return
                batch = self.headers.get("X-Xaso-Batch-Id", "")
                if batch not in receiver.applied:
                    values = json.loads(body)["values"] if self.headers["Content-Type"] == "application/json" else body
                    receiver.applied[batch] = values
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/xaso/push?key=1"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
