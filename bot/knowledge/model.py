"""The knowledge base: load the YAML and source files, validate them, and model them as frozen dataclasses.

Raw YAML never leaves this module. Every problem found is reported as a :class:`Problem` carrying the
file and line, so an admin can fix it; :func:`load_knowledge` raises :class:`KnowledgeError` with the
complete list and never returns a half-loaded base.

Layout of a knowledge directory (see ``knowledge/README.md``)::

    sources/<source-id>.md   YAML front matter (title required), then the source text verbatim
    synonyms.yaml            optional: synonyms: [[养老机构, 养老院], ...]
    scope.yaml               optional: other_places / not_covered term lists
    announcements.yaml       optional: scheduled announcements (see bot/announcements/model.py)
    <any-name>.yaml          one topic file each: topic, source, section, entries
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import ahocorasick
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..language import ZH
from ..place import NEUTRAL, Place

if TYPE_CHECKING:
    from ..announcements.model import Announcement

__all__ = [
    "Entry",
    "KnowledgeBase",
    "KnowledgeError",
    "Problem",
    "Scope",
    "Source",
    "knowledge_files",
    "load_knowledge",
    "load_settings",
    "quote_key",
]

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SPECIAL_FILES = {"synonyms.yaml", "scope.yaml", "announcements.yaml", "place.yaml"}
PLACE_FIELDS = {"name", "county", "city", "province", "event", "event_short", "topics", "examples"}
ENTRY_FIELDS = {"id", "questions", "answer", "quote", "section", "source", "keywords", "related"}
TOPIC_FIELDS = {"topic", "source", "section", "entries", "description"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the knowledge directory, with where it is and what to do."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge directory is invalid; ``problems`` lists every issue found (file:line: message)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


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


# --------------------------------------------------------------------------------------------------
# YAML with line numbers


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster


class _Reader:
    """Turns composed YAML nodes into Python values, collecting problems with their line numbers."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, node: Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(self.file, line, message))

    def compose(self, text: str) -> Node | None:
        try:
            return yaml.compose(text, Loader=_YAML_LOADER)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else 1
            what = exc.problem or "invalid YAML"
            lines = text.split("\n")
            if "\t" in (lines[line - 1] if line <= len(lines) else "") or "tab" in what:
                message = "a tab character on this line; YAML indents with spaces only: replace the tab with spaces"
            else:
                message = f"YAML syntax error: {what} (check indentation, colons and quotes)"
            self.problems.append(Problem(self.file, line, message))
        except yaml.YAMLError as exc:
            self.problems.append(Problem(self.file, 1, f"YAML error: {exc}"))
        return None

    def mapping(self, node: Node | None, what: str) -> dict[str, tuple[Node, Node]] | None:
        """A mapping as {key: (key_node, value_node)}; reports non-mappings and duplicate keys."""
        if not isinstance(node, MappingNode):
            self.problem(node, f"{what} must be a mapping of 'name: value' lines")
            return None
        result: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, ScalarNode) else "?"
            if key in result:
                self.problem(key_node, f"'{key}' appears twice in {what}; keep one")
                continue
            result[key] = (key_node, value_node)
        return result

    def text(self, node: Node | None, what: str, *, required: bool = True) -> str:
        """A non-empty string (numbers are taken as written)."""
        if node is None:
            return ""
        if isinstance(node, ScalarNode) and node.tag != "tag:yaml.org,2002:null":
            value = str(node.value).strip()
            if not value and required:
                self.problem(node, f"{what} is empty; write the text after the colon")
            return value
        if isinstance(node, ScalarNode):  # null
            if required:
                self.problem(node, f"{what} is empty; write the text after the colon")
            return ""
        kind = "list" if isinstance(node, SequenceNode) else "mapping"
        self.problem(node, f"{what} must be a single text, not a {kind}")
        return ""

    def text_list(self, node: Node | None, what: str) -> list[tuple[str, Node]]:
        """A list of non-empty strings; a single string is reported (it must be a list)."""
        if node is None:
            return []
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return []
        if not isinstance(node, SequenceNode):
            self.problem(node, f"{what} must be a list: one '- item' per line, or [a, b]")
            return []
        items: list[tuple[str, Node]] = []
        for item in node.value:
            value = self.text(item, f"an item of {what}")
            if value:
                items.append((value, item))
        return items

    def unknown_fields(self, fields: dict[str, tuple[Node, Node]], allowed: set[str], what: str) -> None:
        for name, (key_node, _value) in fields.items():
            if name not in allowed:
                hint = ", ".join(sorted(allowed))
                self.problem(key_node, f"unknown field '{name}' in {what}; allowed: {hint} (check the spelling)")


