"""Admin reports (usage statistics, unanswered questions, announcements) as HTML text and a PNG chart.

Shared by the Telegram commands /stats and /unanswered and by ``python -m bot stats|unanswered|announce``.
"""

from __future__ import annotations

import io
from datetime import datetime
from html import escape

from .. import messages
from ..announcements.model import ANNOUNCEMENT_TZ, Announcement, Targets, run_id
from ..announcements.store import DeliveryReport
from ..knowledge.model import KnowledgeBase
from ..storage import Storage

__all__ = ["clip", "schedule_text", "standard_question", "stats_chart", "stats_text", "unanswered_text"]

CLIP = 40  # a resident's text in a list is cut to this many characters, so a list stays readable on a phone
NEAR_CLIP = 20  # each standard question an unanswered one came close to


def clip(text: str, limit: int = CLIP) -> str:
    """The text on one line, cut to ``limit`` characters with "…" when longer."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def standard_question(kb: KnowledgeBase | None, entry_id: str) -> str:
    """What a clerk knows an entry by: its first question (the id only if the entry is gone or no base is given)."""
    entry = kb.by_id.get(entry_id) if kb is not None else None
    return entry.canonical_question if entry is not None else entry_id


def stats_text(storage: Storage, *, kb: KnowledgeBase | None = None) -> str:
    """/stats: questions today and over 7 days, the answer rate of real questions, the most asked, the unanswered."""
    stats = storage.stats()
    top = "\n".join(f"{n} × {escape(clip(standard_question(kb, e)))}" for e, n in stats.top_entries)
    unanswered = "\n".join(f"{n} × {escape(clip(t))}" for t, n in stats.top_unanswered)
    not_counted = []
    if stats.week_smalltalk:
        not_counted.append(messages.STATS_SMALLTALK.format(count=stats.week_smalltalk))
    if stats.week_suggested:
        not_counted.append(messages.STATS_SUGGESTED.format(count=stats.week_suggested))
    return messages.STATS.format(
        today=stats.today,
        week=stats.week,
        share=f"{stats.answered_share:.0%}",
        not_counted=messages.STATS_NOT_COUNTED.format(which="、".join(not_counted)) if not_counted else "",
        up=stats.thumbs_up,
        down=stats.thumbs_down,
        top=top or messages.NOTHING_YET,
        unanswered=unanswered or messages.NOTHING_YET,
    )


def chart_font_path() -> str:
    """The CJK font the chart is drawn in: Noto Sans SC, shipped by the ``pylopdf-fonts-zh-cn`` dependency."""
    import pylopdf_fonts_zh_cn

    return str(pylopdf_fonts_zh_cn.sans_path())


def stats_chart(storage: Storage) -> bytes:
    """A PNG bar chart of the last 7 days, in Chinese: real questions answered vs not answered."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.font_manager import FontProperties
    from matplotlib.ticker import MaxNLocator

    font = FontProperties(fname=chart_font_path())
    stats = storage.stats()
    days = [d.day for d in stats.daily]
    answered = [d.answered for d in stats.daily]
    other = [d.other for d in stats.daily]
    fig, ax = plt.subplots(figsize=(6.4, 3.2), dpi=120)
    ax.bar(days, answered, color="#2e7d32", label=messages.CHART_ANSWERED)
    ax.bar(days, other, bottom=answered, color="#c62828", label=messages.CHART_NOT_ANSWERED)
    title = font.copy()
    title.set_size(14)
    ax.set_title(messages.CHART_TITLE, fontproperties=title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), prop=font, frameon=False)  # beside, not over the bars
    ax.spines[["top", "right"]].set_visible(False)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max([a + o for a, o in zip(answered, other, strict=True)] + [1]))  # counts: never below 0
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def unanswered_text(storage: Storage, *, kb: KnowledgeBase | None = None) -> str:
    """/unanswered: recent unanswered, partly answered and 👎 questions, each with what it came close to."""
    rows = storage.unanswered(limit=20)
    if not rows:
        return messages.UNANSWERED_NONE
    lines = [messages.UNANSWERED_TITLE]
    for kind, text, near in rows:
        mark = {"no_match": "❓", "partial": "◐"}.get(kind, "👎")
        nearest = [clip(standard_question(kb, e), NEAR_CLIP) for e in dict.fromkeys(near.split(",")) if e][:2]
        said = messages.UNANSWERED_GOT if kind == "thumbs_down" else messages.UNANSWERED_NEAR  # 👎: the answer given
        hint = said.format(questions="；".join(nearest)) if nearest else ""
        lines.append(f"{mark} {escape(clip(text))}{escape(hint)}")
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
        lines.append(f"· {escape(clip(record.text, 20))}  {_when(record.due or record.created)}  {escape(targets)}  "
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
