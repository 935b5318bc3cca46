"""The privacy guard: finds mainland ID-card and mobile numbers in text, however they are written.

People write them in groups (``138 1234 5678``, ``138-1234-5678``, ``110101 19900307 1234``), with
full-width digits (``１３８１２３４５６７８``) or a ``+86`` in front. A number is found when whole digit
groups, joined by spaces, dashes or dots, spell an 18-digit ID (the last may be X), an old 15-digit ID
or an 11-digit mobile number starting 13-19. Found numbers are masked with ＊ in storage and logs, and a
group message holding one is not echoed.

Part of the core: no Telegram here.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["contains_private_data", "mask_private_data", "private_spans"]

# a group of digits (any script's decimal digits, so full-width ones too), an ID's X at its end
_GROUP = r"\d+[XxＸｘ]?"
# what people put between the groups: spaces (also full-width and no-break), dashes, dots
_SEPARATOR = r"[ \t\u00a0\u3000\-－‐‑‒–—―.．·]{1,3}"
_RUN = re.compile(rf"{_GROUP}(?:{_SEPARATOR}{_GROUP})*")
_GROUP_RE = re.compile(_GROUP)
_PRIVATE = re.compile(r"1[3-9]\d{9}|\d{17}[\dX]|\d{15}")
MASK = "＊"


def _ascii(group: str) -> str:
    """The group's digits as ASCII (full-width and other scripts' digits included), X upper-case."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else "X" for ch in group)


def private_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every ID-card or mobile number in the text, separators inside included."""
    spans: list[tuple[int, int]] = []
    for run in _RUN.finditer(text):
        groups = [(m.start() + run.start(), m.end() + run.start(), _ascii(m.group(0)))
                  for m in _GROUP_RE.finditer(run.group(0))]
        for first in range(len(groups)):
            digits = ""
            for last in range(first, len(groups)):
                digits += groups[last][2]
                if len(digits) > 18:
                    break
                if _PRIVATE.fullmatch(digits):
                    spans.append((groups[first][0], groups[last][1]))
    return spans


def contains_private_data(text: str) -> bool:
    """True if the text holds an ID-card or mobile number."""
    return bool(private_spans(text))


def mask_private_data(text: str) -> str:
    """The text with every ID-card and mobile number (and the separators inside it) replaced by ＊."""
    spans = private_spans(text)
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = MASK * (end - start)
    return "".join(chars)
