"""Group announcements through real Updates and Application.process_update, with the JobQueue running.

Subscriptions and rights, preview and confirm, targeting, pinning, scheduled and missed announcements,
Telegram's errors, and the delivery ledger across a simulated crash and restart.
"""

from __future__ import annotations

import asyncio
import html
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram.error import NetworkError

from bot.announcements.delivery import Announcer
from bot.announcements.model import ANNOUNCEMENT_TZ
from bot.config import AnnouncementSettings, Config, RateLimits, TelegramSettings
from bot.engine.service import KnowledgeService
from bot.limits import telegram_length
from bot.storage import Storage
from bot.tg.app import build_application
from bot.tg.common import chunks
from tests.conftest import ADMIN
from tests.tg_fakes import RecordingRequest, callback_update, message_update, my_chat_member_update

MEMBER = 4242
GROUPS = {-1001: ("城关镇一群", ["城关镇"]), -1002: ("城关镇二群", ["城关镇", "老年"]),
          -1003: ("夏家营群", ["夏家营镇"]), -1004: ("庞泉沟群", [])}


@dataclass
class Bot:
    """One running Application (JobQueue started) with its recording request and storage."""

    app: Any
    request: RecordingRequest
    storage: Storage
    announcer: Announcer

    async def send(self, text: str, **kwargs: Any) -> None:
        await self.app.process_update(message_update(self.app.bot, text, **kwargs))

    async def press(self, data: str, *, user_id: int = ADMIN) -> None:
        await self.app.process_update(callback_update(self.app.bot, data, user_id=user_id, chat_id=user_id))

    async def settle(self, timeout: float = 20.0) -> None:
        """Wait until no broadcast is running or due."""
        deadline = time.monotonic() + timeout
        await asyncio.sleep(0.05)
        while self.announcer.busy():
            assert time.monotonic() < deadline, "broadcast did not finish"
            await asyncio.sleep(0.02)

    def group_messages(self) -> list[dict[str, Any]]:
        return [c for c in self.request.sent() if int(c["chat_id"]) < 0]

    def texts_to(self, chat_id: int) -> list[str]:
        return [str(c["text"]) for c in self.request.sent() if int(c["chat_id"]) == chat_id]


def write_schedule(directory: Path, body: str) -> None:
    (directory / "announcements.yaml").write_text("announcements:\n" + body, encoding="utf-8")


def local(moment: datetime) -> str:
    return moment.astimezone(ANNOUNCEMENT_TZ).strftime("%Y-%m-%d %H:%M:%S")


BotFactory = Callable[..., Any]


@pytest.fixture
async def make_bot(knowledge_dir: Path, tmp_path: Path) -> AsyncIterator[BotFactory]:
    """Start a bot on the test's database; call again to 'restart' on the same database."""
    running: list[Bot] = []

    async def start(
        *, per_second: int | None = None, grace: float = 60, request: RecordingRequest | None = None,
        subscribe: bool = True,
    ) -> Bot:
        config = Config(
            telegram=TelegramSettings(token="123:TEST"),
            admins=(ADMIN,),
            knowledge_dir=str(knowledge_dir),
            knowledge_settle_seconds=0,  # /reload right after writing announcements.yaml goes through
            rate_limits=RateLimits(per_user_per_minute=50, overall_per_second=per_second or 30),
            announcements=AnnouncementSettings(missed_grace_minutes=grace),
        )
        storage = Storage(tmp_path / "bot.sqlite3")
        if subscribe:
            for chat_id, (title, tags) in GROUPS.items():
                if storage.subscription(chat_id) is None:
                    storage.subscribe(chat_id, title=title, tags=tags)
        request = request or RecordingRequest()
        # per_second paces every request through the bot's rate limiter; without it nothing is paced
        app = build_application(config, KnowledgeService(knowledge_dir), storage, request=request,
                                rate_limit=per_second is not None)
        await app.initialize()
        bot = Bot(app, request, storage, app.bot_data["services"].announcer)
        await bot.announcer.start(app)  # what post_init does when the real process starts
        await app.start()
        running.append(bot)
        return bot

    yield start
    for bot in running:
        await stop(bot)


