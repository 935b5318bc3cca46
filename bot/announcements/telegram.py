"""Group announcements in Telegram: subscriptions, /groups, /schedule, /announce with a preview and its buttons.

The handlers here record what admins ask for; the :class:`~bot.announcements.delivery.Announcer`
sends the broadcasts (as JobQueue jobs), schedules the announcements of ``announcements.yaml`` and
reports the outcome.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from html import escape

from telegram import ChatMemberUpdated, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import ChatMemberHandler, ContextTypes, MessageHandler, filters

from .. import messages
from ..engine.render import place_words
from ..limits import telegram_length
from ..reports.texts import schedule_text
from ..tg.common import chunks, edit_message, is_bot_admin, require_bot_admin, require_group_admin, send
from ..tg.features import Audience, Button, Command, Feature
from ..tg.services import services
from .delivery import Announcer
from .model import ANNOUNCEMENTS, MAX_TEXT, Targets, normalize_tag
from .store import Subscription

logger = logging.getLogger(__name__)

MAX_TAGS, MAX_TAG_LENGTH = 10, 20
PREVIEW_LIMIT = 3600  # the preview adds a header and the targets to the text; Telegram's limit is 4,096
_GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)


def announcer(context: ContextTypes.DEFAULT_TYPE) -> Announcer:
    """The bot's :class:`Announcer` (``services(context).announcer``, which the rest of the bot knows only as
    :class:`~bot.tg.services.Announcing`)."""
    found = services(context).announcer
    assert isinstance(found, Announcer)
    return found


def _parse_tags(text: str) -> list[str]:
    return [t for t in (normalize_tag(p) for p in re.split(r"[\s,，、;；]+", text)) if t]


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot was added to a group (introduce itself) or removed from one (stop announcing there)."""
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None or change.chat.type not in _GROUP_TYPES:
        return
    gone = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)
    was_in = change.old_chat_member.status not in gone
    is_in = change.new_chat_member.status not in gone
    svc = announcer(context)
    if is_in and not was_in:
        try:
            words = {k: escape(v) for k, v in place_words(services(context).knowledge.current.kb).items()}
            await context.bot.send_message(change.chat.id, messages.BOT_JOINED_GROUP.format(**words))
        except TelegramError as exc:
            logger.info("could not introduce myself in %s: %s", change.chat.id, exc)
    elif was_in and not is_in and svc.storage.deactivate(change.chat.id, messages.REASON_BOT_REMOVED):
        logger.info("removed from subscribed group %s", change.chat.id)


async def on_migrate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup: its subscription and settings move to the new chat id."""
    message = update.effective_message
    if message is not None and message.migrate_to_chat_id:
        announcer(context).storage.migrate_chat(message.chat.id, message.migrate_to_chat_id)
        logger.info("group %s migrated to %s", message.chat.id, message.migrate_to_chat_id)


async def cmd_subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/subscribe [tags]: a group's admin subscribes the group to announcements (tags replace old ones)."""
    message = await require_group_admin(update, context)
    if message is None:
        return
    tags = _parse_tags(" ".join(context.args or []))
    if len(tags) > MAX_TAGS or any(len(t) > MAX_TAG_LENGTH for t in tags):
        await send(message, escape(messages.SUBSCRIBE_BAD_TAGS.format(most=MAX_TAGS, length=MAX_TAG_LENGTH)))
        return
    sub = announcer(context).storage.subscribe(message.chat.id, title=message.chat.title or "", tags=tags)
    described = (
        messages.SUBSCRIBED_TAGS.format(tags="、".join(sub.tags)) if sub.tags else messages.SUBSCRIBED_NO_TAGS
    )
    await send(message, escape(messages.SUBSCRIBED.format(tags=described)))


async def cmd_unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unsubscribe: a group's admin stops announcements to the group."""
    message = await require_group_admin(update, context)
    if message is None:
        return
    if announcer(context).storage.deactivate(message.chat.id, messages.REASON_UNSUBSCRIBED):
        await send(message, escape(messages.UNSUBSCRIBED))
    else:
        await send(message, escape(messages.NOT_SUBSCRIBED))


