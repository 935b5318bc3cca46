"""The buttons under answers, /start and /topics: each a handler of its own callback data prefix.

``a|<entry id>`` a related question's answer, ``s|<entry id>`` the source paragraph, ``f|+|<entry id>`` and
``f|-|<entry id>`` a vote (``f|=|…`` a vote already shown), ``T`` the topics, ``t|<topic>[|<page>]`` one
topic's questions, ``e|<n>`` one of /start's examples, ``r`` how to ask again. Messages already sent
carry these, so they do not change.
"""

from __future__ import annotations

import asyncio
import logging
from html import escape
from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from .. import messages
from ..engine.render import example_questions, place_words
from ..knowledge.model import Entry, KnowledgeBase
from ..knowledge.passages import find_entry
from ..privacy.mask import mask_private_data
from ..teaching import telegram as teach
from ..tg.common import edit_message, log_chat, send, show_typing
from ..tg.features import Button
from ..tg.services import services
from . import html as render
from .questions import log_question

__all__ = ["BUTTONS"]

logger = logging.getLogger(__name__)


def _pressed(update: Update) -> tuple[CallbackQuery, list[str], Message | None] | None:
    """The press, its data split at ``|``, and the message it was on (None when too old to read)."""
    query = update.callback_query
    if query is None or query.data is None:
        return None
    message = query.message if isinstance(query.message, Message) else None
    return query, query.data.split("|"), message


async def _pressed_entry(update: Update, context: ContextTypes.DEFAULT_TYPE
                         ) -> tuple[CallbackQuery, list[str], Message | None, KnowledgeBase, Entry] | None:
    """A press on an entry's button (:func:`_pressed`) with the knowledge base and the entry its data's last part
    names; a button of an entry gone since says so (None)."""
    pressed = _pressed(update)
    if pressed is None:
        return None
    query, parts, message = pressed
    kb = services(context).knowledge.current.kb
    entry = find_entry(kb, parts[-1])  # an entry, or a sentence of a source that answered in its own words
    if entry is None:
        await query.answer(messages.ENTRY_GONE, show_alert=True)
        return None
    return query, parts, message, kb, entry


async def on_answer_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """a|<entry id>, a related question: its answer, with the whole question above it."""
    found = await _pressed_entry(update, context)
    if found is None:
        return
    query, _, message, kb, entry = found
    teach.note_pick(context, query.from_user.id, entry.id)  # a label for the person's last question
    await query.answer()
    if message is not None:
        await send(message, render.answer_html(kb, entry, asked=True), render.answer_keyboard(kb, entry))


async def on_source_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """s|<entry id>, 原文: the source paragraph, as a reply to the answer."""
    found = await _pressed_entry(update, context)
    if found is None:
        return
    query, _, message, kb, entry = found
    await query.answer()
    if message is not None:  # a reply to the answer; in a group the quote with a little context only
        group = message.chat.type != ChatType.PRIVATE
        await send(message, render.source_html(kb, entry, short=group), quote=True)


async def on_vote_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """f|+|<entry id> and f|-|<entry id>, 👍 and 👎: see :func:`_on_vote`."""
    found = await _pressed_entry(update, context)
    if found is not None:
        query, parts, message, _, entry = found
        await _on_vote(query, context, message, entry, parts[1])


async def on_topics_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """T, 按话题浏览: the message becomes the list of topics."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    kb = services(context).knowledge.current.kb
    await edit_message(query, escape(messages.TOPICS_INTRO), render.topics_keyboard(kb))


async def on_topic_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """t|<topic>[|<page>]: the message becomes that topic's questions (a topic gone since: the topics)."""
    pressed = _pressed(update)
    if pressed is None:
        return
    query, parts, _ = pressed
    await query.answer()
    kb = services(context).knowledge.current.kb
    index = _small_number(parts[1], -1)
    page = _small_number(parts[2], 0) if len(parts) > 2 else 0
    if not 0 <= index < len(kb.topics):
        await edit_message(query, escape(messages.TOPICS_INTRO), render.topics_keyboard(kb))
        return
    text = messages.TOPIC_QUESTIONS.format(topic=escape(kb.topics[index]))
    await edit_message(query, text, render.topic_questions_keyboard(kb, index, page=page))


async def on_example_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """e|<n>, an example button of /start: the example question in full, then its answer, as if it was asked."""
    pressed = _pressed(update)
    if pressed is None:
        return
    query, parts, message = pressed
    await query.answer()
    if message is not None:
        await _answer_example(update, context, message, _small_number(parts[1], -1))


async def on_rephrase_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """r, 换个说法再问 under a 👎: the message becomes a hint on asking again."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    kb = services(context).knowledge.current.kb
    await edit_message(query, escape(messages.REPHRASE_HINT.format(**place_words(kb))), None)


async def _answer_example(update: Update, context: ContextTypes.DEFAULT_TYPE, message: Message, index: int) -> None:
    """/start's example ``index``: the question in bold, then the reply it gets (nothing for a base changed since)."""
    loaded = services(context).knowledge.current
    examples = example_questions(loaded.kb)
    if not 0 <= index < len(examples):
        return  # a button of a base that has changed since
    question = examples[index]
    await show_typing(context.bot, message.chat_id)
    result = await asyncio.to_thread(loaded.matcher.match, question)
    await log_question(context, update, question, result)
    parts, markup = render.reply_parts(loaded.kb, result)
    parts[0] = render.headed(question, parts[0])
    await send(message, parts, markup)


async def _on_vote(query: Any, context: ContextTypes.DEFAULT_TYPE, message: Message | None, entry: Entry,
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
    entry_id = entry.id
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
        await send(message, escape(messages.FEEDBACK_DOWN_OFFER), render.rephrase_keyboard(), quote=True)


def _small_number(text: str, default: int) -> int:
    """A button's number (``t|3``); anything else, ``²`` and ``٣`` included (``isdigit`` takes them), is ``default``."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else default


# The answering room's buttons, by the prefix of their callback data.
BUTTONS = (
    Button("a", on_answer_button),
    Button("s", on_source_button),
    Button("f", on_vote_button),
    Button("T", on_topics_button, bare=True),
    Button("t", on_topic_button),
    Button("e", on_example_button),
    Button("r", on_rephrase_button, bare=True),
)