async def stop(bot: Bot) -> None:
    if bot.app.running:
        await bot.app.stop()
        await bot.app.shutdown()
        bot.storage.close()


def kill_broadcasts() -> None:
    """Like kill -9 for the running broadcast: its job task dies where it is, nothing gets to clean up."""
    for task in asyncio.all_tasks():
        if "Job._run" in repr(task.get_coro()) or "job_callback" in repr(task.get_coro()):
            task.cancel()


def button_data(call: dict[str, Any]) -> list[str]:
    return [b["callback_data"] for row in call["reply_markup"]["inline_keyboard"] for b in row]


# -- subscriptions -----------------------------------------------------------------------------------


async def test_bot_added_to_a_group_introduces_itself_and_removal_stops_announcements(make_bot: BotFactory) -> None:
    bot = await make_bot()
    await bot.app.process_update(my_chat_member_update(bot.app.bot, chat_id=-1009, old="left", new="member"))
    intro = bot.texts_to(-1009)
    assert len(intro) == 1 and "/subscribe" in intro[0]
    await bot.app.process_update(my_chat_member_update(bot.app.bot, chat_id=-1001, old="member", new="kicked"))
    assert not bot.storage.subscription(-1001).active  # type: ignore[union-attr]
    assert len(bot.texts_to(-1001)) == 0  # nothing said to a group that removed the bot


async def test_only_group_admins_and_bot_admins_subscribe(make_bot: BotFactory) -> None:
    bot = await make_bot(subscribe=False)
    await bot.send("/subscribe 城关镇", chat_id=-1005, chat_type="supergroup", user_id=MEMBER)
    assert "只有本群管理员" in bot.request.last_text()
    assert bot.storage.subscription(-1005) is None

    bot.request.chat_member_status = "administrator"
    await bot.send("/subscribe 城关镇，老年 #养老", chat_id=-1005, chat_type="supergroup", user_id=MEMBER)
    assert "已订阅" in bot.request.last_text() and "城关镇、老年、养老" in bot.request.last_text()
    sub = bot.storage.subscription(-1005)
    assert sub is not None and sub.active and sub.tags == ("城关镇", "老年", "养老") and sub.title == "交城居民群"

    bot.request.chat_member_status = "member"
    await bot.send("/unsubscribe", chat_id=-1005, chat_type="supergroup", user_id=MEMBER)
    assert bot.storage.subscription(-1005).active  # type: ignore[union-attr]
    calls_before = len([c for c in bot.request.calls if c.method == "getChatMember"])
    await bot.send("/unsubscribe", chat_id=-1005, chat_type="supergroup", user_id=ADMIN)  # bot admin: no check
    assert "已取消订阅" in bot.request.last_text()
    assert not bot.storage.subscription(-1005).active  # type: ignore[union-attr]
    assert len([c for c in bot.request.calls if c.method == "getChatMember"]) == calls_before

    await bot.send("/subscribe", chat_id=ADMIN, user_id=ADMIN)
    assert "只能在群里" in bot.request.last_text()


async def test_groups_lists_subscriptions_for_bot_admins_only(make_bot: BotFactory) -> None:
    bot = await make_bot()
    bot.storage.deactivate(-1004, "机器人被移出群")
    await bot.send("/groups", chat_id=MEMBER, user_id=MEMBER)
    assert "只有机器人管理员" in bot.request.last_text()
    await bot.send("/groups", chat_id=ADMIN, user_id=ADMIN)
    text = bot.request.last_text()
    assert "3 个在用，1 个已停用" in text
    assert "城关镇二群（<code>-1002</code>）  标签：城关镇、老年" in text
    assert "庞泉沟群（<code>-1004</code>）：机器人被移出群" in text


# -- /announce ---------------------------------------------------------------------------------------


