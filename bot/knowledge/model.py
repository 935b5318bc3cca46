"""The knowledge model: frozen dataclasses for a validated base (its entries, sources and scope) and quote keys.

The loaders (:mod:`bot.knowledge.load`) build these from the YAML and source files of a knowledge folder;
raw YAML never reaches them. Layout of a knowledge directory (see ``knowledge/README.md``)::

    sources/<source-id>.md   YAML front matter (title required), then the source text verbatim
    synonyms.yaml            optional: synonyms: [[养老机构, 养老院], ...]
    scope.yaml               optional: other_places / not_covered term lists
    place.yaml               optional: the deployment's county, city and province (bot/place.py)
    announcements.yaml       optional: scheduled announcements (see bot/announcements/model.py)
    <any-name>.yaml          one topic file each: topic, source, section, entries
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from abc import abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from ..place import NEUTRAL, Place
from .extras import Extras

__all__ = [
    "ID_PATTERN",
    "Compiled",
    "Entry",
    "EntrySequence",
    "EntryTuple",
    "KnowledgeBase",
    "Scope",
    "Source",
    "quote_key",
]

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # entry, source and announcement ids


_LABEL_MAX = 40  # a heading or caption is at most this long (in quote-key characters)
_SENTENCE_ENDS = "。！？!?；;…：:”」）)"


@dataclass(frozen=True)
class Source:
    """A source document that answers are quoted from."""

    id: str
    title: str
    text: str
    file: str
    author: str = ""
    event: str = ""
    organisers: str = ""
    published: str = ""
    note: str = ""
    sections: tuple[str, ...] = ()
    speakers: Mapping[str, str] = field(default_factory=dict)  # section -> who presented it (职务和姓名)

    def paragraph_of(self, quote: str) -> str:
        """The paragraph of the source that contains ``quote`` (the whole quote if not found)."""
        key = quote_key(quote)
        if not key:
            return quote
        keys, starts, paragraphs = self._paragraph_keys
        # the first paragraph that holds the quote; else the first that holds its start (a quote may span
        # a line break of the source)
        for wanted in (key, key[:12]):
            at = keys.find(wanted)
            if at >= 0:
                return paragraphs[bisect.bisect_right(starts, at) - 1]
        return quote

    def span_of(self, quote: str) -> tuple[int, int] | None:
        """Where ``quote`` lies in the source (in quote-key characters), or None if it is not found."""
        key = quote_key(quote)
        if not key:
            return None
        keys = self._paragraph_keys[0]
        at = keys.find(key)
        if at < 0 and len(key) > 12:  # a quote across a line break of the source: found by its start
            at = keys.find(key[:12])
        return (at, at + len(key)) if at >= 0 else None

    def crossed_label(self, key: str) -> str:
        """The heading or caption a quote (its quote key) runs into from the body text, or ''.

        A heading or caption is a short line that does not end a sentence (科技赋能, 宜居平遥); a quote may be
        one, or two lines of one heading, but may not join one to the body text around it."""
        starts, labels, lines = self._line_labels
        at = self._full_key.find(key)
        if at < 0 or not key:
            return ""
        first = bisect.bisect_right(starts, at) - 1
        last = bisect.bisect_right(starts, at + len(key) - 1) - 1
        covered = range(max(first, 0), last + 1)
        kinds = {labels[i] for i in covered if lines[i].strip()}
        if len(kinds) < 2:
            return ""
        return next(lines[i].strip() for i in covered if labels[i])

    @cached_property
    def _full_key(self) -> str:
        return quote_key(self.text)

    @cached_property
    def _line_labels(self) -> tuple[list[int], list[bool], list[str]]:
        """Where each line starts in the source's quote key, whether it is a heading or caption, and the lines."""
        lines = self.text.split("\n")
        keys = _quote_keys_by_line(self.text)
        if len(keys) != len(lines):
            keys = [quote_key(line) for line in lines]
        starts, labels, at = [], [], 0
        for line, key in zip(lines, keys, strict=True):
            starts.append(at)
            at += len(key)
            text = line.strip()
            labels.append(bool(text) and len(key) <= _LABEL_MAX and text[-1] not in _SENTENCE_ENDS)
        return starts, labels, lines

    @cached_property
    def _paragraph_keys(self) -> tuple[str, list[int], list[str]]:
        """The quote keys of the source's paragraphs joined by line breaks, where each starts, and the
        paragraphs: one search finds a quote's paragraph in a source of any size."""
        lines = self.text.split("\n")
        line_keys = _quote_keys_by_line(self.text)
        if len(line_keys) != len(lines):
            line_keys = [quote_key(line) for line in lines]
        paragraphs: list[str] = []
        keys: list[str] = []
        starts: list[int] = []
        at = 0
        for line, key in zip(lines, line_keys, strict=True):
            if line.strip():
                paragraphs.append(line.strip())
                keys.append(key)
                starts.append(at)
                at += len(key) + 1
        return "\n".join(keys), starts, paragraphs


