"""The lazy ranking places entries exactly as scoring them all and sorting would, and checks fewer of them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.engine.decide import Scored
from bot.engine.ranking import Ranked

# (bound, share of the bound kept by the gaps, base known before checking) per entry: scores and bases that tie
_ENTRIES = st.lists(
    st.tuples(st.sampled_from([10.0, 30.0, 44.0, 50.0, 80.0]), st.sampled_from([0.0, 0.6, 0.7, 1.0]), st.booleans()),
    min_size=1,
    max_size=9,
)


def _ranked(entries: list[tuple[float, float, bool]]) -> tuple[Ranked, list[Scored], list[int]]:
    scored = [Scored(bound * kept, i, f"q{i}", (), bound if known else bound * kept) for i, (bound, kept, known) in
              enumerate(entries)]
    checked: list[int] = []

    def score(index: int) -> Scored:
        checked.append(index)
        return scored[index]

    bases = {i: bound for i, (bound, _, known) in enumerate(entries) if known}
    return Ranked({i: b for i, (b, _, _) in enumerate(entries)}, score, bases=bases), scored, checked


@given(_ENTRIES)
def test_the_order_is_the_order_of_scoring_all(entries: list[tuple[float, float, bool]]) -> None:
    ranked, scored, _ = _ranked(entries)
    full = sorted(scored, key=lambda s: (-s.score, s.index))
    assert ranked[0] == full[0]
    assert list(ranked) == full
    assert len(ranked) == len(full)


@given(_ENTRIES)
def test_the_highest_base_is_the_first_of_the_highest(entries: list[tuple[float, float, bool]]) -> None:
    ranked, scored, _ = _ranked(entries)
    full = sorted(scored, key=lambda s: (-s.score, s.index))
    best = max(full, key=lambda s: s.base)
    other = max((s.base for s in full if s.index != best.index), default=0.0)
    assert ranked.by_base() == (best, other)


def test_an_entry_that_cannot_reach_the_best_is_never_checked() -> None:
    ranked, _, checked = _ranked([(90.0, 1.0, True), (40.0, 1.0, True), (30.0, 0.6, True), (20.0, 1.0, True)])
    assert ranked[0].index == 0 and ranked[1].index == 1
    assert checked == [0, 1]  # the two below 40 wait
    assert ranked.by_base()[0].index == 0 and checked == [0, 1]  # their bases were known
    assert [s.index for s in ranked] == [0, 1, 3, 2]  # 30 kept 0.6 of its bound: 18, below 20
