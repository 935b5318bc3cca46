"""Edits of the knowledge base made by admins (Telegram or command line): safe, recorded, undoable.

An edit goes through the same steps whoever makes it:

1. The topic file must be exactly as it was when the served base was loaded (its hash is recorded at
   load, :class:`bot.engine.service.Loaded`); if someone changed it on disk since, the edit is refused so that
   no one's change is overwritten.
2. The new text is made by :mod:`bot.teaching.yamledit` (one hunk; every other byte kept).
3. The whole new base is validated before anything is written: loaded from a copy of the folder with
   the new file (every ``file:line`` check of ``python -m bot validate``), and every question must still
   be answered by its own entry (the self-retrieval check), the new one included.
4. The file is written atomically (a temporary file in the same folder, then ``os.replace``) and the
   base is swapped in by :meth:`KnowledgeService.reload`, the path /reload takes.
5. The change is recorded in SQLite (who, when, file, entry, the exact lines, the base hash before and
   after) and, if the knowledge folder is in a git repository, committed there.

Pure core plus storage: no Telegram here. Messages are plain Chinese from :mod:`bot.messages`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import messages
from ..engine.matching import Matcher, Status, Thresholds
from ..engine.service import KnowledgeService, base_hash
from ..engine.validate import check_self_retrieval
from ..knowledge.derived import is_derived
from ..knowledge.model import KnowledgeBase, KnowledgeError, Problem, load_knowledge
from ..storage import Storage
from .store import ChangeRecord
from .yamledit import EditError, Hunk, add_question, clean_question, revert

__all__ = ["EditResult", "KnowledgeEditor", "describe_actor"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EditResult:
    """What became of an edit: ``ok`` with the recorded change, or refused with why (``text``)."""

    ok: bool
    text: str
    change: ChangeRecord | None = None
    problems: tuple[Problem, ...] = field(default=())


def describe_actor(actor: str, names: Mapping[int, str] | None = None) -> str:
    """Who made a change, as the history shows it: an admin by the Telegram name they were last seen with
    (``names``), else "管理员" and the last digits of their user id."""
    kind, _, who = actor.partition(":")
    if kind == "telegram":
        name = (names or {}).get(int(who)) if who.isdigit() else None
        return name or messages.ACTOR_ADMIN_UNNAMED.format(tail=who[-4:])
    if kind == "cli":
        return messages.ACTOR_CLI.format(user=who or "?")
    return actor


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class KnowledgeEditor:
    """Adds questions to entries and undoes such edits, one at a time (thread-safe)."""

    def __init__(self, knowledge: KnowledgeService, storage: Storage, *, git: bool = True) -> None:
        self.knowledge = knowledge
        self.storage = storage
        self.git = git
        self._lock = threading.Lock()

    # -- adding a question ------------------------------------------------------------------------

    def add_question(
        self, entry_id: str, question: str, *, actor: str, proposal_id: int | None = None
    ) -> EditResult:
        """Add ``question`` to the entry's questions, validated, written atomically, recorded."""
        with self._lock:
            loaded = self.knowledge.current
            kb = loaded.kb
            entry = kb.by_id.get(entry_id)
            if entry is None:
                return EditResult(False, messages.EDIT_NO_ENTRY.format(entry=entry_id))
            if is_derived(entry):
                return EditResult(False, messages.EDIT_DERIVED.format(canonical=entry.canonical_question))
            question = clean_question(question)
            key = loaded.matcher.normalizer.normalize(question)
            if not key:
                return EditResult(False, messages.EDIT_EMPTY)
            for other in kb.entries:
                if key in other.keys:
                    if other.id == entry.id:
                        return EditResult(False, messages.EDIT_ALREADY.format(
                            question=question, entry=entry.canonical_question))
                    return EditResult(False, messages.EDIT_OTHER_ENTRY.format(
                        question=question, canonical=other.canonical_question))
            name = Path(entry.file).name
            path = Path(kb.directory) / name
            refused = self._changed_on_disk(path, name, loaded.files.get(name))
            if refused is not None:
                return refused
            old = path.read_bytes()
            try:
                new_text, hunk = add_question(old.decode("utf-8"), entry_id, question)
            except (EditError, UnicodeDecodeError) as exc:
                return EditResult(False, messages.EDIT_CANNOT.format(file=name, why=exc))
            result = self._write(
                kb, path, old, new_text.encode("utf-8"), must_answer=(question, entry_id),
                record=lambda before, after, base_before, base_after: ChangeRecord(
                    ts=time.time(), actor=actor, action="add_question", file=name, entry_id=entry_id,
                    question=question, hunk=hunk.to_json(), file_before=before, file_after=after,
                    base_before=base_before, base_after=base_after, proposal_id=proposal_id,
                ),
            )
            if isinstance(result, EditResult):
                return result
            if proposal_id is not None:
                self.storage.set_proposal_status(proposal_id, "accepted")
            line = hunk.line + len(hunk.added) - 1
            self._commit(result, messages.GIT_ADD.format(
                entry=entry_id, question=question, actor=actor, id=result.id))
            return EditResult(True, messages.EDIT_ADDED.format(
                question=question, entry=entry.canonical_question, file=name, line=line, id=result.id),
                self.storage.change(result.id))

    # -- undo -------------------------------------------------------------------------------------

    def undo(self, *, actor: str, change_id: int | None = None) -> EditResult:
        """Revert edit ``change_id`` (by default the newest one not undone yet): the file gets back its exact
        bytes. An edit already undone is refused, so two requests to undo one edit never revert two."""
        with self._lock:
            last = self.storage.last_undoable_change() if change_id is None else self.storage.change(change_id)
            if last is None:
                return EditResult(False, messages.UNDO_NOTHING if change_id is None
                                  else messages.UNDO_NO_SUCH.format(id=change_id))
            if last.reverts is not None:
                return EditResult(False, messages.UNDO_IS_UNDO.format(id=last.id))
            if last.undone_by is not None:
                return EditResult(False, messages.UNDO_ALREADY.format(id=last.id, undo=last.undone_by))
            loaded = self.knowledge.current
            path = Path(loaded.kb.directory) / last.file
            try:
                current = path.read_bytes()
            except OSError:
                return EditResult(False, messages.UNDO_CHANGED.format(id=last.id, file=last.file))
            if _sha(current) != last.file_after:
                return EditResult(False, messages.UNDO_CHANGED.format(id=last.id, file=last.file))
            refused = self._changed_on_disk(path, last.file, loaded.files.get(last.file))
            if refused is not None:
                return refused
            try:
                restored = revert(current.decode("utf-8"), Hunk.from_json(last.hunk)).encode("utf-8")
            except (EditError, UnicodeDecodeError, ValueError, KeyError):
                return EditResult(False, messages.UNDO_CHANGED.format(id=last.id, file=last.file))
            if _sha(restored) != last.file_before:
                return EditResult(False, messages.UNDO_CHANGED.format(id=last.id, file=last.file))
            reverted = Hunk.from_json(last.hunk).reverted()
            result = self._write(
                loaded.kb, path, current, restored, must_answer=None,
                record=lambda before, after, base_before, base_after: ChangeRecord(
                    ts=time.time(), actor=actor, action="undo", file=last.file, entry_id=last.entry_id,
                    question=last.question, hunk=reverted.to_json(), file_before=before, file_after=after,
                    base_before=base_before, base_after=base_after, reverts=last.id,
                ),
            )
            if isinstance(result, EditResult):
                return result
            if last.proposal_id is not None:
                self.storage.set_proposal_status(last.proposal_id, "open")
            self._commit(result, messages.GIT_UNDO.format(id=last.id, entry=last.entry_id, question=last.question,
                                                          actor=actor))
            undone = self.knowledge.current.kb.by_id.get(last.entry_id)  # named as admins know it
            return EditResult(True, messages.UNDO_DONE.format(
                id=last.id, question=last.question, entry=undone.canonical_question if undone else last.entry_id,
                file=last.file, undo=result.id),
                self.storage.change(result.id))

    # -- the shared steps -------------------------------------------------------------------------

    def _changed_on_disk(self, path: Path, name: str, loaded_hash: str | None) -> EditResult | None:
        try:
            now = _sha(path.read_bytes())
        except OSError:
            now = ""
        if loaded_hash is None or now != loaded_hash:
            return EditResult(False, messages.EDIT_CHANGED_ON_DISK.format(file=name))
        return None

    def _write(
        self,
        kb: KnowledgeBase,
        path: Path,
        old: bytes,
        new: bytes,
        *,
        must_answer: tuple[str, str] | None,
        record: Callable[[str, str, str, str], ChangeRecord],  # (file before, after, base before, after)
    ) -> ChangeRecord | EditResult:
        """Validate the base with ``new`` in place of ``path``; write it atomically, reload, record."""
        thresholds = self.knowledge.current.matcher.thresholds  # the ones residents' questions are decided with
        problems = _validate_with(kb.directory, path.name, new, must_answer, thresholds)
        if problems:
            listed = "\n".join(str(p) for p in problems[:10])
            if len(problems) > 10:
                listed += f"\n… (+{len(problems) - 10})"
            return EditResult(False, messages.EDIT_INVALID.format(count=len(problems), problems=listed),
                              problems=tuple(problems))
        base_before = self.knowledge.current.base_hash
        if _sha(path.read_bytes()) != _sha(old):  # written by someone else while we validated
            return EditResult(False, messages.EDIT_CHANGED_ON_DISK.format(file=path.name))
        _atomic_write(path, new)
        reloaded = self.knowledge.reload()
        if not reloaded.ok:  # another file broke meanwhile: put ours back, keep serving the old base
            _atomic_write(path, old)
            listed = "\n".join(str(p) for p in reloaded.problems[:10])
            return EditResult(False, messages.EDIT_INVALID.format(count=len(reloaded.problems), problems=listed),
                              problems=reloaded.problems)
        after = self.knowledge.current
        change = record(_sha(old), _sha(new), base_before, base_hash(after.files))
        return self.storage.record_change(change)

    def _commit(self, change: ChangeRecord, message: str) -> None:
        if not self.git:
            return
        commit = git_commit(Path(self.knowledge.current.kb.directory), change.file, message)
        if commit:
            self.storage.set_change_commit(change.id, commit)


