"""Issue 21's journeys through the real process: `python -m bot run` against the fake Bot API, as people use it.

One bot process serves every journey here (each person in a chat of their own; the group is shared, each
journey asks its own questions there). A person says something or presses a button they can see; the
helpers wait until the bot has handled that update (its inbox row is ``done``) and hand back what the bot
did meanwhile. The tests assert what a person sees: the texts, the buttons, which message a reply replies
to, a pop-up's words; the fake keeps every chat as a phone shows it, edits included.

The journeys: (a) the first screen and first steps, (b) a reply on a phone, (c) feedback, (d) the admin
reports, (e) progress. Each test fails when the feature it names is taken out.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import re
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot import messages
from bot.storage import Storage
from bot.teaching.store import ChangeRecord
from bot.teaching.yamledit import Hunk
from tests.conftest import ADMIN, KNOWLEDGE
from tests.fake_bot_api import FakeBotApi
from tests.test_e2e import TOKEN, _interrupt, _polling_config, _start
from tests.tg_fakes import BOT_USER

pytestmark = pytest.mark.slow  # a real bot process against a local Bot API

GROUP = -1001234567890  # a supergroup: a message in it has the link t.me/c/1234567890/<message id>
GROUP_LINK = "https://t.me/c/1234567890/"
BOT_NAME = f"@{BOT_USER['username']}"
ENTRY_ID = re.compile(r"(?<![a-z0-9-])[a-z]+(?:-[a-z0-9]+)+")  # how entry ids look: elder-social-work-stations
HASH = re.compile(r"(?<![0-9a-f])[0-9a-f]{12,}(?![0-9a-f])")  # a file hash or a pseudonym (beside Chinese too)
STORY = "我家老人今年八十多岁了，" * 40 + "社区食堂的饭能不能送到家里来"  # a resident's 500-character story
EDITED_QUESTION = "我们小区好几位老人都想知道，县里的养老机构现在一共能提供多少张床位，到底够不够大家用"  # a long wording an admin added
UNKNOWN_COMMAND = "没有这个命令。直接把问题发给我就行，或发送 /topics 按话题浏览、/help 查看用法。"


# --------------------------------------------------------------------------------------------------
# the world: one fake Bot API, one bot process, and people who write to it


@dataclass
class Reaction:
    """What the bot did while it handled one update: its Bot API calls, and the chat as it looks afterwards."""

    world: World
    chat_id: int
    calls: list[tuple[str, dict[str, Any]]]
    message_id: int = 0  # the person's own message, when they wrote one

    @property
    def methods(self) -> list[str]:
        """The calls made to this chat (and the pop-up of this press, the answer of this inline query), in order."""
        return [name for name, params in self.calls if _concerns(name, params, self.chat_id)]

    def sent(self) -> list[dict[str, Any]]:
        """The messages the bot sent to the chat, as the chat shows them now."""
        return [self.world.shown_id(self.chat_id, int(params["@message_id"])) for name, params in self.calls
                if name in ("sendMessage", "sendPhoto") and _concerns(name, params, self.chat_id)]

    def message(self) -> dict[str, Any]:
        """The one message the bot sent."""
        sent = self.sent()
        assert len(sent) == 1, f"{len(sent)} messages: {[m.get('text', m.get('caption')) for m in sent]}"
        return sent[0]

    def params(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    @property
    def popup(self) -> dict[str, Any]:
        """The answer to a button press: its words (a toast, or an alert with ``show_alert``)."""
        (answered,) = self.params("answerCallbackQuery")
        return answered


def _concerns(method: str, params: dict[str, Any], chat_id: int) -> bool:
    """A call to the chat, or the answer to a press or an inline query (those name no chat)."""
    return method in ("answerCallbackQuery", "answerInlineQuery") or str(params.get("chat_id")) == str(chat_id)


@dataclass
class World:
    api: FakeBotApi
    database: Path
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def person(self, user_id: int, name: str = "居民") -> Person:
        """Someone in a private chat with the bot."""
        return Person(self, user_id, name, chat_id=user_id)

    def member(self, user_id: int, name: str = "群友") -> Person:
        """Someone in the group."""
        return Person(self, user_id, name, chat_id=GROUP)

    def deliver(self, payload: dict[str, Any], chat_id: int, *, message_id: int = 0) -> Reaction:
        """Send one update and wait until the bot has handled it (its inbox row done); what it did meanwhile."""
        update_id = next(self._ids)
        mark = len(self.api.calls)
        self.api.push_update({"update_id": update_id, **payload})
        deadline = time.monotonic() + 30
        while (status := self._inbox_status(update_id)) not in ("done", "set_aside"):
            assert time.monotonic() < deadline, f"update {update_id} not handled in 30 s: {status}"
            time.sleep(0.02)
        assert status == "done", f"update {update_id} was set aside: a handler failed"
        return Reaction(self, chat_id, list(self.api.calls[mark:]), message_id)

    def _inbox_status(self, update_id: int) -> str | None:
        with contextlib.closing(sqlite3.connect(self.database, timeout=5)) as db:
            row = db.execute("SELECT status FROM inbox WHERE update_id = ?", (update_id,)).fetchone()
        return str(row[0]) if row else None

    def shown(self, message: dict[str, Any]) -> dict[str, Any]:
        """A message as its chat shows it now (after edits)."""
        return self.shown_id(int(message["chat"]["id"]), int(message["message_id"]))

    def shown_id(self, chat_id: int, message_id: int) -> dict[str, Any]:
        return dict(self.api.messages[(chat_id, message_id)])


@dataclass
class Person:
    world: World
    user_id: int
    name: str
    chat_id: int

    @property
    def user(self) -> dict[str, Any]:
        return {"id": self.user_id, "is_bot": False, "first_name": self.name}

    @property
    def chat(self) -> dict[str, Any]:
        if self.chat_id > 0:
            return {"id": self.chat_id, "type": "private", "first_name": self.name}
        return {"id": self.chat_id, "type": "supergroup", "title": "交城居民群"}

    def says(self, text: str, *, to_bot: bool = False) -> Reaction:
        """A message; ``to_bot``: in the group, addressed as ``@bot 问题``; a command carries its entity."""
        if to_bot:
            text = f"{BOT_NAME} {text}"
        message: dict[str, Any] = {"message_id": self.world.api.next_message_id(), "date": int(time.time()),
                                   "chat": self.chat, "from": self.user, "text": text}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        elif to_bot:
            message["entities"] = [{"type": "mention", "offset": 0, "length": len(BOT_NAME)}]
        self.world.api.add_message(message)
        return self.world.deliver({"message": message}, self.chat_id, message_id=message["message_id"])

    def press(self, message: dict[str, Any], label: str) -> Reaction:
        """A press on the button labelled ``label`` of ``message`` as this person sees it (a message from
        before an edit is a stale screen: pressing on it is a double tap)."""
        data = {b["text"]: b["callback_data"] for b in _buttons(message)}
        assert label in data, f"no button {label!r} on the message; buttons: {list(data)}"
        pressed = {k: v for k, v in message.items() if not k.startswith("reply_to") and k != "edit_date"}
        replied = message.get("reply_to_message_id")
        if replied is not None:
            pressed["reply_to_message"] = self.world.shown_id(self.chat_id, int(replied))
        query = {"id": f"q{self.user_id}-{time.monotonic_ns()}", "from": self.user, "chat_instance": "ci",
                 "data": data[label], "message": pressed}
        reaction = self.world.deliver({"callback_query": query}, self.chat_id)
        reaction.calls = [(n, p) for n, p in reaction.calls
                          if n != "answerCallbackQuery" or p.get("callback_query_id") == query["id"]]
        return reaction

    def inline(self, text: str) -> list[dict[str, Any]]:
        """``@bot 问题`` typed in any chat: the results offered."""
        query = {"id": f"i{self.user_id}-{time.monotonic_ns()}", "from": self.user, "query": text, "offset": ""}
        reaction = self.world.deliver({"inline_query": query}, self.chat_id)
        (answered,) = [p for p in reaction.params("answerInlineQuery") if p["inline_query_id"] == query["id"]]
        return list(answered["results"])


def _buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


def labels(message: dict[str, Any]) -> list[str]:
    """The button labels of a message, row by row."""
    return [b["text"] for b in _buttons(message)]


def _seed_history(database: Path) -> None:
    """An edit an admin made earlier through the bot: /history must name them and the entry, not ids or hashes."""
    storage = Storage(database)
    try:
        sha = "ab12" * 16
        storage.record_change(ChangeRecord(
            ts=time.time() - 3600, actor=f"telegram:{ADMIN}", action="add_question", file="elder.yaml",
            entry_id="elder-beds", question=EDITED_QUESTION,
            hunk=Hunk(12, (), (f"      - {EDITED_QUESTION}\n",)).to_json(),
            file_before=sha, file_after=sha[::-1], base_before=sha, base_after=sha[::-1]))
    finally:
        storage.close()


@contextlib.contextmanager
def running_bot(folder: Path) -> Iterator[tuple[World, list[str]]]:
    """The bot process polling a fake Bot API, with its database in ``folder``; afterwards the list holds its
    exit code and log (the process is interrupted as Ctrl-C would)."""
    api = FakeBotApi(TOKEN).start()
    config = _polling_config(folder, api.base_url, knowledge=KNOWLEDGE, admins=str(ADMIN))
    process: subprocess.Popen[str] = _start(config)
    ended: list[str] = []
    try:
        api.wait_for("getUpdates", timeout=60)
        yield World(api, folder / "bot.sqlite3"), ended
    finally:
        output = _interrupt(process)
        api.stop()
        ended += [str(process.returncode), output]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One bot process for every journey; stopped (and its log checked) after the last one."""
    folder = tmp_path_factory.mktemp("journeys")
    _seed_history(folder / "bot.sqlite3")
    with running_bot(folder) as (world, ended):
        yield world
    code, output = ended
    assert code == "0" and "Traceback" not in output, output


