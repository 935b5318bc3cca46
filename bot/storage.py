"""SQLite storage: the question log, feedback, group settings, subscriptions and the announcement ledger.

WAL, versioned schema, migrated on open. Every write commits before the call returns, so whatever the
bot has acknowledged survives a kill. Residents' user ids are stored only as keyed pseudonyms (HMAC;
the key lives outside the database, see ``bot/privacy/pseudonym.py``); group chat ids are stored as they are,
because announcements must be sent to them. The folder is 0700 and the files 0600 (``bot/datafiles.py``);
deleted rows are overwritten (``secure_delete``).

The announcement ledger has one row per (announcement, chat). A broadcast freezes its recipients as
``pending`` rows in the same transaction that starts it; each row becomes ``sending`` just before the
Bot API call and ``sent``/``failed`` right after, so a restart knows exactly which groups are done.
"""

from __future__ import annotations

import json
import logging
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

from .datafiles import make_private_dir, make_private_file, tighten_database_files
from .privacy.mask import mask_private_data
from .privacy.pseudonym import Pseudonyms

__all__ = [
    "AnnouncementRecord",
    "ChangeRecord",
    "DailyCount",
    "Delivery",
    "DeliveryReport",
    "ProposalRecord",
    "QuestionLogEntry",
    "QuestionRecord",
    "Signal",
    "Stats",
    "Storage",
    "Subscription",
    "VoteTally",
]

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
    # rows keep their old (24-hex) pseudonym, new rows get a 32-hex one. See Storage._forget_salt.
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

# Announcement states: draft (previewed, not confirmed) → sending → done; or cancelled, or missed.
# Delivery states: pending → sending → sent | failed; a row left 'sending' by a crash becomes 'unknown'.
UNFINISHED_DELIVERY = ("pending", "sending")


@dataclass(frozen=True)
class QuestionLogEntry:
    ts: float
    text: str
    status: str
    entry_id: str | None
    score: float
    suggestions: str


@dataclass(frozen=True)
class Subscription:
    chat_id: int
    title: str
    tags: tuple[str, ...]
    active: bool
    note: str
    created: float
    updated: float


@dataclass(frozen=True)
class AnnouncementRecord:
    id: str
    kind: str  # "manual" or "scheduled"
    text: str
    targets: dict[str, object]
    pin: bool
    status: str
    report_chat: int | None
    due: float | None
    created: float


@dataclass(frozen=True)
class Delivery:
    chat_id: int
    title: str
    status: str
    message_id: int | None
    pinned: bool
    error: str


@dataclass(frozen=True)
class DeliveryReport:
    announcement: AnnouncementRecord
    deliveries: tuple[Delivery, ...]

    def count(self, status: str) -> int:
        return sum(1 for d in self.deliveries if d.status == status)

    @property
    def total(self) -> int:
        return len(self.deliveries)

    @property
    def pinned(self) -> int:
        return sum(1 for d in self.deliveries if d.pinned)


@dataclass(frozen=True)
class QuestionRecord:
    id: int
    ts: float
    text: str
    status: str
    entry_id: str | None
    suggestions: tuple[str, ...]


@dataclass(frozen=True)
class Signal:
    """A logged question that may teach the base something, with the entry the resident picked after it."""

    ts: float
    text: str
    status: str
    entry_id: str | None  # answered / partial: the entry given
    suggestions: tuple[str, ...]
    picked: str | None  # the entry the resident tapped afterwards, if any
    pick_kind: str | None  # 'ambiguous' (a candidate tapped) or 'thumbs_down' (👎, then a related question)


@dataclass(frozen=True)
class ProposalRecord:
    """Questions residents asked that an admin may add to an entry (status open, accepted or ignored)."""

    id: int
    key: str
    question: str
    texts: tuple[tuple[str, int], ...]  # the questions it covers, with how often each was asked
    asked: int
    last_asked: float
    entry_id: str | None
    reason: str
    choices: tuple[str, ...]
    rev: int  # bumped on every change, so that a button shown before the change is recognised as stale
    status: str


@dataclass(frozen=True)
class ChangeRecord:
    """One edit of the knowledge base made through the bot or the command line."""

    ts: float
    actor: str
    action: str  # 'add_question' or 'undo'
    file: str
    entry_id: str
    question: str
    hunk: str  # JSON of bot.teaching.yamledit.Hunk: the exact lines removed and added
    file_before: str
    file_after: str
    base_before: str
    base_after: str
    reverts: int | None = None
    undone_by: int | None = None
    proposal_id: int | None = None
    git_commit: str = ""
    id: int = 0


