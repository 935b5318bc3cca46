"""A minimal local Bot API server for the end-to-end tests: listens on 127.0.0.1 only.

It serves the handful of methods the bot calls, hands out queued updates through getUpdates and
records every call, so a test can deliver a message and read the bot's reply. It also keeps each chat's
messages as a phone shows them (``messages``): what the bot sent, with its buttons, and what edits made
of it, so a test can press a button a person sees and read a reply as it looks after a vote. Like Telegram, it forgets
an update for good once a later getUpdates confirms it (``offset`` above its id), and refuses a
message longer than 4,096 UTF-16 units as shown (an emoji is 2; HTML tags do not count). Faults can be injected per method: error answers (5xx, an HTML
error page, garbage), a dropped connection, or a hang.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from bot.limits import MESSAGE_LIMIT, telegram_length
from tests.tg_fakes import BOT_ME, BOT_USER


@dataclass
class Fault:
    """What a faulty call gets: an HTTP status and body, a dropped connection, or a hang of ``hang`` s."""

    method: str
    status: int = 500
    body: bytes = b'{"ok": false, "error_code": 500, "description": "Internal Server Error"}'
    times: int = 1_000_000  # how many calls it affects
    until: float = float("inf")  # or until this time.monotonic()
    drop: bool = False  # close the connection without answering
    hang: float = 0.0
    chat_id: int | None = None  # only calls to this chat


class FakeBotApi:
    def __init__(self, token: str, *, port: int = 0) -> None:
        self.token = token
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.failed: list[tuple[str, dict[str, Any]]] = []  # calls answered by a fault
        self.faults: list[Fault] = []
        self.confirmed = 0  # the highest offset a getUpdates has confirmed
        self._updates: list[dict[str, Any]] = []
        # per method: error answers (HTTP status, description) given once each, before it works again
        self.failures: dict[str, list[tuple[int, str]]] = {}
        self._lock = threading.Condition(threading.RLock())
        self._message_ids = 100
        # (chat id, message id) → the message as Telegram keeps it now: sent by the bot (text or photo, buttons,
        # the message it replies to), edited since, or written by a test's person (see ``add_message``)
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                api._handle(self)

            do_GET = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
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

    def push_updates(self, updates: list[dict[str, Any]]) -> None:
        with self._lock:
            self._updates.extend(updates)
            self._lock.notify_all()

    def inject(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def _fault_for(self, method: str, params: dict[str, Any]) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.method != method or fault.times <= 0 or time.monotonic() >= fault.until:
                    continue
                if fault.chat_id is not None and str(params.get("chat_id")) != str(fault.chat_id):
                    continue
                fault.times -= 1
                self.failed.append((method, params))
                return fault
        return None

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
        raw = handler.rfile.read(length) if length else b""
        if len(raw) < length:  # the sender died mid-request (kill -9): Telegram would never see this call
            handler.close_connection = True
            return
        kind = handler.headers.get("Content-Type", "")
        params: dict[str, Any] = {}
        if kind.startswith("multipart/form-data") and raw:  # a photo: the file's bytes, the rest as fields
            params = _multipart(raw, kind)
        elif "json" in kind and raw:
            params = json.loads(raw.decode())
        elif raw:
            params = {k: _maybe_json(v) for k, v in parse_qsl(raw.decode())}
        fault = self._fault_for(method, params)
        if fault is not None:
            if fault.hang:
                time.sleep(fault.hang)
            if fault.drop or fault.hang:
                handler.close_connection = True
                return
            self._reply_raw(handler, fault.status, fault.body)
            return
        refusal = _check_message(method, params)
        if refusal:
            self._reply(handler, 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {refusal}"})
            return
        result: Any = None
        with self._lock:
            failure = self.failures[method].pop(0) if self.failures.get(method) else None
            if failure is None and method != "getUpdates":  # the chat changes as the call is recorded
                result = self._result(method, params)
            self.calls.append((f"{method}!failed" if failure else method, params))
            self._lock.notify_all()
        if failure is not None:
            status, description = failure
            self._reply(handler, status, {"ok": False, "error_code": status, "description": description})
            return
        if method == "getUpdates":  # a long poll: waits outside the lock
            result = self._result(method, params)
        self._reply(handler, 200, {"ok": True, "result": result})

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_ME
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            limit = int(params.get("limit") or 100)
            deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
            with self._lock:
                if offset > self.confirmed:  # Telegram's rule: confirmed updates are gone for good
                    self.confirmed = offset
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                while True:
                    ready = [u for u in self._updates if u["update_id"] >= offset][:limit]
                    if ready or time.monotonic() >= deadline:
                        return ready
                    self._lock.wait(0.1)
        if method in ("sendMessage", "sendPhoto"):
            chat_id = int(params.get("chat_id", 0))
            message: dict[str, Any] = {
                "message_id": self.next_message_id(), "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}, "from": BOT_USER,
            }
            if method == "sendPhoto":
                message["photo"] = [{"file_id": f"photo{message['message_id']}", "file_unique_id": "u",
                                     "width": 768, "height": 384}]
                if params.get("caption"):
                    message["caption"] = str(params["caption"])
            else:
                message["text"] = str(params.get("text", ""))
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            replied = (params.get("reply_parameters") or {}).get("message_id")
            if replied is not None:
                message["reply_to_message_id"] = int(replied)
            with self._lock:
                self.messages[(chat_id, message["message_id"])] = message
                params["@message_id"] = message["message_id"]  # what Telegram answered, for the test to read
            return message
        if method in ("editMessageText", "editMessageReplyMarkup") and "chat_id" in params:
            with self._lock:
                key = (int(params["chat_id"]), int(params.get("message_id") or 0))
                shown = self.messages.setdefault(key, {  # a message the fake never sent: made up, as lenient
                    "message_id": key[1], "date": int(time.time()), "from": BOT_USER, "text": "",
                    "chat": {"id": key[0], "type": "private" if key[0] > 0 else "supergroup"}})
                if method == "editMessageText":
                    shown["text"] = str(params.get("text", ""))
                if params.get("reply_markup"):  # like Telegram: an edit without buttons removes them
                    shown["reply_markup"] = params["reply_markup"]
                else:
                    shown.pop("reply_markup", None)
                shown["edit_date"] = int(time.time())
                return dict(shown)
        return True

    def next_message_id(self) -> int:
        """A new message id (Telegram's are per chat; one counter serves every chat here)."""
        with self._lock:
            self._message_ids += 1
            return self._message_ids

    def add_message(self, message: dict[str, Any]) -> None:
        """Keep a person's message (sent to the bot through an update) as part of its chat."""
        with self._lock:
            self.messages[(int(message["chat"]["id"]), int(message["message_id"]))] = message

    def chat_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The chat as a phone shows it now: every message kept, oldest first (copies)."""
        with self._lock:
            return [dict(m) for (chat, _), m in sorted(self.messages.items()) if chat == chat_id]

    @classmethod
    def _reply(cls, handler: BaseHTTPRequestHandler, status: int, payload: dict[str, Any]) -> None:
        cls._reply_raw(handler, status, json.dumps(payload).encode())

    @staticmethod
    def _reply_raw(handler: BaseHTTPRequestHandler, status: int, data: bytes) -> None:
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the bot stopped while a long poll was open
            pass


ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote",
                "tg-spoiler", "span", "tg-emoji"}


class _HtmlCheck(HTMLParser):
    """Telegram's HTML rules, roughly: known tags only, each closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.error = ""

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in ALLOWED_TAGS:
            self.error = self.error or f"can't parse entities: unsupported start tag \"{tag}\""
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.error = self.error or f"can't parse entities: unexpected end tag \"{tag}\""


def _check_message(method: str, params: dict[str, Any]) -> str:
    """Why Telegram would refuse this message (too long, bad HTML), or ''."""
    if method not in ("sendMessage", "editMessageText"):
        return ""
    text = str(params.get("text", ""))
    if telegram_length(text, html_text=params.get("parse_mode") == "HTML") > MESSAGE_LIMIT:  # UTF-16, as shown
        return "message is too long"
    if params.get("parse_mode") == "HTML":
        if re.search(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", text) or re.search(r"<(?![a-zA-Z/])", text):
            return "can't parse entities: unescaped '&' or '<'"
        check = _HtmlCheck()
        check.feed(text)
        check.close()
        if check.error or check.open:
            return check.error or f"can't parse entities: unclosed tag \"{check.open[-1]}\""
    return ""


def _multipart(raw: bytes, content_type: str) -> dict[str, Any]:
    """The fields of a multipart/form-data body: files as bytes, other fields as values."""
    parsed = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    params: dict[str, Any] = {}
    for part in parsed.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if isinstance(name, str):
            params[name] = data if part.get_filename() else _maybe_json(data.decode())
    return params


def _maybe_json(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value
