"""Find the entries a question is about, and the evidence that each one matches it.

Candidate entries come from two inverted indexes of character unigrams and bigrams (:mod:`bot.engine.index`),
one over the characters and one over their pinyin syllables (homophone typos). Each entry is scored by
how much of the question's information (IDF-weighted grams) it explains; the best few are compared
again with RapidFuzz against each of their questions, and by how much of their closest questions the
resident's words contain. Grams so common that they carry no information are left out of the first
step, so the work per question grows with the number of *rare* matches, not with the size of the base.

Nothing here decides whether an entry answers the question: that is :mod:`bot.engine.decide`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from ..knowledge.model import Entry, KnowledgeBase
from ..knowledge.table import Ragged, StringTable, StringTableBuilder
from ..language.text import Normalizer, pinyin_key
from .analyse import Analysis
from .index import FileArray, GramIndex, Lookup, gram_codes

__all__ = ["ANSWER_WEIGHT", "Evidence", "RetrievalData", "Retriever"]


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


class _Rows:
    """Each entry's row of strings (its keys, pinyin keys or question texts), read from the string table."""

    def __init__(self, strings: StringTable, rows: Ragged) -> None:
        self._strings = strings
        self._rows = rows
        self._cache: dict[int, list[str]] = {}  # the rows of the entries that come up (bounded)

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: int) -> list[str]:
        row = self._cache.get(index)
        if row is None:
            if len(self._cache) >= 20_000:
                self._cache.clear()
            row = self._cache[index] = self._strings.many(self._rows.row(index))
        return row


class _Said:
    """Each entry's normalised answer and quote, joined by NUL."""

    def __init__(self, strings: StringTable, numbers: np.ndarray) -> None:
        self._strings = strings
        self._numbers = numbers

    def __len__(self) -> int:
        return len(self._numbers)

    def __getitem__(self, index: int) -> str:
        return self._strings[int(self._numbers[index])]


@dataclass(frozen=True)
class RetrievalData:
    """What retrieval needs of a base, in arrays: built once, stored in the compiled snapshot.

    Per entry: its distinct matching keys (questions, then keywords), their pinyin keys, the question
    each key stands for, and what it says (normalised answer NUL quote), all as numbers in one string
    table; and the two gram indexes.
    """

    strings: StringTable
    keys: Ragged
    sounds: Ragged  # pinyin of each key (same rows as keys)
    texts: Ragged  # the question each key stands for (a keyword stands for the entry's first question)
    said: np.ndarray
    chars: GramIndex
    pinyin: GramIndex
    answer_weight: float

    @staticmethod
    def arrays(
        entries: Sequence[Entry], normalizer: Normalizer, strings: StringTableBuilder, *, answer_weight: float
    ) -> dict[str, np.ndarray]:
        """The arrays of :class:`RetrievalData` for these entries (their strings added to ``strings``)."""
        norm = normalizer.normalize
        key_rows: list[list[int]] = []
        sound_rows: list[list[int]] = []
        text_rows: list[list[int]] = []
        said_numbers: list[int] = []
        char_docs: list[list[tuple[str, float]]] = []
        pinyin_docs: list[list[tuple[str, float]]] = []
        said_keys = iter(normalizer.normalize_many(t for e in entries for t in (e.answer, e.quote)))
        for entry in entries:
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
            key_rows.append(strings.add_all(keys))
            sound_rows.append(strings.add_all(pinyin))
            text_rows.append(strings.add_all(texts))
            said_numbers.append(strings.add(said))
            char_docs.append([(k, 1.0) for k in keys] + [(said, answer_weight)])
            pinyin_docs.append([(k, 1.0) for k in pinyin] + [(pinyin_key(said), answer_weight)])
        out: dict[str, np.ndarray] = {}
        for name, rows in (("keys", key_rows), ("sounds", sound_rows), ("texts", text_rows)):
            ragged = Ragged.from_rows(rows)
            out[f"retrieval_{name}_offsets"] = ragged.offsets
            out[f"retrieval_{name}_values"] = ragged.values
        del key_rows, sound_rows, text_rows
        out["retrieval_said"] = np.asarray(said_numbers, dtype=np.int32)
        out["retrieval_answer_weight"] = np.asarray([answer_weight])
        out.update(GramIndex.build(char_docs).arrays("chars_"))
        del char_docs
        out.update(GramIndex.build(pinyin_docs).arrays("pinyin_"))
        return out

    @classmethod
    def from_arrays(cls, strings: StringTable, arrays: Mapping[str, np.ndarray | FileArray]) -> RetrievalData:
        def array(name: str) -> np.ndarray:
            found = arrays[name]
            assert isinstance(found, np.ndarray), name
            return found

        def ragged(name: str) -> Ragged:
            return Ragged(array(f"retrieval_{name}_offsets"), array(f"retrieval_{name}_values"))

        return cls(
            strings=strings,
            keys=ragged("keys"),
            sounds=ragged("sounds"),
            texts=ragged("texts"),
            said=array("retrieval_said"),
            chars=GramIndex.from_arrays(arrays, "chars_"),
            pinyin=GramIndex.from_arrays(arrays, "pinyin_"),
            answer_weight=float(array("retrieval_answer_weight")[0]),
        )

    @classmethod
    def build(cls, entries: Sequence[Entry], normalizer: Normalizer, *, answer_weight: float) -> RetrievalData:
        """Built in memory, for a base read from YAML."""
        strings = StringTableBuilder()
        arrays = cls.arrays(entries, normalizer, strings, answer_weight=answer_weight)
        return cls.from_arrays(strings.build(), arrays)


