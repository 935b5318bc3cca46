"""What each feature adds to the bot, declared in one place: its commands (with their menu text, who they are
for and their line in /help), its buttons (the callback data prefixes it owns) and its other handlers.

Each room's ``telegram.py`` declares one :class:`Feature`. ``bot/tg/app.py`` lists them in order in
:class:`Features`, which installs their handlers and gives the command menus and /help's sections, so a
command exists, shows in the menus and is explained in /help from that one declaration. Whether a person
may run a command is still checked by its handler (the refusal says why); ``who`` only says where it shows.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

__all__ = ["Audience", "Button", "Command", "Feature", "Features"]

HandlerCallback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


class Audience(enum.Flag):
    """Where a command shows: the menus of private chats, of groups and of the bot's admins, and /help."""

    NONE = 0
    PRIVATE = enum.auto()  # everyone, in the private chats' menu
    GROUP = enum.auto()  # everyone, in the groups' menu
    GROUP_ADMIN = enum.auto()  # a group's admins: a line in /help's group admin section (shown in groups)
    ADMIN = enum.auto()  # the bot's admins: their menu (after the private chats' one) and /help's admin section


@dataclass(frozen=True)
class Command:
    """One command: ``/name`` handled by ``callback``; ``menu`` is its text in the menus of ``who``, ``help``
    its line in /help (for group admins and bot admins; one line may name two commands)."""

    name: str
    callback: HandlerCallback
    who: Audience = Audience.NONE
    menu: str = ""
    help: str = ""


@dataclass(frozen=True)
class Button:
    """The buttons whose callback data is ``<prefix>|…`` (also the bare ``<prefix>`` when ``bare``)."""

    prefix: str
    callback: HandlerCallback
    bare: bool = False

    @property
    def pattern(self) -> str:
        end = r"(?:\||\Z)" if self.bare else r"\|"
        return f"^{re.escape(self.prefix)}{end}"


@dataclass(frozen=True)
class Feature:
    """What one feature adds: commands, buttons, and other handlers as ``(handler, group)``."""

    name: str
    commands: tuple[Command, ...] = ()
    buttons: tuple[Button, ...] = ()
    handlers: tuple[tuple[BaseHandler[Any, Any, Any], int], ...] = ()


async def on_unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press no feature owns (a stale or forged button): only its spinner stops."""
    query = update.callback_query
    if query is not None and query.data is not None:
        await query.answer()


class Features:
    """The bot's features in order: the order of their handlers, and of their commands in menus and /help."""

    def __init__(self, *features: Feature) -> None:
        self.features = features
        names = [c.name for f in features for c in f.commands]
        prefixes = [b.prefix for f in features for b in f.buttons]
        for kind, seen in (("command", names), ("button prefix", prefixes)):
            twice = sorted({n for n in seen if seen.count(n) > 1})
            if twice:
                raise ValueError(f"{kind} registered twice: {', '.join(twice)}")

    @property
    def commands(self) -> list[Command]:
        return [c for f in self.features for c in f.commands]

    def install(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Add every feature's handlers: commands first (they win over the text handlers), then one handler
        per button prefix and one for any other press, then the features' other handlers."""
        for command in self.commands:
            application.add_handler(CommandHandler(command.name, command.callback))
        for button in (b for f in self.features for b in f.buttons):
            application.add_handler(CallbackQueryHandler(button.callback, pattern=button.pattern))
        application.add_handler(CallbackQueryHandler(on_unknown_button))
        for handler, group in (h for f in self.features for h in f.handlers):
            application.add_handler(handler, group=group)

    def menu(self, audience: Audience) -> list[BotCommand]:
        """The command menu of ``audience``, in the features' order."""
        return [BotCommand(c.name, c.menu) for c in self.commands if audience in c.who]

    def help_lines(self, audience: Audience) -> str:
        """The /help lines of ``audience``'s commands, one line each, in the features' order."""
        return "\n".join(c.help for c in self.commands if audience in c.who and c.help)
