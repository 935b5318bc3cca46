"""What an entry does not state of what was asked: a *gap*, and the kinds of gaps.

Every kind has its text for residents in :data:`bot.messages.GAP_KINDS`; the checks that find them are
registered in :mod:`bot.engine.checks`. Part of the core: no Telegram here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Gap", "GapKind"]


class GapKind(StrEnum):
    """What kind of thing an entry does not state of what was asked (each has its message in bot.messages)."""

    SCOPE = "scope"  # another place, a subject the release never covers, a name the entry does not mention
    WORDS = "words"  # nouns of the asking clause that no entry of the base states
    COUNTED = "counted"  # it counts another thing than the entry counts
    AREA = "area"  # a total for a bigger area than the entry states one for
    NUMBER = "number"  # a number or ordinal the entry does not state
    PART = "part"  # one part of a figure the entry gives only as a total
    TOTAL = "total"  # a total asked where the entry counts only what was added or upgraded (新增10户)
    PERIOD = "period"  # a period (去年, 全年) other than the one the entry's figure is for
    COMPARE = "compare"  # a comparison with another thing than the entry compares with
    ASK_KIND = "ask:kind"  # the kind of thing asked for (啥体制), which other candidates name and this one not
    ASK_MEASURE = "ask:measure"  # a measure (产值, 人口) or a thing counted that the entry never names
    ASK_PRICE = "ask:price"
    ASK_PROCEDURE = "ask:procedure"
    ASK_NAMES = "ask:names"
    ASK_PLACES = "ask:places"
    ASK_MOST = "ask:most"
    ASK_ORG = "ask:org"
    ASK_PLAN = "ask:plan"
    ASK_COMPARE = "ask:compare"
    ASK_RANK = "ask:rank"
    ASK_AREA = "ask:area"
    ASK_AGE = "ask:age"
    ASK_WHICH = "ask:which"
    ASK_WHEN = "ask:when"
    QUALIFIER = "qualifier"  # 户籍人口 asked of an entry that states 人口 but not 户籍: a narrower thing than it states
    VALUE = "value"  # 省级 asked where the entry states only 国家级: another value of the same kind
    ASK_YEAR = "ask:year"  # which year (哪一年落户): 近期 says when, not the year
    ASK_SINCE = "ask:since"  # since when (从啥时候以来算的): the start of the period a figure or an account covers
    ASK_LENGTH = "ask:length"  # a length or a distance (多长, 多远, 多少公里)
    ASK_DAY = "ask:day"
    ASK_MONTH = "ask:month"
    ASK_CONTACT = "ask:contact"
    ASK_PERSON = "ask:person"
    ASK_EXPLAIN = "ask:explain"
    ASK_REST = "ask:rest"
    ASK_MONEY = "ask:money"
    ASK_REASON = "ask:reason"
    ASK_PURPOSE = "ask:purpose"  # what a thing is for (用来干啥): the answer says what it serves
    ASK_PER = "ask:per"
    ASK_COUNT = "ask:count"
    SUBJECT = "subject"  # the message names nothing to answer about (花了多少钱, 是谁)


@dataclass(frozen=True)
class Gap:
    """What an entry does not state of what was asked."""

    kind: GapKind  # a plain string is taken as its kind (an unknown one raises ValueError)
    detail: str = ""  # the term, the number or the words

    def __post_init__(self) -> None:
        if not isinstance(self.kind, GapKind):
            object.__setattr__(self, "kind", GapKind(self.kind))
