"""Small helpers the Telegram handlers share: replying safely and checking who may do what."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Collection, Sequence
from html import escape
from typing import Any

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, LinkPreviewOptions, Message, Update, User
from telegram.constants import ChatAction, ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import ContextTypes

from .. import messages
from ..limits import MESSAGE_LIMIT, TOKEN, telegram_length, utf16_len
from .services import services

logger = logging.getLogger(__name__)

# Telegram's account that stands for a group admin posting anonymously (as the group).
ANONYMOUS_ADMIN_BOT = 1087968824


def log_chat(chat_id: int) -> str:
    """How a log line names a chat: a group by its id; a private chat (whose id is the person's) not at all."""
    return f"chat {chat_id}" if chat_id < 0 else "a private chat"


async def send(
    message: Message, text: str | Sequence[str], markup: Any = None, *, quote: bool = False
) -> Message | None:
    """Reply in the message's chat, in as many messages as Telegram's limit needs (see :func:`chunks`; the
    keyboard goes with the last, the quote with the first); the first message sent, or None.

    A chat that blocked or removed the bot is logged, not raised (and the remaining pieces are not tried).
    """
    pieces = chunks(text)
    first: Message | None = None
    for number, piece in enumerate(pieces, start=1):
        try:
            sent = await message.reply_text(
                piece,
                reply_markup=markup if number == len(pieces) else None,
                do_quote=quote and number == 1,
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
        else:
            first = first or sent
            continue
        break
    return first


async def edit_message(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None, *, resend: bool = False,
    quiet: bool = False,
) -> None:
    """Replace the text (and keyboard) of the message whose button was pressed.

    Pressed twice, the text is there already (Telegram: "message is not modified"): nothing to do. An
    edit Telegram refuses (a message too old to edit, say) is sent as a new message with ``resend``. With
    ``quiet`` any Telegram error is logged and the handler goes on (what follows the edit must happen
    whatever becomes of it). Otherwise the error is raised, for the error handler and the intake.
    """
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return
        if resend:
            logger.info("could not edit a message (%s); sending it instead", exc)
            if isinstance(query.message, Message):
                await send(query.message, text, markup)
            return
        if not quiet:
            raise
        logger.info("could not edit a message: %s", exc)
    except TelegramError as exc:
        if not quiet:
            raise
        logger.info("could not edit a message: %s", exc)


async def show_typing(bot: Bot, chat_id: int) -> None:
    """"typing…" in the chat while something slow is prepared (a question matched, an edit saved); never raises."""
    try:
        await bot.send_chat_action(chat_id, ChatAction.TYPING)
    except TelegramError as exc:  # only a courtesy: the reply itself still goes
        logger.info("no typing action in %s: %s", log_chat(chat_id), exc)


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
    if user is not None:
        remember_admin_name(context, user)
    return message


def remember_admin_name(context: ContextTypes.DEFAULT_TYPE, user: User) -> None:
    """Keep the name a bot admin goes by (first name, else @username), so /history can say who edited."""
    name = user.first_name or (f"@{user.username}" if user.username else "")
    try:
        services(context).storage.remember_admin_name(user.id, name[:32])
    except sqlite3.Error as exc:  # a name for the history is never worth failing the command
        logger.warning("could not keep an admin's name: %s", exc)


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


def chunks(text: str | Sequence[str], limit: int = MESSAGE_LIMIT, *, html_text: bool = True) -> list[str]:
    """Split a message into pieces Telegram accepts, each at most ``limit`` UTF-16 units as Telegram counts them.

    ``text`` is one text, or its parts in order (the blocks of a compound reply), which are kept whole
    and together as far as they fit. A text is split at blank lines first, then at line breaks; only a
    single line longer than a whole message is cut inside, between characters (never inside a tag or an
    entity). An HTML tag left open at the end of a piece is closed there and opened again in the next.
    """
    units = [text] if isinstance(text, str) else list(text)
    if not units:
        return [""]
    pieces = _pack(units, "\n\n", limit, ("\n\n", "\n"), html_text)
    pieces = [p for p in pieces if p.strip()] or pieces[:1]
    return _balance_tags(pieces) if html_text else pieces


def _pack(units: list[str], joiner: str, limit: int, separators: tuple[str, ...], html_text: bool) -> list[str]:
    """Units joined by ``joiner`` into as few pieces as fit; a unit too long is split at the next separator."""
    pieces: list[str] = []
    current: str | None = None
    size = 0
    gap = utf16_len(joiner)
    for unit in units:
        length = telegram_length(unit, html_text=html_text)
        parts = _split(unit, limit, separators, html_text) if length > limit else [unit]
        for part in parts:
            part_size = length if len(parts) == 1 else telegram_length(part, html_text=html_text)
            if current is not None and size + gap + part_size <= limit:
                current, size = current + joiner + part, size + gap + part_size
                continue
            if current is not None:
                pieces.append(current)
            current, size = part, part_size
    if current is not None:
        pieces.append(current)
    return pieces


def _split(text: str, limit: int, separators: tuple[str, ...], html_text: bool) -> list[str]:
    """One over-long text in pieces: at the first separator it has, else cut between characters."""
    for number, separator in enumerate(separators):
        if separator in text:
            return _pack(text.split(separator), separator, limit, separators[number + 1:], html_text)
    pieces: list[str] = []
    current, size = "", 0
    for token in (TOKEN.findall(text) if html_text else list(text)):
        width = telegram_length(token, html_text=html_text)
        if current and size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current, size = current + token, size + width
    if current:
        pieces.append(current)
    return pieces


_TAG_PARTS = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*?(/?)>")


def _balance_tags(pieces: list[str]) -> list[str]:
    """Close the HTML tags a piece leaves open and open them again at the start of the next piece."""
    balanced: list[str] = []
    carried: list[tuple[str, str]] = []  # (name, the opening tag as written)
    for piece in pieces:
        opening = "".join(tag for _, tag in carried)
        stack = list(carried)
        for match in _TAG_PARTS.finditer(piece):
            closing, name, empty = match.groups()
            if empty:
                continue
            if not closing:
                stack.append((name.lower(), match.group(0)))
            elif stack and stack[-1][0] == name.lower():
                stack.pop()
        balanced.append(opening + piece + "".join(f"</{name}>" for name, _ in reversed(stack)))
        carried = stack
    return balanced


def capped_lines(lines: list[str], *, limit: int) -> str:
    """As many whole lines as fit in ``limit`` UTF-16 units, then "…还有 N 处" for the rest."""
    kept: list[str] = []
    used = 0
    for number, line in enumerate(lines):
        width = utf16_len(line) + 1
        if used + width > limit - 80:  # room for the closing line
            more = len(lines) - number
            kept.append(messages.AND_MORE.format(count=more))
            break
        kept.append(line)
        used += width
    return "\n".join(kept)
