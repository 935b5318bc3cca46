"""A thing asked with no value of a kind (专精特新企业有多少, 专精特新) that the release states for several values
(国家级 1户, 省级 29户; ``zh.yaml``'s ``exclusive_values``): the reply gives every value, from one entry that
states them all or from each value's entry as a part. Part of the core: no Telegram here.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from ..knowledge.model import Entry
from ..language.text import bigrams
from .analyse import EXCLUSIVE, Analysis, salient_nouns
from .decide import Decider, Scored
from .ranking import Ranked
from .result import MatchResult, Status

__all__ = ["values_apart"]

_VALUES_APART_READ = 5  # the entries read for another value of a kind (国家级 beside 省级)
_VALUES_APART_SHARE = 0.6  # of the best's score, at least
_VALUE_REACH = 10  # characters after a value (省级) that a noun asked stands in to be its value


def values_apart(decider: Decider, entries: Sequence[Entry], analysis: Analysis, ranked: Ranked) -> MatchResult | None:
    """The reply to a question that names no value of a kind (专精特新企业有多少) where the best entry states it
    for one value (省级, 29户) and another entry for another (国家级, 1户): an entry close behind that states
    it for both, else the two, each a part. None when the question names a value, or no other entry states
    the same things for another value."""
    facts, best = decider.facts, ranked[0]
    said = facts.said_as_typed(best.index)
    nouns = salient_nouns(analysis.message, decider.vocabulary)
    if not nouns:
        return None
    asked = analysis.plain + analysis.focus + analysis.key  # as typed and as read (山里头 may read 山区)
    for group in EXCLUSIVE:
        of_best = _values_of(said, group, nouns)
        if len(of_best) != 1 or any(v in asked for v in group):
            continue
        stated, thing = list(of_best), next(iter(of_best.values()))
        both: Scored | None = None
        another: tuple[str, Scored] | None = None
        for scored in itertools.islice(ranked, 1, _VALUES_APART_READ):
            if scored.gaps or scored.score < _VALUES_APART_SHARE * best.score:
                continue
            values = list(_values_of(facts.said_as_typed(scored.index), group, nouns, thing))
            if not values or values == stated or not all(facts.mentions(scored.index, n) for n in nouns):
                continue
            if stated[0] in values:  # an entry that states both (全县国家级…1户，省级…29户)
                both = both or scored
            else:
                another = another or (values[0], scored)
        if both is not None:
            entry = entries[both.index]
            return MatchResult(analysis.message, Status.ANSWERED, entry, round(min(both.score, 100.0), 1))
        if another is not None:
            parts = tuple(
                MatchResult(f"{value}{analysis.message}", Status.ANSWERED, entries[s.index],
                            round(min(s.score, 100.0), 1))
                for value, s in ((stated[0], best), another)
            )
            return MatchResult(analysis.message, Status.ANSWERED, parts[0].entry, parts[1].score, parts=parts)
    return None


def _values_of(said: str, group: Sequence[str], nouns: Sequence[str], thing: str = "") -> dict[str, str]:
    """The values of a kind (国家级, 省级) that ``said`` states of the things asked, each with the words after it
    up to the last noun asked (省级 → 专精特新企业): every noun asked follows the value closely, and the words
    are most of ``thing``'s (so 国家级高新技术企业 is no value of 专精特新企业)."""
    found: dict[str, str] = {}
    pairs = bigrams(thing)
    for value in group:
        at = said.find(value)
        while at >= 0:
            after = said[at + len(value) : at + len(value) + _VALUE_REACH]
            ends = [after.find(n) + len(n) for n in nouns if n in after]
            if len(ends) == len(nouns) and (not pairs or 2 * sum(p in after for p in pairs) >= len(pairs)):
                found[value] = after[: max(ends)]
                break
            at = said.find(value, at + 1)
    return found
