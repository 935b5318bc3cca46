"""The shared pacer on its own: answers before broadcasts, Telegram's limits, one chat's wait is its own."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from typing import Any

import pytest
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.tg.sending import FairLimiter, Handling, RepeatLog, maybe_delivered, reset_handling, set_handling


class Recorder:
    """Stands for the Bot API call: records which request went when."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, float]] = []
        self.errors: dict[str, list[Exception]] = {}

    def call(self, name: str) -> Any:
        async def callback() -> dict[str, Any]:
            if self.errors.get(name):
                raise self.errors[name].pop(0)
            self.sent.append((name, time.monotonic()))
            return {"ok": True}

        return callback

    def names(self) -> list[str]:
        return [name for name, _ in self.sent]


async def send(limiter: FairLimiter, recorder: Recorder, name: str, chat_id: int, *, answer: bool = False) -> Any:
    token = set_handling(Handling(update_id=1)) if answer else None
    try:
        return await limiter.process_request(recorder.call(name), (), {}, "sendMessage", {"chat_id": chat_id}, None)
    finally:
        if token is not None:
            reset_handling(token)


async def until(condition: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.005)


async def test_an_answer_overtakes_a_broadcast_that_is_under_way() -> None:
    limiter = FairLimiter(overall_per_second=20, group_per_minute=0)
    recorder = Recorder()
    broadcast = [asyncio.create_task(send(limiter, recorder, f"group{n}", -1000 - n)) for n in range(30)]
    await until(lambda: len(recorder.sent) >= 5)
    await send(limiter, recorder, "answer", 42, answer=True)
    position = recorder.names().index("answer")
    assert position <= 8  # the next free slot, not after the 25 broadcast messages still queued
    assert len([n for n in recorder.names() if n.startswith("group")]) < 30
    for task in broadcast:
        task.cancel()
    await asyncio.gather(*broadcast, return_exceptions=True)


@pytest.mark.slow
async def test_answers_and_broadcasts_together_stay_under_the_overall_limit() -> None:
    limiter = FairLimiter(overall_per_second=30, group_per_minute=0)
    recorder = Recorder()
    jobs = [send(limiter, recorder, f"group{n}", -1000 - n) for n in range(30)]
    jobs += [send(limiter, recorder, f"answer{n}", 100 + n, answer=True) for n in range(30)]
    await asyncio.gather(*jobs)
    times = sorted(t for _, t in recorder.sent)
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert len(times) == 60 and busiest <= 30


async def test_a_broadcast_keeps_under_the_overall_and_per_group_limits() -> None:
    """200 messages sent one after another, as a broadcast sends them, every other one to the same group:
    on a simulated clock, no two leave closer than 1/30 s and no 21 reach that group within a minute."""
    clock = [0.0]

    async def sleep(seconds: float) -> None:
        clock[0] += seconds

    limiter = FairLimiter(overall_per_second=30, group_per_minute=20, clock=lambda: clock[0], sleep=sleep)
    sent: list[tuple[float, int]] = []
    for i in range(200):
        chat = -1 if i % 2 else -2 - i

        async def call(chat: int = chat) -> dict[str, Any]:
            sent.append((clock[0], chat))
            return {"ok": True}

        await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": chat}, None)
    times = [t for t, _ in sent]
    assert len(times) == 200 and all(b - a >= 1 / 30 - 1e-9 for a, b in itertools.pairwise(times))
    same = [t for t, c in sent if c == -1]
    assert all(same[i + 20] - same[i] >= 60 - 1e-9 for i in range(len(same) - 20))
    assert times[-1] >= 60 * 4  # the group's 100 messages took their five minutes


async def test_a_full_group_waits_alone() -> None:
    limiter = FairLimiter(overall_per_second=0, group_per_minute=2)
    recorder = Recorder()
    await send(limiter, recorder, "busy1", -1)
    await send(limiter, recorder, "busy2", -1)
    third = asyncio.create_task(send(limiter, recorder, "busy3", -1))
    await send(limiter, recorder, "other-group", -2)
    await send(limiter, recorder, "private", 42, answer=True)
    assert recorder.names() == ["busy1", "busy2", "other-group", "private"]  # busy3 waits for its minute
    third.cancel()
    await asyncio.gather(third, return_exceptions=True)


