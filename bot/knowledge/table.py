"""Column storage for a large knowledge base: one string table, integer arrays, entries made on demand.

A base of 100,000 entries held as Python objects costs hundreds of megabytes (every question, key and
pinyin key a ``str``, every entry a dataclass). Here every string lives once in one UTF-8 buffer (a
``bytes`` object, or a memory-mapped file of the compiled snapshot, :mod:`bot.engine.snapshot`), addressed by
its number; lists of strings are rows of a CSR array of numbers (:class:`Ragged`); and
:class:`EntryTable` builds an :class:`~bot.knowledge.model.Entry` only when one is asked for (answered,
listed, validated), so memory grows with the arrays, not with the objects.
"""

from __future__ import annotations

import contextlib
import hashlib
import mmap
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import overload

import numpy as np

from .model import Entry, EntrySequence

__all__ = ["EntryTable", "IdMap", "Ragged", "StringTable", "StringTableBuilder", "id_hash"]


class StringTable:
    """Strings by number, stored once in one UTF-8 buffer."""

    def __init__(self, blob: bytes | mmap.mmap, offsets: np.ndarray) -> None:
        self._blob = blob
        self.offsets = offsets  # string i is blob[offsets[i]:offsets[i + 1]]

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, number: int) -> str:
        start, end = self.offsets[number : number + 2].tolist()
        return self._blob[start:end].decode("utf-8")

    def many(self, numbers: Iterable[int]) -> list[str]:
        blob, offsets = self._blob, self.offsets
        out: list[str] = []
        for number in numbers:
            start, end = offsets[number : number + 2].tolist()
            out.append(blob[start:end].decode("utf-8"))
        return out

    @property
    def blob(self) -> bytes | mmap.mmap:
        return self._blob


