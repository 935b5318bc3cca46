"""Secrets never printed: the bot token and the webhook secret are cut out of every log line.

:func:`install_log_redaction` runs at start-up, before anything else can log. It puts a filter on
every handler of the root logger that rewrites each record before any formatter sees it: the message
with its arguments, the traceback of an attached exception (a library exception's message often holds
the request URL, and with it the token) and the stack. Secrets are matched whatever their case and
also URL-encoded; for a bot token, its secret half (after the colon) is cut out on its own too. The
same filter masks ID-card and mobile numbers (see :mod:`bot.privacy.mask`). Python warnings are routed
through logging, so they pass the same filter.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from urllib.parse import quote

from .mask import mask_private_data

__all__ = ["REDACTED", "RedactingFilter", "Redactor", "add_secret", "install_log_redaction", "redact"]

REDACTED = "<redacted>"
_MIN_PART = 8  # shorter pieces of a secret are not cut out alone (they would match ordinary words)


class Redactor:
    """Replaces every known secret in a text, case-insensitively, with ``<redacted>``."""

    def __init__(self, *secrets: str) -> None:
        self._lock = threading.Lock()
        self._forms: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        """Hide this secret from now on (an empty one is ignored)."""
        secret = secret.strip()
        if not secret:
            return
        forms = {secret, quote(secret, safe=""), quote(secret)}
        _, colon, tail = secret.partition(":")
        if colon and len(tail) >= _MIN_PART:  # a bot token: "<bot id>:<secret part>"
            forms.add(tail)
        with self._lock:
            self._forms |= forms
            longest_first = sorted(self._forms, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(f) for f in longest_first), re.IGNORECASE)

    def __call__(self, text: str) -> str:
        pattern = self._pattern
        return text if pattern is None else pattern.sub(REDACTED, text)


_REDACTOR = Redactor()


def add_secret(secret: str) -> None:
    """Hide this secret from every log line from now on (the process-wide list)."""
    _REDACTOR.add(secret)


def redact(text: str) -> str:
    """The text with every secret of the process-wide list cut out."""
    return _REDACTOR(text)


class RedactingFilter(logging.Filter):
    """A handler filter: secrets cut out of and private numbers masked in the message, traceback and stack."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self.redactor = redactor or _REDACTOR

    def _clean(self, text: str) -> str:
        return mask_private_data(self.redactor(text))

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is, cleaned
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = self._clean(message), ()
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self._clean(record.stack_info)
        return True


def install_log_redaction(*secrets: str, level: int = logging.INFO) -> Redactor:
    """Set up logging (a stderr handler if there is none) with the redacting filter on every root handler.

    Call it first at start-up; secrets learnt later (a generated webhook secret) go in with :func:`add_secret`.
    """
    for secret in secrets:
        _REDACTOR.add(secret)
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=level)
    logging.captureWarnings(True)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
    return _REDACTOR
