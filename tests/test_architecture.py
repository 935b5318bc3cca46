"""The house's shape: no import circles, arrows pointing inward, the core free of Telegram, no module over 600 lines.

Every import counts, at the top of a module, inside a function or under ``TYPE_CHECKING``: an import moved into a
function to dodge a circle is still a circle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bot"
MOST_LINES = 600

# Layers from the bottom up: a module may import its own layer and the ones below, never one above.
LAYERS: list[tuple[str, ...]] = [
    ("bot.messages", "bot.limits", "bot.place", "bot.datafiles", "bot.settings", "bot.privacy"),
    ("bot.language",),
    ("bot.knowledge",),
    ("bot.announcements.model", "bot.announcements.schedule"),
    ("bot.engine",),
    ("bot.db", "bot.answering.store", "bot.teaching.store", "bot.announcements.store", "bot.reports.store",
     "bot.storage", "bot.reports.texts", "bot.teaching.learning", "bot.teaching.kbedit", "bot.teaching.yamledit",
     "bot.config"),
    ("bot.tg",),
    ("bot.answering", "bot.teaching", "bot.announcements", "bot.reports"),
    ("bot.tg.app",),
    ("bot.cli", "bot.__main__", "bot.evaluation"),
]
CORE = ("bot.language", "bot.knowledge", "bot.engine", "bot.announcements.model", "bot.privacy", "bot.place",
        "bot.messages", "bot.limits", "bot.settings")


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> tuple[set[str], set[str]]:
    """The package's modules that ``name`` imports anywhere in its text, and the outside top-level packages."""
    inside: set[str] = set()
    outside: set[str] = set()
    base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                stem = base[: len(base) - (node.level - 1)]
                target = ".".join(stem + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("bot"):
                outside.add(target.split(".")[0])
                continue
            for alias in node.names:
                full = f"{target}.{alias.name}"
                inside.add(full if full in MODULES else target)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("bot"):
                    inside.add(alias.name)
                else:
                    outside.add(alias.name.split(".")[0])
    inside.discard(name)
    return {m for m in inside if m in MODULES}, outside


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(name: str) -> int:
    best, best_length = -1, -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best_length:
                best, best_length = index, len(prefix)
    return best


def test_every_module_has_a_layer() -> None:
    assert [name for name in MODULES if name != "bot" and _layer(name) < 0] == []


def test_no_import_circles() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(GRAPH[node][0]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for name in sorted(MODULES):
        if name not in index:
            visit(name)
    assert circles == []


def test_arrows_point_down_the_layers() -> None:
    upward = [f"{name} → {other}" for name, (inside, _) in sorted(GRAPH.items()) for other in sorted(inside)
              if other != "bot" and _layer(other) > _layer(name)]
    assert upward == []


@pytest.mark.parametrize("name", sorted(name for name in MODULES if name.startswith(CORE)))
def test_the_core_knows_no_telegram_and_no_database(name: str) -> None:
    inside, outside = GRAPH[name]
    assert not outside & {"telegram", "sqlite3"}
    assert not {m for m in inside if _layer(m) >= _layer("bot.db")}


def test_no_module_over_600_lines() -> None:
    long = {name: n for name, path in MODULES.items() if (n := len(path.read_text(encoding="utf-8").splitlines())) > MOST_LINES}
    assert long == {}


def test_the_command_line_and_the_core_load_no_telegram_when_run() -> None:
    code = (
        "import sys, bot.knowledge.model, bot.language.text, bot.engine.matching, bot.engine.render, bot.evaluation.quality, bot.engine.validate, bot.engine.service, "
        "bot.announcements.model, bot.reports.texts, bot.storage, "
        "bot.cli; print('telegram' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
