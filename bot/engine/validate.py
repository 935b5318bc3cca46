"""Whole-base checks that go beyond loading: every entry must be reached by its own questions, the place's
example questions must be answered, and words the admins marked as not covered must really be absent.

Problems stop a base from loading (``validate`` exits 1); warnings are printed and leave it valid.
:func:`check_near` runs the own-question check on the part of a base one edited entry can change (an admin's
edit is checked in well under a second, whatever the size of the base).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..knowledge.model import Entry, KnowledgeBase, quote_key
from ..knowledge.problems import Problem
from ..language import ZH
from ..language.text import chinese_numerals_to_digits
from .analyse import analyse
from .matching import Matcher, MatchResult, Status
from .render import describe_gaps

_LETTERS = re.compile(r"[A-Za-z]")
# a figure in 万 or 亿 that no unit follows (约35万。), in an answer
_BARE_FIGURE = ZH.pattern("bare_figure")

__all__ = ["check_base", "check_near", "check_self_retrieval", "near_entries"]


def _why(result: MatchResult) -> str:
    if result.status is Status.SMALLTALK:
        return "is taken as small talk"
    if result.entry is not None:
        return f"retrieves '{result.entry.id}' instead"
    if result.candidates:
        return "is ambiguous between " + ", ".join(c.entry.id for c in result.candidates)
    return "retrieves nothing"


def check_self_retrieval(kb: KnowledgeBase, matcher: Matcher | None = None) -> list[Problem]:
    """One problem per question that does not reach its own entry (answered, or partial if its answer disclaims it)."""
    return check_base(kb, matcher)[0]


def check_base(kb: KnowledgeBase, matcher: Matcher | None = None) -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings) of a loaded base; see the module's docstring."""
    matcher = matcher or Matcher(kb)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    _check_own_questions(kb.entries, matcher, problems, warnings)
    _check_examples(kb, matcher, problems)
    warnings += _not_covered_words_stated(kb)
    warnings += _figures_without_units(kb)
    warnings += _answers_that_reply_yes(kb)
    return problems, warnings


def near_entries(matcher: Matcher, questions: Iterable[str]) -> set[int]:
    """The entries (indexes into the base's entries) the retriever ranks close to any of ``questions``."""
    vocab = matcher.decider.vocabulary
    near: set[int] = set()
    for question in questions:
        analysis = analyse(matcher.normalizer, question, vocab)
        if analysis.key:
            near |= matcher.shortlisted(analysis)
    return near


def check_near(
    kb: KnowledgeBase, matcher: Matcher, entry_id: str, moved: Iterable[str], *, before: Matcher | None = None
) -> list[Problem]:
    """The own-question check (:func:`check_self_retrieval`) of what an edit of entry ``entry_id`` can change, with
    ``matcher`` built on the edited base ``kb``: every question of that entry; the questions of the entries the
    retriever ranks close to ``moved`` (the questions the edit added or took away: the words that moved in the
    index) that find the edited entry among their closest, in this engine or in ``before`` (the engine before the
    edit); and the place's examples.

    An edit changes one entry's row of the index, and a question is decided among the entries retrieval shortlists
    for it: a question that does not shortlist the edited entry gets the reply it got before.
    """
    index = kb.index_of(entry_id)
    old_index = before.kb.index_of(entry_id) if before is not None else None
    problems: list[Problem] = []
    if index is not None:
        _check_own_questions([kb.entries[index]], matcher, problems, [])
    vocab = matcher.decider.vocabulary
    for near in sorted(near_entries(matcher, moved) - {index}):
        entry = kb.entries[near]
        for question, line in zip(entry.questions, entry.question_lines, strict=False):
            analysis = analyse(matcher.normalizer, question, vocab)
            reaches = index in matcher.shortlisted(analysis) or (
                before is not None and old_index in before.shortlisted(analysis)
            )
            if reaches or _LETTERS.search(question):  # letters are read as Chinese first: no shortcut
                _check_question(entry, question, line, matcher, problems, [])
    _check_examples(kb, matcher, problems)
    return problems


def _check_own_questions(
    entries: Iterable[Entry], matcher: Matcher, problems: list[Problem], warnings: list[Problem]
) -> None:
    for entry in entries:
        for question, line in zip(entry.questions, entry.question_lines, strict=False):
            _check_question(entry, question, line, matcher, problems, warnings)


