"""What the engine replies to one message: its status, the entry that answers, the candidates, the parts.

:class:`MatchResult` is what :class:`~bot.engine.matching.Matcher` returns and every adapter renders (chat,
Telegram, ``ask --json``). Part of the core: no Telegram here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ..knowledge.model import Entry
from .claims import Claim
from .compare import Comparison
from .gaps import Gap

__all__ = ["STRENGTH", "Candidate", "MatchResult", "Status"]


class Status(StrEnum):
    ANSWERED = "answered"
    PARTIAL = "partial"
    AMBIGUOUS = "ambiguous"
    NO_MATCH = "no_match"
    SMALLTALK = "smalltalk"


# from the most to the least useful reply: a compound message takes its weakest part's status
STRENGTH = (Status.ANSWERED, Status.PARTIAL, Status.AMBIGUOUS, Status.NO_MATCH)


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    score: float
    question: str  # the entry's question closest to what was asked


@dataclass(frozen=True)
class MatchResult:
    question: str
    status: Status
    entry: Entry | None = None  # answered: the answer; partial: the closest entry; compound: the first part's
    score: float = 0.0
    candidates: tuple[Candidate, ...] = ()
    smalltalk: str = ""  # greeting / thanks / identity / bye / help
    out_of_scope: str = ""  # the out-of-scope term that blocked a confident answer, if any
    gaps: tuple[Gap, ...] = ()  # partial: what the entry does not state of what was asked
    parts: tuple[MatchResult, ...] = field(default=())  # a message that asks several things: one per part
    claim: Claim | None = None  # answered: a figure, year, rank or name the message checks, and whether it holds
    comparison: Comparison | None = None  # answered: two stated figures a message compares (A和B哪个多)
    read_as: str = ""  # a follow-up ("那省级的呢"): the question it was read as, with the previous one's subject

    @property
    def asked(self) -> str:
        """What this reply answers, in full: the next follow-up leans on it."""
        return self.read_as or self.question

    @property
    def compound(self) -> bool:
        return len(self.parts) > 1
