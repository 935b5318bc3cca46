"""The durable inbox: every Telegram update, written to SQLite before Telegram is told it was received.

Pure storage (no Telegram here): rows are keyed by ``update_id`` and hold the update's JSON as Telegram
sent it. The adapter (``bot/tg/intake.py``) writes a batch of updates before the next ``getUpdates``
confirms their offset (or before the webhook answers 200), and marks each one as it goes:

* ``new``: received, not yet handled (or handled, but its reply could not be sent: ``attempts`` > 0);
* ``sending``: a reply to it has left for Telegram; ``done`` once the handler finished;
* ``unknown``: found ``sending`` at start-up; the process died while a reply was on its way, so
  Telegram may or may not have it. Like the announcement ledger, it is not answered again;
* ``set_aside``: could not be parsed, or failed ``MAX_ATTEMPTS`` times; recorded, never retried.

An update already in the inbox is never admitted twice, so one ``update_id`` is answered at most once.
The inbox has its own connection so that its short writes never queue behind the question log; every
read and write on it holds one lock, so a read never runs inside another thread's transaction.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["MAX_ATTEMPTS", "Inbox", "InboxRow"]

MAX_ATTEMPTS = 5  # handling attempts (each with its own bounded retries) before an update is set aside
KEEP_DONE_DAYS = 2.0  # finished rows (ids only) are kept this long to refuse a repeat, then pruned on start


@dataclass(frozen=True)
class InboxRow:
    update_id: int
    payload: str
    status: str
    attempts: int


class Inbox:
    """The ``inbox`` table of the bot's database (created by the migrations in ``bot/db.py``)."""

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = 2000) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        self._db.execute("PRAGMA synchronous=FULL")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _write(self, sql: str, rows: Iterable[tuple[object, ...]]) -> int:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                cursor = self._db.executemany(sql, rows)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            return cursor.rowcount

    def admit(self, updates: list[tuple[int, str]]) -> set[int]:
        """Record these (update_id, JSON) pairs in one transaction; returns the ids that were new."""
        if not updates:
            return set()
        ids = [u for u, _ in updates]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                known = {
                    int(row[0])
                    for row in self._db.execute(
                        f"SELECT update_id FROM inbox WHERE update_id IN ({','.join('?' * len(ids))})", ids
                    )
                }
                now = time.time()
                self._db.executemany(
                    "INSERT OR IGNORE INTO inbox (update_id, payload, status, attempts, received, updated) "
                    "VALUES (?, ?, 'new', 0, ?, ?)",
                    [(u, p, now, now) for u, p in updates if u not in known],
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        return set(ids) - known

    def set_aside(self, update_id: int, payload: str, error: str) -> None:
        """Record an update that cannot be handled (unparsable, or failed too often); never retried."""
        now = time.time()
        self._write(
            "INSERT INTO inbox (update_id, payload, status, attempts, received, updated, error) "
            "VALUES (?, ?, 'set_aside', 0, ?, ?, ?) ON CONFLICT (update_id) DO UPDATE SET status = 'set_aside', "
            "error = excluded.error, updated = excluded.updated",
            [(update_id, payload, now, now, error[:500])],
        )

    def mark(self, update_id: int, status: str, *, error: str = "", attempt: bool = False) -> None:
        """Move one update to ``status`` (``sending``, ``done``, ``new`` after a failed attempt).

        A finished update keeps only its id (to refuse a repeat); its text and sender are dropped.
        """
        self._write(
            "UPDATE inbox SET status = ?, error = ?, attempts = attempts + ?, updated = ?, "
            "payload = CASE WHEN ? IN ('done', 'unknown') THEN '' ELSE payload END WHERE update_id = ?",
            [(status, error[:500], int(attempt), time.time(), status, update_id)],
        )

    def _read(self, sql: str, args: tuple[object, ...] = ()) -> list[Any]:
        """A query on the shared connection, under the same lock as the writes (never mid-transaction)."""
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def settle(self, outcomes: list[tuple[int, str, str]]) -> None:
        """Write (update_id, status, error) outcomes that could not be recorded at the time (an outage).

        An update admitted while the inbox could not be written has no row: it gets one, holding only its
        id, so that a later delivery of it is refused like any other finished update.
        """
        now = time.time()
        self._write(
            "INSERT INTO inbox (update_id, payload, status, attempts, received, updated, error) "
            "VALUES (?, '', ?, 0, ?, ?, ?) ON CONFLICT (update_id) DO UPDATE SET status = excluded.status, "
            "error = excluded.error, updated = excluded.updated, "
            "payload = CASE WHEN excluded.status IN ('done', 'unknown') THEN '' ELSE inbox.payload END",
            [(u, status, now, now, error[:500]) for u, status, error in outcomes],
        )

    def unfinished(self) -> list[InboxRow]:
        """Rows still to handle (``new``), oldest first."""
        rows = self._read(
            "SELECT update_id, payload, status, attempts FROM inbox WHERE status = 'new' ORDER BY update_id"
        )
        return [InboxRow(int(u), str(p), str(s), int(a)) for u, p, s, a in rows]

    def recover(self) -> list[int]:
        """At start-up: rows left ``sending`` by a dead process become ``unknown``; returns their ids."""
        with self._lock:
            ids = [int(r[0]) for r in self._db.execute("SELECT update_id FROM inbox WHERE status = 'sending'")]
        if ids:
            self._write("UPDATE inbox SET status = 'unknown', payload = '', updated = ? WHERE update_id = ?",
                        [(time.time(), u) for u in ids])
        return ids

    def prune(self, *, older_than_days: float = KEEP_DONE_DAYS) -> int:
        """Forget finished rows older than this; unfinished ones are kept whatever their age."""
        cutoff = time.time() - older_than_days * 86400
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM inbox WHERE status IN ('done', 'unknown', 'set_aside') AND updated < ?", (cutoff,)
            )
        return cursor.rowcount

    def counts(self) -> dict[str, int]:
        """How many rows are in each state (for tests, logs and the chaos test)."""
        rows = self._read("SELECT status, COUNT(*) FROM inbox GROUP BY status")
        return {str(s): int(n) for s, n in rows}

    def attempts(self, update_id: int) -> int:
        rows = self._read("SELECT attempts FROM inbox WHERE update_id = ?", (update_id,))
        return int(rows[0][0]) if rows else 0

    def status(self, update_id: int) -> str | None:
        rows = self._read("SELECT status FROM inbox WHERE update_id = ?", (update_id,))
        return str(rows[0][0]) if rows else None