def read_text(path: Path, name: str, problems: list[Problem]) -> str | None:
    """A knowledge file's text as county staff save it: UTF-8 (with or without BOM), GBK/GB18030, CRLF.

    A folder where a file should be, an unreadable file, or bytes that are neither UTF-8 nor GB18030
    become one ``file:line`` problem saying how to fix it (None is returned), never an exception.
    """
    if path.is_dir():
        problems.append(Problem(name, 1, "is a folder, but a file is expected here; move the folder away or rename it"))
        return None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        problems.append(Problem(name, 1, f"cannot be read ({reason}); check that the file exists and is readable"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        broken_utf8 = raw.decode("utf-8", errors="replace").count("\ufffd") * 4 < sum(b >= 0x80 for b in raw) // 3
        try:
            text = raw.decode("gb18030") if not broken_utf8 else ""
        except UnicodeDecodeError:
            text = ""
        if not text:
            problems.append(Problem(name, line, (
                f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} on this line); save it as UTF-8 "
                "(Notepad / WPS: 另存为 → 编码 UTF-8)")))
            return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent)) if root.parent != path else str(path)
    except ValueError:
        return str(path)


def _split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, line where the front matter starts) or None if there is none."""
    if not text.startswith("---"):
        return None
    match = re.match(r"---[ \t]*\n(.*?)\n---[ \t]*\n?", text, re.S)
    if match is None:
        return None
    return match.group(1), text[match.end():], 2


def _load_sources(directory: Path, problems: list[Problem]) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    source_dir = directory / "sources"
    if not source_dir.is_dir():
        problems.append(
            Problem(_relative(source_dir, directory), 1, "missing folder 'sources/' with the source documents (.md)")
        )
        return sources
    for path in sorted(source_dir.glob("*.md")):
        name = _relative(path, directory)
        if path.name.lower() == "readme.md":
            continue
        source_id = path.stem
        if not ID_PATTERN.match(source_id):
            problems.append(Problem(name, 1, f"source file name '{source_id}' must use only a-z, 0-9 and '-'"))
            continue
        raw = read_text(path, name, problems)
        if raw is None:
            continue
        split = _split_front_matter(raw)
        if split is None:
            problems.append(
                Problem(name, 1, "a source starts with a front matter: a '---' line, 'title: ...', a '---' line")
            )
            continue
        front, body, offset = split
        reader = _Reader(name)
        node = reader.compose(front)
        meta: dict[str, str] = {}
        sections: list[str] = []
        speakers: dict[str, str] = {}
        if reader.problems:
            # shift line numbers: the front matter starts on line 2 of the file
            problems.extend(Problem(p.file, p.line + offset - 1, p.message) for p in reader.problems)
            continue
        fields = reader.mapping(node, "the front matter") or {}
        for key, (key_node, value_node) in fields.items():
            if key == "sections":
                sections = [s for s, _ in reader.text_list(value_node, "sections")]
            elif key == "speakers":
                for section, (section_node, who_node) in (reader.mapping(value_node, "speakers") or {}).items():
                    who = reader.text(who_node, f"the speaker of '{section}'")
                    if who and len(who) < 2:
                        reader.problem(section_node, f"the speaker of '{section}' needs a title and a name")
                    speakers[section] = who
            elif key in {"title", "author", "event", "organisers", "published", "note", "url"}:
                meta[key] = reader.text(value_node, key, required=key == "title")
            else:
                reader.problem(key_node, f"unknown front matter field '{key}'")
        if "title" not in fields:
            reader.problem(node, "the front matter needs 'title: ...'")
        problems.extend(Problem(p.file, p.line + offset - 1, p.message) for p in reader.problems)
        if not body.strip():
            problems.append(Problem(name, 1, "the source text after the front matter is empty"))
            continue
        sources[source_id] = Source(
            id=source_id,
            title=meta.get("title", source_id),
            text=body,
            file=name,
            author=meta.get("author", ""),
            event=meta.get("event", ""),
            organisers=meta.get("organisers", ""),
            published=meta.get("published", ""),
            note=meta.get("note", ""),
            sections=tuple(sections),
            speakers=MappingProxyType(speakers),
        )
    if not sources and not problems:
        problems.append(Problem(_relative(source_dir, directory), 1, "no source documents (*.md) found"))
    return sources


def _load_term_groups(directory: Path, problems: list[Problem]) -> tuple[tuple[str, ...], ...]:
    path = directory / "synonyms.yaml"
    if not path.exists():
        return ()
    name = _relative(path, directory)
    reader = _Reader(name)
    text = read_text(path, name, problems)
    node = reader.compose(text) if text is not None else None
    groups: list[tuple[str, ...]] = []
    if node is not None:
        fields = reader.mapping(node, "synonyms.yaml") or {}
        reader.unknown_fields(fields, {"synonyms"}, "synonyms.yaml")
        seen: dict[str, int] = {}
        if "synonyms" in fields:
            group_nodes = fields["synonyms"][1]
            if not isinstance(group_nodes, SequenceNode):
                reader.problem(group_nodes, "synonyms must be a list of groups, e.g. - [养老机构, 养老院]")
            else:
                for group_node in group_nodes.value:
                    terms = [t for t, _ in reader.text_list(group_node, "a synonym group")]
                    if isinstance(group_node, SequenceNode) and len(terms) < 2:
                        reader.problem(group_node, "a synonym group needs at least two words")
                        continue
                    for term in terms:
                        line = group_node.start_mark.line + 1
                        if term in seen and seen[term] != line:
                            reader.problem(
                                group_node, f"'{term}' is already in the group on line {seen[term]}; merge the groups"
                            )
                        seen[term] = line
                    if len(terms) >= 2:
                        groups.append(tuple(terms))
    problems.extend(reader.problems)
    return tuple(groups)


def _load_scope(directory: Path, problems: list[Problem]) -> Scope:
    path = directory / "scope.yaml"
    if not path.exists():
        return Scope()
    reader = _Reader(_relative(path, directory))
    text = read_text(path, reader.file, problems)
    node = reader.compose(text) if text is not None else None
    scope = Scope()
    if node is not None:
        fields = reader.mapping(node, "scope.yaml") or {}
        reader.unknown_fields(fields, {"other_places", "not_covered", "names"}, "scope.yaml")
        places = [t for t, _ in reader.text_list(fields.get("other_places", (None, None))[1], "other_places")]
        covered = [t for t, _ in reader.text_list(fields.get("not_covered", (None, None))[1], "not_covered")]
        names = [t for t, _ in reader.text_list(fields.get("names", (None, None))[1], "names")]
        scope = Scope(other_places=tuple(places), not_covered=tuple(covered), names=tuple(names))
    problems.extend(reader.problems)
    return scope


def _load_place(directory: Path, problems: list[Problem]) -> Place:
    """The deployment's place (``place.yaml``); the neutral place when the file is absent."""
    path = directory / "place.yaml"
    if not path.exists():
        return NEUTRAL
    reader = _Reader(_relative(path, directory))
    text = read_text(path, reader.file, problems)
    node = reader.compose(text) if text is not None else None
    place = NEUTRAL
    if node is not None:
        fields = reader.mapping(node, "place.yaml") or {}
        reader.unknown_fields(fields, PLACE_FIELDS, "place.yaml")

        def value(name: str) -> str:
            return reader.text(fields[name][1], name) if name in fields else ""

        def values(name: str) -> tuple[str, ...]:
            return tuple(t for t, _ in reader.text_list(fields.get(name, (None, None))[1], name))

        for name, suffixes in (("county", "县区市旗"), ("city", "市州盟"), ("province", "省市区")):
            given = value(name)
            if given and given[-1] not in suffixes:
                reader.problem(fields[name][1], f"{name} '{given}' must be the full name, ending in one of {suffixes}")
        if "county" not in fields:
            reader.problem(node, "place.yaml needs 'county:', the county's full name (ending in 县, 区 or 市)")
        place = Place(
            name=value("name"),
            county=value("county"),
            city=value("city"),
            province=value("province"),
            event=value("event"),
            event_short=value("event_short"),
            topics=values("topics"),
            examples=values("examples"),
            file=reader.file,
        )
    problems.extend(reader.problems)
    return place


