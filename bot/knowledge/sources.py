"""The source documents of a knowledge folder (``sources/<id>.md``): front matter, then the text verbatim."""

from __future__ import annotations

import re
from pathlib import Path
from types import MappingProxyType

from .model import ID_PATTERN, Source
from .problems import Problem
from .yamlread import YamlReader, read_text, shown_name

__all__ = ["load_sources"]


def _split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, line where the front matter starts) or None if there is none."""
    if not text.startswith("---"):
        return None
    match = re.match(r"---[ \t]*\n(.*?)\n---[ \t]*\n?", text, re.S)
    if match is None:
        return None
    return match.group(1), text[match.end():], 2


def load_sources(directory: Path, problems: list[Problem]) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    source_dir = directory / "sources"
    if not source_dir.is_dir():
        problems.append(
            Problem(shown_name(source_dir, directory), 1, "missing folder 'sources/' with the source documents (.md)")
        )
        return sources
    for path in sorted(source_dir.glob("*.md")):
        name = shown_name(path, directory)
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
        reader = YamlReader(name)
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
        problems.append(Problem(shown_name(source_dir, directory), 1, "no source documents (*.md) found"))
    return sources