def _validate_with(
    directory: str, name: str, data: bytes, must_answer: tuple[str, str] | None, thresholds: Thresholds
) -> list[Problem]:
    """Every problem of the base in ``directory`` with ``name`` replaced by ``data`` (nothing written there)."""
    root = Path(directory)
    with tempfile.TemporaryDirectory(prefix="kbedit-") as scratch:
        copy = Path(scratch) / root.resolve().name  # same folder name: problems read knowledge/x.yaml:12
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".git"))
        (copy / name).write_bytes(data)
        try:
            kb = load_knowledge(copy)
        except KnowledgeError as exc:
            return list(exc.problems)
        matcher = Matcher(kb, thresholds=thresholds)
        problems = check_self_retrieval(kb, matcher)
        if must_answer is not None:
            question, entry_id = must_answer
            result = matcher.match(question)
            if result.status is not Status.ANSWERED or result.entry is None or result.entry.id != entry_id:
                got = result.entry.canonical_question if result.entry is not None else str(result.status)
                wanted = kb.by_id[entry_id].canonical_question if entry_id in kb.by_id else entry_id
                problems.append(Problem(name, 1, messages.EDIT_NOT_ANSWERED.format(
                    question=question, entry=wanted, got=got)))
        return problems


def _atomic_write(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and ``os.replace``: readers see old or new, never half."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    try:
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder)
    except OSError:
        pass
    finally:
        os.close(folder)


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=30, check=False)


def git_commit(folder: Path, name: str, message: str) -> str:
    """Commit one file of the knowledge folder if the folder is in a git work tree; the commit id, or ''."""
    try:
        if _git(folder, "rev-parse", "--is-inside-work-tree").stdout.strip() != "true":
            return ""
        identity: list[str] = []
        if not _git(folder, "config", "user.email").stdout.strip():
            identity = ["-c", "user.name=knowledge-bot", "-c", "user.email=jiaocheng-bot@localhost"]
        added = _git(folder, "add", "--", name)
        done = _git(folder, *identity, "commit", "--quiet", "-m", message, "--", name)
        if added.returncode or done.returncode:
            logger.warning("git commit of %s failed: %s", name, (done.stderr or added.stderr).strip())
            return ""
        return _git(folder, "rev-parse", "HEAD").stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        logger.warning("git commit of %s failed: %s", name, exc)
        return ""
