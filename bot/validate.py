"""Whole-base checks that go beyond loading: every entry must be retrieved by its own questions."""

from __future__ import annotations

from .knowledge import KnowledgeBase, Problem
from .matching import Matcher, Status

__all__ = ["check_self_retrieval"]


def check_self_retrieval(kb: KnowledgeBase, matcher: Matcher | None = None) -> list[Problem]:
    """One problem per question that does not reach its own entry (answered, or partial if its answer disclaims it)."""
    matcher = matcher or Matcher(kb)
    problems: list[Problem] = []
    for entry in kb.entries:
        for question, line in zip(entry.questions, entry.question_lines, strict=False):
            result = matcher.match(question)
            # partial is the entry's own honest reply to a question its answer disclaims (哪些事项 when the
            # release gives only how many): the question still reaches its entry
            reached = result.status in (Status.ANSWERED, Status.PARTIAL) and result.entry is not None
            if reached and result.entry is not None and result.entry.id == entry.id:
                continue
            if result.status is Status.SMALLTALK:
                what = "is taken as small talk"
            elif result.entry is not None and result.entry.id == entry.id:
                what = "reaches its entry only as one part of a compound reply"
            elif result.entry is not None:
                what = f"retrieves '{result.entry.id}' instead"
            elif result.candidates:
                what = "is ambiguous between " + ", ".join(c.entry.id for c in result.candidates)
            else:
                what = "retrieves nothing"
            problems.append(
                Problem(entry.file, line, f"question '{question}' of '{entry.id}' {what}; reword it to be specific")
            )
    return problems
