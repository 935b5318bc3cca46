"""Updates in order within a chat and concurrently across chats: :class:`ChatOrderedProcessor`.

It handles updates of different chats concurrently and those of one chat in order, then marks each
done in the inbox through :class:`~bot.tg.intake.Intake` (or leaves it for a later attempt when its
reply could not be sent). An update waiting for its chat holds nothing shared: neither a worker nor a
slot of PTB's own limit. What one chat, or one person, may have waiting is capped: beyond
``CHAT_WAITING`` / ``USER_WAITING`` the oldest low-value updates (commands, button presses, inline
queries, a message repeating one still waiting) are dropped, with one notice to the chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from .intake import Intake
from .sending import Abandoned, Handling, reset_handling, set_handling

__all__ = ["ChatOrderedProcessor"]

logger = logging.getLogger(__name__)

CHAT_WAITING = 20  # low-value updates one chat may have waiting for its turn; beyond, the oldest are dropped
USER_WAITING = 10  # the same for one person, over all chats
USER_WAITING_ALL = 50  # updates of any kind one person may have waiting (questions too: they are limited anyway)
DROP_NOTICE_EVERY = 600.0  # seconds: a chat hears about dropped updates at most once in this time
UNLIMITED = 2**31 - 1  # PTB's own limit on updates in progress: never reached; the caps above bound the waiting


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
