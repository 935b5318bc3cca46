"""Answer-quality measurement on a labelled question set (tests/data/dev_questions.yaml format)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..engine.matching import MatchResult, Status

__all__ = ["LabelledSet", "QualityReport", "evaluate", "load_labelled_set"]


@dataclass(frozen=True)
class LabelledSet:
    in_scope: tuple[tuple[str, str], ...]  # (question, expected entry id)
    out_of_scope: tuple[str, ...]


def load_labelled_set(path: str | Path) -> LabelledSet:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return LabelledSet(
        in_scope=tuple((str(item["q"]), str(item["id"])) for item in data["in_scope"]),
        out_of_scope=tuple(str(q) for q in data["out_of_scope"]),
    )


@dataclass
class QualityReport:
    total_in: int = 0
    correct: int = 0  # answered with the expected entry
    wrong: int = 0  # answered with another entry
    ambiguous_with_expected: int = 0
    total_out: int = 0
    rejected: int = 0  # out-of-scope not answered
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (question, expected, what happened)
    false_answers: list[tuple[str, str]] = field(default_factory=list)  # (oos question, entry answered)

    @property
    def correct_rate(self) -> float:
        return self.correct / self.total_in if self.total_in else 0.0

    @property
    def wrong_rate(self) -> float:
        return self.wrong / self.total_in if self.total_in else 0.0

    @property
    def rejected_rate(self) -> float:
        return self.rejected / self.total_out if self.total_out else 0.0

    def summary(self) -> str:
        return (
            f"correct answered {self.correct}/{self.total_in} ({self.correct_rate:.1%}), "
            f"wrong answered {self.wrong} ({self.wrong_rate:.1%}), "
            f"out-of-scope rejected {self.rejected}/{self.total_out} ({self.rejected_rate:.1%})"
        )


def evaluate(match: Callable[[str], MatchResult], labelled: LabelledSet) -> QualityReport:
    """Run every labelled question through ``match`` and count outcomes."""
    report = QualityReport(total_in=len(labelled.in_scope), total_out=len(labelled.out_of_scope))
    for question, expected in labelled.in_scope:
        result = match(question)
        if result.status is Status.ANSWERED and result.entry is not None:
            if result.entry.id == expected:
                report.correct += 1
                continue
            report.wrong += 1
            report.misses.append((question, expected, f"answered {result.entry.id} ({result.score})"))
            continue
        ids: Sequence[str] = [c.entry.id for c in result.candidates]
        if result.status is Status.AMBIGUOUS and expected in ids:
            report.ambiguous_with_expected += 1
        report.misses.append((question, expected, f"{result.status} {list(ids)} ({result.score})"))
    for question in labelled.out_of_scope:
        result = match(question)
        if result.status is Status.ANSWERED and result.entry is not None:
            report.false_answers.append((question, f"{result.entry.id} ({result.score})"))
        else:
            report.rejected += 1
    return report