@dataclass(frozen=True)
class VoteTally:
    """The 👍 and 👎 one part of one answer has had (in a group, from several members)."""

    up: int
    down: int


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
    week_smalltalk: int = 0  # 你好/谢谢/你是谁: not questions, left out of the counts above
    week_suggested: int = 0  # replies that offered "您是想问" choices: neither answered nor unanswered

    @property
    def answered_share(self) -> float:
        """The share of real questions (small talk and "您是想问" choices left out) that were answered."""
        return self.week_answered / self.week if self.week else 0.0


# Outcomes that are not counted as questions in the statistics: small talk, and replies that offered
# "您是想问" choices (the person picks one; the pick is answered), so neither lowers the answer rate.
_NOT_COUNTED = "('smalltalk', 'ambiguous')"


class Storage:
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
                    mask_private_data(text)[:500],
                    status,
                    entry_id,
                    score,
                    ",".join(suggestions or []),
                ),
            )

    def record_vote(
        self, *, user_id: int, answer: tuple[int, int] | None, entry_id: str, question: str, value: int
    ) -> VoteTally | None:
        """A person's 👍 (+1) or 👎 (-1) on one part (``entry_id``) of the answer ``answer`` (chat id, message id):
        the votes on that part of that answer so far; None when this person had voted there already (the first
        vote stands). The chat is stored as a pseudonym, like the person. ``answer`` None: a vote with no message
        to tie it to, counted on its own."""
        where = (f"{self.hash_id(answer[0])}:{answer[1]}" if answer is not None
                 else f"single:{secrets.token_hex(8)}")
        with self._tx() as db:
            taken = db.execute(
                "INSERT INTO feedback (ts, user_hash, entry_id, question, value, answer) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (answer, entry_id, user_hash) DO NOTHING",
                (time.time(), self.hash_id(user_id), entry_id, mask_private_data(question)[:500], value, where),
            ).rowcount
            up, down = db.execute(
                "SELECT COALESCE(SUM(value > 0), 0), COALESCE(SUM(value < 0), 0) FROM feedback "
                "WHERE answer = ? AND entry_id = ?",
                (where, entry_id),
            ).fetchone()
        return VoteTally(int(up), int(down)) if taken else None

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

    def remember_admin_name(self, user_id: int, name: str) -> None:
        """Keep the name an admin goes by on Telegram, for the edit history (written only when it changed)."""
        key = f"admin_name:{user_id}"
        if name and self._meta(key) != name:
            self._set_meta(key, name)

    def admin_names(self) -> dict[int, str]:
        """Admins' Telegram names by user id, as last seen when they used an admin command."""
        rows = self._db.execute("SELECT key, value FROM meta WHERE key LIKE 'admin_name:%'").fetchall()
        return {int(str(key).partition(":")[2]): str(value) for key, value in rows}

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
        real = f"status NOT IN {_NOT_COUNTED}"
        today = db.execute(f"SELECT COUNT(*) FROM questions WHERE ts >= ? AND {real}", (today_start,)).fetchone()[0]
        week, week_answered, smalltalk, suggested = db.execute(
            f"SELECT COALESCE(SUM({real}), 0), COALESCE(SUM(status = 'answered'), 0), "
            "COALESCE(SUM(status = 'smalltalk'), 0), COALESCE(SUM(status = 'ambiguous'), 0) "
            "FROM questions WHERE ts >= ?",
            (week_start,),
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
                f"SELECT COALESCE(SUM(status = 'answered'), 0), COALESCE(SUM(status != 'answered' AND {real}), 0) "
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
            week_smalltalk=int(smalltalk),
            week_suggested=int(suggested),
        )

    def unanswered(self, *, limit: int = 20) -> list[tuple[str, str, str]]:
        """Recent unanswered (no_match), partly answered (partial) and 👎 questions: (kind, question, nearest ids)."""
        rows = self._db.execute(
            "SELECT MAX(status), text, suggestions, MAX(ts) AS t FROM questions "
            "WHERE status IN ('no_match', 'partial') AND text != '' GROUP BY text "
            "UNION ALL SELECT 'thumbs_down', question, entry_id, MAX(ts) FROM feedback WHERE value < 0 "
            "GROUP BY question, entry_id ORDER BY t DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [(str(kind), str(text), str(near)) for kind, text, near, _ in rows]

    # -- teaching (issue 11): picks, proposals, the history of knowledge edits ------------------------

    def last_question(self, user_id: int, *, since: float) -> QuestionRecord | None:
        """The person's most recent logged question since ``since``, if any."""
        row = self._db.execute(
            "SELECT id, ts, text, status, entry_id, suggestions FROM questions WHERE user_hash = ? AND ts >= ? "
            "ORDER BY id DESC LIMIT 1",
            (self.hash_id(user_id), since),
        ).fetchone()
        if row is None:
            return None
        ident, ts, text, status, entry_id, suggestions = row
        return QuestionRecord(int(ident), float(ts), str(text), str(status), entry_id,
                              tuple(s for s in str(suggestions).split(",") if s))

    def voted_down(self, user_id: int, entry_id: str, *, since: float) -> bool:
        """Whether the person pressed 👎 on this entry's answer since ``since``."""
        row = self._db.execute(
            "SELECT 1 FROM feedback WHERE user_hash = ? AND entry_id = ? AND value < 0 AND ts >= ?",
            (self.hash_id(user_id), entry_id, since),
        ).fetchone()
        return row is not None

    def record_pick(self, question_id: int, entry_id: str, kind: str) -> None:
        """A resident picked ``entry_id`` after asking ``question_id`` (a later pick replaces an earlier one)."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO picks (question_id, ts, entry_id, kind) VALUES (?, ?, ?, ?) ON CONFLICT (question_id) "
                "DO UPDATE SET ts = excluded.ts, entry_id = excluded.entry_id, kind = excluded.kind",
                (question_id, time.time(), entry_id, kind),
            )

    def learning_signals(self, *, since: float, limit: int = 5000) -> list[Signal]:
        """Questions that may teach the base something: not answered, partly answered, or followed by a pick."""
        rows = self._db.execute(
            "SELECT q.ts, q.text, q.status, q.entry_id, q.suggestions, p.entry_id, p.kind FROM questions q "
            "LEFT JOIN picks p ON p.question_id = q.id WHERE q.ts >= ? AND q.text != '' "
            "AND (q.status IN ('no_match', 'partial', 'ambiguous') OR p.entry_id IS NOT NULL) "
            "ORDER BY q.id DESC LIMIT ?",
            (since, limit),
        ).fetchall()
        return [
            Signal(float(ts), str(text), str(status), entry_id, tuple(s for s in str(near).split(",") if s),
                   picked, kind)
            for ts, text, status, entry_id, near, picked, kind in rows
        ]

    def proposals(self, *, statuses: tuple[str, ...] = ("open",)) -> list[ProposalRecord]:
        """Proposals in these states, the most asked first."""
        rows = self._db.execute(
            f"SELECT {_PROPOSAL_COLUMNS} FROM proposals WHERE status IN ({','.join('?' * len(statuses))}) "
            "ORDER BY asked DESC, last_asked DESC, id",
            statuses,
        ).fetchall()
        return [_proposal(row) for row in rows]

    def proposal(self, proposal_id: int) -> ProposalRecord | None:
        row = self._db.execute(f"SELECT {_PROPOSAL_COLUMNS} FROM proposals WHERE id = ?", (proposal_id,)).fetchone()
        return _proposal(row) if row else None

    def proposal_by_key(self, key: str) -> ProposalRecord | None:
        row = self._db.execute(f"SELECT {_PROPOSAL_COLUMNS} FROM proposals WHERE key = ?", (key,)).fetchone()
        return _proposal(row) if row else None

    def save_proposal(
        self,
        key: str,
        *,
        question: str,
        texts: list[tuple[str, int]],
        asked: int,
        last_asked: float,
        entry_id: str | None,
        reason: str,
        choices: list[str],
    ) -> ProposalRecord:
        """Create or refresh the proposal for ``key`` (a question the base does not answer now): an entry an
        admin chose (🔁) is kept, an ignored proposal stays ignored, any other is open again."""
        question = mask_private_data(question)
        texts = [(mask_private_data(text), count) for text, count in texts]
        with self._tx() as db:
            db.execute(
                "INSERT INTO proposals (key, question, texts, asked, last_asked, entry_id, reason, choices, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET question = excluded.question, "
                "texts = excluded.texts, asked = excluded.asked, last_asked = excluded.last_asked, "
                "entry_id = CASE WHEN chosen THEN entry_id ELSE excluded.entry_id END, "
                "reason = CASE WHEN chosen THEN reason ELSE excluded.reason END, "
                "choices = CASE WHEN chosen THEN choices ELSE excluded.choices END, "
                "rev = CASE WHEN status IN ('open', 'ignored') AND (chosen OR (entry_id IS excluded.entry_id "
                "AND choices = excluded.choices)) THEN rev ELSE rev + 1 END, "
                "status = CASE WHEN status = 'ignored' THEN status ELSE 'open' END, updated = excluded.updated",
                (key, question, json.dumps(texts, ensure_ascii=False), asked, last_asked, entry_id, reason,
                 json.dumps(choices), time.time()),
            )
        found = self.proposal_by_key(key)
        assert found is not None
        return found

    def update_proposal(
        self, proposal_id: int, *, rev: int, entry_id: str | None = None, choices: list[str] | None = None,
        reason: str | None = None,
    ) -> ProposalRecord | None:
        """An admin chose an entry or searched: change the proposal if it is still at ``rev`` (else None)."""
        with self._tx() as db:
            cursor = db.execute(
                "UPDATE proposals SET entry_id = COALESCE(?, entry_id), choices = COALESCE(?, choices), "
                "reason = COALESCE(?, reason), chosen = chosen OR ? IS NOT NULL, rev = rev + 1, updated = ? "
                "WHERE id = ? AND rev = ? AND status = 'open'",
                (entry_id, json.dumps(choices) if choices is not None else None, reason, entry_id, time.time(),
                 proposal_id, rev),
            )
        return self.proposal(proposal_id) if cursor.rowcount else None

    def set_proposal_status(self, proposal_id: int, status: str, *, expect: str | None = None) -> bool:
        """Mark a proposal open, accepted or ignored; with ``expect``, only from that status."""
        with self._tx() as db:
            sql = "UPDATE proposals SET status = ?, rev = rev + 1, updated = ? WHERE id = ?"
            params: tuple[object, ...] = (status, time.time(), proposal_id)
            if expect is not None:
                sql += " AND status = ?"
                params += (expect,)
            cursor = db.execute(sql, params)
        return cursor.rowcount > 0

    def record_change(self, change: ChangeRecord) -> ChangeRecord:
        """Add a knowledge edit to the history (an undo also marks the change it reverts); returns it with its id."""
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO kb_changes (ts, actor, action, file, entry_id, question, hunk, file_before, file_after, "
                "base_before, base_after, reverts, proposal_id, git_commit) "
                f"VALUES ({', '.join('?' * 14)})",
                (change.ts, change.actor, change.action, change.file, change.entry_id, change.question, change.hunk,
                 change.file_before, change.file_after, change.base_before, change.base_after, change.reverts,
                 change.proposal_id, change.git_commit),
            )
            ident = int(cursor.lastrowid or 0)
            if change.reverts is not None:
                db.execute("UPDATE kb_changes SET undone_by = ? WHERE id = ?", (ident, change.reverts))
        found = self.change(ident)
        assert found is not None
        return found

    def set_change_commit(self, change_id: int, commit: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE kb_changes SET git_commit = ? WHERE id = ?", (commit, change_id))

    def change(self, change_id: int) -> ChangeRecord | None:
        row = self._db.execute(f"SELECT {_CHANGE_COLUMNS} FROM kb_changes WHERE id = ?", (change_id,)).fetchone()
        return _change(row) if row else None

    def changes(self, *, limit: int = 10) -> list[ChangeRecord]:
        """The most recent knowledge edits, newest first."""
        rows = self._db.execute(
            f"SELECT {_CHANGE_COLUMNS} FROM kb_changes ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [_change(row) for row in rows]

    def last_undoable_change(self) -> ChangeRecord | None:
        """The newest edit that is not an undo and has not been undone."""
        row = self._db.execute(
            f"SELECT {_CHANGE_COLUMNS} FROM kb_changes WHERE reverts IS NULL AND undone_by IS NULL "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return _change(row) if row else None

    # -- subscriptions ----------------------------------------------------------------------------

    def subscribe(self, chat_id: int, *, title: str, tags: list[str] | tuple[str, ...] = ()) -> Subscription:
        """Subscribe a group (again), replacing its tags; a group marked inactive becomes active."""
        now = time.time()
        with self._tx() as db:
            db.execute(
                "INSERT INTO subscriptions (chat_id, title, tags, active, note, created, updated) "
                "VALUES (?, ?, ?, 1, '', ?, ?) ON CONFLICT (chat_id) DO UPDATE SET title = excluded.title, "
                "tags = excluded.tags, active = 1, note = '', updated = excluded.updated",
                (chat_id, title, ",".join(dict.fromkeys(tags)), now, now),
            )
        found = self.subscription(chat_id)
        assert found is not None
        return found

    def deactivate(self, chat_id: int, note: str) -> bool:
        """Mark a subscribed group inactive (the bot was removed or cannot write there), with why."""
        with self._tx() as db:
            cursor = db.execute(
                "UPDATE subscriptions SET active = 0, note = ?, updated = ? WHERE chat_id = ? AND active",
                (note, time.time(), chat_id),
            )
        return cursor.rowcount > 0

    def migrate_chat(self, old: int, new: int) -> None:
        """A group became a supergroup with a new id: move its subscription and settings there."""
        with self._tx() as db:
            for table in ("subscriptions", "group_settings"):
                if db.execute(f"SELECT 1 FROM {table} WHERE chat_id = ?", (new,)).fetchone():
                    db.execute(f"DELETE FROM {table} WHERE chat_id = ?", (old,))
                else:
                    db.execute(f"UPDATE {table} SET chat_id = ? WHERE chat_id = ?", (new, old))
            db.execute("UPDATE subscriptions SET updated = ? WHERE chat_id = ?", (time.time(), new))

    def subscription(self, chat_id: int) -> Subscription | None:
        row = self._db.execute(
            f"SELECT {_SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE chat_id = ?", (chat_id,)
        ).fetchone()
        return _subscription(row) if row else None

    def subscriptions(self, *, active_only: bool = True) -> list[Subscription]:
        rows = self._db.execute(
            f"SELECT {_SUBSCRIPTION_COLUMNS} FROM subscriptions "
            + ("WHERE active " if active_only else "")
            + "ORDER BY active DESC, title, chat_id"
        ).fetchall()
        return [_subscription(row) for row in rows]

    def recipients(self, targets: dict[str, object]) -> list[Subscription]:
        """Active subscriptions an announcement with these targets goes to (see ``Targets.to_json``)."""
        active = self.subscriptions()
        if targets.get("all"):
            return active
        raw_tags, raw_chats = targets.get("tags") or [], targets.get("chats") or []
        assert isinstance(raw_tags, list) and isinstance(raw_chats, list)
        tags = {str(t) for t in raw_tags}
        chats = {int(str(c)) for c in raw_chats}
        return [s for s in active if s.chat_id in chats or tags.intersection(s.tags)]

    # -- announcements and the delivery ledger ------------------------------------------------------

    def create_announcement(
        self,
        announcement_id: str,
        *,
        kind: str,
        text: str,
        targets: dict[str, object],
        pin: bool = False,
        status: str = "draft",
        report_chat: int | None = None,
        due: float | None = None,
    ) -> bool:
        """Record an announcement; False (and nothing changes) if the id exists already."""
        with self._tx() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO announcements (id, kind, text, targets, pin, status, report_chat, due, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (announcement_id, kind, text, json.dumps(targets, ensure_ascii=False), int(pin), status,
                 report_chat, due, time.time()),
            )
        return cursor.rowcount > 0

    def announcement(self, announcement_id: str) -> AnnouncementRecord | None:
        row = self._db.execute(
            f"SELECT {_ANNOUNCEMENT_COLUMNS} FROM announcements WHERE id = ?", (announcement_id,)
        ).fetchone()
        return _announcement(row) if row else None

    def announcements(self, *, status: str | None = None, limit: int = 50) -> list[AnnouncementRecord]:
        where = "WHERE status = ? " if status else ""
        rows = self._db.execute(
            f"SELECT {_ANNOUNCEMENT_COLUMNS} FROM announcements "
            f"{where}ORDER BY created DESC LIMIT ?",
            ((status, limit) if status else (limit,)),
        ).fetchall()
        return [_announcement(row) for row in rows]

    def set_announcement_status(self, announcement_id: str, status: str, *, expect: str | None = None) -> bool:
        """Change the status; with ``expect``, only from that status (False if it was something else)."""
        with self._tx() as db:
            sql = "UPDATE announcements SET status = ?, finished = CASE WHEN ? IN ('done', 'cancelled', 'missed') " \
                  "THEN ? ELSE finished END WHERE id = ?"
            params: tuple[object, ...] = (status, status, time.time(), announcement_id)
            if expect is not None:
                sql += " AND status = ?"
                params += (expect,)
            cursor = db.execute(sql, params)
        return cursor.rowcount > 0

    def start_broadcast(self, announcement_id: str, recipients: list[Subscription], *, pin: bool | None = None,
                        expect: str = "draft") -> bool:
        """Freeze the recipients as pending deliveries and mark the announcement sending, atomically.

        False if the announcement is not in state ``expect`` (e.g. someone already pressed 发送).
        """
        now = time.time()
        with self._tx() as db:
            cursor = db.execute(
                "UPDATE announcements SET status = 'sending', started = ?, pin = COALESCE(?, pin) "
                "WHERE id = ? AND status = ?",
                (now, None if pin is None else int(pin), announcement_id, expect),
            )
            if cursor.rowcount == 0:
                return False
            db.executemany(
                "INSERT OR IGNORE INTO deliveries (announcement_id, chat_id, title, status, updated) "
                "VALUES (?, ?, ?, 'pending', ?)",
                [(announcement_id, s.chat_id, s.title, now) for s in recipients],
            )
        return True

    def unfinished_broadcasts(self) -> list[AnnouncementRecord]:
        return self.announcements(status="sending", limit=1000)

    def deliveries(self, announcement_id: str, *, statuses: tuple[str, ...] | None = None) -> list[Delivery]:
        sql = "SELECT chat_id, title, status, message_id, pinned, error FROM deliveries WHERE announcement_id = ?"
        params: list[object] = [announcement_id]
        if statuses:
            sql += f" AND status IN ({','.join('?' * len(statuses))})"
            params.extend(statuses)
        rows = self._db.execute(sql + " ORDER BY rowid", params).fetchall()
        return [Delivery(int(c), str(t), str(s), m, bool(p), str(e)) for c, t, s, m, p, e in rows]

    def mark_delivery(
        self,
        announcement_id: str,
        chat_id: int,
        status: str,
        *,
        message_id: int | None = None,
        pinned: bool = False,
        error: str = "",
    ) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE deliveries SET status = ?, message_id = COALESCE(?, message_id), pinned = ?, error = ?, "
                "updated = ? WHERE announcement_id = ? AND chat_id = ?",
                (status, message_id, int(pinned), error, time.time(), announcement_id, chat_id),
            )

    def move_delivery(self, announcement_id: str, old: int, new: int) -> bool:
        """Point an unfinished delivery at a group's new id; False (and the old row is dropped, so the
        group counts once) if the new id has its own row in this broadcast already."""
        with self._tx() as db:
            if db.execute(
                "SELECT 1 FROM deliveries WHERE announcement_id = ? AND chat_id = ?", (announcement_id, new)
            ).fetchone():
                db.execute("DELETE FROM deliveries WHERE announcement_id = ? AND chat_id = ?", (announcement_id, old))
                return False
            db.execute(
                "UPDATE deliveries SET chat_id = ?, updated = ? WHERE announcement_id = ? AND chat_id = ?",
                (new, time.time(), announcement_id, old),
            )
        return True

    def mark_interrupted(self, announcement_id: str, note: str) -> list[Delivery]:
        """After a crash: rows left 'sending' may or may not have reached Telegram; mark them 'unknown'."""
        with self._tx() as db:
            db.execute(
                "UPDATE deliveries SET status = 'unknown', error = ?, updated = ? "
                "WHERE announcement_id = ? AND status = 'sending'",
                (note, time.time(), announcement_id),
            )
        return self.deliveries(announcement_id, statuses=("unknown",))

    def requeue(self, announcement_id: str, chat_ids: list[int]) -> int:
        """Put these groups' deliveries back to pending (an admin's 重试); reopens the announcement."""
        if not chat_ids:
            return 0
        with self._tx() as db:
            cursor = db.execute(
                f"UPDATE deliveries SET status = 'pending', error = '', updated = ? WHERE announcement_id = ? "
                f"AND status IN ('failed', 'unknown') AND chat_id IN ({','.join('?' * len(chat_ids))})",
                (time.time(), announcement_id, *chat_ids),
            )
            if cursor.rowcount:
                db.execute("UPDATE announcements SET status = 'sending', finished = NULL WHERE id = ?",
                           (announcement_id,))
        return cursor.rowcount

    def report(self, announcement_id: str) -> DeliveryReport | None:
        record = self.announcement(announcement_id)
        if record is None:
            return None
        return DeliveryReport(record, tuple(self.deliveries(announcement_id)))

    def mark_reported(self, announcement_id: str) -> None:
        """The final report of a broadcast reached the admins (or was not needed)."""
        with self._tx() as db:
            db.execute("UPDATE announcements SET reported = ? WHERE id = ?", (time.time(), announcement_id))

    def unreported(self) -> list[str]:
        """Finished broadcasts whose report the admins never got (the process stopped just before)."""
        rows = self._db.execute(
            "SELECT id FROM announcements WHERE status = 'done' AND reported IS NULL ORDER BY created"
        ).fetchall()
        return [str(row[0]) for row in rows]

    def schedule_first_seen(self, schedule_id: str, now: float | None = None) -> float:
        """When the bot first loaded this scheduled announcement (recorded on the first call)."""
        with self._tx() as db:
            db.execute("INSERT OR IGNORE INTO schedules (id, first_seen) VALUES (?, ?)",
                       (schedule_id, time.time() if now is None else now))
        row = self._db.execute("SELECT first_seen FROM schedules WHERE id = ?", (schedule_id,)).fetchone()
        return float(row[0])


# the columns _proposal and _change read, in their order
_PROPOSAL_COLUMNS = "id, key, question, texts, asked, last_asked, entry_id, reason, choices, rev, status"
_CHANGE_COLUMNS = ("id, ts, actor, action, file, entry_id, question, hunk, file_before, file_after, base_before, "
                   "base_after, reverts, undone_by, proposal_id, git_commit")


def _proposal(row: tuple[object, ...]) -> ProposalRecord:
    ident, key, question, texts, asked, last_asked, entry_id, reason, choices, rev, status = row
    return ProposalRecord(
        id=int(str(ident)), key=str(key), question=str(question),
        texts=tuple((str(t), int(n)) for t, n in json.loads(str(texts))), asked=int(str(asked)),
        last_asked=float(str(last_asked)), entry_id=str(entry_id) if entry_id is not None else None,
        reason=str(reason), choices=tuple(str(c) for c in json.loads(str(choices))), rev=int(str(rev)),
        status=str(status),
    )


def _change(row: tuple[object, ...]) -> ChangeRecord:
    (ident, ts, actor, action, file, entry_id, question, hunk, file_before, file_after, base_before, base_after,
     reverts, undone_by, proposal_id, git_commit) = row
    return ChangeRecord(
        id=int(str(ident)), ts=float(str(ts)), actor=str(actor), action=str(action), file=str(file),
        entry_id=str(entry_id), question=str(question), hunk=str(hunk), file_before=str(file_before),
        file_after=str(file_after), base_before=str(base_before), base_after=str(base_after),
        reverts=int(str(reverts)) if reverts is not None else None,
        undone_by=int(str(undone_by)) if undone_by is not None else None,
        proposal_id=int(str(proposal_id)) if proposal_id is not None else None, git_commit=str(git_commit),
    )


# the columns _subscription and _announcement read, in their order
_SUBSCRIPTION_COLUMNS = "chat_id, title, tags, active, note, created, updated"
_ANNOUNCEMENT_COLUMNS = "id, kind, text, targets, pin, status, report_chat, due, created"


def _subscription(row: tuple[object, ...]) -> Subscription:
    chat_id, title, tags, active, note, created, updated = row
    return Subscription(
        chat_id=int(str(chat_id)),
        title=str(title),
        tags=tuple(t for t in str(tags).split(",") if t),
        active=bool(active),
        note=str(note),
        created=float(str(created)),
        updated=float(str(updated)),
    )


def _announcement(row: tuple[object, ...]) -> AnnouncementRecord:
    ident, kind, text, targets, pin, status, report_chat, due, created = row
    return AnnouncementRecord(
        id=str(ident),
        kind=str(kind),
        text=str(text),
        targets=json.loads(str(targets)),
        pin=bool(pin),
        status=str(status),
        report_chat=int(str(report_chat)) if report_chat is not None else None,
        due=float(str(due)) if due is not None else None,
        created=float(str(created)),
    )
