"""Admins teach the bot from Telegram: /suggestions with ✅ 🔁 ✖, /history, /undo, and residents' picks.

Thin handlers: the proposals come from :mod:`bot.teaching.learning`, the edits from :mod:`bot.teaching.kbedit`. Buttons
carry only ``L|<action>|<proposal id>|<revision>[|<choice>]`` (well within 64 bytes); the revision
makes a button shown before the proposal changed do nothing but say it is stale. Only bot admins in
a private chat can press them; anyone else gets a refusal and nothing happens.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime
from html import escape

from telegram import CallbackQuery, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes, MessageHandler, filters

from .. import messages
from ..answering.html import callback
from ..knowledge.model import KnowledgeBase
from ..reports.texts import standard_question
from ..tg.common import edit_message, is_bot_admin, remember_admin_name, require_bot_admin, send, show_typing
from ..tg.features import Audience, Button, Command, Feature
from ..tg.services import services
from . import learning
from .kbedit import describe_actor
from .store import ProposalRecord

__all__ = [
    "FEATURE",
    "card_keyboard",
    "cmd_history",
    "cmd_suggestions",
    "cmd_undo",
    "note_pick",
    "on_search_reply",
    "on_teach_button",
    "unanswered_keyboard",
]

logger = logging.getLogger(__name__)

SHOWN = 10  # proposals sent by one /suggestions
_PROMPT = re.compile(r"^🔍 建议 #(\d+)：")


def _actor(user_id: int) -> str:
    return f"telegram:{user_id}"


def card_keyboard(proposal: ProposalRecord, kb: KnowledgeBase) -> InlineKeyboardMarkup:
    """✅ / 🔁 / ✖ for a proposal with an entry; 🔍 / ✖ for one without."""
    ident, rev = str(proposal.id), str(proposal.rev)
    if proposal.entry_id is not None and proposal.entry_id in kb.by_id:
        return InlineKeyboardMarkup([
            [InlineKeyboardButton(messages.BUTTON_TEACH_ADD, callback_data=callback("L", "ok", ident, rev))],
            [InlineKeyboardButton(messages.BUTTON_TEACH_OTHER, callback_data=callback("L", "alt", ident, rev)),
             InlineKeyboardButton(messages.BUTTON_TEACH_IGNORE, callback_data=callback("L", "ign", ident, rev))],
        ])
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(messages.BUTTON_TEACH_FIND, callback_data=callback("L", "alt", ident, rev)),
        InlineKeyboardButton(messages.BUTTON_TEACH_IGNORE, callback_data=callback("L", "ign", ident, rev)),
    ]])


def choices_keyboard(proposal: ProposalRecord, kb: KnowledgeBase, *, search: bool = True) -> InlineKeyboardMarkup:
    """One button per entry offered (its canonical question), then search and back."""
    ident, rev = str(proposal.id), str(proposal.rev)
    rows = [
        [InlineKeyboardButton(_short(kb.by_id[entry_id].canonical_question),
                              callback_data=callback("L", "to", ident, rev, str(i)))]
        for i, entry_id in enumerate(proposal.choices) if entry_id in kb.by_id
    ]
    if search:
        search_data = callback("L", "find", ident, rev)
        rows.append([InlineKeyboardButton(messages.BUTTON_TEACH_SEARCH, callback_data=search_data)])
    rows.append([InlineKeyboardButton(messages.BUTTON_TEACH_BACK, callback_data=callback("L", "back", ident, rev))])
    return InlineKeyboardMarkup(rows)


def _short(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


async def _send_card(message: Message, proposal: ProposalRecord, kb: KnowledgeBase) -> None:
    await send(message, learning.proposal_html(proposal, kb), card_keyboard(proposal, kb))


async def cmd_suggestions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/suggestions (admins, private): one message per proposal, the most asked first, with ✅ 🔁 ✖."""
    message = await require_bot_admin(update, context)
    if message is None:
        return
    svc = services(context)
    loaded = svc.knowledge.current
    proposals = await asyncio.to_thread(learning.refresh_proposals, svc.storage, loaded)
    if not proposals:
        await send(message, escape(messages.SUGGESTIONS_NONE))
        return
    shown = messages.SUGGESTIONS_SHOWN.format(shown=SHOWN) if len(proposals) > SHOWN else ""
    await send(message, messages.SUGGESTIONS_TITLE.format(count=len(proposals), shown=shown))
    for proposal in proposals[:SHOWN]:
        await _send_card(message, proposal, loaded.kb)


async def unanswered_keyboard(context: ContextTypes.DEFAULT_TYPE) -> InlineKeyboardMarkup | None:
    """For /unanswered: a button per listed question that can be taught, opening its proposal card."""
    svc = services(context)
    loaded = svc.knowledge.current
    proposals = await asyncio.to_thread(learning.refresh_proposals, svc.storage, loaded)
    normalize = loaded.matcher.normalizer.normalize
    by_key: dict[str, ProposalRecord] = {}
    for proposal in proposals:
        for text, _ in proposal.texts:
            by_key.setdefault(normalize(text), proposal)
    rows: list[list[InlineKeyboardButton]] = []
    seen: set[int] = set()
    for _kind, text, _near in svc.storage.unanswered(limit=20):
        found = by_key.get(normalize(text))
        if found is None or found.id in seen:
            continue
        seen.add(found.id)
        label = messages.BUTTON_TEACH_SHOW.format(n=len(rows) + 1, text=_short(text, 24))
        rows.append([InlineKeyboardButton(label, callback_data=callback("L", "show", str(found.id)))])
        if len(rows) >= SHOWN:
            break
    return InlineKeyboardMarkup(rows) if rows else None


