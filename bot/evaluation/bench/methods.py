"""The three answerers compared by the benchmark, behind one small interface.

- ``engine``: this project's matcher (bot.engine.matching).
- ``naive``: what one would write in an afternoon: RapidFuzz ``process.extractOne`` over every
  knowledge-base question with ``fuzz.WRatio`` and ``utils.default_process``, answering when the best
  score reaches a threshold tuned on the dev set.
- ``bm25``: Okapi BM25 (rank-bm25) over jieba-segmented questions, same threshold rule.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from ...engine.matching import Matcher, MatchResult, Status
from ...knowledge.model import Entry, KnowledgeBase

__all__ = ["METHODS", "Answerer", "build_answerer", "tune_threshold"]


@dataclass
class Answerer:
    """Raw best (entry, score) per question; ``threshold`` turns it into a MatchResult."""

    name: str
    best: Callable[[str], tuple[Entry | None, float]]
    threshold: float = 0.0
    direct: Callable[[str], MatchResult] | None = None  # the engine decides its own status
    settle: Callable[[], object] | None = None  # waits for what the method prepares in the background at start

    def match(self, question: str) -> MatchResult:
        if self.direct is not None:
            return self.direct(question)
        entry, score = self.best(question)
        if entry is not None and score >= self.threshold:
            return MatchResult(question, Status.ANSWERED, entry, score)
        return MatchResult(question, Status.NO_MATCH, None, score)


def _questions(kb: KnowledgeBase) -> tuple[list[str], list[Entry]]:
    texts: list[str] = []
    owners: list[Entry] = []
    for entry in kb.entries:
        for question in entry.questions:
            texts.append(question)
            owners.append(entry)
    return texts, owners


def build_engine(kb: KnowledgeBase) -> Answerer:
    matcher = Matcher(kb)

    def best(question: str) -> tuple[Entry | None, float]:
        result = matcher.match(question)
        return result.entry, result.score

    return Answerer("engine", best, direct=matcher.match, settle=matcher.warmed)


def build_naive(kb: KnowledgeBase) -> Answerer:
    texts, owners = _questions(kb)

    def best(question: str) -> tuple[Entry | None, float]:
        found = process.extractOne(question, texts, scorer=fuzz.WRatio, processor=utils.default_process)
        if found is None:
            return None, 0.0
        _, score, position = found
        return owners[position], float(score)

    return Answerer("naive", best)


def _jieba_tokens(text: str) -> list[str]:
    import jieba

    return [t for t in jieba.lcut(text.lower()) if t.strip() and not all(not ch.isalnum() for ch in t)]


def build_bm25(kb: KnowledgeBase) -> Answerer:
    import jieba
    from rank_bm25 import BM25Okapi

    jieba.setLogLevel(logging.WARNING)
    texts, owners = _questions(kb)
    bm25 = BM25Okapi([_jieba_tokens(t) or ["∅"] for t in texts])

    def best(question: str) -> tuple[Entry | None, float]:
        tokens = _jieba_tokens(question)
        if not tokens:
            return None, 0.0
        scores = bm25.get_scores(tokens)
        position = int(scores.argmax())
        return owners[position], float(scores[position])

    return Answerer("bm25", best)


METHODS: dict[str, Callable[[KnowledgeBase], Answerer]] = {
    "engine": build_engine,
    "naive": build_naive,
    "bm25": build_bm25,
}


def build_answerer(name: str, kb: KnowledgeBase) -> Answerer:
    return METHODS[name](kb)


def tune_threshold(
    answerer: Answerer, in_scope: Sequence[tuple[str, str]], out_of_scope: Sequence[str]
) -> float:
    """The threshold that maximises right answers plus rejected out-of-scope questions, minus wrong answers."""
    scored_in: list[tuple[float, Entry | None]] = []
    for question, _ in in_scope:
        entry, score = answerer.best(question)
        scored_in.append((score, entry))
    scored_out = [answerer.best(q)[1] for q in out_of_scope]
    candidates = sorted({s for s, _ in scored_in} | set(scored_out) | {0.0})
    best_threshold, best_value = 0.0, float("-inf")
    for threshold in candidates:
        right = sum(1 for (s, e), (_, want) in zip(scored_in, in_scope, strict=True)
                    if s >= threshold and e is not None and e.id == want)
        wrong = sum(1 for (s, e), (_, want) in zip(scored_in, in_scope, strict=True)
                    if s >= threshold and (e is None or e.id != want))
        rejected = sum(1 for s in scored_out if s < threshold)
        value = right + rejected - wrong
        if value > best_value:
            best_threshold, best_value = threshold, value
    return best_threshold
