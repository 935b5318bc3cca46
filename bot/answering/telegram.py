"""Answering residents in Telegram, as one feature: its commands (/start, /ask, /topics, /source, /auto),
its buttons, inline mode and the questions in private chats and groups (:data:`FEATURE`)."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes, InlineQueryHandler, MessageHandler, filters

from .. import messages
from ..engine.render import example_questions, place_words
from ..knowledge.model import KnowledgeBase
from ..knowledge.passages import find_entry
from ..tg.common import require_group_admin, send
from ..tg.features import Audience, Command, Feature
from ..tg.services import services
from . import html as render
from .buttons import BUTTONS
from .inline import on_inline_query
from .questions import answer_question, on_group_text, on_private_other, on_private_text

__all__ = ["FEATURE", "cmd_ask", "cmd_auto", "cmd_source", "cmd_start", "cmd_topics", "start_keyboard"]


async def cmd_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start, with an optional deep link payload naming an entry; in a group, how to ask there."""
    message = update.effective_message
    if message is None:
        return
    loaded = services(context).knowledge.current
    if context.args:
        entry = find_entry(loaded.kb, context.args[0])
        if entry is not None:
            await send(message, render.answer_html(loaded.kb, entry), render.answer_keyboard(loaded.kb, entry))
            return
    words = {k: escape(v) for k, v in place_words(loaded.kb).items()}
    if message.chat.type != ChatType.PRIVATE:
        username = escape(context.bot.username or "bot")
        await send(message, messages.START_GROUP.format(**words, username=username), quote=True)
        return
    await send(message, messages.START_WELCOME.format(**words), start_keyboard(loaded.kb))


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


async def cmd_ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask <question>, in any chat."""
    message = update.effective_message
    if message is None:
        return
    question = " ".join(context.args or []).strip()
    if not question:
        await send(message, escape(messages.ASK_USAGE.format(**place_words(services(context).knowledge.current.kb))))
        return
    await answer_question(update, context, question, group=message.chat.type != ChatType.PRIVATE)


async def cmd_topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/topics: browse topic → questions → answer."""
    message = update.effective_message
    if message is not None:
        kb = services(context).knowledge.current.kb
        await send(message, escape(messages.TOPICS_INTRO), render.topics_keyboard(kb))


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
    await send(message, "\n\n".join(parts))


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
        await send(message, escape(messages.AUTO_USAGE.format(state=state)))
        return
    svc.storage.set_auto_mode(message.chat.id, choice == "on")
    await send(message, escape(messages.AUTO_ON if choice == "on" else messages.AUTO_OFF))


FEATURE = Feature(
    "answering",
    commands=(
        Command("start", cmd_start, Audience.PRIVATE, messages.MENU_START),
        Command("ask", cmd_ask, Audience.GROUP, messages.MENU_ASK),
        Command("topics", cmd_topics, Audience.PRIVATE | Audience.GROUP, messages.MENU_TOPICS),
        Command("source", cmd_source, Audience.PRIVATE, messages.MENU_SOURCE),
        Command("auto", cmd_auto, Audience.GROUP_ADMIN, help=messages.HELP_AUTO),
    ),
    buttons=BUTTONS,
    handlers=(
        (InlineQueryHandler(on_inline_query), 0),
        # Plain text: every private message is a question; in groups only when addressed (or auto mode).
        # Captions count as text; in private, anything else without words gets a polite "words only".
        (MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, on_private_text), 0),
        (MessageHandler(filters.ChatType.PRIVATE & filters.CAPTION, on_private_text), 0),
        (MessageHandler(
            filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.CAPTION & ~filters.StatusUpdate.ALL & ~filters.VIA_BOT,
            on_private_other,
        ), 0),
        (MessageHandler(filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND, on_group_text), 0),
        (MessageHandler(filters.ChatType.GROUPS & filters.CAPTION, on_group_text), 0),
    ),
)
