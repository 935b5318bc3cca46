"""Comparisons of two stated facts: "国家级高新技术企业和硝基复合肥企业哪个多", "国内的多还是国际的多".

The message is asked as the two facts it compares ("A和B各有多少": each part answered and cited on its own,
from one entry or two), then the figure each part's entry gives for its thing is found and the two are
compared in one sentence before the parts. Figures in different units are not compared.

Part of the core: no Telegram here. The patterns come from the language data (``comparisons``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import messages
from ..knowledge.model import Entry
from ..language import ZH
from ..language.text import Normalizer, chinese_numerals_to_digits
from .analyse import MEASURES
from .claims import figure_for, said_digits

__all__ = ["Compared", "Comparison", "asked_alone", "compare", "compared_after", "compared_pair", "thing_asked"]

_PATTERNS = ZH.patterns("comparisons")
_ASKED = ZH.source("comparison_asked")
_ANY_MEASURE = frozenset(ZH.words("comparison_any_measure"))
_ALONE = ZH.source("comparison_alone")
_AFTER = ZH.pattern("comparison_after")
_ASKING = ZH.pattern("comparison_asking")
# words for a sum of money (投资, 产值): two things that both name one are compared by their sums
_MONEY = re.compile("|".join(w for w, kind in ZH.classes("counted_nouns").items() if kind == "money"))
_SMALLER = frozenset(ZH.words("comparison_smaller"))
_TRAILING = re.compile(r"[？?！!。.，,\s]+$")
_OPS = ZH.table("comparison_ops")
_MORE = ZH.chars("comparison_more")  # the adjective of a comparison that names none (A和B一样吗)
_CLAUSE = re.compile(r"[^，,。；;]+")
_BOUND = ZH.pattern("comparison_bound")
_ROUGH = ZH.pattern("comparison_rough")
_OWN_FIGURE = ZH.pattern("comparison_own_figure")
_MEASURE_ENDS = re.compile("(?:" + ZH.source("measures") + "|" + ZH.source("compared_measures") + ")$")
_NOW = frozenset(ZH.words("comparison_now"))
_OTHER_TIME = ZH.pattern("comparison_other_time")
_REACHING = ZH.pattern("comparison_reaching")
_BY_MORE: dict[str, str] = ZH.table("comparison_opposites")  # a difference told as more or less, however asked
_GROWING = frozenset(ZH.words("comparison_growing"))  # 快, 慢: growths are compared
_GROWTH = re.compile("|".join(ZH.words("comparison_growth")))  # 增速, 增幅: a growth named


@dataclass(frozen=True)
class Compared:
    """The two things a message compares, the word it compares by, and the message asked as both facts."""

    first: str
    second: str
    by: str  # 多, 高, 少 …
    asked: str
    op: str = "which"  # which (is more), difference (how much more), sum (both together), ratio (how many times)


@dataclass(frozen=True)
class Comparison:
    """Two figures compared: each thing with the figure its entry states."""

    first: str
    first_figure: str
    second: str
    second_figure: str
    by: str
    winner: int  # 0: the first, 1: the second, -1: the same
    amount: str = ""  # how much more (difference), or both together (sum), with the unit; or how many times
    times: bool = False  # the amount is how many times the first is the second

    @property
    def text(self) -> str:
        if self.times:
            return messages.COMPARISON_TIMES.format(
                first=self.first, first_figure=self.first_figure, second=self.second,
                second_figure=self.second_figure, amount=self.amount,
            )
        if self.by == "" and self.amount:  # a sum
            return messages.COMPARISON_SUM.format(
                first=self.first, first_figure=self.first_figure, second=self.second,
                second_figure=self.second_figure, amount=self.amount,
            )
        if self.winner < 0:
            return messages.COMPARISON_SAME.format(first=self.first, second=self.second, figure=self.first_figure)
        pairs = ((self.first, self.first_figure), (self.second, self.second_figure))
        (win, win_fig), (lose, lose_fig) = pairs[self.winner], pairs[1 - self.winner]
        template = messages.COMPARISON_BY if self.amount else messages.COMPARISON
        return template.format(
            winner=win, winner_figure=win_fig, other=lose, other_figure=lose_fig, by=self.by, amount=self.amount
        )


def _names_measure(entry: Entry, at: int, measures: set[str], normalizer: Normalizer) -> bool:
    """Whether a measure is named right before the figure found at ``at`` of the entry's text (增幅41.67%)."""
    said_text = said_digits(entry, normalizer)
    return any(m in said_text[max(0, at - 6) : at] for m in measures)