class StringTableBuilder:
    """Collects strings, each stored once, and gives each its number."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}  # in the order added: the table's order

    def add(self, text: str) -> int:
        numbers = self._numbers
        return numbers.setdefault(text, len(numbers))

    def add_all(self, texts: Iterable[str]) -> list[int]:
        numbers = self._numbers
        return [numbers.setdefault(t, len(numbers)) for t in texts]

    def build(self) -> StringTable:
        encoded = [s.encode("utf-8") for s in self._numbers]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum(np.fromiter((len(b) for b in encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
        return StringTable(b"".join(encoded), offsets)


class Ragged:
    """Rows of integers of different lengths (CSR): row i is ``values[offsets[i]:offsets[i + 1]]``."""

    def __init__(self, offsets: np.ndarray, values: np.ndarray) -> None:
        self.offsets = offsets
        self.values = values

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[int]], dtype: type = np.int32) -> Ragged:
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows)), out=offsets[1:])
        values: np.ndarray = np.fromiter((v for r in rows for v in r), dtype=dtype, count=int(offsets[-1]))
        return cls(offsets, values)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def row(self, i: int) -> list[int]:
        start, end = self.offsets[i : i + 2].tolist()
        values: list[int] = self.values[start:end].tolist()
        return values


def id_hash(text: str) -> int:
    """A stable 63-bit hash of an entry id (Python's own ``hash`` changes from process to process)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little") >> 1


class IdMap(Mapping[str, Entry]):
    """Entries by id without a dict of every id: a sorted array of id hashes, checked against the entry."""

    def __init__(self, table: EntryTable, hashes: np.ndarray, order: np.ndarray) -> None:
        self._table = table
        self._hashes = hashes  # sorted
        self._order = order  # entry number of each hash

    def index_of(self, entry_id: str) -> int | None:
        wanted = id_hash(entry_id)
        at = int(np.searchsorted(self._hashes, wanted))
        while at < len(self._hashes) and int(self._hashes[at]) == wanted:
            index = int(self._order[at])
            if self._table.id_of(index) == entry_id:
                return index
            at += 1
        return None

    def __getitem__(self, entry_id: str) -> Entry:
        index = self.index_of(entry_id) if isinstance(entry_id, str) else None
        if index is None:
            raise KeyError(entry_id)
        return self._table[index]

    def __contains__(self, entry_id: object) -> bool:
        return isinstance(entry_id, str) and self.index_of(entry_id) is not None

    def __iter__(self) -> Iterator[str]:
        return (self._table.id_of(i) for i in range(len(self._table)))

    def __len__(self) -> int:
        return len(self._table)


# the string columns of an entry, and its list columns, as stored
ENTRY_TEXT_COLUMNS = ("id", "topic", "answer", "quote", "source", "section", "file")
ENTRY_LIST_COLUMNS = ("questions", "question_lines", "keywords", "related", "keys")


class EntryTable(EntrySequence):
    """The entries of a base as columns; an :class:`Entry` is built when it is asked for."""

    _CACHE = 4096  # entries kept once built (the ones being answered)

    def __init__(
        self,
        strings: StringTable,
        texts: Mapping[str, np.ndarray],
        lines: np.ndarray,
        lists: Mapping[str, Ragged],
        id_hashes: np.ndarray,
        id_order: np.ndarray,
    ) -> None:
        self.strings = strings
        self._texts = {name: texts[name] for name in ENTRY_TEXT_COLUMNS}
        self._lines = lines
        self._lists = {name: lists[name] for name in ENTRY_LIST_COLUMNS}
        self.by_id = IdMap(self, id_hashes, id_order)
        self._cache: dict[int, Entry] = {}
        self._topics: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self._lines)

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Entry, ...]: ...

    def __getitem__(self, index: int | slice) -> Entry | tuple[Entry, ...]:
        if isinstance(index, slice):
            return tuple(self._entry(i) for i in range(*index.indices(len(self))))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._entry(index)

    def __iter__(self) -> Iterator[Entry]:
        return (self._entry(i) for i in range(len(self)))

    def id_of(self, index: int) -> str:
        return self.strings[int(self._texts["id"][index])]

    def _entry(self, index: int) -> Entry:
        entry = self._cache.get(index)
        if entry is not None:
            return entry
        strings = self.strings
        text = {name: strings[int(column[index])] for name, column in self._texts.items()}
        lists = self._lists
        entry = Entry(
            id=text["id"],
            topic=text["topic"],
            questions=tuple(strings.many(lists["questions"].row(index))),
            answer=text["answer"],
            quote=text["quote"],
            source=text["source"],
            section=text["section"],
            file=text["file"],
            line=int(self._lines[index]),
            keywords=tuple(strings.many(lists["keywords"].row(index))),
            related=tuple(strings.many(lists["related"].row(index))),
            question_lines=tuple(lists["question_lines"].row(index)),
            keys=tuple(strings.many(lists["keys"].row(index))),
        )
        if len(self._cache) >= self._CACHE:
            with contextlib.suppress(KeyError, RuntimeError, StopIteration):  # another thread got there first
                self._cache.pop(next(iter(self._cache)))
        self._cache[index] = entry
        return entry

    def _topic_numbers(self) -> dict[str, int]:
        """Topic name → its string number, in the order topics first appear."""
        if self._topics is None:
            column = np.asarray(self._texts["topic"])
            numbers, first = np.unique(column, return_index=True)
            ordered = numbers[np.argsort(first)].tolist()
            self._topics = dict(zip(self.strings.many(ordered), ordered, strict=True))
        return self._topics

    @property
    def topics(self) -> tuple[str, ...]:
        """Topic names in the order they first appear, from the topic column alone."""
        return tuple(self._topic_numbers())

    def index_of(self, entry_id: str) -> int | None:
        return self.by_id.index_of(entry_id)

    def indices_of(self, topic: str) -> list[int]:
        """Numbers of the entries of a topic, in order."""
        number = self._topic_numbers().get(topic)
        if number is None:
            return []
        indices: list[int] = np.flatnonzero(np.asarray(self._texts["topic"]) == number).tolist()
        return indices

    # ----------------------------------------------------------------------------------------------
    # building and storing

    @staticmethod
    def columns(entries: Iterable[Entry], strings: StringTableBuilder) -> dict[str, np.ndarray]:
        """The arrays of these entries, their strings added to ``strings`` (see :meth:`from_arrays`)."""
        texts: dict[str, list[int]] = {name: [] for name in ENTRY_TEXT_COLUMNS}
        rows: dict[str, list[list[int]]] = {name: [] for name in ENTRY_LIST_COLUMNS}
        lines: list[int] = []
        hashes: list[int] = []
        for entry in entries:
            for name in ENTRY_TEXT_COLUMNS:
                texts[name].append(strings.add(getattr(entry, name)))
            rows["questions"].append(strings.add_all(entry.questions))
            rows["question_lines"].append(list(entry.question_lines))
            rows["keywords"].append(strings.add_all(entry.keywords))
            rows["related"].append(strings.add_all(entry.related))
            rows["keys"].append(strings.add_all(entry.keys))
            lines.append(entry.line)
            hashes.append(id_hash(entry.id))
        arrays: dict[str, np.ndarray] = {f"entry_{name}": np.asarray(v, dtype=np.int32) for name, v in texts.items()}
        for name, value in rows.items():
            ragged = Ragged.from_rows(value)
            arrays[f"entry_{name}_offsets"] = ragged.offsets
            arrays[f"entry_{name}_values"] = ragged.values
        arrays["entry_line"] = np.asarray(lines, dtype=np.int32)
        hash_array = np.asarray(hashes, dtype=np.int64)
        order = np.argsort(hash_array, kind="stable")
        arrays["entry_id_hashes"] = hash_array[order]
        arrays["entry_id_order"] = order.astype(np.int32)
        return arrays

    @classmethod
    def from_arrays(cls, strings: StringTable, arrays: Mapping[str, np.ndarray]) -> EntryTable:
        return cls(
            strings,
            {name: arrays[f"entry_{name}"] for name in ENTRY_TEXT_COLUMNS},
            arrays["entry_line"],
            {
                name: Ragged(arrays[f"entry_{name}_offsets"], arrays[f"entry_{name}_values"])
                for name in ENTRY_LIST_COLUMNS
            },
            arrays["entry_id_hashes"],
            arrays["entry_id_order"],
        )
