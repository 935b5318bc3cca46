"""Chaos: the real `python -m bot run` against a fake Bot API that forgets confirmed updates, with kills and faults.

Each resident asks from a chat of their own, so the replies a chat got say how often its question was
answered. Bounded in count and time; every process and server started here is stopped here.
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import KNOWLEDGE
from tests.fake_bot_api import FakeBotApi, Fault
from tests.test_e2e import TOKEN, _interrupt, _start

pytestmark = pytest.mark.slow  # real bot processes against a faulty local Bot API

QUESTIONS = ("交城有几个乡镇社工站？", "交城有多少户高新技术企业", "养老机构床位一共多少张")


def _config(tmp_path: Path, api_url: str, extra: str = "") -> Path:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"telegram:\n  token: \"{TOKEN}\"\n  api_base_url: {api_url}\n"
        f"admins: []\nknowledge_dir: {KNOWLEDGE}\ndatabase: {tmp_path / 'bot.sqlite3'}\n{extra}",
        encoding="utf-8",
    )
    return config


def _question(update_id: int, chat_id: int, text: str, *, group: bool = False, user_id: int | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "chat": {"id": chat_id, "type": "supergroup" if group else "private"},
        "from": {"id": user_id or chat_id, "is_bot": False, "first_name": "居民"},
    }
    if group:
        mention = "@jiaocheng_qa_bot"
        message["text"] = f"{mention} {text}"
        message["entities"] = [{"type": "mention", "offset": 0, "length": len(mention)}]
    return {"update_id": update_id, "message": message}


def _inbox(database: Path) -> Counter[str]:
    with contextlib.closing(sqlite3.connect(database, timeout=5)) as db:
        return Counter({str(s): int(n) for s, n in db.execute("SELECT status, COUNT(*) FROM inbox GROUP BY status")})


def _unknown(database: Path) -> set[int]:
    """The update ids whose reply was in flight at the kill (the inbox keeps only their ids)."""
    with contextlib.closing(sqlite3.connect(database, timeout=5)) as db:
        return {int(r[0]) for r in db.execute("SELECT update_id FROM inbox WHERE status = 'unknown'")}


def test_kill_9_during_a_burst_then_restart_answers_every_question_once(tmp_path: Path) -> None:
    """400 questions at once; kill -9 after 40 replies, and again 40 replies into the restart; none lost, none twice."""
    total, kills = 400, 2
    chats = [10_000 + n for n in range(total)]
    api = FakeBotApi(TOKEN).start()
    config = _config(tmp_path, api.base_url, "rate_limits:\n  overall_per_second: 100\n")
    database = tmp_path / "bot.sqlite3"
    answered = lambda: Counter(int(p["chat_id"]) for p in api.sent_to())  # noqa: E731
    processes = [_start(config)]
    at_kills: list[int] = []
    try:
        api.wait_for("getUpdates", timeout=60)
        api.push_updates([_question(n + 1, chat, QUESTIONS[n % 3]) for n, chat in enumerate(chats)])
        for _ in range(kills):
            target = len(api.sent_to()) + 40
            api.wait_until(lambda t=target: len(api.sent_to()) >= t, timeout=60)  # type: ignore[misc]
            processes[-1].kill()
            processes[-1].communicate(timeout=30)
            at_kills.append(sum(answered().values()))
            processes.append(_start(config))
        assert at_kills[-1] < total, "the burst was over before the last kill; nothing was tested"
        in_flight = _wait_all_answered(api, database, chats, answered, timeout=120)
        output = _interrupt(processes[-1])
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate()
        api.stop()
    counts = answered()
    twice = [chat for chat, n in counts.items() if n > 1]
    missing = [chat for chat in chats if counts[chat] == 0 and chat not in in_flight]
    assert not twice, f"answered twice: {twice[:10]}"
    assert not missing, f"never answered: {missing[:10]}"
    assert len(in_flight) <= 32 * kills  # at most one reply in flight per worker at each kill (README)
    assert api.confirmed > total  # Telegram forgot every update: the answers came from the inbox
    assert processes[-1].returncode == 0, output
    print(f"chaos kill -9: {total} questions, {kills} kills (after {at_kills} replies), "
          f"{len(in_flight)} in flight at a kill (not resent), {sum(counts.values())} replies in all, "
          f"{sum(1 for n in counts.values() if n == 1)} questions answered exactly once")


def _wait_all_answered(api: FakeBotApi, database: Path, chats: list[int], answered: Any, *, timeout: float) -> set[int]:
    """Wait until every chat has its reply or is recorded as in flight at the kill; returns the latter.

    Chat ``chats[n]`` asked in update ``n + 1``.
    """
    deadline = time.monotonic() + timeout
    while True:
        in_flight = {chats[u - 1] for u in _unknown(database)} if database.exists() else set()
        got = answered()
        if all(got[c] or c in in_flight for c in chats) and not _inbox(database).get("new"):
            return in_flight
        assert time.monotonic() < deadline, f"not all answered: {len([c for c in chats if not got[c]])} left"
        time.sleep(0.1)


def test_a_window_of_server_errors_delays_answers_but_loses_none(tmp_path: Path) -> None:
    """A hung sendMessage, then 5xx, an HTML 502 page and garbage JSON for a while: every answer arrives once."""
    api = FakeBotApi(TOKEN).start()
    config = _config(tmp_path, api.base_url)
    process = _start(config)
    chats = [20_000 + n for n in range(12)]
    try:
        api.wait_for("getUpdates", timeout=60)
        until = time.monotonic() + 2.5
        api.inject(Fault("sendMessage", hang=6.0, times=1))  # a hung sendMessage: the bot's read timeout is 5 s
        api.inject(Fault("sendMessage", status=500, until=until))
        api.inject(Fault("sendMessage", status=502, body=b"<html><body>502 Bad Gateway</body></html>", until=until))
        api.inject(Fault("sendMessage", status=200, body=b"{not json", until=until))
        api.push_updates([_question(n + 1, chat, QUESTIONS[n % 3]) for n, chat in enumerate(chats)])
        api.wait_until(lambda: len(api.failed) >= len(chats), timeout=60)  # every answer hit the window
        api.wait_until(lambda: {int(p["chat_id"]) for p in api.sent_to()} >= set(chats), timeout=90)
        time.sleep(0.5)  # anything sent twice would show up now
    finally:
        output = _interrupt(process)
        api.stop()
    counts = Counter(int(p["chat_id"]) for p in api.sent_to())
    assert counts == Counter(dict.fromkeys(chats, 1)), output
    assert all("《多维驱动 高质量发展行稳致远》" in p["text"] for p in api.sent_to())
    assert output.count("Traceback") == 0, output


def test_a_busy_group_does_not_hold_up_private_chats(tmp_path: Path) -> None:
    """60 mentions in one group (its limit: 5 a minute here) beside 30 private questions."""
    api = FakeBotApi(TOKEN).start()
    config = _config(tmp_path, api.base_url, "rate_limits:\n  group_messages_per_minute: 5\n"
                                             "  per_user_per_minute: 100\n")
    process = _start(config)
    group = -100777
    private = [30_000 + n for n in range(30)]
    updates = []
    for n in range(60):
        updates.append(_question(len(updates) + 1, group, QUESTIONS[n % 3], group=True, user_id=50_000 + n))
        if n < 30:
            updates.append(_question(len(updates) + 1, private[n], QUESTIONS[n % 3]))
    try:
        api.wait_for("getUpdates", timeout=60)
        api.push_updates(updates)
        api.wait_until(lambda: {int(p["chat_id"]) for p in api.sent_to(lambda c: c > 0)} >= set(private),
                       timeout=50)  # the group's next 5 are a minute away: the private chats did not wait
        to_group = len(api.sent_to(lambda c: c == group))
    finally:
        output = _interrupt(process)
        api.stop()
    assert 1 <= to_group <= 5, f"{to_group} replies in the group\n{output}"
    private_counts = Counter(int(p["chat_id"]) for p in api.sent_to(lambda c: c > 0))
    assert private_counts == Counter(dict.fromkeys(private, 1)), f"{private_counts}\n{output}"


def test_telegram_unreachable_at_start_is_retried_with_one_line_per_attempt(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on yet: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = _config(tmp_path, f"http://127.0.0.1:{port}/bot")
    process = _start(config)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or ()), daemon=True)
    reader.start()
    api = None
    try:
        deadline = time.monotonic() + 60
        while not any("cannot reach the Bot API" in line for line in list(lines)):  # the first attempt is refused
            assert time.monotonic() < deadline and process.poll() is None, "".join(lines)
            time.sleep(0.05)
        api = FakeBotApi(TOKEN, port=port).start()
        api.wait_for("getUpdates", timeout=60)
        api.push_update(_question(1, 4242, QUESTIONS[0]))
        reply = api.wait_for("sendMessage", timeout=60)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
        output = "".join(lines)
        if api is not None:
            api.stop()
    assert "8个乡镇社工站" in reply["text"]
    attempts = [line for line in output.splitlines() if "cannot reach the Bot API" in line]
    assert attempts and "attempt 1" in attempts[0], output
    assert "Traceback" not in output, output
    assert process.returncode == 0, output


def test_a_webhook_update_acknowledged_before_a_kill_is_answered_after_the_restart(tmp_path: Path) -> None:
    """The webhook answers 200 only once the update is in the inbox: kill -9 right after, and it still
    gets its answer (the group's limit, 1 a minute here, holds its reply back until the kill)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    api = FakeBotApi(TOKEN).start()
    secret = "webhook-secret-for-the-test"
    config = _config(tmp_path, api.base_url, (
        "rate_limits:\n  group_messages_per_minute: 1\n"
    ))
    text = config.read_text(encoding="utf-8").replace(
        "telegram:\n",
        f"telegram:\n  mode: webhook\n  webhook:\n    url: http://127.0.0.1:{port}/telegram\n    listen: 127.0.0.1\n"
        f"    port: {port}\n    path: telegram\n    secret_token: {secret}\n", 1)
    config.write_text(text, encoding="utf-8")
    group = -100888
    to_group = lambda: api.sent_to(lambda c: c == group)  # noqa: E731

    def post(update: dict[str, Any]) -> int:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/telegram", data=json.dumps(update).encode(), method="POST",
            headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret})
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return int(response.status)
            except (ConnectionError, urllib.error.URLError):  # the web server is not up yet
                assert time.monotonic() < deadline, "the webhook server never came up"
                time.sleep(0.1)

    first = _start(config)
    second = None
    try:
        api.wait_for("setWebhook", timeout=60)
        assert post(_question(1, group, QUESTIONS[0], group=True, user_id=601)) == 200
        api.wait_until(lambda: len(to_group()) == 1, timeout=60)
        assert post(_question(2, group, QUESTIONS[1], group=True, user_id=602)) == 200  # waits for the group's minute
        first.kill()
        first.communicate(timeout=30)
        assert len(to_group()) == 1
        second = _start(config)
        api.wait_until(lambda: len(to_group()) == 2, timeout=60)
        time.sleep(0.5)  # anything sent twice would show up now
        output = _interrupt(second)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.communicate()
        api.stop()
    replies = [p["text"] for p in to_group()]
    assert len(replies) == 2, output
    assert "8个乡镇社工站" in replies[0] and "40户" in replies[1]


