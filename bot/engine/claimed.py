"""Several values claimed in one message ("33户、总产能300万吨，对吗", "发明专利全市第二，高企全市第一，是不是这样"):
each judged by the entry that states what it is claimed of, as a part of its own. Part of the core: no Telegram
here."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from ..knowledge.model import Entry
from ..language import Vocabulary
from ..language.text import Normalizer
from .analyse import salient_nouns
from .claims import ClaimedValue, judge_claim, without_claim
from .lexicon import segment
from .result import MatchResult, Status

__all__ = ["claims_apart"]

_PIECES = re.compile(r"[、，,；;]")


def claims_apart(
    folded: str,
    values: list[ClaimedValue],
    result: MatchResult,
    *,
    ask: Callable[[str], MatchResult],
    says: Callable[[Entry, str], bool],
    normalizer: Normalizer,
    vocab: Vocabulary,
) -> MatchResult | None:
    """The message's claims, each judged by the entry that states it, as parts; None when the answered entry states
    them all (or another entry states none). ``ask``: a message matched; ``says``: whether an entry states a word."""
    assert result.entry is not None
    parts: list[MatchResult] = []
    for value in sorted(values, key=lambda v: v.start):
        # the piece of the clause that claims it (总产能300万吨 of 某某企业33户、总产能300万吨)
        said = next((p for p in _PIECES.split(value.clause) if value.said in p), value.clause)
        # (judged by the answered entry only when it states what the piece claims it of: 发明专利全市第二 is not
        # judged by the entry of 高企全市第一)
        rest = said.replace(value.said, "")
        words = salient_nouns(rest, vocab) or [w for w in segment(rest) if len(w) >= 2]
        of_it = all(says(result.entry, w) for w in words)
        claim = judge_claim(value, result.entry, normalizer, vocab) if of_it else None
        if claim is not None:
            parts.append(replace(result, question=said, claim=claim))
            continue
        # asked again in its own clause (我爸说某县有多少户某类企业), else in the whole message
        tried = (ask(without_claim(text, value)) for text in dict.fromkeys((value.clause, folded)))
        again = next((r for r in tried if r.status is Status.ANSWERED and r.entry and not r.compound), None)
        if again is None or again.entry is None:
            return None
        claim = judge_claim(value, again.entry, normalizer, vocab)
        if claim is None:
            return None
        parts.append(replace(again, question=said, claim=claim))
    distinct = [p for i, p in enumerate(parts) if all(p.entry != q.entry for q in parts[:i])]
    if len(distinct) < 2:
        return None
    first = distinct[0]
    return MatchResult(
        first.question, Status.ANSWERED, first.entry, min(p.score for p in distinct), parts=tuple(distinct)
    )