def compared_pair(message: str) -> Compared | None:
    """The two things a message compares, or None when it compares nothing."""
    text = _TRAILING.sub("", message.strip())
    for name, pattern in _PATTERNS.items():
        match = pattern.search(text)
        if match:
            # English read as Chinese leaves spaces between words (签约一批 项目): names are written without
            first, second = (re.sub(r"(?<=[^a-z])\s+|\s+(?=[^a-z])", "", match.group(g).strip()) for g in "ab")
            measure = (match.groupdict().get("measure") or "").strip().removesuffix("得")  # (哪个增长得快: 增长)
            if measure and measure not in _ANY_MEASURE:
                # 掌上办和集中办哪个事项多: the things' 事项 (a thing that names it already keeps its name)
                first, second = (t if t.endswith(measure) else t + measure for t in (first, second))
            first, second = _measure_lent(*_measure_shared(first, second))
            first, second = _at_that_time(*(_without_own_figure(t) for t in (first, second)))
            if len(first) >= 2 and len(second) >= 2:
                asked = _ASKED.format(a=first, b=second)
                adj = match.group("adj")  # (一样吗 says no adjective: whether one is more)
                return Compared(first, second, _MORE if adj is None else adj, asked, _OPS.get(name, "which"))
    return None


def _stated_once(entry: Entry, shown: str, normalizer: Normalizer) -> bool:
    """Whether the entry's answer states a figure (1户) once: its quote saying it again is the same figure."""
    return chinese_numerals_to_digits(normalizer.fold(entry.answer)).count(shown) <= 1


def _measure_shared(first: str, second: str) -> tuple[str, str]:
    """Two things compared where one is given a figure of its own and the other a measure (升级的3.6亿和水污染治理
    项目的投资): the figure is of that measure too (升级的投资)."""
    for thing, other, flip in ((first, second, False), (second, first, True)):
        measure = _MEASURE_ENDS.search(other)
        alone = _without_own_figure(thing)
        if _OWN_FIGURE.search(thing) and measure and not _MEASURE_ENDS.search(alone):
            shared = (alone.rstrip("的那这") + "的" + measure.group(0), other)
            return shared[::-1] if flip else shared
    return first, second


def _measure_lent(first: str, second: str) -> tuple[str, str]:
    """Two things compared where only one names its measure (城镇居民收入是农村的几倍, 城镇和农村收入差多少): the
    other is measured by it too (农村收入), not by whatever it alone is asked (农村有多少: its villages)."""
    for thing, other, flip in ((first, second, False), (second, first, True)):
        measure = _MEASURE_ENDS.search(thing)
        if measure and not _MEASURE_ENDS.search(other) and not _OWN_FIGURE.search(other):
            lent = (thing, other.rstrip("的") + measure.group(0))
            return lent[::-1] if flip else lent  # (城镇和农村收入差多少: 城镇收入)
    return first, second


def _without_own_figure(thing: str) -> str:
    """A thing compared without the figure the resident gives it (提档升级那3.6亿 → 提档升级): the release's own
    figure is what is compared; a thing that is only a figure keeps it."""
    rest = _OWN_FIGURE.sub("", thing).strip()
    return rest if len(rest) >= 2 else thing


def _at_that_time(first: str, second: str) -> tuple[str, str]:
    """Two things compared where one is only a time (2030年底产能要到多少，是现在的几倍): that one is the other
    thing at that time (现在硝基肥产能), and the other loses its asking words (2030年底硝基肥产能)."""
    for thing, time, flip in ((first, second, False), (second, first, True)):
        if time in _NOW:
            asked = _REACHING.sub("", _ASKING.sub("", thing).strip())
            core = _OTHER_TIME.sub("", asked).strip()
            if len(core) >= 2 and core != asked:
                pair = (asked, time.rstrip("的") + core)
                return pair[::-1] if flip else pair
    return first, second