def _topic_files(directory: Path) -> Iterator[Path]:
    for path in sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml")):
        if path.name not in SPECIAL_FILES:
            yield path


def _load_topic(
    path: Path, directory: Path, sources: Mapping[str, Source], problems: list[Problem]
) -> list[tuple[Entry, int]]:
    """The entries of one topic file, each with the line of its quote (verified later, per source)."""
    name = _relative(path, directory)
    reader = _Reader(name)
    text = read_text(path, name, problems)
    if text is None:
        return []
    node = reader.compose(text)
    entries: list[tuple[Entry, int]] = []
    if node is None:
        if not reader.problems:
            reader.problems.append(Problem(name, 1, "the file is empty; write 'topic:', 'source:' and 'entries:'"))
        problems.extend(reader.problems)
        return []
    fields = reader.mapping(node, "a topic file") or {}
    reader.unknown_fields(fields, TOPIC_FIELDS, "a topic file")
    for required in ("topic", "source", "entries"):
        if required not in fields:
            reader.problem(node, f"missing '{required}:' at the top of the file")
    topic = reader.text(fields.get("topic", (None, None))[1], "topic") if "topic" in fields else ""
    default_source = reader.text(fields["source"][1], "source") if "source" in fields else ""
    default_section = reader.text(fields["section"][1], "section", required=False) if "section" in fields else ""
    if default_source and default_source not in sources:
        reader.problem(fields["source"][1], _unknown_source(default_source, sources))
    entries_node = fields.get("entries", (None, None))[1]
    if entries_node is not None and not isinstance(entries_node, SequenceNode):
        reader.problem(entries_node, "entries must be a list: each entry starts with '- id: ...'")
        entries_node = None
    for entry_node in entries_node.value if isinstance(entries_node, SequenceNode) else []:
        entry = _read_entry(reader, entry_node, topic, default_source, default_section, sources)
        if entry is not None:
            entries.append(entry)
    if isinstance(entries_node, SequenceNode) and not entries_node.value:
        reader.problem(entries_node, "entries is empty; add at least one entry")
    problems.extend(reader.problems)
    return entries


