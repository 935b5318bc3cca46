"""The README's transcripts, generated: a resident's first minute and an admin's /stats, as the real process sends them.

    .venv/bin/python -m tests.transcript

starts `python -m bot run` against the fake Bot API (the journeys' helpers, tests/test_e2e_journeys.py), plays
the steps below and prints what the chat shows, plain: HTML tags dropped, a collapsed quote as ``┃`` lines,
buttons as ``[…]``, a pop-up, a typing action and an edit of the buttons in parentheses.
"""

from __future__ import annotations

import html
import re
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

from tests.test_e2e_journeys import ADMIN, Person, Reaction, World, labels, running_bot

COLUMN = 14  # display columns of the speaker's name


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class Transcript:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.last = ""  # who spoke last: their name is not repeated

    def say(self, who: str, text: str) -> None:
        for number, line in enumerate(text.split("\n")):
            name = who if number == 0 and who != self.last else ""
            self.lines.append((name + " " * (COLUMN - width(name)) + line).rstrip())
        self.last = who or self.last

    def bot(self, message: dict[str, Any]) -> None:
        text = message.get("text") or f"[图片] {message.get('caption', '')}"
        self.say("机器人", plain(text) + buttons(message))

    def reaction(self, reaction: Reaction, *, edited: dict[str, Any] | None = None) -> None:
        if "sendChatAction" in reaction.methods:
            self.say("机器人", "（正在输入…）")
        if reaction.params("answerCallbackQuery") and reaction.popup.get("text"):
            self.say("", f"（弹出：{reaction.popup['text']}）")
        if edited is not None:
            self.say("", "（按钮变成：" + " ".join(f"[{label}]" for label in labels(edited)) + "）")
        for message in reaction.sent():
            self.bot(message)


def plain(text: str) -> str:
    """A message as a phone shows it, without its formatting: a collapsed quote as ┃ lines."""
    text = re.sub(r"<blockquote expandable>(.*?)</blockquote>",
                  lambda m: "\n".join("┃ " + line for line in m.group(1).split("\n")), text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def buttons(message: dict[str, Any]) -> str:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return "".join("\n" + " ".join(f"[{b['text']}]" for b in row) for row in rows)


def first_minute(world: World, out: Transcript) -> None:
    """A resident opens the bot, taps an example, votes, asks something that needs a choice, picks by number."""
    descriptions = [p["description"] for name, p in world.api.calls if name == "setMyDescription"]
    out.say("（空的聊天）", descriptions[-1] + "\n[开始]")
    resident = world.person(4242, "李大爷")
    out.say("居民", "/start")
    welcome = resident.says("/start").message()
    out.bot(welcome)
    out.say("居民", "（点 有多少个乡镇社工站）")
    tapped = resident.press(welcome, "有多少个乡镇社工站")
    out.reaction(tapped)
    answer = tapped.message()
    out.say("居民", "（点 👍）")
    out.reaction(resident.press(answer, "👍"), edited=world.shown(answer))
    ask(resident, out, "省级的中心有几个")
    ask(resident, out, "1")
    ask(resident, out, "/menu")


def ask(person: Person, out: Transcript, text: str) -> None:
    out.say("居民" if person.user_id != ADMIN else "管理员", text)
    out.reaction(person.says(text))


def admin_stats(world: World, out: Transcript) -> None:
    """A clerk's /stats after a few residents asked: answered, small talk, unanswered."""
    for user, text in ((5001, "交城有几个乡镇社工站"), (5002, "你好"), (5003, "养老床位有多少张"),
                       (5004, "交城县委书记是谁"), (5005, "我家老人八十多岁了，一个人住在夏家营镇，腿脚不方便，想问问社区食堂的饭能不能送到家里来")):
        world.person(user).says(text)
    ask(world.person(ADMIN, "王科员"), out, "/stats")


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        with running_bot(Path(folder)) as (world, ended):
            resident, admin = Transcript(), Transcript()
            first_minute(world, resident)
            admin_stats(world, admin)
        code, output = ended
    if code != "0":
        print(output, file=sys.stderr)
        return 1
    print("\n".join(["```text", *resident.lines, "```", "", "```text", *admin.lines, "```"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