async def on_teach_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press on a proposal's button (L|...): only bot admins, only in a private chat, never a stale one."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    message = query.message if isinstance(query.message, Message) else None
    if message is None or message.chat.type != ChatType.PRIVATE:
        await query.answer(messages.ADMIN_PRIVATE_ONLY, show_alert=True)
        return
    if not is_bot_admin(context, query.from_user.id):
        await query.answer(messages.NOT_ADMIN, show_alert=True)
        return
    remember_admin_name(context, query.from_user)
    parts = query.data.split("|")
    numbers = parts[2:]
    if len(parts) < 3 or not all(p.isascii() and p.isdigit() and len(p) <= 9 for p in numbers):  # not "²"
        await query.answer(messages.TEACH_BAD_BUTTON, show_alert=True)
        return
    action = parts[1]
    if action == "undo":  # L|undo|<edit id>: undo that edit, never another one
        await query.answer()
        await _undo(message, context, query.from_user.id, int(numbers[0]))
        return
    svc = services(context)
    kb = svc.knowledge.current.kb
    proposal = svc.storage.proposal(int(numbers[0]))
    if proposal is None:
        await query.answer(messages.TEACH_GONE, show_alert=True)
        return
    if action == "show":  # from /unanswered: the proposal's card, as a new message
        await query.answer()
        if proposal.status != "open":
            await send(message, escape(messages.TEACH_STALE))
            return
        await _send_card(message, proposal, kb)
        return
    if len(numbers) < 2 or proposal.status != "open" or proposal.rev != int(numbers[1]):
        await query.answer(messages.TEACH_STALE, show_alert=True)
        return
    if action == "ok":
        await _accept(query, context, message, proposal)
    elif action == "ign":
        if svc.storage.set_proposal_status(proposal.id, "ignored", expect="open"):
            await query.answer()
            await edit_message(query, escape(messages.TEACH_IGNORED.format(id=proposal.id, question=proposal.question)),
                               resend=True)
        else:
            await query.answer(messages.TEACH_STALE, show_alert=True)
    elif action == "alt":
        await query.answer()
        template = messages.TEACH_CHOOSE if proposal.choices else messages.TEACH_CHOOSE_NONE
        await edit_message(query, template.format(id=proposal.id, question=escape(proposal.question)),
                           choices_keyboard(proposal, kb), resend=True)
    elif action == "to" and len(numbers) == 3:
        index = int(numbers[2])
        if index >= len(proposal.choices) or proposal.choices[index] not in kb.by_id:
            await query.answer(messages.TEACH_STALE, show_alert=True)
            return
        updated = svc.storage.update_proposal(proposal.id, rev=proposal.rev, entry_id=proposal.choices[index],
                                              reason=messages.REASON_CHOSEN)
        if updated is None:
            await query.answer(messages.TEACH_STALE, show_alert=True)
            return
        await query.answer()
        await edit_message(query, learning.proposal_html(updated, kb), card_keyboard(updated, kb), resend=True)
    elif action == "find":
        await query.answer()
        await send(message, escape(messages.TEACH_SEARCH_PROMPT.format(id=proposal.id)),
                   ForceReply(input_field_placeholder="关键词"))
    elif action == "back":
        await query.answer()
        await edit_message(query, learning.proposal_html(proposal, kb), card_keyboard(proposal, kb), resend=True)
    else:
        await query.answer(messages.TEACH_BAD_BUTTON, show_alert=True)


async def _accept(query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, message: Message,
                  proposal: ProposalRecord) -> None:
    """✅: add the proposal's question to its entry (validated, atomic, recorded), then say what happened."""
    svc = services(context)
    if proposal.entry_id is None or proposal.entry_id not in svc.knowledge.current.kb.by_id:
        await query.answer(messages.TEACH_NO_ENTRY_YET, show_alert=True)
        return
    await query.answer(messages.TEACH_WORKING)
    await show_typing(context.bot, message.chat_id)  # building and checking the edited base takes a second or two
    result = await asyncio.to_thread(
        svc.editor.add_question, proposal.entry_id, proposal.question, actor=_actor(query.from_user.id),
        proposal_id=proposal.id,
    )
    if result.ok:
        await edit_message(query, escape(messages.TEACH_ACCEPTED.format(id=proposal.id, text=result.text)), resend=True)
        await _after_edit(context)
        return
    await send(message, escape(messages.TEACH_REFUSED.format(id=proposal.id, text=result.text)))


