"""The registry of answerability checks: what one check sees (:class:`Asked`), the checks in the order they
run (:data:`CHECKS`, filled by :func:`check` as the check modules are imported) and :func:`find_gaps`, which
runs them all for one question and one entry. Part of the core: no Telegram here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..analyse import Analysis
from ..facts import EntryFacts
from ..gaps import Gap, GapKind


@dataclass
class Asked:
    """One question against one entry, as the checks see it; each check adds what it finds to ``found``."""

    analysis: Analysis
    index: int
    blocked: str  # the out-of-scope term that rules the entry out, or ''
    text: str  # the entry's matching text (normalised)
    said: str  # its answer and quote, as the index holds them
    ungrounded_min: int  # unexplained nouns that make a gap (Thresholds.ungrounded)
    found: list[Gap] = field(default_factory=list)

    def has(self, *kinds: GapKind) -> bool:
        return any(g.kind in kinds for g in self.found)

    def drop(self, *kinds: GapKind) -> None:
        self.found[:] = [g for g in self.found if g.kind not in kinds]


@dataclass(frozen=True)
class Check:
    """One answerability check: its name (the function's), the gap kinds it finds, and what it does."""

    name: str
    kinds: tuple[GapKind, ...]
    run: Callable[[EntryFacts, Asked], None]


CHECKS: list[Check] = []  # in the order they run: some read or amend what earlier ones found


def check(*kinds: GapKind) -> Callable[[Callable[[EntryFacts, Asked], None]], Callable[[EntryFacts, Asked], None]]:
    """Register a check that finds gaps of these kinds (an empty list: it only amends what others found)."""

    def register(run: Callable[[EntryFacts, Asked], None]) -> Callable[[EntryFacts, Asked], None]:
        CHECKS.append(Check(run.__name__, kinds, run))
        return run

    return register


def find_gaps(
    facts: EntryFacts, analysis: Analysis, index: int, scope_terms: tuple[str, ...], *, ungrounded_min: int
) -> tuple[Gap, ...]:
    """Everything asked that the entry does not state (empty: the entry answers the question)."""
    asked = Asked(
        analysis,
        index,
        facts.blocked_by(scope_terms, index),
        facts.entry_text(index),
        facts.said(index),
        ungrounded_min,
    )
    for registered in CHECKS:
        registered.run(facts, asked)
    return tuple(asked.found)
