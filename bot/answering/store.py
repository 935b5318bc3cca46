"""The answering room's tables: the question log, the 👍/👎 votes on answers, and each group's auto mode.

Residents' words are masked (``bot/privacy/mask.py``) before they are written; people and chats are stored as
keyed pseudonyms (:meth:`bot.db.Database.hash_id`).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from ..db import Database
from ..privacy.mask import mask_private_data

__all__ = ["AnswerStore", "QuestionLogEntry", "VoteTally"]


@dataclass(frozen=True)
class QuestionLogEntry:
    ts: float
    text: str
    status: str
    entry_id: str | None
    score: float
    suggestions: str


@dataclass(frozen=True)
class VoteTally:
    """The 👍 and 👎 one part of one answer has had (in a group, from several members)."""

    up: int
    down: int


class AnswerStore(Database):
    """The ``questions``, ``feedback`` and ``group_settings`` tables."""

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

    def set_auto_mode(self, chat_id: int, enabled: bool) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO group_settings (chat_id, auto_mode, updated) VALUES (?, ?, ?) "
                "ON CONFLICT (chat_id) DO UPDATE SET auto_mode = excluded.auto_mode, updated = excluded.updated",
                (chat_id, int(enabled), time.time()),
            )

    def auto_mode(self, chat_id: int, default: bool = False) -> bool:
        row = self._db.execute("SELECT auto_mode FROM group_settings WHERE chat_id = ?", (chat_id,)).fetchone()
        return bool(row[0]) if row else default
