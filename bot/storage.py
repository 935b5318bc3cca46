"""The bot's database as one object: every room's store over one SQLite connection.

The connection, the schema and its migrations, pseudonyms and retention are ``bot/db.py``; each room's
queries and records are its own store (``bot/answering/store.py``, ``bot/teaching/store.py``,
``bot/announcements/store.py``, ``bot/reports/store.py``).
"""

from __future__ import annotations

from .announcements.store import AnnouncementStore
from .answering.store import AnswerStore
from .reports.store import ReportStore
from .teaching.store import TeachingStore

__all__ = ["Storage"]


class Storage(AnswerStore, TeachingStore, AnnouncementStore, ReportStore):
    """The bot's database with every room's tables; safe to use from the event loop and from worker threads."""
