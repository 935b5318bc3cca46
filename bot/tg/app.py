"""The Telegram application: one place builds it and registers every handler, in a deliberate order.

Handlers are small ``async def name(update, context) -> None`` functions; the services they need
(knowledge, storage, limits) come through :func:`services`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import html
import json
import logging
import re
import sqlite3
import time
from html import escape
from pathlib import Path
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, InvalidToken, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from .. import messages
from ..announcements import telegram as announce
from ..announcements.delivery import Announcer
from ..answering import html as render
from ..config import Config
from ..datafiles import WEBHOOK_SECRET_SUFFIX, read_or_create_secret
from ..engine.followup import FOLLOW_UP_SECONDS
from ..engine.matching import MatchResult, Status
from ..engine.render import answer_text as render_plain_answer
from ..engine.render import example_questions, place_words
from ..engine.service import KnowledgeService
from ..knowledge.model import KnowledgeBase
from ..privacy import redact
from ..privacy.mask import contains_private_data, mask_private_data
from ..reports.texts import stats_chart, stats_text, unanswered_text
from ..storage import Storage
from ..teaching import telegram as teach
from ..teaching.kbedit import KnowledgeEditor
from .common import (
    capped_lines,
    chunks,
    is_bot_admin,
    log_chat,
    require_bot_admin,
    require_group_admin,
    show_typing,
)
from .common import send as _send
from .inbox import Inbox
from .intake import RETRY_EVERY, Intake, IntakeBot, IntakeQueue
from .ordering import ChatOrderedProcessor
from .sending import FairLimiter, current_handling
from .services import Services, UserRateLimiter, services

logger = logging.getLogger(__name__)

# The update types the bot handles; Telegram is asked for these only (polling and webhook alike).
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY, Update.MY_CHAT_MEMBER]
RELOAD_LIST_LIMIT = 3000  # characters of file:line problems in a /reload reply (Telegram allows 4,096)
RETENTION_EVERY = 86400  # seconds between runs of the retention job (it also runs at start)


MARKUP_RE = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>")


def strip_markup(text: str) -> str:
    """A question pasted with HTML markup (``<b>养老</b>床位 &amp; 多少``) as the words a person reads."""
    return html.unescape(MARKUP_RE.sub("", text))



# --------------------------------------------------------------------------------------------------
# answering


async def _log_question(context: ContextTypes.DEFAULT_TYPE, update: Update, text: str, result: MatchResult) -> None:
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
                await _send(message, escape(messages.RATE_LIMITED), quote=group)
            return
    if group and contains_private_data(text):
        await _send(message, escape(messages.PRIVATE_DATA), quote=True)
        return
    if result is None:
        await show_typing(context.bot, message.chat_id)  # matching may take a moment on a large base
        previous = _previous_question(svc, message.chat_id, user.id) if user is not None else None
        result = await asyncio.to_thread(loaded.matcher.match_after, text, previous)
    if user is not None:
        _remember_question(svc, message.chat_id, user.id, result)
    await _log_question(context, update, text, result)
    if user is not None:
        _remember_choices(svc, message.chat_id, user.id, result)
    note = ""
    if group and message.chat is not None:
        fresh = _not_answered_lately(svc, message.chat.id, result)
        if fresh is None:  # all of it was answered in this group a moment ago: tell the asker, with a link
            earlier = _earlier_answer(svc, message.chat.id, result)
            link = _message_link(message.chat, earlier) if earlier is not None else None
            repeat = messages.GROUP_REPEAT_LINK.format(link=escape(link)) if link else escape(messages.GROUP_REPEAT)
            await _send(message, repeat, quote=True)
            return
        if fresh is not result:  # some parts were: answer the others, and say so after them
            result, note = fresh, "\n\n" + escape(messages.GROUP_REPEAT_SOME)
    parts, markup = render.reply_parts(loaded.kb, result)
    parts[-1] += note
    sent = await _send(message, parts, markup, quote=group)  # several messages when it is too long for one
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
    await _send(message, render.answer_html(kb, entry, asked=True), render.answer_keyboard(kb, entry),
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


# --------------------------------------------------------------------------------------------------
# handlers


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
        await _send(message, escape(messages.TEXT_ONLY.format(**words)))


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


async def cmd_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start, with an optional deep link payload naming an entry; in a group, how to ask there."""
    message = update.effective_message
    if message is None:
        return
    loaded = services(context).knowledge.current
    if context.args:
        entry = loaded.kb.by_id.get(context.args[0])
        if entry is not None:
            await _send(message, render.answer_html(loaded.kb, entry), render.answer_keyboard(loaded.kb, entry))
            return
    words = {k: escape(v) for k, v in place_words(loaded.kb).items()}
    if message.chat.type != ChatType.PRIVATE:
        username = escape(context.bot.username or "bot")
        await _send(message, messages.START_GROUP.format(**words, username=username), quote=True)
        return
    await _send(message, messages.START_WELCOME.format(**words), start_keyboard(loaded.kb))


