"""The knowledge service: the loaded base and its matcher, swapped atomically on reload.

Pure core: no Telegram here. Readers take ``service.current`` once per question, so a reload in the
middle of a conversation never mixes two bases.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from .knowledge import KnowledgeBase, KnowledgeError, Problem, load_knowledge
from .matching import Matcher, Thresholds

__all__ = ["KnowledgeService", "Loaded", "ReloadResult"]


@dataclass(frozen=True)
class Loaded:
    kb: KnowledgeBase
    matcher: Matcher


@dataclass(frozen=True)
class ReloadResult:
    ok: bool
    problems: tuple[Problem, ...]
    entries: int


class KnowledgeService:
    def __init__(self, directory: str | Path, *, thresholds: Thresholds | None = None) -> None:
        self.directory = str(directory)
        self._thresholds = thresholds or Thresholds()
        self._lock = threading.Lock()
        self._current = self._load()  # raises KnowledgeError at start-up: a bad base never starts

    def _load(self) -> Loaded:
        kb = load_knowledge(self.directory)
        return Loaded(kb, Matcher(kb, thresholds=self._thresholds))

    @property
    def current(self) -> Loaded:
        return self._current

    def reload(self) -> ReloadResult:
        """Load the directory again; on any problem keep serving the old base and report the problems."""
        with self._lock:
            try:
                loaded = self._load()
            except KnowledgeError as exc:
                return ReloadResult(False, tuple(exc.problems), len(self._current.kb.entries))
            self._current = loaded
            return ReloadResult(True, (), len(loaded.kb.entries))