@dataclass(frozen=True)
class Entry:
    """One question-and-answer pair, proven by a verbatim quote."""

    id: str
    topic: str
    questions: tuple[str, ...]
    answer: str
    quote: str
    source: str
    section: str
    file: str
    line: int
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    question_lines: tuple[int, ...] = ()
    keys: tuple[str, ...] = ()  # matching keys of questions then keywords, filled in by the loader

    @property
    def canonical_question(self) -> str:
        return self.questions[0]


@dataclass(frozen=True)
class Scope:
    """Terms that mark a question as outside the release (another place, a subject it never covers)."""

    other_places: tuple[str, ...] = ()
    not_covered: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


class EntrySequence(Sequence[Entry]):
    """The entries of a base in file order, with the look-ups the base answers from them.

    :class:`EntryTuple` holds the entries of a base read from YAML; the compiled snapshot's
    :class:`~bot.knowledge.table.EntryTable` holds them as columns and builds an entry when it is asked for.
    """

    __slots__ = ()

    @property
    @abstractmethod
    def topics(self) -> tuple[str, ...]:
        """Topic names in the order they first appear."""

    @abstractmethod
    def indices_of(self, topic: str) -> list[int]:
        """Positions of the entries of a topic, in order."""

    @abstractmethod
    def index_of(self, entry_id: str) -> int | None:
        """The position of an entry, or None."""


class EntryTuple(tuple[Entry, ...], EntrySequence):
    """The entries of a base read from YAML."""

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.topic for e in self))

    def indices_of(self, topic: str) -> list[int]:
        return [i for i, e in enumerate(self) if e.topic == topic]

    def index_of(self, entry_id: str) -> int | None:
        return self._positions.get(entry_id)

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {e.id: i for i, e in enumerate(self)}


class Compiled(Protocol):
    """What an engine prepared from a base's entries ahead of time, kept with the base so that it is built once:
    the compiled snapshot's retrieval indexes (:class:`bot.engine.retrieve.RetrievalData`)."""

    @property
    def answer_weight(self) -> float:
        """The weight the indexes give an entry's answer and quote against its questions' 1."""


@dataclass(frozen=True)
class KnowledgeBase:
    """A validated knowledge base: entries in file order, grouped by topic, with their sources.

    ``entries`` holds the entries read from YAML, or the columns of the compiled snapshot (:mod:`bot.engine.snapshot`),
    which also hands the matcher its indexes in ``compiled``. ``extras`` holds what the loaders features register
    read (``kb.extras.get(ANNOUNCEMENTS)``, :mod:`bot.knowledge.extras`).
    """

    directory: str
    entries: EntrySequence
    sources: Mapping[str, Source]
    synonyms: tuple[tuple[str, ...], ...] = ()
    scope: Scope = field(default_factory=Scope)
    by_id: Mapping[str, Entry] = field(default_factory=dict)
    extras: Extras = field(default_factory=Extras)
    place: Place = NEUTRAL
    compiled: Compiled | None = field(default=None, compare=False, repr=False)

    @property
    def topics(self) -> tuple[str, ...]:
        """Topic names in the order they first appear."""
        return self.entries.topics

    def entries_of(self, topic: str) -> tuple[Entry, ...]:
        return tuple(self.entries[i] for i in self.entries.indices_of(topic))

    def index_of(self, entry_id: str) -> int | None:
        """The position of an entry in ``entries``, or None."""
        return self.entries.index_of(entry_id)

    def source_of(self, entry: Entry) -> Source:
        return self.sources[entry.source]


def quote_key(text: str) -> str:
    """Text reduced for quote comparison: width-folded, without whitespace and punctuation."""
    text = unicodedata.normalize("NFKC", text)
    if len(text) < 256:  # a quote: character by character is quicker than building a table
        return "".join(ch for ch in text if not _dropped(ch))
    return text.translate(_dropped_from(text))  # a whole source: one pass in C


def _dropped(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch)[0] in "PZC" or ch in "□·"


_CLASSIFIED: set[str] = set()  # characters already checked
_DROPPED: dict[int, None] = {}  # ... and those of them a quote key leaves out (a str.translate table)


def _dropped_from(text: str, *, keep: str = "") -> dict[int, None]:
    """A str.translate table that deletes the characters a quote key leaves out, covering those of ``text``
    (one pass in C, whatever the length; each distinct character is checked once per process)."""
    new = set(text) - _CLASSIFIED
    if new:
        for ch in new:
            if _dropped(ch):
                _DROPPED[ord(ch)] = None
        _CLASSIFIED.update(new)
    if keep and any(ord(ch) in _DROPPED for ch in keep):
        return {code: None for code in _DROPPED if chr(code) not in keep}
    return _DROPPED


def _quote_keys_by_line(text: str) -> list[str]:
    """:func:`quote_key` of every line of ``text``, in one pass over it."""
    text = unicodedata.normalize("NFKC", text)
    return text.translate(_dropped_from(text, keep="\n")).split("\n")


