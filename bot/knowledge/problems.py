"""What is wrong in a knowledge folder: :class:`Problem` (file, line, the fix) and :class:`KnowledgeError`.

Every loader reports problems instead of raising on the first one; :func:`~bot.knowledge.load.load_knowledge`
raises :class:`KnowledgeError` with the complete list and never returns a half-loaded base.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KnowledgeError", "Problem"]


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