async def test_announce_previews_and_sends_nothing_until_confirmed(make_bot: BotFactory) -> None:
    bot = await make_bot()
    await bot.send("/announce 停水通知\n明天 8:00-12:00 城区停水。<注意>", chat_id=MEMBER, user_id=MEMBER)
    assert "只有机器人管理员" in bot.request.last_text()

    await bot.send("/announce 停水通知\n明天 8:00-12:00 城区停水。<注意>", chat_id=ADMIN, user_id=ADMIN)
    preview = bot.request.sent()[-1]
    assert "将发到 4 个群" in preview["text"] and "停水通知\n明天 8:00-12:00 城区停水。&lt;注意&gt;" in preview["text"]
    actions = button_data(preview)
    assert [a.split("|")[1] for a in actions] == ["send", "pin", "cancel"]
    await bot.settle()
    assert bot.group_messages() == []

    await bot.press(actions[2])  # 取消
    await bot.settle()
    assert bot.group_messages() == []
    assert "已取消" in bot.request.sent("editMessageText")[-1]["text"]
    await bot.press(actions[0])  # 发送 after 取消 does nothing
    assert bot.group_messages() == []


async def test_confirmed_announcement_reaches_every_group_once_and_reports(make_bot: BotFactory) -> None:
    bot = await make_bot()
    await bot.send("/announce 明天上午城区停水", chat_id=ADMIN, user_id=ADMIN)
    send, _, _ = button_data(bot.request.sent()[-1])
    stranger = MEMBER
    await bot.press(send, user_id=stranger)  # not an admin: refused
    await bot.settle()
    assert bot.group_messages() == []

    await bot.press(send)
    await bot.press(send)  # a double tap must not send twice
    await bot.settle()
    delivered = Counter(int(c["chat_id"]) for c in bot.group_messages())
    assert delivered == Counter(dict.fromkeys(GROUPS, 1))
    assert all(c["text"] == "📢 <b>公告</b>\n\n明天上午城区停水" for c in bot.group_messages())
    assert bot.request.sent("pinChatMessage") == []
    report = bot.texts_to(ADMIN)[-1]
    assert "已发送 4 / 4 个群，失败 0 个" in report


async def test_tags_target_a_subset_and_unknown_tags_send_nothing(make_bot: BotFactory) -> None:
    bot = await make_bot()
    await bot.send("/announce #城关镇 #老年 城关镇的通知", chat_id=ADMIN, user_id=ADMIN)
    preview = bot.request.sent()[-1]
    assert "将发到 2 个群：标签 城关镇、老年" in preview["text"]
    await bot.press(button_data(preview)[0])
    await bot.settle()
    assert sorted(int(c["chat_id"]) for c in bot.group_messages()) == [-1002, -1001]
    assert "城关镇的通知" in bot.group_messages()[0]["text"] and "#城关镇" not in bot.group_messages()[0]["text"]

    await bot.send("/announce #不存在 通知", chat_id=ADMIN, user_id=ADMIN)
    assert "没有符合条件的订阅群" in bot.request.last_text() and "夏家营镇" in bot.request.last_text()
    assert "reply_markup" not in bot.request.sent()[-1]


async def test_send_and_pin_pins_where_allowed_and_reports_where_not(make_bot: BotFactory) -> None:
    bot = await make_bot()
    original = bot.request.do_request

    async def pin_refused_in_one_group(url: str, method: str, request_data: Any = None, **kw: Any) -> Any:
        if url.endswith("pinChatMessage") and request_data is not None and \
                int(request_data.parameters["chat_id"]) == -1003:
            return 400, b'{"ok": false, "error_code": 400, "description": "Bad Request: not enough rights to manage pinned messages in the chat"}'
        return await original(url, method, request_data, **kw)

    bot.request.do_request = pin_refused_in_one_group  # type: ignore[method-assign]
    await bot.send("/announce 重要通知", chat_id=ADMIN, user_id=ADMIN)
    await bot.press(button_data(bot.request.sent()[-1])[1])  # 发送并置顶
    await bot.settle()
    pins = bot.request.sent("pinChatMessage")
    assert sorted(int(p["chat_id"]) for p in pins) == [-1004, -1002, -1001]
    assert all(p["disable_notification"] is True for p in pins)
    report = bot.texts_to(ADMIN)[-1]
    assert "已发送 4 / 4 个群" in report and "已置顶 3 个" in report
    assert "夏家营群（<code>-1003</code>）：没能置顶：机器人没有置顶权限" in report


