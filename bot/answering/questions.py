"""Residents' questions in Telegram: in private chats every message, in groups when addressed (or in auto
mode), and a number picking one of the suggestions a "您是想问" reply offered.

:func:`answer_question` matches, logs and replies; the group rules (no private data, no answer given a
moment ago, the asker quoted) and the short memory of a conversation (a follow-up, pending suggestions)
live here too.
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
import re
import time
from html import escape

from telegram import Chat, Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from .. import messages
from ..engine.followup import FOLLOW_UP_SECONDS
from ..engine.matching import MatchResult, Status
from ..engine.render import place_words
from ..privacy.mask import contains_private_data, mask_private_data
from ..teaching import telegram as teach
from ..tg.common import send, show_typing
from ..tg.services import Services, services
from . import html as render

__all__ = [
    "answer_question",
    "log_question",
    "on_group_text",
    "on_private_other",
    "on_private_text",
    "picked_number",
    "strip_markup",
]

MARKUP_RE = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>")


def strip_markup(text: str) -> str:
    """A question pasted with HTML markup (``<b>养老</b>床位 &amp; 多少``) as the words a person reads."""
    return html.unescape(MARKUP_RE.sub("", text))


async def log_question(context: ContextTypes.DEFAULT_TYPE, update: Update, text: str, result: MatchResult) -> None:
    """Log the question on the writer thread; a database that cannot be written never stops the answer."""
    user = update.effective_user
    chat = update.effective_chat
    svc = services(context)
    await svc.writer.write(
        "question log",
        svc.storage.log_question,
        user_id=user.id if user else 0,
        chat_type=chat.type if chat else "inline",
        text=mask_private_data(text),
        status=str(result.status),
        entry_id=result.entry.id if result.entry else None,
        score=result.score,
        suggestions=[c.entry.id for c in result.candidates],
    )


def _previous_question(svc: Services, chat_id: int, user_id: int) -> str | None:
    """What this person asked last in this chat, if within the follow-up time (a follow-up leans on it)."""
    found = svc.previous_questions.get((chat_id, user_id))
    if found is None or time.monotonic() - found[1] > FOLLOW_UP_SECONDS:
        return None
    return found[0]


def _remember_question(svc: Services, chat_id: int, user_id: int, result: MatchResult) -> None:
    """Keep what was asked, in full, for a follow-up; small talk keeps the question before it."""
    if result.status is Status.SMALLTALK:
        return
    now = time.monotonic()
    if len(svc.previous_questions) > 1000:  # bounded memory: forget the stale ones
        svc.previous_questions = {
            k: v for k, v in svc.previous_questions.items() if now - v[1] < FOLLOW_UP_SECONDS
        }
    svc.previous_questions[(chat_id, user_id)] = (result.asked, now)


async def answer_question(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, *, group: bool, confident_only: bool = False
) -> None:
    """Match the text, log it, and reply (in groups, quoting the asker).

    With ``confident_only`` (a group's auto mode) anything but a confident answer is left alone, unlogged.
    """
    message = update.effective_message
    user = update.effective_user
    if message is None:
        return
    text = strip_markup(text)
    svc = services(context)
    loaded = svc.knowledge.current
    result: MatchResult | None = None
    if confident_only:
        result = await asyncio.to_thread(loaded.matcher.match, text)
        if result.status is not Status.ANSWERED:
            return
    if user is not None:
        verdict = svc.limiter.check(user.id, now=message.date.timestamp() if message.date else None)
        if verdict != "ok":
            if verdict == "warn":
                await send(message, escape(messages.RATE_LIMITED), quote=group)
            return
    if group and contains_private_data(text):
        await send(message, escape(messages.PRIVATE_DATA), quote=True)
        return
    if result is None:
        await show_typing(context.bot, message.chat_id)  # matching may take a moment on a large base
        previous = _previous_question(svc, message.chat_id, user.id) if user is not None else None
        result = await asyncio.to_thread(loaded.matcher.match_after, text, previous)
    if user is not None:
        _remember_question(svc, message.chat_id, user.id, result)
    await log_question(context, update, text, result)
    if user is not None:
        _remember_choices(svc, message.chat_id, user.id, result)
    note = ""
    if group and message.chat is not None:
        fresh = _not_answered_lately(svc, message.chat.id, result)
        if fresh is None:  # all of it was answered in this group a moment ago: tell the asker, with a link
            earlier = _earlier_answer(svc, message.chat.id, result)
            link = _message_link(message.chat, earlier) if earlier is not None else None
            repeat = messages.GROUP_REPEAT_LINK.format(link=escape(link)) if link else escape(messages.GROUP_REPEAT)
            await send(message, repeat, quote=True)
            return
        if fresh is not result:  # some parts were: answer the others, and say so after them
            result, note = fresh, "\n\n" + escape(messages.GROUP_REPEAT_SOME)
    parts, markup = render.reply_parts(loaded.kb, result)
    parts[-1] += note
    sent = await send(message, parts, markup, quote=group)  # several messages when it is too long for one
    if group and sent is not None and message.chat is not None:
        for part in result.parts if result.compound else (result,):
            if part.status is Status.ANSWERED and part.entry is not None:
                svc.recent_group_answers[(message.chat.id, part.entry.id)] = (sent.message_id, time.monotonic())


def _earlier_answer(svc: Services, chat_id: int, result: MatchResult) -> int | None:
    """The id of the bot's message in this group that answered (the first part of) the result a moment ago."""
    for part in result.parts if result.compound else (result,):
        earlier = svc.recent_group_answers.get((chat_id, part.entry.id)) if part.entry is not None else None
        if earlier is not None:
            return earlier[0]
    return None


def _message_link(chat: Chat, message_id: int) -> str | None:
    """A link members can open to a message of a group: t.me/<name>/<id>, or t.me/c/<id>/<id> in a supergroup.

    A basic group's messages have no link (None).
    """
    if chat.username:
        return f"https://t.me/{chat.username}/{message_id}"
    if chat.type == ChatType.SUPERGROUP and str(chat.id).startswith("-100"):
        return f"https://t.me/c/{str(chat.id)[4:]}/{message_id}"
    return None


# "1", "2", "第一个", "第2个", "一" after a "您是想问" reply: that suggestion
PICK_RE = re.compile(r"^(?:第\s*)?([1-9一二三四五六七八九])\s*(?:个|条|项)?\s*[。.！!]?$")
CHINESE_DIGITS = "一二三四五六七八九"
PICK_SECONDS = 300  # how long the suggestions of a "您是想问" reply wait for a number


def picked_number(text: str) -> int | None:
    """The suggestion a reply such as ``1``, ``第二个`` or ``第2个`` picks (1-based), else None."""
    match = PICK_RE.match(text.strip())
    if match is None:
        return None
    digit = match.group(1)
    return int(digit) if digit.isascii() else CHINESE_DIGITS.index(digit) + 1


def _remember_choices(svc: Services, chat_id: int, user_id: int, result: MatchResult) -> None:
    """Keep the suggestions a person was offered (for a number in reply); any other reply forgets them."""
    key = (chat_id, user_id)
    now = time.monotonic()
    if result.status is Status.AMBIGUOUS and not result.compound and result.candidates:
        if len(svc.pending_choices) > 1000:  # bounded memory: forget the stale ones
            svc.pending_choices = {k: v for k, v in svc.pending_choices.items() if now - v[1] < PICK_SECONDS}
        svc.pending_choices[key] = (tuple(c.entry.id for c in result.candidates), now)
    else:
        svc.pending_choices.pop(key, None)


async def _answer_pick(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> bool:
    """A number (``1``, ``第二个``) from a person with suggestions pending in this chat: answer that one.

    False (and nothing sent) when it is not such a reply: then it is a new question.
    """
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return False
    svc = services(context)
    key = (message.chat_id, user.id)
    pending = svc.pending_choices.get(key)
    number = picked_number(text) if pending is not None else None
    if pending is None or number is None:
        return False
    ids, offered = pending
    kb = svc.knowledge.current.kb
    entry = kb.by_id.get(ids[number - 1]) if number <= len(ids) else None
    if time.monotonic() - offered > PICK_SECONDS or entry is None:
        return False
    del svc.pending_choices[key]
    teach.note_pick(context, user.id, entry.id)  # a label for the person's last question, as a button press is
    # as the button would: the whole question above the answer its short label stood for
    await send(message, render.answer_html(kb, entry, asked=True), render.answer_keyboard(kb, entry),
                quote=message.chat.type != ChatType.PRIVATE)
    return True


def _not_answered_lately(svc: Services, chat_id: int, result: MatchResult) -> MatchResult | None:
    """The result without the answers this group got within ``repeat_window_minutes``; None if nothing is left.

    A compound question keeps its new parts (one left: that part alone); the result itself when none repeats.
    """
    window = svc.config.groups.repeat_window_minutes * 60
    now = time.monotonic()
    if len(svc.recent_group_answers) > 1000:  # forget answers older than the window (bounded memory)
        svc.recent_group_answers = {k: v for k, v in svc.recent_group_answers.items() if now - v[1] < window}

    def repeated(part: MatchResult) -> bool:
        if part.status is not Status.ANSWERED or part.entry is None:
            return False
        earlier = svc.recent_group_answers.get((chat_id, part.entry.id))
        return earlier is not None and now - earlier[1] < window

    if not result.compound:
        return None if repeated(result) else result
    fresh = tuple(p for p in result.parts if not repeated(p))
    if len(fresh) == len(result.parts):
        return result
    if not fresh:
        return None
    if len(fresh) == 1:
        return fresh[0]
    return dataclasses.replace(result, parts=fresh, entry=fresh[0].entry)


def _addressed_text(message: Message, bot_username: str, bot_id: int) -> str | None:
    """In a group: the question (text or caption) if the bot was mentioned or replied to, else None."""
    text = message.text or message.caption or ""
    in_caption = message.text is None
    mentioned = False
    for entity in (message.caption_entities if in_caption else message.entities) or ():
        if entity.type == MessageEntity.MENTION:
            name = message.parse_caption_entity(entity) if in_caption else message.parse_entity(entity)
            if name.lstrip("@").lower() == bot_username.lower():
                mentioned = True
                text = text.replace(name, " ")
        elif entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            mentioned = True
    replied = (
        message.reply_to_message is not None
        and message.reply_to_message.from_user is not None
        and message.reply_to_message.from_user.id == bot_id
    )
    return text.strip() if mentioned or replied else None


async def on_private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text in a private chat is a question, and so is the caption of a photo or file."""
    message = update.effective_message
    if message is not None and (message.text or message.caption) is not None:
        text = message.text or message.caption or ""
        if not await _answer_pick(update, context, text):
            await answer_question(update, context, text, group=False)


async def on_private_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo, voice message, sticker … without words in a private chat: say politely what works."""
    message = update.effective_message
    if message is not None:
        words = place_words(services(context).knowledge.current.kb)
        await send(message, escape(messages.TEXT_ONLY.format(**words)))


async def on_group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group text (or a caption): answer when mentioned or replied to; in auto mode, confident answers."""
    message = update.effective_message
    if message is None or (message.text or message.caption) is None or message.chat is None:
        return
    svc = services(context)
    addressed = _addressed_text(message, context.bot.username, context.bot.id)
    if await _answer_pick(update, context, addressed if addressed is not None else message.text or ""):
        return  # "2" from someone who was just asked "您是想问", addressed to the bot or not
    if addressed is not None:
        await answer_question(update, context, addressed, group=True)
        return
    if not svc.storage.auto_mode(message.chat.id, svc.config.groups.auto_mode_default):
        return
    question = message.text or message.caption or ""
    if contains_private_data(question):
        return
    await answer_question(update, context, question, group=True, confident_only=True)

