"""HTML replies and inline keyboards for Telegram; all user and knowledge text is escaped."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from .. import messages
from ..knowledge import Entry, KnowledgeBase
from ..matching import MatchResult, Status
from ..privacy import excerpt
from ..render import answer_text, cited, describe_gaps, fallback_text

MAX_CALLBACK = 64
HEADING_EXCERPT = 15  # characters of a resident's words a part heading may repeat (masked), then "…"


def callback(*parts: str) -> str:
    """Callback data within Telegram's 64 bytes (entry ids are short; anything longer is refused)."""
    data = "|".join(parts)
    if len(data.encode()) > MAX_CALLBACK:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def answer_html(kb: KnowledgeBase, entry: Entry) -> str:
    source = kb.source_of(entry)
    head = f"《{escape(source.title)}》"
    if entry.section:
        head += f" · {escape(entry.section)}"
    return f"{escape(entry.answer)}\n\n{head}\n<blockquote>{escape(entry.quote)}</blockquote>"


def answer_keyboard(kb: KnowledgeBase, entry: Entry) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(messages.BUTTON_UP, callback_data=callback("f", "+", entry.id)),
            InlineKeyboardButton(messages.BUTTON_DOWN, callback_data=callback("f", "-", entry.id)),
            InlineKeyboardButton(messages.BUTTON_SOURCE, callback_data=callback("s", entry.id)),
        ]
    ]
    for related_id in entry.related[:3]:
        related = kb.by_id.get(related_id)
        if related is not None:
            rows.append([InlineKeyboardButton(related.canonical_question, callback_data=callback("a", related.id))])
    return InlineKeyboardMarkup(rows)


def choices_keyboard(result: MatchResult) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(c.entry.canonical_question, callback_data=callback("a", c.entry.id))]
         for c in result.candidates]
    )


def partial_html(kb: KnowledgeBase, result: MatchResult) -> str:
    """A partial reply: what the release does not state, then the closest fact with its citation."""
    assert result.entry is not None
    intro = escape(messages.PARTIAL.format(missing=describe_gaps(result.gaps)))
    return f"{intro}\n{answer_html(kb, result.entry)}\n{escape(messages.PARTIAL_HINT)}"


def compound_html(kb: KnowledgeBase, result: MatchResult) -> str:
    """The blocks of :func:`compound_blocks` as one text."""
    return "\n\n".join(compound_blocks(kb, result))


def compound_blocks(kb: KnowledgeBase, result: MatchResult) -> list[str]:
    """One block per asked part: its heading, then its answer and citation, or what is not covered.

    The heading repeats only a short excerpt of the resident's words, with ID-card and mobile numbers
    masked: in a group it is read by everyone.
    """
    blocks = []
    for part in result.parts:
        question = excerpt(part.question, HEADING_EXCERPT)
        heading = f"<b>{escape(messages.PART_HEADING.format(question=question))}</b>"
        if part.status is Status.ANSWERED and part.entry is not None:
            body = answer_html(kb, part.entry)
        elif part.status is Status.PARTIAL and part.entry is not None:
            intro = escape(messages.PARTIAL.format(missing=describe_gaps(part.gaps)))
            body = f"{intro}\n{answer_html(kb, part.entry)}"
        else:
            body = escape(answer_text(part, kb) or fallback_text(part, kb))
        blocks.append(f"{heading}\n{body}")
    return blocks


def reply_parts(kb: KnowledgeBase, result: MatchResult) -> tuple[list[str], InlineKeyboardMarkup | None]:
    """The reply as its parts (one block per asked part of a compound reply, else one text) and its keyboard:
    a reply too long for one message is split between parts first."""
    text, markup = reply_for(kb, result)
    return (compound_blocks(kb, result) if result.compound else [text]), markup


def reply_for(kb: KnowledgeBase, result: MatchResult) -> tuple[str, InlineKeyboardMarkup | None]:
    """The HTML text and keyboard for a match result."""
    if result.compound:
        first = next((p.entry for p in result.parts if cited(p) and p.entry is not None), None)
        return compound_html(kb, result), answer_keyboard(kb, first) if first is not None else None
    if result.status is Status.ANSWERED and result.entry is not None:
        return answer_html(kb, result.entry), answer_keyboard(kb, result.entry)
    if result.status is Status.PARTIAL and result.entry is not None:
        return partial_html(kb, result), answer_keyboard(kb, result.entry)
    if result.status is Status.SMALLTALK:
        return escape(answer_text(result, kb)), None
    if result.status is Status.AMBIGUOUS:
        return escape(messages.AMBIGUOUS_INTRO), choices_keyboard(result)
    return escape(fallback_text(result, kb)), None


def topics_keyboard(kb: KnowledgeBase) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(f"{topic}（{len(kb.entries_of(topic))}）", callback_data=callback("t", str(i)))]
         for i, topic in enumerate(kb.topics)]
    )


def topic_questions_keyboard(
    kb: KnowledgeBase, index: int, *, page: int = 0, per_page: int = 8
) -> InlineKeyboardMarkup:
    topic = kb.topics[index]
    entries = kb.entries_of(topic)
    chunk = entries[page * per_page : (page + 1) * per_page]
    rows = [[InlineKeyboardButton(e.canonical_question, callback_data=callback("a", e.id))] for e in chunk]
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton("‹ 上一页", callback_data=callback("t", str(index), str(page - 1))))
    if (page + 1) * per_page < len(entries):
        nav.append(InlineKeyboardButton("下一页 ›", callback_data=callback("t", str(index), str(page + 1))))
    if nav:
        rows.append(nav)
    rows.append([InlineKeyboardButton(messages.TOPICS_BACK, callback_data=callback("T"))])
    return InlineKeyboardMarkup(rows)