def _unknown_source(source_id: str, sources: Mapping[str, Source]) -> str:
    known = ", ".join(sorted(sources)) or "none"
    return f"unknown source '{source_id}': add sources/{source_id}.md or use one of: {known}"


def _read_entry(
    reader: _Reader,
    node: Node,
    topic: str,
    default_source: str,
    default_section: str,
    sources: Mapping[str, Source],
) -> tuple[Entry, int] | None:
    fields = reader.mapping(node, "an entry")
    if fields is None:
        return None
    reader.unknown_fields(fields, ENTRY_FIELDS, "an entry")
    before = len(reader.problems)

    def get(name: str) -> Node | None:
        return fields[name][1] if name in fields else None

    for required in ("id", "questions", "answer", "quote"):
        if required not in fields:
            reader.problem(node, f"entry is missing '{required}:'")
    entry_id = reader.text(get("id"), "id")
    if entry_id and not ID_PATTERN.match(entry_id):
        reader.problem(get("id"), f"id '{entry_id}' may use only lowercase a-z, 0-9 and '-' (e.g. tech-patents)")
    question_items = reader.text_list(get("questions"), "questions")
    questions = [q for q, _ in question_items]
    if "questions" in fields and not questions:
        reader.problem(get("questions"), "questions is empty; add at least one question")
    answer = reader.text(get("answer"), "answer")
    quote = reader.text(get("quote"), "quote")
    source_id = reader.text(get("source"), "source") if "source" in fields else default_source
    section = reader.text(get("section"), "section") if "section" in fields else default_section
    keywords = [k for k, _ in reader.text_list(get("keywords"), "keywords")]
    related = [r for r, _ in reader.text_list(get("related"), "related")]
    if "source" in fields and source_id and source_id not in sources:
        reader.problem(get("source"), _unknown_source(source_id, sources))
    if not source_id and "source" not in fields:
        reader.problem(node, "entry has no source: set 'source:' at the top of the file or in the entry")
    source = sources.get(source_id)
    if source is not None and section and source.sections and section not in source.sections:
        where = get("section") if "section" in fields else node
        reader.problem(where, f"section '{section}' is not one of the sections listed in {source.file}")
    if len(reader.problems) > before:
        return None
    quote_node = get("quote")
    entry = Entry(
        id=entry_id,
        topic=topic,
        questions=tuple(questions),
        answer=answer,
        quote=quote,
        source=source_id,
        section=section,
        file=reader.file,
        line=node.start_mark.line + 1,
        keywords=tuple(keywords),
        related=tuple(related),
        question_lines=tuple(n.start_mark.line + 1 for _, n in question_items),
    )
    return entry, quote_node.start_mark.line + 1 if quote_node is not None else entry.line


