"""SQLite storage: survives a restart, versioned schema, hashed ids, and the admin reports."""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.answering.store import VoteTally
from bot.db import MIGRATIONS
from bot.storage import Storage
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


@pytest.mark.slow
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


def test_a_version_1_database_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    db.execute("INSERT INTO group_settings (chat_id, auto_mode, updated) VALUES (-100, 1, 0)")
    db.commit()
    db.close()
    store = Storage(path)
    assert store.schema_version == len(MIGRATIONS) >= 2
    assert store.auto_mode(-100)
    store.subscribe(-100, title="老群", tags=["城关镇"])
    assert [s.chat_id for s in store.recipients({"tags": ["城关镇"]})] == [-100]
    store.close()


def test_ledger_starts_once_freezes_recipients_and_requeues_only_unfinished(tmp_path: Path) -> None:
    store = Storage(tmp_path / "bot.sqlite3")
    for chat in (-1, -2, -3):
        store.subscribe(chat, title=f"g{chat}", tags=["a"] if chat != -3 else [])
    assert store.create_announcement("x", kind="manual", text="t", targets={"all": True})
    assert not store.create_announcement("x", kind="manual", text="other", targets={"all": True})
    assert store.start_broadcast("x", store.recipients({"all": True}))
    assert not store.start_broadcast("x", store.recipients({"all": True}))  # the second 发送 is refused
    store.subscribe(-4, title="late", tags=[])  # joins after the start: not part of this broadcast
    assert sorted(d.chat_id for d in store.deliveries("x")) == [-3, -2, -1]
    store.mark_delivery("x", -1, "sent", message_id=5)
    store.mark_delivery("x", -2, "sending")
    store.mark_delivery("x", -3, "failed", error="boom")
    assert [d.chat_id for d in store.mark_interrupted("x", "may have arrived")] == [-2]
    assert store.requeue("x", [-1, -2, -3]) == 2  # a sent one is never queued again
    assert {d.chat_id: d.status for d in store.deliveries("x")} == {-1: "sent", -2: "pending", -3: "pending"}
    assert store.announcement("x").status == "sending"  # type: ignore[union-attr]


def test_migrated_chat_keeps_one_subscription_and_one_delivery(tmp_path: Path) -> None:
    store = Storage(tmp_path / "bot.sqlite3")
    store.subscribe(-1, title="old", tags=["a"])
    store.subscribe(-2, title="other", tags=[])
    store.create_announcement("x", kind="manual", text="t", targets={"all": True})
    store.start_broadcast("x", store.recipients({"all": True}))
    store.migrate_chat(-1, -100)
    assert store.subscription(-1) is None and store.subscription(-100).tags == ("a",)  # type: ignore[union-attr]
    assert store.move_delivery("x", -1, -100)
    assert not store.move_delivery("x", -2, -100)  # -100 already has a row: the old one goes, not doubled
    assert {d.chat_id: d.status for d in store.deliveries("x")} == {-100: "pending"}


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_database_folder_and_files_are_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    old = os.umask(umask)
    try:
        store = Storage(database)
        store.log_question(user_id=1, chat_type="private", text="社工站", status="answered", entry_id="x", score=90)
        companions = [database.with_name(database.name + s) for s in ("-wal", "-shm", ".pseudonym-key")]
        assert all(p.exists() for p in companions)
        assert _mode(database.parent) == 0o700
        assert {p.name: _mode(p) for p in [database, *companions]} == dict.fromkeys(
            [database.name, *(p.name for p in companions)], 0o600)
        store.close()
    finally:
        os.umask(old)


