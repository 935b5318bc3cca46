"""How updates come in: durably, once each, in order within a chat and concurrently across chats.

* :class:`IntakeBot` writes every batch ``getUpdates`` returns to the inbox (``bot/tg/inbox.py``) before
  handing it to PTB's Updater, which confirms the offset only on its *next* ``getUpdates``; so an
  update Telegram forgets is always in the inbox first. An update PTB cannot parse is set aside
  (recorded, skipped) instead of stalling every later one. At start it retries the Bot API with
  backoff, one log line per attempt.
* :class:`IntakeQueue` is the Application's update queue: it admits a webhook update to the inbox
  before the webhook answers 200, and drops an update the inbox has seen already.
* :class:`ChatOrderedProcessor` handles updates of different chats concurrently and those of one chat
  in order, then marks each done in the inbox (or leaves it for a later attempt when its reply could
  not be sent). An update waiting for its chat holds nothing shared: neither a worker nor a slot of
  PTB's own limit. What one chat, or one person, may have waiting is capped: beyond
  ``CHAT_WAITING`` / ``USER_WAITING`` the oldest low-value updates (commands, button presses, inline
  queries, a message repeating one still waiting) are dropped, with one notice to the chat.
* :class:`Intake` ties these to the inbox; on start it replays what a previous run left unfinished.
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
import contextlib
import json
import logging
import re
import sqlite3
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import Application, BaseUpdateProcessor, ContextTypes, ExtBot

from .inbox import MAX_ATTEMPTS, Inbox
from .sending import Abandoned, Handling, RepeatLog, reset_handling, set_handling

__all__ = ["ChatOrderedProcessor", "Intake", "IntakeBot", "IntakeQueue"]

logger = logging.getLogger(__name__)

STARTUP_BACKOFF_CAP = 60.0  # seconds between start-up attempts at most
RETRY_EVERY = 30.0  # seconds between looks for updates whose reply failed
PAUSE_AFTER_FAILURE = 15.0  # seconds the inbox is left alone after a database error
RECENT_IDS = 20_000  # update ids handled lately, remembered in memory (a few minutes of heavy traffic)
CHAT_WAITING = 20  # low-value updates one chat may have waiting for its turn; beyond, the oldest are dropped
USER_WAITING = 10  # the same for one person, over all chats
USER_WAITING_ALL = 50  # updates of any kind one person may have waiting (questions too: they are limited anyway)
DROP_NOTICE_EVERY = 600.0  # seconds: a chat hears about dropped updates at most once in this time
UNLIMITED = 2**31 - 1  # PTB's own limit on updates in progress: never reached; the caps above bound the waiting
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


@dataclass(eq=False)
class _Waiting:
    """An update waiting for its chat's turn; ``turn`` says True (go) or False (dropped)."""

    update: object
    chain: _Chain
    user: int | None
    low: bool  # a command, button press, inline query or repeat: dropped first under a flood
    turn: asyncio.Future[bool]


