"""Sending to Telegram: one shared pacer for answers and broadcasts, bounded retries, quiet logs.

:class:`FairLimiter` is the bot's PTB rate limiter; every Bot API call but ``getUpdates`` passes through
it. It keeps:

* **Telegram's overall limit** (``overall_per_second``) for answers and broadcasts together. Answers
  (requests made while an update is handled) go first; broadcast messages only take a free slot, so a
  resident waits at most a slot or two during a broadcast.
* **The per-group limit** (``group_messages_per_minute``) and **flood control** (429 ``retry_after``)
  per chat: only the chat concerned waits; nobody else does.
* **Retries for answers**: a 5xx, a timeout, a network error or a 429 is retried with bounded
  exponential backoff (``RETRIES`` times); then the update stays in the inbox for a later attempt
  (:attr:`Handling.failed`). Permanent errors (400, 403) are never retried.
* **Flood waits for broadcasts**: a 429 is waited out and retried (``RETRIES`` times) for every request;
  a broadcast's send may ask to wait out a pause of any length (``retry_after_cap``), an answer gives up
  past ``RETRY_AFTER_CAP`` and the inbox tries later. Broadcast requests are not retried here on network
  errors: whether a message that timed out reached Telegram is unknowable, and the announcer records
  that as "uncertain" rather than sending it twice.

:class:`Handling` is the update being handled in the current task (a context variable set by the
update processor); the limiter marks it ``sending`` in the inbox just before its first reply leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

__all__ = ["Abandoned", "FairLimiter", "Handling", "RepeatLog", "current_handling", "maybe_delivered", "retry_seconds"]

logger = logging.getLogger(__name__)

RETRIES = 4  # extra attempts of one reply on transient errors, before the update waits in the inbox
BACKOFF_FIRST, BACKOFF_CAP = 0.5, 8.0  # seconds: 0.5, 1, 2, 4 ... at most 8 between attempts
RETRY_AFTER_CAP = 60.0  # flood control asking for longer than this fails the attempt (the inbox retries)
NOT_PACED = frozenset({"getMe", "getUpdates", "deleteWebhook", "setWebhook", "getChatMember", "setMyCommands",
                       "answerCallbackQuery", "answerInlineQuery", "close", "logOut",
                       "sendChatAction", "setMyDescription", "setMyShortDescription"})


def retry_seconds(exc: RetryAfter) -> float:
    """How long Telegram asked us to wait (PTB is moving this attribute from int to timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def maybe_delivered(exc: NetworkError) -> bool:
    """Whether Telegram may have the message although the call failed.

    An HTTP error answer (5xx, a proxy's error page) or a connection that never opened means it was not
    delivered; a connection dropped or read after the request went out (httpx's RemoteProtocolError,
    ReadError …) or an unknown transport failure may have been.
    """
    if isinstance(exc, TimedOut):
        return "Pool timeout" not in exc.message and "ConnectTimeout" not in exc.message
    text = exc.message
    if text.startswith("httpx."):
        return not text.startswith(("httpx.ConnectError", "httpx.ConnectTimeout", "httpx.UnsupportedProtocol"))
    return text.startswith("Unknown error in HTTP implementation")


class Abandoned(asyncio.CancelledError):
    """The bot is stopping while this update's reply still waits for its turn: it stays in the inbox."""


@dataclass
class Handling:
    """The update the current task is handling; set by the update processor."""

    update_id: int
    mark_sending: Callable[[int, str], Awaitable[None]] | None = None  # records (update_id, status)
    stopping: asyncio.Event | None = None  # set when the bot stops: waiting replies give up their turn
    failed: str = ""  # a reply could not be sent after its retries (transient): handle again later
    error: str = ""  # a handler raised: the update is set aside, not tried again
    maybe_sent: bool = False  # some reply reached (or may have reached) Telegram
    _marked: bool = field(default=False, repr=False)

    async def sleep(self, seconds: float) -> None:
        """Wait, unless the bot stops first (then :class:`Abandoned`; the reply has not left)."""
        if self.stopping is None:
            await asyncio.sleep(seconds)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), timeout=seconds)
        if self.stopping.is_set():
            raise Abandoned

    async def before_send(self) -> None:
        if not self._marked:
            self._marked = True
            if self.mark_sending is not None:
                await self.mark_sending(self.update_id, "sending")

    async def not_sent(self) -> None:
        """Telegram refused the reply (5xx, 429): unless an earlier one may have arrived, it is ``new`` again."""
        if self._marked and not self.maybe_sent:
            self._marked = False
            if self.mark_sending is not None:
                await self.mark_sending(self.update_id, "new")


