"""The compiled snapshot of a knowledge base: start from arrays, not from YAML.

Reading, validating and indexing a large base takes time (100,000 entries: tens of seconds). Once a
base has been validated, :func:`open_knowledge` writes what the engine needs of it (the entries as
columns, one string table, the matching keys and both gram indexes, :mod:`bot.knowledge.table` and
:class:`~bot.engine.retrieve.RetrievalData`) to a folder in the cache directory, named by a *fingerprint*:
a hash of every file of the base (names, sizes and bytes) and of the engine (the code of the modules
that produce the snapshot, and the versions of the libraries that normalise text). The next start
with the same files and the same engine maps that folder (NumPy arrays with ``mmap``) instead of
parsing YAML; any change to any file gives another fingerprint, so a rebuild.

A snapshot is written to a temporary folder and renamed into place, so a reader never sees half of
one. Every file's size and CRC-32 are recorded; a snapshot that does not match them (truncated,
overwritten, from another format) is never served: it is reported in the log and rebuilt.
``python -m bot validate`` never reads a snapshot: it always checks the YAML itself.

Layout: ``<cache>/<fingerprint>/meta.json``, ``strings.bin`` (UTF-8 string table) and one ``.npy`` per
array. The cache directory defaults to ``<knowledge>/.cache`` (git-ignored) and is set in the config
as ``knowledge_cache``.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import logging
import mmap
import os
import shutil
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Collection
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from ..knowledge.extras import loader_modules
from ..knowledge.load import knowledge_files, load_knowledge, load_settings
from ..knowledge.model import KnowledgeBase, Source
from ..knowledge.problems import KnowledgeError, Problem
from ..knowledge.table import EntryTable, StringTable, StringTableBuilder
from ..language.text import Normalizer
from .index import FileArray, GramIndex
from .retrieve import ANSWER_WEIGHT, RetrievalData

__all__ = [
    "FORMAT", "SnapshotError", "build_snapshot", "default_cache", "fingerprint", "open_knowledge", "prune_snapshots"
]

logger = logging.getLogger(__name__)

FORMAT = 2  # the layout of a snapshot folder; the engine's code is in the fingerprint as well
# modules whose code decides what a snapshot holds: a change to any of them is a new engine
ENGINE_MODULES = (
    "knowledge/model.py", "knowledge/load.py", "knowledge/sources.py", "knowledge/topics.py", "knowledge/verify.py",
    "knowledge/yamlread.py", "knowledge/problems.py", "knowledge/extras.py", "knowledge/derived.py",
    "knowledge/table.py",
    "language/text.py", "engine/index.py", "engine/retrieve.py", "engine/snapshot.py",
    "language/__init__.py", "language/zh.yaml",  # the derived entries and the keys are read through these
)
ENGINE_LIBRARIES = ("opencc", "pypinyin", "numpy")
_SOURCE_FIELDS = ("id", "title", "file", "author", "event", "organisers", "published", "note")


class SnapshotError(Exception):
    """A snapshot cannot be used (missing, stale or corrupt); ``present`` is False when there is none."""

    def __init__(self, message: str, *, present: bool = True) -> None:
        super().__init__(message)
        self.present = present


def default_cache(directory: str | Path) -> Path:
    """Where snapshots of a base are kept unless the config says otherwise."""
    return Path(directory) / ".cache"


def _engine_version() -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"format {FORMAT}\n".encode())
    here = Path(__file__).resolve().parent.parent  # the package: ENGINE_MODULES are named from it
    for name in ENGINE_MODULES:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    for library in ENGINE_LIBRARIES:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = "?"
        digest.update(f"{library} {version}\n".encode())
    return digest.digest()


_ENGINE: bytes | None = None


def fingerprint(directory: str | Path) -> str:
    """A hash of every file of the base (name, size, bytes) and of the engine; any change changes it."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = _engine_version()
    root = Path(directory)
    digest = hashlib.blake2b(_ENGINE, digest_size=20)
    for path in knowledge_files(root):
        data = path.read_bytes()
        digest.update(f"{path.relative_to(root).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------------
# Building


@dataclass
class _Compiled:
    strings: StringTable
    arrays: dict[str, np.ndarray]
    sources: list[dict[str, Any]]
    entries: int


def _compile(kb: KnowledgeBase) -> _Compiled:
    strings = StringTableBuilder()
    arrays = EntryTable.columns(kb.entries, strings)
    normalizer = Normalizer(kb.synonyms)
    arrays.update(RetrievalData.arrays(kb.entries, normalizer, strings, answer_weight=ANSWER_WEIGHT))
    sources = [
        {name: getattr(source, name) for name in _SOURCE_FIELDS}
        | {"sections": list(source.sections), "speakers": dict(source.speakers), "text": strings.add(source.text)}
        for source in kb.sources.values()
    ]
    return _Compiled(strings.build(), arrays, sources, len(kb.entries))


def _crc(path: Path) -> int:
    crc = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            crc = zlib.crc32(block, crc)
    return crc


def _write(compiled: _Compiled, cache: Path, key: str, *, prune: bool = True) -> Path:
    """Write a snapshot into ``cache/key`` atomically (a temporary folder renamed into place); with ``prune``,
    remove the other snapshots."""
    cache.mkdir(parents=True, exist_ok=True)
    ignore = cache / ".gitignore"
    if not ignore.exists():  # the cache ignores itself in any git repository (a knowledge folder under git)
        with contextlib.suppress(OSError):
            ignore.write_text("# compiled snapshots, rebuilt from the YAML (bot/engine/snapshot.py)\n*\n",
                              encoding="utf-8")
    final = cache / key
    temporary = cache / f".tmp-{key[:12]}-{os.getpid()}-{threading.get_ident()}"
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir()
    try:
        files: dict[str, dict[str, int]] = {}
        (temporary / "strings.bin").write_bytes(bytes(compiled.strings.blob))
        np.save(temporary / "strings.offsets.npy", compiled.strings.offsets)
        for name, array in compiled.arrays.items():
            np.save(temporary / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
        for path in sorted(temporary.iterdir()):
            files[path.name] = {"size": path.stat().st_size, "crc32": _crc(path)}
        meta = {
            "format": FORMAT,
            "fingerprint": key,
            "entries": compiled.entries,
            "arrays": sorted(compiled.arrays),
            "sources": compiled.sources,
            "files": files,
            "written": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        (temporary / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        try:
            os.rename(temporary, final)
        except OSError:
            try:
                _verify(final, key)  # another process wrote the same snapshot first: keep theirs
            except SnapshotError:
                broken = cache / f".tmp-broken-{key[:12]}-{os.getpid()}-{threading.get_ident()}"
                os.rename(final, broken)  # a damaged snapshot in the way: out of it, then ours in
                os.rename(temporary, final)
                shutil.rmtree(broken, ignore_errors=True)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    if prune:
        _prune(cache, keep=key)
    return final


def _prune(cache: Path, *, keep: str) -> None:
    """Remove older snapshots (a process still mapping one keeps its files until it lets go)."""
    for path in cache.iterdir():
        stale_temporary = path.name.startswith(".tmp-") and time.time() - path.stat().st_mtime > 3600
        if path.is_dir() and path.name != keep and (stale_temporary or not path.name.startswith(".")):
            shutil.rmtree(path, ignore_errors=True)


def prune_snapshots(directory: str | Path, *, cache_dir: str | Path | None = None) -> None:
    """Remove the snapshots of every other version of the base than the one its files give now."""
    cache = Path(cache_dir) if cache_dir else default_cache(directory)
    with contextlib.suppress(OSError):
        _prune(cache, keep=fingerprint(directory))


def build_snapshot(directory: str | Path, *, cache_dir: str | Path | None = None) -> Path:
    """Validate the base from its YAML and write its snapshot; return the snapshot's folder."""
    root = Path(directory)
    key = fingerprint(root)
    kb = load_knowledge(root)
    return _write(_compile(kb), Path(cache_dir) if cache_dir else default_cache(root), key)


# --------------------------------------------------------------------------------------------------
# Reading


def _verify(folder: Path, key: str) -> dict[str, Any]:
    """The snapshot's meta data, once every file is checked against its recorded size and CRC-32."""
    meta_path = folder / "meta.json"
    if not meta_path.exists():
        raise SnapshotError("no snapshot", present=False)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SnapshotError(f"meta.json unreadable: {exc}") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("fingerprint") != key:
        raise SnapshotError("another format or another base")
    files = meta.get("files")
    if not isinstance(files, dict) or "strings.bin" not in files:
        raise SnapshotError("no file list")
    for name, expected in files.items():
        path = folder / name
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise SnapshotError(f"{name} missing") from exc
        if size != expected.get("size") or _crc(path) != expected.get("crc32"):
            raise SnapshotError(f"{name} does not match its checksum")
    return meta


def _read(folder: Path, root: Path, key: str, *, unread: Collection[str] = ()) -> KnowledgeBase:
    meta = _verify(folder, key)
    files = meta["files"]
    # the postings of a large base are read a run at a time (FileArray); a small base's are mapped whole, as
    # every question reads many runs of them and the whole file costs less than a page cache's read-ahead
    large = {
        name
        for prefix in ("chars_", "pinyin_")
        for name in (f"{prefix}{array}" for array in GramIndex.LARGE)
        if files.get(f"{name}.npy", {}).get("size", 0) > _MAPPED_WHOLE
    }
    try:
        strings = StringTable(_map(folder / "strings.bin"), _array(folder / "strings.offsets.npy"))
        arrays: dict[str, np.ndarray | FileArray] = {
            name: FileArray(folder / f"{name}.npy") if name in large else _array(folder / f"{name}.npy")
            for name in meta["arrays"]
        }
    except (OSError, ValueError) as exc:  # removed or replaced meanwhile (another process rebuilt it)
        raise SnapshotError(f"cannot be opened: {exc}") from exc
    try:
        table = EntryTable.from_arrays(strings, {k: v for k, v in arrays.items() if isinstance(v, np.ndarray)})
        data = RetrievalData.from_arrays(strings, arrays)
        if len(table) != meta["entries"] or int(strings.offsets[-1]) != files["strings.bin"]["size"]:
            raise SnapshotError("sizes do not agree")
        sources = {
            s["id"]: Source(**{name: s[name] for name in _SOURCE_FIELDS}, sections=tuple(s["sections"]),
                            speakers=MappingProxyType(dict(s["speakers"])),
                            text=strings[s["text"]])
            for s in meta["sources"]
        }
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise SnapshotError(f"incomplete: {exc}") from exc
    synonyms, scope, extras, place = load_settings(root, unread=unread)
    return KnowledgeBase(
        directory=str(root),
        entries=table,
        sources=MappingProxyType(sources),
        synonyms=synonyms,
        scope=scope,
        by_id=table.by_id,
        extras=extras,
        place=place,
        compiled=data,
    )


_MAPPED_WHOLE = 4 << 20  # bytes: a postings file this small is mapped, not read a run at a time


def _map(path: Path) -> bytes | mmap.mmap:
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return b""
        mapping = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        _random_access(mapping)
        return mapping


def _array(path: Path) -> np.ndarray:
    try:
        mapped = np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError:  # an empty array cannot be mapped
        loaded: np.ndarray = np.load(path, allow_pickle=False)
        return loaded
    _random_access(getattr(mapped, "_mmap", None))
    array: np.ndarray = mapped.view(np.ndarray)  # a plain ndarray over the map: np.memmap slices are slow to make
    return array


def _random_access(mapping: mmap.mmap | None) -> None:
    """Tell the kernel a map is read at random: a question reads a few short runs of a large array, and
    read-ahead would bring (and count as resident) megabytes around each."""
    advice = getattr(mmap, "MADV_RANDOM", None)
    if mapping is not None and advice is not None:
        with contextlib.suppress(OSError):
            mapping.madvise(advice)


def open_knowledge(
    directory: str | Path,
    *,
    cache_dir: str | Path | None = None,
    unread: Collection[str] = (),
    prune: bool = True,
) -> KnowledgeBase:
    """The validated base: from its snapshot when the files are unchanged, else from the YAML (then the
    snapshot is written for next time and, with ``prune``, the other snapshots removed). Raises
    :class:`~bot.knowledge.problems.KnowledgeError` as :func:`~bot.knowledge.load.load_knowledge` does; a cache
    that cannot be written only costs speed. ``unread`` names registered files left unread (see
    :func:`~bot.knowledge.load.load_knowledge`)."""
    root = Path(directory)
    if not root.is_dir():
        return load_knowledge(root)  # raises the usual error
    cache = Path(cache_dir) if cache_dir else default_cache(root)
    key = fingerprint(root)
    try:
        return _read(cache / key, root, key, unread=unread)
    except SnapshotError as exc:
        if exc.present:
            logger.warning("knowledge snapshot %s not used (%s): rebuilding it from the YAML", cache / key, exc)
    if _size(root) >= SEPARATE_BUILD_BYTES:
        folder = _build_in_child(root, cache, key, unread=unread, prune=prune)
        if folder is not None:
            with contextlib.suppress(SnapshotError):
                return _read(folder, root, key, unread=unread)
    kb = load_knowledge(root, unread=unread)
    compiled = _compile(kb)
    if fingerprint(root) != key:  # a file changed while it was read: serve it, but do not store it
        logger.info("knowledge changed while it was read; snapshot not written")
        return _in_memory(kb, compiled)
    try:
        folder = _write(compiled, cache, key, prune=prune)
    except OSError as exc:
        logger.warning("cannot write the knowledge snapshot to %s (%s); next start reads the YAML again", cache, exc)
        return _in_memory(kb, compiled)
    try:
        return _read(folder, root, key, unread=unread)  # what the next start maps
    except SnapshotError as exc:
        logger.warning("knowledge snapshot %s unreadable right after writing (%s)", folder, exc)
        return _in_memory(kb, compiled)


# A base this large (its files' bytes) is read and compiled in a child process: the YAML's nodes and the
# build's temporary arrays (about 1 GB for 100,000 entries) never swell the serving process, and the
# build never competes for its interpreter lock while it answers (a /reload).
SEPARATE_BUILD_BYTES = 8_000_000


def _size(root: Path) -> int:
    return sum(path.stat().st_size for path in knowledge_files(root))


def _build_in_child(
    root: Path, cache: Path, key: str, *, unread: Collection[str] = (), prune: bool = True
) -> Path | None:
    """Build the snapshot in a child process; its folder, or None if the child could not write it.
    Problems of the base are raised here as they would be in this process: the child imports the modules that
    registered files with the loader, so it reads the same files."""
    command = [sys.executable, "-m", "bot.engine.snapshot", str(root), str(cache), key]
    command += [f"{_IMPORT}{module}" for module in loader_modules()]
    command += [f"{_UNREAD}{name}" for name in sorted(unread)]
    if not prune:
        command.append(_KEEP_OTHERS)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode == 0:
        return cache / key
    if done.returncode == _INVALID:
        found = json.loads(done.stdout)
        raise KnowledgeError([Problem(p["file"], p["line"], p["message"]) for p in found])
    logger.warning("building the knowledge snapshot in a child process failed (%s); building it here",
                   done.stderr.strip().splitlines()[-1:] or done.returncode)
    return None


_INVALID = 3  # the child's exit status when the base has problems (listed as JSON on its output)
_IMPORT = "--import="  # a module that registers a file with the loader
_UNREAD = "--unread="  # a registered file left unread
_KEEP_OTHERS = "--keep-others"


def _child(argv: list[str]) -> int:
    root, cache, key = Path(argv[0]), Path(argv[1]), argv[2]
    for option in argv[3:]:
        if option.startswith(_IMPORT):
            importlib.import_module(option.removeprefix(_IMPORT))
    unread = {option.removeprefix(_UNREAD) for option in argv[3:] if option.startswith(_UNREAD)}
    try:
        kb = load_knowledge(root, unread=unread)
    except KnowledgeError as exc:
        print(json.dumps([{"file": p.file, "line": p.line, "message": p.message} for p in exc.problems]))
        return _INVALID
    if fingerprint(root) != key:
        return 1  # changed while read: the parent reads it itself
    _write(_compile(kb), cache, key, prune=_KEEP_OTHERS not in argv[3:])
    return 0


def _in_memory(kb: KnowledgeBase, compiled: _Compiled) -> KnowledgeBase:
    return replace(kb, compiled=RetrievalData.from_arrays(compiled.strings, compiled.arrays))


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