# -- Telegram's errors ---------------------------------------------------------------------------------


async def test_forbidden_marks_group_inactive_and_migration_moves_the_subscription(make_bot: BotFactory) -> None:
    request = RecordingRequest(chat_errors={
        -1003: [{"error_code": 403, "description": "Forbidden: bot was kicked from the supergroup chat"}],
        -1004: [{"error_code": 400, "description": "Bad Request: group chat was upgraded to a supergroup chat",
                 "parameters": {"migrate_to_chat_id": -1009004}}],
        -1001: [{"error_code": 429, "description": "Too Many Requests: retry after 1",
                 "parameters": {"retry_after": 1}}],
    })
    bot = await make_bot(request=request)
    await bot.send("/announce 通知", chat_id=ADMIN, user_id=ADMIN)
    await bot.press(button_data(bot.request.sent()[-1])[0])
    await bot.settle()
    delivered = Counter(int(c["chat_id"]) for c in bot.group_messages())
    assert delivered == Counter({-1001: 1, -1002: 1, -1009004: 1})  # flood control waited and retried once
    assert not bot.storage.subscription(-1003).active  # type: ignore[union-attr]
    assert bot.storage.subscription(-1004) is None
    moved = bot.storage.subscription(-1009004)
    assert moved is not None and moved.active and moved.title == "庞泉沟群"
    report = bot.texts_to(ADMIN)[-1]
    assert "已发送 3 / 4 个群，失败 1 个" in report
    assert "夏家营群（<code>-1003</code>）：机器人已被移出群或不能在群里发言" in report
    assert "reply_markup" not in bot.request.sent()[-1]  # nothing worth retrying: the group removed the bot

    # the next announcement goes to the new id only, and not to the group that removed the bot
    bot.request.clear()
    await bot.send("/announce 第二条", chat_id=ADMIN, user_id=ADMIN)
    await bot.press(button_data(bot.request.sent()[-1])[0])
    await bot.settle()
    assert sorted(int(c["chat_id"]) for c in bot.group_messages()) == [-1009004, -1002, -1001]


async def test_group_migration_message_moves_subscription(make_bot: BotFactory) -> None:
    bot = await make_bot()
    await bot.app.process_update(message_update(
        bot.app.bot, "", chat_id=-1002, chat_type="group", extra={"migrate_to_chat_id": -1002002}))
    assert bot.storage.subscription(-1002) is None
    moved = bot.storage.subscription(-1002002)
    assert moved is not None and moved.tags == ("城关镇", "老年")


# -- the ledger across a crash ---------------------------------------------------------------------------


async def test_crash_between_sends_restart_finishes_without_doubles(make_bot: BotFactory) -> None:
    bot = await make_bot(per_second=5)  # 0.2 s between messages, so the crash lands between two of them
    await bot.send("/announce 停电通知", chat_id=ADMIN, user_id=ADMIN)
    ident = button_data(bot.request.sent()[-1])[0].split("|")[2]
    await bot.press(f"A|send|{ident}")
    deadline = time.monotonic() + 20
    while len(bot.storage.deliveries(ident, statuses=("sent",))) < 2:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.01)
    kill_broadcasts()
    await asyncio.sleep(0.05)
    first_run = Counter(int(c["chat_id"]) for c in bot.group_messages())
    assert sum(first_run.values()) == 2
    await stop(bot)

    restarted = await make_bot(per_second=5)
    await restarted.settle()
    second_run = Counter(int(c["chat_id"]) for c in restarted.group_messages())
    assert first_run + second_run == Counter(dict.fromkeys(GROUPS, 1))  # none twice, none skipped
    assert "已发送 4 / 4 个群，失败 0 个" in restarted.texts_to(ADMIN)[-1]
    assert restarted.storage.announcement(ident).status == "done"  # type: ignore[union-attr]


