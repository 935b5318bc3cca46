"""Secrets never printed: the redacting log filter cuts the token and webhook secret out of everything."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.privacy.redact import REDACTED, RedactingFilter, Redactor

TOKEN = "123456:AAE-SecretPartOfTheToken_xyz"
SECRET = "webhook-Secret-0123456789"


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger whose one handler has the redacting filter, writing to a string."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(RedactingFilter(Redactor(TOKEN, SECRET)))
    log = logging.getLogger("test_redact")
    log.addHandler(handler)
    log.propagate = False
    log.setLevel(logging.DEBUG)
    yield log, stream
    log.removeHandler(handler)


def _assert_clean(text: str) -> None:
    lowered = text.lower()
    for secret in (TOKEN, SECRET, "SecretPartOfTheToken_xyz", "123456%3aaae"):
        assert secret.lower() not in lowered, text


def test_token_and_secret_are_cut_from_message_and_arguments_in_any_case(logged: tuple[logging.Logger, io.StringIO]) -> None:
    log, stream = logged
    log.info(f"calling https://api.telegram.org/bot{TOKEN}/getMe")
    log.info("url %s and header %r", f"/BOT{TOKEN.upper()}/getUpdates", {"secret": SECRET.lower()})
    log.info("encoded: %s", "bot123456%3AAAE-SecretPartOfTheToken_xyz/sendMessage")
    text = stream.getvalue()
    _assert_clean(text)
    assert text.count(REDACTED) >= 4 and "getUpdates" in text


def test_token_is_cut_from_exception_tracebacks(logged: tuple[logging.Logger, io.StringIO]) -> None:
    log, stream = logged
    try:
        try:
            raise ValueError(f"Not Found: POST /bot{TOKEN.lower()}/getMe")
        except ValueError as inner:
            raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.") from inner
    except RuntimeError:
        log.exception("start failed")
    text = stream.getvalue()
    _assert_clean(text)
    assert "Traceback" in text and "was rejected by the server" in text and "Not Found: POST" in text


def test_private_numbers_are_masked_in_logs(logged: tuple[logging.Logger, io.StringIO]) -> None:
    log, stream = logged
    log.warning("text was %s", "我的电话 138 1234 5678")
    assert "1234" not in stream.getvalue() and "我的电话" in stream.getvalue()
    for written in ("+8613812345678", "一三九一二三四五六七八", "138，1234，5678", "１３８／１２３４／５６７８"):
        log.warning("text was %s", f"我叫王秀英电话{written}")
        assert written not in stream.getvalue()  # issue 19, row 2: every written form, in logs too


def test_secrets_added_later_are_cut_too() -> None:
    redactor = Redactor(TOKEN)
    assert redactor(SECRET) == SECRET
    redactor.add(SECRET)
    assert redactor(f"x{SECRET.upper()}x") == f"x{REDACTED}x"
    assert Redactor("")("anything") == "anything"