# --------------------------------------------------------------------------------------------------
# (a) the first screen and first steps


def test_a_first_screen_examples_to_tap_group_usage_command_hint_and_number_picks(world: World) -> None:
    # the empty chat and the profile say what the bot is for: set at start, from the place and the topics
    profile = {name: params for name, params in world.api.calls if name.startswith("setMy") and "ription" in name}
    description = profile["setMyDescription"]["description"]
    short = profile["setMyShortDescription"]["short_description"]
    assert "交城问答" in description and "交城县" in description and "养老服务" in description
    assert "交城问答" in short and "科技创新" in short and len(short) <= 120 and len(description) <= 512

    # /start in private: examples to tap (short labels) and the topics; a tap answers the whole question
    resident = world.person(5001, "李大爷")
    welcome = resident.says("/start").message()
    assert "点下面的例子试试" in welcome["text"]
    assert labels(welcome) == ["有多少户国家级高新技术企业", "有多少个乡镇社工站", "养老床位有多少张", "📚 按话题浏览"]
    tapped = resident.press(welcome, "有多少个乡镇社工站")
    answer = tapped.message()
    assert answer["text"].startswith("<b>交城县有多少个乡镇社工站？</b>\n") and "<b>8个</b>乡镇社工站" in answer["text"]
    assert labels(answer)[:3] == ["👍", "👎", "原文"]
    resident.press(welcome, "📚 按话题浏览")
    topics = world.shown(welcome)  # the welcome turns into the topics
    assert topics["text"] == "请选择话题：" and any(label.startswith("养老服务（") for label in labels(topics))

    # /start in a group: how to ask there, as a reply to whoever sent it
    member = world.member(6001, "王阿姨")
    started = member.says("/start")
    usage = started.message()
    assert usage["reply_to_message_id"] == started.message_id
    assert f"{BOT_NAME} 您的问题" in usage["text"] and "/ask 您的问题" in usage["text"]
    assert "点下面的例子" not in usage["text"] and not labels(usage)

    # a command the bot does not have: one line saying what works
    hint = resident.says("/menu").message()
    assert hint["text"] == UNKNOWN_COMMAND

    # "您是想问": the whole questions numbered, a line saying a number works; "1" and "第二个" pick
    offer = resident.says("省级的中心有几个").message()
    lines = offer["text"].split("\n")
    offered = [line.split(". ", 1)[1] for line in lines[1:-1]]
    assert lines[0] == "您是想问：" and lines[-1] == f"点按钮，或回复数字 1–{len(offered)}"
    assert len(offered) >= 2 and [label[:3] for label in labels(offer)] == [f"{n}. " for n in range(1, len(offered) + 1)]
    first = resident.says("1").message()
    assert first["text"].startswith(f"<b>❓ {offered[0]}</b>\n")
    resident.says("省级的中心有几个")
    second = resident.says("第二个").message()
    assert second["text"].startswith(f"<b>❓ {offered[1]}</b>\n")
    assert resident.press(offer, labels(offer)[1]).message()["text"] == second["text"]  # as the button gives