def _check_question(
    entry: Entry, question: str, line: int, matcher: Matcher, problems: list[Problem], warnings: list[Problem]
) -> None:
    """A problem if ``question`` of ``entry`` does not reach it; a warning if it reaches it only in part."""
    result = matcher.match(question)
    own = result.entry is not None and result.entry.id == entry.id
    if own and result.status is Status.ANSWERED:
        return
    if result.status is Status.ANSWERED and not result.compound and _same_words(result.entry, entry):
        return  # answered in the source's own words that the entry quotes (a part's heading, found by its place)
    if own and result.status is Status.PARTIAL:
        # the entry's own honest reply to a question its answer disclaims (哪些事项 when the release gives
        # only how many): the question reaches its entry, but the resident is told what is missing
        warnings.append(
            Problem(
                entry.file,
                line,
                f"warning: question '{question}' of '{entry.id}' is answered only in part (the bot says the "
                f"release does not state {describe_gaps(result.gaps)}); state it in the answer, or drop "
                "the question",
            )
        )
        return
    what = "reaches its entry only as one part of a compound reply" if own else _why(result)
    problems.append(
        Problem(entry.file, line, f"question '{question}' of '{entry.id}' {what}; reword it to be specific")
    )


def _same_words(found: Entry | None, entry: Entry) -> bool:
    """Whether a passage of the source answered with exactly the words the entry quotes."""
    return found is not None and found.source == entry.source and quote_key(found.quote) == quote_key(entry.quote)


def _check_examples(kb: KnowledgeBase, matcher: Matcher, problems: list[Problem]) -> None:
    place = kb.place
    for example in place.examples:
        result = matcher.match(example)
        if result.status is not Status.ANSWERED:
            problems.append(
                Problem(
                    place.file,
                    1,
                    f"example '{example}' is not answered ({result.status}, {_why(result)}); "
                    "use a question one entry answers",
                )
            )


def _figures_without_units(kb: KnowledgeBase) -> list[Problem]:
    """An answer's figure in 万 or 亿 with no unit after it (约35万): the bot cannot tell what it counts."""
    found: list[Problem] = []
    for entry in kb.entries:
        for match in _BARE_FIGURE.finditer(chinese_numerals_to_digits(entry.answer)):
            found.append(
                Problem(
                    entry.file,
                    entry.line,
                    f"warning: the answer of '{entry.id}' states '{match.group(0)}' without a unit; write what it "
                    "counts after it (35万人, 3.6亿元) as the release does",
                )
            )
    return found


_REPLY_FIRST = ZH.pattern("reply_first")  # 是的, 对, 不是: a reply to one question, not a statement of the fact


def _answers_that_reply_yes(kb: KnowledgeBase) -> list[Problem]:
    """An answer that begins by replying yes or no (是的，某县是首批创新型县) reads wrongly after the bot corrects a
    claim (不对，……。是的，……) and after any other question: the answer states the fact."""
    return [
        Problem(
            entry.file,
            entry.line,
            f"warning: the answer of '{entry.id}' begins '{match.group(0)}'; state the fact without it (the bot "
            "says itself whether a claim holds)",
        )
        for entry in kb.entries
        if (match := _REPLY_FIRST.match(entry.answer))
    ]


def _not_covered_words_stated(kb: KnowledgeBase) -> list[Problem]:
    """A not_covered word that an entry states blocks every other entry from answering questions with it."""
    found: list[Problem] = []
    path = Path(kb.directory) / "scope.yaml"
    lines = path.read_text(encoding="utf-8").split("\n") if path.is_file() else []
    for word in kb.scope.not_covered:
        holders = [e for e in kb.entries if any(word in text for text in (*e.questions, e.answer, e.quote))]
        if holders:
            first = holders[0]
            others = f" and {len(holders) - 1} more" if len(holders) > 1 else ""
            found.append(
                Problem(
                    str(path),
                    next((i for i, text in enumerate(lines, 1) if word in text.split("#")[0]), 1),
                    f"warning: not_covered '{word}' occurs in entry '{first.id}' ({first.file}:{first.line}){others}; "
                    "a not_covered word blocks every entry that lacks it: remove it from not_covered",
                )
            )
    return found
