"""The reports room's queries: statistics over the question log and the votes, the unanswered questions."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..db import Database

__all__ = ["DailyCount", "ReportStore", "Stats"]


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


class ReportStore(Database):
    """Read-only counts over ``questions`` and ``feedback``, in the deployment's timezone."""

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
