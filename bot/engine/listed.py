"""Two things joined in one question (开发区承诺制项目和全代办事项累计多少, 引进了多少中介机构和人才): the same
question asked of each, as two questions. The matcher asks them only when the entry that answered the message
does not state both things, and keeps them only when each is answered by an entry of its own.

Part of the core: no Telegram here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..knowledge.model import Entry
from ..language import ZH, Vocabulary
from .analyse import QUESTION_MARK, another_value_stated, salient_nouns
from .facts import EntryFacts
from .lexicon import noun_lexicon, segment, verb_like
from .result import MatchResult, Status

__all__ = ["each_apart", "each_asked", "states_thing", "things_joined"]

_JOIN = ZH.pattern("list_join")  # 、, and 和/及/与 between two Chinese characters
_TAIL = frozenset(ZH.words("listed_tail"))  # words that begin the asking after the things (累计, 一共, 分别 …)
_FIGURE_WORDS = frozenset(ZH.words("figure_words"))  # 总数, 数量: the figure of the thing named before them
_CLAUSES = re.compile(r"[，,。？?！!；;\s]+")


def things_joined(message: str) -> tuple[str, str, str, str] | None:
    """(before, first thing, second thing, after) of the one clause that asks and joins two things with one
    joiner, the things being the words right around it up to a verb, a question word or the asking's first
    word; None when the message has no such clause (or more than one join in it)."""
    clauses = [c for c in _CLAUSES.split(message) if c]
    # (a message of one clause asks by itself, with no question word: 养老床位总数和入住率)
    asking = [c for c in clauses if QUESTION_MARK.search(c)] if len(clauses) > 1 else clauses
    if len(asking) != 1:
        return None
    clause = asking[0]
    joins = list(_JOIN.finditer(clause))
    if len(joins) != 1:
        return None
    left, right = clause[: joins[0].start()], clause[joins[0].end() :]
    first = _thing(segment(left)[::-1], reverse=True)
    second = _thing(segment(right), reverse=False)
    if len(first) < 2 or len(second) < 2:
        return None
    return left[: len(left) - len(first)], first, second, right[len(second) :]


def _thing(words: list[str], *, reverse: bool) -> str:
    """The words that name a thing, from the joiner outwards: they stop at a question word, the asking's first word,
    or a verb that heads a predicate (a verb before a noun names a kind: 代办事项)."""
    taken: list[str] = []
    nouns = noun_lexicon()
    for at, word in enumerate(words):
        if QUESTION_MARK.search(word) or word in _TAIL:
            break
        if verb_like(word):
            # reading outwards from the joiner: a verb is a modifier when the word on its right is a noun
            right = (taken[-1] if taken else "") if reverse else (words[at + 1] if at + 1 < len(words) else "")
            if right not in nouns:
                break
        taken.append(word)
    return "".join(taken[::-1] if reverse else taken)


def each_asked(message: str) -> tuple[str, str] | None:
    """The message asked of each of two things it joins (开发区承诺制项目累计多少, 全代办事项累计多少), or None."""
    found = things_joined(message)
    if found is None:
        return None
    before, first, second, after = found
    return f"{before}{first}{after}", f"{before}{second}{after}"


def states_thing(facts: EntryFacts, vocab: Vocabulary, index: int | None, asked: str) -> bool:
    """Whether the entry's answer or quote states the nouns of what is asked (全代办事项累计多少: 事项), and no other
    value of a kind than the one asked (省级专精特新企业 of an entry that states 国家级 alone)."""
    nouns = [n for n in salient_nouns(asked, vocab) if n not in _FIGURE_WORDS]
    if index is None:  # (a passage of the source, no entry)
        return False
    said = facts.said_as_typed(index)
    return bool(nouns) and all(facts.says(index, n) for n in nouns) and not another_value_stated(asked, said)


def each_apart(
    question: str,
    message: str,
    result: MatchResult,
    decide: Callable[[str], MatchResult],
    states: Callable[[Entry, str], bool],
) -> MatchResult:
    """``result``, or the message asked of each of two things it joins, each answered by an entry of its own that
    states it, when the entry of ``result`` does not state both."""
    each = each_asked(message)
    if each is None or (result.entry is not None and all(states(result.entry, t) for t in each)):
        return result
    parts = [decide(asked) for asked in each]
    entries = [p.entry for p in parts]
    held = all(
        p.status is Status.ANSWERED and p.entry is not None and states(p.entry, asked)
        for p, asked in zip(parts, each, strict=True)
    )
    if not held or entries[0] == entries[1]:
        return result
    return MatchResult(question, Status.ANSWERED, entries[0], min(p.score for p in parts), parts=tuple(parts))