async def cmd_groups(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/groups (bot admins): the subscribed groups with their tags, and the inactive ones with why."""
    message = await require_bot_admin(update, context)
    if message is None:
        return
    await send(message, groups_text(announcer(context).storage.subscriptions(active_only=False)))


async def cmd_schedule(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/schedule (bot admins): the scheduled announcements, whom they reach, and the recent broadcasts."""
    message = await require_bot_admin(update, context)
    if message is None:
        return
    svc = services(context)
    await send(message, schedule_text(svc.knowledge.current.kb.extras.get(ANNOUNCEMENTS), svc.storage))


def groups_text(subscriptions: list[Subscription]) -> str:
    if not subscriptions:
        return escape(messages.GROUPS_NONE)
    active = [s for s in subscriptions if s.active]
    inactive = [s for s in subscriptions if not s.active]
    lines = [messages.GROUPS_TITLE.format(active=len(active), inactive=len(inactive))]
    for s in active:
        tags = messages.GROUPS_TAGS.format(tags=escape("、".join(s.tags))) if s.tags else ""
        lines.append(messages.GROUPS_LINE.format(title=escape(s.title or "?"), chat_id=s.chat_id, tags=tags))
    if inactive:
        lines.append(messages.GROUPS_INACTIVE)
        for s in inactive:
            lines.append(
                messages.GROUPS_INACTIVE_LINE.format(title=escape(s.title or "?"), chat_id=s.chat_id,
                                                     note=escape(s.note))
            )
    return "\n".join(lines)


_LEADING_TAGS = re.compile(r"^(?:[#＃]([^\s#＃]+)\s*)+")


def parse_announce(text: str) -> tuple[Targets, str]:
    """``/announce #城关镇 text`` → (targets, text); no leading #tags means every subscribed group."""
    body = text.split(None, 1)[1].strip() if len(text.split(None, 1)) > 1 else ""
    match = _LEADING_TAGS.match(body)
    if match is None:
        return Targets(all=True), body
    tags = [normalize_tag(t) for t in re.findall(r"[#＃]([^\s#＃]+)", match.group(0))]
    return Targets(tags=tuple(dict.fromkeys(tags))), body[match.end():].strip()


async def cmd_announce(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/announce [#tag …] text (bot admins, private chat): preview with 发送 / 发送并置顶 / 取消."""
    message = await require_bot_admin(update, context)
    if message is None:
        return
    targets, text = parse_announce(message.text or "")
    if not text:
        await send(message, escape(messages.ANNOUNCE_USAGE))
        return
    length = telegram_length(text)  # as Telegram counts: an emoji outside the BMP is 2
    if length > MAX_TEXT:
        await send(message, escape(messages.ANNOUNCE_TOO_LONG.format(length=length, most=MAX_TEXT)))
        return
    storage = announcer(context).storage
    recipients = storage.recipients(targets.to_json())
    if not recipients:
        known = sorted({t for s in storage.subscriptions() for t in s.tags})
        await send(message, escape(messages.ANNOUNCE_NO_RECIPIENTS.format(
            targets=targets.describe(), tags="、".join(known) or messages.NOTHING_YET)))
        return
    ident = f"m{int(time.time()):x}{secrets.token_hex(2)}"
    storage.create_announcement(ident, kind="manual", text=text, targets=targets.to_json(), report_chat=message.chat.id)
    cut = messages.ANNOUNCE_PREVIEW_CUT.format(length=length)
    shown = text if length <= PREVIEW_LIMIT else chunks(text, PREVIEW_LIMIT, html_text=False)[0] + cut
    preview = messages.ANNOUNCE_PREVIEW.format(
        count=len(recipients), targets=escape(targets.describe()[:200]),
        preview=messages.ANNOUNCEMENT.format(text=escape(shown)),
    )
    keyboard = InlineKeyboardMarkup([
        [InlineKeyboardButton(messages.BUTTON_SEND, callback_data=f"A|send|{ident}"),
         InlineKeyboardButton(messages.BUTTON_SEND_PIN, callback_data=f"A|pin|{ident}")],
        [InlineKeyboardButton(messages.BUTTON_CANCEL, callback_data=f"A|cancel|{ident}")],
    ])
    await send(message, preview, keyboard)


async def on_announce_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """发送 / 发送并置顶 / 取消 on a preview, and 重发 on a report (bot admins only)."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    if not is_bot_admin(context, query.from_user.id):
        await query.answer(messages.NOT_ADMIN, show_alert=True)
        return
    _, action, ident = [*query.data.split("|", 2), "", ""][:3]
    svc = announcer(context)
    record = svc.storage.announcement(ident)
    if record is None:
        await query.answer(messages.ANNOUNCE_GONE, show_alert=True)
        return
    if action == "cancel":
        if svc.storage.set_announcement_status(ident, "cancelled", expect="draft"):
            await query.answer()
            await edit_message(query, escape(messages.ANNOUNCE_CANCELLED), quiet=True)
        else:
            await query.answer(messages.ANNOUNCE_ALREADY, show_alert=True)
        return
    if action in ("send", "pin"):
        recipients = svc.storage.recipients(record.targets)
        if not svc.storage.start_broadcast(ident, recipients, pin=action == "pin", expect="draft"):
            await query.answer(messages.ANNOUNCE_ALREADY, show_alert=True)
            return
        await query.answer()
        await edit_message(query, escape(messages.ANNOUNCE_SENDING.format(count=len(recipients))), quiet=True)
        svc.launch(context.application, ident)
        return
    if action == "retry":
        report = svc.storage.report(ident)
        chats = svc.retryable(report) if report is not None and record.status == "done" else []
        if not chats or not svc.storage.requeue(ident, chats):
            await query.answer(messages.ANNOUNCE_NOTHING_TO_RETRY, show_alert=True)
            return
        await query.answer()
        await edit_message(query, escape(messages.ANNOUNCE_SENDING.format(count=len(chats))), quiet=True)
        svc.launch(context.application, ident)
        return
    await query.answer()


FEATURE = Feature(
    "announcements",
    commands=(
        # group admins subscribe their group; bot admins announce and list the groups and the schedule
        Command("subscribe", cmd_subscribe, Audience.GROUP_ADMIN, help=messages.HELP_SUBSCRIBE),
        Command("unsubscribe", cmd_unsubscribe, Audience.GROUP_ADMIN),  # its help line is /subscribe's
        Command("announce", cmd_announce, Audience.ADMIN, messages.MENU_ANNOUNCE, messages.HELP_ANNOUNCE),
        Command("groups", cmd_groups, Audience.ADMIN, messages.MENU_GROUPS, messages.HELP_GROUPS),
        Command("schedule", cmd_schedule, Audience.ADMIN, messages.MENU_SCHEDULE, messages.HELP_SCHEDULE),
    ),
    buttons=(Button("A", on_announce_button),),
    handlers=(
        # The bot added to / removed from a group, and a group upgraded to a supergroup.
        (ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER), 0),
        (MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate), 0),
    ),
)
