"""SQLite storage: survives a restart, versioned schema, hashed ids, and the admin reports."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.storage import MIGRATIONS, Storage
from tests.conftest import ROOT


def test_data_survives_reopen_and_ids_are_hashed(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = Storage(path)
    store.log_question(user_id=123456789, chat_type="private", text="社工站", status="answered",
                       entry_id="elder-social-work-stations", score=90.0)
    store.set_auto_mode(-100, True)
    salt_hash = store.hash_id(123456789)
    store.close()
    again = Storage(path)
    assert again.schema_version == len(MIGRATIONS)
    assert again.stats().today == 1 and again.auto_mode(-100)
    assert again.hash_id(123456789) == salt_hash  # the salt is kept in the database
    raw = sqlite3.connect(path).execute("SELECT user_hash FROM questions").fetchone()[0]
    assert "123456789" not in raw
    again.close()


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    Storage(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(RuntimeError, match="upgrade the bot"):
        Storage(path)


def test_stats_count_days_in_the_configured_timezone(tmp_path: Path) -> None:
    store = Storage(tmp_path / "s.sqlite3", timezone="Asia/Shanghai")
    now = time.time()
    store.log_question(user_id=1, chat_type="private", text="a", status="answered", entry_id="x", score=80, ts=now)
    store.log_question(user_id=1, chat_type="private", text="b", status="no_match", entry_id=None, score=10,
                       ts=now - 3 * 86400)
    store.log_question(user_id=1, chat_type="private", text="c", status="answered", entry_id="x", score=80,
                       ts=now - 10 * 86400)
    stats = store.stats(now=now)
    assert stats.today == 1 and stats.week == 2 and stats.week_answered == 1
    assert stats.top_entries == [("x", 1)] and stats.top_unanswered == [("b", 1)]
    assert len(stats.daily) == 7 and sum(d.answered + d.other for d in stats.daily) == 2
    store.close()


def test_cli_stats_and_unanswered_read_the_configured_database(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    store = Storage(db)
    store.log_question(user_id=1, chat_type="private", text="交城房价多少", status="no_match", entry_id=None, score=5)
    store.close()
    config = tmp_path / "config.yaml"
    config.write_text(f"database: {db}\n", encoding="utf-8")
    for command, expected in (("stats", "今天提问：1"), ("unanswered", "交城房价多少")):
        proc = subprocess.run([sys.executable, "-m", "bot", command, "--config", str(config)], cwd=ROOT,
                              capture_output=True, text=True, timeout=60, check=True)
        assert expected in proc.stdout and "<b>" not in proc.stdout


def test_core_never_imports_telegram() -> None:
    code = (
        "import sys, bot.knowledge, bot.text, bot.matching, bot.render, bot.quality, bot.validate, bot.service, "
        "bot.cli; print('telegram' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
