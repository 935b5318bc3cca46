"""Edits of the knowledge base made by admins (Telegram or command line): safe, recorded, undoable.

An edit goes through the same steps whoever makes it:

1. The topic file must be exactly as it was when the served base was loaded (its hash is recorded at
   load, :class:`bot.engine.service.Loaded`); if someone changed it on disk since, the edit is refused so that
   no one's change is overwritten.
2. The new text is made by :mod:`bot.teaching.yamledit` (one hunk; every other byte kept).
3. The new base is built once, before anything is written, from a copy of the folder with the new file
   (:meth:`KnowledgeService.build`: every ``file:line`` check of ``python -m bot validate``), and its engine
   checks what the edit can change (:func:`bot.engine.validate.check_near`): the edited entry's questions, the
   new one included, must be answered by it, and the questions of the entries close to the words that moved
   must still reach their own. If the edit changed more than that entry (a file someone else changed meanwhile,
   an entry the sources derive appearing or going), every question of the base is checked.
4. The file is written atomically (a temporary file in the same folder, then ``os.replace``) and the
   base already built is swapped in (:meth:`KnowledgeService.swap`); if another file changed on disk
   meanwhile, the folder is reloaded instead, the path /reload takes.
5. The change is recorded in SQLite (who, when, file, entry, the exact lines, the base hash before and
   after) and, if the knowledge folder is in a git repository, committed there.

Pure core plus storage: no Telegram here. Messages are plain Chinese from :mod:`bot.messages`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import messages
from ..engine.matching import Status
from ..engine.service import KnowledgeService, Loaded, base_hash
from ..engine.validate import check_near, check_self_retrieval
from ..knowledge.derived import is_derived
from ..knowledge.problems import KnowledgeError, Problem
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
                loaded, path, old, new_text.encode("utf-8"), entry_id=entry_id, moved=question, must_answer=True,
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
                loaded, path, current, restored, entry_id=last.entry_id, moved=last.question, must_answer=False,
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
        before: Loaded,
        path: Path,
        old: bytes,
        new: bytes,
        *,
        entry_id: str,
        moved: str,
        must_answer: bool,
        record: Callable[[str, str, str, str], ChangeRecord],  # (file before, after, base before, after)
    ) -> ChangeRecord | EditResult:
        """Build and check the base with ``new`` in place of ``path`` (an edit of ``entry_id`` that added, or with
        ``must_answer`` False took away, the question ``moved``); write it atomically, swap it in, record."""
        try:
            built = self.knowledge.build({path.name: new})
        except KnowledgeError as exc:
            problems = list(exc.problems)
        else:
            problems = _check(before, built, path.name, entry_id, moved, must_answer=must_answer)
        if problems:
            listed = "\n".join(str(p) for p in problems[:10])
            if len(problems) > 10:
                listed += f"\n… (+{len(problems) - 10})"
            return EditResult(False, messages.EDIT_INVALID.format(count=len(problems), problems=listed),
                              problems=tuple(problems))
        if _sha(path.read_bytes()) != _sha(old):  # written by someone else while we checked
            return EditResult(False, messages.EDIT_CHANGED_ON_DISK.format(file=path.name))
        _atomic_write(path, new)
        if not self.knowledge.swap(built):  # another file changed on disk meanwhile: the folder as it is now
            reloaded = self.knowledge.reload()
            if not reloaded.ok:  # that file broke the base: put ours back, keep serving the old base
                _atomic_write(path, old)
                listed = "\n".join(str(p) for p in reloaded.problems[:10])
                return EditResult(False, messages.EDIT_INVALID.format(count=len(reloaded.problems), problems=listed),
                                  problems=reloaded.problems)
        after = self.knowledge.current
        change = record(_sha(old), _sha(new), before.base_hash, base_hash(after.files))
        return self.storage.record_change(change)

    def _commit(self, change: ChangeRecord, message: str) -> None:
        if not self.git:
            return
        commit = git_commit(Path(self.knowledge.current.kb.directory), change.file, message)
        if commit:
            self.storage.set_change_commit(change.id, commit)


def _check(
    before: Loaded, after: Loaded, name: str, entry_id: str, moved: str, *, must_answer: bool
) -> list[Problem]:
    """The problems of ``after``, the base ``before`` with file ``name`` edited: of what an edit of ``entry_id``
    can change when the two bases differ in that entry alone, else of every question; with ``must_answer``,
    ``moved`` (the question added) must be answered by the entry."""
    kb, matcher = after.kb, after.matcher
    others = {n: h for n, h in after.files.items() if n != name} == {n: h for n, h in before.files.items() if n != name}
    if others and list(kb.by_id) == list(before.kb.by_id):
        # a question added only draws questions to the entry, which shortlists it in the new engine; one taken away
        # lets go of questions that shortlisted it before
        problems = check_near(kb, matcher, entry_id, (moved,), before=None if must_answer else before.matcher)
    else:
        problems = check_self_retrieval(kb, matcher)
    if must_answer:
        result = matcher.match(moved)
        if result.status is not Status.ANSWERED or result.entry is None or result.entry.id != entry_id:
            got = result.entry.canonical_question if result.entry is not None else str(result.status)
            wanted = kb.by_id[entry_id].canonical_question if entry_id in kb.by_id else entry_id
            problems.append(Problem(name, 1, messages.EDIT_NOT_ANSWERED.format(
                question=moved, entry=wanted, got=got)))
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