ANSWER_WEIGHT = 0.6  # what an entry's answer and quote count for in its index, against its questions' 1
# Above this many postings for a question's grams (both indexes), candidates come from the rare grams first
# (GramIndex.candidates) rather than from adding up every posting list: same shortlist, less work.
EXACT_VOLUME = 20_000


def _every_bigram_in(index: GramIndex, key: str) -> bool:
    """Whether every bigram of the key is in the index's vocabulary (a key of one character has none)."""
    codes = [(ord(a) << 21) | ord(b) for a, b in itertools.pairwise(key)]
    return bool(codes) and bool((index.gram_ids(codes) >= 0).all())


class Retriever:
    """The indexes of one knowledge base and the evidence they give for a question."""

    def __init__(
        self, kb: KnowledgeBase, normalizer: Normalizer, *, answer_weight: float = ANSWER_WEIGHT, shortlist: int = 8
    ) -> None:
        self.entries: Sequence[Entry] = kb.entries
        self.shortlist = shortlist
        data = kb.compiled
        if not isinstance(data, RetrievalData) or data.answer_weight != answer_weight:
            data = RetrievalData.build(kb.entries, normalizer, answer_weight=answer_weight)
        self.data = data
        self.chars = data.chars
        self.pinyin = data.pinyin
        self._question_keys = _Rows(data.strings, data.keys)
        self._question_pinyin = _Rows(data.strings, data.sounds)
        self._question_texts = _Rows(data.strings, data.texts)
        self._said = _Said(data.strings, data.said)  # the answer and quote, normalised, joined by NUL
        self._text_cache: dict[int, str] = {}

    def entry_text(self, index: int) -> str:
        """Everything an entry says, normalised: its questions, keywords, answer and quote."""
        text = self._text_cache.get(index)
        if text is None:
            if len(self._text_cache) >= 50_000:  # bounded, whatever the size of the base
                self._text_cache.clear()
            text = self._text_cache[index] = " ".join((*self._question_keys[index], self._said[index]))
        return text

    def said_key(self, index: int) -> str:
        """The entry's normalised answer and quote, joined by NUL."""
        return self._said[index]

    def answer_key(self, index: int) -> str:
        """The entry's normalised answer, without its quote."""
        return self._said[index].split("\x00", 1)[0]

    def question_keys(self, index: int) -> list[str]:
        """The entry's distinct matching keys (questions, then keywords)."""
        return self._question_keys[index]

    def warm(self) -> None:
        """Weigh every entry's matching keys for :meth:`evidence` now, when they all fit the index's cache (a
        small base): the first question about each entry then does not pay for it."""
        self.chars.remember(key for index in range(len(self.entries)) for key in self._question_keys[index])

    def states_word(self, word: str) -> bool:
        """Whether some entry states the word: every bigram of it is in the base's character index."""
        return _every_bigram_in(self.chars, word)

    def states_character(self, character: str) -> bool:
        """Whether some entry states this character."""
        return bool((self.chars.gram_ids([ord(character)]) >= 0).all())

    def sounds_stated(self, word: str) -> bool:
        """Whether some entry states a word that sounds like this one (四行 typed for 四星): every bigram of its
        pinyin key is in the base's sound index."""
        return _every_bigram_in(self.pinyin, pinyin_key(word))

    def entries_stating(self, word: str) -> list[int]:
        """The entries whose questions, keywords, answer or quote hold the normalised word: read from the grams'
        postings (the entries that hold at least a third of its grams' weight), then each checked."""
        scores, _ = self.chars.coverage(gram_codes(word))
        return [int(i) for i in np.flatnonzero(scores >= 0.3) if word in self.entry_text(int(i))]

    def rest_coverage(self, analysis: Analysis, indices: list[int]) -> dict[int, float]:
        """How much of the message outside its asking clause each of these entries explains (0-1)."""
        rest = analysis.key.replace(analysis.focus, " ", 1)
        chars = self.chars.coverage_of(gram_codes(rest), indices)
        sounds = self.pinyin.coverage_of(gram_codes(pinyin_key(rest)), indices)
        return dict(zip(indices, np.maximum(chars, 0.98 * sounds).tolist(), strict=True))

    def closest(self, analysis: Analysis) -> list[int]:
        """The entries shortlisted for the question (indexes into ``entries``): the ones :meth:`evidence` measures."""
        return self._shortlist(analysis, self.pinyin.lookup(analysis.pgrams))[0]

    def _shortlist(self, analysis: Analysis, sounds: Lookup) -> tuple[list[int], dict[int, float]]:
        """The entries that explain most of the question (coverage, best of characters and sounds); ``sounds``:
        its pinyin grams looked up."""
        k = self.shortlist
        chars, pinyin = self.chars, self.pinyin
        looked = chars.lookup(analysis.grams)
        small = chars.posting_count + pinyin.posting_count <= EXACT_VOLUME
        if small or chars.volume(looked) + pinyin.volume(sounds) <= EXACT_VOLUME:
            cov_chars, _ = chars.coverage(looked)
            cov_pinyin, _ = pinyin.coverage(sounds)
            coverage = np.maximum(cov_chars, 0.98 * cov_pinyin)
            hits = np.flatnonzero(coverage)
        else:
            # the best of each index hold the best of their maximum
            asked = (chars.prepare(looked), pinyin.prepare(sounds))
            found = np.union1d(chars.top(asked[0], k), pinyin.top(asked[1], k))
            scores = np.maximum(chars.scores_of(asked[0], found), 0.98 * pinyin.scores_of(asked[1], found))
            coverage = np.zeros(chars.size)
            coverage[found] = scores
            hits = found[scores > 0]
        if len(hits) > k:
            hits = hits[np.argpartition(-coverage[hits], k - 1)[:k]]
        top: list[int] = hits.tolist()
        return top, dict(zip(top, coverage[hits].tolist(), strict=True))

    def evidence(self, analysis: Analysis) -> list[Evidence]:
        """Evidence for each shortlisted entry: coverage, containment, fuzzy similarity, novelty."""
        sounds = self.pinyin.lookup(analysis.pgrams)
        mass = sounds.total
        novelty = float(sounds.mass[sounds.gids < 0].sum()) / mass if mass else 0.0
        top, coverage = self._shortlist(analysis, sounds)
        if not top:
            return []
        long_query = len(analysis.key) > 24
        # every question of every shortlisted entry, compared in a few batched RapidFuzz calls
        rows = [self._question_keys[i] for i in top]
        keys = [k for row in rows for k in row]
        pinyin = [k for i in top for k in self._question_pinyin[i]]
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
        for row in rows:
            n = len(row)
            closest.append([start + p for p in np.argsort(-fuzzy[start : start + n])[:6].tolist()])
            start += n
        flat = [p for positions in closest for p in positions]
        measured = self.chars.containment(analysis.grams, [keys[p] for p in flat]).tolist()
        contains = dict(zip(flat, measured, strict=True))
        found: list[Evidence] = []
        start = 0
        for index, row, positions in zip(top, rows, closest, strict=True):
            n = len(row)
            texts = self._question_texts[index]
            best_text = texts[0]
            best_rank = -1.0
            best_contain = 0.0
            for p in positions:
                rank = float(fuzzy[p]) + 40 * contains[p]
                if rank > best_rank:
                    best_rank, best_text = rank, texts[p - start]
                best_contain = max(best_contain, contains[p])
            scores = fuzzy[start : start + n]
            start += n
            found.append(
                Evidence(
                    index=index,
                    question=best_text,
                    coverage=coverage[index],
                    contain=best_contain,
                    fuzzy=float(scores.max()) / 100,
                    long_query=long_query,
                    novelty=novelty,
                )
            )
        return found
