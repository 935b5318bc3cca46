"""The knowledge service: the loaded base and its matcher, swapped atomically on reload.

Pure core: no Telegram here. Readers take ``service.current`` once per question, so a reload in the
middle of a conversation never mixes two bases. A reload builds the new base and its matcher in the
thread that calls it (the bot calls it in a worker thread) while questions go on being answered from
the old one; the new one replaces it in a single assignment, and only when it is complete and valid.
An admin's edit builds its base once, from a scratch copy with the edited file (:meth:`KnowledgeService.build`),
checks it, writes the file and serves that very base (:meth:`KnowledgeService.swap`), with no second build.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from ..announcements.model import ANNOUNCEMENTS  # imported, it registers announcements.yaml with the loader
from ..knowledge.load import knowledge_files
from ..knowledge.model import KnowledgeBase
from ..knowledge.problems import KnowledgeError, Problem
from ..settings import Thresholds
from .matching import Matcher
from .snapshot import default_cache, open_knowledge, prune_snapshots

__all__ = ["KnowledgeService", "Loaded", "ReloadResult", "base_hash", "fingerprint", "open_for_answers"]


def fingerprint(directory: str | Path) -> dict[str, str]:
    """SHA-256 of every file the loader reads (topic and special YAML files, sources), by name in the folder."""
    root = Path(directory)
    found: dict[str, str] = {}
    for path in knowledge_files(root):
        try:
            found[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            continue
    return found


def recently_changed(directory: str | Path, seconds: float) -> tuple[tuple[str, float], ...]:
    """The knowledge files modified less than ``seconds`` ago, with how long ago (newest first)."""
    root = Path(directory)
    now = time.time()
    found: list[tuple[str, float]] = []
    for path in knowledge_files(root):
        try:
            age = now - path.stat().st_mtime
        except OSError:
            continue
        if age < seconds:
            found.append((path.relative_to(root).as_posix(), max(age, 0.0)))
    return tuple(sorted(found, key=lambda item: item[1]))


def base_hash(files: Mapping[str, str]) -> str:
    """One hash standing for a whole knowledge folder, from its :func:`fingerprint`."""
    joined = "\n".join(f"{name}\0{digest}" for name, digest in sorted(files.items()))
    return hashlib.sha256(joined.encode()).hexdigest()


logger = logging.getLogger(__name__)
CONFIRM_LENGTH = 16  # hex characters of the base hash a confirm button carries


def open_for_answers(
    directory: str | Path, *, cache_dir: str | Path | None = None, prune: bool = True
) -> tuple[KnowledgeBase, tuple[Problem, ...]]:
    """The base for answering questions, and the problems of announcements.yaml if that file alone has any
    (the base then comes without announcements). Any other problem raises KnowledgeError as usual.
    ``prune=False`` keeps the snapshots of other versions of the base (see :func:`open_knowledge`)."""
    try:
        return open_knowledge(directory, cache_dir=cache_dir, prune=prune), ()
    except KnowledgeError as exc:
        if not exc.problems or any(Path(p.file).name != ANNOUNCEMENTS.name for p in exc.problems):
            raise
        return (open_knowledge(directory, cache_dir=cache_dir, unread={ANNOUNCEMENTS.name}, prune=prune),
                tuple(exc.problems))


@dataclass(frozen=True)
class Loaded:
    kb: KnowledgeBase
    matcher: Matcher
    # the hash of each file as it was when this base was loaded: an edit is refused if its file changed since
    files: Mapping[str, str] = field(default_factory=dict)
    # problems of announcements.yaml: the questions are answered, the file's announcements are not scheduled
    announcement_problems: tuple[Problem, ...] = ()

    @property
    def base_hash(self) -> str:
        return base_hash(self.files)


@dataclass(frozen=True)
class ReloadResult:
    ok: bool
    problems: tuple[Problem, ...]
    entries: int
    seconds: float = 0.0  # how long reading (or mapping) and indexing the base took
    # the base was swapped in, but announcements.yaml has these problems: the schedule loaded before stays
    announcement_problems: tuple[Problem, ...] = ()
    # a guarded reload held back (ok False, no problems): entries that would go, as (id, canonical question),
    # and files changed moments ago, as (name, seconds ago); ``confirm`` is what confirms this very folder
    removed: tuple[tuple[str, str], ...] = ()
    fresh: tuple[tuple[str, float], ...] = ()
    confirm: str = ""

    @property
    def held(self) -> bool:
        """Not swapped in: entries would go or a file had just changed, and no one confirmed it."""
        return not self.ok and not self.problems and bool(self.removed or self.fresh)


class KnowledgeService:
    def __init__(
        self, directory: str | Path, *, thresholds: Thresholds | None = None, cache_dir: str | Path | None = None
    ) -> None:
        self.directory = str(directory)
        self._thresholds = thresholds or Thresholds()
        self._cache_dir = cache_dir  # None: the default beside the base (bot.engine.snapshot.default_cache)
        self._lock = threading.Lock()  # one reload at a time; answering never takes it
        self._current = self._load()  # raises KnowledgeError at start-up: a bad base never starts

    def _load(self, folder: Path | None = None) -> Loaded:
        """Load the folder (or ``folder``, a copy of it: the base comes out as this folder's, its snapshot
        cached beside the others); a base whose only problems are in announcements.yaml loads without
        announcements (those problems in ``announcement_problems``): one typo there never stops the answers."""
        source = folder or Path(self.directory)
        cache = self._cache_dir or (default_cache(self.directory) if folder is not None else None)
        for _ in range(3):  # hashed before and after loading: a file written meanwhile means load again
            files = fingerprint(source)
            kb, problems = open_for_answers(source, cache_dir=cache, prune=folder is None)
            if fingerprint(source) == files:
                break
        if problems:
            logger.warning("%s has %d problem(s); its announcements are not scheduled: %s", ANNOUNCEMENTS.name,
                           len(problems), "; ".join(str(p) for p in problems))
        if folder is not None:
            kb = replace(kb, directory=self.directory)
        return Loaded(kb, Matcher(kb, thresholds=self._thresholds), MappingProxyType(files), problems)

    def _keeping_schedule(self, loaded: Loaded) -> Loaded:
        """``loaded``, with the current schedule in place of its own if its announcements.yaml has problems: a
        bad announcements file never replaces a good schedule."""
        if not loaded.announcement_problems:
            return loaded
        kept = self._current.kb.extras.get(ANNOUNCEMENTS)
        return replace(loaded, kb=replace(loaded.kb, extras=loaded.kb.extras.having(ANNOUNCEMENTS, kept)))

    @property
    def current(self) -> Loaded:
        return self._current

    def build(self, changes: Mapping[str, bytes]) -> Loaded:
        """The base the folder would give with ``changes`` (file name → new bytes) written over its files, built
        as a reload builds it, with nothing written to the folder: it is read from a scratch copy. Its snapshot
        goes to the cache beside the current one, so that :meth:`swap` serves it and the next start maps it.
        Raises KnowledgeError."""
        root = Path(self.directory)
        with tempfile.TemporaryDirectory(prefix="knowledge-") as scratch:
            copy = Path(scratch) / root.resolve().name  # same folder name: problems read knowledge/x.yaml:12
            copy.mkdir()
            for path in knowledge_files(root):  # what the loader reads, not the cache or a git history
                target = copy / path.relative_to(root)
                target.parent.mkdir(exist_ok=True)
                shutil.copyfile(path, target)
            for name, data in changes.items():
                (copy / name).write_bytes(data)
            return self._load(copy)

    def swap(self, loaded: Loaded) -> bool:
        """Serve ``loaded`` (made by :meth:`build`) if the folder holds exactly the files it was built from, as
        one assignment; False, with nothing changed, if any file differs (someone else wrote one: reload)."""
        with self._lock:
            if fingerprint(self.directory) != dict(loaded.files):
                return False
            loaded = self._keeping_schedule(loaded)
            self._current = loaded
            prune_snapshots(self.directory, cache_dir=self._cache_dir)
        logger.info("knowledge swapped in: %d entries", len(loaded.kb.entries))
        return True

    def reload(self, *, settle_seconds: float | None = None, confirm: str = "") -> ReloadResult:
        """Load the directory again; on any problem keep serving the old base and report the problems.

        With ``settle_seconds`` (an admin's /reload) the new base is also held back, and the result says why,
        when entries of the current base would disappear or a file changed less than that many seconds
        ago (a slow editor may be half-way through writing it); ``confirm`` (the ``confirm`` of that
        result) swaps it in all the same, if the folder is still exactly as it was then.
        """
        with self._lock:
            started = time.perf_counter()
            try:
                loaded = self._load()
            except KnowledgeError as exc:
                seconds = round(time.perf_counter() - started, 3)
                return ReloadResult(False, tuple(exc.problems), len(self._current.kb.entries), seconds)
            token = loaded.base_hash[:CONFIRM_LENGTH]
            if settle_seconds is not None and confirm != token:
                old = self._current.kb.by_id
                removed = tuple((i, old[i].canonical_question) for i in old if i not in loaded.kb.by_id)
                fresh = recently_changed(self.directory, settle_seconds)
                if removed or fresh:
                    seconds = round(time.perf_counter() - started, 3)
                    logger.info("reload held back: %d entries would go, %d files just changed", len(removed),
                                len(fresh))
                    return ReloadResult(False, (), len(self._current.kb.entries), seconds, removed=removed,
                                        fresh=fresh, confirm=token)
            loaded = self._keeping_schedule(loaded)
            self._current = loaded  # one assignment: readers see the old base or the new one, never a mix
            seconds = round(time.perf_counter() - started, 3)
            logger.info("knowledge reloaded: %d entries in %.2f s", len(loaded.kb.entries), seconds)
            return ReloadResult(True, (), len(loaded.kb.entries), seconds, loaded.announcement_problems)
