"""Files private by default: the database folder 0700, the database, its -wal/-shm and the key files 0600.

The process umask is not trusted (it is often 022, sometimes 000): files are created with an explicit
mode and then chmod-ed, and files from an older version are tightened when the bot opens them. The
key files (the pseudonym key, the webhook secret) sit beside the database and share its name, so the
folder holds nothing but the bot's own data.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

__all__ = [
    "DIR_MODE",
    "FILE_MODE",
    "PSEUDONYM_KEY_SUFFIX",
    "WEBHOOK_SECRET_SUFFIX",
    "database_companions",
    "make_private_dir",
    "make_private_file",
    "read_or_create_secret",
    "tighten_database_files",
]

logger = logging.getLogger(__name__)

DIR_MODE, FILE_MODE = 0o700, 0o600
PSEUDONYM_KEY_SUFFIX = ".pseudonym-key"
WEBHOOK_SECRET_SUFFIX = ".webhook-secret"


def database_companions(database: Path) -> list[Path]:
    """The files SQLite keeps beside the database (journal, WAL, shared memory)."""
    return [database.with_name(database.name + suffix) for suffix in ("-journal", "-wal", "-shm")]


def make_private_dir(folder: Path, *, owned_prefix: str) -> None:
    """Create the folder 0700 (parents too); an existing one is tightened to 0700 when it holds only
    files whose names start with ``owned_prefix`` (the bot's own), else a warning says to give the
    database a folder of its own."""
    if not folder.exists():
        folder.mkdir(parents=True, mode=DIR_MODE, exist_ok=True)  # another process may make it the same moment
        os.chmod(folder, DIR_MODE)
        return
    mode = stat.S_IMODE(folder.stat().st_mode)
    if mode & 0o077 == 0:
        return
    if all(entry.name.startswith(owned_prefix) for entry in folder.iterdir()):
        os.chmod(folder, DIR_MODE)
    else:
        logger.warning("the database folder %s is open to other users (mode %o) and holds other files; "
                       "give the database a folder of its own, or chmod 700 it", folder, mode)


def make_private_file(path: Path) -> None:
    """Create the file (empty) 0600 if it is missing; tighten it to 0600 if it exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def tighten_database_files(database: Path) -> None:
    """chmod 0600 the database and whichever of its -journal, -wal, -shm exist."""
    for path in (database, *database_companions(database)):
        try:
            if stat.S_IMODE(path.stat().st_mode) != FILE_MODE:
                os.chmod(path, FILE_MODE)
        except FileNotFoundError:
            continue  # not there, or removed this moment by another process closing the database (-wal, -shm)


def read_or_create_secret(path: Path, *, nbytes: int = 32) -> str:
    """The secret kept in this file; on first use a new random one (URL-safe text), written 0600.

    The secret is written to a temporary file first and then linked into place, which fails if the file
    exists: two processes starting at once cannot write different secrets, and neither ever reads a
    file that is still empty.
    """
    if not path.exists():
        value = secrets.token_urlsafe(nbytes)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            os.fchmod(fd, FILE_MODE)
            os.write(fd, (value + "\n").encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temporary, path)
            return value
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            temporary.unlink(missing_ok=True)
    if stat.S_IMODE(path.stat().st_mode) != FILE_MODE:
        os.chmod(path, FILE_MODE)
    value = path.read_text(encoding="ascii").strip()
    if not value:
        raise RuntimeError(f"{path} is empty; delete it and start again to make a new one")
    return value