# --------------------------------------------------------------------------------------------------
# (b) a reply on a phone


def test_b_a_reply_on_a_phone_source_line_quote_bold_figure_full_width_short_buttons_and_reasons(
    world: World,
) -> None:
    resident = world.person(5101, "张老师")
    asked = resident.says("咱县有几家国家级高新技术企业")
    answer = asked.message()
    assert asked.params("sendMessage")[0]["parse_mode"] == "HTML"
    said, _, citation = answer["text"].partition("\n\n")
    assert said.startswith("交城县拥有国家级高新技术企业<b>40户</b>，")  # the key figure in bold
    assert citation.startswith("📄 出处：《多维驱动 高质量发展行稳致远》· 科技赋能")  # a labelled source line
    assert citation.endswith("\n<blockquote expandable>全县拥有国家级高新技术企业40户、总量全市第一</blockquote>")

    # 原文: the paragraph, collapsed, the quoted words marked, as a reply to the answer
    source = resident.press(answer, "原文").message()
    assert source["reply_to_message_id"] == answer["message_id"]
    assert source["text"].startswith("📄 <b>原文</b>（《多维驱动 高质量发展行稳致远》· ")
    paragraph = source["text"].split("<blockquote expandable>", 1)[1]
    marked = re.findall(r"<b>([^<]+)</b>", paragraph)
    assert len(marked) == 1 and "40户" in marked[0] and paragraph.endswith("</blockquote>")

    # the release's ASCII comma between Chinese characters is shown full-width; labels a phone shows whole
    zone = resident.says("交城经济开发区是什么级别的开发区").message()
    assert "工业类经济开发区,在建设" in (KNOWLEDGE / "devzone.yaml").read_text(encoding="utf-8")
    assert "工业类经济开发区，在建设" in zone["text"]
    assert not re.search(r"[\u4e00-\u9fff][,:;][\u4e00-\u9fff]", html.unescape(zone["text"]))
    related = labels(zone)[3:]
    assert related and all(len(label) <= 14 for label in labels(zone)) and any(lb.endswith("…") for lb in related)

    # refusals say why: a subject the release does not cover, another place, a detail it does not state
    not_covered = resident.says("交城有低保吗").message()["text"]
    assert not_covered.startswith("抱歉，发布材料没有讲到“低保”方面的内容。为免说错，我就不猜了。")
    other_place = resident.says("太原有多少高企").message()["text"]
    assert other_place.startswith("抱歉，发布材料只介绍了交城县的情况，没有讲到太原。为免说错，我就不猜了。")
    partial = resident.says("交城那40户高企一共有多少员工").message()["text"]
    assert partial.startswith("发布材料没有提到") and "为免说错，这一点我就不猜了。和您问的最接近的内容是：" in partial
    assert "<b>40户</b>" in partial and "📄 出处：" in partial  # the closest fact, with its source
    assert all("我不想乱答" not in text for text in (not_covered, other_place, partial))


