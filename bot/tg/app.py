"""The Telegram application: one place builds it, installs every feature's handlers in a deliberate order
(:data:`FEATURES`) and runs it.

Each feature declares its commands, buttons and handlers in its room (``bot/answering/telegram.py``,
``bot/reports/telegram.py``, ``bot/announcements/telegram.py``, ``bot/teaching/telegram.py``,
``bot/tg/admin.py``); the command menus and /help's admin sections come from those declarations. What
stays here is the bot's own: the per-person limits, /help, the hint for an unknown command, the error
handler, the start-up work (menus, profile texts, the retention job) and :func:`run`. Handlers are small
``async def name(update, context) -> None`` functions; the services they need (knowledge, storage,
limits) come through :func:`services`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from html import escape
from pathlib import Path
from typing import Any

from telegram import (
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from .. import messages
from ..announcements import telegram as announcements
from ..announcements.delivery import Announcer
from ..answering import telegram as answering
from ..config import Config
from ..datafiles import WEBHOOK_SECRET_SUFFIX, read_or_create_secret
from ..engine.render import place_words
from ..engine.service import KnowledgeService
from ..knowledge.model import KnowledgeBase
from ..privacy import redact
from ..privacy.mask import mask_private_data
from ..reports import telegram as reports
from ..storage import Storage
from ..teaching import telegram as teaching
from ..teaching.kbedit import KnowledgeEditor
from . import admin as admin_commands
from .common import is_bot_admin, log_chat, send
from .features import Audience, Command, Feature, Features
from .inbox import Inbox
from .intake import RETRY_EVERY, Intake, IntakeBot, IntakeQueue
from .ordering import ChatOrderedProcessor
from .sending import FairLimiter, current_handling
from .services import Services, UserRateLimiter, services

logger = logging.getLogger(__name__)

# The update types the bot handles; Telegram is asked for these only (polling and webhook alike).
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY, Update.MY_CHAT_MEMBER]
RETENTION_EVERY = 86400  # seconds between runs of the retention job (it also runs at start)


# --------------------------------------------------------------------------------------------------
# the bot's own handlers: limits, /help, unknown commands, errors


async def cmd_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: how to use the bot (in a group, also the group admins' commands; admins also see theirs)."""
    message = update.effective_message
    if message is None:
        return
    text = messages.HELP.format(username=escape(context.bot.username or "bot"))
    if message.chat.type != ChatType.PRIVATE:
        text += messages.HELP_GROUP_ADMIN_TITLE + FEATURES.help_lines(Audience.GROUP_ADMIN)
    if is_bot_admin(context, update.effective_user.id if update.effective_user else None):
        text += messages.HELP_ADMIN_TITLE + FEATURES.help_lines(Audience.ADMIN)
    await send(message, text)


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
    await send(message, escape(messages.UNKNOWN_COMMAND), quote=group)


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
        await send(message, escape(messages.ACTIONS_TOO_FAST), quote=in_group)
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


# The features, in the order their handlers are installed and their commands appear in the menus and /help.
FEATURES = Features(
    # Residents: questions in private chats and groups, /start /ask /topics /source /auto, buttons, inline mode.
    answering.FEATURE,
    # How to use the bot, for everyone (last in the residents' menus).
    Feature("help", commands=(Command("help", cmd_help, Audience.PRIVATE | Audience.GROUP, messages.MENU_HELP),)),
    # Bot admins: /reload the knowledge base (first in their menu).
    admin_commands.FEATURE,
    # Bot admins: /stats and /unanswered.
    reports.FEATURE,
    # Announcements: group admins subscribe their group; bot admins announce; the bot joining and leaving groups.
    announcements.FEATURE,
    # Teaching the bot: proposals from residents' questions, edits of the knowledge base, history, undo.
    teaching.FEATURE,
)


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
    private_menu = FEATURES.menu(Audience.PRIVATE)
    try:
        await bot.set_my_commands(private_menu, scope=BotCommandScopeAllPrivateChats())
        await bot.set_my_commands(FEATURES.menu(Audience.GROUP), scope=BotCommandScopeAllGroupChats())
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
            await bot.set_my_commands(private_menu + FEATURES.menu(Audience.ADMIN), scope=BotCommandScopeChat(admin))
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
    # Before anything else: a person's commands, button presses and inline queries over their limits stop here.
    application.add_handler(TypeHandler(Update, limit_per_person), group=-2)
    # Every feature's commands, then their buttons (a press none of them owns only stops its spinner), then
    # their other handlers: questions, inline mode, the bot joining groups, an admin's search reply.
    FEATURES.install(application)
    # Last of its group: a command none of the above has (/menu) gets a one-line hint.
    application.add_handler(MessageHandler(filters.COMMAND, on_unknown_command))
    application.add_error_handler(on_error)
    return application
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
