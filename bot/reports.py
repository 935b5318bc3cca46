"""Admin reports (usage statistics, unanswered questions, announcements) as HTML text and a PNG chart.

Shared by the Telegram commands /stats and /unanswered and by ``python -m bot stats|unanswered|announce``.
"""

from __future__ import annotations

import io
from datetime import datetime
from html import escape

from . import messages
from .announcements import ANNOUNCEMENT_TZ, Announcement, Targets, run_id
from .storage import DeliveryReport, Storage

__all__ = ["schedule_text", "stats_chart", "stats_text", "unanswered_text"]


def stats_text(storage: Storage) -> str:
    stats = storage.stats()
    top = "\n".join(f"{n} × {escape(e)}" for e, n in stats.top_entries) or messages.NOTHING_YET
    unanswered = "\n".join(f"{n} × {escape(t)}" for t, n in stats.top_unanswered) or messages.NOTHING_YET
    return messages.STATS.format(
        today=stats.today,
        week=stats.week,
        share=f"{stats.answered_share:.0%}",
        up=stats.thumbs_up,
        down=stats.thumbs_down,
        top=top,
        unanswered=unanswered,
    )


def stats_chart(storage: Storage) -> bytes:
    """A PNG bar chart of the last 7 days: answered vs not answered."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    stats = storage.stats()
    days = [d.day for d in stats.daily]
    answered = [d.answered for d in stats.daily]
    other = [d.other for d in stats.daily]
    fig, ax = plt.subplots(figsize=(6, 3.2), dpi=120)
    ax.bar(days, answered, color="#2e7d32", label="answered")
    ax.bar(days, other, bottom=answered, color="#c62828", label="not answered")
    ax.set_title("Questions per day (last 7 days)")
    ax.legend(loc="upper left")
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def unanswered_text(storage: Storage) -> str:
    rows = storage.unanswered(limit=20)
    if not rows:
        return messages.UNANSWERED_NONE
    lines = [messages.UNANSWERED_TITLE]
    for kind, text, near in rows:
        mark = {"no_match": "❓", "partial": "◐"}.get(kind, "👎")
        hint = f"  → {escape(near)}" if near else ""
        lines.append(f"{mark} {escape(text)}{hint}")
    return "\n".join(lines)


def _when(timestamp: float | None) -> str:
    return datetime.fromtimestamp(timestamp, ANNOUNCEMENT_TZ).strftime("%Y-%m-%d %H:%M") if timestamp else "—"


def schedule_text(announcements: tuple[Announcement, ...], storage: Storage, *, now: datetime | None = None) -> str:
    """What is scheduled, when it next goes, to which groups, and what the recent broadcasts achieved."""
    now = now or datetime.now(ANNOUNCEMENT_TZ)
    lines = [messages.SCHEDULE_TITLE.format(count=len(announcements))]
    if not announcements:
        lines.append(messages.NOTHING_YET)
    for item in announcements:
        upcoming = item.next_after(now)
        recipients = storage.recipients(item.targets.to_json())
        names = "、".join(s.title or str(s.chat_id) for s in recipients[:10])
        if len(recipients) > 10:
            names += messages.SCHEDULE_MORE
        subscribed = {s.chat_id for s in recipients}
        missing = [c for c in item.targets.chats if c not in subscribed]
        lines.append(messages.SCHEDULE_ITEM.format(id=escape(item.id), where=escape(f"{item.file}:{item.line}")))
        lines.append(messages.SCHEDULE_WHEN.format(
            schedule=escape(item.describe_schedule()),
            upcoming=upcoming.strftime("%Y-%m-%d %H:%M") if upcoming else messages.SCHEDULE_NEVER_AGAIN,
        ))
        lines.append(messages.SCHEDULE_TARGETS.format(
            targets=escape(item.targets.describe()), count=len(recipients),
            names=messages.SCHEDULE_NAMES.format(names=escape(names)) if names else "",
        ))
        if missing:
            lines.append(messages.SCHEDULE_NOT_SUBSCRIBED.format(chats="、".join(str(c) for c in missing)))
        if item.pin:
            lines.append(messages.SCHEDULE_PIN)
        last = item.last_due(now)
        if last is not None:
            report = storage.report(run_id(item.id, last))
            lines.append(messages.SCHEDULE_LAST.format(
                due=f"{last:%Y-%m-%d %H:%M}", outcome=_outcome(report) if report else messages.SCHEDULE_NO_RECORD
            ))
        preview = item.text.replace("\n", " ")
        lines.append(messages.SCHEDULE_TEXT.format(text=escape(preview[:60] + ("…" if len(preview) > 60 else ""))))
    recent = [r for r in storage.announcements(limit=10) if r.status != "draft"]
    lines.append(messages.SCHEDULE_RECENT)
    if not recent:
        lines.append(messages.NOTHING_YET)
    for record in recent:
        report = storage.report(record.id)
        targets = Targets.from_json(record.targets).describe()
        lines.append(f"· {escape(record.id)}  {_when(record.due or record.created)}  {escape(targets)}  "
                     + (_outcome(report) if report else ""))
    return "\n".join(lines)


def _outcome(report: DeliveryReport) -> str:
    status = report.announcement.status
    if status == "missed":
        return messages.OUTCOME_MISSED
    if status == "cancelled":
        return messages.OUTCOME_CANCELLED
    unknown = report.count("unknown")
    text = messages.OUTCOME.format(sent=report.count("sent"), total=report.total, failed=report.count("failed"))
    text += messages.OUTCOME_UNKNOWN.format(count=unknown) if unknown else ""
    return text + (messages.OUTCOME_SENDING if status in ("sending", "scheduled") else "")