def start_keyboard(kb: KnowledgeBase) -> InlineKeyboardMarkup:
    """/start's buttons: one per example question (a short label; a press asks it), then 按话题浏览."""
    rows = [[InlineKeyboardButton(short_label(q, kb), callback_data=render.callback("e", str(i)))]
            for i, q in enumerate(example_questions(kb))]
    rows.append([InlineKeyboardButton(messages.BUTTON_TOPICS, callback_data=render.callback("T"))])
    return InlineKeyboardMarkup(rows)


LABEL_MOST = 14  # characters of a button label a phone shows whole


def short_label(question: str, kb: KnowledgeBase) -> str:
    """A question as a button label: without the closing ？ and the county's name in front, at most 14 characters."""
    label = question.strip().rstrip("？?。.!！ ")
    county = kb.place.county
    for name in (county, county[:-1] if len(county) > 2 else ""):
        if name and label.startswith(name) and len(label) > len(name) + 2:
            label = label[len(name):]
            break
    return label if len(label) <= LABEL_MOST else label[: LABEL_MOST - 1] + "…"


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not have (/menu): one line on what works; in a group only /menu@this_bot."""
    message = update.effective_message
    if message is None:
        return
    group = message.chat.type != ChatType.PRIVATE
    if group:
        _, _, addressee = (message.text or "").split(maxsplit=1)[0].partition("@")
        if addressee.lower() != (context.bot.username or "").lower():
            return  # another bot's command, or one for every bot in the group
    await _send(message, escape(messages.UNKNOWN_COMMAND), quote=group)


async def cmd_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: how to use the bot (admins also see their commands)."""
    message = update.effective_message
    if message is None:
        return
    text = messages.HELP.format(username=escape(context.bot.username or "bot"))
    if message.chat.type != ChatType.PRIVATE:
        text += messages.HELP_GROUP_ADMIN
    if is_bot_admin(context, update.effective_user.id if update.effective_user else None):
        text += messages.HELP_ADMIN
    await _send(message, text)


async def cmd_ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask <question>, in any chat."""
    message = update.effective_message
    if message is None:
        return
    question = " ".join(context.args or []).strip()
    if not question:
        await _send(message, escape(messages.ASK_USAGE.format(**place_words(services(context).knowledge.current.kb))))
        return
    await answer_question(update, context, question, group=message.chat.type != ChatType.PRIVATE)


async def cmd_topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/topics: browse topic → questions → answer."""
    message = update.effective_message
    if message is not None:
        kb = services(context).knowledge.current.kb
        await _send(message, escape(messages.TOPICS_INTRO), render.topics_keyboard(kb))