async def _after_edit(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The base was swapped in as /reload does; the schedules follow it the same way."""
    try:
        await services(context).announcer.reschedule(context.application)
    except Exception:  # the edit itself is done and recorded; a schedule problem is only logged
        logger.exception("could not reschedule the announcements after a knowledge edit")


async def on_search_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An admin's reply to a 🔍 prompt: find entries for the proposal. Any other message goes on to the
    question handlers (this runs in an earlier handler group and stops the update only when it is a search)."""
    message = update.effective_message
    user = update.effective_user
    if message is None or message.text is None or message.chat.type != ChatType.PRIVATE:
        return
    prompt = message.reply_to_message
    if prompt is None or prompt.from_user is None or prompt.from_user.id != context.bot.id:
        return
    found = _PROMPT.match(prompt.text or "")
    if found is None or not is_bot_admin(context, user.id if user else None):
        return
    svc = services(context)
    loaded = svc.knowledge.current
    proposal = svc.storage.proposal(int(found.group(1)))
    if proposal is None or proposal.status != "open":
        await send(message, escape(messages.TEACH_STALE))
        raise ApplicationHandlerStop
    query_text = message.text.strip()
    entries = await asyncio.to_thread(learning.search_entries, loaded, query_text)
    if not entries:
        await send(message, escape(messages.TEACH_SEARCH_NONE.format(query=query_text)))
        raise ApplicationHandlerStop
    updated = svc.storage.update_proposal(proposal.id, rev=proposal.rev, choices=[e.id for e in entries])
    if updated is None:
        await send(message, escape(messages.TEACH_STALE))
        raise ApplicationHandlerStop
    text = messages.TEACH_SEARCH_RESULTS.format(id=updated.id, question=escape(updated.question),
                                                query=escape(query_text), count=len(entries))
    await send(message, text, choices_keyboard(updated, loaded.kb, search=False))
    raise ApplicationHandlerStop


def note_pick(context: ContextTypes.DEFAULT_TYPE, user_id: int, entry_id: str) -> None:
    """A tap on an entry's question: a label for the person's last question, when it is one."""
    svc = services(context)
    try:
        learning.note_pick(svc.storage, svc.knowledge.current.kb, user_id, entry_id)
    except Exception:  # learning is a side effect: the resident still gets the answer
        logger.exception("could not record a pick")


async def cmd_history(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/history (admins, private): the recent edits made through the bot or the command line."""
    message = await require_bot_admin(update, context)
    if message is None:
        return
    svc = services(context)
    await send(message, learning.history_html(svc.storage.changes(limit=15), svc.storage.tz,
                                              names=svc.storage.admin_names(), kb=svc.knowledge.current.kb))


async def cmd_undo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/undo (admins, private): name the newest edit not undone yet, with a button that undoes that one;
    /undo N: undo edit N (validated, atomic, recorded)."""
    message = await require_bot_admin(update, context)
    if message is None or update.effective_user is None:
        return
    svc = services(context)
    args = context.args or []
    if args:
        if len(args) > 1 or not args[0].lstrip("#").isdigit() or len(args[0]) > 9:
            await send(message, escape(messages.UNDO_USAGE))
            return
        await _undo(message, context, update.effective_user.id, int(args[0].lstrip("#")))
        return
    last = svc.storage.last_undoable_change()
    if last is None:
        await send(message, escape(messages.UNDO_NOTHING))
        return
    when = datetime.fromtimestamp(last.ts, svc.storage.tz).strftime("%m-%d %H:%M")
    actor = describe_actor(last.actor, svc.storage.admin_names())
    entry = standard_question(svc.knowledge.current.kb, last.entry_id)
    text = messages.UNDO_CONFIRM.format(id=last.id, when=when, actor=actor, entry=entry, question=last.question,
                                        file=last.file)
    button = InlineKeyboardButton(messages.BUTTON_UNDO.format(id=last.id), callback_data=callback("L", "undo",
                                                                                                  str(last.id)))
    await send(message, escape(text), InlineKeyboardMarkup([[button]]))


async def _undo(message: Message, context: ContextTypes.DEFAULT_TYPE, user_id: int, change_id: int) -> None:
    """Undo exactly edit ``change_id`` and say what happened (an edit already undone is left alone)."""
    svc = services(context)
    await show_typing(context.bot, message.chat_id)  # building and checking the edited base takes a second or two
    result = await asyncio.to_thread(svc.editor.undo, actor=_actor(user_id), change_id=change_id)
    await send(message, escape(result.text))
    if result.ok:
        await _after_edit(context)


FEATURE = Feature(
    "teaching",
    commands=(
        Command("suggestions", cmd_suggestions, Audience.ADMIN, messages.MENU_SUGGESTIONS, messages.HELP_SUGGESTIONS),
        Command("history", cmd_history, Audience.ADMIN, messages.MENU_HISTORY, messages.HELP_HISTORY),
        Command("undo", cmd_undo, Audience.ADMIN, messages.MENU_UNDO, messages.HELP_UNDO),
    ),
    buttons=(Button("L", on_teach_button),),
    handlers=(
        # An admin's reply to a 🔍 search prompt is a search, not a question (an earlier group; it stops only those).
        (MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & filters.REPLY & ~filters.COMMAND, on_search_reply),
         -1),
    ),
)