def test_a_token_telegram_refuses_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    api = FakeBotApi("999:SOME-OTHER-TOKEN").start()  # answers 401 Unauthorized to our token
    try:
        process = _start(_config(tmp_path, api.base_url))
        output, _ = process.communicate(timeout=60)
    finally:
        api.stop()
    assert process.returncode == 2, output
    assert "Telegram rejected the bot token" in output and "Traceback" not in output
    assert TOKEN not in output


def test_an_update_that_cannot_be_parsed_is_set_aside_and_the_next_one_answered(tmp_path: Path) -> None:
    api = FakeBotApi(TOKEN).start()
    process = _start(_config(tmp_path, api.base_url))
    try:
        api.wait_for("getUpdates", timeout=60)
        api.push_updates([
            {"update_id": 1, "message": {"message_id": "x", "chat": "not a chat", "text": "居民的问题"}},
            _question(2, 4243, QUESTIONS[0]),
        ])
        reply = api.wait_for("sendMessage", timeout=60)
        api.wait_until(lambda: api.confirmed > 2, timeout=60)  # the offset moved past both
    finally:
        output = _interrupt(process)
        api.stop()
    assert int(reply["chat_id"]) == 4243
    assert _inbox(tmp_path / "bot.sqlite3")["set_aside"] == 1
    assert "CRITICAL" not in output and "居民的问题" not in output, output
    assert len(output.splitlines()) < 20, output


