"""Topic files: one ``<name>.yaml`` per topic, its entries each a question-and-answer pair with a verbatim quote.

A topic file names its topic, its default source and section, and its entries; an entry's quote is checked
against its source afterwards, all entries of a source at once (:mod:`bot.knowledge.verify`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from yaml.nodes import Node, SequenceNode

from .extras import FEATURE_FILES
from .model import ID_PATTERN, Entry, Source
from .problems import Problem
from .yamlread import YamlReader, read_text, shown_name

__all__ = ["ENTRY_FIELDS", "SPECIAL_FILES", "TOPIC_FIELDS", "load_topic", "topic_files", "unknown_source"]

SPECIAL_FILES = {"synonyms.yaml", "scope.yaml", "place.yaml", *FEATURE_FILES}  # the YAML files that are not topics
ENTRY_FIELDS = {"id", "questions", "answer", "quote", "section", "source", "keywords", "related"}
TOPIC_FIELDS = {"topic", "source", "section", "entries", "description"}


def topic_files(directory: Path) -> Iterator[Path]:
    for path in sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml")):
        if path.name not in SPECIAL_FILES:
            yield path


def load_topic(
    path: Path, directory: Path, sources: Mapping[str, Source], problems: list[Problem]
) -> list[tuple[Entry, int]]:
    """The entries of one topic file, each with the line of its quote (verified later, per source)."""
    name = shown_name(path, directory)
    reader = YamlReader(name)
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
        reader.problem(fields["source"][1], unknown_source(default_source, sources))
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


def unknown_source(source_id: str, sources: Mapping[str, Source]) -> str:
    known = ", ".join(sorted(sources)) or "none"
    return f"unknown source '{source_id}': add sources/{source_id}.md or use one of: {known}"


def _read_entry(
    reader: YamlReader,
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
        reader.problem(get("source"), unknown_source(source_id, sources))
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
