"""The announcements room's tables: subscribed groups, announcements and their delivery ledger.

The ledger has one row per (announcement, chat). A broadcast freezes its recipients as ``pending`` rows
in the same transaction that starts it; each row becomes ``sending`` just before the Bot API call and
``sent``/``failed`` right after, so a restart knows exactly which groups are done.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from ..db import Database

__all__ = ["AnnouncementRecord", "AnnouncementStore", "Delivery", "DeliveryReport", "Subscription"]

# Announcement states: draft (previewed, not confirmed) → sending → done; or cancelled, or missed.
# Delivery states: pending → sending → sent | failed; a row left 'sending' by a crash becomes 'unknown'.
UNFINISHED_DELIVERY = ("pending", "sending")


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


class AnnouncementStore(Database):
    """The ``subscriptions``, ``announcements``, ``deliveries`` and ``schedules`` tables."""

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
