"""Storage trouble never stops an answer: the question log is written by one thread of its own.

A read-only database, a full disk or a database locked by another process makes the log write fail
or wait; the resident gets the answer anyway. The write is awaited briefly (so that in the normal case
it is committed before the reply), then left to finish on its own; when writes pile up, further ones
are skipped and counted. The first failure is logged once and reported to the admins once.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ["LogWriter"]

logger = logging.getLogger(__name__)


class LogWriter:
    """Runs storage writes on one worker thread; failures are warned about once, never raised."""

    def __init__(self, *, wait: float = 1.0, backlog: int = 100) -> None:
        self.wait = wait
        self.backlog = backlog
        self.failures = 0
        self.skipped = 0
        self._pending = 0
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._warned = False
        self._tasks: set[asyncio.Task[None]] = set()
        self.notify: Callable[[str], Awaitable[None]] | None = None  # tells the admins (set at start-up)

    def _pool(self) -> concurrent.futures.ThreadPoolExecutor:
        if self._executor is None:
            self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="log-writer")
        return self._executor

    async def write(self, what: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
        """Run ``call`` on the writer thread; True if it was committed within ``wait`` seconds."""
        done, _ = await self.result(what, call, *args, **kwargs)
        return done

    async def result(self, what: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[bool, Any]:
        """Run ``call`` on the writer thread: (True, what it returned) if it was committed within ``wait`` seconds,
        else (False, None): skipped, failed (warned about once) or still waiting (it finishes on its own)."""
        if self._pending >= self.backlog:
            self.skipped += 1
            await self.trouble(what, f"{self._pending} writes waiting; skipped")
            return False, None
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._pool(), functools.partial(call, *args, **kwargs))
        self._pending += 1
        future.add_done_callback(lambda done: self._finished(what, done))
        try:
            returned = await asyncio.wait_for(asyncio.shield(future), timeout=self.wait)
        except TimeoutError:
            return False, None  # still waiting for the database: it finishes (or fails) on its own
        except Exception:  # reported by _finished; a log write never stops an answer
            return False, None
        return True, returned

    def _finished(self, what: str, future: asyncio.Future[Any]) -> None:
        self._pending -= 1
        if future.cancelled():
            return
        exc = future.exception()
        if isinstance(exc, sqlite3.Error):
            self.failures += 1
            task = asyncio.get_running_loop().create_task(self.trouble(what, str(exc)))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        elif exc is not None:
            logger.error("%s failed", what, exc_info=exc)

    async def trouble(self, what: str, reason: str) -> None:
        """The first storage failure: one warning in the log and one message to the admins."""
        if self._warned:
            return
        self._warned = True
        logger.warning("the database cannot be written (%s: %s); answering without logging", what, reason)
        if self.notify is not None:
            try:
                await self.notify(reason)
            except Exception as exc:  # telling the admins is a courtesy; it must not fail an answer
                logger.info("could not tell the admins about the database: %s", exc)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
