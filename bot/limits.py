"""Telegram's length limits, in Telegram's units.

Telegram measures a message in UTF-16 code units after parsing its entities: a Chinese character or
an ASCII letter is 1, an emoji outside the Basic Multilingual Plane (😀, 📢) is 2, and HTML tags do not
count (``&amp;`` counts as the one character it stands for). A text message may be 4,096 units long.
:func:`telegram_length` is that measure; the Telegram adapter splits with it (``bot/tg/common.py``) and
``validate`` checks announcements with it.

Part of the core: no Telegram here.
"""

from __future__ import annotations

import html
import re

__all__ = ["MESSAGE_LIMIT", "TOKEN", "telegram_length", "utf16_len"]

MESSAGE_LIMIT = 4096  # a text message, after entity parsing, in UTF-16 code units

# an HTML message read token by token: a tag, an entity, or one character
TOKEN = re.compile(r"<[^<>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|[\s\S]")
_TAG = re.compile(r"<[^<>]*>")


def utf16_len(text: str) -> int:
    """The length of the text in UTF-16 code units (a character outside the BMP counts 2)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def telegram_length(text: str, *, html_text: bool = False) -> int:
    """The length Telegram measures: UTF-16 code units of the text as shown (for HTML, without tags and with
    entities read as the characters they stand for)."""
    if html_text:
        text = html.unescape(_TAG.sub("", text))
    return utf16_len(text)
