"""Engine settings: where scores turn into statuses (:class:`Thresholds`) and how evidence adds up (:class:`Weights`).

The engine (:mod:`bot.engine.decide`) reads them; the bot's config (:mod:`bot.config`) may override the
thresholds. Both import them from here, so the config never imports the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Thresholds", "Weights"]


@dataclass(frozen=True)
class Thresholds:
    """Where scores turn into statuses (fitted on the labelled sets; the bot's config may override them)."""

    answer: float = 50.0  # at or above (with a clear lead): answered
    lead: float = 4.0  # the best must beat the runner-up by this much to be answered
    sure: float = 88.0  # at or above this the lead is not required (near-exact match)
    answer_alone: float = 44.0  # a lower score is enough when no other entry comes close...
    lead_alone: float = 8.0  # ...that is, when the runner-up is this far behind
    suggest: float = 40.0  # at or above: ambiguous with candidates; below: no_match
    partial: float = 55.0  # a detail is missing but the entry, ungapped, scores this: partial
    ungrounded: int = 1  # unexplained nouns of the asking clause that make a gap
    candidates: int = 3  # at most this many suggestions


@dataclass(frozen=True)
class Weights:
    """How the evidence adds up to a score (short questions; long messages)."""

    coverage: float = 0.4
    contain: float = 0.1
    fuzzy: float = 0.5
    long_coverage: float = 0.5
    long_contain: float = 0.3
    long_fuzzy: float = 0.2
    gap_penalty: float = 0.6  # an entry that does not state what is asked
    number_penalty: float = 0.7  # the question names a number the entry does not have
    list_boost: float = 1.3  # the question names two or more items of a list the entry's answer gives
    unexplained_penalty: float = 0.85  # the thing asked for is a noun no entry of the base states
    focus: float = 0.95  # a long message's asking clause, scored alone, counts this much
    focus_context: float = 0.7  # ... times this plus the entry's coverage of the rest of the message (at most 1)
    novelty: float = 0.3  # short questions: how much words unknown to the whole base count against a match
