"""The durable inbox, per-chat ordering and retries, through the running Application's update queue.

Updates are put on ``application.update_queue`` as the Updater (or the webhook) would, so they pass
the inbox, the chat-ordered processor and the shared pacer; the RecordingRequest answers locally.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.error import NetworkError

from bot.config import Config, RateLimits, TelegramSettings
from bot.engine.service import KnowledgeService
from bot.storage import Storage
from bot.tg import app as app_module
from bot.tg import intake as intake_module
from bot.tg import sending
from bot.tg.app import build_application
from bot.tg.inbox import Inbox
from tests.conftest import ADMIN
from tests.tg_fakes import BOT_USERNAME, RecordingRequest, callback_update, mention_update, message_update

QUESTION = "交城有几个乡镇社工站？"


@dataclass
class Running:
    app: Any
    request: RecordingRequest
    storage: Storage
    inbox: Inbox

    async def put(self, update: Update) -> None:
        await self.app.update_queue.put(update)

    async def fetch(self, updates: list[Update]) -> None:
        """As the Updater polls: getUpdates (100 at a time) writes them to the inbox, then each goes on the queue."""
        for first in range(0, len(updates), 100):
            self.request.updates = [u.to_dict() for u in updates[first:first + 100]]
            for update in await self.app.bot.get_updates():
                await self.put(update)

    async def until(self, condition: Callable[[], bool], timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, f"condition not met; calls: {[c.method for c in self.request.calls]}"
            await asyncio.sleep(0.01)

    def texts_to(self, chat_id: int) -> list[str]:
        return [str(c["text"]) for c in self.request.sent() if int(c["chat_id"]) == chat_id]

    async def idle(self) -> None:
        await self.until(lambda: not self.app.bot_data["services"].intake.active)


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sending, "BACKOFF_FIRST", 0.01)
    monkeypatch.setattr(sending, "BACKOFF_CAP", 0.02)


@pytest.fixture
async def start(knowledge_dir: Path, tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    running: list[Running] = []

    async def go(*, request: RecordingRequest | None = None, rate_limit: bool = False,
                 limits: RateLimits | None = None, before: Callable[[Storage], None] | None = None) -> Running:
        config = Config(telegram=TelegramSettings(token="123:TEST"), admins=(ADMIN,), knowledge_dir=str(knowledge_dir),
                        rate_limits=limits or RateLimits(per_user_per_minute=100))
        storage = Storage(tmp_path / "bot.sqlite3")
        if before is not None:
            before(storage)
        request = request or RecordingRequest()
        app = build_application(config, KnowledgeService(knowledge_dir), storage, request=request, rate_limit=rate_limit)
        await app.initialize()
        await app.post_init(app)
        await app.start()
        bot = Running(app, request, storage, app.bot_data["services"].intake.inbox)
        running.append(bot)
        return bot

    yield go
    for bot in running:
        await stop(bot)


async def stop(bot: Running) -> None:
    if bot.app.running:
        await bot.app.stop()
        await bot.app.shutdown()
        bot.storage.close()


async def test_an_update_delivered_twice_is_answered_once(start: Any) -> None:
    bot = await start()
    update = message_update(bot.app.bot, QUESTION, chat_id=501, user_id=501)
    await bot.put(update)
    await bot.until(lambda: len(bot.texts_to(501)) == 1)
    await bot.idle()
    await bot.put(Update.de_json(update.to_dict(), bot.app.bot))  # Telegram sends it again
    await bot.idle()
    await asyncio.sleep(0.1)
    assert len(bot.texts_to(501)) == 1
    assert bot.inbox.status(update.update_id) == "done"


async def test_one_chat_in_order_other_chats_alongside(start: Any) -> None:
    bot = await start()
    questions = ["交城有几个乡镇社工站？", "交城有多少户高新技术企业", "养老机构床位一共多少张"]
    for question in questions:
        await bot.put(message_update(bot.app.bot, question, chat_id=502, user_id=502))
    await bot.put(message_update(bot.app.bot, QUESTION, chat_id=503, user_id=503))
    await bot.until(lambda: len(bot.texts_to(502)) == 3 and len(bot.texts_to(503)) == 1)
    replies = bot.texts_to(502)
    assert "8个乡镇社工站" in replies[0] and "40户" in replies[1] and "床位" in replies[2]


async def test_server_errors_on_a_reply_are_retried_and_it_is_sent_once(start: Any) -> None:
    request = RecordingRequest(chat_errors={504: [
        {"error_code": 500, "description": "Internal Server Error"},
        {"error_code": 502, "description": "Bad Gateway"},
    ]}, chat_exceptions={504: [NetworkError("httpx.ReadTimeout: timed out")]})
    bot = await start(request=request)
    update = message_update(bot.app.bot, QUESTION, chat_id=504, user_id=504)
    await bot.put(update)
    await bot.until(lambda: len(bot.texts_to(504)) == 1)
    await bot.idle()
    assert [c.method for c in request.calls].count("sendMessage!failed") == 3
    assert "8个乡镇社工站" in bot.texts_to(504)[0]
    assert bot.inbox.status(update.update_id) == "done"


async def test_forbidden_is_not_retried(start: Any) -> None:
    request = RecordingRequest(chat_errors={505: [{"error_code": 403, "description": "Forbidden: bot was blocked"}]})
    bot = await start(request=request)
    update = message_update(bot.app.bot, QUESTION, chat_id=505, user_id=505)
    await bot.put(update)
    await bot.idle()
    assert [c.method for c in request.calls].count("sendMessage!failed") == 1
    assert bot.texts_to(505) == []
    assert bot.inbox.status(update.update_id) == "done"


async def test_a_reply_that_keeps_failing_stays_in_the_inbox_and_is_sent_later(start: Any) -> None:
    errors = [{"error_code": 500, "description": "Internal Server Error"}] * (sending.RETRIES + 1)
    request = RecordingRequest(chat_errors={506: list(errors)})
    bot = await start(request=request)
    update = message_update(bot.app.bot, QUESTION, chat_id=506, user_id=506)
    await bot.put(update)
    await bot.idle()
    assert bot.texts_to(506) == []
    assert bot.inbox.status(update.update_id) == "new" and bot.inbox.attempts(update.update_id) == 1
    await bot.app.bot_data["services"].intake.replay(bot.app)  # what the retry job does every 30 s
    await bot.until(lambda: len(bot.texts_to(506)) == 1)
    await bot.idle()
    assert bot.inbox.status(update.update_id) == "done"


@pytest.mark.slow
async def test_flood_control_for_one_chat_delays_only_that_chat(start: Any) -> None:
    request = RecordingRequest(chat_errors={507: [
        {"error_code": 429, "description": "Too Many Requests: retry after 40", "parameters": {"retry_after": 40}}]})
    bot = await start(request=request, rate_limit=True)
    slow = message_update(bot.app.bot, QUESTION, chat_id=507, user_id=507)
    await bot.put(slow)
    await bot.until(lambda: any(c.method == "sendMessage!failed" for c in request.calls))
    for chat_id in (508, 509, 510):
        await bot.put(message_update(bot.app.bot, QUESTION, chat_id=chat_id, user_id=chat_id))
    await bot.until(lambda: all(bot.texts_to(c) for c in (508, 509, 510)))
    assert bot.texts_to(507) == []
    await stop(bot)  # the waiting reply gives up its turn: still in the inbox for the next start
    inbox = Inbox(bot.storage.path)
    assert inbox.status(slow.update_id) == "new"
    inbox.close()


async def test_unfinished_updates_are_handled_first_on_start_and_one_in_flight_is_not_resent(
    start: Any, tmp_path: Path
) -> None:
    waiting = message_update(None, QUESTION, chat_id=511, user_id=511)  # type: ignore[arg-type]
    in_flight = message_update(None, QUESTION, chat_id=512, user_id=512)  # type: ignore[arg-type]

    def left_by_a_kill(storage: Storage) -> None:
        inbox = Inbox(storage.path)
        inbox.admit([(waiting.update_id, waiting.to_json()), (in_flight.update_id, in_flight.to_json())])
        inbox.mark(in_flight.update_id, "sending")
        inbox.close()

    bot = await start(before=left_by_a_kill)
    await bot.until(lambda: len(bot.texts_to(511)) == 1)
    await bot.idle()
    assert bot.texts_to(512) == []  # its reply may have arrived before the kill: not sent twice
    assert bot.inbox.status(waiting.update_id) == "done"
    assert bot.inbox.status(in_flight.update_id) == "unknown"


async def test_an_update_that_cannot_be_parsed_is_set_aside_and_the_rest_answered(start: Any) -> None:
    bot = await start()
    good = message_update(bot.app.bot, QUESTION, chat_id=513, user_id=513).to_dict()
    bad = {"update_id": good["update_id"] - 100_000, "message": {"message_id": "x", "chat": "not a chat"}}
    bot.request.updates = [bad, good]
    updates = await bot.app.bot.get_updates()
    assert [u.update_id for u in updates] == [bad["update_id"], good["update_id"]]  # the offset moves past both
    for update in updates:
        await bot.put(update)
    await bot.until(lambda: len(bot.texts_to(513)) == 1)
    await bot.idle()
    assert bot.inbox.status(bad["update_id"]) == "set_aside"
    assert bot.inbox.status(good["update_id"]) == "done"
    assert json.loads(bot.storage._db.execute(  # the raw update is kept for a person to look at
        "SELECT payload FROM inbox WHERE update_id = ?", (bad["update_id"],)).fetchone()[0]) == bad


async def test_a_database_that_cannot_be_written_still_answers_and_warns_once(start: Any) -> None:
    bot = await start()
    bot.storage._db.execute("PRAGMA query_only = ON")  # the question log can no longer be written
    for chat_id in (514, 515):
        await bot.put(message_update(bot.app.bot, QUESTION, chat_id=chat_id, user_id=chat_id))
        await bot.until(lambda c=chat_id: len(bot.texts_to(c)) == 1)  # type: ignore[misc]
    await bot.idle()
    await bot.until(lambda: len(bot.texts_to(ADMIN)) == 1)
    await asyncio.sleep(0.1)
    warnings = bot.texts_to(ADMIN)
    assert len(warnings) == 1 and "写不进去" in warnings[0] and "照常回答" in warnings[0]
    assert all("8个乡镇社工站" in bot.texts_to(c)[0] for c in (514, 515))


@pytest.mark.slow
async def test_a_database_locked_by_another_program_does_not_hold_up_the_answers(start: Any) -> None:
    """Ten residents ask while another program holds the write lock: all get their answers meanwhile
    (waiting 5 s per log write, one after another, would take 50 s)."""
    bot = await start()
    chats = list(range(520, 530))
    other = sqlite3.connect(bot.storage.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        for chat_id in chats:
            await bot.put(message_update(bot.app.bot, QUESTION, chat_id=chat_id, user_id=chat_id))
        await bot.until(lambda: all(bot.texts_to(c) for c in chats), timeout=30)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert all("8个乡镇社工站" in bot.texts_to(c)[0] for c in chats)
    await bot.until(lambda: len(bot.texts_to(ADMIN)) == 1)
    assert "写不进去" in bot.texts_to(ADMIN)[0]


@pytest.mark.slow
async def test_a_resident_is_answered_during_a_broadcast_without_waiting_for_it(start: Any) -> None:
    """30 groups at 10 messages a second take 3 s; a question asked meanwhile is answered well before."""
    groups = [-2000 - n for n in range(30)]

    def subscribed(storage: Storage) -> None:
        for chat_id in groups:
            storage.subscribe(chat_id, title=f"群{chat_id}")

    bot = await start(rate_limit=True, limits=RateLimits(per_user_per_minute=100, overall_per_second=10),
                      before=subscribed)
    storage, announcer = bot.storage, bot.app.bot_data["services"].announcer
    storage.create_announcement("b1", kind="manual", text="通知", targets={"all": True}, report_chat=ADMIN)
    storage.start_broadcast("b1", storage.recipients({"all": True}))
    announcer.launch(bot.app, "b1")
    await bot.until(lambda: sum(bot.texts_to(c) != [] for c in groups) >= 3)
    await bot.put(message_update(bot.app.bot, QUESTION, chat_id=530, user_id=530))
    await bot.until(lambda: bool(bot.texts_to(530)))
    assert len(storage.deliveries("b1", statuses=("pending",))) >= 10  # the broadcast is far from done
    await bot.until(lambda: all(bot.texts_to(c) for c in groups))


# -- floods (issue 19) ----------------------------------------------------------------------------------------

GROUP = -100900
TOPICS_IN_GROUP = f"/topics@{BOT_USERNAME}"
QUESTIONS = ("交城有几个乡镇社工站？", "交城有多少户高新技术企业", "养老机构床位一共多少张")


def _group_calls(bot: Running) -> list[str]:
    """What the group saw: messages sent to it and messages edited in it (button presses), in order."""
    return [c.method for c in bot.request.calls
            if c.method in ("sendMessage", "editMessageText") and int(c.params["chat_id"]) == GROUP]


@pytest.mark.slow
async def test_one_member_flooding_a_group_with_commands_holds_up_no_other_chat(start: Any) -> None:
    """4,200 /topics@bot from one member (more than PTB's 4,096 slots; the group's replies paced at 20 a
    minute): three residents asking in private meanwhile are answered within a few seconds each, and the
    group gets a handful of messages, not 4,200."""
    bot = await start(rate_limit=True)
    flood = [message_update(bot.app.bot, TOPICS_IN_GROUP, chat_id=GROUP, chat_type="supergroup", user_id=901)
             for _ in range(4200)]
    await bot.fetch(flood)
    waits = []
    for chat_id in (902, 903, 904):
        asked = time.monotonic()
        await bot.fetch([message_update(bot.app.bot, QUESTION, chat_id=chat_id, user_id=chat_id)])
        await bot.until(lambda c=chat_id: bool(bot.texts_to(c)), timeout=30)  # type: ignore[misc]
        waits.append(time.monotonic() - asked)
    assert max(waits) < 5, waits
    assert all("8个乡镇社工站" in bot.texts_to(c)[0] for c in (902, 903, 904))
    group = bot.texts_to(GROUP)
    # five topic lists (the member's limit in a group), one "too fast", at most one "skipped"
    assert group.count("请选择话题：") == 5 and group.count("您操作得有点快，请稍等一会儿再试。") == 1, group
    assert len(group) <= 7, group


@pytest.mark.slow
async def test_thousands_of_questions_waiting_in_one_group_hold_up_no_other_chat(start: Any) -> None:
    """4,200 members each asking in one group (20 answers a minute there: hours of waiting, none of it over
    anyone's limit): a waiting update holds no slot the other chats need, so private questions are
    answered within seconds."""
    bot = await start(rate_limit=True)
    await bot.fetch([mention_update(bot.app.bot, QUESTIONS[n % 3], chat_id=GROUP, chat_type="supergroup",
                                    user_id=100_000 + n) for n in range(4200)])
    for chat_id in (915, 916, 917):
        asked = time.monotonic()
        await bot.fetch([message_update(bot.app.bot, QUESTION, chat_id=chat_id, user_id=chat_id)])
        await bot.until(lambda c=chat_id: bool(bot.texts_to(c)), timeout=30)  # type: ignore[misc]
        assert time.monotonic() - asked < 5
    assert len(bot.texts_to(GROUP)) <= 20  # the group's minute


@pytest.mark.slow
async def test_a_restart_with_a_flooded_inbox_answers_everyone_else_promptly(start: Any) -> None:
    """The flood above left in the inbox by a crash, three residents' questions after it: on start they are
    answered within seconds, and the commands dropped are recorded, so no later start replays them."""
    flood = [message_update(None, TOPICS_IN_GROUP, chat_id=GROUP, chat_type="supergroup", user_id=901)  # type: ignore[arg-type]
             for _ in range(4200)]
    others = [message_update(None, QUESTION, chat_id=c, user_id=c) for c in (905, 906, 907)]  # type: ignore[arg-type]

    def left_flooded(storage: Storage) -> None:
        inbox = Inbox(storage.path)
        inbox.admit([(u.update_id, u.to_json()) for u in [*flood, *others]])
        inbox.close()

    began = time.monotonic()
    bot = await start(rate_limit=True, before=left_flooded)
    await bot.until(lambda: all(bot.texts_to(c) for c in (905, 906, 907)), timeout=30)
    assert time.monotonic() - began < 10  # start-up included
    assert len(bot.texts_to(GROUP)) <= 7
    await bot.until(lambda: bot.inbox.counts() == {"done": 4203}, timeout=30)  # every command handled or dropped


@pytest.mark.slow
async def test_300_commands_in_ten_seconds_from_one_resident_get_a_handful_of_replies(start: Any) -> None:
    """Five at a time (too few waiting to drop any): the person's command limit alone does it."""
    bot = await start()
    now = int(time.time())
    for first in range(0, 300, 5):
        await bot.fetch([message_update(bot.app.bot, "/topics", chat_id=910, user_id=910,
                                        extra={"date": now - 10 + n // 30}) for n in range(first, first + 5)])
        await bot.idle()
    await bot.fetch([message_update(bot.app.bot, QUESTION, chat_id=911, user_id=911)])
    await bot.until(lambda: bool(bot.texts_to(911)))
    texts = bot.texts_to(910)
    assert texts == ["请选择话题："] * 20 + ["您操作得有点快，请稍等一会儿再试。"]  # rate_limits.commands_per_minute


async def test_commands_and_button_presses_from_one_member_do_not_hold_up_a_question_in_the_group(start: Any) -> None:
    """60 /topics and 60 button presses from one member, then another member's question in the same group
    (20 messages a minute): the question is answered at once, after a handful of the member's messages."""
    bot = await start(rate_limit=True)
    flood: list[Update] = []
    for _ in range(60):
        flood.append(message_update(bot.app.bot, TOPICS_IN_GROUP, chat_id=GROUP, chat_type="supergroup", user_id=913))
        flood.append(callback_update(bot.app.bot, "t|0", user_id=913, chat_id=GROUP))
    await bot.fetch(flood)
    asked = time.monotonic()
    await bot.fetch([mention_update(bot.app.bot, QUESTION, chat_id=GROUP, chat_type="supergroup", user_id=914)])
    await bot.until(lambda: any("8个乡镇社工站" in t for t in bot.texts_to(GROUP)), timeout=30)
    assert time.monotonic() - asked < 5
    assert len(_group_calls(bot)) <= 8, _group_calls(bot)
    presses = [c for c in bot.request.calls if c.method == "answerCallbackQuery"]
    assert presses  # a press over the limit is still answered (its spinner stops)


# -- answered once, through lock contention and outages (issue 19) --------------------------------------------

@pytest.mark.slow
async def test_under_load_with_the_retry_job_every_50_ms_nothing_is_answered_twice_or_lost(
    start: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """400 webhook questions from 400 chats at once, one chat in 20 with replies failing for a while, the retry
    job every 50 ms and another thread reading the inbox all along: each chat answered exactly once, and
    every update acknowledged is in the inbox, done."""
    monkeypatch.setattr(app_module, "RETRY_EVERY", 0.05)
    monkeypatch.setattr(intake_module, "PAUSE_AFTER_FAILURE", 0.2)
    chats = list(range(3000, 3400))
    errors = [{"error_code": 500, "description": "Internal Server Error"}] * (sending.RETRIES + 1)
    request = RecordingRequest(chat_errors={c: list(errors) for c in chats[::20]})
    bot = await start(request=request)
    reading = threading.Event()

    def read_along() -> None:  # a second thread on the inbox, as the reproduction had
        while not reading.is_set():
            bot.inbox.counts()
            bot.inbox.unfinished()
            time.sleep(0.001)

    reader = threading.Thread(target=read_along)
    reader.start()
    try:
        updates = [message_update(bot.app.bot, QUESTIONS[n % 3], chat_id=c, user_id=c) for n, c in enumerate(chats)]
        await asyncio.gather(*(bot.put(u) for u in updates))
        await bot.until(lambda: all(bot.texts_to(c) for c in chats), timeout=60)
        await bot.idle()
        await asyncio.sleep(0.5)  # ten more rounds of the retry job: an answer sent twice shows up now
    finally:
        reading.set()
        reader.join()
    counts = Counter(int(c["chat_id"]) for c in request.sent())
    assert counts == Counter(dict.fromkeys(chats, 1)), {c: n for c, n in counts.items() if n != 1}
    await bot.until(lambda: bot.inbox.counts() == {"done": len(chats)}, timeout=10)


async def test_during_a_database_outage_updates_delivered_again_are_not_answered_again(
    start: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The disk fills (the inbox can be read, not written): questions are still answered, those Telegram
    delivers again are not answered again (during the outage or after it), "the inbox works again" is
    logged only once a write succeeds, and how the updates of the outage ended is written then."""
    monkeypatch.setattr(intake_module, "PAUSE_AFTER_FAILURE", 0.05)
    bot = await start()
    intake = bot.app.bot_data["services"].intake
    before = message_update(bot.app.bot, QUESTION, chat_id=930, user_id=930)
    await bot.put(before)
    await bot.until(lambda: bool(bot.texts_to(930)))
    await bot.idle()

    def disk(full: bool) -> None:
        with bot.inbox._lock:
            bot.inbox._db.execute(f"PRAGMA query_only = {'ON' if full else 'OFF'}")

    again = lambda u: Update.de_json(u.to_dict(), bot.app.bot)  # noqa: E731
    during = [message_update(bot.app.bot, QUESTION, chat_id=c, user_id=c) for c in (931, 932, 933)]
    with caplog.at_level(logging.INFO, logger="bot.tg.intake"):
        disk(full=True)
        for update in during:
            await bot.put(update)
        await bot.until(lambda: all(bot.texts_to(c) for c in (931, 932, 933)))
        await bot.idle()
        await asyncio.sleep(0.1)  # past the pause: the inbox is tried again
        for update in [before, *during]:  # Telegram delivers them all again
            await bot.put(again(update))
        await bot.idle()
        await intake.replay(bot.app)  # the retry job: a read, which works on a full disk
        await bot.idle()
        assert "the inbox works again" not in caplog.text
        disk(full=False)
        await asyncio.sleep(0.1)
        late = message_update(bot.app.bot, QUESTION, chat_id=934, user_id=934)
        await bot.put(late)
        await bot.until(lambda: bool(bot.texts_to(934)))
        await bot.idle()
        for update in during:  # and once more after the outage
            await bot.put(again(update))
        await bot.idle()
        await asyncio.sleep(0.1)
    assert {c: len(bot.texts_to(c)) for c in range(930, 935)} == dict.fromkeys(range(930, 935), 1)
    assert caplog.text.count("the inbox works again") == 1
    assert [bot.inbox.status(u.update_id) for u in [before, *during, late]] == ["done"] * 5


async def test_an_update_the_inbox_cannot_hold_or_a_handler_error_is_set_aside_and_the_rest_answered(
    start: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """An update_id SQLite cannot hold (OverflowError, not a database error) in a getUpdates batch: the others
    of the batch are answered; a reply Telegram answers with nonsense (the handler raises): set aside, one
    warning, not tried again by the retry job."""
    request = RecordingRequest()
    bot = await start(request=request)
    good = message_update(bot.app.bot, QUESTION, chat_id=940, user_id=940).to_dict()
    huge = {**message_update(bot.app.bot, QUESTION, chat_id=941, user_id=941).to_dict(), "update_id": 2**63}
    bot.request.updates = [good, huge]
    for update in await bot.app.bot.get_updates():
        await bot.put(update)
    await bot.until(lambda: bool(bot.texts_to(940)))
    await bot.idle()
    assert bot.texts_to(941) == [] and bot.inbox.status(good["update_id"]) == "done"
    request.results["sendMessage"] = {"unexpected": "shape"}
    broken = message_update(bot.app.bot, QUESTION, chat_id=942, user_id=942)
    with caplog.at_level(logging.WARNING, logger="bot.tg.intake"):
        await bot.put(broken)
        await bot.idle()
        assert await bot.app.bot_data["services"].intake.replay(bot.app) == 0
    assert bot.inbox.status(broken.update_id) == "set_aside"
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.tg.intake"]
    assert lines == [f"update {2**63} cannot be saved (OverflowError); set aside",
                     f"update {broken.update_id} set aside: KeyError: 'date'"]