async def cmd_source(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/source: what the release is."""
    message = update.effective_message
    if message is None:
        return
    kb = services(context).knowledge.current.kb
    parts = []
    for source in kb.sources.values():
        parts.append(
            messages.SOURCE.format(
                title=escape(source.title),
                author=escape(source.author or "—"),
                event=escape(source.event),
                organisers=escape(source.organisers or "—"),
                note=escape(source.note),
            )
        )
    await _send(message, "\n\n".join(parts))


async def cmd_auto(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/auto on|off: a group's admins switch automatic answers."""
    if update.effective_user is None:
        return
    message = await require_group_admin(update, context)
    if message is None:
        return
    svc = services(context)
    choice = (context.args or [""])[0].lower()
    if choice not in ("on", "off"):
        state = "开" if svc.storage.auto_mode(message.chat.id, svc.config.groups.auto_mode_default) else "关"
        await _send(message, escape(messages.AUTO_USAGE.format(state=state)))
        return
    svc.storage.set_auto_mode(message.chat.id, choice == "on")
    await _send(message, escape(messages.AUTO_ON if choice == "on" else messages.AUTO_OFF))


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
        await _send(message, escape(text), InlineKeyboardMarkup([[button]]))
        return
    if result.ok:
        notes = await svc.announcer.reschedule(context.application)  # missed ones go to all admins
        scheduled = len(svc.knowledge.current.kb.announcements)
        text = messages.RELOAD_OK.format(entries=result.entries) + messages.RELOAD_SCHEDULED.format(count=scheduled)
        if result.announcement_problems:  # the answers are reloaded; the last good schedule stays
            listed = capped_lines([str(p) for p in result.announcement_problems], limit=RELOAD_LIST_LIMIT)
            text += messages.RELOAD_ANNOUNCEMENTS_BAD.format(
                file=result.announcement_problems[0].file, count=len(result.announcement_problems), kept=scheduled,
                problems="{problems}")
            html = escape(text).replace("{problems}", f"<pre>{escape(listed)}</pre>")
        else:
            html = escape(text)
        await _send(message, html + "".join(f"\n\n{note}" for note in notes))
        return
    for problem in result.problems:  # the whole list in the log; the admin gets what fits in one message
        logger.warning("reload: %s", problem)
    listed = capped_lines([str(p) for p in result.problems], limit=RELOAD_LIST_LIMIT)
    text = messages.RELOAD_FAILED.format(count=len(result.problems), entries=result.entries, problems="{problems}")
    await _send(message, escape(text).replace("{problems}", f"<pre>{escape(listed)}</pre>"))


async def cmd_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats (admins): questions today and over 7 days, share answered, top entries, top unanswered."""
    message = await require_bot_admin(update, context)
    if message is None:
        return
    svc = services(context)
    text = await asyncio.to_thread(stats_text, svc.storage, kb=svc.knowledge.current.kb)
    await _send(message, text)  # split to fit, if need be
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
        await _send(message, text + (escape(messages.UNANSWERED_TEACH) if markup else ""), markup)


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Inline keyboard presses: a: answer, t/T: topics, f: feedback, s: source paragraph, r: how to ask again."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    parts = query.data.split("|")
    kb = services(context).knowledge.current.kb
    kind = parts[0]
    if kind not in ("a", "s", "f", "T", "t", "e", "r") or (kind in ("a", "s", "f", "t", "e") and len(parts) < 2):
        await query.answer()  # a stale or forged button: nothing to do
        return
    message = query.message if isinstance(query.message, Message) else None
    if kind == "e":
        await query.answer()
        if message is not None:
            await _answer_example(update, context, message, _small_number(parts[1], -1))
        return
    if kind == "r":  # 换个说法再问, under a 👎
        await query.answer()
        await _edit(query, escape(messages.REPHRASE_HINT.format(**place_words(kb))), None)
        return
    if kind in ("a", "s", "f"):
        entry = kb.by_id.get(parts[-1])
        if entry is None:
            await query.answer(messages.ENTRY_GONE, show_alert=True)
            return
        if kind == "a":
            teach.note_pick(context, query.from_user.id, entry.id)  # a label for the person's last question
            await query.answer()
            if message is not None:
                await _send(message, render.answer_html(kb, entry, asked=True), render.answer_keyboard(kb, entry))
            return
        if kind == "s":
            await query.answer()
            if message is not None:  # a reply to the answer; in a group the quote with a little context only
                group = message.chat.type != ChatType.PRIVATE
                await _send(message, render.source_html(kb, entry, short=group), quote=True)
            return
        await _on_vote(query, context, message, entry.id, parts[1])
        return
    if kind == "T":
        await query.answer()
        await _edit(query, escape(messages.TOPICS_INTRO), render.topics_keyboard(kb))
        return
    if kind == "t":
        await query.answer()
        index = _small_number(parts[1], -1)
        page = _small_number(parts[2], 0) if len(parts) > 2 else 0
        if not 0 <= index < len(kb.topics):
            await _edit(query, escape(messages.TOPICS_INTRO), render.topics_keyboard(kb))
            return
        text = messages.TOPIC_QUESTIONS.format(topic=escape(kb.topics[index]))
        await _edit(query, text, render.topic_questions_keyboard(kb, index, page=page))
        return
    await query.answer()


async def _answer_example(update: Update, context: ContextTypes.DEFAULT_TYPE, message: Message, index: int) -> None:
    """An example button of /start (e|<n>): the example question in full, then its answer, as if it was asked."""
    loaded = services(context).knowledge.current
    examples = example_questions(loaded.kb)
    if not 0 <= index < len(examples):
        return  # a button of a base that has changed since
    question = examples[index]
    await show_typing(context.bot, message.chat_id)
    result = await asyncio.to_thread(loaded.matcher.match, question)
    await _log_question(context, update, question, result)
    parts, markup = render.reply_parts(loaded.kb, result)
    parts[0] = f"<b>{escape(question)}</b>\n{parts[0]}"
    await _send(message, parts, markup)


async def _on_vote(query: Any, context: ContextTypes.DEFAULT_TYPE, message: Message | None, entry_id: str,
                   sign: str) -> None:
    """👍 or 👎 (f|+|id, f|-|id): one vote per person on each answer and part, kept in the database.

    In a private chat the buttons then say it was received, and a 👎 offers to ask again in other words or
    browse the topics. In a group every member may vote once: the buttons count the votes, and a 👎 is
    answered with a pop-up (an offer posted there would be everyone's). Pressed again (f|=|id, or a vote
    already taken, before or after a restart): nothing new.
    """
    svc = services(context)
    if sign not in ("+", "-"):
        await query.answer(messages.FEEDBACK_ALREADY)
        return
    value = 1 if sign == "+" else -1
    shown = query.message  # a message too old to read (InaccessibleMessage) still has its chat and id
    answer = (shown.chat.id, shown.message_id) if shown is not None else None
    group = shown is not None and shown.chat.type != ChatType.PRIVATE
    question = ""
    if message is not None and message.reply_to_message is not None:
        question = mask_private_data(message.reply_to_message.text or "")
    entry = svc.knowledge.current.kb.by_id[entry_id]
    stored, tally = await svc.writer.result(
        "feedback", svc.storage.record_vote, user_id=query.from_user.id, answer=answer, entry_id=entry_id,
        question=question or entry.canonical_question, value=value,
    )
    if stored and tally is None:  # this person's vote on this answer and part is in already
        await query.answer(messages.FEEDBACK_ALREADY)
        return
    if group and value < 0:
        await query.answer(messages.FEEDBACK_DOWN_GROUP.format(username=context.bot.username or "bot"),
                           show_alert=True)
    else:
        await query.answer(messages.FEEDBACK_THANKS if value > 0 else messages.FEEDBACK_DOWN)
    if message is None:
        return
    if group:  # the count of everyone's votes (unknown if the database could not be written: left as it is)
        markup = render.counted_keyboard(message.reply_markup, entry_id, tally.up, tally.down) if tally else None
    else:
        markup = render.voted_keyboard(message.reply_markup, entry_id, value)
    if markup is not None:
        try:
            await query.edit_message_reply_markup(markup)
        except TelegramError as exc:  # a message too old to edit: the vote is taken all the same
            logger.info("could not mark the vote on a message in %s: %s", log_chat(message.chat.id), exc)
    if value < 0 and not group:
        await _send(message, escape(messages.FEEDBACK_DOWN_OFFER), render.rephrase_keyboard(), quote=True)


def _small_number(text: str, default: int) -> int:
    """A button's number (``t|3``); anything else, ``²`` and ``٣`` included (``isdigit`` takes them), is ``default``."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else default


async def _edit(query: Any, text: str, markup: Any) -> None:
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@bot question in any chat: offer matching answers, with citations, to send."""
    query = update.inline_query
    if query is None:
        return
    text = query.query.strip()
    button = InlineQueryResultsButton(text=messages.INLINE_ASK_PRIVATE, start_parameter="inline")
    if not text:
        await query.answer([], cache_time=30, button=button)
        return
    loaded = services(context).knowledge.current
    result = await asyncio.to_thread(loaded.matcher.match, text)
    articles = []
    if result.compound or (result.status is Status.PARTIAL and result.entry is not None):
        # the whole reply as one article: every part with its citation, or what the release does not say
        html, _ = render.reply_for(loaded.kb, result)
        articles.append(
            InlineQueryResultArticle(
                id=f"reply-{result.status}",
                title=text[:60],
                description=render_plain_answer(result, loaded.kb)[:100],
                input_message_content=InputTextMessageContent(  # one message: what fits of it
                    chunks(f"<b>{escape(mask_private_data(text))}</b>\n{html}")[0], parse_mode=ParseMode.HTML
                ),
            )
        )
    if result.compound:
        entries = [p.entry for p in result.parts if p.status is Status.ANSWERED and p.entry is not None]
    elif result.status is Status.ANSWERED and result.entry is not None:
        entries = [result.entry]
    elif result.status is Status.AMBIGUOUS:
        entries = [c.entry for c in result.candidates]
    else:
        entries = []
    articles += [
        InlineQueryResultArticle(
            id=entry.id,
            title=entry.canonical_question,
            description=entry.answer[:100],
            input_message_content=InputTextMessageContent(
                chunks(f"<b>{escape(entry.canonical_question)}</b>\n{render.answer_html(loaded.kb, entry)}")[0],
                parse_mode=ParseMode.HTML,
            ),
        )
        for entry in entries
    ]
    if not articles:  # one result that says what to do, not an empty list that looks broken
        said = escape(mask_private_data(text)[:30])
        articles.append(InlineQueryResultArticle(
            id="no-match",
            title=messages.INLINE_NO_MATCH_TITLE,
            description=messages.INLINE_NO_MATCH_DESCRIPTION,
            input_message_content=InputTextMessageContent(
                messages.INLINE_NO_MATCH_TEXT.format(question=said, username=escape(context.bot.username or "bot")),
                parse_mode=ParseMode.HTML,
            ),
        ))
    await query.answer(articles, cache_time=60, button=button)


async def limit_per_person(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every update, before any other handler: a person's commands, button presses and inline queries over
    their limits stop here (questions have their own limit, in :func:`answer_question`). In a group a
    person's commands and presses together have a smaller limit: the group's messages a minute are shared.

    Over the limit, a button press is still answered (its spinner stops) and the person is told once per
    minute; an inline query gets no results; a command gets one polite line per minute, then silence.
    """
    user = update.effective_user
    if user is None or is_bot_admin(context, user.id):
        return
    svc = services(context)
    chat = update.effective_chat
    in_group = chat is not None and chat.type != ChatType.PRIVATE
    if update.callback_query is not None:
        verdict = svc.group_limiter.check(user.id) if in_group else "ok"
        if verdict == "ok":
            verdict = svc.button_limiter.check(user.id)
        if verdict != "ok":
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer(messages.ACTIONS_TOO_FAST if verdict == "warn" else None)
            raise ApplicationHandlerStop
        return
    if update.inline_query is not None:
        if svc.inline_limiter.check(user.id) != "ok":
            raise ApplicationHandlerStop
        return
    message = update.message
    if message is None or not _is_my_command(message, context.bot.username):
        return
    asked = message.date.timestamp() if message.date else None
    verdict = svc.group_limiter.check(user.id, now=asked) if in_group else "ok"
    if verdict == "ok":
        verdict = svc.command_limiter.check(user.id, now=asked)
    if verdict == "ok":
        return
    if verdict == "warn":
        await _send(message, escape(messages.ACTIONS_TOO_FAST), quote=in_group)
    raise ApplicationHandlerStop


def _is_my_command(message: Message, bot_username: str) -> bool:
    """Whether the message starts with a command for this bot (``/topics`` or ``/topics@this_bot``)."""
    entities = message.entities or ()
    if not entities or entities[0].type != MessageEntity.BOT_COMMAND or entities[0].offset != 0:
        return False
    _, _, addressee = message.parse_entity(entities[0]).partition("@")
    return not addressee or addressee.lower() == (bot_username or "").lower()


def describe_update(update: object) -> str:
    """What a log line may say about an update: its id, kind and chat type; no names, ids of people or texts.

    With debug logging on, the whole update follows (ID-card and mobile numbers masked).
    """
    if not isinstance(update, Update):
        return "a job" if update is None else type(update).__name__
    data = update.to_dict()
    kind = next((key for key in data if key != "update_id"), "unknown")
    chat = update.effective_chat
    where = f"update {update.update_id} ({kind}, {chat.type if chat else 'no chat'})"
    if logger.isEnabledFor(logging.DEBUG):
        where += ": " + mask_private_data(json.dumps(data, ensure_ascii=False))
    return where


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log an error with the update it came from (ids only); tell a private chat something went wrong.

    The same error again is one line with its count at the 2nd, 4th, 8th … time, not a traceback each
    time. Polling errors (no update, no job) are logged by IntakeBot the same way, not here.
    """
    error = context.error
    if update is None and context.job is None and isinstance(error, TelegramError):
        return
    if isinstance(update, Update):
        where = describe_update(update)  # ids and kinds only; the whole update only with debug logging
    else:
        where = f"job {context.job.name}" if context.job and context.job.name else type(update).__name__
    signature = f"{type(error).__name__}: {str(error)[:120]}"
    seen = services(context).errors
    seen[signature] = count = seen.get(signature, 0) + 1
    if len(seen) > 200:  # keep the counter small
        seen.clear()
    handling = current_handling()
    if handling is not None and isinstance(update, Update) and handling.update_id == update.update_id:
        handling.error = signature  # the update is set aside, not answered again
    if count == 1:
        logger.error("error while handling %s", where, exc_info=error)
    elif count & (count - 1) == 0:
        logger.error("error while handling %s: %s (%d times so far)", where, signature, count)
    if isinstance(update, Update) and update.effective_chat and update.effective_chat.type == ChatType.PRIVATE:
        with contextlib.suppress(Exception):  # the error may be the Bot API itself: nothing more to do
            await context.bot.send_message(update.effective_chat.id, escape(messages.ERROR_REPLY))


# --------------------------------------------------------------------------------------------------
# application


PRIVATE_COMMANDS = [
    BotCommand("start", "开始"),
    BotCommand("topics", "按话题浏览"),
    BotCommand("source", "资料来源"),
    BotCommand("help", "用法"),
]
GROUP_COMMANDS = [BotCommand("ask", "提问"), BotCommand("topics", "按话题浏览"), BotCommand("help", "用法")]
ADMIN_COMMANDS = [*PRIVATE_COMMANDS, BotCommand("reload", "重新加载知识库"), BotCommand("stats", "使用统计"),
                  BotCommand("unanswered", "没答上来的问题"), BotCommand("announce", "发公告"),
                  BotCommand("groups", "订阅公告的群"), BotCommand("schedule", "计划公告和发送记录"),
                  BotCommand("suggestions", "教机器人：居民问题的建议"), BotCommand("history", "知识库修改记录"),
                  BotCommand("undo", "撤销最近一次修改")]


SHORT_DESCRIPTION_MOST = 120  # Telegram's limits on the profile texts, in characters
DESCRIPTION_MOST = 512


def profile_texts(kb: KnowledgeBase) -> tuple[str, str]:
    """The bot's description (an empty chat shows it) and short description (its profile), from the place."""
    words = place_words(kb)

    def fit(text: str, most: int) -> str:
        return text if len(text) <= most else text[: most - 1] + "…"

    return (fit(messages.BOT_DESCRIPTION.format(**words), DESCRIPTION_MOST),
            fit(messages.BOT_SHORT_DESCRIPTION.format(**words), SHORT_DESCRIPTION_MOST))


async def post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Register the command menus for private chats, groups and each admin, set the bot's description
    from the place; start the announcements."""
    bot = application.bot
    try:
        await bot.set_my_commands(PRIVATE_COMMANDS, scope=BotCommandScopeAllPrivateChats())
        await bot.set_my_commands(GROUP_COMMANDS, scope=BotCommandScopeAllGroupChats())
    except TelegramError as exc:
        logger.warning("could not set the command menus: %s", exc)
    svc: Services = application.bot_data["services"]
    description, short_description = profile_texts(svc.knowledge.current.kb)
    try:
        await bot.set_my_description(description)
        await bot.set_my_short_description(short_description)
    except TelegramError as exc:
        logger.warning("could not set the bot's description: %s", exc)
    for admin in svc.config.admins:
        try:
            await bot.set_my_commands(ADMIN_COMMANDS, scope=BotCommandScopeChat(admin))
        except TelegramError as exc:  # the admin has not started the bot yet
            logger.info("admin %s command menu not set: %s", admin, exc)
    svc.writer.notify = lambda reason: _tell_admins_storage(application, reason)  # once, whatever failed first
    svc.intake.on_degraded = lambda reason: svc.writer.trouble("inbox", reason)
    await forget_old_texts(application)  # residents' words past the retention period go before anything else
    await svc.intake.replay(application, start=True)  # unfinished updates of the last run come first
    await svc.announcer.start(application)
    if application.job_queue is not None and svc.intake.inbox is not None:
        application.job_queue.run_repeating(svc.intake.retry_job, interval=RETRY_EVERY, first=RETRY_EVERY,
                                            name="inbox-retry")
    if application.job_queue is not None:
        application.job_queue.run_repeating(_retention_job, interval=RETENTION_EVERY, first=RETENTION_EVERY,
                                            name="retention")


async def forget_old_texts(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Residents' words older than ``privacy.question_retention_days`` reduced to counts (at start, then daily)."""
    svc: Services = application.bot_data["services"]
    days = svc.config.privacy.question_retention_days
    try:
        changed = await asyncio.to_thread(svc.storage.forget_old_texts, days=days)
    except sqlite3.Error as exc:  # tried again tomorrow; the answers go on
        logger.warning("could not delete question texts older than %g days: %s", days, exc)
        return
    if any(changed.values()):
        logger.info("retention (%g days): texts removed from %d questions, %d votes, %d proposals", days,
                    changed["questions"], changed["feedback"], changed["proposals"])


async def _retention_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job 'retention', once a day: see :func:`forget_old_texts`."""
    await forget_old_texts(context.application)


async def _tell_admins_storage(application: Application[Any, Any, Any, Any, Any, Any], reason: str) -> None:
    """Once: the database cannot be written; the bot goes on answering."""
    svc: Services = application.bot_data["services"]
    text = escape(messages.STORAGE_TROUBLE.format(path=svc.storage.path, reason=reason[:300]))
    for admin in svc.config.admins:
        try:
            await application.bot.send_message(admin, text)
        except TelegramError as exc:
            logger.info("could not tell admin %s about the database: %s", admin, exc)


def _tell_dropped(application: Application[Any, Any, Any, Any, Any, Any], update: Update) -> None:
    """Once per flood: tell the chat that some of its commands and button presses were skipped."""
    chat = update.effective_chat
    if chat is None or not application.running:  # stopping: no new tasks
        return

    async def tell() -> None:
        try:
            await application.bot.send_message(chat.id, escape(messages.FLOOD_DROPPED))
        except TelegramError as exc:
            logger.info("could not tell %s about skipped updates: %s", log_chat(chat.id), exc)

    application.create_task(tell(), name="flood-notice")


async def post_shutdown(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Finish the log writes and close the inbox's database connection."""
    svc: Services = application.bot_data["services"]
    await asyncio.to_thread(svc.writer.close)
    await svc.intake.close()  # first writes the updates dropped under a flood, or handled in an outage


def build_application(
    config: Config,
    knowledge: KnowledgeService,
    storage: Storage,
    *,
    request: BaseRequest | None = None,
    rate_limit: bool = True,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """Build the one Application and register every handler.

    Updates go through the durable inbox (``bot/tg/intake.py``) and are handled concurrently across
    chats, in order within one; every request passes the shared pacer (``bot/tg/sending.py``), which
    ``rate_limit=False`` turns into a pass-through that still retries answers.
    """
    intake = Intake(Inbox(storage.path) if storage.path != ":memory:" else None)
    processor = ChatOrderedProcessor(intake, workers=config.telegram.concurrent_chats, keep=config.admins)
    limits = config.rate_limits
    limiter = FairLimiter(
        overall_per_second=limits.overall_per_second if rate_limit else 0,
        group_per_minute=limits.group_messages_per_minute if rate_limit else 0,
    )
    bot = IntakeBot(
        intake,
        token=config.telegram.token,
        base_url=config.telegram.api_base_url,
        request=request or HTTPXRequest(connection_pool_size=64),
        get_updates_request=request or HTTPXRequest(),
        defaults=Defaults(parse_mode=ParseMode.HTML, tzinfo=storage.tz),
        rate_limiter=limiter,
    )
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .bot(bot)
        .update_queue(IntakeQueue(intake))
        .concurrent_updates(processor)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    application = builder.build()
    processor.on_dropped = lambda update: _tell_dropped(application, update)
    announcer = Announcer(config, knowledge, storage)
    application.bot_data["services"] = Services(
        config=config,
        knowledge=knowledge,
        storage=storage,
        limiter=UserRateLimiter(config.rate_limits.per_user_per_minute),
        command_limiter=UserRateLimiter(config.rate_limits.commands_per_minute),
        button_limiter=UserRateLimiter(config.rate_limits.buttons_per_minute),
        group_limiter=UserRateLimiter(config.rate_limits.group_commands_per_minute),
        inline_limiter=UserRateLimiter(config.rate_limits.inline_per_minute),
        announcer=announcer,
        editor=KnowledgeEditor(knowledge, storage),
        intake=intake,
    )

    # Before anything else: a person's commands, button presses and inline queries over their limits stop here.
    application.add_handler(TypeHandler(Update, limit_per_person), group=-2)
    # Commands first: they win over the text handlers below.
    application.add_handler(CommandHandler("start", cmd_start))
    application.add_handler(CommandHandler("help", cmd_help))
    application.add_handler(CommandHandler("ask", cmd_ask))
    application.add_handler(CommandHandler("topics", cmd_topics))
    application.add_handler(CommandHandler("source", cmd_source))
    application.add_handler(CommandHandler("auto", cmd_auto))
    # Admin commands check the user id themselves, so that others get a clear refusal.
    application.add_handler(CommandHandler("reload", cmd_reload))
    application.add_handler(CommandHandler("stats", cmd_stats))
    application.add_handler(CommandHandler("unanswered", cmd_unanswered))
    # Teaching the bot: proposals from residents' questions, edits of the knowledge base, history, undo.
    application.add_handler(CommandHandler("suggestions", teach.cmd_suggestions))
    application.add_handler(CommandHandler("history", teach.cmd_history))
    application.add_handler(CommandHandler("undo", teach.cmd_undo))
    # Announcements: group admins subscribe their group; bot admins announce and list the groups.
    application.add_handler(CommandHandler("subscribe", announce.cmd_subscribe))
    application.add_handler(CommandHandler("unsubscribe", announce.cmd_unsubscribe))
    application.add_handler(CommandHandler("groups", announce.cmd_groups))
    application.add_handler(CommandHandler("announce", announce.cmd_announce))
    application.add_handler(CommandHandler("schedule", announce.cmd_schedule))
    # The bot added to / removed from a group, and a group upgraded to a supergroup.
    application.add_handler(ChatMemberHandler(announce.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, announce.on_migrate))
    # Buttons (announcement buttons first: the answer buttons take everything else) and inline mode.
    application.add_handler(CallbackQueryHandler(announce.on_announce_button, pattern=r"^A\|"))
    application.add_handler(CallbackQueryHandler(teach.on_teach_button, pattern=r"^L\|"))
    application.add_handler(CallbackQueryHandler(on_reload_button, pattern=r"^K\|"))
    application.add_handler(CallbackQueryHandler(on_callback))
    application.add_handler(InlineQueryHandler(on_inline_query))
    # Plain text: every private message is a question; in groups only when addressed (or auto mode).
    # Captions count as text; in private, anything else without words gets a polite "words only".
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, on_private_text))
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.CAPTION, on_private_text))
    application.add_handler(MessageHandler(
        filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.CAPTION & ~filters.StatusUpdate.ALL & ~filters.VIA_BOT,
        on_private_other,
    ))
    application.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND, on_group_text))
    # An admin's reply to a 🔍 search prompt is a search, not a question (an earlier group; it stops only those).
    application.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & filters.REPLY & ~filters.COMMAND,
                       teach.on_search_reply),
        group=-1,
    )
    application.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.CAPTION, on_group_text))
    # Last of its group: a command none of the above has (/menu) gets a one-line hint.
    application.add_handler(MessageHandler(filters.COMMAND, on_unknown_command))
    application.add_error_handler(on_error)
    return application


