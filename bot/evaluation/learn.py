"""Fit the answer decision (:mod:`bot.engine.decision`) on labelled sets, with leave-one-set-out figures.

``python -m bot fit --learn tests/data/*.yaml`` asks every question of the sets once with the hand-set
decision and records each decision the engine takes on the way (the whole message, its parts, a story's
asking clause or a claim asked again): its features and whether the best entry is right for the
question (dev sets: it is the labelled entry; fresh sets: its answer states every fact of the question
or of one of its parts; out of scope: never). A logistic regression is fitted on those rows, and its
operating point is the probability from which it answers the most rows right while the rows answered
wrongly (of the in-scope rows) and the out-of-scope rows answered stay within ``max_wrong`` and ``max_oos``;
by default within the hand-set decision's own shares on the same rows, so the model is held to answering
no more wrongly than the rules it replaces. (A row is one decision, so these shares are not the judge's
per-question figures: the judge's are measured end to end below.)

Each set is then left out in turn: the model is fitted on the others and the set judged end to end with
it (:func:`bot.evaluation.judge.judge_set`, the same figures as ``python -m bot judge``), beside the hand-set
decision on the same set. Retrieval and the gaps do not depend on the decision, so each analysis is
ranked once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine.analyse import Analysis
from ..engine.decision import FEATURES, DecisionModel, fit_logistic
from ..engine.matching import Matcher, MatchResult, Status
from ..engine.render import to_json
from ..knowledge.model import KnowledgeBase
from .fit import cache_ranking
from .judge import FreshItem, judge_set, load_fresh_set, states_facts

__all__ = ["DEFAULT_MODEL", "LearnReport", "Row", "collect", "learn"]

# not shipped: the learned decision did not measure as well as the hand-set one (README, "Answer quality"), so the
# matcher uses a model only when given one (``Matcher(kb, decision=DecisionModel.load(path))``)
DEFAULT_MODEL = Path("data") / "decision.json"
_THRESHOLDS = tuple(round(0.01 * i, 2) for i in range(10, 100))  # 0.10 … 0.99


@dataclass(frozen=True)
class Row:
    """One decision taken while asking a labelled question."""

    features: tuple[float, ...]
    right: bool  # the best entry is right for the question
    in_scope: bool
    answered: bool  # the hand-set decision answered it


@dataclass(frozen=True)
class Figures:
    right: float
    wrong: float
    oos_declined: float
    noisy_right: float = 0.0


@dataclass(frozen=True)
class LearnReport:
    model: DecisionModel
    rows: int
    held_out: dict[str, tuple[Figures, Figures, float]]  # set -> (hand-set, learned, threshold) on that set
    pooled: tuple[Figures, Figures]  # over the held-out sets, weighted by their sizes


def _right(matcher: Matcher, kb: KnowledgeBase, item: FreshItem, question: str, index: int) -> bool:
    """Whether answering ``question`` with entry ``index`` is right for ``item``."""
    if not item.in_scope:
        return False
    entry = kb.entries[index]
    if item.entry_id:
        return entry.id == item.entry_id
    answer = str(to_json(MatchResult(question, Status.ANSWERED, entry), kb)["answer"])
    return any(states_facts(answer, part) for part in item.parts)


def collect(matcher: Matcher, kb: KnowledgeBase, items: Sequence[FreshItem]) -> list[Row]:
    """Every decision the engine takes while asking ``items`` (with its decision as it stands), labelled."""
    rows: list[Row] = []
    decide = matcher.decide
    current: list[FreshItem] = []

    def recording(question: str, analysis: Analysis, *, part: bool = False) -> MatchResult:
        result = decide(question, analysis, part=part)
        ranked = matcher.rank(analysis)
        features = matcher.features(question, analysis, part=part)
        if features is not None and ranked:
            right = _right(matcher, kb, current[0], question, ranked[0].index)
            rows.append(Row(features, right, current[0].in_scope, result.status is Status.ANSWERED))
        return result

    matcher.decide = recording  # type: ignore[method-assign]
    try:
        for item in items:
            current[:] = [item]
            matcher.match(item.question)
    finally:
        matcher.decide = decide  # type: ignore[method-assign]
    return rows


def row_figures(rows: Sequence[Row], answers: Callable[[Row], bool]) -> Figures:
    """Right and wrong per in-scope row, declined per out-of-scope row, for a decision over the rows."""
    inside = [r for r in rows if r.in_scope]
    outside = [r for r in rows if not r.in_scope]
    right = sum(1 for r in inside if r.right and answers(r))
    wrong = sum(1 for r in inside if not r.right and answers(r))
    declined = sum(1 for r in outside if not answers(r))
    return Figures(
        right / len(inside) if inside else 0.0,
        wrong / len(inside) if inside else 0.0,
        declined / len(outside) if outside else 1.0,
    )


def fit_model(
    rows: Sequence[Row], *, max_wrong: float | None = None, max_oos: float | None = None, l2: float = 1.0
) -> DecisionModel:
    """The logistic regression on ``rows`` at the operating point that answers the most rows right within the bars
    (by default the hand-set decision's own share of rows answered wrongly and of out-of-scope rows answered)."""
    if max_wrong is None or max_oos is None:
        hand = row_figures(rows, lambda r: r.answered)
        max_wrong = hand.wrong if max_wrong is None else max_wrong
        max_oos = 1 - hand.oos_declined if max_oos is None else max_oos
    weights, bias, mean, scale = fit_logistic([r.features for r in rows], [int(r.right) for r in rows], l2=l2)
    model = DecisionModel(weights, bias, mean, scale, threshold=0.5)
    probability = {id(r): model.probability(r.features) for r in rows}
    best: tuple[float, float] | None = None
    for threshold in _THRESHOLDS:
        f = row_figures(rows, lambda r, t=threshold: probability[id(r)] >= t)  # type: ignore[misc]
        if f.wrong <= max_wrong and 1 - f.oos_declined <= max_oos and (best is None or f.right > best[1]):
            best = (threshold, f.right)
    threshold = best[0] if best is not None else _THRESHOLDS[-1]
    return DecisionModel(weights, bias, mean, scale, threshold=threshold)


def _judged(matcher: Matcher, kb: KnowledgeBase, items: Sequence[FreshItem]) -> Figures:
    report = judge_set(items, lambda q: to_json(matcher.match(q), kb))
    return Figures(
        report.rate("in:right", "in"),
        report.rate("in:wrong", "in"),
        report.rate("oos:declined", "oos"),
        report.rate("noisy:right", "noisy"),
    )


def _pool(figures: Sequence[tuple[Figures, int, int, int]]) -> Figures:
    """Figures pooled over sets by their counts (in scope, noisy, out of scope)."""
    n_in = sum(c[1] for c in figures) or 1
    n_noisy = sum(c[2] for c in figures) or 1
    n_oos = sum(c[3] for c in figures) or 1
    return Figures(
        sum(f.right * c for f, c, _, _ in figures) / n_in,
        sum(f.wrong * c for f, c, _, _ in figures) / n_in,
        sum(f.oos_declined * c for f, _, _, c in figures) / n_oos,
        sum(f.noisy_right * c for f, _, c, _ in figures) / n_noisy,
    )


def learn(
    kb: KnowledgeBase,
    sets: Sequence[Path],
    *,
    max_wrong: float | None = None,
    max_oos: float | None = None,
    l2: float = 1.0,
    held_out: bool = True,
    progress: Callable[[str], None] = lambda _: None,
) -> LearnReport:
    """Fit the decision model on ``sets``; with ``held_out``, judge each set left out, hand-set against learned."""
    matcher = Matcher(kb)
    cache_ranking(matcher)
    names = [str(p) for p in sets]
    items = {name: load_fresh_set(path) for name, path in zip(names, sets, strict=True)}
    rows: dict[str, list[Row]] = {}
    for name in names:
        rows[name] = collect(matcher, kb, items[name])
        progress(f"{name}: {len(rows[name])} decisions")
    everything = [r for name in names for r in rows[name]]
    model = fit_model(everything, max_wrong=max_wrong, max_oos=max_oos, l2=l2)
    folds: dict[str, tuple[Figures, Figures, float]] = {}
    if held_out and len(names) > 1:
        for name in names:
            others = [r for n in names if n != name for r in rows[n]]
            fold = fit_model(others, max_wrong=max_wrong, max_oos=max_oos, l2=l2)
            matcher.decision = None
            hand = _judged(matcher, kb, items[name])
            matcher.decision = fold
            learned = _judged(matcher, kb, items[name])
            matcher.decision = None
            folds[name] = (hand, learned, fold.threshold)
            progress(f"{name}: hand-set {_short(hand)}  learned {_short(learned)}  (threshold {fold.threshold:g})")
    sizes = {
        name: (
            sum(1 for i in items[name] if i.group == "in_scope"),
            sum(1 for i in items[name] if i.group == "noisy"),
            sum(1 for i in items[name] if not i.in_scope),
        )
        for name in folds
    }
    pooled = (
        _pool([(folds[n][0], *sizes[n]) for n in folds]),
        _pool([(folds[n][1], *sizes[n]) for n in folds]),
    )
    about: dict[str, Any] = {
        "fitted_on": [Path(n).name for n in names],
        "decisions": len(everything),
        "max_wrong": max_wrong,
        "max_oos": max_oos,
        "l2": l2,
    }
    if folds:
        about["held_out"] = {
            Path(n).name: {"hand_set": _rounded(h), "learned": _rounded(lf)} for n, (h, lf, _) in folds.items()
        }
    model = DecisionModel(model.weights, model.bias, model.mean, model.scale, model.threshold, about=about)
    return LearnReport(model, len(everything), folds, pooled)


def _rounded(f: Figures) -> dict[str, float]:
    return {k: round(v, 4) for k, v in f.__dict__.items()}


def _short(f: Figures) -> str:
    return f"{f.right:.1%} / {f.wrong:.1%} / {f.oos_declined:.1%}"


def describe(report: LearnReport) -> str:
    """The fit as text: the model's weights, and each set's figures left out, hand-set against learned."""
    m = report.model
    lines = [f"learned decision: logistic regression over {len(FEATURES)} features, {report.rows} decisions, "
             f"answers from p >= {m.threshold:g}", "weights per unit (largest first):"]
    lines += [f"  {name:16} {w:+8.2f}" for name, w in m.explain() if abs(w) >= 0.01]
    if report.held_out:
        lines.append("leave one set out, right / wrong / out of scope declined (hand-set  →  learned):")
        for name, (hand, learned, threshold) in report.held_out.items():
            lines.append(f"  {Path(name).name:22} {_short(hand):24} →  {_short(learned)}  (p >= {threshold:g})")
        hand, learned = report.pooled
        lines.append(f"  {'pooled':22} {_short(hand):24} →  {_short(learned)}")
    return "\n".join(lines)
