"""The privacy guard: finds mainland ID-card and mobile numbers in text, however they are written.

People write them in groups (``138 1234 5678``, ``138-1234-5678``, ``138，1234，5678``, ``138/1234/5678``,
``110101 19900307 1234``), with full-width digits and separators (``１３８／１２３４／５６７８``), in Chinese
numerals (``一三九一二三四五六七八``, ``幺三八…``, ``〇``/``零``/``两``, 壹贰叁 …) or with ``+86``/``0086``
in front. What counts as a digit and what as a separator is data (:data:`DIGITS`, :data:`SEPARATORS`,
:data:`LIST_SEPARATORS`), read by one scanner: a number is found when whole digit groups, joined by
separators, spell an 18-digit ID (the last may be X), an old 15-digit ID or an 11-digit mobile number
starting 13-19 (optionally after the country code 86). Commas, slashes and 、 also separate lists of
ordinary figures, so across them only groups of at least three digits are joined. Found numbers are
masked with ＊ in storage, logs and anything echoed into a chat, and a group message holding one is not
answered there.

Part of the core: no Telegram here.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MASK", "contains_private_data", "excerpt", "mask_private_data", "private_spans"]

MASK = "＊"

# Digits that are not decimal digits to Unicode (those, full-width ones included, are read by
# unicodedata.decimal): Chinese numerals as people dictate a number, and the financial forms.
_NUMERALS = {"0": "〇零○洞", "1": "一幺壹", "2": "二两贰", "3": "三叁", "4": "四肆", "5": "五伍", "6": "六陆",
             "7": "七柒拐", "8": "八捌", "9": "九玖"}
DIGITS: dict[str, str] = {numeral: digit for digit, numerals in _NUMERALS.items() for numeral in numerals}
ID_CHECK = "XxＸｘ"  # the last character of an 18-digit ID may be X
# what people put between digit groups: spaces (also full-width and no-break), dashes, dots
SEPARATORS = " \t\u00a0\u3000-－‐‑‒–—―.．·・"
# these also separate lists of ordinary figures (1，3，5): across them only groups of 3+ digits are joined
LIST_SEPARATORS = ",，、/／\\＼|｜"
COUNTRY_CODES = ("0086", "86")
PLUS = "+＋"
MIN_LIST_GROUP = 3

_DIGIT_CLASS = r"\d" + re.escape("".join(DIGITS))
_GROUP = rf"[{_DIGIT_CLASS}]+[{ID_CHECK}]?"
_SEPARATOR = f"[{re.escape(SEPARATORS + LIST_SEPARATORS)}]{{1,3}}"
_RUN = re.compile(rf"{_GROUP}(?:{_SEPARATOR}{_GROUP})*")
_GROUP_RE = re.compile(_GROUP)
_PRIVATE = re.compile(rf"(?:{'|'.join(COUNTRY_CODES)})?1[3-9]\d{{9}}|\d{{17}}[\dX]|\d{{15}}")
_LONGEST = 4 + 18


def _ascii(group: str) -> str:
    """The group's digits as ASCII (full-width, other scripts' and Chinese numerals included), X upper-case."""
    return "".join(
        DIGITS[ch] if ch in DIGITS else str(unicodedata.decimal(ch)) if ch.isdecimal() else "X" for ch in group
    )


def _joinable(text: str, left: tuple[int, int, str], right: tuple[int, int, str]) -> bool:
    """Whether two neighbouring groups may belong to one number (list separators need longer groups)."""
    between = text[left[1]:right[0]]
    if not any(ch in LIST_SEPARATORS for ch in between):
        return True
    return len(left[2]) >= MIN_LIST_GROUP and len(right[2]) >= MIN_LIST_GROUP


def private_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every ID-card or mobile number in the text, separators inside and a leading + included."""
    spans: list[tuple[int, int]] = []
    for run in _RUN.finditer(text):
        groups = [(m.start() + run.start(), m.end() + run.start(), _ascii(m.group(0)))
                  for m in _GROUP_RE.finditer(run.group(0))]
        for first in range(len(groups)):
            digits = ""
            for last in range(first, len(groups)):
                if last > first and not _joinable(text, groups[last - 1], groups[last]):
                    break
                digits += groups[last][2]
                if len(digits) > _LONGEST:
                    break
                if _PRIVATE.fullmatch(digits):
                    start = groups[first][0]
                    if start > 0 and text[start - 1] in PLUS:
                        start -= 1
                    spans.append((start, groups[last][1]))
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


def excerpt(text: str, most: int = 15) -> str:
    """A short, masked excerpt of a resident's words: the last ``most`` characters (where the question
    usually is; names and addresses usually come first), after "…" when there was more."""
    cleaned = " ".join(mask_private_data(text).split())
    return cleaned if len(cleaned) <= most else "…" + cleaned[-most:].lstrip()