# --------------------------------------------------------------------------------------------------
# (c) feedback


def test_c_one_vote_per_person_the_buttons_say_so_a_thumbs_down_offers_a_way_on(world: World) -> None:
    resident = world.person(5201, "赵师傅")
    answer = resident.says("养老床位有多少张").message()
    up = resident.press(answer, "👍")
    assert up.popup["text"] == "谢谢反馈！"
    voted = world.shown(answer)
    assert labels(voted)[:2] == ["已收到 👍", "原文"] and "👎" not in labels(voted)
    again = resident.press(voted, "已收到 👍")  # pressing again: a word, nothing new
    assert again.methods == ["answerCallbackQuery"] and again.popup["text"] == messages.FEEDBACK_ALREADY
    double = resident.press(answer, "👎")  # a double tap on the screen from before the buttons changed
    assert double.methods == ["answerCallbackQuery"] and world.shown(answer) == voted

    other = resident.says("交城有几个乡镇社工站").message()
    down = resident.press(other, "👎")
    assert labels(world.shown(other))[0] == "已收到 👎"
    offer = down.message()  # 👎: an apology with a way on, as a reply to the answer
    assert offer["reply_to_message_id"] == other["message_id"] and offer["text"].startswith("抱歉没答好")
    assert labels(offer) == ["换个说法再问", "按话题浏览"]
    resident.press(offer, "换个说法再问")
    assert world.shown(offer)["text"].startswith("请换个说法把问题直接发给我")

    # in the group each member votes once and the count shows; a 👎 is answered with a pop-up, not a post
    asker, neighbour, critic = world.member(6201, "刘姐"), world.member(6202, "陈哥"), world.member(6203, "周叔")
    asked = asker.says("交城有多少户高新技术企业", to_bot=True)
    answer = asked.message()
    assert answer["reply_to_message_id"] == asked.message_id
    asker.press(answer, "👍")
    assert labels(world.shown(answer))[:3] == ["👍 1", "👎", "原文"]
    neighbour.press(world.shown(answer), "👍 1")
    counted = world.shown(answer)
    assert labels(counted)[:3] == ["👍 2", "👎", "原文"]
    again = asker.press(counted, "👍 2")
    assert again.methods == ["answerCallbackQuery"] and world.shown(answer) == counted
    down = critic.press(counted, "👎")
    assert down.params("sendMessage") == []  # nothing posted to the whole group
    assert down.popup["show_alert"] is True and "换个说法" in down.popup["text"]
    assert labels(world.shown(answer))[:3] == ["👍 2", "👎 1", "原文"]


