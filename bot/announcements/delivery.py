"""Broadcasting announcements: the :class:`Announcer` runs broadcasts, records deliveries, pins, reports.

Every broadcast, whether confirmed by an admin, due by schedule or resumed after a restart, runs as a
JobQueue job, so it never blocks the handling of residents' questions. The delivery ledger in SQLite (see
``bot/announcements/store.py``) decides who still needs the message:

* the recipients are frozen as ``pending`` rows when the broadcast starts;
* a row becomes ``sending`` right before the Bot API call and ``sent``/``failed`` right after;
* on start, a broadcast left ``sending`` is resumed: ``pending`` rows are sent, and a row left
  ``sending`` (the process died during that very call, so Telegram may or may not have it) becomes
  ``unknown``. It is not sent again on its own, so no group gets a message twice; the admins are told
  which groups are uncertain and get a button to send to them again.

Sending is paced below Telegram's limits (overall per second, per group per minute) by the bot's rate
limiter, :class:`~bot.tg.sending.FairLimiter`, which every request passes: a broadcast's messages take
only the slots residents' answers leave free, and a group under flood control waits alone.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from html import escape
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, ContextTypes, ExtBot, Job

from .. import messages
from ..config import Config
from ..engine.service import KnowledgeService
from ..reports.texts import clip
from ..storage import Storage
from ..tg.common import capped_lines, chunks
from ..tg.sending import maybe_delivered, retry_seconds
from .model import ANNOUNCEMENT_TZ, ANNOUNCEMENTS, Announcement, run_id
from .store import DeliveryReport

logger = logging.getLogger(__name__)

SEND_ATTEMPTS = 4  # tries per group on network errors
SCHEDULE_JOB, SEND_JOB = "schedule:", "send:"
CHECK_EVERY = 600  # seconds between checks that no schedule was dropped


class Announcer:
    """Runs announcements for one Application: subscriptions live in storage, schedules in the knowledge base."""

    def __init__(self, config: Config, knowledge: KnowledgeService, storage: Storage) -> None:
        self.config = config
        self.knowledge = knowledge
        self.storage = storage
        self._active: set[str] = set()
        self._queued: set[str] = set()  # names of jobs that should run now but have not finished

    # -- running broadcasts -------------------------------------------------------------------------

    def launch(self, application: Application[Any, Any, Any, Any, Any, Any], announcement_id: str) -> None:
        """Send an announcement that is in state 'sending', as a job that starts now."""
        job_queue = application.job_queue
        assert job_queue is not None, "python-telegram-bot[job-queue] is required"
        name = SEND_JOB + announcement_id
        self._queued.add(name)
        # APScheduler drops a job more than a second late unless told otherwise; a send must never be dropped
        job_queue.run_once(self._send_job, when=0, data=announcement_id, name=name,
                           job_kwargs={"misfire_grace_time": None})

    async def _send_job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        job = context.job
        assert job is not None and isinstance(job.data, str)
        try:
            await self.run_broadcast(context.bot, job.data)
        finally:
            self._queued.discard(job.name or "")

    async def run_broadcast(self, bot: Bot, announcement_id: str) -> DeliveryReport | None:
        """Send to every pending group of the announcement, then report; safe to call again after a crash."""
        if announcement_id in self._active:
            return None  # already being sent by this process
        self._active.add(announcement_id)
        try:
            record = self.storage.announcement(announcement_id)
            if record is None or record.status != "sending":
                return None
            text = chunks(messages.ANNOUNCEMENT.format(text=escape(record.text)))[0]  # validated to fit; never more
            for delivery in self.storage.deliveries(announcement_id, statuses=("pending",)):
                await self._deliver(bot, announcement_id, delivery.chat_id, text, pin=record.pin)
            self.storage.set_announcement_status(announcement_id, "done", expect="sending")
            report = self.storage.report(announcement_id)
        finally:
            self._active.discard(announcement_id)
        if report is not None:
            await self._send_report(bot, report)
            self.storage.mark_reported(announcement_id)
        return report

    async def _mark(self, announcement_id: str, chat_id: int, status: str, **details: Any) -> None:
        """Record a group's delivery state in a worker thread: a slow database never stalls the answers."""
        await asyncio.to_thread(self.storage.mark_delivery, announcement_id, chat_id, status, **details)

    async def _deliver(self, bot: Bot, announcement_id: str, chat_id: int, text: str, *, pin: bool) -> None:
        """One group: send (retrying network errors), pin if asked, record the outcome.

        The bot's rate limiter (``FairLimiter``) paces the send and waits out flood control; a
        ``RetryAfter`` that reaches here is one it gave up on.
        """
        last_error = ""
        for attempt in range(SEND_ATTEMPTS):
            async def leaving(chat: int = chat_id) -> None:  # "sending" when the request leaves, not while it queues
                await self._mark(announcement_id, chat, "sending")

            async def refused(chat: int = chat_id) -> None:  # flood control: not delivered, waiting again
                await self._mark(announcement_id, chat, "pending")

            hooks: dict[str, Any] = {}
            if isinstance(bot, ExtBot) and bot.rate_limiter is not None:
                hooks["rate_limit_args"] = {"before_send": leaving, "not_sent": refused, "retry_after_cap": None}
            else:  # a bot without a rate limiter: nothing paces this send or waits out flood control
                await leaving()
            try:
                message = await bot.send_message(
                    chat_id, text, link_preview_options=LinkPreviewOptions(is_disabled=True), **hooks
                )
            except RetryAfter as exc:  # flood control still, after the rate limiter's waits and retries
                logger.warning("flood control sending %s to %s: giving up (asked to wait %.0f s)", announcement_id,
                               chat_id, retry_seconds(exc))
                await self._mark(announcement_id, chat_id, "failed", error=messages.REASON_FLOOD)
                return
            except ChatMigrated as exc:
                new_id = int(exc.new_chat_id)
                logger.info("group %s became supergroup %s", chat_id, new_id)
                await asyncio.to_thread(self.storage.migrate_chat, chat_id, new_id)
                if not await asyncio.to_thread(self.storage.move_delivery, announcement_id, chat_id, new_id):
                    return  # the new id is on this broadcast's list already
                chat_id = new_id
                continue
            except Forbidden as exc:
                logger.info("cannot send %s to %s: %s", announcement_id, chat_id, exc)
                await asyncio.to_thread(self.storage.deactivate, chat_id, messages.REASON_FORBIDDEN)
                await self._mark(announcement_id, chat_id, "failed", error=messages.REASON_FORBIDDEN)
                return
            except BadRequest as exc:
                if "chat not found" in str(exc).lower():
                    await asyncio.to_thread(self.storage.deactivate, chat_id, messages.REASON_CHAT_NOT_FOUND)
                    reason = messages.REASON_CHAT_NOT_FOUND
                else:
                    reason = messages.REASON_OTHER.format(error=exc.message)
                await self._mark(announcement_id, chat_id, "failed", error=reason)
                return
            except TimedOut:
                # The request may have reached Telegram: sending again could post it twice.
                await self._mark(announcement_id, chat_id, "unknown", error=messages.REASON_TIMED_OUT)
                return
            except NetworkError as exc:
                if maybe_delivered(exc):  # e.g. the connection dropped after Telegram took the message
                    await self._mark(announcement_id, chat_id, "unknown", error=messages.REASON_TIMED_OUT)
                    return
                await self._mark(announcement_id, chat_id, "pending")
                last_error = messages.REASON_NETWORK.format(error=exc.message)
                if attempt + 1 < SEND_ATTEMPTS:
                    await asyncio.sleep(min(2.0**attempt, 8.0))
                continue
            except TelegramError as exc:
                reason = messages.REASON_OTHER.format(error=exc.message)
                await self._mark(announcement_id, chat_id, "failed", error=reason)
                return
            # Sent: record it before anything else can go wrong.
            await self._mark(announcement_id, chat_id, "sent", message_id=message.message_id)
            if pin:
                await self._pin(bot, announcement_id, chat_id, message.message_id)
            return
        await self._mark(announcement_id, chat_id, "failed", error=last_error or messages.REASON_FLOOD)

    async def _pin(self, bot: Bot, announcement_id: str, chat_id: int, message_id: int) -> None:
        try:
            await bot.pin_chat_message(chat_id, message_id, disable_notification=True)
        except TelegramError as exc:
            logger.info("could not pin %s in %s: %s", announcement_id, chat_id, exc)
            reason = messages.REASON_PIN.format(error=_pin_reason(exc))
            await self._mark(announcement_id, chat_id, "sent", pinned=False, error=reason)
            return
        await self._mark(announcement_id, chat_id, "sent", pinned=True)

    # -- reports -------------------------------------------------------------------------------------

    def report_text(self, report: DeliveryReport) -> tuple[str, InlineKeyboardMarkup | None]:
        sent, failed, unknown = report.count("sent"), report.count("failed"), report.count("unknown")
        text = messages.ANNOUNCE_REPORT.format(
            text=escape(clip(report.announcement.text, 20)),
            sent=sent,
            total=report.total,
            failed=failed,
            unknown=messages.ANNOUNCE_REPORT_UNKNOWN.format(count=unknown) if unknown else "",
            pinned=messages.ANNOUNCE_REPORT_PINNED.format(count=report.pinned) if report.announcement.pin else "",
        )
        sections = (
            (messages.ANNOUNCE_REPORT_FAILED, [d for d in report.deliveries if d.status == "failed"]),
            (messages.ANNOUNCE_REPORT_UNSURE, [d for d in report.deliveries if d.status == "unknown"]),
            (messages.ANNOUNCE_REPORT_PIN_FAILED,
             [d for d in report.deliveries if d.status == "sent" and report.announcement.pin and not d.pinned]),
        )
        for title, rows in sections:
            if rows:
                text += title
                for d in rows:
                    text += "\n" + messages.ANNOUNCE_REPORT_LINE.format(
                        title=escape(d.title or "?"), chat_id=d.chat_id, reason=escape(d.error or "—")
                    )
        markup = None
        if self.retryable(report):
            button = InlineKeyboardButton(messages.BUTTON_RETRY, callback_data=f"A|retry|{report.announcement.id}")
            markup = InlineKeyboardMarkup([[button]])
        return text, markup

    def retryable(self, report: DeliveryReport) -> list[int]:
        """Groups worth another try: uncertain ones and failures whose subscription is still active."""
        active = {s.chat_id for s in self.storage.subscriptions()}
        return [
            d.chat_id
            for d in report.deliveries
            if d.status == "unknown" or (d.status == "failed" and d.chat_id in active)
        ]

    async def _send_report(self, bot: Bot, report: DeliveryReport) -> None:
        record = report.announcement
        clean = report.count("sent") == report.total
        if record.kind == "scheduled" and clean and record.id.split("@", 1)[0] in self._repeating():
            logger.info("repeating announcement %s sent to %d groups", record.id, report.total)
            return  # a repeat that went fine every time is not worth a message each time
        text, markup = self.report_text(report)
        await self._tell_admins(bot, text, markup, chat=record.report_chat)

    def _repeating(self) -> set[str]:
        return {a.id for a in self.knowledge.current.kb.extras.get(ANNOUNCEMENTS) if a.repeat is not None}

    async def _tell_admins(
        self, bot: Bot, text: str, markup: InlineKeyboardMarkup | None = None, *, chat: int | None = None
    ) -> None:
        pieces = chunks(text)
        for admin in [chat] if chat is not None else list(self.config.admins):
            try:
                for number, piece in enumerate(pieces, start=1):
                    await bot.send_message(admin, piece, reply_markup=markup if number == len(pieces) else None)
            except TelegramError as exc:  # an admin who never started the bot cannot be written to
                logger.warning("could not report to admin %s: %s", admin, exc)

    # -- schedules -------------------------------------------------------------------------------------

    async def start(self, application: Application[Any, Any, Any, Any, Any, Any]) -> list[str]:
        """On start: resume broadcasts a crash interrupted, then schedule (and catch up) announcements."""
        for record in self.storage.announcements(status="scheduled", limit=1000):
            # due and recorded, but the process died before the recipients were frozen
            self.storage.start_broadcast(record.id, self.storage.recipients(record.targets), expect="scheduled")
        for record in self.storage.unfinished_broadcasts():
            unsure = self.storage.mark_interrupted(record.id, messages.REASON_INTERRUPTED)
            logger.info("resuming announcement %s (%d uncertain)", record.id, len(unsure))
            self.launch(application, record.id)
        for announcement_id in self.storage.unreported():  # finished, but stopped before its report went out
            report = self.storage.report(announcement_id)
            if report is not None:
                await self._send_report(application.bot, report)
            self.storage.mark_reported(announcement_id)
        job_queue = application.job_queue
        assert job_queue is not None, "python-telegram-bot[job-queue] is required"
        # A schedule job the process slept through (a suspended machine) is dropped by APScheduler; this
        # check sends it (within the grace period) or reports it missed, and lines the next one up again.
        job_queue.run_repeating(self._check, interval=CHECK_EVERY, first=CHECK_EVERY, name="announcements-check")
        problems = self.knowledge.current.announcement_problems
        if problems:  # the bot answers questions; the admins learn why nothing is scheduled
            listed = capped_lines([str(p) for p in problems], limit=3000)
            text = escape(messages.ANNOUNCEMENTS_DISABLED.format(file=problems[0].file, count=len(problems),
                                                                 problems="{problems}"))
            await self._tell_admins(application.bot, text.replace("{problems}", f"<pre>{escape(listed)}</pre>"))
        return await self.reschedule(application)

    async def _check(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.reschedule(context.application)

    async def reschedule(
        self, application: Application[Any, Any, Any, Any, Any, Any], *, now: datetime | None = None
    ) -> list[str]:
        """Replace the schedule jobs with the current announcements.yaml; returns notes for admins."""
        job_queue = application.job_queue
        assert job_queue is not None, "python-telegram-bot[job-queue] is required"
        for job in job_queue.jobs():
            if job.name and job.name.startswith(SCHEDULE_JOB):
                job.schedule_removal()
        now = now or datetime.now(ANNOUNCEMENT_TZ)
        grace = timedelta(minutes=self.config.announcements.missed_grace_minutes)
        notes: list[str] = []
        for announcement in self.knowledge.current.kb.extras.get(ANNOUNCEMENTS):
            try:
                notes += self._line_up(job_queue, announcement, now, grace)
            except (OverflowError, ValueError, OSError) as exc:  # validate refuses such times; never stop here
                logger.error("announcement %s (%s:%d) cannot be scheduled: %s", announcement.id, announcement.file,
                             announcement.line, exc)
        for note in notes:
            await self._tell_admins(application.bot, note)
        return notes

    def _line_up(self, job_queue: Any, announcement: Announcement, now: datetime, grace: timedelta) -> list[str]:
        """Schedule the announcement's next time (and a just-missed one within the grace); notes for admins."""
        notes: list[str] = []
        first_seen = self.storage.schedule_first_seen(announcement.id, now.timestamp())
        last = announcement.last_due(now)
        if last is not None and self.storage.announcement(run_id(announcement.id, last)) is None:
            existed = announcement.at is not None or last.timestamp() >= first_seen
            if existed and now - last <= grace:
                self._schedule(job_queue, announcement, last, when=0)
            elif existed:
                notes.append(self._record_missed(announcement, last))
        upcoming = announcement.next_after(now)
        if upcoming is not None:
            self._schedule(job_queue, announcement, upcoming, when=upcoming)
        return notes

    def _schedule(self, job_queue: Any, announcement: Announcement, due: datetime, *, when: Any) -> None:
        name = f"{SCHEDULE_JOB}{announcement.id}@{due.isoformat()}"
        if when == 0:
            self._queued.add(name)
        grace = max(1, int(self.config.announcements.missed_grace_minutes * 60))  # late past this: next start
        job_queue.run_once(self._fire, when=when, data=(announcement.id, due.isoformat()), name=name,
                           job_kwargs={"misfire_grace_time": grace})

    def _record_missed(self, announcement: Announcement, due: datetime) -> str:
        self.storage.create_announcement(
            run_id(announcement.id, due), kind="scheduled", text=announcement.text,
            targets=announcement.targets.to_json(), pin=announcement.pin, status="missed", due=due.timestamp(),
        )
        logger.warning("scheduled announcement %s at %s was missed", announcement.id, due)
        return messages.ANNOUNCE_MISSED.format(
            id=escape(announcement.id), due=f"{due.astimezone(ANNOUNCEMENT_TZ):%Y-%m-%d %H:%M}",
            grace=f"{self.config.announcements.missed_grace_minutes:g}",
        )

    async def _fire(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A schedule job: record this occurrence once, send it, and line up the next one."""
        job: Job[Any] | None = context.job
        assert job is not None
        try:
            await self._fire_occurrence(context, job)
        finally:
            self._queued.discard(job.name or "")

    async def _fire_occurrence(self, context: ContextTypes.DEFAULT_TYPE, job: Job[Any]) -> None:
        assert isinstance(job.data, tuple)
        announcement_id, due_text = job.data
        due = datetime.fromisoformat(str(due_text))
        scheduled = self.knowledge.current.kb.extras.get(ANNOUNCEMENTS)
        announcement = next((a for a in scheduled if a.id == announcement_id), None)
        if announcement is None:
            return  # removed from announcements.yaml since it was scheduled
        occurrence = run_id(announcement.id, due)
        created = self.storage.create_announcement(
            occurrence, kind="scheduled", text=announcement.text, targets=announcement.targets.to_json(),
            pin=announcement.pin, status="scheduled", due=due.timestamp(),
        )
        if created:
            recipients = self.storage.recipients(announcement.targets.to_json())
            self.storage.start_broadcast(occurrence, recipients, expect="scheduled")
            await self.run_broadcast(context.bot, occurrence)
        upcoming = announcement.next_after(max(due, datetime.now(ANNOUNCEMENT_TZ)))
        if upcoming is not None and context.job_queue is not None:
            name = f"{SCHEDULE_JOB}{announcement.id}@{upcoming.isoformat()}"
            if not any(j.name == name for j in context.job_queue.jobs()):
                self._schedule(context.job_queue, announcement, upcoming, when=upcoming)

    def busy(self) -> bool:
        """True while a broadcast runs or a job that should run now has not finished (for tests and logs)."""
        return bool(self._active or self._queued)


def _pin_reason(exc: TelegramError) -> str:
    text = exc.message.lower()
    if "not enough rights" in text or "administrator" in text or isinstance(exc, Forbidden):
        return messages.REASON_NO_PIN_RIGHT
    return exc.message