@dataclass(eq=False)
class _Chain:
    """One chat's updates: the one being handled (``busy``) and those waiting, in order."""

    key: object
    busy: bool = False
    waiting: deque[_Waiting] = field(default_factory=deque)


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Updates of one chat in order; different chats concurrently, ``workers`` at a time.

    A chat's waiting updates hold no worker and no slot of PTB's limit, so one busy group never holds up
    everyone else. One chat, or one person, may have at most ``chat_waiting`` / ``user_waiting``
    low-value updates waiting, and one person ``USER_WAITING_ALL`` of any kind; beyond that the oldest
    low-value one (failing that, the person's oldest) is dropped, marked done unanswered, and
    ``on_dropped`` is called once per chat per ``DROP_NOTICE_EVERY`` seconds to tell it.
    """

    def __init__(self, intake: Intake, *, workers: int = 32, chat_waiting: int = CHAT_WAITING,
                 user_waiting: int = USER_WAITING, keep: Collection[int] = ()) -> None:
        super().__init__(max_concurrent_updates=UNLIMITED)
        self.intake = intake
        self.workers = workers
        self.chat_waiting = chat_waiting
        self.user_waiting = user_waiting
        self.keep = frozenset(keep)  # people whose updates are never dropped (the bot's admins)
        self.on_dropped: Callable[[Update], None] | None = None
        self._slots: asyncio.Semaphore | None = None
        self._chains: dict[object, _Chain] = {}
        self._by_user: dict[int, deque[_Waiting]] = {}  # each person's updates waiting, oldest first
        self._told: dict[object, float] = {}  # chat → when it was last told about dropped updates

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

    @staticmethod
    def low_value(update: object, mine: Collection[_Waiting]) -> bool:
        """A command, a button press, an inline query, a message without words, or a repeat of one of the
        sender's messages still waiting (``mine``)."""
        if not isinstance(update, Update):
            return False
        if update.callback_query is not None or update.inline_query is not None:
            return True
        message = update.message
        if message is None:
            return False  # the bot added to a group, and the like
        text = message.text or message.caption
        if text is None:
            return True
        if text.startswith("/") and not (text.startswith("/ask") and len(text.split(maxsplit=1)) > 1):
            return True  # a command; /ask with a question is a question
        return any(
            isinstance(w.update, Update) and w.update.message is not None
            and (w.update.message.text or w.update.message.caption) == text
            for w in mine
        )

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.workers)
        key = self.chat_key(update)
        chain = self._chains.get(key)
        if chain is None:
            chain = self._chains[key] = _Chain(key)
        if chain.busy and not await self._wait_turn(update, chain):
            coroutine.close()  # type: ignore[attr-defined]
            if isinstance(update, Update):
                self.intake.dropped(update.update_id)
            return
        chain.busy = True
        try:
            async with self._slots:
                if self.intake.stopping.is_set() and isinstance(update, Update):
                    # stopping: left in the inbox, handled first on the next start
                    self.intake.active.discard(update.update_id)
                    coroutine.close()  # type: ignore[attr-defined]
                    return
                await self._handle(update, coroutine)
        finally:
            self._pass_turn(chain)

    async def _wait_turn(self, update: object, chain: _Chain) -> bool:
        """Wait behind the chat's earlier updates; False if this one was dropped meanwhile."""
        user = update.effective_user.id if isinstance(update, Update) and update.effective_user else None
        mine = self._by_user.setdefault(user, deque()) if user is not None and user not in self.keep else None
        low = mine is not None and self.low_value(update, mine)
        entry = _Waiting(update, chain, user, low, asyncio.get_running_loop().create_future())
        chain.waiting.append(entry)
        if mine is not None:
            mine.append(entry)
            self._enforce_caps(entry, mine)
        try:
            return await entry.turn
        except asyncio.CancelledError:
            self._forget(entry)
            if entry.turn.done() and not entry.turn.cancelled() and entry.turn.result():
                self._pass_turn(chain)  # its turn had come: hand it on
            raise

    def _enforce_caps(self, entry: _Waiting, mine: deque[_Waiting]) -> None:
        if len(mine) > USER_WAITING_ALL:
            self._drop(next((w for w in mine if w.low), mine[0]))
        if not entry.low:
            return
        my_low = [w for w in mine if w.low]
        if len(my_low) > self.user_waiting:
            self._drop(my_low[0])
        chat_low = [w for w in entry.chain.waiting if w.low]
        if len(chat_low) > self.chat_waiting:
            self._drop(chat_low[0])

    def _drop(self, entry: _Waiting) -> None:
        self._forget(entry)
        if not entry.turn.done():
            entry.turn.set_result(False)
        key = entry.chain.key
        now = time.monotonic()
        if self.on_dropped is None or not isinstance(entry.update, Update) or not isinstance(key, int):
            return
        if now - self._told.get(key, -DROP_NOTICE_EVERY) >= DROP_NOTICE_EVERY:
            self._told[key] = now
            if len(self._told) > 10_000:
                self._told = {k: t for k, t in self._told.items() if now - t < DROP_NOTICE_EVERY}
            self.on_dropped(entry.update)

    def _forget(self, entry: _Waiting) -> None:
        with contextlib.suppress(ValueError):
            entry.chain.waiting.remove(entry)
        if entry.user is not None:
            mine = self._by_user.get(entry.user)
            if mine is not None:
                with contextlib.suppress(ValueError):
                    mine.remove(entry)
                if not mine:
                    del self._by_user[entry.user]

    def _pass_turn(self, chain: _Chain) -> None:
        """The chat's next waiting update goes; with none waiting the chat is forgotten."""
        while chain.waiting:
            entry = chain.waiting[0]
            self._forget(entry)
            if not entry.turn.done():
                entry.turn.set_result(True)
                return
        chain.busy = False
        if self._chains.get(chain.key) is chain:
            del self._chains[chain.key]

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