async def test_crash_during_a_send_is_reported_uncertain_not_resent(make_bot: BotFactory) -> None:
    request = RecordingRequest(hang_chats={-1003})
    bot = await make_bot(request=request)
    await bot.send("/announce 通知", chat_id=ADMIN, user_id=ADMIN)
    ident = button_data(bot.request.sent()[-1])[0].split("|")[2]
    await bot.press(f"A|send|{ident}")
    deadline = time.monotonic() + 20
    while [d.status for d in bot.storage.deliveries(ident) if d.chat_id == -1003] != ["sending"]:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.01)
    kill_broadcasts()
    await asyncio.sleep(0.05)
    await stop(bot)

    restarted = await make_bot()
    await restarted.settle()
    assert -1003 not in {int(c["chat_id"]) for c in restarted.group_messages()}  # may have arrived: not resent
    everyone = Counter(int(c["chat_id"]) for c in bot.group_messages() + restarted.group_messages())
    assert everyone == Counter({-1001: 1, -1002: 1, -1004: 1})
    report = restarted.request.sent()[-1]
    assert "已发送 3 / 4 个群，失败 0 个，不确定 1 个" in report["text"]
    assert "夏家营群（<code>-1003</code>）：发送时机器人停止，可能已经送达" in report["text"]
    assert button_data(report) == [f"A|retry|{ident}"]

    await restarted.press(f"A|retry|{ident}")  # the admin decides: send it again
    await restarted.settle()
    assert restarted.texts_to(-1003) == ["📢 <b>公告</b>\n\n通知"]
    assert "已发送 4 / 4 个群" in restarted.texts_to(ADMIN)[-1]
    await restarted.press(f"A|retry|{ident}")
    assert restarted.texts_to(-1003) == ["📢 <b>公告</b>\n\n通知"]


# -- schedules ---------------------------------------------------------------------------------------


async def test_scheduled_announcement_fires_once_for_its_targets(make_bot: BotFactory, knowledge_dir: Path) -> None:
    due = datetime.now(ANNOUNCEMENT_TZ) + timedelta(seconds=1.5)
    write_schedule(knowledge_dir, f"""\
  - id: soon
    text: 马上发的通知
    at: {local(due)}
    targets: {{tags: [夏家营镇]}}
    pin: true
""")
    bot = await make_bot()
    assert bot.group_messages() == []
    deadline = time.monotonic() + 20
    while not bot.group_messages():
        assert time.monotonic() < deadline, "the scheduled announcement never fired"
        await asyncio.sleep(0.05)
    await bot.settle()
    assert [(int(c["chat_id"]), c["text"]) for c in bot.group_messages()] == [(-1003, "📢 <b>公告</b>\n\n马上发的通知")]
    assert [int(p["chat_id"]) for p in bot.request.sent("pinChatMessage")] == [-1003]
    assert "已发送 1 / 1 个群" in bot.texts_to(ADMIN)[-1]  # one-off schedules always report
    await stop(bot)

    restarted = await make_bot()  # restarting after it was sent does not send it again
    await restarted.settle()
    assert restarted.group_messages() == []


async def test_repeating_schedule_lines_up_the_next_occurrence(make_bot: BotFactory, knowledge_dir: Path) -> None:
    write_schedule(knowledge_dir, "  - id: weekly\n    text: 每周提醒\n    repeat: 每周一 09:00\n    targets: all\n")
    bot = await make_bot()
    sunday_night = datetime(2026, 12, 6, 23, 0, tzinfo=ANNOUNCEMENT_TZ)
    await bot.announcer.reschedule(bot.app, now=sunday_night)
    jobs = [j for j in bot.app.job_queue.jobs() if j.name and j.name.startswith("schedule:weekly@")]
    assert len(jobs) == 1 and jobs[0].next_t == datetime(2026, 12, 7, 9, 0, tzinfo=ANNOUNCEMENT_TZ)


