"""Fit the decision thresholds on labelled question sets, and report leave-one-set-out figures.

``python -m bot fit tests/data/dev_questions.yaml tests/data/fresh_A.yaml tests/data/fresh_B.yaml``
tries every combination of the answer thresholds on a grid. The operating point is the one that
answers the most in-scope questions right while at most ``max_wrong`` of them are answered wrongly and
at most ``max_oos`` of the out-of-scope questions are answered as fact, pooled over the sets. Each set
is then left out in turn: the point is fitted on the others and measured on it, which estimates how
the fitted point does on questions it was not fitted on. Retrieval and the gaps do not depend on the
thresholds, so each question is analysed and ranked once and only the decision is repeated.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from ..engine.analyse import Analysis
from ..engine.matching import Matcher
from ..engine.ranking import Ranked
from ..engine.render import to_json
from ..knowledge.model import KnowledgeBase
from ..settings import Thresholds
from .judge import FreshItem, judge_set, load_fresh_set

__all__ = ["GRID", "FitReport", "cache_ranking", "fit"]

GRID: dict[str, tuple[float, ...]] = {
    "answer": (46.0, 50.0, 54.0, 58.0),
    "lead": (2.0, 4.0, 8.0),
    "answer_alone": (40.0, 44.0, 48.0),
    "lead_alone": (8.0, 12.0, 16.0),
    "partial": (50.0, 55.0, 60.0),
}


def cache_ranking(matcher: Matcher) -> None:
    """Rank each analysis once: when only the decision changes between runs, the ranking can be reused."""
    cache: dict[tuple[str, str, frozenset[str], tuple[str, ...]], Ranked] = {}
    rank = matcher.rank

    def cached_rank(analysis: Analysis, counted: tuple[str, ...] = ()) -> Ranked:
        key = (analysis.key, analysis.focus, analysis.asks, counted)
        if key not in cache:
            cache[key] = rank(analysis, counted)
        return cache[key]

    matcher.rank = cached_rank  # type: ignore[method-assign]


@dataclass(frozen=True)
class Point:
    thresholds: Thresholds
    right: float
    wrong: float
    oos_declined: float


@dataclass(frozen=True)
class FitReport:
    chosen: Point
    held_out: dict[str, Point]  # set name -> the point fitted without it, measured on it


def _measure(matcher: Matcher, kb: KnowledgeBase, items: Sequence[FreshItem], thresholds: Thresholds) -> Point:
    matcher.decider.thresholds = thresholds
    report = judge_set(items, lambda q: to_json(matcher.match(q), kb))
    in_total = report.counts["in"] + report.counts["noisy"]
    right = (report.counts["in:right"] + report.counts["noisy:right"]) / in_total if in_total else 0.0
    wrong = (report.counts["in:wrong"] + report.counts["noisy:wrong"]) / in_total if in_total else 0.0
    return Point(thresholds, right, wrong, report.rate("oos:declined", "oos"))


def _best(points: Sequence[Point], *, max_wrong: float, max_oos: float) -> Point:
    allowed = [p for p in points if p.wrong <= max_wrong and 1 - p.oos_declined <= max_oos]
    pool = allowed or points  # nothing meets the bars: the least wrong
    if allowed:
        return max(pool, key=lambda p: (p.right, p.oos_declined, -p.wrong))
    return min(pool, key=lambda p: (p.wrong, -p.right))


def fit(
    kb: KnowledgeBase,
    sets: Sequence[Path],
    *,
    max_wrong: float = 0.01,
    max_oos: float = 0.05,
    base: Thresholds | None = None,
) -> FitReport:
    """Fit the thresholds on ``sets`` and measure each set left out."""
    matcher = Matcher(kb, thresholds=base)
    start = matcher.thresholds
    cache_ranking(matcher)
    names = [str(p) for p in sets]
    items = {name: load_fresh_set(path) for name, path in zip(names, sets, strict=True)}
    combos = [
        replace(start, **dict(zip(GRID, values, strict=True)))  # type: ignore[arg-type]
        for values in itertools.product(*GRID.values())
    ]
    per_set = {name: [_measure(matcher, kb, items[name], t) for t in combos] for name in names}

    def pooled(use: Sequence[str]) -> list[Point]:
        points = []
        for i, t in enumerate(combos):
            sizes = [len(items[n]) for n in use]
            total = sum(sizes)
            points.append(
                Point(
                    t,
                    sum(per_set[n][i].right * s for n, s in zip(use, sizes, strict=True)) / total,
                    sum(per_set[n][i].wrong * s for n, s in zip(use, sizes, strict=True)) / total,
                    sum(per_set[n][i].oos_declined * s for n, s in zip(use, sizes, strict=True)) / total,
                )
            )
        return points

    chosen = _best(pooled(names), max_wrong=max_wrong, max_oos=max_oos)
    held_out: dict[str, Point] = {}
    for name in names:
        others = [n for n in names if n != name]
        if not others:
            continue
        point = _best(pooled(others), max_wrong=max_wrong, max_oos=max_oos)
        held_out[name] = per_set[name][combos.index(point.thresholds)]
    matcher.decider.thresholds = start
    return FitReport(chosen, held_out)


def describe(report: FitReport) -> str:
    """The fit as text: the chosen point and each set's figures when it was left out."""
    t = asdict(report.chosen.thresholds)
    lines = [
        "chosen: " + ", ".join(f"{k}={t[k]:g}" for k in GRID),
        f"  pooled: right {report.chosen.right:.1%}  wrong {report.chosen.wrong:.1%}  "
        f"out of scope declined {report.chosen.oos_declined:.1%}",
        "leave one set out (fitted on the others, measured on it):",
    ]
    for name, point in report.held_out.items():
        lines.append(
            f"  {name}: right {point.right:.1%}  wrong {point.wrong:.1%}  "
            f"out of scope declined {point.oos_declined:.1%}"
        )
    return "\n".join(lines)
