"""The shortlisted entries scored with their gaps, best first, each checked only when its place can depend on it.

Checking an entry (:meth:`~bot.engine.decide.Decider.scored`: every registered check against it) is most of the
work of deciding, and a decision reads the first few entries: the best, the runner-up that says something else,
the three candidates. A gap only lowers a score, so the score the evidence alone gives is a bound: the entries
are checked from the highest bound down, and an entry is placed once its score is above the bound of every
entry not yet checked. The order is the one checking them all gives (score, then entry number), read as far as
it is read: ``ranked[0]``, the first three, or all of it (``max``, ``len`` of what comes close).

Part of the core: no Telegram here.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Sequence
from typing import overload

from .decide import Scored

__all__ = ["Ranked"]


class Ranked(Sequence[Scored]):
    """Entries in their final order (score descending, then entry number), scored when first needed.

    ``bounds``: each entry's number and the most it can score; ``score``: the entry scored (never above its
    bound); ``bases``: the entries whose base score is known before they are scored, and that score. With
    ``exact`` every entry is scored at once (a bound that does not hold, e.g. a penalty over 1).
    """

    def __init__(
        self,
        bounds: dict[int, float],
        score: Callable[[int], Scored],
        *,
        bases: dict[int, float] | None = None,
        exact: bool = False,
    ) -> None:
        self._score_of = score
        self._done: dict[int, Scored] = {}
        self._bases = dict(bases or {})
        self._waiting = [(-bound, index) for index, bound in bounds.items()]  # highest bound first
        heapq.heapify(self._waiting)
        self._scored: list[tuple[float, int, Scored]] = []  # checked, not yet placed: (-score, index) heap
        self._placed: list[Scored] = []
        self._size = len(bounds)
        if exact:
            self._place(self._size)

    def _place(self, count: int) -> None:
        """Place entries until ``count`` are placed (or all are)."""
        placed, waiting, scored = self._placed, self._waiting, self._scored
        while len(placed) < count and (waiting or scored):
            # the next placed is the best checked one, once no unchecked entry can reach its score
            if waiting and (not scored or -waiting[0][0] >= -scored[0][0]):
                _, index = heapq.heappop(waiting)
                s = self._score(index)
                heapq.heappush(scored, (-s.score, s.index, s))
                continue
            placed.append(heapq.heappop(scored)[2])

    def _score(self, index: int) -> Scored:
        found = self._done.get(index)
        if found is None:
            found = self._done[index] = self._score_of(index)
        return found

    def by_base(self) -> tuple[Scored, float]:
        """The entry with the highest base score (the first in order of those with it) and the highest base score
        of the others: ``max(ranked, key=base)`` without placing every entry, nor checking one whose bound (its
        base is never above it) cannot reach the two highest bases known."""
        bases = {s.index: s.base for s in (*self._placed, *(t[2] for t in self._scored))}
        unknown: list[tuple[float, int]] = []
        for negative, i in self._waiting:
            if i in self._bases:
                bases[i] = self._bases[i]
            elif i in self._done:
                bases[i] = self._done[i].base
            else:
                unknown.append((-negative, i))
        unknown.sort(key=lambda pair: (-pair[0], pair[1]))
        for bound, i in unknown:
            if len(bases) >= 2 and bound < heapq.nlargest(2, bases.values())[1]:
                break  # (this and every later one is below the second highest known: neither can change)
            bases[i] = self._score(i).base
        top = max(bases.values())
        tied = [i for i, base in bases.items() if base == top]
        best = self._score(tied[0]) if len(tied) == 1 else next(s for s in self if s.base == top)
        return best, max((base for i, base in bases.items() if i != best.index), default=0.0)

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, at: int) -> Scored: ...

    @overload
    def __getitem__(self, at: slice) -> list[Scored]: ...

    def __getitem__(self, at: int | slice) -> Scored | list[Scored]:
        if isinstance(at, slice):
            start, stop, step = at.indices(self._size)
            self._place(stop)
            return self._placed[start:stop:step]
        if at < 0:
            at += self._size
        if not 0 <= at < self._size:
            raise IndexError(at)
        self._place(at + 1)
        return self._placed[at]

    def __iter__(self) -> Iterator[Scored]:
        at = 0
        while at < self._size:
            self._place(at + 1)
            yield self._placed[at]
            at += 1

    def __bool__(self) -> bool:
        return self._size > 0

    def checked(self) -> int:
        """How many entries have been scored so far."""
        return len(self._done)