def test_files_of_an_older_version_are_tightened(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    database = folder / "bot.sqlite3"
    for path in (database, database.with_name("bot.sqlite3-wal")):
        path.touch()
        os.chmod(path, 0o644)
    Storage(database).close()
    assert _mode(folder) == 0o700 and _mode(database) == 0o600


def test_a_shared_folder_is_not_chmodded_but_the_files_are(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    os.chmod(tmp_path, 0o755)
    (tmp_path / "notes.txt").write_text("someone else's file", encoding="utf-8")
    Storage(tmp_path / "bot.sqlite3").close()
    assert _mode(tmp_path) == 0o755 and _mode(tmp_path / "bot.sqlite3") == 0o600
    assert "folder of its own" in caplog.text


def test_a_copied_database_alone_reveals_no_user_id(tmp_path: Path) -> None:
    """The old attack (the salt is in the database; ids are small numbers) finds nothing now."""
    path = tmp_path / "bot.sqlite3"
    store = Storage(path)
    ids = list(range(1000, 1200))
    for user_id in ids:
        store.log_question(user_id=user_id, chat_type="private", text="q", status="answered", entry_id="x", score=90)
    store.close()
    key_file = tmp_path / "bot.sqlite3.pseudonym-key"
    key = key_file.read_text(encoding="ascii").strip()
    copy = sqlite3.connect(path)
    stored = {row[0] for row in copy.execute("SELECT user_hash FROM questions")}
    meta = [str(row[0]) for row in copy.execute("SELECT value FROM meta")]
    copy.close()
    assert len(stored) == 200 and key.encode() not in path.read_bytes()
    candidates = [*meta, ""]  # whatever the database holds, tried as a salt and as a key
    for candidate in candidates:
        for user_id in range(0, 5000):
            assert hashlib.sha256(f"{candidate}:{user_id}".encode()).hexdigest()[:24] not in stored
            assert hmac.new(candidate.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()[:32] not in stored
    # with the key (kept outside the database) the bot still knows its own users
    assert Storage(path).hash_id(1000) in stored


def test_a_configured_key_is_used_and_no_key_file_is_made(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "bot.sqlite3"
    store = Storage(path, pseudonym_key="k" * 40)
    first = store.hash_id(7)
    store.close()
    assert not (tmp_path / "bot.sqlite3.pseudonym-key").exists()
    assert Storage(path, pseudonym_key="k" * 40).hash_id(7) == first
    assert "pseudonym key differs" not in caplog.text
    assert Storage(path, pseudonym_key="z" * 40).hash_id(7) != first
    assert "pseudonym key differs" in caplog.text


def test_salted_hashes_of_an_older_version_are_kept_and_the_salt_is_gone(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("PRAGMA journal_mode=WAL")
    for number, script in enumerate(MIGRATIONS[:2], start=1):
        old.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    salt = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    old.execute("INSERT INTO meta (key, value) VALUES ('salt', ?), ('other', 'kept')", (salt,))
    old_hash = hashlib.sha256(f"{salt}:4242".encode()).hexdigest()[:24]
    old.execute("INSERT INTO questions (ts, user_hash, chat_type, text, status, entry_id, score) "
                "VALUES (?, ?, 'private', '社工站', 'answered', 'x', 90)", (time.time(), old_hash))
    old.close()
    store = Storage(path)
    assert store.schema_version == len(MIGRATIONS) and store.stats().today == 1
    assert store.hash_id(4242) != old_hash  # new rows get the keyed pseudonym
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("bot.sqlite3*") if not p.name.endswith("-key"))
    assert salt.encode() not in raw  # not in the database, its WAL, or a freed page
    assert sqlite3.connect(path).execute("SELECT user_hash FROM questions").fetchone()[0] == old_hash


def test_processes_starting_at_once_migrate_the_database_once(tmp_path: Path) -> None:
    database = tmp_path / "fresh.sqlite3"
    code = "import sys; from bot.storage import Storage; Storage(sys.argv[1]).close()"
    starts = [subprocess.Popen([sys.executable, "-c", code, str(database)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
              for _ in range(4)]
    errors = [p.communicate(timeout=60)[1] for p in starts]
    assert [p.returncode for p in starts] == [0, 0, 0, 0], errors
    store = Storage(database)
    assert store.schema_version == len(MIGRATIONS)
    store.close()


def test_upgrading_does_not_resend_reports_of_broadcasts_finished_before(tmp_path: Path) -> None:
    database = tmp_path / "old.sqlite3"
    db = sqlite3.connect(database, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:2], start=1):
        db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    db.execute("INSERT INTO announcements (id, kind, text, targets, status, created, finished) "
               "VALUES ('old', 'manual', 'x', '{}', 'done', 1.0, 2.0)")
    db.close()
    store = Storage(database)
    assert store.schema_version == len(MIGRATIONS) and store.unreported() == []
    store.close()


def test_one_vote_per_person_answer_and_part_kept_across_a_restart(tmp_path: Path) -> None:
    """Issue 21: a vote belongs to an answer message and a part of it; the first one of each person stands."""
    path = tmp_path / "bot.sqlite3"
    store = Storage(path)

    def vote(user: int, answer: tuple[int, int], entry: str = "a", value: int = 1) -> VoteTally | None:
        return store.record_vote(user_id=user, answer=answer, entry_id=entry, question="问题", value=value)

    assert vote(1, (-100, 5)) == VoteTally(1, 0)
    assert vote(2, (-100, 5), value=-1) == VoteTally(1, 1)  # another member of the group
    assert vote(1, (-100, 5), value=-1) is None  # again: the first vote stands
    assert vote(1, (-100, 5), entry="b") == VoteTally(1, 0)  # another part of the same answer
    assert vote(1, (-100, 6)) == VoteTally(1, 0)  # another answer
    assert vote(4242, (4242, 7)) == VoteTally(1, 0)  # a private chat
    store.close()
    store = Storage(path)  # a restart
    assert vote(2, (-100, 5)) is None and vote(4242, (4242, 7), value=-1) is None
    assert (store.stats().thumbs_up, store.stats().thumbs_down) == (4, 1)
    store.close()
    with sqlite3.connect(path) as db:  # neither the chat ids nor the user ids are stored
        kept = " ".join(f"{a} {u}" for a, u in db.execute("SELECT answer, user_hash FROM feedback"))
    assert "-100" not in kept and "4242" not in kept


def test_votes_from_before_version_6_are_kept_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:5], start=1):
        db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    for user, question, value in (("u1", "床位", 1), ("u1", "社工站", -1), ("u2", "床位", -1)):
        db.execute("INSERT INTO feedback (ts, user_hash, entry_id, question, value) VALUES (?, ?, 'elder-beds', ?, ?)",
                   (time.time(), user, question, value))
    db.close()
    store = Storage(path)
    assert store.schema_version == len(MIGRATIONS) == 6
    assert (store.stats().thumbs_up, store.stats().thumbs_down) == (1, 2)
    assert [kind for kind, _, _ in store.unanswered()].count("thumbs_down") == 2
    assert store.record_vote(user_id=1, answer=(1, 1), entry_id="elder-beds", question="床位", value=1) is not None
    store.close()
