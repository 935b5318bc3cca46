"""What the engine reads from a base's sources as a whole (their sentences, their headed parts): read once, by the
matcher's start-up thread or by the first question that needs it, whichever comes first, as a large base's
sources take seconds. Part of the core: no Telegram here."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod

from ..knowledge.model import KnowledgeBase
from ..language.text import Normalizer

__all__ = ["ReadOnce"]


class ReadOnce(ABC):
    """A reader of a base's sources whose :meth:`_build` runs once, on :meth:`warm` (thread-safe)."""

    def __init__(self, kb: KnowledgeBase, normalizer: Normalizer) -> None:
        self._kb = kb
        self._normalizer = normalizer
        self._lock = threading.Lock()
        self._ready = False

    def warm(self) -> None:
        """Read the sources now, once; a caller that comes while another reads waits for it."""
        if self._ready:
            return
        with self._lock:
            if not self._ready:
                self._build()
                self._ready = True

    @abstractmethod
    def _build(self) -> None:
        """Read the sources (called once, under the lock)."""