def compare(pair: Compared, first: Entry, second: Entry, normalizer: Normalizer) -> Comparison | None:
    """The two figures compared, or None when either entry gives no figure for its thing or the units differ."""
    # two sums of money compared (投资 and 投资): each thing's figure is a sum, not another figure beside it
    sums = all(_MONEY.search(thing) for thing in (pair.first, pair.second))
    # growths compared (哪个快, 增速): each thing's figure is its rate of growth, not the amount that grew
    shares = pair.by in _GROWING or any(_GROWTH.search(thing) for thing in (pair.first, pair.second))
    a = figure_for(pair.first, first, normalizer, other=pair.second, sums=sums, shares=shares)
    b = figure_for(pair.second, second, normalizer, other=pair.first, sums=sums, shares=shares)
    if a is None or b is None or a[1] != b[1]:
        return None
    (value_a, _, shown_a, at_a), (value_b, _, shown_b, at_b) = a, b
    if first == second and (at_a == at_b or (shown_a == shown_b and _stated_once(first, shown_a, normalizer))):
        return None  # one figure found for both (in the answer and again in its quote): not told apart
    # a measure both things name (四上企业增幅 and 高新技术企业增幅): each figure must be of that measure
    measures = set(MEASURES.findall(pair.first)) & set(MEASURES.findall(pair.second))
    found = ((first, at_a), (second, at_b))
    if measures and not all(_names_measure(entry, at, measures, normalizer) for entry, at in found):
        return None
    if pair.op != "which":
        found_in = ((first, at_a, shown_a), (second, at_b, shown_b))
        if any(_listed(entry, at, shown, normalizer) for entry, at, shown in found_in):
            return None  # a bound, or one of several figures listed for the thing (179项乡镇、48项村级)
        return _computed(pair, (value_a, shown_a), (value_b, shown_b))
    if value_a == value_b:
        winner = -1
    else:
        bigger = 0 if value_a > value_b else 1
        winner = 1 - bigger if pair.by in _SMALLER else bigger
    return Comparison(pair.first, shown_a, pair.second, shown_b, pair.by, winner)


def _listed(entry: Entry, at: int, shown: str, normalizer: Normalizer) -> bool:
    """Whether the figure found at ``at`` is a bound (80%以上) or stands in a list (、) beside another figure in
    its unit: no figure of the thing's own to compute with."""
    said_text = said_digits(entry, normalizer)
    if _BOUND.match(said_text, at + len(shown)):
        return True  # a bound (80%以上), not a figure to add or take from
    clause = _CLAUSE.findall(said_text[:at])[-1:] + _CLAUSE.findall(said_text[at:])[:1]
    around = "".join(clause)
    unit = _shown_unit(shown)
    figures = re.findall(r"\d+(?:\.\d+)?" + re.escape(unit), around) if unit else []
    return "、" in around and len(figures) > 1


def _computed(pair: Compared, a: tuple[float, str], b: tuple[float, str]) -> Comparison | None:
    """How much more one figure is than the other, or both together, in their unit as written (40户 and 29户:
    11户; two shares differ by percentage points); None for a sum of shares."""
    (value_a, shown_a), (value_b, shown_b) = a, b
    unit = _shown_unit(shown_a)
    rough = messages.COMPARISON_ROUGH if _ROUGH.search(shown_a + shown_b) else ""
    if pair.op == "ratio":
        if value_b == 0:
            return None
        ratio = value_a / value_b
        # a whole number of times as it is (2倍); else to one place, said to be rough (约5.9倍)
        shown = _number(ratio) if ratio == int(ratio) else f"{messages.COMPARISON_ROUGH}{_number(round(ratio, 1))}"
        return Comparison(pair.first, shown_a, pair.second, shown_b, "", -1, shown, times=True)
    if pair.op == "sum":
        if unit.startswith("%"):
            return None
        amount = f"{rough}{_number(value_a + value_b)}{unit}"
        return Comparison(pair.first, shown_a, pair.second, shown_b, "", -1, amount)
    if value_a == value_b:
        return Comparison(pair.first, shown_a, pair.second, shown_b, pair.by, -1)
    unit = ZH.chars("percentage_points") if unit.startswith("%") else unit
    # the first thing first, as asked: A比B多11户, or A比B少25个
    more = next((m for m, less in _BY_MORE.items() if pair.by in (m, less)), "多")
    by = more if value_a > value_b else _BY_MORE[more]
    amount = f"{rough}{_number(abs(value_a - value_b))}{unit}"
    return Comparison(pair.first, shown_a, pair.second, shown_b, by, 0, amount)


def _shown_unit(shown: str) -> str:
    """A figure's unit as written, without its number and rough words (340余万元 → 万元)."""
    return _ROUGH.sub("", re.sub(r"^[\d.]+", "", shown))


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.2f}".rstrip("0").rstrip(".")


def compared_after(message: str) -> tuple[str, str] | None:
    """A message that asks two things and then which is more ("……投资多少？……投了多少？哪个多？"): the questions
    before the comparison, and the word it compares by; None otherwise."""
    text = _TRAILING.sub("", message.strip())
    match = _AFTER.search(text)
    if match is None or match.start() < 4:
        return None
    return text[: match.start()].rstrip("，,。？? "), match.group("adj")


def thing_asked(question: str) -> str:
    """What a question asks the figure of, without its asking words (山区有多少个行政村 → 山区行政村)."""
    return _ASKING.sub("", _TRAILING.sub("", question.strip())) or question


def asked_alone(thing: str) -> str:
    """One thing of a comparison asked as a question of its own (开工项目是多少), when one entry gives not both."""
    return _ALONE.format(thing=thing)