_current: contextvars.ContextVar[Handling | None] = contextvars.ContextVar("handling", default=None)


def current_handling() -> Handling | None:
    """The update being handled by this task, if any (None in jobs such as broadcasts)."""
    return _current.get()


def set_handling(handling: Handling | None) -> contextvars.Token[Handling | None]:
    return _current.set(handling)


def reset_handling(token: contextvars.Token[Handling | None]) -> None:
    _current.reset(token)


class RepeatLog:
    """Logs a failure that keeps happening at attempts 1, 2, 4, 8 … with the count, never a storm."""

    def __init__(self, log: logging.Logger, what: str) -> None:
        self.log = log
        self.what = what
        self.count = 0

    def failed(self, exc: BaseException) -> None:
        self.count += 1
        if self.count & (self.count - 1) == 0:  # a power of two
            self.log.warning("%s failing (%d in a row): %s: %s", self.what, self.count, type(exc).__name__, exc)

    def succeeded(self) -> None:
        if self.count:
            self.log.info("%s works again after %d failure(s)", self.what, self.count)
            self.count = 0


class FairLimiter(BaseRateLimiter[dict[str, Any]]):
    """Telegram's limits for answers and broadcasts together, answers first; a slow chat delays only itself.

    ``rate_limit_args`` may carry ``{"before_send": async callable, "not_sent": async callable,
    "retry_after_cap": seconds or None}``: the first is awaited just before the request leaves (after any
    waiting), so a ledger can say "sending" exactly when it is; the second when Telegram refused it with
    flood control and it waits again; the third is the longest flood-control pause waited out before the
    request fails (``RETRY_AFTER_CAP`` unless given; ``None``: however long Telegram asks).
    """

    def __init__(
        self,
        *,
        overall_per_second: float,
        group_per_minute: int,
        retries: int = RETRIES,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = 1.0 / overall_per_second if overall_per_second > 0 else 0.0
        self.per_second = max(1, int(overall_per_second))
        self._sent: deque[float] = deque()  # when the requests of the last second left
        self.group_per_minute = group_per_minute
        self.retries = retries
        self._clock = clock
        self._sleep_outside = sleep  # waits of requests made outside an update's handling (broadcasts, jobs)
        self._next_slot = 0.0
        self._urgent_waiting = 0
        self._group_hits: dict[int, deque[float]] = {}
        self._blocked_until: dict[int, float] = {}
        self._failures = RepeatLog(logger, "sending replies")

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    # -- waiting --------------------------------------------------------------------------------------

    async def _sleep(self, seconds: float) -> None:
        handling = current_handling()
        if handling is None:
            await self._sleep_outside(seconds)
        else:
            await handling.sleep(seconds)

    def _group_paced(self, chat_id: int | None, paced: bool) -> bool:
        """Whether this request counts in its group's minute (a paced send to a group, with a group limit)."""
        return paced and chat_id is not None and chat_id < 0 and self.group_per_minute > 0

    def _chat_wait(self, chat_id: int | None, now: float, paced: bool) -> float:
        """Seconds until this chat may get another message: its flood-control pause and group window."""
        if chat_id is None:
            return 0.0
        wait = self._blocked_until.get(chat_id, 0.0) - now
        if wait <= 0:
            self._blocked_until.pop(chat_id, None)
        if self._group_paced(chat_id, paced):
            hits = self._group_hits.setdefault(chat_id, deque())
            while hits and now - hits[0] >= 60.0:
                hits.popleft()
            if len(hits) >= self.group_per_minute:
                wait = max(wait, hits[0] + 60.0 - now)
        return wait

    def _overall_wait(self, now: float) -> float:
        """Seconds until the next slot under the overall limit.

        Slots are spaced ``interval`` apart, and a sliding one-second window of the requests that
        actually left is checked too, so a late wake-up never lets a burst through.
        """
        sent = self._sent
        while sent and now - sent[0] >= 1.0:
            sent.popleft()
        return max(self._next_slot - now, sent[0] + 1.0 - now if len(sent) >= self.per_second else 0.0)

    async def _turn(self, chat_id: int | None, *, paced: bool, urgent: bool) -> None:
        """Wait until this request may leave, then count it where it left (overall and in its group).

        Both limits are checked together and counted at the same moment, so the request counts in its
        group's minute exactly when it takes its overall slot. A request waiting for its chat is not
        counted as a waiting answer: broadcasts to other chats go on meanwhile; one waiting only for an
        overall slot is, and a broadcast takes a slot only when no answer waits for one.
        """
        overall = paced and self.interval > 0
        counted = False
        try:
            while True:
                now = self._clock()
                wait = self._chat_wait(chat_id, now, paced)
                if wait > 0:
                    if counted:
                        self._urgent_waiting -= 1
                        counted = False
                    await self._sleep(wait)
                    continue
                if not overall:
                    break
                if urgent and not counted:
                    self._urgent_waiting += 1
                    counted = True
                wait = self._overall_wait(now)
                if wait <= 0 and (urgent or self._urgent_waiting == 0):
                    self._sent.append(now)
                    self._next_slot = now + self.interval
                    break
                await self._sleep(max(wait, self.interval if not urgent else 0.001))
        finally:
            if counted:
                self._urgent_waiting -= 1
        if chat_id is not None and self._group_paced(chat_id, paced):
            self._group_hits[chat_id].append(now)

    # -- the request ------------------------------------------------------------------------------------

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        handling = current_handling()
        before_send = (rate_limit_args or {}).get("before_send")
        not_sent = (rate_limit_args or {}).get("not_sent")
        retry_after_cap: float | None = (rate_limit_args or {}).get("retry_after_cap", RETRY_AFTER_CAP)
        paced = endpoint not in NOT_PACED
        raw_chat = data.get("chat_id")
        chat_id = int(raw_chat) if isinstance(raw_chat, int | str) and str(raw_chat).lstrip("-").isdigit() else None
        attempt = 0
        while True:
            await self._turn(chat_id, paced=paced, urgent=handling is not None)
            if handling is not None and paced:
                await handling.before_send()
            if before_send is not None:
                await before_send()
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as exc:  # not delivered; only this chat waits
                if not_sent is not None:
                    await not_sent()
                if handling is not None:
                    await handling.not_sent()
                wait = retry_seconds(exc)
                if chat_id is not None:
                    self._blocked_until[chat_id] = self._clock() + wait
                if attempt >= self.retries or (retry_after_cap is not None and wait > retry_after_cap):
                    self._give_up(handling, exc)
                    raise
                if chat_id is None:
                    await self._sleep(wait)
            except BadRequest:
                raise  # permanent (400): retrying cannot help
            except NetworkError as exc:  # 5xx, garbage, timeouts, dropped connections
                if handling is None:
                    raise  # a broadcast: the announcer decides (a timeout may have been delivered)
                if paced and maybe_delivered(exc):
                    handling.maybe_sent = True
                else:
                    await handling.not_sent()
                if attempt >= self.retries:
                    self._give_up(handling, exc)
                    raise
                await self._sleep(min(BACKOFF_CAP, BACKOFF_FIRST * 2**attempt))
            else:
                if handling is not None and paced:
                    handling.maybe_sent = True
                self._failures.succeeded()
                return result
            attempt += 1

    def _give_up(self, handling: Handling | None, exc: BaseException) -> None:
        self._failures.failed(exc)
        if handling is not None:
            handling.failed = f"{type(exc).__name__}: {exc}"
