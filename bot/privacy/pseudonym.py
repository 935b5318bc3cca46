"""Pseudonyms that stay pseudonymous: a Telegram user id is stored only as HMAC-SHA256(key, id).

Telegram user ids are small numbers (a few billion at most), so any unkeyed or salted hash whose salt
sits in the same database is reversed by trying them all. The key here never enters the database: it
comes from the environment (``BOT_PSEUDONYM_KEY``), the config (``privacy.pseudonym_key``) or a key
file created 0600 beside the database on first run (``<database>.pseudonym-key``). A copied database
alone reveals no id; with the key file as well it still takes trying every id.

The database keeps a check value (an HMAC of a fixed word, which reveals nothing about the key), so a
changed or lost key is noticed and logged: from then on the same person gets a new pseudonym.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from ..datafiles import PSEUDONYM_KEY_SUFFIX, read_or_create_secret

__all__ = ["KEY_ENV", "Pseudonyms", "key_file_for"]

KEY_ENV = "BOT_PSEUDONYM_KEY"
PSEUDONYM_HEX = 32  # 128 bits: new pseudonyms are 32 hex characters (the old salted hashes were 24)


def key_file_for(database: str | Path) -> Path:
    """Where the key file of this database lives: beside it, never inside."""
    path = Path(database)
    return path.with_name(path.name + PSEUDONYM_KEY_SUFFIX)


class Pseudonyms:
    """Keyed pseudonyms for user ids."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the pseudonym key must be at least 16 bytes")
        self._key = key

    @classmethod
    def for_database(cls, database: str | Path, key: str = "") -> Pseudonyms:
        """The given key (from config or environment), else the key file beside the database (made on first run)."""
        if not key:
            key = read_or_create_secret(key_file_for(database))
        return cls(key.encode())

    def of(self, user_id: int) -> str:
        """The pseudonym standing for a Telegram user id."""
        return hmac.new(self._key, str(user_id).encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_HEX]

    @property
    def check(self) -> str:
        """A value that tells whether two keys are the same without revealing either."""
        return hmac.new(self._key, b"pseudonym-key-check", hashlib.sha256).hexdigest()[:16]
