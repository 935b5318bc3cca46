"""The bot's admins reload the knowledge base from its folder: /reload, and 确认重新加载 when it was held back
(:data:`FEATURE`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from .. import messages
from ..announcements.model import ANNOUNCEMENTS
from .common import capped_lines, is_bot_admin, require_bot_admin, send
from .features import Audience, Button, Command, Feature
from .services import services

__all__ = ["FEATURE", "cmd_reload", "on_reload_button"]

logger = logging.getLogger(__name__)

RELOAD_LIST_LIMIT = 3000  # characters of file:line problems in a /reload reply (Telegram allows 4,096)


async def cmd_reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reload (admins): validate the knowledge directory and swap it in, or keep the old base."""
    message = await require_bot_admin(update, context)
    if message is None:
        return
    await _reload(message, context)


async def on_reload_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """确认重新加载 (K|<hash of the folder>) under a held-back /reload: bot admins, in a private chat."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    message = query.message if isinstance(query.message, Message) else None
    if message is None or message.chat.type != ChatType.PRIVATE or not is_bot_admin(context, query.from_user.id):
        await query.answer(messages.NOT_ADMIN, show_alert=True)
        return
    await query.answer()
    with contextlib.suppress(TelegramError):  # one press: the button goes whatever happens next
        await query.edit_message_reply_markup(None)
    await _reload(message, context, confirm=query.data.partition("|")[2][:64])


async def _reload(message: Message, context: ContextTypes.DEFAULT_TYPE, *, confirm: str = "") -> None:
    """Reload the base for an admin, held back for a confirmation when entries would go or a file just changed."""
    svc = services(context)
    settle = svc.config.knowledge_settle_seconds
    result = await asyncio.to_thread(svc.knowledge.reload, settle_seconds=settle, confirm=confirm)
    if result.held:
        text = messages.RELOAD_HELD.format(entries=result.entries)
        if confirm:
            text = messages.RELOAD_CONFIRM_AGAIN + "\n" + text
        if result.fresh:
            text += messages.RELOAD_HELD_FRESH.format(files="、".join(name for name, _ in result.fresh))
        if result.removed:
            lines = [messages.RELOAD_REMOVED_LINE.format(id=i, question=q) for i, q in result.removed]
            text += messages.RELOAD_HELD_REMOVED.format(count=len(result.removed),
                                                        removed=capped_lines(lines, limit=RELOAD_LIST_LIMIT))
        text += messages.RELOAD_HELD_HINT
        button = InlineKeyboardButton(messages.BUTTON_RELOAD_CONFIRM, callback_data=f"K|{result.confirm}")
        await send(message, escape(text), InlineKeyboardMarkup([[button]]))
        return
    if result.ok:
        notes = await svc.announcer.reschedule(context.application)  # missed ones go to all admins
        scheduled = len(svc.knowledge.current.kb.extras.get(ANNOUNCEMENTS))
        text = messages.RELOAD_OK.format(entries=result.entries) + messages.RELOAD_SCHEDULED.format(count=scheduled)
        if result.announcement_problems:  # the answers are reloaded; the last good schedule stays
            listed = capped_lines([str(p) for p in result.announcement_problems], limit=RELOAD_LIST_LIMIT)
            text += messages.RELOAD_ANNOUNCEMENTS_BAD.format(
                file=result.announcement_problems[0].file, count=len(result.announcement_problems), kept=scheduled,
                problems="{problems}")
            html = escape(text).replace("{problems}", f"<pre>{escape(listed)}</pre>")
        else:
            html = escape(text)
        await send(message, html + "".join(f"\n\n{note}" for note in notes))
        return
    for problem in result.problems:  # the whole list in the log; the admin gets what fits in one message
        logger.warning("reload: %s", problem)
    listed = capped_lines([str(p) for p in result.problems], limit=RELOAD_LIST_LIMIT)
    text = messages.RELOAD_FAILED.format(count=len(result.problems), entries=result.entries, problems="{problems}")
    await send(message, escape(text).replace("{problems}", f"<pre>{escape(listed)}</pre>"))


FEATURE = Feature(
    "reload",
    commands=(Command("reload", cmd_reload, Audience.ADMIN, messages.MENU_RELOAD, messages.HELP_RELOAD),),
    buttons=(Button("K", on_reload_button),),
)
