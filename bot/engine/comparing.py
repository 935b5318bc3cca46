"""Messages that compare two things (A和B哪个多), answered with both facts and their figures compared.

"A和B哪个多" is asked as both facts (A和B各有多少), each answered by the matcher, and the two figures compared
(:mod:`bot.engine.compare` reads the pair and compares the figures); "A投资多少？B投了多少？哪个多？" is two
questions and then a comparison of their answers. Part of the core: no Telegram here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from ..knowledge.model import Entry
from ..language import ZH
from ..language.english import EnglishReader
from ..language.text import Normalizer, bigrams
from .analyse import another_value_stated
from .compare import Compared, asked_alone, compare, compared_after, compared_pair, thing_asked
from .result import MatchResult, Status

__all__ = ["Comparisons"]

_LETTERS = re.compile(r"[a-z]{2}")
_TIMES = ZH.pattern("comparison_stated_times")  # 倍: the answer states the ratio itself


class Comparisons:
    """Comparisons answered through a matcher's own matching of one message (``match``)."""

    def __init__(
        self, match: Callable[[str], MatchResult], normalizer: Normalizer, english: Callable[[], EnglishReader]
    ) -> None:
        self._match = match
        self._normalizer = normalizer
        self._english = english

    def answer(self, question: str) -> MatchResult | None:
        """A message that compares two things (A和B哪个多), asked as both facts (A和B各有多少) and answered with
        the two figures compared; or two questions and then a comparison of their answers ("A投资多少？B投了多少？
        哪个多？"). None when it compares nothing or the two facts are not both answered."""
        folded = self._normalizer.fold(question)
        if _LETTERS.search(folded):
            folded = self._english().read(folded)  # Which is bigger, A or B? is compared as 哪个更大，A还是B
        pair = compared_pair(folded)
        if pair is None:
            return self._after(question, folded)
        worked_out = pair.op != "which"  # how much more, both together: an entry may state that itself (差了多少)
        if worked_out:
            direct = self._match(question)
            if direct.status is Status.ANSWERED and direct.entry is not None and not direct.compound:
                # answered as asked: the entry's own figure (差了多少), or its two figures worked out
                comparison = compare(pair, direct.entry, direct.entry, self._normalizer)
                if comparison is not None:
                    return replace(direct, comparison=comparison)
                if self._names_both(direct.entry, pair) and (pair.op != "ratio" or _TIMES.search(direct.entry.answer)):
                    # the entry that compares the two answers the message as it is, unless the two asked as both
                    # facts are worked out (城镇收入比农村多多少 of an entry that quotes both incomes)
                    both = self._compared(question, pair)
                    return both if both is not None and both.comparison is not None else None
                # an entry that names one of the two things (联合研发项目 of 联合研发项目是合作协议的几倍): the two
                # asked as both facts
        return self._compared(question, pair)

    def _compared(self, question: str, pair: Compared) -> MatchResult | None:
        """The two things compared asked as both facts (A和B各有多少), and their figures compared."""
        worked_out = pair.op != "which"
        result = self._match(pair.asked)
        if result.compound and result.status is not Status.ANSWERED and not worked_out:
            return replace(result, question=question)  # one of the two is not stated: not the other one alone
        if result.status is not Status.ANSWERED or result.entry is None:
            return None
        parts = [p.entry for p in result.parts if p.entry is not None] if result.compound else []
        first, second = (parts[0], parts[1]) if len(parts) == 2 else (result.entry, result.entry)
        comparison = compare(pair, first, second, self._normalizer)
        if comparison is None and not result.compound:
            # one entry answered "A和B各有多少" and does not give both figures: each thing asked alone
            both = self._both(pair.first, pair.second)
            if both is None or both.parts[0].entry is None or both.parts[1].entry is None:
                return None
            result = both
            comparison = compare(pair, both.parts[0].entry, both.parts[1].entry, self._normalizer)
        return replace(result, question=question, comparison=comparison)

    def _names_both(self, entry: Entry, pair: Compared) -> bool:
        """Whether an entry names both things compared (most of each one's word pairs): it answers the comparison
        itself (硝基复合肥跟尿素的肥料转化率差了多少: the entry that compares the two)."""
        said = self._normalizer.plain(entry.answer + entry.quote)

        def named(thing: str) -> bool:
            pairs = bigrams(self._normalizer.plain(thing))
            # 省级专精特新企业 is not named by 国家级专精特新“小巨人”企业, though most of its words are
            stated = bool(pairs) and sum(p in said for p in pairs) >= len(pairs) / 2
            return stated and not another_value_stated(thing, said)

        return named(pair.first) and named(pair.second)

    def _both(self, first: str, second: str) -> MatchResult | None:
        """The two things of a comparison asked one by one, each answered by an entry of its own, or None."""
        results = [self._match(asked_alone(thing)) for thing in (first, second)]
        if not all(r.status is Status.ANSWERED and r.entry is not None and not r.compound for r in results):
            return None
        if results[0].entry == results[1].entry:
            return None
        a, b = results
        return MatchResult(f"{first}，{second}", Status.ANSWERED, a.entry, min(a.score, b.score), parts=(a, b))

    def _after(self, question: str, folded: str) -> MatchResult | None:
        """Two questions, then "哪个多？": the two answers, and their figures compared."""
        tail = compared_after(folded)
        if tail is None:
            return None
        asked, by = tail
        result = self._match(asked)
        if result.status is not Status.ANSWERED or len(result.parts) != 2:
            return None
        first, second = result.parts
        if first.entry is None or second.entry is None:
            return None
        pair = Compared(thing_asked(first.question), thing_asked(second.question), by, asked)
        return replace(result, question=question, comparison=compare(pair, first.entry, second.entry, self._normalizer))
