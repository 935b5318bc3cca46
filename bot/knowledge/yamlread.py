"""Reading the files of a knowledge folder: their text as county staff save it, and YAML with line numbers.

:class:`YamlReader` turns composed YAML nodes into Python values and collects a :class:`~bot.knowledge.problems.Problem`
(file, line, the fix) for everything wrong instead of raising; the knowledge loaders and the loaders that
features register (:mod:`bot.knowledge.extras`) read their files with it.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import Problem

__all__ = ["YAML_LOADER", "YamlReader", "read_text", "shown_name"]


YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster


class YamlReader:
    """Turns composed YAML nodes into Python values, collecting problems with their line numbers."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, node: Node | None, message: str) -> None:
        """Report ``message`` at the line of ``node`` (line 1 without one)."""
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(self.file, line, message))

    def compose(self, text: str) -> Node | None:
        """The YAML document's root node, or None (a syntax error is reported, with the fix)."""
        try:
            return yaml.compose(text, Loader=YAML_LOADER)
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
        """Report every field not in ``allowed``, with the allowed ones."""
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


def shown_name(path: Path, root: Path) -> str:
    """How a file of the knowledge folder ``root`` is named in problems: from the folder's parent on."""
    try:
        return str(path.relative_to(root.parent)) if root.parent != path else str(path)
    except ValueError:
        return str(path)