def test_a_text_python_cannot_encode_is_answered_and_stalls_nothing(tmp_path: Path) -> None:
    """A lone surrogate (``\\ud800``: valid JSON, no character; writing it to SQLite raises UnicodeEncodeError)
    in one resident's question: every question is answered, getUpdates is not repeated in a storm, and the
    log stays short."""
    api = FakeBotApi(TOKEN).start()
    process = _start(_config(tmp_path, api.base_url))
    try:
        api.wait_for("getUpdates", timeout=60)
        api.push_updates([_question(1, 4301, "交城有几个乡镇社工站\ud800"), _question(2, 4302, QUESTIONS[1]),
                          _question(3, 4303, "\ud800\udfff\ud800")])
        api.wait_until(lambda: {int(p["chat_id"]) for p in api.sent_to()} >= {4301, 4302, 4303}, timeout=30)
        api.wait_until(lambda: api.confirmed > 3, timeout=30)  # the offset moved past all three
        time.sleep(0.5)
    finally:
        output = _interrupt(process)
        api.stop()
    polls = sum(1 for name, _ in api.calls if name == "getUpdates")
    assert polls < 30, f"{polls} getUpdates calls"
    counts = Counter(int(p["chat_id"]) for p in api.sent_to())
    assert counts == Counter({4301: 1, 4302: 1, 4303: 1}), output
    assert "8个乡镇社工站" in api.sent_to(lambda c: c == 4301)[0]["text"]
    assert _inbox(tmp_path / "bot.sqlite3") == Counter({"done": 3})
    assert "Traceback" not in output and len(output.splitlines()) < 20, output


