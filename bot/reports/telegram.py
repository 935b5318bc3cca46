"""Reports in Telegram for the bot's admins: /stats with its chart, /unanswered with buttons to teach
(:data:`FEATURE`)."""

from __future__ import annotations

import asyncio
import logging
from html import escape

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from .. import messages
from ..teaching import telegram as teach
from ..tg.common import require_bot_admin, send
from ..tg.features import Audience, Command, Feature
from ..tg.services import services
from .texts import stats_chart, stats_text, unanswered_text

__all__ = ["FEATURE", "cmd_stats", "cmd_unanswered"]

logger = logging.getLogger(__name__)


async def cmd_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats (admins): questions today and over 7 days, share answered, top entries, top unanswered."""
    message = await require_bot_admin(update, context)
    if message is None:
        return
    svc = services(context)
    text = await asyncio.to_thread(stats_text, svc.storage, kb=svc.knowledge.current.kb)
    await send(message, text)  # split to fit, if need be
    png = await asyncio.to_thread(stats_chart, svc.storage)
    try:
        await message.reply_photo(png, caption=messages.CHART_CAPTION)
    except TelegramError as exc:
        logger.info("could not send the stats chart: %s", exc)


async def cmd_unanswered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unanswered (admins): recent unanswered and 👎 questions with their closest entries."""
    message = await require_bot_admin(update, context)
    if message is not None:
        markup = await teach.unanswered_keyboard(context)  # a button per question that can be taught
        svc = services(context)
        text = await asyncio.to_thread(unanswered_text, svc.storage, kb=svc.knowledge.current.kb)
        await send(message, text + (escape(messages.UNANSWERED_TEACH) if markup else ""), markup)


FEATURE = Feature(
    "reports",
    commands=(
        Command("stats", cmd_stats, Audience.ADMIN, messages.MENU_STATS, messages.HELP_STATS),
        Command("unanswered", cmd_unanswered, Audience.ADMIN, messages.MENU_UNANSWERED, messages.HELP_UNANSWERED),
    ),
)
