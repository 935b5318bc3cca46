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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from ..place import NEUTRAL, Place

if TYPE_CHECKING:
    from ..announcements.model import Announcement

__all__ = ["ID_PATTERN", "Entry", "KnowledgeBase", "Scope", "Source", "quote_key"]

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


@dataclass(frozen=True)
class KnowledgeBase:
    """A validated knowledge base: entries in file order, grouped by topic, with their sources.

    ``entries`` is a tuple when the base was read from YAML, or an :class:`~bot.knowledge.table.EntryTable` (entries
    built when asked for) when it was opened from its compiled snapshot (:mod:`bot.engine.snapshot`), which
    also hands the matcher its indexes in ``compiled``.
    """

    directory: str
    entries: Sequence[Entry]
    sources: Mapping[str, Source]
    synonyms: tuple[tuple[str, ...], ...] = ()
    scope: Scope = field(default_factory=Scope)
    by_id: Mapping[str, Entry] = field(default_factory=dict)
    announcements: tuple[Announcement, ...] = ()
    place: Place = NEUTRAL
    compiled: object | None = field(default=None, compare=False, repr=False)  # bot.engine.retrieve.RetrievalData

    @property
    def topics(self) -> tuple[str, ...]:
        """Topic names in the order they first appear."""
        from .table import EntryTable

        if isinstance(self.entries, EntryTable):
            return self.entries.topics
        return tuple(dict.fromkeys(e.topic for e in self.entries))

    def entries_of(self, topic: str) -> tuple[Entry, ...]:
        from .table import EntryTable

        if isinstance(self.entries, EntryTable):
            return tuple(self.entries[i] for i in self.entries.indices_of(topic))
        return tuple(e for e in self.entries if e.topic == topic)

    def index_of(self, entry_id: str) -> int | None:
        """The position of an entry in ``entries``, or None."""
        from .table import EntryTable

        if isinstance(self.entries, EntryTable):
            return self.entries.by_id.index_of(entry_id)
        return self._positions.get(entry_id)

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {e.id: i for i, e in enumerate(self.entries)}

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


