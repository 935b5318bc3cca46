"""SQLite storage: the question log, feedback, group settings. WAL, versioned schema, migrated on open.

Every write commits before the call returns, so whatever the bot has acknowledged survives a kill.
User and chat ids are stored only as salted hashes (the salt lives in the database's meta table).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

__all__ = ["DailyCount", "QuestionLogEntry", "Stats", "Storage"]

# Each migration brings the schema from version i to i + 1. Never edit one that has shipped; append.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        ts REAL NOT NULL,
        user_hash TEXT NOT NULL,
        chat_type TEXT NOT NULL,
        text TEXT NOT NULL,
        status TEXT NOT NULL,
        entry_id TEXT,
        score REAL NOT NULL,
        suggestions TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX questions_ts ON questions (ts);
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        ts REAL NOT NULL,
        user_hash TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        question TEXT NOT NULL DEFAULT '',
        value INTEGER NOT NULL,
        UNIQUE (user_hash, entry_id, question)
    );
    CREATE TABLE group_settings (
        chat_id INTEGER PRIMARY KEY,
        auto_mode INTEGER NOT NULL DEFAULT 0,
        updated REAL NOT NULL
    );
    """,
)


@dataclass(frozen=True)
class QuestionLogEntry:
    ts: float
    text: str
    status: str
    entry_id: str | None
    score: float
    suggestions: str


@dataclass(frozen=True)
class DailyCount:
    day: str
    answered: int
    other: int


@dataclass(frozen=True)
class Stats:
    today: int
    week: int
    week_answered: int
    top_entries: list[tuple[str, int]]
    top_unanswered: list[tuple[str, int]]
    daily: list[DailyCount]
    thumbs_up: int
    thumbs_down: int

    @property
    def answered_share(self) -> float:
        return self.week_answered / self.week if self.week else 0.0


class Storage:
    """One SQLite database; safe to use from the event loop and from worker threads."""

    def __init__(self, path: str | Path, *, timezone: str = "Asia/Shanghai") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL" if self.path == ":memory:" else "PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self.tz = ZoneInfo(timezone)
        self._migrate()
        self._salt = self._meta("salt") or self._set_meta("salt", secrets.token_hex(16))

    # -- schema ---------------------------------------------------------------------------------

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.schema_version
        if version > len(MIGRATIONS):
            raise RuntimeError(
                f"database {self.path} has schema version {version}, newer than this bot ({len(MIGRATIONS)}); "
                "upgrade the bot"
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self._lock:
                self._db.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def _set_meta(self, key: str, value: str) -> str:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
        return value

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def hash_id(self, value: int) -> str:
        """A salted hash standing for a Telegram user id (the id itself is never stored)."""
        return hashlib.sha256(f"{self._salt}:{value}".encode()).hexdigest()[:24]

    # -- writes -----------------------------------------------------------------------------------

    def log_question(
        self,
        *,
        user_id: int,
        chat_type: str,
        text: str,
        status: str,
        entry_id: str | None,
        score: float,
        suggestions: list[str] | None = None,
        ts: float | None = None,
    ) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO questions (ts, user_hash, chat_type, text, status, entry_id, score, suggestions) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ts if ts is not None else time.time(),
                    self.hash_id(user_id),
                    chat_type,
                    text[:500],
                    status,
                    entry_id,
                    score,
                    ",".join(suggestions or []),
                ),
            )

    def record_feedback(self, *, user_id: int, entry_id: str, question: str, value: int) -> None:
        """👍 (+1) or 👎 (-1) for an answer; pressing again replaces the earlier vote."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO feedback (ts, user_hash, entry_id, question, value) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (user_hash, entry_id, question) DO UPDATE SET value = excluded.value, ts = excluded.ts",
                (time.time(), self.hash_id(user_id), entry_id, question[:500], value),
            )

    def set_auto_mode(self, chat_id: int, enabled: bool) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO group_settings (chat_id, auto_mode, updated) VALUES (?, ?, ?) "
                "ON CONFLICT (chat_id) DO UPDATE SET auto_mode = excluded.auto_mode, updated = excluded.updated",
                (chat_id, int(enabled), time.time()),
            )

    # -- reads ------------------------------------------------------------------------------------

    def auto_mode(self, chat_id: int, default: bool = False) -> bool:
        row = self._db.execute("SELECT auto_mode FROM group_settings WHERE chat_id = ?", (chat_id,)).fetchone()
        return bool(row[0]) if row else default

    def _day_start(self, now: float, days_back: int = 0) -> float:
        local = datetime.fromtimestamp(now, self.tz).replace(hour=0, minute=0, second=0, microsecond=0)
        return (local - timedelta(days=days_back)).timestamp()

    def stats(self, *, now: float | None = None, top: int = 5) -> Stats:
        now = time.time() if now is None else now
        today_start = self._day_start(now)
        week_start = self._day_start(now, 6)
        db = self._db
        today = db.execute("SELECT COUNT(*) FROM questions WHERE ts >= ?", (today_start,)).fetchone()[0]
        week, week_answered = db.execute(
            "SELECT COUNT(*), COALESCE(SUM(status = 'answered'), 0) FROM questions WHERE ts >= ?", (week_start,)
        ).fetchone()
        top_entries = db.execute(
            "SELECT entry_id, COUNT(*) AS n FROM questions WHERE ts >= ? AND status = 'answered' "
            "GROUP BY entry_id ORDER BY n DESC, entry_id LIMIT ?",
            (week_start, top),
        ).fetchall()
        top_unanswered = db.execute(
            "SELECT text, COUNT(*) AS n FROM questions WHERE ts >= ? AND status = 'no_match' AND text != '' "
            "GROUP BY text ORDER BY n DESC, MAX(ts) DESC LIMIT ?",
            (week_start, top),
        ).fetchall()
        daily: list[DailyCount] = []
        for back in range(6, -1, -1):
            start = self._day_start(now, back)
            end = self._day_start(now, back - 1) if back > 0 else now + 1
            answered, other = db.execute(
                "SELECT COALESCE(SUM(status = 'answered'), 0), COALESCE(SUM(status != 'answered'), 0) "
                "FROM questions WHERE ts >= ? AND ts < ?",
                (start, end),
            ).fetchone()
            daily.append(DailyCount(datetime.fromtimestamp(start, self.tz).strftime("%m-%d"), answered, other))
        up, down = db.execute(
            "SELECT COALESCE(SUM(value > 0), 0), COALESCE(SUM(value < 0), 0) FROM feedback WHERE ts >= ?",
            (week_start,),
        ).fetchone()
        return Stats(
            today=int(today),
            week=int(week),
            week_answered=int(week_answered),
            top_entries=[(str(e), int(n)) for e, n in top_entries],
            top_unanswered=[(str(t), int(n)) for t, n in top_unanswered],
            daily=daily,
            thumbs_up=int(up),
            thumbs_down=int(down),
        )

    def unanswered(self, *, limit: int = 20) -> list[tuple[str, str, str]]:
        """Recent unanswered questions and 👎 answers: (kind, question, entry ids it came closest to)."""
        rows = self._db.execute(
            "SELECT 'no_match', text, suggestions, MAX(ts) AS t FROM questions "
            "WHERE status = 'no_match' AND text != '' GROUP BY text "
            "UNION ALL SELECT 'thumbs_down', question, entry_id, MAX(ts) FROM feedback WHERE value < 0 "
            "GROUP BY question, entry_id ORDER BY t DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [(str(kind), str(text), str(near)) for kind, text, near, _ in rows]