async def test_missed_schedule_is_sent_within_grace_and_reported_after(make_bot: BotFactory,
                                                                       knowledge_dir: Path) -> None:
    now = datetime.now(ANNOUNCEMENT_TZ)
    write_schedule(knowledge_dir, f"""\
  - id: a-bit-late
    text: 十分钟前该发的
    at: {local(now - timedelta(minutes=10))}
    targets: all
  - id: too-late
    text: 三小时前该发的
    at: {local(now - timedelta(hours=3))}
    targets: all
""")
    bot = await make_bot(grace=60)
    await bot.settle()
    texts = [c["text"] for c in bot.group_messages()]
    assert texts == ["📢 <b>公告</b>\n\n十分钟前该发的"] * 4
    warnings = [t for t in bot.texts_to(ADMIN) if "too-late" in t]
    assert len(warnings) == 1 and "超过补发时限（60 分钟）" in warnings[0]
    missed = [r for r in bot.storage.announcements() if r.id.startswith("too-late@")]
    assert [r.status for r in missed] == ["missed"]
    await stop(bot)

    restarted = await make_bot(grace=60)  # told once, sent once
    await restarted.settle()
    assert restarted.group_messages() == [] and restarted.texts_to(ADMIN) == []


async def test_reload_with_a_bad_announcements_file_keeps_the_old_schedule(make_bot: BotFactory,
                                                                           knowledge_dir: Path) -> None:
    later = datetime.now(ANNOUNCEMENT_TZ) + timedelta(days=1)
    write_schedule(knowledge_dir, f"  - id: tomorrow\n    text: 明天的\n    at: {local(later)}\n    targets: all\n")
    bot = await make_bot()
    write_schedule(knowledge_dir, "  - id: broken\n    text: 坏的\n    at: 后天\n    targets: all\n")
    await bot.send("/reload", chat_id=ADMIN, user_id=ADMIN)
    text = html.unescape(bot.request.last_text())
    assert "知识库已重新加载" in text and "计划公告 1 条" in text  # the answers are reloaded, the old schedule stays
    assert "计划公告文件 knowledge/announcements.yaml 有 1 处错误" in text
    assert "announcements.yaml:4: at '后天' is not a date and time" in text
    names = [j.name for j in bot.app.job_queue.jobs()]
    assert any(n.startswith("schedule:tomorrow@") for n in names)

    write_schedule(knowledge_dir, f"  - id: fixed\n    text: 改好的\n    at: {local(later)}\n    targets: all\n")
    await bot.send("/reload", chat_id=ADMIN, user_id=ADMIN)
    assert "计划公告 1 条" in bot.request.last_text() and "错误" not in bot.request.last_text()
    await asyncio.sleep(0.05)
    names = [j.name for j in bot.app.job_queue.jobs() if j.name and j.name.startswith("schedule:")]
    assert len(names) == 1 and names[0].startswith("schedule:fixed@")


# issue 19, rows 7 and 12: a bad announcements file disables announcements, never the answers
async def test_a_bad_announcements_file_at_start_disables_announcements_not_the_answers(
    make_bot: BotFactory, knowledge_dir: Path
) -> None:
    write_schedule(knowledge_dir, "  - id: far\n    text: 很远\n    at: 9999-12-31 23:59-12:00\n    targets: all\n"
                                  "  - id: typo\n    text: 坏的\n    at: 2027-01-01 09:00\n    targets: al\n")
    bot = await make_bot()  # KnowledgeService and the announcer's start, as the real process starts
    told = html.unescape("\n".join(bot.texts_to(ADMIN)))
    assert "计划公告文件 knowledge/announcements.yaml 有 2 处错误" in told and "回答问题不受影响" in told
    assert "announcements.yaml:4: at '9999-12-31 23:59-12:00' is not a date and time" in told
    assert "announcements.yaml:9: targets 'al' is not understood" in told
    assert not [j for j in bot.app.job_queue.jobs() if j.name and j.name.startswith("schedule:")]
    await bot.send("交城有几个乡镇社工站", chat_id=MEMBER, user_id=MEMBER)
    assert "8个乡镇社工站" in bot.request.last_text()


