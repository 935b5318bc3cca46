"""The answer decision as a learned model: the checks' outcome as features, and a logistic regression over them.

:func:`decision_features` turns what the engine knows when it decides one question (or one part of a
message) into numbers: the best entry's score and base score, its lead over the runner-up that says
something else, whether the next entry concurs, the kinds of gap the best entry has (one per
:class:`~bot.engine.gaps.GapKind`), how many entries come close, the question's length and whether it is a
part of a compound message. :class:`DecisionModel` is a logistic regression over them with an operating
point: it answers the best entry when the probability that the entry is right reaches ``threshold``.

Fitted by ``python -m bot fit --learn`` (:mod:`bot.evaluation.learn`) on the labelled sets; the parameters are data (a
JSON file). The matcher decides with a model only when given one: measured leave one set out, it did not do
as well as the hand-set decision (README, "Answer quality"). Part of the core: no Telegram here, and numpy
only when fitting.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .decide import Scored
from .gaps import GapKind

__all__ = ["FEATURES", "DecisionModel", "ModelError", "decision_features", "fit_logistic"]

_SCALAR = (
    "score",  # the best entry's score (with the gaps' penalties), 0-1
    "base",  # the same entry's score from the evidence alone, 0-1
    "kept",  # score / base: how much the gaps and penalties took
    "lead",  # best minus the runner-up that says something else, 0-1
    "lead_capped",  # the lead, at most 0.1: a small lead is what matters
    "runner_up",  # that runner-up's score, 0-1
    "concurs",  # the next entry gives the same reply (same passage, same people asked who)
    "close",  # entries at or above the suggest threshold, minus one, at most 3
    "gapped",  # the best entry has any gap
    "length",  # characters of the question, log-scaled (log1p(n) / 5)
    "part",  # the question is one part of a compound message
    "score_x_lead",  # score times the capped lead, x10: a high score counts more with a clear lead
    "score_sq",  # score squared: a near-exact match needs no lead
)
FEATURES: tuple[str, ...] = (*_SCALAR, *(f"gap:{kind.value}" for kind in GapKind if kind is not GapKind.WORDS))


class ModelError(ValueError):
    """A decision model file that cannot be used (missing, malformed, or fitted on other features)."""


def decision_features(
    ranked: Sequence[Scored],
    second: float,
    *,
    concurs: bool,
    suggest: float,
    length: int,
    part: bool,
) -> tuple[float, ...]:
    """The features of one decision, in the order of :data:`FEATURES` (``ranked`` best first, not empty)."""
    best = ranked[0]
    score = min(best.score, 100.0) / 100
    base = min(best.base, 100.0) / 100
    lead = max(min(best.score, 100.0) - second, 0.0) / 100
    kinds = {g.kind for g in best.gaps}
    close = sum(1 for s in ranked if s.score >= suggest)
    scalars = (
        score,
        base,
        score / base if base > 0 else 0.0,
        lead,
        min(lead, 0.1),
        min(second, 100.0) / 100,
        1.0 if concurs else 0.0,
        float(min(max(close - 1, 0), 3)),
        1.0 if best.gaps else 0.0,
        math.log1p(length) / 5,
        1.0 if part else 0.0,
        10 * score * min(lead, 0.1),
        score * score,
    )
    return scalars + tuple(1.0 if kind in kinds else 0.0 for kind in GapKind if kind is not GapKind.WORDS)


@dataclass(frozen=True)
class DecisionModel:
    """A logistic regression over :data:`FEATURES` (standardised) and the probability it answers from."""

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float
    features: tuple[str, ...] = FEATURES
    about: dict[str, Any] = field(default_factory=dict, compare=False)  # what it was fitted on, and its figures

    def probability(self, x: Sequence[float]) -> float:
        """The probability that the best entry is the right answer."""
        z = self.bias + sum(
            w * (v - m) / s for w, v, m, s in zip(self.weights, x, self.mean, self.scale, strict=True)
        )
        return 1 / (1 + math.exp(-z)) if z > -30 else 0.0

    def answers(self, x: Sequence[float]) -> bool:
        """Whether to answer with the best entry."""
        return self.probability(x) >= self.threshold

    def explain(self) -> list[tuple[str, float]]:
        """Each feature with its weight per unit of the raw feature, the largest first."""
        per_unit = [(name, w / s) for name, w, s in zip(self.features, self.weights, self.scale, strict=True)]
        return sorted(per_unit, key=lambda p: -abs(p[1]))

    # ----------------------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "weights": [round(w, 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "mean": [round(m, 6) for m in self.mean],
            "scale": [round(s, 6) for s in self.scale],
            "threshold": self.threshold,
            "about": self.about,
        }

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DecisionModel:
        try:
            features = tuple(str(f) for f in data["features"])
            model = cls(
                weights=tuple(float(w) for w in data["weights"]),
                bias=float(data["bias"]),
                mean=tuple(float(m) for m in data["mean"]),
                scale=tuple(float(s) for s in data["scale"]),
                threshold=float(data["threshold"]),
                features=features,
                about=dict(data.get("about") or {}),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"malformed decision model ({exc}); refit it: python -m bot fit --learn") from exc
        if features != FEATURES:
            raise ModelError("the decision model was fitted on other features; refit it: python -m bot fit --learn")
        if not len(model.weights) == len(model.mean) == len(model.scale) == len(FEATURES):
            raise ModelError("the decision model's vectors differ in length; refit it: python -m bot fit --learn")
        return model

    @classmethod
    def load(cls, path: Path) -> DecisionModel:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: {exc}; refit it: python -m bot fit --learn") from exc
        return cls.from_json(data)


def fit_logistic(
    x: Sequence[Sequence[float]],
    y: Sequence[int],
    *,
    l2: float = 1.0,
    sample_weight: Sequence[float] | None = None,
    iterations: int = 50,
) -> tuple[tuple[float, ...], float, tuple[float, ...], tuple[float, ...]]:
    """Weights, bias, mean and scale of an L2-regularised logistic regression on standardised features
    (Newton's method; numpy)."""
    import numpy as np

    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    sw = np.ones(len(ys)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    mean = xs.mean(axis=0)
    scale = xs.std(axis=0)
    scale[scale < 1e-9] = 1.0  # a feature that never varies gets no weight worth speaking of
    z = np.hstack([np.ones((len(ys), 1)), (xs - mean) / scale])
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0  # the bias is not shrunk
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(z @ beta, -30, 30)))
        gradient = z.T @ (sw * (p - ys)) + penalty * beta
        hessian = (z * (sw * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return (
        tuple(float(b) for b in beta[1:]),
        float(beta[0]),
        tuple(float(m) for m in mean),
        tuple(float(s) for s in scale),
    )
