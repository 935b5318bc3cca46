"""End to end: the real `python -m bot run` process against a local fake Bot API server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import html
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.announcements.model import ANNOUNCEMENT_TZ
from bot.storage import Storage
from tests.conftest import KNOWLEDGE, ROOT
from tests.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.slow  # real bot processes against a local Bot API

TOKEN = "123456:E2E-TEST-TOKEN"


def _polling_config(tmp_path: Path, api_url: str, *, knowledge: Path = KNOWLEDGE, admins: str = "") -> Path:
    """A config for the real process: polling the fake Bot API, with its own database in ``tmp_path``."""
    config = tmp_path / "config.yaml"
    config.write_text(
        f"telegram:\n  token: \"{TOKEN}\"\n  api_base_url: {api_url}\n  mode: polling\n"
        f"admins: [{admins}]\nknowledge_dir: {knowledge}\ndatabase: {tmp_path / 'bot.sqlite3'}\n",
        encoding="utf-8",
    )
    return config


def test_bot_process_answers_a_message_from_get_updates(tmp_path: Path) -> None:
    api = FakeBotApi(TOKEN).start()
    config = _polling_config(tmp_path, api.base_url)
    process = _start(config)
    try:
        api.wait_for("getUpdates", timeout=60)
        api.push_update({
            "update_id": 1,
            "message": {
                "message_id": 1, "date": int(time.time()), "text": "交城有几个乡镇社工站？",
                "chat": {"id": 4242, "type": "private"}, "from": {"id": 4242, "is_bot": False, "first_name": "居民"},
            },
        })
        reply = api.wait_for("sendMessage", timeout=60)
        assert int(reply["chat_id"]) == 4242
        assert "<b>8个</b>乡镇社工站" in reply["text"]
        assert "《多维驱动 高质量发展行稳致远》" in reply["text"] and "<blockquote expandable>" in reply["text"]
        assert reply["parse_mode"] == "HTML"
        # an empty chat and the profile show what the bot is for (set at start, from place.yaml and the topics)
        profile = {name: params for name, params in api.calls if name in ("setMyDescription", "setMyShortDescription")}
        description = profile["setMyDescription"]["description"]
        short = profile["setMyShortDescription"]["short_description"]
        assert "交城问答" in description and "养老服务" in description and len(description) <= 512
        assert "交城问答" in short and len(short) <= 120
    finally:
        output = _interrupt(process)
        api.stop()
    assert process.returncode == 0, output
    assert TOKEN not in output  # the token never reaches the logs
    assert (tmp_path / "bot.sqlite3").exists()


def _ledger(database: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(database, timeout=5)) as db:
        return [str(row[0]) for row in db.execute("SELECT status FROM deliveries")]


def _start(config: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--config", str(config)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def _interrupt(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


def test_scheduled_broadcast_killed_midway_is_finished_by_the_restart_without_doubles(tmp_path: Path) -> None:
    """kill -9 while a scheduled announcement is going out; the next start sends the rest, none twice."""
    groups = [-1001, -1002, -1003, -1004]
    database = tmp_path / "bot.sqlite3"
    storage = Storage(database)
    for chat_id in groups:
        storage.subscribe(chat_id, title=f"群{chat_id}", tags=[])
    storage.close()
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge, ignore=shutil.ignore_patterns(".tmp-*"))  # (a snapshot being written)
    due = datetime.now(ANNOUNCEMENT_TZ) + timedelta(seconds=2)  # sent on time, or on start if start is slower
    (knowledge / "announcements.yaml").write_text(
        f"announcements:\n  - id: power-cut\n    text: 明天停电\n    at: {due:%Y-%m-%d %H:%M:%S}\n    targets: all\n",
        encoding="utf-8",
    )
    api = FakeBotApi(TOKEN).start()
    config = tmp_path / "config.yaml"
    config.write_text(
        f"telegram:\n  token: \"{TOKEN}\"\n  api_base_url: {api.base_url}\n"
        f"admins: [777]\nknowledge_dir: {knowledge}\ndatabase: {tmp_path / 'bot.sqlite3'}\n"
        "rate_limits:\n  overall_per_second: 1\n",  # one message a second: the kill lands between two
        encoding="utf-8",
    )
    to_groups = lambda: api.sent_to(lambda chat: chat < 0)  # noqa: E731
    first = _start(config)
    try:
        deadline = time.monotonic() + 60
        while _ledger(database).count("sent") < 2:  # read the ledger as the bot writes it (WAL)
            assert time.monotonic() < deadline and first.poll() is None, "the broadcast never started"
            time.sleep(0.01)
        first.kill()  # the second row was committed and the next message is a second away
        first.communicate(timeout=30)
        after_kill = len(to_groups())
        assert sorted(_ledger(database)) == ["pending", "pending", "sent", "sent"]
        second = _start(config)
        try:
            api.wait_until(lambda: any(int(p["chat_id"]) == 777 for p in api.sent_to()), timeout=60)
            time.sleep(1.5)  # anything sent twice would show up now
        finally:
            output = _interrupt(second)
    finally:
        if first.poll() is None:
            first.kill()
        api.stop()
    assert after_kill == 2
    assert Counter(int(p["chat_id"]) for p in to_groups()) == Counter(dict.fromkeys(groups, 1)), output
    assert all(p["text"] == "📢 <b>公告</b>\n\n明天停电" for p in to_groups())
    report = [p["text"] for p in api.sent_to(lambda chat: chat == 777)]
    assert len(report) == 1 and "已发送 4 / 4 个群，失败 0 个" in report[0]
    assert second.returncode == 0, output


def test_an_announcement_time_that_cannot_be_converted_never_stops_the_process(tmp_path: Path) -> None:
    """Issue 19, rows 7 and 12: the real process starts, tells the admin, and answers; it used to exit."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge, ignore=shutil.ignore_patterns(".cache"))
    (knowledge / "announcements.yaml").write_text(
        "announcements:\n  - id: far\n    text: 很远\n    at: 9999-12-31 23:59-12:00\n    targets: all\n",
        encoding="utf-8")
    api = FakeBotApi(TOKEN).start()
    config = _polling_config(tmp_path, api.base_url, knowledge=knowledge, admins="777")
    process = _start(config)
    try:
        api.wait_until(lambda: api.sent_to(lambda chat: chat == 777), timeout=60)
        told = html.unescape(api.sent_to(lambda chat: chat == 777)[0]["text"])
        assert "announcements.yaml:4: at '9999-12-31 23:59-12:00' is not a date and time" in told
        api.push_update({
            "update_id": 1,
            "message": {
                "message_id": 1, "date": int(time.time()), "text": "交城有几个乡镇社工站？",
                "chat": {"id": 4242, "type": "private"}, "from": {"id": 4242, "is_bot": False, "first_name": "居民"},
            },
        })
        api.wait_until(lambda: api.sent_to(lambda chat: chat == 4242), timeout=60)
        assert "8个乡镇社工站" in api.sent_to(lambda chat: chat == 4242)[0]["text"]
    finally:
        output = _interrupt(process)
        api.stop()
    assert process.returncode == 0, output
