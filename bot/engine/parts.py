"""How the parts of a message answered one by one stand to each other and to the message: whether a part was asked
outright (a question mark after it), whether it asks about another entry than the whole message's answer, and
whether a sentence of the source holds what another answer quotes. Part of the core: no Telegram here."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..knowledge.model import Entry, quote_key
from ..language import Vocabulary
from ..language.text import Normalizer, positions
from .analyse import QUESTION_MARK, Analysis, analyse, last_clause, names_nothing
from .decide import Scored
from .result import MatchResult, Status
from .runon import leans_back

__all__ = ["asked_outright", "asks_elsewhere", "holds", "piece_reader", "tells"]

_MARK_AFTER = re.compile(r"\s*[？?]")  # a question mark right after a clause


def holds(passage: Entry | None, entry: Entry | None) -> bool:
    """Whether a sentence of the source holds the words an entry quotes (the same fact, cited twice)."""
    held = quote_key(entry.quote) if entry is not None else ""
    return passage is not None and bool(held) and held in quote_key(passage.quote)


def asked_outright(part: MatchResult, message: str) -> bool:
    """Whether a part's last clause ends in a question mark in the message (……是哪个领导讲的？), rather than
    running on into the rest of a story (说咱县在全市啥啥第一，我也没听全)."""
    last = last_clause(part.question)
    return bool(last) and any(_MARK_AFTER.match(message, at + len(last)) for at in positions(last, message))


def asks_elsewhere(part: MatchResult, whole: MatchResult) -> bool:
    """Whether a part clearly asks about another entry than the whole message's answer."""
    if part.status in (Status.ANSWERED, Status.PARTIAL):
        return part.entry is not None and part.entry != whole.entry
    if part.status is Status.AMBIGUOUS:
        return all(c.entry != whole.entry for c in part.candidates)
    return False


def tells(normalizer: Normalizer, part: MatchResult, message: str) -> bool:
    """Whether a part only tells (这几年老是裂果): its last clause has no question word and no question mark."""
    last = last_clause(part.question)
    return not QUESTION_MARK.search(normalizer.fold(last)) and not asked_outright(part, message)


def piece_reader(
    normalizer: Normalizer, vocab: Vocabulary, rank: Callable[[Analysis], Sequence[Scored]]
) -> Callable[[str, bool], float]:
    """How well a base reads one piece of asks run together (``first``: the piece begins its clause), by its best
    entry's score; a piece that names nothing (多少亿) asks nothing alone unless it begins by pointing back to what
    came before (那投资是多少钱)."""

    def score(piece: str, first: bool) -> float:
        analysis = analyse(normalizer, piece, vocab)
        named = not names_nothing(analysis.key, vocab) or (first and leans_back(piece))
        ranked = rank(analysis) if analysis.key and named else ()
        return ranked[0].score if ranked else 0.0

    return score
