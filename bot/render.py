"""Turn a MatchResult into what people read: plain text (terminal chat, CLI) and JSON (``ask --json``).

The Telegram adapter renders HTML from the same pieces (:func:`citation_of`, :mod:`bot.messages`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import messages
from .knowledge import Entry, KnowledgeBase
from .matching import MatchResult, Status

__all__ = ["Citation", "citation_of", "render_text", "to_json"]


@dataclass(frozen=True)
class Citation:
    source: str
    title: str
    section: str
    quote: str


def citation_of(kb: KnowledgeBase, entry: Entry) -> Citation:
    source = kb.source_of(entry)
    return Citation(source=source.id, title=source.title, section=entry.section, quote=entry.quote)


def answer_text(result: MatchResult) -> str:
    """The answer a resident gets for answered/smalltalk results, '' otherwise."""
    if result.status is Status.ANSWERED and result.entry is not None:
        return result.entry.answer
    if result.status is Status.SMALLTALK:
        return messages.SMALLTALK.get(result.smalltalk, messages.SMALLTALK["greeting"])
    return ""


def to_json(result: MatchResult, kb: KnowledgeBase) -> dict[str, Any]:
    """The JSON object of ``ask --json``."""
    entry = result.entry if result.status is Status.ANSWERED else None
    citation = citation_of(kb, entry).__dict__ if entry is not None else None
    suggestions = (
        [{"entry_id": c.entry.id, "question": c.entry.canonical_question, "score": c.score} for c in result.candidates]
        if result.status in (Status.AMBIGUOUS, Status.NO_MATCH)
        else []
    )
    return {
        "question": result.question,
        "status": str(result.status),
        "answer": answer_text(result),
        "entry_id": entry.id if entry is not None else None,
        "score": round(float(result.score), 1),
        "citation": citation,
        "suggestions": suggestions,
    }


def render_citation_text(citation: Citation) -> str:
    head = messages.CITATION_SOURCE.format(title=citation.title)
    if citation.section:
        head += messages.CITATION_SECTION.format(section=citation.section)
    return head + "\n" + messages.CITATION_QUOTE.format(quote=citation.quote)


def render_text(result: MatchResult, kb: KnowledgeBase) -> str:
    """The reply as plain text, the same content the Telegram bot sends."""
    if result.status is Status.SMALLTALK:
        return answer_text(result)
    if result.status is Status.ANSWERED and result.entry is not None:
        return result.entry.answer + "\n\n" + render_citation_text(citation_of(kb, result.entry))
    if result.status is Status.AMBIGUOUS:
        lines = [messages.AMBIGUOUS_INTRO]
        lines += [f"{i}. {c.entry.canonical_question}" for i, c in enumerate(result.candidates, 1)]
        lines.append(messages.AMBIGUOUS_HINT)
        return "\n".join(lines)
    return fallback_text(result)


def fallback_text(result: MatchResult) -> str:
    """What to say when nothing in the release answers the question, with a way forward."""
    if not (result.question or "").strip():
        return messages.EMPTY_QUESTION
    if result.out_of_scope:
        return messages.NO_MATCH_OUT_OF_SCOPE.format(term=result.out_of_scope) + "\n" + messages.NO_MATCH_HINT
    return messages.NO_MATCH + "\n" + messages.NO_MATCH_HINT
