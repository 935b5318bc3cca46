"""How updates come in: durably, once each, in order within a chat and concurrently across chats.

* :class:`IntakeBot` writes every batch ``getUpdates`` returns to the inbox (``bot/inbox.py``) before
  handing it to PTB's Updater, which confirms the offset only on its *next* ``getUpdates``; so an
  update Telegram forgets is always in the inbox first. An update PTB cannot parse is set aside
  (recorded, skipped) instead of stalling every later one. At start it retries the Bot API with
  backoff, one log line per attempt.
* :class:`IntakeQueue` is the Application's update queue: it admits a webhook update to the inbox
  before the webhook answers 200, and drops an update the inbox has seen already.
* :class:`ChatOrderedProcessor` handles updates of different chats concurrently and those of one chat
  in order, then marks each done in the inbox (or leaves it for a later attempt when its reply could
  not be sent).
* :class:`Intake` ties these to the inbox; on start it replays what a previous run left unfinished.

If the inbox cannot be written (read-only or full disk, a lock held too long) the bot still answers,
without the durability, and says so once in the log.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import Application, BaseUpdateProcessor, ContextTypes, ExtBot

from ..inbox import MAX_ATTEMPTS, Inbox
from .sending import Abandoned, Handling, RepeatLog, reset_handling, set_handling

__all__ = ["ChatOrderedProcessor", "Intake", "IntakeBot", "IntakeQueue"]

logger = logging.getLogger(__name__)

STARTUP_BACKOFF_CAP = 60.0  # seconds between start-up attempts at most
RETRY_EVERY = 30.0  # seconds between looks for updates whose reply failed
PAUSE_AFTER_FAILURE = 15.0  # seconds the inbox is left alone after a database error


class Intake:
    """The inbox as PTB sees it. ``inbox`` is None when the database cannot hold it (``:memory:``)."""

    def __init__(self, inbox: Inbox | None) -> None:
        self.inbox = inbox
        self.active: set[int] = set()  # queued or being handled in this process
        self._polled: set[int] = set()  # admitted by IntakeBot, on their way to the queue
        self._skip: set[int] = set()  # fetched again or set aside: not to be handled
        self._degraded = False
        self._paused_until = 0.0
        self.stopping = asyncio.Event()  # set when the Application stops taking updates
        self.on_degraded: Callable[[str], Awaitable[None]] | None = None

    async def _db(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Run an Inbox method in a worker thread; on a database error say so once and return None.

        After a failure the inbox is left alone for ``PAUSE_AFTER_FAILURE`` seconds, so a database locked
        by another program costs one wait, not one per update.
        """
        if self.inbox is None or time.monotonic() < self._paused_until:
            return None
        try:
            result = await asyncio.to_thread(getattr(self.inbox, method), *args, **kwargs)
        except sqlite3.Error as exc:
            self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
            if not self._degraded:
                self._degraded = True
                logger.warning("the inbox cannot be written (%s: %s); answering without it", method, exc)
                if self.on_degraded is not None:
                    await self.on_degraded(str(exc))
            return None
        if self._degraded:
            self._degraded = False
            logger.info("the inbox works again")
        return result

    # -- admission ----------------------------------------------------------------------------------

    async def admit_fetched(self, raw: list[Any], parse: Callable[[dict[str, Any]], object]) -> list[Any]:
        """A getUpdates result: record it; returns it with unparsable updates replaced by bare ids."""
        batch: list[tuple[int, str]] = []
        cleaned: list[Any] = []
        for item in raw:
            update_id = item.get("update_id") if isinstance(item, dict) else None
            if not isinstance(update_id, int):
                logger.warning("ignored a getUpdates item without an update_id")
                continue
            payload = json.dumps(item, ensure_ascii=False)
            try:
                parse(item)
            except Exception as exc:  # PTB cannot parse it: set it aside rather than stall the rest
                logger.warning("update %s cannot be parsed (%s); set aside", update_id, type(exc).__name__)
                self._skip.add(update_id)
                await self._db("set_aside", update_id, payload, repr(exc))
                cleaned.append({"update_id": update_id})
                continue
            batch.append((update_id, payload))
            cleaned.append(item)
        new = await self._db("admit", batch)
        for update_id, _ in batch:
            if new is None or update_id in new:
                self._polled.add(update_id)
            else:
                self._skip.add(update_id)  # seen before: done, or replayed from the inbox
        return cleaned

    async def accept(self, update: Update) -> bool:
        """Whether the queue should take this update (recording a webhook update first)."""
        update_id = update.update_id
        if update_id in self._skip:
            self._skip.discard(update_id)
            return False
        if update_id in self._polled:
            self._polled.discard(update_id)
        elif update_id in self.active:
            return False
        else:  # a webhook update: written before the webhook answers 200
            payload = update.to_json()
            new = await self._db("admit", [(update_id, payload)])
            if new is not None and update_id not in new:
                return False
        self.active.add(update_id)
        return True

    # -- handling -------------------------------------------------------------------------------------

    async def mark_sending(self, update_id: int, status: str = "sending") -> None:
        """``sending`` as a reply leaves; ``new`` again when Telegram refused it (nothing arrived)."""
        await self._db("mark", update_id, status)

    async def mark_new(self, update_id: int) -> None:
        await self._db("mark", update_id, "new")

    async def finished(self, handling: Handling, attempts_before: int = 0) -> None:
        """After the handlers ran: done, or back to ``new`` for a later attempt, or set aside."""
        update_id = handling.update_id
        try:
            if not handling.failed:
                await self._db("mark", update_id, "done")
                return
            attempts = (await self._db("attempts", update_id) or attempts_before) + 1
            if attempts >= MAX_ATTEMPTS:
                logger.warning("update %s set aside after %d failed attempts: %s", update_id, attempts,
                               handling.failed)
                await self._db("mark", update_id, "set_aside", error=handling.failed, attempt=True)
            else:
                await self._db("mark", update_id, "new", error=handling.failed, attempt=True)
        finally:
            self.active.discard(update_id)  # only once the inbox says how it ended

    # -- replay ------------------------------------------------------------------------------------------

    async def replay(self, application: Application[Any, Any, Any, Any, Any, Any], *, start: bool = False) -> int:
        """Queue the inbox's unfinished updates (on start: first of all); returns how many."""
        inbox = self.inbox
        if inbox is None:
            return 0
        if start:
            unknown = await self._db("recover") or []
            if unknown:
                logger.warning(
                    "%d update(s) had a reply on its way when the bot stopped (may have arrived; not answered "
                    "again): %s", len(unknown), ", ".join(map(str, unknown[:20])))
            await self._db("prune")
        rows = await self._db("unfinished") or []
        queued = 0
        for row in rows:
            if row.update_id in self.active:
                continue
            try:
                update = Update.de_json(json.loads(row.payload), application.bot)
            except Exception as exc:
                await self._db("set_aside", row.update_id, row.payload, repr(exc))
                continue
            self.active.add(row.update_id)
            application.update_queue.put_nowait(update)
            queued += 1
        if queued and start:
            logger.info("replaying %d update(s) left unfinished by the last run", queued)
        return queued

    async def retry_job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A repeating job: updates whose reply failed get another attempt."""
        await self.replay(context.application)


class IntakeQueue(asyncio.Queue[object]):
    """The Application's update queue: only updates the inbox admits get in."""

    def __init__(self, intake: Intake) -> None:
        super().__init__()
        self.intake = intake

    async def put(self, item: object) -> None:
        if not isinstance(item, Update):  # PTB's stop signal: waiting replies give up their turn
            self.intake.stopping.set()
        elif not await self.intake.accept(item):
            return
        await super().put(item)


