"""The bot's SQLite database: the connection, the schema and every migration, pseudonyms, retention.

WAL, versioned schema, migrated on open. Every write commits before the call returns, so whatever the
bot has acknowledged survives a kill. Residents' user ids are stored only as keyed pseudonyms (HMAC;
the key lives outside the database, see ``bot/privacy/pseudonym.py``); group chat ids are stored as they are,
because announcements must be sent to them. The folder is 0700 and the files 0600 (``bot/datafiles.py``);
deleted rows are overwritten (``secure_delete``).

Each room keeps its tables' queries and records in a store of its own, a :class:`Database` subclass:
``bot/answering/store.py`` (questions, feedback, group_settings), ``bot/teaching/store.py`` (picks, proposals,
kb_changes), ``bot/announcements/store.py`` (subscriptions, announcements, deliveries, schedules) and
``bot/reports/store.py`` (statistics over the question log); ``bot/storage.py`` joins them into the one
``Storage`` the bot opens. This module imports no room. The ``inbox`` table is read and written by
``bot/tg/inbox.py`` on a connection of its own.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from .datafiles import make_private_dir, make_private_file, tighten_database_files
from .privacy.pseudonym import Pseudonyms

__all__ = ["MIGRATIONS", "Database"]

logger = logging.getLogger(__name__)

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
    """
    CREATE TABLE subscriptions (
        chat_id INTEGER PRIMARY KEY,
        title TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '',
        active INTEGER NOT NULL DEFAULT 1,
        note TEXT NOT NULL DEFAULT '',
        created REAL NOT NULL,
        updated REAL NOT NULL
    );
    CREATE TABLE announcements (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        targets TEXT NOT NULL,
        pin INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL,
        report_chat INTEGER,
        due REAL,
        created REAL NOT NULL,
        started REAL,
        finished REAL
    );
    CREATE INDEX announcements_status ON announcements (status);
    CREATE TABLE deliveries (
        announcement_id TEXT NOT NULL REFERENCES announcements (id),
        chat_id INTEGER NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        message_id INTEGER,
        pinned INTEGER NOT NULL DEFAULT 0,
        error TEXT NOT NULL DEFAULT '',
        updated REAL NOT NULL,
        PRIMARY KEY (announcement_id, chat_id)
    );
    CREATE TABLE schedules (id TEXT PRIMARY KEY, first_seen REAL NOT NULL);
    """,
    # keyed pseudonyms (issue 13): user ids are HMACs with a key kept outside the database now. The old
    # salt goes, so the salted hashes already stored can no longer be reversed by trying every id; those
    # rows keep their old (24-hex) pseudonym, new rows get a 32-hex one. See Database._forget_salt.
    """
    DELETE FROM meta WHERE key = 'salt';
    """,
    # teaching from Telegram (issue 11): residents' picks, proposals for admins, the history of edits
    """
    CREATE TABLE picks (
        question_id INTEGER PRIMARY KEY REFERENCES questions (id),
        ts REAL NOT NULL,
        entry_id TEXT NOT NULL,
        kind TEXT NOT NULL
    );
    CREATE TABLE proposals (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        question TEXT NOT NULL,
        texts TEXT NOT NULL DEFAULT '[]',
        asked INTEGER NOT NULL DEFAULT 0,
        last_asked REAL NOT NULL DEFAULT 0,
        entry_id TEXT,
        reason TEXT NOT NULL DEFAULT '',
        choices TEXT NOT NULL DEFAULT '[]',
        rev INTEGER NOT NULL DEFAULT 0,
        chosen INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'open',
        updated REAL NOT NULL
    );
    CREATE TABLE kb_changes (
        id INTEGER PRIMARY KEY,
        ts REAL NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        file TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        question TEXT NOT NULL,
        hunk TEXT NOT NULL,
        file_before TEXT NOT NULL,
        file_after TEXT NOT NULL,
        base_before TEXT NOT NULL,
        base_after TEXT NOT NULL,
        reverts INTEGER REFERENCES kb_changes (id),
        undone_by INTEGER REFERENCES kb_changes (id),
        proposal_id INTEGER REFERENCES proposals (id),
        git_commit TEXT NOT NULL DEFAULT ''
    );
    """,
    # 5: the durable inbox (issue 12) of Telegram updates (see bot/tg/inbox.py); when a broadcast's report was sent
    """
    CREATE TABLE inbox (
        update_id INTEGER PRIMARY KEY,
        payload TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        received REAL NOT NULL,
        updated REAL NOT NULL,
        error TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX inbox_status ON inbox (status);
    ALTER TABLE announcements ADD COLUMN reported REAL;
    UPDATE announcements SET reported = COALESCE(finished, created) WHERE status IN ('done', 'cancelled', 'missed');
    """,
    # 6 (issue 21): a vote belongs to one answer message and one part of it (its entry): one per person there,
    # kept across restarts. ``answer`` names the message by the chat's pseudonym and the message id; votes from
    # before had no message, each keeps one of its own. (SQLite cannot drop a UNIQUE: the table is rebuilt.)
    """
    CREATE TABLE feedback_votes (
        id INTEGER PRIMARY KEY,
        ts REAL NOT NULL,
        user_hash TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        question TEXT NOT NULL DEFAULT '',
        value INTEGER NOT NULL,
        answer TEXT NOT NULL,
        UNIQUE (answer, entry_id, user_hash)
    );
    INSERT INTO feedback_votes (id, ts, user_hash, entry_id, question, value, answer)
        SELECT id, ts, user_hash, entry_id, question, value, 'before-6:' || id FROM feedback;
    DROP TABLE feedback;
    ALTER TABLE feedback_votes RENAME TO feedback;
    CREATE INDEX feedback_ts ON feedback (ts);
    """,
)


def _statements(script: str) -> list[str]:
    """The SQL statements of a migration script, one by one (so they run inside the caller's transaction)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


SALT_REMOVED_IN = 3  # the schema version whose migration deletes the old salt


class Database:
    """One SQLite database; safe to use from the event loop and from worker threads."""

    def __init__(self, path: str | Path, *, timezone: str = "Asia/Shanghai", pseudonym_key: str = "") -> None:
        """Open (create, migrate) the database. ``pseudonym_key`` (from config or environment) keys the
        user-id pseudonyms; without it the key file beside the database is used, created on first run."""
        self.path = str(path)
        memory = self.path == ":memory:"
        if not memory:
            file = Path(self.path)
            make_private_dir(file.parent, owned_prefix=file.name)
            make_private_file(file)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL" if memory else "PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.execute("PRAGMA secure_delete=ON")
        if not memory:
            tighten_database_files(Path(self.path))  # -wal and -shm of an older version, too
        self.tz = ZoneInfo(timezone)
        self._migrate()
        if memory:
            self.pseudonyms = Pseudonyms((pseudonym_key or secrets.token_hex(32)).encode())
        else:
            self.pseudonyms = Pseudonyms.for_database(self.path, pseudonym_key)
        self._check_pseudonym_key()

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
                # BEGIN IMMEDIATE waits for another process starting at the same moment; the version is read
                # again inside the transaction, so a migration that process applied first is skipped
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    if self.schema_version < number:
                        for statement in _statements(script):
                            self._db.execute(statement)
                        self._db.execute(f"PRAGMA user_version = {number}")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
        if version < SALT_REMOVED_IN <= len(MIGRATIONS):
            self._forget_salt()

    def _forget_salt(self) -> None:
        """After the salt's row is deleted (zeroed: secure_delete), empty the WAL too, so no copy of it is left."""
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _check_pseudonym_key(self) -> None:
        known = self._meta("pseudonym_check")
        if known is None:
            self._set_meta("pseudonym_check", self.pseudonyms.check)
        elif known != self.pseudonyms.check:
            logger.warning("the pseudonym key differs from the one this database was written with (key file lost "
                           "or changed?): people who asked before will count as new people")

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
        """The keyed pseudonym standing for a Telegram user id (the id itself is never stored)."""
        return self.pseudonyms.of(value)

    # -- across the rooms' tables ----------------------------------------------------------------

    def forget_old_texts(self, *, days: float, now: float | None = None) -> dict[str, int]:
        """Residents' words older than ``days`` reduced to counts; how many rows of each table were changed.

        A question keeps its time, chat type, outcome, entry, score and suggestions, and loses its text and
        pseudonym; a 👍/👎 keeps its time, entry and value, and loses the question, the pseudonym and the answer it
        was given on (whose chat pseudonym is, in a private chat, the person's); a
        proposal not asked since is deleted, unless an admin accepted it (then its question is part of the
        knowledge base) and only the residents' wordings go.
        """
        cutoff = (time.time() if now is None else now) - days * 86400
        with self._tx() as db:
            questions = db.execute(
                "UPDATE questions SET text = '', user_hash = '' WHERE ts < ? AND (text != '' OR user_hash != '')",
                (cutoff,),
            ).rowcount
            feedback = db.execute(  # the answer goes too: in a private chat its pseudonym is the person's
                "UPDATE feedback SET question = '', user_hash = 'expired:' || id, answer = 'expired:' || id "
                "WHERE ts < ? AND user_hash NOT LIKE 'expired:%'",
                (cutoff,),
            ).rowcount
            proposals = db.execute(
                "DELETE FROM proposals WHERE last_asked < ? AND updated < ? AND status != 'accepted'", (cutoff, cutoff)
            ).rowcount
            proposals += db.execute(
                "UPDATE proposals SET texts = '[]' WHERE last_asked < ? AND status = 'accepted' AND texts != '[]'",
                (cutoff,),
            ).rowcount
        if questions or feedback or proposals:
            with self._lock:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no old copy of the texts left in the WAL
        return {"questions": questions, "feedback": feedback, "proposals": proposals}

    def migrate_chat(self, old: int, new: int) -> None:
        """A group became a supergroup with a new id: move its subscription and settings there."""
        with self._tx() as db:
            for table in ("subscriptions", "group_settings"):
                if db.execute(f"SELECT 1 FROM {table} WHERE chat_id = ?", (new,)).fetchone():
                    db.execute(f"DELETE FROM {table} WHERE chat_id = ?", (old,))
                else:
                    db.execute(f"UPDATE {table} SET chat_id = ? WHERE chat_id = ?", (new, old))
            db.execute("UPDATE subscriptions SET updated = ? WHERE chat_id = ?", (time.time(), new))
