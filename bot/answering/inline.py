"""Inline mode: ``@bot question`` in any chat offers matching answers, with their citations, to send there."""

from __future__ import annotations

import asyncio
from html import escape

from telegram import InlineQueryResultArticle, InlineQueryResultsButton, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from .. import messages
from ..engine.matching import Status
from ..engine.render import answer_text as render_plain_answer
from ..privacy.mask import mask_private_data
from ..tg.common import chunks
from ..tg.services import services
from . import html as render

__all__ = ["on_inline_query"]


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
                    chunks(render.headed(mask_private_data(text), html))[0], parse_mode=ParseMode.HTML
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
                chunks(render.headed(entry.canonical_question, render.answer_html(loaded.kb, entry)))[0],
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
