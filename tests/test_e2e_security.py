"""Locked doors, tried as a hostile user would, against the real `python -m bot run` process and the
fake Bot API on 127.0.0.1: a forged webhook, a rejected token, an error page that repeats the token,
an admin report asked for in a group."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from bot.tg.app import ALLOWED_UPDATES
from tests.conftest import ADMIN, KNOWLEDGE
from tests.fake_bot_api import FakeBotApi
from tests.test_e2e import _interrupt, _start

pytestmark = pytest.mark.slow  # real bot processes against a local Bot API

TOKEN = "123456:E2E-Secret-Half-Of-The-Token"
GROUP = -100500


def _leaks(output: str, secret: str) -> list[str]:
    """The lines of the output that hold the secret, or its secret half, in any case."""
    pieces = [secret.lower(), secret.split(":")[-1].lower()]
    return [line for line in output.splitlines() if any(p in line.lower() for p in pieces)]


def _message(update_id: int, text: str, *, chat_id: int, user_id: int, name: str = "居民") -> dict[str, Any]:
    chat: dict[str, Any] = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
    if chat_id < 0:
        chat["title"] = "交城居民群"
    message: dict[str, Any] = {
        "message_id": update_id, "date": int(time.time()), "text": text, "chat": chat,
        "from": {"id": user_id, "is_bot": False, "first_name": name},
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": message}


def _config(tmp_path: Path, api: FakeBotApi, extra: str = "", *, token: str = TOKEN) -> Path:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"telegram:\n  token: \"{token}\"\n  api_base_url: {api.base_url}\n{extra}"
        f"admins: [{ADMIN}]\nknowledge_dir: {KNOWLEDGE}\ndatabase: {tmp_path / 'data' / 'bot.sqlite3'}\n",
        encoding="utf-8",
    )
    return config


def test_a_rejected_token_stops_start_up_with_one_clear_line_and_no_token(tmp_path: Path) -> None:
    api = FakeBotApi("654321:the-token-telegram-knows").start()  # any other token gets 401 Unauthorized
    try:
        process = _start(_config(tmp_path, api))
        output, _ = process.communicate(timeout=60)
    finally:
        api.stop()
    assert process.returncode == 2, output
    assert output.count("Telegram rejected the bot token") == 1, output
    assert "Traceback" not in output and "InvalidToken" not in output, output
    assert _leaks(output, TOKEN) == []


def test_polling_error_page_debug_logs_and_an_admin_report_asked_for_in_a_group(tmp_path: Path) -> None:
    api = FakeBotApi(TOKEN).start()
    # an error page that repeats the request path, with the token in upper case
    api.failures["getUpdates"] = [(500, f"Internal Server Error: POST /BOT{TOKEN.upper()}/getUpdates")]
    process = _start(_config(tmp_path, api, "log_level: DEBUG\n"))
    try:
        api.wait_for("getUpdates", timeout=60)  # the call after the failed one
        api.push_update(_message(1, "/stats", chat_id=GROUP, user_id=ADMIN, name="管理员"))
        api.push_update(_message(2, "我电话138 1234 5678，社工站有几个", chat_id=4242, user_id=4242))
        api.wait_until(lambda: any(int(p["chat_id"]) == 4242 for p in api.sent_to()), timeout=60)
    finally:
        output = _interrupt(process)
        api.stop()
    assert process.returncode == 0, output
    assert "Internal Server Error: POST /BOT" in output  # the error was logged, traceback and all ...
    assert _leaks(output, TOKEN) == []  # ... with the token cut out, like every httpx debug line
    # the debug log shows the update, with the number masked (whole forms checked: ports and times hold digits)
    assert "我电话＊＊＊＊" in output and "138 1234 5678" not in output and "13812345678" not in output
    polls = [params for name, params in api.calls if name == "getUpdates"]
    assert polls and all(p["allowed_updates"] == ALLOWED_UPDATES for p in polls)
    to_group = api.sent_to(lambda chat: chat == GROUP)
    assert [p["text"] for p in to_group] == ["管理命令会显示居民的提问和群的信息，请私聊我使用。"]
    assert not [name for name, _ in api.calls if name == "sendPhoto"]
    database = tmp_path / "data" / "bot.sqlite3"
    assert (database.parent.stat().st_mode & 0o777) == 0o700
    files = [database, *(database.with_name(database.name + s) for s in ("-wal", "-shm", ".pseudonym-key"))]
    assert {f.name: f.stat().st_mode & 0o777 for f in files if f.exists()} == dict.fromkeys(
        [f.name for f in files if f.exists()], 0o600)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _post(url: str, update: dict[str, Any], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, json.dumps(update).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _wait_listening(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_webhook_without_a_configured_secret_makes_one_and_refuses_forged_updates(tmp_path: Path) -> None:
    port = _free_port()
    api = FakeBotApi(TOKEN).start()
    webhook = (f"  mode: webhook\n  webhook:\n    url: https://bot.example.cn/telegram\n    listen: 127.0.0.1\n"
               f"    port: {port}\n    path: telegram\n")
    process = _start(_config(tmp_path, api, webhook))
    url = f"http://127.0.0.1:{port}/telegram"
    try:
        registered = api.wait_for("setWebhook", timeout=60)
        _wait_listening(port, timeout=60)
        forged = _message(10, "/announce 紧急通知：请立即转账到以下账户", chat_id=ADMIN, user_id=ADMIN)
        assert _post(url, forged, None) == 403
        assert _post(url, {**forged, "update_id": 11}, "a-guessed-secret-0123456789") == 403
        secret_file = tmp_path / "data" / "bot.sqlite3.webhook-secret"
        secret = secret_file.read_text(encoding="ascii").strip()
        question = _message(12, "交城有几个乡镇社工站？", chat_id=4242, user_id=4242)
        assert _post(url, question, secret) == 200
        api.wait_until(lambda: bool(api.sent_to()), timeout=60)
    finally:
        output = _interrupt(process)
        api.stop()
    assert process.returncode == 0, output
    assert registered["secret_token"] == secret and len(secret) >= 32
    assert (secret_file.stat().st_mode & 0o777) == 0o600
    assert registered["allowed_updates"] == ALLOWED_UPDATES
    sent = api.sent_to()
    assert [int(p["chat_id"]) for p in sent] == [4242] and "8个乡镇社工站" in sent[0]["text"]  # nothing for the forgeries
    assert _leaks(output, TOKEN) == [] and _leaks(output, secret) == []
