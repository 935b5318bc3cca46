"""A minimal local Bot API server for the end-to-end test: listens on 127.0.0.1 only.

It serves the handful of methods the bot calls, hands out queued updates through getUpdates and
records every call, so a test can deliver a message and read the bot's reply.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_USER = {"id": 5550001, "is_bot": True, "first_name": "交城问答", "username": "jiaocheng_qa_bot",
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": True}


class FakeBotApi:
    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._updates: list[dict[str, Any]] = []
        # per method: error answers (HTTP status, description) given once each, before it works again
        self.failures: dict[str, list[tuple[int, str]]] = {}
        self._lock = threading.Condition(threading.RLock())
        self._message_ids = 100
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                api._handle(self)

            do_GET = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> FakeBotApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def push_update(self, update: dict[str, Any]) -> None:
        with self._lock:
            self._updates.append(update)
            self._lock.notify_all()

    def wait_for(self, method: str, *, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for name, params in self.calls:
                    if name == method:
                        return params
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no {method} within {timeout} s; calls: {[c[0] for c in self.calls]}")
                self._lock.wait(min(remaining, 0.2))

    def sent_to(self, predicate: Any = None) -> list[dict[str, Any]]:
        """The sendMessage calls so far (those whose chat_id satisfies ``predicate``, if given)."""
        with self._lock:
            return [p for name, p in self.calls
                    if name == "sendMessage" and (predicate is None or predicate(int(p.get("chat_id", 0))))]

    def wait_until(self, condition: Any, *, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        with self._lock:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"condition not met within {timeout} s; calls: {[c[0] for c in self.calls]}")
                self._lock.wait(min(remaining, 0.1))

    # ------------------------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?")[0]
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            self._reply(handler, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        method = path[len(prefix):]
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode() if length else ""
        kind = handler.headers.get("Content-Type", "")
        params: dict[str, Any] = {}
        if "json" in kind and body:
            params = json.loads(body)
        elif body:
            params = {k: _maybe_json(v) for k, v in parse_qsl(body)}
        with self._lock:
            failure = self.failures[method].pop(0) if self.failures.get(method) else None
            self.calls.append((f"{method}!failed" if failure else method, params))
            self._lock.notify_all()
        if failure is not None:
            status, description = failure
            self._reply(handler, status, {"ok": False, "error_code": status, "description": description})
            return
        self._reply(handler, 200, {"ok": True, "result": self._result(method, params)})

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
            with self._lock:
                while True:
                    ready = [u for u in self._updates if u["update_id"] >= offset]
                    if ready or time.monotonic() >= deadline:
                        return ready
                    self._lock.wait(0.1)
        if method == "sendMessage":
            self._message_ids += 1
            chat_id = int(params.get("chat_id", 0))
            return {"message_id": self._message_ids, "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}, "from": BOT_USER, "text": params.get("text", "")}
        return True

    @staticmethod
    def _reply(handler: BaseHTTPRequestHandler, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the bot stopped while a long poll was open
            pass


def _maybe_json(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value
