"""Files of a knowledge folder that a feature reads with its own loader, such as ``announcements.yaml``.

A feature registers its file when its module is imported (:func:`register_file`); from then on
:func:`~bot.knowledge.load.load_knowledge` reads it beside the topic files, its problems join the others,
and the base holds what the loader returned, typed by the file: ``kb.extras.get(ANNOUNCEMENTS)``. The
knowledge package never imports a feature: whoever loads a base for a feature imports that feature first
(:mod:`bot.engine.service` imports :mod:`bot.announcements.model`). The names of such files are reserved in
:data:`FEATURE_FILES`, so a process without the feature never reads its file as a topic file.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, TypeVar, cast

from .problems import Problem
from .yamlread import shown_name

__all__ = ["FEATURE_FILES", "ExtraFile", "Extras", "loader_modules", "read_extras", "register_file"]

T = TypeVar("T")

FEATURE_FILES = frozenset({"announcements.yaml"})  # never topic files, whichever features a process has


@dataclass(frozen=True, eq=False)
class ExtraFile(Generic[T]):
    """A file of the knowledge folder, the loader a feature reads it with, and its value when it is not read."""

    name: str  # in the knowledge folder, e.g. announcements.yaml
    # (path, the file's name in problems, the problems to add to) -> its value; a missing file is the loader's to
    # handle (announcements: none)
    load: Callable[[Path, str, list[Problem]], T]
    empty: T


_REGISTERED: dict[str, ExtraFile[Any]] = {}


def register_file(file: ExtraFile[T]) -> ExtraFile[T]:
    """Have every base read ``file`` from now on (the feature's module calls it once); returns ``file``."""
    if file.name not in FEATURE_FILES:
        raise ValueError(f"{file.name}: reserve the name in FEATURE_FILES, or a base loaded without the feature "
                         "reads it as a topic file")
    _REGISTERED[file.name] = file
    return file


def loader_modules() -> tuple[str, ...]:
    """The modules that registered files: a child process imports them to read the same files."""
    return tuple(dict.fromkeys(file.load.__module__ for file in _REGISTERED.values()))


@dataclass(frozen=True)
class Extras:
    """What the registered loaders read from a base's folder, by file name."""

    values: Mapping[str, object] = field(default_factory=dict)

    def get(self, file: ExtraFile[T]) -> T:
        """The value ``file``'s loader returned (``file.empty`` when the file was left unread)."""
        if file.name in self.values:
            return cast(T, self.values[file.name])
        return file.empty

    def having(self, file: ExtraFile[T], value: T) -> Extras:
        """A copy in which ``file`` has ``value``."""
        return Extras(MappingProxyType({**self.values, file.name: value}))


def read_extras(root: Path, problems: list[Problem], *, unread: Collection[str] = ()) -> Extras:
    """Every registered file of the folder ``root`` but those named in ``unread``, each read by its loader."""
    values: dict[str, object] = {}
    for file in _REGISTERED.values():
        if file.name not in unread:
            path = root / file.name
            values[file.name] = file.load(path, shown_name(path, root), problems)
    return Extras(MappingProxyType(values))