def _command(update_id: int, chat_id: int, user_id: int, command: str) -> dict[str, Any]:
    text = f"{command}@jiaocheng_qa_bot"
    message: dict[str, Any] = {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "chat": {"id": chat_id, "type": "supergroup"},
        "from": {"id": user_id, "is_bot": False, "first_name": "居民"},
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
    }
    return {"update_id": update_id, "message": message}


def test_one_member_flooding_a_group_with_commands_silences_no_one_else(tmp_path: Path) -> None:
    """4,200 /topics@bot from one group member, then three residents ask in private; a restart with the
    flood still in the inbox answers them again promptly (the real process, issue 19 row 1)."""
    api = FakeBotApi(TOKEN).start()
    config = _config(tmp_path, api.base_url)
    group, flooder = -100888, 60_001
    flood = [_command(n + 1, group, flooder, "/topics") for n in range(4_200)]
    private = [31_000, 31_001, 31_002]
    asked = [_question(5_000 + i, chat, QUESTIONS[i]) for i, chat in enumerate(private)]
    process = _start(config)
    try:
        api.wait_for("getUpdates", timeout=60)
        api.push_updates(flood)
        api.push_updates(asked)
        pushed = time.monotonic()
        api.wait_until(lambda: {int(p["chat_id"]) for p in api.sent_to(lambda c: c > 0)} >= set(private), timeout=30)
        waited = time.monotonic() - pushed
        to_group = len(api.sent_to(lambda c: c == group))
    finally:
        output = _interrupt(process)
    assert waited < 15, f"private residents waited {waited:.1f} s behind the flood\n{output}"
    assert to_group <= 10, f"{to_group} messages to the flooded group\n{output}"
    # a restart with whatever of the flood is left in the inbox: the next private question is answered promptly
    process = _start(config)
    try:
        api.wait_for("getUpdates", timeout=60)
        late = 31_010
        api.push_update(_question(9_000, late, QUESTIONS[0]))
        pushed = time.monotonic()
        api.wait_until(lambda: any(int(p["chat_id"]) == late for p in api.sent_to(lambda c: c > 0)), timeout=30)
        waited = time.monotonic() - pushed
    finally:
        output = _interrupt(process)
        api.stop()
    assert waited < 15, f"after the restart a private question waited {waited:.1f} s\n{output}"
