"""How updates come in: durably and once each.

* :class:`IntakeBot` writes every batch ``getUpdates`` returns to the inbox (``bot/tg/inbox.py``) before
  handing it to PTB's Updater, which confirms the offset only on its *next* ``getUpdates``; so an
  update Telegram forgets is always in the inbox first. An update PTB cannot parse is set aside
  (recorded, skipped) instead of stalling every later one. At start it retries the Bot API with
  backoff, one log line per attempt.
* :class:`IntakeQueue` is the Application's update queue: it admits a webhook update to the inbox
  before the webhook answers 200, and drops an update the inbox has seen already.
* :class:`Intake` ties these, and the processor that handles updates in order per chat
  (``bot/tg/ordering.py``), to the inbox; on start it replays what a previous run left unfinished.
  It remembers the ids it handled lately (``RECENT_IDS``) and checks them before the database, so an
  update delivered again is never answered twice, even while the database cannot be read.

If the inbox cannot be written (read-only or full disk, a lock held too long) the bot still answers,
without the durability, and says so once in the log; how the updates handled meanwhile ended is kept
and written once the inbox works again. An update that cannot be saved or handled (a text Python
cannot encode, an id SQLite cannot hold, a handler's error) is set aside with one log line; the rest
go on.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import Application, ContextTypes, ExtBot

from .inbox import MAX_ATTEMPTS, Inbox
from .sending import Handling, RepeatLog

__all__ = ["Intake", "IntakeBot", "IntakeQueue"]

logger = logging.getLogger(__name__)

STARTUP_BACKOFF_CAP = 60.0  # seconds between start-up attempts at most
RETRY_EVERY = 30.0  # seconds between looks for updates whose reply failed
PAUSE_AFTER_FAILURE = 15.0  # seconds the inbox is left alone after a database error
RECENT_IDS = 20_000  # update ids handled lately, remembered in memory (a few minutes of heavy traffic)
_WRITES = frozenset({"admit", "set_aside", "mark", "settle", "recover", "prune"})
_SURROGATE = re.compile("[\ud800-\udfff]")


class Intake:
    """The inbox as PTB sees it. ``inbox`` is None when the database cannot hold it (``:memory:``)."""

    def __init__(self, inbox: Inbox | None) -> None:
        self.inbox = inbox
        self.active: set[int] = set()  # queued or being handled in this process
        self._polled: set[int] = set()  # admitted by IntakeBot, on their way to the queue
        self._skip: set[int] = set()  # fetched again or set aside: not to be handled
        self._recent: OrderedDict[int, None] = OrderedDict()  # handled lately (done, set aside, dropped)
        self._unsaved: dict[int, tuple[str, str]] = {}  # how an update ended, not yet in the inbox (an outage)
        self._flushing: asyncio.Task[None] | None = None
        self._degraded = False
        self._paused_until = 0.0
        self.stopping = asyncio.Event()  # set when the Application stops taking updates
        self.on_degraded: Callable[[str], Awaitable[None]] | None = None

    async def _call(self, method: str, *args: Any, **kwargs: Any) -> tuple[bool, Any]:
        """Run an Inbox method in a worker thread: (True, its result), or (False, None) on a database error.

        A database error is said once; after it the inbox is left alone for ``PAUSE_AFTER_FAILURE`` seconds,
        so a database locked by another program costs one wait, not one per update. Only a write that
        succeeds says the inbox works again (a read may succeed on a full disk), and it first writes how the
        updates handled meanwhile ended. Other errors (bad data in one update) are the caller's to handle.
        """
        if self.inbox is None or time.monotonic() < self._paused_until:
            return False, None
        try:
            result = await asyncio.to_thread(getattr(self.inbox, method), *args, **kwargs)
        except sqlite3.Error as exc:
            await self._failed(method, exc)
            return False, None
        if method in _WRITES and self._degraded and await self.write_unsaved():
            self._degraded = False
            logger.info("the inbox works again")
        return True, result

    async def _failed(self, method: str, exc: sqlite3.Error) -> None:
        self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
        if not self._degraded:
            self._degraded = True
            logger.warning("the inbox cannot be written (%s: %s); answering without it", method, exc)
            if self.on_degraded is not None:
                await self.on_degraded(str(exc))

    async def _db(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """:meth:`_call`'s result, or None when the database failed."""
        return (await self._call(method, *args, **kwargs))[1]

    async def write_unsaved(self) -> bool:
        """Write the outcomes kept during an outage (and the drops of a flood); True when none is left."""
        if not self._unsaved or self.inbox is None:
            return True
        outcomes = [(u, status, error) for u, (status, error) in self._unsaved.items()]
        try:
            await asyncio.to_thread(self.inbox.settle, outcomes)
        except sqlite3.Error as exc:
            await self._failed("settle", exc)
            return False
        for update_id, status, error in outcomes:
            if self._unsaved.get(update_id) == (status, error):
                del self._unsaved[update_id]
        if self._degraded:
            logger.info("wrote how %d update(s) handled during the outage ended", len(outcomes))
        return not self._unsaved

    def _remember(self, update_id: int) -> None:
        """This update is handled: any later delivery of it is refused without asking the database."""
        self._recent[update_id] = None
        self._recent.move_to_end(update_id)
        while len(self._recent) > RECENT_IDS:
            self._recent.popitem(last=False)

    async def _settle(self, update_id: int, status: str, error: str = "", *, attempt: bool = False) -> None:
        """Record how an update ended; kept in memory, to write later, when the database cannot take it."""
        if status != "new":
            self._remember(update_id)
        if self.inbox is None:
            return
        written, _ = await self._call("mark", update_id, status, error=error, attempt=attempt)
        if not written and status != "new":
            self._unsaved[update_id] = (status, error)
            if len(self._unsaved) > RECENT_IDS:  # a very long outage: the oldest outcomes go
                self._unsaved.pop(next(iter(self._unsaved)))

    # -- admission ----------------------------------------------------------------------------------

    async def admit_fetched(self, raw: list[Any], parse: Callable[[dict[str, Any]], object]) -> list[Any]:
        """A getUpdates result: record it; returns it with unparsable updates replaced by bare ids.

        Lone surrogates (``\\ud800``: no character, Python cannot encode them) become U+FFFD first, so
        neither the inbox nor the handlers meet them. One update that cannot be saved is set aside.
        """
        batch: list[tuple[int, str]] = []
        cleaned: list[Any] = []
        for item in raw:
            update_id = item.get("update_id") if isinstance(item, dict) else None
            if not isinstance(update_id, int):
                logger.warning("ignored a getUpdates item without an update_id")
                continue
            if update_id in self._recent or update_id in self.active:  # delivered again: handled or under way
                self._skip.add(update_id)
                cleaned.append({"update_id": update_id})
                continue
            item = without_lone_surrogates(item)
            payload = json.dumps(item, ensure_ascii=False)
            try:
                parse(item)
            except Exception as exc:  # PTB cannot parse it: set it aside rather than stall the rest
                logger.warning("update %s cannot be parsed (%s); set aside", update_id, type(exc).__name__)
                self._skip.add(update_id)
                await self._set_aside(update_id, payload, repr(exc))
                cleaned.append({"update_id": update_id})
                continue
            batch.append((update_id, payload))
            cleaned.append(item)
        self._polled.update(u for u, _ in batch)  # before the write: a replay meanwhile leaves them alone
        try:
            new = await self._db("admit", batch)
        except Exception:  # not the database: one of the updates (an id SQLite cannot hold …); find it
            new = await self._admit_one_by_one(batch, cleaned)
        for update_id, _ in batch:
            if update_id in self._skip:
                continue
            if new is not None and update_id not in new:
                self._polled.discard(update_id)
                self._skip.add(update_id)  # seen before: done, or replayed from the inbox
        return cleaned

    async def _admit_one_by_one(self, batch: list[tuple[int, str]], cleaned: list[Any]) -> set[int] | None:
        new: set[int] | None = set()
        for update_id, payload in batch:
            try:
                one = await self._db("admit", [(update_id, payload)])
            except Exception as exc:
                logger.warning("update %s cannot be saved (%s); set aside", update_id, type(exc).__name__)
                self._polled.discard(update_id)
                self._skip.add(update_id)
                self._remember(update_id)
                cleaned[:] = [{"update_id": update_id} if isinstance(c, dict) and c.get("update_id") == update_id
                              else c for c in cleaned]
                continue
            if one is None:
                new = None
            elif new is not None:
                new |= one
        return new

    async def _set_aside(self, update_id: int, payload: str, error: str) -> None:
        self._remember(update_id)
        for kept in (payload, ""):  # if the payload itself cannot be saved, the id is enough
            try:
                await self._db("set_aside", update_id, kept, error)
                return
            except Exception as exc:
                failure = exc
        logger.warning("update %s cannot be recorded (%s)", update_id, type(failure).__name__)

    async def accept(self, update: Update) -> Update | None:
        """The update the queue should take (a webhook update recorded first, its text made encodable), or None."""
        update_id = update.update_id
        if update_id in self._skip:
            self._skip.discard(update_id)
            return None
        if update_id in self._polled:
            self._polled.discard(update_id)
        elif update_id in self.active or update_id in self._recent:
            return None
        else:  # a webhook update: written before the webhook answers 200
            self.active.add(update_id)  # before the write: a replay meanwhile leaves it alone
            try:
                data = update.to_dict()
                clean = without_lone_surrogates(data)
                if clean != data:
                    update = Update.de_json(clean, update.get_bot())
                new = await self._db("admit", [(update_id, json.dumps(clean, ensure_ascii=False))])
            except Exception as exc:  # not the database: this update cannot be saved
                logger.warning("update %s cannot be saved (%s); set aside", update_id, type(exc).__name__)
                self.active.discard(update_id)
                self._remember(update_id)
                return None
            if new is not None and update_id not in new:
                self.active.discard(update_id)
                return None
        self.active.add(update_id)
        return update

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
            if handling.error:
                logger.warning("update %s set aside: %s", update_id, handling.error)
                await self._settle(update_id, "set_aside", handling.error)
                return
            if not handling.failed:
                await self._settle(update_id, "done")
                return
            attempts = (await self._db("attempts", update_id) or attempts_before) + 1
            if attempts >= MAX_ATTEMPTS:
                logger.warning("update %s set aside after %d failed attempts: %s", update_id, attempts,
                               handling.failed)
                await self._settle(update_id, "set_aside", handling.failed, attempt=True)
            else:
                await self._settle(update_id, "new", handling.failed, attempt=True)
        finally:
            self.active.discard(update_id)  # only once the inbox says how it ended

    def dropped(self, update_id: int) -> None:
        """Dropped unhandled under a flood (a command or button press too many): done, never retried.

        Written with the other drops of the moment in one transaction, so a flood of thousands costs the
        inbox a few writes, not one each (the answers to everyone else queue behind those writes).
        """
        self._remember(update_id)
        self.active.discard(update_id)
        if self.inbox is None:
            return
        self._unsaved[update_id] = ("done", "dropped: too many waiting")
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.get_running_loop().create_task(self._write_soon())

    async def close(self) -> None:
        """At shutdown: write what is kept in memory (drops of a flood, outcomes of an outage), close the inbox."""
        if self._flushing is not None:
            self._flushing.cancel()
        if self.inbox is not None:
            await self.write_unsaved()
            self.inbox.close()

    async def _write_soon(self) -> None:
        await asyncio.sleep(0.05)  # gather the drops of this burst
        if time.monotonic() >= self._paused_until:
            await self.write_unsaved()

    # -- replay ------------------------------------------------------------------------------------------

    async def replay(self, application: Application[Any, Any, Any, Any, Any, Any], *, start: bool = False) -> int:
        """Queue the inbox's unfinished updates (on start: first of all); returns how many.

        Outcomes kept during an outage are written first; an update under way, on its way to the queue
        or handled lately is left alone whatever the inbox says.
        """
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
        elif self._unsaved and time.monotonic() >= self._paused_until:
            await self.write_unsaved()
        rows = await self._db("unfinished") or []
        queued = 0
        for row in rows:
            if row.update_id in self.active or row.update_id in self._polled or row.update_id in self._recent:
                continue
            try:
                update = Update.de_json(without_lone_surrogates(json.loads(row.payload)), application.bot)
            except Exception as exc:
                await self._set_aside(row.update_id, row.payload, repr(exc))
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


def without_lone_surrogates(value: Any) -> Any:
    """A JSON value with every lone surrogate (``\\ud800``, which no encoding can write) made U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, dict):
        return {without_lone_surrogates(k): without_lone_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_lone_surrogates(v) for v in value]
    return value


class IntakeQueue(asyncio.Queue[object]):
    """The Application's update queue: only updates the inbox admits get in."""

    def __init__(self, intake: Intake) -> None:
        super().__init__()
        self.intake = intake

    async def put(self, item: object) -> None:
        if not isinstance(item, Update):  # PTB's stop signal: waiting replies give up their turn
            self.intake.stopping.set()
        else:
            accepted = await self.intake.accept(item)
            if accepted is None:
                return
            item = accepted
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
