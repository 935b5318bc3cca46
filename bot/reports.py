"""Admin reports (usage statistics, unanswered questions) as HTML text and a PNG chart.

Shared by the Telegram commands /stats and /unanswered and by ``python -m bot stats|unanswered``.
"""

from __future__ import annotations

import io
from html import escape

from . import messages
from .storage import Storage

__all__ = ["stats_chart", "stats_text", "unanswered_text"]


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
