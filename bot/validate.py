"""Whole-base checks that go beyond loading: every entry must be retrieved by its own questions."""

from __future__ import annotations

from .knowledge import KnowledgeBase, Problem
from .matching import Matcher, Status

__all__ = ["check_self_retrieval"]


def check_self_retrieval(kb: KnowledgeBase, matcher: Matcher | None = None) -> list[Problem]:
    """One problem per question that does not give its own entry as a confident answer."""
    matcher = matcher or Matcher(kb)
    problems: list[Problem] = []
    for entry in kb.entries:
        for question, line in zip(entry.questions, entry.question_lines, strict=False):
            result = matcher.match(question)
            if result.status is Status.ANSWERED and result.entry is not None and result.entry.id == entry.id:
                continue
            if result.status is Status.SMALLTALK:
                what = "is taken as small talk"
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
