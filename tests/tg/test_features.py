"""The features' declarations: the command menus and /help's sections they give, and the button patterns."""

from __future__ import annotations

import re

import pytest
from telegram import Update
from telegram.ext import ContextTypes

from bot import messages
from bot.tg.app import FEATURES
from bot.tg.features import Audience, Button, Command, Feature, Features


def menu(audience: Audience) -> list[tuple[str, str]]:
    return [(c.command, c.description) for c in FEATURES.menu(audience)]


def test_the_menus_list_each_audiences_commands_in_order() -> None:
    private = [("start", "开始"), ("topics", "按话题浏览"), ("source", "资料来源"), ("help", "用法")]
    assert menu(Audience.PRIVATE) == private
    assert menu(Audience.GROUP) == [("ask", "提问"), ("topics", "按话题浏览"), ("help", "用法")]
    assert [name for name, _ in menu(Audience.ADMIN)] == [
        "reload", "stats", "unanswered", "announce", "groups", "schedule", "suggestions", "history", "undo",
    ]


def test_help_has_a_line_for_every_admin_command_in_the_menus_order() -> None:
    lines = FEATURES.help_lines(Audience.ADMIN).split("\n")
    assert [line.split()[0] for line in lines] == [f"/{name}" for name, _ in menu(Audience.ADMIN)]
    group_admin = FEATURES.help_lines(Audience.GROUP_ADMIN)
    assert group_admin == f"{messages.HELP_AUTO}\n{messages.HELP_SUBSCRIBE}"
    assert "/unsubscribe" in group_admin


def test_every_command_is_registered_once_and_twice_is_refused() -> None:
    names = [c.name for c in FEATURES.commands]
    assert len(names) == len(set(names))

    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None: ...

    with pytest.raises(ValueError, match="command registered twice: stats"):
        Features(Feature("a", commands=(Command("stats", handler),)), Feature("b", commands=(Command("stats", handler),)))
    with pytest.raises(ValueError, match="button prefix registered twice: x"):
        Features(Feature("a", buttons=(Button("x", handler), Button("x", handler))))


def test_a_button_pattern_takes_its_prefix_and_a_bar_or_with_bare_the_prefix_alone() -> None:
    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None: ...

    plain, bare = Button("t", handler).pattern, Button("T", handler, bare=True).pattern
    assert re.match(plain, "t|3|1") and not re.match(plain, "t") and not re.match(plain, "tx|1")
    assert re.match(bare, "T") and re.match(bare, "T|x") and not re.match(bare, "T\n") and not re.match(bare, "Tx")