# issue 19, row 10: an announcement is measured as Telegram measures it (an emoji is 2)
async def test_an_announcement_too_long_in_utf16_units_is_refused(make_bot: BotFactory) -> None:
    bot = await make_bot()
    await bot.send("/announce " + "📢" * 2100, chat_id=ADMIN, user_id=ADMIN)  # 2,100 characters, 4,200 units
    assert "公告有 4200 个字，最多 4000 个字" in bot.request.last_text()
    await bot.send("/announce " + "📢" * 1900, chat_id=ADMIN, user_id=ADMIN)
    preview = bot.request.sent()[-1]
    assert "公告预览" in preview["text"] and telegram_length(preview["text"], html_text=True) <= 4096
    assert not [c for c in bot.request.calls if c.method.endswith("!failed")]


async def test_long_group_lists_are_split_into_messages_telegram_accepts(make_bot: BotFactory) -> None:
    bot = await make_bot()
    for n in range(150):
        bot.storage.subscribe(-200000 - n, title=f"交城县某某村第{n}村民小组居民交流群", tags=["城关镇", "老年"])
    await bot.send("/groups", chat_id=ADMIN, user_id=ADMIN)
    pieces = [c["text"] for c in bot.request.sent()]
    assert len(pieces) >= 2 and all(telegram_length(p, html_text=True) <= 4096 for p in pieces)
    joined = "\n".join(pieces)
    assert all(f"<code>{-200000 - n}</code>" in joined for n in range(150))
    assert "154 个在用" in pieces[0]


def test_chunks_keep_lines_whole_and_fit_telegram() -> None:
    lines = [f"· 群{n}（<code>{n}</code>）" + "很长" * (n % 40) for n in range(500)]
    pieces = chunks("\n".join(lines), limit=1000)
    assert all(telegram_length(p, html_text=True) <= 1000 for p in pieces)
    assert "\n".join(pieces).split("\n") == lines
    assert chunks("短") == ["短"] and chunks("x" * 2500, limit=1000) == ["x" * 1000, "x" * 1000, "x" * 500]
    # Telegram's units: an emoji outside the BMP is 2; a tag cut by a hard split is closed and opened again
    assert [len(p) for p in chunks("😀" * 1500, limit=1000)] == [500, 500, 500]
    long_quote = chunks("<blockquote>" + "字" * 2500 + "</blockquote>", limit=1000)
    assert [telegram_length(p, html_text=True) for p in long_quote] == [1000, 1000, 500]
    assert all(p.startswith("<blockquote>") and p.endswith("</blockquote>") for p in long_quote)


async def test_schedule_command_shows_upcoming_and_recent_broadcasts(make_bot: BotFactory, knowledge_dir: Path) -> None:
    later = datetime.now(ANNOUNCEMENT_TZ) + timedelta(days=2)
    write_schedule(knowledge_dir, f"  - id: heating\n    text: 供暖通知\n    at: {local(later)}\n"
                                  "    targets: {tags: [城关镇]}\n")
    bot = await make_bot()
    await bot.send("/schedule", chat_id=MEMBER, user_id=MEMBER)
    assert "只有机器人管理员" in bot.request.last_text()
    notice = "今天下午三点起城关镇自来水管网检修，全镇停水约六小时，请大家提前储水"
    await bot.send(f"/announce {notice}", chat_id=ADMIN, user_id=ADMIN)
    await bot.press(button_data(bot.request.sent()[-1])[0])
    await bot.settle()
    start = notice[:19] + "…"  # issue 21: an announcement goes by its first words, not its internal id
    report = bot.texts_to(ADMIN)[-1]
    assert f"公告发送结果</b>：“{start}”" in report and not re.search(r"\bm[0-9a-f]{8,}", report)
    await bot.send("/schedule", chat_id=ADMIN, user_id=ADMIN)
    text = bot.request.last_text()
    assert "<b>heating</b>" in text and f"下次：{later:%Y-%m-%d %H:%M}" in text
    assert "标签 城关镇 → 2 个群：城关镇一群、城关镇二群" in text
    assert f"· {start}  " in text and "全部订阅群  已发送 4 / 4，失败 0" in text
    assert not re.search(r"\bm[0-9a-f]{8,}", text)


