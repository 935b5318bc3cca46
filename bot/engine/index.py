"""An inverted index of character unigrams and bigrams, built with NumPy so it scales to 100,000 entries.

Grams are integers: a unigram is the character's code point, a bigram is ``a << 21 | b`` (code points
fit in 21 bits, so the two kinds never collide). Each entry is a document; a posting records the
entry and whether the gram came from its questions (weight 1) or only from its answer (a lower weight).

Grams present in more than ``max_df_ratio`` of the entries carry little information: their postings are
not kept (only their document frequency, for IDF), which bounds both memory and the work per question.
"""

from __future__ import annotations

import itertools
import math
import operator
import os
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from itertools import compress

import numpy as np

__all__ = ["FileArray", "GramIndex", "Lookup", "gram_codes"]

UNIGRAM_WEIGHT = 0.5
BIGRAM_WEIGHT = 1.0
_SHIFT = 21
_CHUNK = 20_000  # entries built at a time, to bound peak memory
_OWNER_BITS = 15  # an entry's number within a chunk
_GRAMS_CACHE = 20_000  # keys whose weighted grams are kept (containment)


def gram_codes(key: str) -> dict[int, float]:
    """Unigram (0.5) and bigram (1.0) codes of a key; every character is a unit."""
    codes = [ord(ch) for ch in key]
    out = dict.fromkeys(codes, UNIGRAM_WEIGHT)
    for a, b in itertools.pairwise(codes):
        out[(a << _SHIFT) | b] = BIGRAM_WEIGHT
    return out


