"""A message of keywords alone, with spaces between them (无霜期 日照时数, 四创 战略 名片): which keywords go together
and ask one thing, and whether the message asks two or more things rather than one.

Grammar cannot tell: 2017 原煤 产量 asks one thing (one entry states that year's coal output), 无霜期 日照时数
two (two entries, one fact each), and 四创 战略 名片 two (the strategies and the cards; an entry about the man who
named both states all three words and answers neither). So each way of joining neighbouring keywords into groups is
read by the base, and a reading is taken only when every group alone is answered, by entries that differ, and the
message as a whole is not answered by one of them that touches every keyword. Part of the core: no Telegram here.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

from ..knowledge.model import KnowledgeBase
from ..language.text import bigrams
from .facts import EntryFacts
from .result import MatchResult, Status

__all__ = ["groupings", "keyword_groups"]

MAX_KEYWORDS = 4  # keywords tried (at most 7 ways to group four)
SHORTEST_ALONE = 4  # a keyword this long is a clause of its own already (asking_parts parts it)


def groupings(words: Sequence[str]) -> list[tuple[str, ...]]:
    """Every way to join neighbouring keywords into two or more groups, the fewest groups first (in order of where
    the first cut falls)."""
    found = []
    for cuts in range(1, len(words)):
        for chosen in itertools.combinations(range(1, len(words)), cuts):
            bounds = (0, *chosen, len(words))
            found.append(tuple("".join(words[a:b]) for a, b in itertools.pairwise(bounds)))
    return found


def keyword_groups(
    words: Sequence[str],
    whole: MatchResult,
    decide: Callable[[str], MatchResult],
    kb: KnowledgeBase,
    facts: EntryFacts,
) -> list[str]:
    """The groups of keywords a message asks apart, each a part of it, or [] when it asks one thing.

    ``words``: the keywords as typed (none of them four characters long or more: those are clauses of their own);
    ``whole``: the reply to the message as one question; ``decide``: the reply to one group alone.
    """
    if not 2 <= len(words) <= MAX_KEYWORDS or all(len(w) >= SHORTEST_ALONE for w in words):
        return []
    read: dict[str, MatchResult] = {}

    def reply(group: str) -> MatchResult:
        if group not in read:
            read[group] = decide(group)
        return read[group]

    def touches(result: MatchResult, word: str) -> bool:
        """Whether the entry of ``result`` states a word of two characters of ``word`` (医院 of 县医院)."""
        index = kb.index_of(result.entry.id) if result.entry is not None else None
        return index is not None and any(facts.mentions(index, pair) for pair in bigrams(word) or {word})

    for groups in groupings(words):
        replies = []
        for group in groups:
            r = reply(group)
            if r.status is not Status.ANSWERED or r.compound or r.entry is None:
                break
            replies.append(r)
        else:
            entries = [r.entry for r in replies]
            if len(set(entries)) < len(entries):
                continue  # (two groups answered by one entry: it is one thing asked, however grouped)
            # the whole message answered by one of the groups' entries that touches every keyword (县人民医院 of
            # 县医院): the others are its context, one thing asked
            if whole.status is Status.ANSWERED and whole.entry in entries and all(touches(whole, w) for w in words):
                return []
            return list(groups)
    return []