# -- exactness: a dropped connection, the moment of "sending", the final report ----------------------------


async def test_connection_dropped_after_sending_is_uncertain_and_not_resent(make_bot: BotFactory) -> None:
    dropped = NetworkError("httpx.RemoteProtocolError: Server disconnected without sending a response.")
    request = RecordingRequest(chat_exceptions={-1002: [dropped]})
    bot = await make_bot(request=request)
    await bot.send("/announce 通知", chat_id=ADMIN, user_id=ADMIN)
    await bot.press(button_data(bot.request.sent()[-1])[0])
    await bot.settle()
    assert [c.method for c in request.calls].count("sendMessage!failed") == 1  # tried once, never again
    assert bot.texts_to(-1002) == []
    report = bot.texts_to(ADMIN)[-1]
    assert "已发送 3 / 4 个群，失败 0 个，不确定 1 个" in report
    assert "城关镇二群（<code>-1002</code>）：发送超时，可能已经送达" in report


async def test_a_group_waiting_on_flood_control_is_pending_not_sending_and_a_crash_sends_it_once(
    make_bot: BotFactory,
) -> None:
    request = RecordingRequest(chat_errors={-1003: [
        {"error_code": 429, "description": "Too Many Requests: retry after 30", "parameters": {"retry_after": 30}}]})
    bot = await make_bot(request=request)
    await bot.send("/announce 停水通知", chat_id=ADMIN, user_id=ADMIN)
    ident = button_data(bot.request.sent()[-1])[0].split("|")[2]
    await bot.press(f"A|send|{ident}")
    deadline = time.monotonic() + 20
    while not any(c.method == "sendMessage!failed" for c in request.calls):
        assert time.monotonic() < deadline
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    assert [d.status for d in bot.storage.deliveries(ident) if d.chat_id == -1003] == ["pending"]
    kill_broadcasts()
    await asyncio.sleep(0.05)
    await stop(bot)

    restarted = await make_bot()
    await restarted.settle()
    everyone = Counter(int(c["chat_id"]) for c in bot.group_messages() + restarted.group_messages())
    assert everyone == Counter(dict.fromkeys(GROUPS, 1))  # nobody twice, nobody "uncertain"
    assert "已发送 4 / 4 个群，失败 0 个" in restarted.texts_to(ADMIN)[-1]


async def test_a_report_not_sent_before_a_stop_is_sent_after_the_restart(make_bot: BotFactory) -> None:
    bot = await make_bot()
    storage = bot.storage
    storage.create_announcement("m1", kind="manual", text="通知", targets={"all": True}, report_chat=ADMIN)
    storage.start_broadcast("m1", storage.recipients({"all": True}))
    for chat_id in GROUPS:
        storage.mark_delivery("m1", chat_id, "sent", message_id=1)
    storage.set_announcement_status("m1", "done", expect="sending")  # then the process died
    await stop(bot)

    restarted = await make_bot()
    await restarted.settle()
    reports = [t for t in restarted.texts_to(ADMIN) if "公告发送结果</b>：“通知”" in t]
    assert len(reports) == 1 and "已发送 4 / 4 个群，失败 0 个" in reports[0]
    await stop(restarted)
    again = await make_bot()
    await again.settle()
    assert not [t for t in again.texts_to(ADMIN) if "公告发送结果</b>：“通知”" in t]  # once only