async def test_flood_control_for_one_chat_holds_back_only_that_chat() -> None:
    limiter = FairLimiter(overall_per_second=0, group_per_minute=0)
    recorder = Recorder()
    recorder.errors["slow"] = [RetryAfter(30)]
    slow = asyncio.create_task(send(limiter, recorder, "slow", 7, answer=True))
    await until(lambda: not recorder.errors["slow"])
    for n in range(5):
        await send(limiter, recorder, f"other{n}", 100 + n, answer=True)
    assert recorder.names() == [f"other{n}" for n in range(5)]
    slow.cancel()
    await asyncio.gather(slow, return_exceptions=True)


async def test_a_broadcast_waits_out_a_long_flood_pause_an_answer_leaves_it_to_the_inbox() -> None:
    clock = [0.0]

    async def sleep(seconds: float) -> None:
        clock[0] += seconds

    limiter = FairLimiter(overall_per_second=0, group_per_minute=0, clock=lambda: clock[0], sleep=sleep)
    recorder = Recorder()
    recorder.errors["announce"] = [RetryAfter(300)]
    refused: list[float] = []

    async def not_sent() -> None:
        refused.append(clock[0])

    hooks = {"not_sent": not_sent, "retry_after_cap": None}
    assert await limiter.process_request(recorder.call("announce"), (), {}, "sendMessage", {"chat_id": -5}, hooks)
    assert recorder.names() == ["announce"] and refused == [0.0] and clock[0] >= 300
    recorder.errors["answer"] = [RetryAfter(300)]
    handling = Handling(update_id=3)
    token = set_handling(handling)
    try:
        with pytest.raises(RetryAfter):
            await limiter.process_request(recorder.call("answer"), (), {}, "sendMessage", {"chat_id": 8}, None)
    finally:
        reset_handling(token)
    assert handling.failed.startswith("RetryAfter") and recorder.names() == ["announce"]


async def test_answers_retry_transient_errors_then_give_up_and_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.tg import sending

    monkeypatch.setattr(sending, "BACKOFF_FIRST", 0.001)
    limiter = FairLimiter(overall_per_second=0, group_per_minute=0, retries=2)
    recorder = Recorder()
    recorder.errors["flaky"] = [NetworkError("Bad Gateway"), TimedOut()]
    assert await send(limiter, recorder, "flaky", 5, answer=True) == {"ok": True}
    recorder.errors["down"] = [NetworkError("Internal Server Error (500)")] * 3
    handling = Handling(update_id=9)
    token = set_handling(handling)
    try:
        with pytest.raises(NetworkError):
            await limiter.process_request(recorder.call("down"), (), {}, "sendMessage", {"chat_id": 6}, None)
    finally:
        reset_handling(token)
    assert handling.failed.startswith("NetworkError") and not handling.maybe_sent


async def test_broadcasts_are_not_retried_on_network_errors_here() -> None:
    limiter = FairLimiter(overall_per_second=0, group_per_minute=0)
    recorder = Recorder()
    recorder.errors["announce"] = [NetworkError("httpx.RemoteProtocolError: Server disconnected")]
    with pytest.raises(NetworkError):
        await send(limiter, recorder, "announce", -1)
    assert recorder.names() == []


def test_which_failures_may_have_been_delivered() -> None:
    assert maybe_delivered(NetworkError("httpx.RemoteProtocolError: Server disconnected without sending a response."))
    assert maybe_delivered(NetworkError("httpx.ReadError: "))
    assert maybe_delivered(TimedOut())
    assert not maybe_delivered(NetworkError("httpx.ConnectError: [Errno 111] Connection refused"))
    assert not maybe_delivered(NetworkError("Bad Gateway"))
    assert not maybe_delivered(TimedOut("Pool timeout: All connections in the connection pool are occupied."))


def test_a_failure_that_keeps_happening_is_logged_at_powers_of_two(caplog: pytest.LogCaptureFixture) -> None:
    log = RepeatLog(logging.getLogger("test.repeat"), "getUpdates")
    with caplog.at_level(logging.INFO, logger="test.repeat"):
        for _ in range(1000):
            log.failed(NetworkError("Bad Gateway"))
        log.succeeded()
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 11  # 1, 2, 4 … 512, and "works again"
    assert lines[-1] == "getUpdates works again after 1000 failure(s)"
