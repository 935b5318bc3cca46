"""The count of one thing for the whole county, asked alone (全县有多少个行政村) and stated once by the release
(全县99个行政村已经建成109个农村养老服务设施): a fact looked up, not a question matched.

A short question that only asks how many of a thing there are shares few words with any entry, so it scores low
however plainly the release states the figure. When every entry that states a count of that thing without
narrowing it (平川37个行政村 counts part of the county) states the same figure, that fact answers. Pure functions
over text; the words are data (``count_alone_*`` in zh.yaml).
"""

from __future__ import annotations

import re

from ..language import ZH

__all__ = ["counted_alone", "whole_counts"]

_FRAME = re.compile("(?:" + ZH.source("count_alone_frame") + ")")  # 全县, 县里, 现在, 一共: no part of the thing
_ASKED = [re.compile(p) for p in ZH.words("count_alone_asked")]  # 有多少个X, X有几个: group "noun"
_BEFORE_FIGURE = re.compile("(?:" + ZH.source("count_alone_before") + ")$")  # 已经建成, 拥有: a verb before a figure
_UNITS = ZH.source("units")
_LISTED_BEFORE = re.compile(r"\d[^、]*、")  # an item of a list before the figure (37个行政村、)
_NARROWED = re.compile(r"[\u4e00-\u9fff]{2}$")  # a noun right before a figure narrows what it counts (平川)


def _strip(text: str, home: re.Pattern[str]) -> str:
    return _FRAME.sub("", home.sub("", text))


def counted_alone(plain: str, home: re.Pattern[str]) -> tuple[str, str]:
    """The thing a question only asks the number of and the measure word it asks it in (行政村 and 个 of 全县有多少个
    行政村; '' when none), or ('', '') when it asks more. ``home``: the county's own names (Vocabulary.home_name)."""
    rest = _strip(plain, home)
    for pattern in _ASKED:
        found = pattern.fullmatch(rest)
        if found:
            return found.group("noun"), found.group("unit") or ""
    return "", ""


def whole_counts(answer: str, noun: str, home: re.Pattern[str], unit: str = "") -> set[str]:
    """The figures ``answer`` states for ``noun`` (in the measure word ``unit``, when one is asked) without narrowing
    it: 99 of 全县99个行政村, not 37 of 平川37个行政村 (a part of the county); as digits."""
    figures = set()
    units = re.escape(unit) if unit else "(?:" + _UNITS + ")?"
    for found in re.finditer(r"(\d+(?:\.\d+)?)(?:多|余)?" + units + re.escape(noun), answer):
        # (the items listed before it share its narrowing: 平川37个行政村、13个社区)
        clause = re.split(r"[，,。；;：:（(]", answer[: found.start()])[-1]
        before = _strip(_LISTED_BEFORE.sub("", clause), home)
        # a noun right before the figure narrows it (平川37个行政村); a verb between is the sentence's (已经建成109个)
        if _BEFORE_FIGURE.search(before) or not _NARROWED.search(before):
            figures.add(found.group(1))
    return figures