def _verify_quotes(
    found: list[tuple[Entry, int]], sources: Mapping[str, Source], problems: list[Problem]
) -> list[Entry]:
    """The entries whose quote is verbatim in their source; a problem for each of the others.

    One pass over each source: the quotes of all its entries go into one Aho-Corasick automaton that
    reads the source's quote key once, so loading grows with the size of the sources plus the quotes,
    not with their product.
    """
    wanted: dict[str, set[str]] = {}
    keys: list[str] = []
    for entry, _line in found:
        key = quote_key(entry.quote)
        keys.append(key)
        if entry.source in sources:
            wanted.setdefault(entry.source, set()).add(key)
    present: dict[str, set[str]] = {}
    for source_id, quotes in wanted.items():
        present[source_id] = _present_in(quote_key(sources[source_id].text), quotes)
    kept: list[Entry] = []
    for (entry, line), key in zip(found, keys, strict=True):
        if entry.source not in sources:
            kept.append(entry)  # an unknown source is reported where it is named
            continue
        if key in present[entry.source]:
            crossed = sources[entry.source].crossed_label(key)
            if crossed:
                problems.append(
                    Problem(
                        entry.file,
                        line,
                        f"quote crosses a heading or caption ('{crossed}'): quote the body text alone, or the heading "
                        "alone",
                    )
                )
                continue
            kept.append(entry)
            continue
        source = sources[entry.source]
        problems.append(
            Problem(
                entry.file,
                line,
                f"quote not found in source '{entry.source}': copy it verbatim from {source.file} "
                "(a quote may not span a heading or caption)",
            )
        )
    return kept


def _with_speakers(entries: list[Entry], sources: Mapping[str, Source], problems: list[Problem]) -> list[Entry]:
    """Entries whose section has a speaker (the source's ``speakers``) say who presented it, unless their answer
    already names them: "据县委副书记、县长某某介绍，…"."""
    out: list[Entry] = []
    for entry in entries:
        source = sources.get(entry.source)
        who = source.speakers.get(entry.section, "") if source is not None else ""
        if who and who[-2:] not in entry.answer:
            entry = replace(entry, answer=ZH.chars("speaker_prefix").format(speaker=who) + entry.answer)
        out.append(entry)
    for source in sources.values():
        for section in source.speakers:
            if source.sections and section not in source.sections:
                problems.append(
                    Problem(source.file, 1, f"speakers names section '{section}', which is not in sections")
                )
    return out


def _present_in(text: str, patterns: set[str]) -> set[str]:
    """Which of the patterns occur in the text, in one pass over the text."""
    patterns = {p for p in patterns if p}
    if not patterns:
        return set()
    if len(patterns) * len(text) <= 2_000_000:  # small: the built-in search is quicker than an automaton
        return {p for p in patterns if p in text}
    automaton = ahocorasick.Automaton()
    for pattern in patterns:
        automaton.add_word(pattern, pattern)
    automaton.make_automaton()
    seen: set[str] = set()
    for _end, pattern in automaton.iter(text):
        seen.add(pattern)
        if len(seen) == len(patterns):
            break
    return seen


def _cross_checks(
    entries: list[Entry], synonyms: tuple[tuple[str, ...], ...], problems: list[Problem]
) -> list[Entry]:
    """Checks across entries; returns the entries with their matching keys filled in."""
    from ..language.text import Normalizer  # core-to-core import; kept local so the model has no import cycle

    all_keys = iter(Normalizer(synonyms).normalize_many(q for e in entries for q in e.questions + e.keywords))
    owner: dict[str, tuple[Entry, int]] = {}
    keyed: list[Entry] = []
    for entry in entries:
        keyword_lines = (entry.line,) * len(entry.keywords)
        keys = tuple(next(all_keys) for _ in range(len(entry.questions) + len(entry.keywords)))
        keyed.append(replace(entry, keys=keys))
        for question, line, key in zip(
            entry.questions + entry.keywords, entry.question_lines + keyword_lines, keys, strict=True
        ):
            if not key:
                problems.append(Problem(entry.file, line, f"question '{question}' has no words left to match on"))
                continue
            first = owner.get(key)
            if first is None:
                owner[key] = (entry, line)
            elif first[0].id != entry.id:
                problems.append(
                    Problem(
                        entry.file,
                        line,
                        f"question or keyword '{question}' is also used by '{first[0].id}' "
                        f"({first[0].file}:{first[1]}); keep it in one entry only",
                    )
                )
    first_by_id: dict[str, Entry] = {}
    for entry in entries:
        other = first_by_id.get(entry.id)
        if other is not None:
            problems.append(
                Problem(entry.file, entry.line, f"duplicate id '{entry.id}' (first used at {other.file}:{other.line})")
            )
        else:
            first_by_id[entry.id] = entry
    for entry in entries:
        for related in entry.related:
            if related not in first_by_id:
                problems.append(Problem(entry.file, entry.line, f"related id '{related}' does not exist"))
            elif related == entry.id:
                problems.append(Problem(entry.file, entry.line, f"entry '{entry.id}' lists itself as related"))
    return keyed


