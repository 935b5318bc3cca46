"""Fitting the thresholds (bot.evaluation.fit) on small labelled sets written here, against the small base of
four facts (conftest): the chosen point follows what the labels say."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.analyse import Analysis
from bot.engine.matching import Matcher, Status
from bot.evaluation import fit as fitting
from bot.evaluation.fit import FitReport, cache_ranking, describe, fit
from bot.knowledge.model import KnowledgeBase
from bot.settings import Thresholds

# 养老985张: only the beds entry's answer says 985, so it scores about 45, far ahead of the rest: answered only
# when answer_alone is 40 or 44 of the grid's 40/44/48
FAIR = "养老985张"


@pytest.fixture(autouse=True)
def small_grid(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[float, ...]]:
    """The grid with every value of answer_alone and one or two of the others: 12 points, not 324."""
    grid = {**fitting.GRID, "answer": (46.0, 58.0), "lead": (4.0,), "lead_alone": (8.0, 16.0), "partial": (55.0,)}
    monkeypatch.setattr(fitting, "GRID", grid)
    return grid


def _write(path: Path, in_scope: list[tuple[str, str]], out_of_scope: tuple[str, ...] = ("明天天气怎么样",)) -> Path:
    lines = ["in_scope:"] + [f'  - {{q: "{q}", facts: ["{fact}"]}}' for q, fact in in_scope]
    lines += ["out_of_scope:"] + [f'  - {{q: "{q}", kind: unmentioned}}' for q in out_of_scope]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_fair_answer_labelled_right_is_kept_by_the_fit(small_kb: KnowledgeBase, tmp_path: Path) -> None:
    labelled = _write(tmp_path / "right.yaml", [(FAIR, "985张"), ("高企有几家", "40户")])
    report = fit(small_kb, [labelled])
    assert report.chosen.thresholds.answer_alone <= 44.0  # low enough to answer it
    assert report.chosen.right == 1.0 and report.chosen.wrong == 0.0 and report.chosen.oos_declined == 1.0


def test_the_same_answer_labelled_wrong_makes_the_fit_stricter(small_kb: KnowledgeBase, tmp_path: Path) -> None:
    # the set says a right answer to it must state 1000张, which the base does not: answering it is wrong
    labelled = _write(tmp_path / "wrong.yaml", [(FAIR, "1000张"), ("高企有几家", "40户")])
    report = fit(small_kb, [labelled])
    assert report.chosen.thresholds.answer_alone == 48.0  # the only grid value that declines it
    assert report.chosen.wrong == 0.0 and report.chosen.right == 0.5


def test_each_set_left_out_is_measured_at_the_point_fitted_on_the_others(small_kb: KnowledgeBase, tmp_path: Path) -> None:
    right = _write(tmp_path / "right.yaml", [(FAIR, "985张")])
    wrong = _write(tmp_path / "wrong.yaml", [(FAIR, "1000张"), ("高企有几家", "40户")])
    report = fit(small_kb, [right, wrong])
    assert set(report.held_out) == {str(right), str(wrong)}
    # fitted on the 'wrong' set alone, the point declines 985张床: measured on the 'right' set, nothing is right
    assert report.held_out[str(right)].right == 0.0 and report.held_out[str(right)].wrong == 0.0
    # fitted on the 'right' set alone, it answers 985张床: measured on the 'wrong' set, half is answered wrongly
    assert report.held_out[str(wrong)].wrong == 0.5
    # pooled, a wrong answer costs more than a right one gains (at most 1% wrong): the strict point
    assert report.chosen.thresholds.answer_alone == 48.0


def test_one_set_alone_has_nothing_to_leave_out(small_kb: KnowledgeBase, tmp_path: Path) -> None:
    report = fit(small_kb, [_write(tmp_path / "one.yaml", [("高企有几家", "40户")])])
    assert report.held_out == {}


def test_the_fitted_point_is_on_the_grid_and_the_rest_of_the_thresholds_are_kept(
    small_kb: KnowledgeBase, tmp_path: Path, small_grid: dict[str, tuple[float, ...]]
) -> None:
    base = Thresholds(sure=77.0, suggest=35.0, candidates=2)
    report = fit(small_kb, [_write(tmp_path / "set.yaml", [(FAIR, "985张")])], base=base)
    chosen = report.chosen.thresholds
    assert all(getattr(chosen, name) in values for name, values in small_grid.items())
    assert (chosen.sure, chosen.suggest, chosen.candidates) == (77.0, 35.0, 2)


def test_describe_names_the_chosen_point_and_each_set_left_out(small_kb: KnowledgeBase, tmp_path: Path) -> None:
    sets = [_write(tmp_path / "a.yaml", [(FAIR, "985张")]), _write(tmp_path / "b.yaml", [("高企有几家", "40户")])]
    report: FitReport = fit(small_kb, sets)
    text = describe(report)
    assert text.startswith("chosen: answer=") and f"answer_alone={report.chosen.thresholds.answer_alone:g}" in text
    assert f"{sets[0]}: right" in text and f"{sets[1]}: right" in text


def test_cache_ranking_ranks_each_analysis_once(small_kb: KnowledgeBase) -> None:
    matcher = Matcher(small_kb)
    calls: list[str] = []
    rank = matcher.rank

    def counting(analysis: Analysis, counted: tuple[str, ...] = ()) -> list:  # type: ignore[type-arg]
        calls.append(analysis.key)
        return rank(analysis, counted)

    matcher.rank = counting  # type: ignore[method-assign]
    cache_ranking(matcher)
    first = matcher.match(FAIR)
    ranked = len(calls)
    matcher.decider.thresholds = Thresholds(answer=95.0, answer_alone=95.0, sure=99.0)
    second = matcher.match(FAIR)
    assert ranked >= 1 and len(calls) == ranked  # asked again: the ranking is reused, not redone
    assert first.status is Status.ANSWERED and second.status is Status.AMBIGUOUS  # the decision is redone
