"""Line-exact edits of a topic YAML file: add a question to an entry, and take such an edit back.

Pure core: no Telegram, no storage. PyYAML's composer (libyaml, as the loader reads the base) finds the
entry and the position of its ``questions:`` list (line and column of each item, block or flow style) and
its dumper renders the new question as a YAML scalar; the edit itself is one :class:`Hunk` (the lines removed
and the lines added at one place), so every other byte of the file, its comments, order, quoting, blank lines
and line endings, stays as people wrote it. The edited text is parsed again and must hold exactly the old
data plus the new question, or the edit is refused.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["EditError", "Hunk", "add_question", "clean_question", "revert"]

MAX_QUESTION_CHARS = 200
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_FLOW_UNSAFE = re.compile(r"[,\[\]{}#:&*!|>'\"%@`]")


class EditError(Exception):
    """The file cannot be edited as asked; the message says why (plain Chinese for the admin)."""


@dataclass(frozen=True)
class Hunk:
    """One change of a text file: at ``line`` (1-based), ``removed`` lines were replaced by ``added``.

    Lines keep their line endings, so applying and reverting a hunk is exact to the byte.
    """

    line: int
    removed: tuple[str, ...]
    added: tuple[str, ...]

    def to_json(self) -> str:
        return json.dumps({"line": self.line, "removed": self.removed, "added": self.added}, ensure_ascii=False)

    @staticmethod
    def from_json(text: str) -> Hunk:
        data = json.loads(text)
        return Hunk(int(data["line"]), tuple(data["removed"]), tuple(data["added"]))

    def apply(self, text: str) -> str:
        """The text with this change made; EditError if the lines it replaces are not there."""
        lines = text.splitlines(keepends=True)
        start = self.line - 1
        if tuple(lines[start : start + len(self.removed)]) != self.removed:
            raise EditError("文件里对应的行已经不一样了")
        return "".join(lines[:start] + list(self.added) + lines[start + len(self.removed) :])

    def reverted(self) -> Hunk:
        """The change that takes this one back."""
        return Hunk(self.line, self.added, self.removed)


def clean_question(text: str) -> str:
    """A resident's message as one question line: whitespace collapsed, control characters dropped."""
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())


def _compose(text: str) -> Node | None:
    try:
        node: Node | None = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise EditError(f"文件不是有效的 YAML：{exc}") from None
    return node


def _load(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise EditError(f"文件不是有效的 YAML：{exc}") from None


def _field(node: Node | None, name: str) -> Node | None:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == name and isinstance(value, Node):
                return value
    return None


def _find_entry(root: Node | None, entry_id: str) -> MappingNode:
    entries = _field(root, "entries")
    if isinstance(entries, SequenceNode):
        for entry in entries.value:
            found = _field(entry, "id")
            if isinstance(entry, MappingNode) and isinstance(found, ScalarNode) and found.value == entry_id:
                return entry
    raise EditError(f"文件里找不到条目 {entry_id}")


def _block_scalar(question: str) -> str:
    """The question as a YAML scalar for a block list item (the dumper chooses plain or quoted)."""
    rendered = yaml.dump([question], Dumper=_DUMPER, allow_unicode=True, width=1_000_000, default_flow_style=False)
    if rendered.startswith("- ") and rendered.count("\n") == 1:
        return rendered[2:].rstrip("\n")
    return json.dumps(question, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar


def _flow_scalar(question: str) -> str:
    if _FLOW_UNSAFE.search(question) or question[:1] in "-?" or question != question.strip():
        return json.dumps(question, ensure_ascii=False)
    return question


def _newline(lines: list[str]) -> str:
    for line in lines:
        if line.endswith("\r\n"):
            return "\r\n"
        if line.endswith("\n"):
            return "\n"
    return "\n"


def _plain(value: Any) -> Any:
    """Parsed YAML as plain Python values, for comparing the data before and after an edit."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value) if value is not None else None


def add_question(text: str, entry_id: str, question: str) -> tuple[str, Hunk]:
    """The file text with ``question`` appended to the entry's ``questions:``, and the change made.

    Raises EditError if the entry or its question list cannot be found, or the edit would change
    anything but that list.
    """
    question = clean_question(question)
    if not question:
        raise EditError("问法是空的")
    if len(question) > MAX_QUESTION_CHARS:
        raise EditError(f"问法太长了（{len(question)} 个字，最多 {MAX_QUESTION_CHARS} 个）")
    questions = _field(_find_entry(_compose(text), entry_id), "questions")
    if not isinstance(questions, SequenceNode) or not questions.value:
        raise EditError(f"条目 {entry_id} 没有 questions: 列表")
    lines = text.splitlines(keepends=True)
    newline = _newline(lines)
    last = questions.value[-1].start_mark
    if questions.flow_style:
        hunk = _flow_insert(lines, questions, last.line, question)
    else:
        hunk = _block_insert(lines, last.line, last.column, question, newline)
    edited = hunk.apply(text)
    _check(_load(text), edited, entry_id, question)
    return edited, hunk


def _block_insert(lines: list[str], last_line: int, last_col: int, question: str, newline: str) -> Hunk:
    first = lines[last_line]
    prefix = first[:last_col]
    if prefix.strip() != "-":
        raise EditError("问法列表的写法不常见（每行应以 '- ' 开头），请手工修改")
    dash = len(prefix) - len(prefix.lstrip())
    end = last_line + 1
    while end < len(lines) and lines[end].strip() and not lines[end].lstrip().startswith("#"):
        if len(lines[end]) - len(lines[end].lstrip()) <= dash:
            break
        end += 1  # the continuation of a question written over several lines
    new_line = prefix + _block_scalar(question) + newline
    before = lines[end - 1]
    if before.endswith(("\n", "\r")):
        return Hunk(end + 1, (), (new_line,))
    # the item is the file's last line, with no line break: it gets one
    return Hunk(end, (before,), (before + newline, new_line.rstrip("\r\n")))


def _flow_insert(lines: list[str], questions: SequenceNode, last_line: int, question: str) -> Hunk:
    start_line, start_col = questions.start_mark.line, questions.start_mark.column
    if start_line != last_line:
        raise EditError("问法列表写成了跨行的 [ ... ]，请手工修改")
    line = lines[start_line]
    close = line.find("]", start_col)
    if close < 0:
        raise EditError("问法列表写成了跨行的 [ ... ]，请手工修改")
    head = line[:close].rstrip()
    new_line = f"{head}, {_flow_scalar(question)}{line[len(head):]}"
    return Hunk(start_line + 1, (line,), (new_line,))


def _check(before: Any, edited: str, entry_id: str, question: str) -> None:
    """The edited text must parse to the old data with the question appended, and nothing else."""
    after = _load(edited)
    expected = _plain(before)
    for entry in expected.get("entries", []):
        if isinstance(entry, dict) and entry.get("id") == entry_id:
            entry["questions"] = [*entry["questions"], question]
    if _plain(after) != expected:
        raise EditError("自动修改会改动别的内容，已放弃；请手工修改这个文件")


def revert(text: str, hunk: Hunk) -> str:
    """The text with ``hunk`` taken back; EditError if the file no longer holds what the hunk added."""
    return hunk.reverted().apply(text)
