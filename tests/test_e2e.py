"""End to end: the real `python -m bot run` process against a local fake Bot API server on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import KNOWLEDGE, ROOT
from tests.fake_bot_api import FakeBotApi

TOKEN = "123456:E2E-TEST-TOKEN"


def test_bot_process_answers_a_message_from_get_updates(tmp_path: Path) -> None:
    api = FakeBotApi(TOKEN).start()
    config = tmp_path / "config.yaml"
    config.write_text(
        f"telegram:\n  token: \"{TOKEN}\"\n  api_base_url: {api.base_url}\n  mode: polling\n"
        f"admins: []\nknowledge_dir: {KNOWLEDGE}\ndatabase: {tmp_path / 'bot.sqlite3'}\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--config", str(config)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
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
        assert "8个乡镇社工站" in reply["text"]
        assert "《多维驱动 高质量发展行稳致远》" in reply["text"] and "<blockquote>" in reply["text"]
        assert reply["parse_mode"] == "HTML"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        api.stop()
    assert process.returncode == 0, output
    assert TOKEN not in output  # the token never reaches the logs
    assert (tmp_path / "bot.sqlite3").exists()