# --------------------------------------------------------------------------------------------------
# (d) the admin reports


def test_d_admin_reports_name_standard_questions_and_people_and_cut_long_texts(world: World) -> None:
    world.person(5301).says("交城有几个乡镇社工站")
    world.person(5302).says("你好")
    world.person(5303).says(STORY)
    world.person(5304).says("交城县委书记是谁")
    admin = world.person(ADMIN, "王科员")

    reaction = admin.says("/stats")
    stats = reaction.sent()
    assert len(stats) == 2
    text, chart = stats[0]["text"], stats[1]
    assert text.startswith("<b>使用统计</b>\n") and "× 交城县有多少个乡镇社工站？" in text  # standard questions, not ids
    assert "1 × " + STORY[:39] + "…" in text.splitlines()  # a story cut to 40 characters
    assert re.search(r"回答率 \d+%（闲聊 \d+ 条", text)  # small talk is not an unanswered question
    assert not ENTRY_ID.search(text) and not HASH.search(text)
    (photo,) = reaction.params("sendPhoto")
    assert chart["caption"] == messages.CHART_CAPTION and photo["photo"][:8] == b"\x89PNG\r\n\x1a\n"

    unanswered = admin.says("/unanswered").sent()[0]["text"]
    (line,) = [x for x in unanswered.splitlines() if "我家老人" in x]
    assert line.startswith("❓ " + STORY[:39] + "…  → 接近：")  # cut, then what it came close to
    assert not ENTRY_ID.search(unanswered) and not HASH.search(unanswered) and "5303" not in unanswered

    history = admin.says("/history").message()["text"]
    (line,) = [x for x in history.splitlines() if x.startswith("#1 ")]
    assert "王科员" in line and str(ADMIN) not in line  # the admin by name, kept when they used /stats
    assert "交城县的养老机构一共有多少张床位？" in line and EDITED_QUESTION[:39] + "…" in line
    assert not ENTRY_ID.search(history) and not HASH.search(history)


# --------------------------------------------------------------------------------------------------
# (e) progress


def test_e_typing_before_an_answer_an_inline_miss_that_says_what_to_do_and_a_repeat_that_links(world: World) -> None:
    resident = world.person(5401, "孙奶奶")
    asked = resident.says("交城有多少户高新技术企业")
    assert asked.methods[:2] == ["sendChatAction", "sendMessage"]  # "typing…" while the question is matched
    assert asked.params("sendChatAction")[0]["action"] == "typing"

    (result,) = resident.inline("明天天气怎么样")
    assert result["title"] == "没找到相关内容" and "换个说法" in result["description"]
    assert result["input_message_content"]["message_text"] == (
        f"没有找到“明天天气怎么样”的相关内容。可以换个说法，或私聊 {BOT_NAME} 提问。")

    first, second = world.member(6401, "吴大哥"), world.member(6402, "郑大姐")
    answer = first.says("养老床位有多少张", to_bot=True).message()
    assert "985张" in answer["text"]
    repeated = second.says("养老床位有多少张", to_bot=True)
    notice = repeated.message()  # not a second copy: a pointer, as a reply to the one asking
    assert notice["reply_to_message_id"] == repeated.message_id and "985张" not in notice["text"]
    assert f'<a href="{GROUP_LINK}{answer["message_id"]}">上面的回答</a>' in notice["text"]