def load_knowledge(directory: str | Path, *, with_announcements: bool = True) -> KnowledgeBase:
    """Load and validate a knowledge directory; raise KnowledgeError listing every problem.

    ``with_announcements=False`` leaves announcements.yaml unread (the bot answers questions while that
    file has problems; ``validate`` always reads it)."""
    root = Path(directory)
    problems: list[Problem] = []
    if not root.is_dir():
        raise KnowledgeError([Problem(str(root), 1, "knowledge directory not found; pass --knowledge DIR")])
    sources = _load_sources(root, problems)
    synonyms = _load_term_groups(root, problems)
    scope = _load_scope(root, problems)
    read: list[tuple[Entry, int]] = []
    topic_files = list(_topic_files(root))
    if not topic_files:
        problems.append(Problem(str(root), 1, "no topic files (*.yaml) found"))
    for path in topic_files:
        read.extend(_load_topic(path, root, sources, problems))
    quoted = _with_speakers(_verify_quotes(read, sources, problems), sources, problems)
    entries = _cross_checks(quoted + _derived(quoted, sources, scope, synonyms), synonyms, problems)
    del read
    announcements = _load_announcements(root, problems) if with_announcements else ()
    place = _load_place(root, problems)
    if problems:
        raise KnowledgeError(problems)
    by_id = {e.id: e for e in entries}
    return KnowledgeBase(
        directory=str(root),
        entries=tuple(entries),
        sources=MappingProxyType(sources),
        synonyms=synonyms,
        scope=scope,
        by_id=MappingProxyType(by_id),
        announcements=announcements,
        place=place,
    )


def _derived(
    entries: list[Entry], sources: Mapping[str, Source], scope: Scope, synonyms: tuple[tuple[str, ...], ...]
) -> list[Entry]:
    """The entries each source's own text gives (headings, opening, ending, speakers: :mod:`bot.knowledge.derived`)."""
    from ..language.text import Normalizer
    from .derived import derived_entries  # built on this module's model

    normalizer = Normalizer(synonyms)
    taken = set(normalizer.normalize_many(q for e in entries for q in e.questions + e.keywords))
    return derived_entries(sources, scope.names, lambda q: normalizer.normalize(q) in taken, {e.id for e in entries})


def _load_announcements(root: Path, problems: list[Problem]) -> tuple[Announcement, ...]:
    from ..announcements.model import FILE_NAME, load_announcements  # the announcements module builds on this one

    path = root / FILE_NAME
    return load_announcements(path, _relative(path, root), problems)


def load_settings(
    directory: str | Path, *, with_announcements: bool = True
) -> tuple[tuple[tuple[str, ...], ...], Scope, tuple[Announcement, ...], Place]:
    """The small files of a base (synonyms, scope, announcements), read and checked as :func:`load_knowledge`
    reads them; used beside a compiled snapshot, which holds the entries and sources."""
    root = Path(directory)
    problems: list[Problem] = []
    synonyms = _load_term_groups(root, problems)
    scope = _load_scope(root, problems)
    announcements = _load_announcements(root, problems) if with_announcements else ()
    place = _load_place(root, problems)
    if problems:
        raise KnowledgeError(problems)
    return synonyms, scope, announcements, place


def knowledge_files(directory: str | Path) -> list[Path]:
    """Every file :func:`load_knowledge` reads (sources, topic files and the special files), sorted."""
    root = Path(directory)
    found = [*root.glob("*.yaml"), *root.glob("*.yml"), *(root / "sources").glob("*.md")]
    return sorted(p for p in found if p.is_file())
