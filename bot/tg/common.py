"""Small helpers the Telegram handlers share: replying safely and checking who may do what."""

from __future__ import annotations

import logging
from collections.abc import Collection
from html import escape
from typing import Any

from telegram import Bot, LinkPreviewOptions, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import ContextTypes

from .. import messages
from .services import services

logger = logging.getLogger(__name__)

# Telegram's account that stands for a group admin posting anonymously (as the group).
ANONYMOUS_ADMIN_BOT = 1087968824


def log_chat(chat_id: int) -> str:
    """How a log line names a chat: a group by its id; a private chat (whose id is the person's) not at all."""
    return f"chat {chat_id}" if chat_id < 0 else "a private chat"


async def send(message: Message, text: str, markup: Any = None, *, quote: bool = False) -> Message | None:
    """Reply in the message's chat; a chat that blocked or removed the bot is logged, not raised."""
    try:
        return await message.reply_text(
            text,
            reply_markup=markup,
            do_quote=quote,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
    except Forbidden as exc:
        logger.info("cannot write to %s: %s", log_chat(message.chat_id), exc)
    except RetryAfter as exc:
        logger.warning("flood control in %s: retry after %s s", log_chat(message.chat_id), exc.retry_after)
    except TimedOut:
        logger.warning("sending to %s timed out", log_chat(message.chat_id))
    except NetworkError as exc:
        logger.warning("network error sending to %s: %s", log_chat(message.chat_id), exc)
    return None



async def may_manage_group(bot: Bot, message: Message, bot_admins: Collection[int]) -> bool:
    """True if the sender is one of the bot's admins or an admin of the group the message is in.

    An anonymous group admin posts as the group itself (``sender_chat`` is the chat); that counts.
    """
    user = message.from_user
    if user is not None and user.id in bot_admins:
        return True
    if message.sender_chat is not None and message.sender_chat.id == message.chat.id:
        return True
    if user is None or user.id == ANONYMOUS_ADMIN_BOT:
        return False
    try:
        member = await bot.get_chat_member(message.chat.id, user.id)
    except TelegramError as exc:
        logger.info("could not check a member's rights in %s: %s", log_chat(message.chat.id), exc)
        return False
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


def is_bot_admin(context: ContextTypes.DEFAULT_TYPE, user_id: int | None) -> bool:
    """True for the user ids listed under ``admins`` in the config."""
    return user_id is not None and user_id in services(context).config.admins


async def require_bot_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Message | None:
    """The message if a bot admin sent it in a private chat; otherwise one line of refusal and None.

    Admin commands show residents' questions and the groups' ids, so in a group, whoever sends them,
    the only answer is a line asking to use a private chat.
    """
    message = update.effective_message
    user = update.effective_user
    if message is None:
        return None
    if message.chat.type != ChatType.PRIVATE:
        await send(message, escape(messages.ADMIN_PRIVATE_ONLY))
        return None
    if not is_bot_admin(context, user.id if user else None):
        await send(message, escape(messages.NOT_ADMIN))
        return None
    return message


async def require_group_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Message | None:
    """The message if it is a group command from that group's admin (or a bot admin); else a refusal and None."""
    message = update.effective_message
    if message is None:
        return None
    if message.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        await send(message, escape(messages.GROUP_ONLY))
        return None
    if not await may_manage_group(context.bot, message, services(context).config.admins):
        await send(message, escape(messages.NOT_GROUP_ADMIN), quote=True)
        return None
    return message


def chunks(text: str, limit: int = 4000) -> list[str]:
    """Split a long HTML message at line breaks into pieces Telegram accepts (4,096 characters each).

    Lines are kept whole (so no HTML tag is cut), except a single line longer than ``limit``, which is
    cut hard; the reports and lists this is used for have short lines.
    """
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            candidate = line
        current = candidate
    if current or not pieces:
        pieces.append(current)
    return pieces


def capped_lines(lines: list[str], *, limit: int) -> str:
    """As many whole lines as fit in ``limit`` characters, then "…还有 N 处" for the rest."""
    kept: list[str] = []
    used = 0
    for number, line in enumerate(lines):
        if used + len(line) + 1 > limit - 80:  # room for the closing line
            more = len(lines) - number
            kept.append(messages.AND_MORE.format(count=more))
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)