def webhook_secret(config: Config) -> str:
    """The configured webhook secret, else the one generated on first start and kept beside the database (0600)."""
    if config.telegram.webhook_secret:
        return config.telegram.webhook_secret
    database = Path(config.database)
    return read_or_create_secret(database.with_name(database.name + WEBHOOK_SECRET_SUFFIX))


class StartupError(Exception):
    """The bot could not start; the message says why in one line, with no secret in it."""


class _ReportedElsewhere(logging.Filter):
    """Drops PTB's traceback for a rejected token: :func:`run` reports it in one line instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], InvalidToken))


def run(config: Config, knowledge: KnowledgeService, *, storage: Storage | None = None) -> int:
    """Run the bot until interrupted: long polling, or a webhook server when configured; the exit code.

    The CLI sets up logging with :func:`bot.privacy.redact.install_log_redaction` before anything else; it is
    called here again (it is idempotent) so that no other caller can forget it. Telegram unreachable at
    start is retried with backoff (one log line per attempt); raises StartupError when Telegram rejects
    the token.
    """
    redact.install_log_redaction(config.telegram.token, config.telegram.webhook_secret,
                                 config.privacy.pseudonym_key)
    logging.getLogger("httpx").setLevel(logging.DEBUG if logger.isEnabledFor(logging.DEBUG) else logging.WARNING)
    logging.getLogger("telegram.ext").addFilter(_ReportedElsewhere())
    for handler in logging.getLogger().handlers:
        handler.addFilter(_ReportedElsewhere())
    if storage is None:
        storage = Storage(config.database, timezone=config.timezone, pseudonym_key=config.privacy.pseudonym_key)
    application = build_application(config, knowledge, storage)
    logger.info("knowledge: %d entries from %s", len(knowledge.current.kb.entries), knowledge.directory)
    try:
        if config.telegram.mode == "webhook":
            secret = webhook_secret(config)
            redact.add_secret(secret)
            application.run_webhook(
                listen=config.telegram.webhook_listen,
                port=config.telegram.webhook_port,
                url_path=config.telegram.webhook_path,
                webhook_url=config.telegram.webhook_url,
                secret_token=secret,
                allowed_updates=ALLOWED_UPDATES,
                bootstrap_retries=-1,
            )
        else:
            application.run_polling(
                poll_interval=config.telegram.poll_interval, allowed_updates=ALLOWED_UPDATES, close_loop=True,
                bootstrap_retries=-1,
            )
    except InvalidToken:
        raise StartupError(messages.TOKEN_REJECTED) from None
    finally:
        storage.close()
    return 0
