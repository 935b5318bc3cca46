"""The services handlers need, put into ``bot_data`` by ``build_application`` and reached through
:func:`services`, the one typed accessor."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from telegram.ext import ContextTypes

from ..config import Config
from ..engine.service import KnowledgeService
from ..storage import Storage
from ..teaching.kbedit import KnowledgeEditor
from .health import LogWriter

if TYPE_CHECKING:
    from ..announcements.delivery import Announcer
    from .intake import Intake

__all__ = ["Services", "UserRateLimiter", "services"]


class UserRateLimiter:
    """Sliding-window limit per user; tells the user once per window.

    One instance per kind of request: questions, commands, button presses, inline queries.
    """

    def __init__(self, per_minute: int, *, window: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window = window
        self._hits: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}

    def check(self, user_id: int, now: float | None = None) -> str:
        """'ok', 'warn' (first refusal in this window) or 'silent'.

        ``now`` is when the question was asked (the message's own date), so questions delivered
        together after downtime count as they were asked, not as they arrive.
        """
        now = time.time() if now is None else now
        if len(self._hits) > 10_000:  # forget people who have been quiet for a window (bounded memory)
            self._hits = {u: h for u, h in self._hits.items() if h and now - h[-1] <= self.window}
            self._warned = {u: t for u, t in self._warned.items() if now - t <= self.window}
        hits = self._hits.setdefault(user_id, deque())
        while hits and now - hits[0] > self.window:
            hits.popleft()
        if len(hits) < self.per_minute:
            hits.append(now)
            return "ok"
        if now - self._warned.get(user_id, -1e9) > self.window:
            self._warned[user_id] = now
            return "warn"
        return "silent"


@dataclass
class Services:
    config: Config
    knowledge: KnowledgeService
    storage: Storage
    limiter: UserRateLimiter  # questions
    command_limiter: UserRateLimiter  # commands (issue 19)
    button_limiter: UserRateLimiter  # callback queries
    group_limiter: UserRateLimiter  # commands and callback queries in groups, together
    inline_limiter: UserRateLimiter  # inline queries
    announcer: Announcer
    editor: KnowledgeEditor  # admins' edits of the knowledge base (issue 11)
    intake: Intake
    writer: LogWriter = field(default_factory=LogWriter)  # the question log and feedback, off the event loop
    errors: dict[str, int] = field(default_factory=dict)  # how often each error was seen (bounded logs)
    recent_group_answers: dict[tuple[int, str], tuple[int, float]] = field(default_factory=dict)
    # (chat id, user id) → the entry ids a "您是想问" reply offered that person, and when (monotonic)
    pending_choices: dict[tuple[int, int], tuple[tuple[str, ...], float]] = field(default_factory=dict)
    # (chat id, user id) → what that person last asked, in full, and when (monotonic): a follow-up such as
    # "那省级的呢" is read with it for a few minutes (a conversation's context, not state worth keeping)
    previous_questions: dict[tuple[int, int], tuple[str, float]] = field(default_factory=dict)


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The bot's services, put into bot_data by ``build_application``."""
    found = context.bot_data["services"]
    assert isinstance(found, Services)
    return found
