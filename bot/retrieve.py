"""Find the entries a question is about, and the evidence that each one matches it.

Candidate entries come from two inverted indexes of character unigrams and bigrams (:mod:`bot.index`),
one over the characters and one over their pinyin syllables (homophone typos). Each entry is scored by
how much of the question's information (IDF-weighted grams) it explains; the best few are compared
again with RapidFuzz against each of their questions, and by how much of their closest questions the
resident's words contain. Grams so common that they carry no information are left out of the first
step, so the work per question grows with the number of *rare* matches, not with the size of the base.

Nothing here decides whether an entry answers the question: that is :mod:`bot.decide`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from .analyse import Analysis
from .index import GramIndex, gram_codes
from .knowledge import Entry, KnowledgeBase
from .text import Normalizer, pinyin_key

__all__ = ["Evidence", "Retriever"]


@dataclass(frozen=True)
class Evidence:
    """How well one shortlisted entry matches a question (every share is 0-1)."""

    index: int
    question: str  # the entry's question closest to what was asked
    coverage: float  # the question's information the entry explains
    contain: float  # how much of the entry's closest question the message contains
    fuzzy: float  # similarity to the entry's closest question
    long_query: bool
    novelty: float  # the question's information no entry of the base explains


class Retriever:
    """The indexes of one knowledge base and the evidence they give for a question."""

    def __init__(self, kb: KnowledgeBase, normalizer: Normalizer, *, answer_weight: float = 0.6, shortlist: int = 8):
        self.entries: tuple[Entry, ...] = kb.entries
        self.shortlist = shortlist
        norm = normalizer.normalize
        self.question_keys: list[list[str]] = []
        self.question_pinyin: list[list[str]] = []
        self._question_texts: list[list[str]] = []
        self.said: list[str] = []  # the answer and quote, normalised, joined by NUL
        char_docs: list[list[tuple[str, float]]] = []
        pinyin_docs: list[list[tuple[str, float]]] = []
        said_keys = iter(normalizer.normalize_many(t for e in self.entries for t in (e.answer, e.quote)))
        for entry in self.entries:
            pieces = (*entry.questions, *entry.keywords)
            given = entry.keys if len(entry.keys) == len(pieces) else tuple(norm(p) for p in pieces)
            keys: list[str] = []
            texts: list[str] = []
            for text, key in zip(pieces, given, strict=True):
                if key and key not in keys:
                    keys.append(key)
                    texts.append(text if text in entry.questions else entry.canonical_question)
            said = next(said_keys) + "\x00" + next(said_keys)
            pinyin = [pinyin_key(k) for k in keys]
            self.question_keys.append(keys)
            self.question_pinyin.append(pinyin)
            self._question_texts.append(texts)
            self.said.append(said)
            char_docs.append([*((k, 1.0) for k in keys), (said, answer_weight)])
            pinyin_docs.append([*((k, 1.0) for k in pinyin), (pinyin_key(said), answer_weight)])
        self.chars = GramIndex.build(char_docs)
        self.pinyin = GramIndex.build(pinyin_docs)
        del char_docs, pinyin_docs
        self._text_cache: dict[int, str] = {}

    def entry_text(self, index: int) -> str:
        """Everything an entry says, normalised: its questions, keywords, answer and quote."""
        text = self._text_cache.get(index)
        if text is None:
            text = self._text_cache[index] = " ".join((*self.question_keys[index], self.said[index]))
        return text

    def answer_key(self, index: int) -> str:
        """The entry's normalised answer, without its quote."""
        return self.said[index].split("\x00", 1)[0]

    def rest_coverage(self, analysis: Analysis, indices: list[int]) -> dict[int, float]:
        """How much of the message outside its asking clause each of these entries explains (0-1)."""
        rest = analysis.key.replace(analysis.focus, " ", 1)
        chars = self.chars.coverage_of(gram_codes(rest), indices)
        sounds = self.pinyin.coverage_of(gram_codes(pinyin_key(rest)), indices)
        return dict(zip(indices, np.maximum(chars, 0.98 * sounds).tolist(), strict=True))

    def evidence(self, analysis: Analysis) -> list[Evidence]:
        """Evidence for each shortlisted entry: coverage, containment, fuzzy similarity, novelty."""
        cov_chars, _ = self.chars.coverage(analysis.grams)
        cov_pinyin, pinyin_idf = self.pinyin.coverage(analysis.pgrams)
        unknown = self.pinyin.gram_ids(list(analysis.pgrams)) < 0
        units = np.fromiter(analysis.pgrams.values(), dtype=np.float64, count=len(analysis.pgrams))
        idf = np.fromiter((pinyin_idf[c] for c in analysis.pgrams), dtype=np.float64, count=len(analysis.pgrams))
        mass = float((idf * units).sum())
        novelty = float((idf * units)[unknown].sum()) / mass if mass else 0.0
        coverage = np.maximum(cov_chars, 0.98 * cov_pinyin)
        hits = np.flatnonzero(coverage)
        if len(hits) > self.shortlist:
            hits = hits[np.argpartition(-coverage[hits], self.shortlist - 1)[: self.shortlist]]
        top = hits.tolist()
        if not top:
            return []
        long_query = len(analysis.key) > 24
        # every question of every shortlisted entry, compared in a few batched RapidFuzz calls
        keys = [k for i in top for k in self.question_keys[i]]
        pinyin = [k for i in top for k in self.question_pinyin[i]]
        fuzzy = np.maximum(
            process.cdist([analysis.key], keys, scorer=fuzz.ratio)[0],
            0.98 * process.cdist([analysis.pkey], pinyin, scorer=fuzz.ratio)[0],
        )
        if analysis.focus != analysis.key:
            fuzzy = np.maximum(fuzzy, 0.95 * process.cdist([analysis.focus], keys, scorer=fuzz.ratio)[0])
            fuzzy = np.maximum(fuzzy, 0.9 * process.cdist([analysis.pfocus], pinyin, scorer=fuzz.ratio)[0])
        if long_query:
            partial = 0.9 * process.cdist([analysis.key], keys, scorer=fuzz.partial_ratio)[0]
            fuzzy = np.maximum(fuzzy, np.where([len(k) >= 4 for k in keys], partial, 0.0))
        # containment of the closest questions of each entry, in one vectorised pass
        closest: list[list[int]] = []
        start = 0
        for index in top:
            n = len(self.question_keys[index])
            closest.append([start + p for p in np.argsort(-fuzzy[start : start + n])[:6].tolist()])
            start += n
        flat = [p for positions in closest for p in positions]
        measured = self.chars.containment(analysis.grams, [keys[p] for p in flat]).tolist()
        contains = dict(zip(flat, measured, strict=True))
        found: list[Evidence] = []
        start = 0
        for index, positions in zip(top, closest, strict=True):
            n = len(self.question_keys[index])
            best_text = self._question_texts[index][0]
            best_rank = -1.0
            best_contain = 0.0
            for p in positions:
                rank = float(fuzzy[p]) + 40 * contains[p]
                if rank > best_rank:
                    best_rank, best_text = rank, self._question_texts[index][p - start]
                best_contain = max(best_contain, contains[p])
            scores = fuzzy[start : start + n]
            start += n
            found.append(
                Evidence(
                    index=index,
                    question=best_text,
                    coverage=float(coverage[index]),
                    contain=best_contain,
                    fuzzy=float(scores.max()) / 100,
                    long_query=long_query,
                    novelty=novelty,
                )
            )
        return found
