"""The knowledge service: the loaded base and its matcher, swapped atomically on reload.

Pure core: no Telegram here. Readers take ``service.current`` once per question, so a reload in the
middle of a conversation never mixes two bases. A reload builds the new base and its matcher in the
thread that calls it (the bot calls it in a worker thread) while questions go on being answered from
the old one; the new one replaces it in a single assignment, and only when it is complete and valid.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .knowledge import KnowledgeBase, KnowledgeError, Problem
from .matching import Matcher, Thresholds
from .snapshot import open_knowledge

__all__ = ["KnowledgeService", "Loaded", "ReloadResult"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    kb: KnowledgeBase
    matcher: Matcher


@dataclass(frozen=True)
class ReloadResult:
    ok: bool
    problems: tuple[Problem, ...]
    entries: int
    seconds: float = 0.0  # how long reading (or mapping) and indexing the base took


class KnowledgeService:
    def __init__(
        self, directory: str | Path, *, thresholds: Thresholds | None = None, cache_dir: str | Path | None = None
    ) -> None:
        self.directory = str(directory)
        self._thresholds = thresholds or Thresholds()
        self._cache_dir = cache_dir  # None: the default beside the base (bot.snapshot.default_cache)
        self._lock = threading.Lock()  # one reload at a time; answering never takes it
        self._current = self._load()  # raises KnowledgeError at start-up: a bad base never starts

    def _load(self) -> Loaded:
        kb = open_knowledge(self.directory, cache_dir=self._cache_dir)
        return Loaded(kb, Matcher(kb, thresholds=self._thresholds))

    @property
    def current(self) -> Loaded:
        return self._current

    def reload(self) -> ReloadResult:
        """Load the directory again; on any problem keep serving the old base and report the problems."""
        with self._lock:
            started = time.perf_counter()
            try:
                loaded = self._load()
            except KnowledgeError as exc:
                seconds = round(time.perf_counter() - started, 3)
                return ReloadResult(False, tuple(exc.problems), len(self._current.kb.entries), seconds)
            self._current = loaded  # one assignment: readers see the old base or the new one, never a mix
            seconds = round(time.perf_counter() - started, 3)
            logger.info("knowledge reloaded: %d entries in %.2f s", len(loaded.kb.entries), seconds)
            return ReloadResult(True, (), len(loaded.kb.entries), seconds)