def _text_grams(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every unigram and bigram code of each text: (codes, index of the text, True for bigrams)."""
    joined = "\x00".join(texts) + "\x00"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    valid = codes != 0
    pair = valid[:-1] & valid[1:]
    grams = np.concatenate((codes[valid], (codes[:-1][pair] << _SHIFT) | codes[1:][pair]))
    owners = np.concatenate((owner[valid], owner[:-1][pair]))
    is_bigram = np.concatenate((np.zeros(int(valid.sum()), dtype=bool), np.ones(int(pair.sum()), dtype=bool)))
    return grams, owners, is_bigram


def _chunk_postings(
    docs: Sequence[Sequence[tuple[str, float]]], first: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(gram codes, entry numbers, weights) for a chunk of documents, one row per distinct (gram, entry)."""
    texts: list[str] = []
    owners: list[int] = []
    weights: list[float] = []
    for offset, doc in enumerate(docs):
        for text, text_weight in doc:
            if text:
                texts.append(text)
                owners.append(first + offset)
                weights.append(text_weight)
    if not texts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.astype(np.int32), empty.astype(np.float32)
    all_codes, text_of, _ = _text_grams(texts)
    all_owner = np.asarray(owners, dtype=np.int32)[text_of]
    all_weight = np.asarray(weights, dtype=np.float32)[text_of]
    levels = np.unique(all_weight)[::-1]  # the weights, highest first
    rank_bits = max(1, int(len(levels) - 1).bit_length())
    if len(docs) <= 1 << _OWNER_BITS and rank_bits <= 4:
        # one sort of one int64 key: gram code (42 bits), entry within the chunk, rank of the weight
        rank = np.searchsorted(-levels, -all_weight).astype(np.int64)
        shift = _OWNER_BITS + rank_bits
        key = (all_codes << shift) | ((all_owner.astype(np.int64) - first) << rank_bits) | rank
        key.sort()
        all_codes = key >> shift
        all_owner = ((key >> rank_bits) & ((1 << _OWNER_BITS) - 1)).astype(np.int32) + np.int32(first)
        all_weight = levels[key & ((1 << rank_bits) - 1)]
    else:
        order = np.lexsort((-all_weight, all_owner, all_codes))
        all_codes, all_owner, all_weight = all_codes[order], all_owner[order], all_weight[order]
    first_of_pair = np.ones(len(all_codes), dtype=bool)
    first_of_pair[1:] = (all_codes[1:] != all_codes[:-1]) | (all_owner[1:] != all_owner[:-1])
    return all_codes[first_of_pair], all_owner[first_of_pair], all_weight[first_of_pair]


class FileArray:
    """A one-dimensional array in a ``.npy`` file, read a slice at a time (``os.pread``), never mapped.

    The postings of a large base are read a few short runs per question; mapped, the kernel would bring in
    (and count as resident) large blocks around each, so the process would grow towards the whole file.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        with open(path, "rb") as handle:
            version = np.lib.format.read_magic(handle)
            if version == (1, 0):
                shape, _fortran, dtype = np.lib.format.read_array_header_1_0(handle)
            else:
                shape, _fortran, dtype = np.lib.format.read_array_header_2_0(handle)
            start = handle.tell()
        if len(shape) != 1 or dtype.hasobject:
            raise ValueError(f"{path}: not a flat array")
        self.dtype = dtype
        self._length = int(shape[0])
        self._start = start
        self._fd = os.open(path, os.O_RDONLY)
        self._closer = weakref.finalize(self, os.close, self._fd)

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, span: slice) -> np.ndarray:
        start, stop, step = span.indices(self._length)
        if step != 1:
            raise IndexError("a FileArray is read in runs")
        return self.runs([start], [stop])

    def runs(self, starts: Sequence[int], stops: Sequence[int]) -> np.ndarray:
        """The items of several runs, one after the other."""
        size = self.dtype.itemsize
        chunks = [
            os.pread(self._fd, (stop - start) * size, self._start + start * size)
            for start, stop in zip(starts, stops, strict=True)
            if stop > start
        ]
        return np.frombuffer(b"".join(chunks), dtype=self.dtype)


def _runs(array: np.ndarray | FileArray, starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """``array[starts[i]:stops[i]]`` for every i, concatenated."""
    if isinstance(array, FileArray):
        return array.runs(starts.tolist(), stops.tolist())
    lengths = stops - starts
    within = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    found: np.ndarray = array[np.repeat(starts, lengths) + within]
    return found


_FLAG = np.int32(-(2**31))  # the sign bit of a packed posting: the gram is only in the entry's answer
_NUMBER = np.int32(2**31 - 1)


@dataclass(frozen=True)
class Lookup:
    """A query's grams looked up in one index: in the query's order, each gram's vocabulary number (-1: unknown),
    IDF and mass (IDF times its unit weight), and the mass of them all. Shared by the calls that score it."""

    codes: list[int]
    gids: np.ndarray
    idf: np.ndarray
    mass: np.ndarray
    total: float


@dataclass
class GramIndex:
    """Entry-level inverted index in CSR form over integer gram codes.

    A posting is one int32: the entry number, with the sign bit set when the gram is only in what the
    entry says (weight ``answer_weight``) rather than in its questions (weight 1).
    """

    vocab: np.ndarray  # sorted gram codes
    df: np.ndarray  # entries containing each gram
    offsets: np.ndarray  # postings of vocab[i] are postings[offsets[i]:offsets[i + 1]] (empty if too common)
    postings: np.ndarray | FileArray  # packed entry numbers, ascending within each gram
    size: int
    # the same postings by entry (forward index): entry e's grams (vocabulary numbers, ascending, packed
    # the same way) are forward[forward_offsets[e]:forward_offsets[e + 1]]; scores a few entries exactly
    # in a handful of array operations however many grams the question has
    forward_offsets: np.ndarray
    forward: np.ndarray | FileArray
    answer_weight: float = 1.0

    def __post_init__(self) -> None:
        self._weights = np.asarray([1.0, self.answer_weight], dtype=np.float32)
        self._grams_cache: dict[str, tuple[tuple[int, ...], tuple[float, ...], float]] = {}

    def _unpack(self, packed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(numbers, float32 weights) of packed postings."""
        return packed & _NUMBER, self._weights[(packed < 0).view(np.int8)]

    @property
    def posting_count(self) -> int:
        return len(self.postings)

    @classmethod
    def build(cls, docs: Sequence[Sequence[tuple[str, float]]], *, max_df_ratio: float = 0.2) -> GramIndex:
        """Index documents given as (text, weight) pairs per entry."""
        size = max(len(docs), 1)
        parts = [_chunk_postings(docs[i : i + _CHUNK], i) for i in range(0, len(docs), _CHUNK)]
        codes = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        owners = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int32)
        weights = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, dtype=np.float32)
        del parts
        order = np.argsort(codes, kind="stable")
        codes = codes[order]
        vocab, df = np.unique(codes, return_counts=True)
        del codes
        max_df = max(50, int(size * max_df_ratio))
        keep_gram = df <= max_df
        keep = np.repeat(keep_gram, df)
        kept_order = order[keep]
        entry_ids = owners[kept_order]
        kept_weights = weights[kept_order]
        offsets = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.where(keep_gram, df, 0), out=offsets[1:])
        del order, owners, weights, keep, kept_order
        lower = np.unique(kept_weights[kept_weights != 1.0])
        if len(lower) > 1:
            raise ValueError("a gram index takes two weights: 1 for questions and one for what an entry says")
        answer_weight = float(lower[0]) if len(lower) else 1.0
        flags = np.where(kept_weights != 1.0, _FLAG, np.int32(0))
        gram_of = np.repeat(np.arange(len(vocab), dtype=np.int32)[keep_gram], df[keep_gram])
        by_entry = np.argsort(entry_ids, kind="stable")  # grams stay ascending within each entry
        forward_offsets = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(np.bincount(entry_ids, minlength=size), out=forward_offsets[1:])
        return cls(vocab=vocab, df=df.astype(np.int32), offsets=offsets,
                   postings=entry_ids.astype(np.int32) | flags, size=size, forward_offsets=forward_offsets,
                   forward=(gram_of | flags)[by_entry], answer_weight=answer_weight)

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """The index as named arrays (for the compiled snapshot)."""
        return {
            f"{prefix}vocab": self.vocab,
            f"{prefix}df": self.df,
            f"{prefix}offsets": self.offsets,
            f"{prefix}postings": np.asarray(self.postings),
            f"{prefix}size": np.asarray([self.size], dtype=np.int64),
            f"{prefix}forward_offsets": self.forward_offsets,
            f"{prefix}forward": np.asarray(self.forward),
            f"{prefix}answer_weight": np.asarray([self.answer_weight], dtype=np.float32),
        }

    # the arrays read a run at a time from the snapshot's files rather than held (see FileArray)
    LARGE = ("postings", "forward")

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray | FileArray], prefix: str) -> GramIndex:
        def small(name: str) -> np.ndarray:
            array = arrays[f"{prefix}{name}"]
            assert isinstance(array, np.ndarray)
            return array

        return cls(
            vocab=small("vocab"),
            df=small("df"),
            offsets=small("offsets"),
            postings=arrays[f"{prefix}postings"],
            size=int(small("size")[0]),
            forward_offsets=small("forward_offsets"),
            forward=arrays[f"{prefix}forward"],
            answer_weight=float(small("answer_weight")[0]),
        )

    def lookup(self, query: dict[int, float]) -> Lookup:
        """The query's grams looked up once, for :meth:`volume`, :meth:`prepare` and :meth:`coverage`."""
        codes = list(query)
        units = np.fromiter((query[c] for c in codes), dtype=np.float64, count=len(codes))
        gids = self.gram_ids(codes)
        idf = self.idf(gids)
        mass = idf * units
        return Lookup(codes, gids, idf, mass, float(mass.sum()))

    def volume(self, looked: Lookup) -> int:
        """How many postings the query's grams have: the work :meth:`coverage` would do."""
        gids = looked.gids[looked.gids >= 0]
        return int((self.offsets[gids + 1] - self.offsets[gids]).sum())

    def prepare(self, query: dict[int, float] | Lookup) -> tuple[np.ndarray, np.ndarray, float]:
        """The query's grams that have postings (vocabulary numbers, ascending), their IDF mass, and the
        mass of all its grams (what a coverage is a share of): the argument of :meth:`top` and
        :meth:`scores_of`."""
        looked = query if isinstance(query, Lookup) else self.lookup(query)
        gids, mass, total = looked.gids, looked.mass, looked.total
        known = gids >= 0
        gids, mass = gids[known], mass[known]
        listed = self.offsets[gids + 1] > self.offsets[gids]
        gids, mass = gids[listed], mass[listed]
        order = np.argsort(gids)
        return gids[order], mass[order], total

    def scores_of(self, prepared: tuple[np.ndarray, np.ndarray, float], entries: np.ndarray) -> np.ndarray:
        """:meth:`coverage` of a few entries, from their rows of the forward index (a few array operations)."""
        gids, mass, total = prepared
        entries = np.asarray(entries, dtype=np.int64)
        if not len(gids) or not len(entries) or total <= 0:
            return np.zeros(len(entries))
        starts, ends = self.forward_offsets[entries], self.forward_offsets[entries + 1]
        owner = np.repeat(np.arange(len(entries)), ends - starts)
        grams, weights = self._unpack(_runs(self.forward, starts, ends))
        at = np.minimum(np.searchsorted(gids, grams), len(gids) - 1)
        hit = gids[at] == grams
        values = np.where(hit, weights * mass[at], 0.0)
        scores: np.ndarray = np.bincount(owner, weights=values, minlength=len(entries)) / total
        return scores

    def top(
        self,
        prepared: tuple[np.ndarray, np.ndarray, float],
        k: int,
        *,
        budget: int = 2048,
        most: int = 8192,
        few: int = 24,
    ) -> np.ndarray:
        """The entries that best explain the query by :meth:`coverage` (at least ``k`` when that many share
        a listed gram with it), without adding up long posting lists.

        The query's grams are taken by the most they can add to an entry's coverage (their IDF mass), most
        first, and the postings of the first ones (rare grams, short lists) are added up, ``budget``
        postings at a time and at most ``most``. MaxScore: an entry in none of the lists read scores at
        most the mass of the grams not read; once the k-th best partial score exceeds it, the best are
        among the entries read. The ``few`` entries with the best partial scores are then scored exactly
        (forward index) and the k best of them returned (ties included). Exact when that bound is reached
        with no more than ``few`` entries in the race; otherwise the best by their rarest grams, which is
        what ``python -m bot bench`` checks for answer quality at every size.
        """
        gids, mass, _total = prepared
        if not len(gids):
            return np.zeros(0, dtype=np.int64)
        starts_all, ends_all = self.offsets[gids], self.offsets[gids + 1]
        order = np.lexsort((ends_all - starts_all, -mass))
        starts, ends = starts_all[order].tolist(), ends_all[order].tolist()
        mass = mass[order]
        rest_after = np.concatenate((np.cumsum(mass[::-1])[::-1][1:], [0.0]))  # mass of the grams after each
        volume = np.cumsum(np.asarray(ends) - np.asarray(starts))
        count = len(starts)
        while True:
            read = min(count, max(1, int(np.searchsorted(volume, budget, side="right"))))
            ids, weights = self._unpack(_runs(self.postings, np.asarray(starts[:read]), np.asarray(ends[:read])))
            values = weights * np.repeat(mass[:read], np.asarray(ends[:read]) - np.asarray(starts[:read]))
            found, inverse = np.unique(ids, return_inverse=True)
            partial = np.bincount(inverse, weights=values, minlength=len(found))
            if read == count or budget >= most:
                break
            if len(found) >= k:
                kth = float(np.partition(partial, len(found) - k)[len(found) - k])
                if float(rest_after[read - 1]) < kth:
                    keep = partial + float(rest_after[read - 1]) >= kth
                    found, partial = found[keep], partial[keep]
                    break
            budget *= 4
        if len(found) > few:
            best = np.argpartition(-partial, few - 1)[:few]
            found = found[best]
        found = np.sort(found).astype(np.int64)
        if len(found) <= k:
            return found
        exact = self.scores_of(prepared, found)
        kth = float(np.partition(exact, len(exact) - k)[len(exact) - k])
        return found[exact >= kth]

    def unknown_idf(self) -> float:
        return math.log1p(self.size)

    def gram_ids(self, codes: Sequence[int]) -> np.ndarray:
        """Index of each code in the vocabulary, or -1 when unknown."""
        array = np.asarray(codes, dtype=np.int64)
        found = np.searchsorted(self.vocab, array)
        found[found >= len(self.vocab)] = 0
        return np.where(self.vocab[found] == array, found, -1) if len(self.vocab) else np.full(len(array), -1)

    def idf(self, gids: np.ndarray) -> np.ndarray:
        known = gids >= 0
        out = np.full(len(gids), self.unknown_idf())
        out[known] = np.log1p(self.size / self.df[gids[known]])
        return out

    def coverage(self, query: dict[int, float] | Lookup) -> tuple[np.ndarray, dict[int, float]]:
        """Share (0-1) of the query's IDF mass each entry explains, and the IDF of each query gram."""
        looked = query if isinstance(query, Lookup) else self.lookup(query)
        codes, gids, idf, mass, total = looked.codes, looked.gids, looked.idf, looked.mass, looked.total
        # every known gram's postings read at once, each weighted by its gram's mass
        known = gids >= 0
        starts, ends = self.offsets[gids[known]], self.offsets[gids[known] + 1]
        lengths = ends - starts
        scores: np.ndarray
        if int(lengths.sum()):
            numbers, weights = self._unpack(_runs(self.postings, starts, ends))
            # (float32 weights times float64 masses, as one posting list at a time computed them)
            values = weights * np.repeat(mass[known], lengths).astype(np.float32)
            scores = np.bincount(numbers, weights=values, minlength=self.size).astype(np.float64)
        else:
            scores = np.zeros(self.size)
        if total > 0:
            scores = scores / total
        return scores, dict(zip(codes, idf.tolist(), strict=True))

    def coverage_of(self, query: dict[int, float], entries: Sequence[int] | np.ndarray) -> np.ndarray:
        """:meth:`coverage` for a few entries only: their rows of the forward index, not the grams' postings."""
        return self.scores_of(self.prepare(query), np.asarray(entries, dtype=np.int64))

    def containment(self, query: dict[int, float], keys: Sequence[str]) -> np.ndarray:
        """For each key, the share of its IDF mass (unigrams 0.5, bigrams 1) whose grams are in the query."""
        out = np.zeros(len(keys))
        if not keys:
            return out
        contains = query.__contains__
        for number, (codes, weights, total) in enumerate(self._weighted_grams(keys)):
            # the masses of the grams the query holds, added in the key's order (a loop in C, not Python)
            hit = reduce(operator.add, compress(weights, map(contains, codes)), 0.0)
            out[number] = hit / total if total > 0 else 0.0
        return out

    def remember(self, keys: Iterable[str]) -> None:
        """Weigh these keys' grams for :meth:`containment` ahead of it, when they all fit its cache (read no
        further than one past it: a large base's keys are not listed only to be left)."""
        taken = list(itertools.islice(keys, _GRAMS_CACHE + 1))
        if len(taken) <= _GRAMS_CACHE:
            self._weighted_grams(taken)

    def _weighted_grams(self, keys: Sequence[str]) -> list[tuple[tuple[int, ...], tuple[float, ...], float]]:
        """Each key's distinct grams in ascending order with their IDF mass, and the sum of those masses,
        added in that order (as a bincount over the sorted (key, gram) pairs would add them); kept for
        the keys seen last, as the same entries come up again and again."""
        cache = self._grams_cache
        missing = [key for key in dict.fromkeys(keys) if key not in cache]
        if missing:
            units_of: list[list[tuple[int, float]]] = []
            for key in missing:
                codes = [ord(ch) for ch in key]
                units = dict.fromkeys(codes, UNIGRAM_WEIGHT)
                for a, b in itertools.pairwise(codes):
                    units[(a << _SHIFT) | b] = BIGRAM_WEIGHT
                units_of.append(sorted(units.items()))
            distinct = sorted({code for grams in units_of for code, _ in grams})
            idf = dict(zip(distinct, self.idf(self.gram_ids(distinct)).tolist(), strict=True))
            if len(cache) + len(missing) > _GRAMS_CACHE:
                cache.clear()
            for key, grams in zip(missing, units_of, strict=True):
                weights = tuple(idf[code] * unit for code, unit in grams)
                cache[key] = (tuple(code for code, _ in grams), weights, reduce(operator.add, weights, 0.0))
        return [cache[key] for key in keys]
