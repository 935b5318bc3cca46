"""Small helpers the Telegram handlers share: replying safely and checking who may manage a group."""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

from telegram import Bot, LinkPreviewOptions, Message
from telegram.constants import ChatMemberStatus
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

logger = logging.getLogger(__name__)

# Telegram's account that stands for a group admin posting anonymously (as the group).
ANONYMOUS_ADMIN_BOT = 1087968824


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
        logger.info("cannot write to chat %s: %s", message.chat_id, exc)
    except RetryAfter as exc:
        logger.warning("flood control in chat %s: retry after %s s", message.chat_id, exc.retry_after)
    except TimedOut:
        logger.warning("sending to chat %s timed out", message.chat_id)
    except NetworkError as exc:
        logger.warning("network error sending to chat %s: %s", message.chat_id, exc)
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
        logger.info("could not check the rights of %s in %s: %s", user.id, message.chat.id, exc)
        return False
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


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