class IntakeBot(ExtBot[Any]):
    """The Bot: records fetched updates before they are confirmed; retries the Bot API at start."""

    def __init__(self, intake: Intake, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._intake = intake
        self._polling = RepeatLog(logger, "getUpdates")

    async def initialize(self) -> None:
        """Reach the Bot API, retrying with backoff (Telegram unreachable, DNS, TLS); a bad token is final."""
        attempt = 0
        while True:
            attempt += 1
            try:
                await super().initialize()
                if attempt > 1:
                    logger.info("reached the Bot API on attempt %d", attempt)
                return
            except InvalidToken:
                raise
            except (NetworkError, TimedOut) as exc:
                delay = min(STARTUP_BACKOFF_CAP, 2.0 ** (attempt - 1))
                logger.warning("cannot reach the Bot API (attempt %d: %s); trying again in %.0f s",
                               attempt, _plain(exc), delay)
                await asyncio.sleep(delay)

    async def _do_post(self, endpoint: str, data: Any, **kwargs: Any) -> Any:
        if endpoint != "getUpdates":
            return await super()._do_post(endpoint, data, **kwargs)
        try:
            result = await super()._do_post(endpoint, data, **kwargs)
        except TelegramError as exc:
            self._polling.failed(exc)
            raise
        if not isinstance(result, list):
            wrong = NetworkError(f"getUpdates returned {type(result).__name__}, not a list")
            self._polling.failed(wrong)
            raise wrong
        self._polling.succeeded()
        return await self._intake.admit_fetched(result, lambda item: Update.de_json(item, self))


def _plain(exc: BaseException) -> str:
    text = str(exc).split("\n", 1)[0]
    return text[:200]


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Updates of one chat in order; different chats concurrently, ``workers`` at a time.

    A chat's waiting updates hold no worker, so one busy group never holds up everyone else.
    """

    def __init__(self, intake: Intake, *, workers: int = 32, backlog: int = 4096) -> None:
        super().__init__(max_concurrent_updates=backlog)
        self.intake = intake
        self.workers = workers
        self._slots: asyncio.Semaphore | None = None
        self._chains: dict[object, tuple[asyncio.Lock, int]] = {}

    async def initialize(self) -> None:
        self._slots = asyncio.Semaphore(self.workers)

    async def shutdown(self) -> None:
        return None

    @staticmethod
    def chat_key(update: object) -> object:
        if isinstance(update, Update):
            if update.effective_chat is not None:
                return update.effective_chat.id
            if update.effective_user is not None:
                return ("user", update.effective_user.id)
            return ("update", update.update_id)
        return ("other", id(update))

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.workers)
        key = self.chat_key(update)
        lock, users = self._chains.get(key, (asyncio.Lock(), 0))
        self._chains[key] = (lock, users + 1)
        try:
            async with lock, self._slots:
                if self.intake.stopping.is_set() and isinstance(update, Update):
                    # stopping: left in the inbox, handled first on the next start
                    self.intake.active.discard(update.update_id)
                    coroutine.close()  # type: ignore[attr-defined]
                    return
                await self._handle(update, coroutine)
        finally:
            lock, users = self._chains[key]
            if users <= 1:
                del self._chains[key]
            else:
                self._chains[key] = (lock, users - 1)

    async def _handle(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):
            await coroutine
            return
        handling = Handling(update.update_id, mark_sending=self.intake.mark_sending, stopping=self.intake.stopping)
        token = set_handling(handling)
        try:
            await coroutine
        except Abandoned:  # stopping while its reply waited for its turn: the next start handles it
            if not handling.maybe_sent:
                await self.intake.mark_new(update.update_id)
            self.intake.active.discard(update.update_id)
            return
        finally:
            reset_handling(token)
        try:
            await self.intake.finished(handling)
        except Exception:
            logger.exception("could not record how update %s ended", update.update_id)
