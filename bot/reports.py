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
        mark = "❓" if kind == "no_match" else "👎"
        hint = f"  → {escape(near)}" if near else ""
        lines.append(f"{mark} {escape(text)}{hint}")
    return "\n".join(lines)


def _when(timestamp: float | None) -> str:
    return datetime.fromtimestamp(timestamp, ANNOUNCEMENT_TZ).strftime("%Y-%m-%d %H:%M") if timestamp else "—"


def schedule_text(announcements: tuple[Announcement, ...], storage: Storage, *, now: datetime | None = None) -> str:
    """What is scheduled, when it next goes, to which groups, and what the recent broadcasts achieved."""
    now = now or datetime.now(ANNOUNCEMENT_TZ)
    lines = [f"<b>计划公告</b>（{len(announcements)} 条）"]
    if not announcements:
        lines.append(messages.NOTHING_YET)
    for item in announcements:
        upcoming = item.next_after(now)
        recipients = storage.recipients(item.targets.to_json())
        names = "、".join(s.title or str(s.chat_id) for s in recipients[:10])
        if len(recipients) > 10:
            names += " 等"
        subscribed = {s.chat_id for s in recipients}
        missing = [c for c in item.targets.chats if c not in subscribed]
        lines.append(f"\n<b>{escape(item.id)}</b>  {escape(item.file)}:{item.line}")
        lines.append(f"  时间：{escape(item.describe_schedule())}；下次："
                     + (upcoming.strftime("%Y-%m-%d %H:%M") if upcoming else "不再发送"))
        lines.append(f"  发给：{escape(item.targets.describe())} → {len(recipients)} 个群"
                     + (f"：{escape(names)}" if names else ""))
        if missing:
            lines.append("  注意：这些群没有订阅（或已停用），不会收到：" + "、".join(str(c) for c in missing))
        if item.pin:
            lines.append("  置顶：是")
        last = item.last_due(now)
        if last is not None:
            report = storage.report(run_id(item.id, last))
            lines.append(f"  上次应发：{last:%Y-%m-%d %H:%M}，" + (_outcome(report) if report else "没有记录"))
        preview = item.text.replace("\n", " ")
        lines.append("  内容：" + escape(preview[:60] + ("…" if len(preview) > 60 else "")))
    recent = [r for r in storage.announcements(limit=10) if r.status != "draft"]
    lines.append("\n<b>最近的公告</b>")
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
        return "错过（机器人没有运行）"
    if status == "cancelled":
        return "已取消"
    unknown = report.count("unknown")
    text = f"已发送 {report.count('sent')} / {report.total}，失败 {report.count('failed')}"
    text += f"，不确定 {unknown}" if unknown else ""
    return text + ("（发送中）" if status in ("sending", "scheduled") else "")
