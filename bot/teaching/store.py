"""The teaching room's tables: residents' picks, proposals for admins, the history of knowledge edits.

It reads the question log and the votes (the answering room's tables) for what they can teach; residents'
words in proposals are masked (``bot/privacy/mask.py``) before they are written.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from ..db import Database
from ..privacy.mask import mask_private_data

__all__ = ["ChangeRecord", "ProposalRecord", "QuestionRecord", "Signal", "TeachingStore"]


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


class TeachingStore(Database):
    """The ``picks``, ``proposals`` and ``kb_changes`` tables, and the admins' names kept in ``meta``."""

    # -- what residents' questions and picks teach -------------------------------------------------

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

    # -- proposals ---------------------------------------------------------------------------------

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

    # -- the history of knowledge edits ------------------------------------------------------------

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

    # -- admins' names, for the history ------------------------------------------------------------

    def remember_admin_name(self, user_id: int, name: str) -> None:
        """Keep the name an admin goes by on Telegram, for the edit history (written only when it changed)."""
        key = f"admin_name:{user_id}"
        if name and self._meta(key) != name:
            self._set_meta(key, name)

    def admin_names(self) -> dict[int, str]:
        """Admins' Telegram names by user id, as last seen when they used an admin command."""
        rows = self._db.execute("SELECT key, value FROM meta WHERE key LIKE 'admin_name:%'").fetchall()
        return {int(str(key).partition(":")[2]): str(value) for key, value in rows}


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
